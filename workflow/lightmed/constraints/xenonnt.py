"""XENONnT solar-8B CEvNS (SR0 + SR1 + SR2): a light-mediator limit from the official release.

The release (XENON Collaboration, CC-BY-4.0, DOI 10.5281/zenodo.20576156; PRL 133 (2024)
191002, PRL 134 (2025) 111802, arXiv:2604.06002) gives, per science run, the observed events
in four observables (cS2, S2 shadow quantile, S1 BDT score, S2 BDT score; 3 bins each, 81
bins), accidental-coincidence (AC) and electronic-recoil (ER) templates [events / t y],
radiogenic-neutron templates [events / t y] and monoenergetic nuclear-recoil efficiency
templates (E = 0.5 ... 5.0 keV in 0.1 keV steps) on a 7 x 7 grid of the light-yield and
charge-yield nuisances (t_ly, t_qy = -3 ... 3).

The signal of a registry model is lightmed's own CEvNS rate on natural Xe
(:func:`lightmed.rates.differential_rates`, solar 8B + hep at Earth from
:mod:`lightmed.fluxes`), dR/dE = R_SM + g^2 R_int + g^4 R_np, folded with the efficiency
templates (linear in E between the monoenergetic anchors, Gauss-Legendre nodes in each
0.1 keV interval, recoils below 0.5 keV and above 5 keV dropped as in XENONnT's own
recasting tool) and multiplied by each run's livetime, so the expected counts per bin are
S0 + g^2 S1 + g^4 S2 for fixed nuisances. The likelihood and its profile are in
:mod:`lightmed.constraints.xenonnt_fit`; the statistic is stated in :data:`STATISTIC` and in
docs/physics.md §7.4 (with the validation numbers).

:func:`load` reads the shipped derived file (``resources/constraints/xenonnt_8b``) or the
release as distributed; ``resources/constraints/xenonnt_8b/build.py`` rebuilds the former from
the latter (:mod:`lightmed.constraints.xenonnt_release`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .. import fluxes, rates, targets
from ..constants import YEAR_S
from ..errors import ConfigError, InputError
from . import xenonnt_fit as fit
from .releases import XENONNT_DOI
from .xenonnt_release import (
    ANCHORS,
    CITATION,
    DERIVED_FILE,
    MONO_ENERGIES_KEV,
    RUNS,
    WHERE,
    read_derived,
    read_release,
)

NAME = "xenonnt_8b"
TITLE = "XENONnT 8B CEvNS (2026)"

#: Nuisance priors (relative Gaussian widths) and bounds of XENONnT's own statistical model
#: for these templates (light_wimp_data_release, statistical_model_base.yaml: signal
#: efficiency 25 % in [0.5, 1.5], AC SR0 9.04 %, SR1 5.76 %, ER 100 %, neutrons 58 %, t_ly and
#: t_qy unit Gaussians on [-3, 3]). The SR2 AC uncertainty is not public: the larger of SR0
#: and SR1 (9.04 %) is taken.
AC_UNCERTAINTY = {"sr0": 0.0904, "sr1": 0.0576, "sr2": 0.0904}
EFFICIENCY_UNCERTAINTY = 0.25
ER_UNCERTAINTY = 1.0
NR_UNCERTAINTY = 0.58
#: 8B flux: B16-GS98 normalisation (lightmed.flux_presets) and its SSM uncertainty, 12 %
#: (Vinyoles et al., ApJ 835 (2017) 202, Table 6); one multiplier scales 8B and hep.
SSM = "B16-GS98"
FLUX_UNCERTAINTY = 0.12
TARGET = "Xe_natural"
#: Gauss-Legendre nodes per 0.1 keV interval of the monoenergetic grid.
NODES_PER_INTERVAL = 4
#: Couplings folded in one batch of the continuation in g.
CHUNK = 8
#: Flux multiplier of the second start of every profile fit (the signal-suppressed branch).
LOW_FLUX_START = 1e-3
#: ... tried where the nominal signal exceeds this multiple of the SM's (one branch below).
BRANCH_RATIO = 2.0

STATISTIC = (
    "profile likelihood ratio of an extended binned Poisson likelihood over the 81 released "
    "bins (cS2 x S2 shadow quantile x S1 BDT x S2 BDT) of each run, Gaussian priors on the "
    "nuisances; t = -2 ln[L(g, nuisances profiled)/L(g_hat, nuisances profiled)]"
)
TEST_STATISTIC = (
    "-2 Delta ln L in the axis coupling g (one dof, asymptotic/Wilks: 90 % CL at 2.706); "
    "an excluded region is every g with t > 2.706, so a deficit (destructive interference) can "
    "be excluded and an allowed island above the lower edge is reported as an interval"
)
REFERENCE_POINT = (
    "best fit over g >= 0 (g_hat = 0 when the SM fits best): the data's own best fit, so a "
    "fluctuation of the 8B rate is not read as an exclusion of the SM and an excess is not "
    "turned into a spurious limit"
)


@dataclass
class XenonntData:
    """What the likelihood needs: per run (``runs``) observed counts, templates, livetimes.

    ``observed`` (run, bin) events; ``ac``, ``er`` (run, bin) and ``rg`` (run, t_ly, t_qy, bin)
    [events / t y]; ``mono`` (run, t_ly, t_qy, energy, bin) detection efficiency per bin;
    ``edges`` (run, observable, edge); ``flux`` the solar flux at Earth used for the signal.
    """

    runs: tuple[str, ...]
    livetime: np.ndarray
    observed: np.ndarray
    ac: np.ndarray
    er: np.ndarray
    rg: np.ndarray
    mono: np.ndarray
    energies: np.ndarray
    anchors: np.ndarray
    edges: np.ndarray
    source: str
    flux: xr.Dataset
    flux_uncertainty: float
    target: Any

    def subset(self, runs: Sequence[str]) -> XenonntData:
        """The same data restricted to ``runs`` (e.g. SR0 + SR1 for PRL 133)."""
        bad = [r for r in runs if r not in self.runs]
        if bad or not runs:
            raise ConfigError(
                f"constraints.xenonnt_8b.runs: {list(runs)} must be a non-empty subset of "
                f"{list(self.runs)}"
            )
        k = [self.runs.index(r) for r in runs]
        return XenonntData(
            tuple(runs),
            self.livetime[k],
            self.observed[k],
            self.ac[k],
            self.er[k],
            self.rg[k],
            self.mono[k],
            self.energies,
            self.anchors,
            self.edges[k],
            self.source,
            self.flux,
            self.flux_uncertainty,
            self.target,
        )


def load(path: str | Path, settings: Mapping[str, Any] | None = None) -> XenonntData:
    """Read the shipped derived file directory (or the file) or the release as distributed.

    ``settings`` (the ``constraints.xenonnt_8b`` block) may set ``runs`` (subset of sr0, sr1,
    sr2), ``flux_uncertainty`` (relative 8B flux prior) and ``ssm`` (flux normalisation).
    """
    settings = dict(settings or {})
    p = Path(path)
    if p.is_file() and p.suffix == ".nc":
        arrays, source = read_derived(p), str(p)
    elif (p / DERIVED_FILE).is_file():
        arrays, source = read_derived(p / DERIVED_FILE), str(p / DERIVED_FILE)
    elif (p / "templates").is_dir():
        arrays, source = read_release(p), str(p)
    else:
        raise InputError(
            f"{p}: neither the derived file {DERIVED_FILE} nor the release (binning/, data/, "
            f"templates/); get it from {WHERE}"
        )
    ssm = settings.get("ssm") or SSM
    flux = fluxes.solar_at_earth(fluxes.solar_beta_spectra(ssm), "msw_lma")
    sigma = settings.get("flux_uncertainty")
    if sigma is not None and not (isinstance(sigma, int | float) and 0 < sigma <= 10):
        raise ConfigError(
            f"constraints.xenonnt_8b.flux_uncertainty: {sigma!r} must be a number in (0, 10] "
            "(relative 8B flux prior)"
        )
    data = XenonntData(
        RUNS,
        arrays["livetime"],
        arrays["observed"],
        arrays["ac"],
        arrays["er"],
        arrays["rg"],
        arrays["mono"],
        MONO_ENERGIES_KEV,
        ANCHORS,
        arrays["edges"],
        source,
        flux,
        FLUX_UNCERTAINTY if sigma is None else float(sigma),
        targets.get_target(TARGET),
    )
    runs = settings.get("runs")
    return data.subset(tuple(runs)) if runs else data


# --------------------------------------------------------------------------------------------
# signal and likelihood


def _fold_nodes(energies: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Recoil nodes [keV] and the matrix W (node, anchor): int f eff dE = sum f(node) W @ eff."""
    x, w = np.polynomial.legendre.leggauss(NODES_PER_INTERVAL)
    lo, hi = energies[:-1], energies[1:]
    half = 0.5 * (hi - lo)
    t = 0.5 * (x + 1.0)  # fraction across the interval
    nodes = (lo[:, None] + (hi - lo)[:, None] * t[None]).reshape(-1)
    weight = (half[:, None] * w[None]).reshape(-1)
    mat = np.zeros((nodes.size, energies.size))
    k = np.repeat(np.arange(lo.size), x.size)
    frac = np.tile(t, lo.size)
    mat[np.arange(nodes.size), k] = weight * (1 - frac)
    mat[np.arange(nodes.size), k + 1] = weight * frac
    return nodes, mat


def signal_coefficients(data: XenonntData, model, masses_mev) -> np.ndarray:
    """Signal events at nominal flux and efficiency: (term, mass, t_ly, t_qy, run, bin).

    term 0, 1, 2 = the coefficients of g^0, g^2, g^4 (the SM part is the same for all masses).
    """
    nodes, mat = _fold_nodes(data.energies)
    ds = rates.differential_rates(data.flux, data.target, model, masses_mev, nodes)
    r, a1, a2, ne, nb = data.mono.shape
    eff = np.einsum("ne,xeb->nxb", mat, data.mono.reshape(-1, ne, nb)).reshape(nodes.size, -1)
    scale = (YEAR_S * data.livetime)[None, None, None, :, None]
    shape = (-1, r, a1, a2, nb)
    terms = [
        np.broadcast_to(ds["rate_sm"].values[None], (len(masses_mev), nodes.size)),
        ds["rate_int"].values,
        ds["rate_np"].values,
    ]
    out = [(t @ eff).reshape(shape).transpose(0, 2, 3, 1, 4) * scale for t in terms]
    # C order: the fit reads the templates as rows (mass t_ly t_qy, run bin) without a copy
    return np.ascontiguousarray(np.stack(out))


def likelihood(data: XenonntData, free_flux: bool = False) -> fit.Likelihood:
    """The fixed inputs of :mod:`xenonnt_fit` (backgrounds x livetime, priors, bounds)."""
    lt = data.livetime[:, None]
    names = ("flux", "efficiency", *(f"ac_{r}" for r in data.runs), "er", "nr", "t_ly", "t_qy")
    sigma = [
        np.inf if free_flux else data.flux_uncertainty,
        EFFICIENCY_UNCERTAINTY,
        *(AC_UNCERTAINTY[r] for r in data.runs),
        ER_UNCERTAINTY,
        NR_UNCERTAINTY,
        1.0,
        1.0,
    ]
    n = len(names)
    centre = np.ones(n)
    centre[-2:] = 0.0
    lower = np.zeros(n)
    upper = np.full(n, 100.0)
    lower[1], upper[1] = 0.5, 1.5
    lower[-2:], upper[-2:] = data.anchors[0], data.anchors[-1]
    return fit.Likelihood(
        observed=data.observed,
        ac=data.ac * lt,
        er=data.er * lt,
        rg=np.ascontiguousarray((data.rg * lt[:, None, None]).transpose(1, 2, 0, 3)),
        anchors=(data.anchors, data.anchors),
        names=names,
        centre=centre,
        sigma=np.asarray(sigma, float),
        lower=lower,
        upper=upper,
    )


def _golden_refine(lk, coeffs, lo_g, hi_g, theta, f_best, g_best, iters: int = 30):
    """Golden-section search of the profile in log g on [lo_g, hi_g] per mass (vectorised)."""
    inv = (np.sqrt(5.0) - 1.0) / 2.0
    a, b = np.log(lo_g), np.log(hi_g)

    def prof(logg, th):
        sig = fit.SignalRows(coeffs, np.arange(logg.size), np.exp(2 * logg))
        return fit.profile(lk, sig, th)

    c, d = b - inv * (b - a), a + inv * (b - a)
    fc, thc = prof(c, theta)
    fd, thd = prof(d, theta)
    for _ in range(iters):
        left = fc < fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        new = np.where(left, b - inv * (b - a), a + inv * (b - a))
        fn, thn = prof(new, np.where(left[:, None], thc, thd))
        c2 = np.where(left, new, d)
        d2 = np.where(left, c, new)
        fc2 = np.where(left, fn, fd)
        fd2 = np.where(left, fc, fn)
        thc, thd = np.where(left[:, None], thn, thd), np.where(left[:, None], thc, thn)
        c, d, fc, fd = c2, d2, fc2, fd2
    f_ref = np.minimum(fc, fd)
    g_ref = np.exp(np.where(fc < fd, c, d))
    take = f_ref < f_best
    return np.where(take, f_ref, f_best), np.where(take, g_ref, g_best)


def scan(data: XenonntData, model, masses_mev, couplings):
    """Profile-likelihood scan on (mass, coupling): the contract's :class:`Scan`."""
    from .base import Scan

    masses = np.atleast_1d(np.asarray(masses_mev, float))
    g = np.atleast_1d(np.asarray(couplings, float))
    if g.ndim != 1 or np.any(g <= 0) or np.any(np.diff(g) <= 0):
        raise ConfigError("constraints.coupling: the coupling grid must be increasing and > 0")
    coeffs_all = signal_coefficients(data, model, masses)
    lk = likelihood(data)
    theta0 = lk.centre.copy()
    f_sm, th_sm = fit.profile(lk, coeffs_all[0][:1], theta0[None])
    n_m = masses.size
    table = np.empty((n_m, g.size))
    thetas = np.empty((n_m, g.size, theta0.size))
    start = np.repeat(th_sm, n_m, axis=0)
    low_flux = theta0[None].copy()
    low_flux[0, 0] = LOW_FLUX_START
    i0 = int(np.argmin(np.abs(data.anchors)))
    n_sm = coeffs_all[0][0, i0, i0].sum()
    for k0 in range(0, g.size, CHUNK):
        ks = np.arange(k0, min(k0 + CHUNK, g.size))
        sig = fit.SignalRows(
            coeffs_all, np.repeat(np.arange(n_m), ks.size), np.tile(g[ks] ** 2, n_m)
        )
        # two starts per point: the previous couplings' fit (continuation) and a suppressed
        # flux; the likelihood has two branches at large signals (signal removed by the flux
        # or by the yields and efficiency) and continuation alone can stay on the worse one
        # (both starts in one batch: the second start's rows pick the same templates)
        n = sig.points
        big = np.flatnonzero(sig.at_anchor(i0, i0).sum(axis=1) > BRANCH_RATIO * n_sm)
        starts = np.concatenate(
            [np.repeat(start, ks.size, axis=0), np.repeat(low_flux, big.size, axis=0)]
        )
        fv, th = fit.profile(lk, sig, starts, rows=np.concatenate([np.arange(n), big]))
        fa, tha = fv[n:], th[n:]
        fv, th = fv[:n], th[:n]
        alt = fa < fv[big]
        fv[big[alt]], th[big[alt]] = fa[alt], tha[alt]
        table[:, ks] = fv.reshape(n_m, ks.size)
        thetas[:, ks] = th.reshape(n_m, ks.size, -1)
        start = thetas[:, ks[-1]]
    # best fit over g >= 0: the grid's minimum (or the SM), refined between its neighbours
    k_min = table.argmin(axis=1)
    f_grid = table[np.arange(n_m), k_min]
    sm_best = f_sm[0] <= f_grid
    f_best = np.where(sm_best, f_sm[0], f_grid)
    g_best = np.where(sm_best, 0.0, g[k_min])
    refine = np.flatnonzero(~sm_best)
    if refine.size:
        lo_g = g[np.maximum(k_min[refine] - 1, 0)]
        hi_g = g[np.minimum(k_min[refine] + 1, g.size - 1)]
        f_r, g_r = _golden_refine(
            lk,
            coeffs_all[:, refine],
            lo_g,
            hi_g,
            thetas[refine, k_min[refine]],
            f_best[refine],
            g_best[refine],
        )
        f_best[refine], g_best[refine] = f_r, g_r
    neg2 = np.maximum(table - f_best[:, None], 0.0)
    neg2_sm = np.maximum(f_sm[0] - f_best, 0.0)
    extras = _extras(data, coeffs_all[0][0], lk, th_sm[0])
    return Scan(
        coupling=g,
        neg2dlnl=neg2,
        best_fit=g_best,
        neg2dlnl_sm=neg2_sm,
        attrs=_attrs(data, model),
        extras=extras,
    )


def _nuisance_text(data: XenonntData) -> str:
    ac = ", ".join(f"AC {r.upper()} {AC_UNCERTAINTY[r]:.2%}" for r in data.runs)
    ssm = data.flux.attrs.get("ssm", SSM)
    return (
        f"flux (8B + hep, one multiplier): Gaussian {data.flux_uncertainty:.1%} around {ssm} "
        f"(Vinyoles et al. 2017); signal efficiency: Gaussian {EFFICIENCY_UNCERTAINTY:.0%} on "
        f"[0.5, 1.5]; rates: {ac} (SR2: not public, SR0's value taken), ER "
        f"{ER_UNCERTAINTY:.0%}, radiogenic neutrons {NR_UNCERTAINTY:.0%}, all >= 0; light and "
        "charge yield t_ly, t_qy: unit Gaussians on [-3, 3], templates bilinear between the "
        "release's anchors (priors: XENONnT statistical model, light_wimp_data_release "
        "statistical_model_base.yaml)"
    )


def _attrs(data: XenonntData, model) -> dict:
    return {
        "statistic": STATISTIC,
        "test_statistic": TEST_STATISTIC,
        "reference_point": REFERENCE_POINT,
        "nuisances": _nuisance_text(data),
        "data_release": f"https://doi.org/{XENONNT_DOI}",
        "citation": CITATION,
        "title": TITLE,
        "year": 2026,
        "runs": ", ".join(data.runs),
        "livetime_t_yr": ", ".join(
            f"{r}: {t:g}" for r, t in zip(data.runs, data.livetime, strict=True)
        ),
        "signal": (
            f"lightmed CEvNS on {TARGET} ({rates.coupling_convention(model)}), solar 8B + hep "
            f"({data.flux.attrs.get('ssm', SSM)}, MSW-LMA) folded with the monoenergetic "
            "efficiency templates, 0.5-5 keV"
        ),
        "source": data.source,
    }


def _label(text: str) -> dict:
    return {"units": "1", "long_name": text}


def _extras(data: XenonntData, sm_coeff: np.ndarray, lk: fit.Likelihood, th_sm) -> dict:
    """Expected SM CEvNS, backgrounds and observed events per run (nominal nuisances)."""
    i0 = int(np.argmin(np.abs(data.anchors)))
    run = ("run", list(data.runs))
    comp = {
        "cevns_sm": sm_coeff[i0, i0].sum(axis=1),
        "ac": lk.ac.sum(axis=1),
        "er": lk.er.sum(axis=1),
        "radiogenic_neutrons": lk.rg[i0, i0].sum(axis=1),
        "observed": data.observed.sum(axis=1),
    }
    return {
        "expected_events": xr.DataArray(
            np.array(list(comp.values())),
            dims=("component", "run"),
            coords={
                "component": ("component", list(comp), _label("expected-event component")),
                "run": ("run", run[1], _label("XENONnT science run")),
            },
            attrs={
                "units": "1",
                "long_name": "expected events per run at nominal nuisances (observed: data)",
            },
        ),
        "sm_fit_nuisances": xr.DataArray(
            np.asarray(th_sm),
            dims=("nuisance",),
            coords={"nuisance": ("nuisance", list(lk.names), _label("nuisance parameter"))},
            attrs={"units": "1", "long_name": "nuisances of the SM (g = 0) fit"},
        ),
    }


def fit_b8_flux(
    data: XenonntData, runs: Sequence[str] | None = None, flux_grid=None
) -> dict[str, Any]:
    """SM 8B fit (validation against PRL 133): free flux, the other nuisances as in the scan.

    Returns the best-fit 8B flux [cm^-2 s^-1] (the multiplier scales 8B + hep; quoted on the
    8B normalisation), its 68 % profile interval (-2 Delta ln L = 1), q0 = -2 ln[L(0)/L(hat)]
    and the asymptotic significance sqrt(q0), and the expected SM events per run.
    """
    from ..flux_presets import SSM_PRESETS
    from ..models import get_model

    sub = data.subset(tuple(runs) if runs else data.runs)
    lk = likelihood(sub, free_flux=True)
    sm = signal_coefficients(sub, get_model("vector"), np.array([1.0]))[0]
    start = lk.centre[None]
    f_hat, th_hat = fit.profile(lk, sm, start)
    grid = np.linspace(0.0, 4.0, 401) if flux_grid is None else np.asarray(flux_grid, float)
    lo = np.repeat(lk.lower[None], grid.size, 0)
    hi = np.repeat(lk.upper[None], grid.size, 0)
    lo[:, 0] = hi[:, 0] = grid
    th0 = np.repeat(th_hat, grid.size, 0)
    f_grid, _ = fit.profile(lk, np.repeat(sm, grid.size, 0), th0, lo, hi)
    delta = f_grid - f_hat[0]
    q0 = float(max(delta[0], 0.0)) if grid[0] == 0 else float("nan")
    inside = np.flatnonzero(delta <= 1.0)
    norm = SSM_PRESETS[sub.flux.attrs.get("ssm", SSM)]["8B"]
    i0 = int(np.argmin(np.abs(sub.anchors)))
    return {
        "runs": sub.runs,
        "flux_hat": float(th_hat[0, 0] * norm),
        "flux_lo": float(grid[inside[0]] * norm) if inside.size else float("nan"),
        "flux_hi": float(grid[inside[-1]] * norm) if inside.size else float("nan"),
        "q0": q0,
        "significance": float(np.sqrt(q0)),
        "nuisances": dict(zip(lk.names, th_hat[0], strict=True)),
        "expected_sm": dict(zip(sub.runs, sm[0, i0, i0].sum(axis=1), strict=True)),
        "observed": dict(zip(sub.runs, sub.observed.sum(axis=1), strict=True)),
    }


class _Experiment:
    """The contract's Experiment: ``load`` the release, ``scan`` a registry model."""

    name = NAME
    title = TITLE
    where = WHERE

    def load(self, path: Path, settings: dict) -> XenonntData:
        return load(path, settings)

    def scan(self, data: XenonntData, model, masses_mev: np.ndarray, couplings: np.ndarray):
        return scan(data, model, masses_mev, couplings)


EXPERIMENT = _Experiment()
