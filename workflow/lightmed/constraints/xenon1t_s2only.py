"""XENON1T S2-only (PRL 123 (2019) 251801) as a light-mediator likelihood (docs/physics.md §7).

The official data release (github.com/XENON1T/s2only_data_release, see :data:`WHERE`) gives the
NR response matrix (fraction of recoils of energy E that land in each S2 bin after all cuts),
the S2 binning, the nominal ER and ⁸B-CEvNS expectations per S2 bin and the observed events. The
signal is lightmed's own solar ⁸B + hep CEvNS recoil spectrum of the model
(``lightmed.rates.differential_rates``) folded with the
matrix and the raw exposure, 356 770 kg d, with the conventional 0.7 keV NR cut-off:

    C_b(g, m) = c0_b + g² c1_b(m) + g⁴ c2_b(m)     (expected CEvNS events in S2 bin b).

Likelihood. The release stresses that its background model is incomplete (no cathode events,
and 170 events above 90 PE against ~15 expected), so the collaboration counted events in an
S2 region of interest (ROI, chosen per WIMP mass on the training data) and treated every
unmodelled event as possible signal. lightmed does the same as a profile likelihood: one
Poisson count n in the ROI with expectation

    μ = (1 + x) C(g) + (1 + y) B_ER + u,   x ~ N(0, σ_φ), y ~ N(0, σ_ER), u ≥ 0 free,

u being the unmodelled background. Profiling u gives f(μ) = 2(μ − n − n ln(μ/n)) for μ > n
and 0 otherwise; the two Gaussian pulls combine into one shift δ with
σ_δ² = (σ_φ C)² + (σ_ER B_ER)², and min_δ [f(μ₀ + δ) + δ²/σ_δ²] has a closed form (a
quadratic), so the whole (mass, coupling) plane is one array expression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from .. import fluxes, rates
from ..config import validate_block
from ..errors import ConfigError, InputError
from ..targets import Target, get_target
from .base import Scan
from .releases import WHERE as RELEASES

NAME = "xenon1t_s2only"
TITLE = "XENON1T S2-only (2019)"
WHERE = RELEASES[NAME]
CITATION = "E. Aprile et al. (XENON), PRL 123 (2019) 251801, arXiv:1907.11485"

#: Raw exposure of the search data [kg day] (release README).
EXPOSURE_KG_DAY = 356770.0
SECONDS_PER_DAY = 86400.0

FILES = {
    "response": (
        "s2_response_nr.csv",
        ("energy_kev", "energy_bin_start_kev", "energy_bin_end_kev"),
    ),
    "binning": ("s2_binning_info.csv", ("s2_bin_number", "start_pe", "end_pe")),
    "background": (
        "er_and_cevns_background.csv",
        ("s2_bin_number", "er_background_events", "cevns_background_events"),
    ),
    "events": ("events_after_cuts.csv", ("s2_area_pe",)),
    "limits": (
        "limits/5a_results_si_nr.csv",
        (
            "mass_gev",
            "s2_roi_min",
            "s2_roi_max",
            "n_observed",
            "n_expected_background_mean",
            "n_expected_background_sigma",
        ),
    ),
}


def read_table(path: Path, columns) -> pd.DataFrame:
    """A release CSV with the required ``columns``; one-line InputError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found; get the release from {WHERE}")
    try:
        df = pd.read_csv(path, comment="#")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc.__class__.__name__})") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}; expected the release's "
            f"columns {', '.join(columns)}"
        )
    for c in columns:
        if c != "has_s1" and not np.all(np.isfinite(pd.to_numeric(df[c], errors="coerce"))):
            raise InputError(f"{path}: column {c} has non-numeric or missing values")
    return df


def resolve_settings(settings: dict | None, name: str = NAME) -> dict:
    """``constraints.<name>`` validated against the config schema, its defaults filled in
    (the schema is the only source of defaults; ``path`` is dropped)."""
    block = {k: v for k, v in dict(settings or {}).items() if k != "path"}
    return validate_block(block, f"properties/constraints/properties/{name}", ("constraints", name))


@dataclass
class S2Response:
    """The release's NR response, read as distributed."""

    path: Path
    energy_kev: np.ndarray  # (n_e,)
    energy_lo_kev: np.ndarray
    energy_hi_kev: np.ndarray
    matrix: np.ndarray  # (n_e, n_s2): fraction per S2 bin after all cuts
    s2_lo_pe: np.ndarray  # (n_s2,)
    s2_hi_pe: np.ndarray


def read_response(path: Path) -> S2Response:
    """``s2_response_nr.csv`` + ``s2_binning_info.csv`` of the release directory ``path``."""
    path = Path(path)
    if not path.is_dir():
        raise InputError(f"{path}: release directory not found; get it from {WHERE}")
    name, cols = FILES["response"]
    resp = read_table(path / name, cols)
    s2_cols = [c for c in resp.columns if c.startswith("s2_bin_")]
    bname, bcols = FILES["binning"]
    binning = read_table(path / bname, bcols)
    if not s2_cols or len(s2_cols) != len(binning):
        raise InputError(
            f"{path / name}: {len(s2_cols)} s2_bin_* columns but {path / bname} has "
            f"{len(binning)} S2 bins; use the files of one release"
        )
    matrix = resp[s2_cols].to_numpy(float)
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
        raise InputError(f"{path / name}: response fractions must be finite and >= 0")
    return S2Response(
        path=path,
        energy_kev=resp["energy_kev"].to_numpy(float),
        energy_lo_kev=resp["energy_bin_start_kev"].to_numpy(float),
        energy_hi_kev=resp["energy_bin_end_kev"].to_numpy(float),
        matrix=matrix,
        s2_lo_pe=binning["start_pe"].to_numpy(float),
        s2_hi_pe=binning["end_pe"].to_numpy(float),
    )


def solar_flux(
    ssm: str, oscillation: str, b8_flux: float | None = None, with_hep: bool = True
) -> xr.Dataset:
    """Solar ⁸B + hep at Earth (embedded β-decay shapes, SSM-normalised; lightmed.fluxes).

    ``b8_flux`` [cm⁻² s⁻¹] rescales ⁸B, ``with_hep=False`` drops hep (validation only).
    """
    emitted = fluxes.solar_beta_spectra(ssm)
    comp = emitted["flux_component"].values.copy()
    names = [str(c) for c in emitted["component"].values]
    if b8_flux is not None:
        comp[names.index("8B")] *= float(b8_flux) / emitted.attrs["norm_8B_cm2_s"]
    if not with_hep:
        comp[names.index("hep")] = 0.0
    emitted["flux_component"].values[...] = comp
    emitted["flux"].values[...] = comp.sum(0)[None, :]
    return fluxes.solar_at_earth(emitted, oscillation)


def fold(
    response: S2Response,
    rate_fn,
    threshold_kev: float,
    nodes_per_bin: int = 8,
) -> np.ndarray:
    """∫_{E ≥ threshold} rate(E) R_b(E) dE for every S2 bin b.

    The release computed the response at single energies (its README), so lightmed interpolates
    it linearly in ln E between them (constant beyond the first and last energy) and integrates
    the product with Gauss-Legendre nodes on each of the release's energy bins, clipped at
    ``threshold_kev``. ``rate_fn(e_kev)`` returns (..., n_nodes) [per keV]; the result has
    shape (..., n_s2).
    """
    lo = np.maximum(response.energy_lo_kev, threshold_kev)
    hi = response.energy_hi_kev
    keep = hi > lo
    x, w = np.polynomial.legendre.leggauss(int(nodes_per_bin))
    half = 0.5 * (hi[keep] - lo[keep])
    nodes = ((0.5 * (hi[keep] + lo[keep]))[:, None] + half[:, None] * x[None, :]).ravel()
    weights = (half[:, None] * w[None, :]).ravel()
    log_e = np.log(response.energy_kev)
    matrix = np.stack(
        [np.interp(np.log(nodes), log_e, col) for col in response.matrix.T], axis=1
    )  # (nodes, n_s2)
    values = rate_fn(nodes)
    return (values * weights) @ matrix


def cevns_coefficients(
    response: S2Response,
    flux: xr.Dataset,
    target: Target,
    model,
    masses_mev,
    threshold_kev: float,
    exposure_kg_day: float = EXPOSURE_KG_DAY,
    nodes_per_bin: int = 8,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected CEvNS events per S2 bin: c0 (n_s2,), c1, c2 (mass, n_s2); C = c0 + g²c1 + g⁴c2."""
    masses = np.atleast_1d(np.asarray(masses_mev, float))
    scale = exposure_kg_day * 1e-3 * SECONDS_PER_DAY  # tonne seconds
    cache: dict[str, np.ndarray] = {}

    def terms(e_kev):
        ds = rates.differential_rates(flux, target, model, masses, e_kev)
        cache["sm"] = ds["rate_sm"].values
        cache["int"] = ds["rate_int"].values
        cache["np"] = ds["rate_np"].values
        return np.concatenate([cache["sm"][None, :], cache["int"], cache["np"]], axis=0)

    folded = fold(response, terms, threshold_kev, nodes_per_bin) * scale
    n = masses.size
    return folded[0], folded[1 : 1 + n], folded[1 + n :]


@dataclass
class S2OnlyData:
    """Everything the likelihood needs, read from the release as distributed."""

    response: S2Response
    er_events: np.ndarray  # (n_s2,) release's ER expectation
    release_cevns: np.ndarray  # (n_s2,) release's 8B CEvNS expectation
    events_pe: np.ndarray  # observed S2 areas
    roi_pe: tuple[float, float]
    roi_weight: np.ndarray  # (n_s2,) fraction of each S2 bin inside the ROI (linear in PE)
    n_observed: int
    er_uncertainty: float
    flux_uncertainty: float
    roi_source: str
    flux: xr.Dataset
    target: Target
    settings: dict = field(default_factory=dict)


def sm_cevns_events(
    data: S2OnlyData, b8_flux: float | None = None, with_hep: bool = True
) -> np.ndarray:
    """SM CEvNS events per S2 bin in the search data (validation against the release)."""
    from ..models import get_model

    flux = solar_flux(data.settings["ssm"], data.settings["oscillation"], b8_flux, with_hep)
    c0, _, _ = cevns_coefficients(
        data.response,
        flux,
        data.target,
        get_model("vector"),
        [1.0],
        float(data.settings["threshold_kev"]),
        nodes_per_bin=int(data.settings["nodes_per_bin"]),
    )
    return c0


def _roi(path: Path, s: dict) -> tuple[tuple[float, float], str, float | None, int | None]:
    """ROI [PE], its provenance, the release's relative background sigma and n_observed."""
    name, cols = FILES["limits"]
    lim = read_table(path / name, cols)
    row = None
    if s["roi_pe"] is not None:
        lo, hi = (float(v) for v in s["roi_pe"])
        source = f"config roi_pe [{lo:g}, {hi:g}] PE"
        match = lim[np.isclose(lim["s2_roi_min"], lo) & np.isclose(lim["s2_roi_max"], hi)]
        row = match.iloc[0] if len(match) else None
    else:
        mass = float(s["roi_wimp_mass_gev"])
        match = lim[np.isclose(lim["mass_gev"], mass)]
        if not len(match):
            raise ConfigError(
                f"constraints.{NAME}.roi_wimp_mass_gev: {mass:g} GeV is not a mass of "
                f"{path / name}; use one of {', '.join(f'{m:g}' for m in lim['mass_gev'])}"
            )
        row = match.iloc[0]
        lo, hi = float(row["s2_roi_min"]), float(row["s2_roi_max"])
        source = f"ROI of the {mass:g} GeV WIMP in {name} (optimised by XENON on the training data)"
    if row is None:
        return (lo, hi), source, None, None
    rel = float(row["n_expected_background_sigma"] / row["n_expected_background_mean"])
    return (lo, hi), source, rel, int(row["n_observed"])


def load(path, settings: dict | None = None) -> S2OnlyData:
    """Read the release directory ``path`` (as distributed) and resolve the settings."""
    path = Path(path)
    s = resolve_settings(settings)
    response = read_response(path)
    bname, bcols = FILES["background"]
    bkg = read_table(path / bname, bcols)
    if len(bkg) != response.matrix.shape[1]:
        raise InputError(
            f"{path / bname}: {len(bkg)} rows but the response has "
            f"{response.matrix.shape[1]} S2 bins; use the files of one release"
        )
    ename, ecols = FILES["events"]
    events = read_table(path / ename, ecols)["s2_area_pe"].to_numpy(float)
    (lo, hi), source, rel_bkg, n_release = _roi(path, s)
    overlap = np.minimum(response.s2_hi_pe, hi) - np.maximum(response.s2_lo_pe, lo)
    roi_weight = np.clip(overlap / (response.s2_hi_pe - response.s2_lo_pe), 0.0, 1.0)
    if not np.any(roi_weight > 0):
        raise ConfigError(f"constraints.{NAME}: ROI [{lo:g}, {hi:g}] PE contains no S2 bin")
    n_obs = int(np.sum((events >= lo) & (events < hi)))
    if n_release is not None and n_release != n_obs:
        raise InputError(
            f"{path / ename}: {n_obs} events in the ROI [{lo:g}, {hi:g}) PE but "
            f"{FILES['limits'][0]} lists {n_release}; use the files of one release"
        )
    er_unc = s["er_uncertainty"]
    if er_unc is None:
        if rel_bkg is None:
            raise ConfigError(
                f"constraints.{NAME}.er_uncertainty: needed when roi_pe is not a release ROI"
            )
        er_unc = rel_bkg
        er_note = "the release's background sigma/mean of the ROI row"
    else:
        er_note = "config"
    s["er_uncertainty_source"] = er_note
    return S2OnlyData(
        response=response,
        er_events=bkg["er_background_events"].to_numpy(float),
        release_cevns=bkg["cevns_background_events"].to_numpy(float),
        events_pe=events,
        roi_pe=(lo, hi),
        roi_weight=roi_weight,
        n_observed=n_obs,
        er_uncertainty=float(er_unc),
        flux_uncertainty=float(s["flux_uncertainty"]),
        roi_source=source,
        flux=solar_flux(s["ssm"], s["oscillation"]),
        target=get_target(str(s["target"])),
        settings=s,
    )


def profiled_neg2lnl(mu0: np.ndarray, n: int, var: np.ndarray) -> np.ndarray:
    """min over δ of f(μ₀ + δ) + δ²/var, f(μ) = 2(μ − n − n ln(μ/n)) for μ > n else 0.

    f is the Poisson −2 ln L ratio with the unmodelled background u ≥ 0 profiled. For n > 0
    the stationary point solves μ² + (var − μ₀)μ − var n = 0. For n = 0, f = 2μ and
    δ = −var (clipped at μ = 0).
    """
    mu0 = np.asarray(mu0, float)
    var = np.maximum(np.asarray(var, float), 1e-300)
    if n == 0:
        delta = np.maximum(-var, -mu0)
        return 2.0 * (mu0 + delta) + delta**2 / var
    b = mu0 - var
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = 0.5 * (b + np.sqrt(b * b + 4.0 * var * n))
        f = 2.0 * (mu - n - n * np.log(mu / n))
        q = f + (mu - mu0) ** 2 / var
    return np.where(mu0 > n, q, 0.0)


def _reference(q_sm: np.ndarray, q: np.ndarray, couplings: np.ndarray):
    """−2ΔlnL against the best fit over g ≥ 0 (g = 0 included), the best fit and ΔSM."""
    best = np.minimum(q_sm, q.min(axis=1))
    k = np.argmin(q, axis=1)
    g_hat = np.where(q_sm <= q.min(axis=1), 0.0, couplings[k])
    return q - best[:, None], g_hat, q_sm - best


def _check_couplings(couplings) -> np.ndarray:
    g = np.atleast_1d(np.asarray(couplings, float))
    if g.ndim != 1 or g.size == 0 or np.any(g <= 0) or np.any(np.diff(g) <= 0):
        raise ConfigError("constraints.coupling: needs an increasing grid of couplings > 0")
    return g


class XENON1TS2Only:
    """The experiment object of the constraints stage (contract: docs/physics.md §7)."""

    name = NAME
    title = TITLE
    where = WHERE

    def load(self, path, settings: dict | None = None) -> S2OnlyData:
        return load(path, settings)

    def roi_coefficients(self, data: S2OnlyData, model, masses_mev):
        """Expected CEvNS events in the ROI: c0 (scalar), c1, c2 (mass,) and per-bin c0."""
        c0, c1, c2 = cevns_coefficients(
            data.response,
            data.flux,
            data.target,
            model,
            masses_mev,
            float(data.settings["threshold_kev"]),
            nodes_per_bin=int(data.settings["nodes_per_bin"]),
        )
        w = data.roi_weight
        return c0 @ w, c1 @ w, c2 @ w, c0

    def scan(self, data: S2OnlyData, model, masses_mev, couplings) -> Scan:
        g = _check_couplings(couplings)
        masses = np.atleast_1d(np.asarray(masses_mev, float))
        s0, s1, s2, c0_bins = self.roi_coefficients(data, model, masses)
        b_er = float(data.er_events @ data.roi_weight)
        g2 = g[None, :] ** 2
        cevns = s0 + g2 * s1[:, None] + g2**2 * s2[:, None]  # (mass, k)

        def q_of(c):
            var = (data.flux_uncertainty * c) ** 2 + (data.er_uncertainty * b_er) ** 2
            return profiled_neg2lnl(c + b_er, data.n_observed, var)

        q = q_of(cevns)
        q_sm = np.broadcast_to(q_of(np.asarray(s0)), masses.shape).astype(float)
        neg2dlnl, g_hat, neg2_sm = _reference(q_sm, q, g)
        s2_coords = {
            "s2_bin_start": (
                "s2_bin",
                data.response.s2_lo_pe,
                {"units": "PE", "long_name": "lower edge of the release's S2 bin"},
            )
        }
        extras = {
            "expected_sm_cevns": xr.DataArray(
                c0_bins,
                dims="s2_bin",
                coords=s2_coords,
                attrs={"units": "1", "long_name": "lightmed SM 8B+hep CEvNS events per S2 bin"},
            ),
            "release_cevns": xr.DataArray(
                data.release_cevns,
                dims="s2_bin",
                coords=s2_coords,
                attrs={"units": "1", "long_name": "release's 8B CEvNS events per S2 bin"},
            ),
        }
        attrs = {
            "statistic": (
                f"profile likelihood ratio, one Poisson count in the S2 ROI "
                f"[{data.roi_pe[0]:.2f}, {data.roi_pe[1]:.2f}) PE ({data.roi_source}): "
                f"{data.n_observed} observed, ER {b_er:.3f} expected; the unmodelled "
                "background u >= 0 is free (every unexplained event may be signal, as XENON "
                "did), so a deficit below the observed count is never excluded; signal: "
                "lightmed solar 8B + hep CEvNS folded with the release's NR response, "
                f"E_nr >= {float(data.settings['threshold_kev']):g} keV, "
                f"{EXPOSURE_KG_DAY:g} kg d"
            ),
            "test_statistic": "-2 ln[L(g, profiled) / L(g_hat, profiled)], g_hat >= 0",
            "reference_point": (
                "best fit over g >= 0 (g = 0 included): with u free any expectation up to the "
                "observed count fits equally well, so g_hat is 0 unless the SM alone is above it"
            ),
            "nuisances": (
                f"8B+hep flux normalisation: Gaussian, sigma {data.flux_uncertainty:g} "
                f"({data.settings['ssm']}); ER normalisation: Gaussian, sigma "
                f"{data.er_uncertainty:.4g} ({data.settings['er_uncertainty_source']}); "
                "unmodelled background u >= 0: flat, profiled"
            ),
            "roi_pe": f"[{data.roi_pe[0]:.2f}, {data.roi_pe[1]:.2f})",
            "roi_source": data.roi_source,
            "n_observed": int(data.n_observed),
            "er_expected_roi": b_er,
            "threshold_kev": float(data.settings["threshold_kev"]),
            "exposure_kg_day": EXPOSURE_KG_DAY,
            "signal": (
                "lightmed solar 8B + hep CEvNS (lightmed.rates.differential_rates, "
                f"{data.settings['ssm']}, oscillation {data.settings['oscillation']}, target "
                f"{data.target.name}) "
                "folded with s2_response_nr.csv, replacing the release's CEvNS column"
            ),
            "data_release": WHERE,
            "citation": CITATION,
            "title": TITLE,
            "year": 2019,
        }
        return Scan(
            coupling=g,
            neg2dlnl=neg2dlnl,
            best_fit=g_hat,
            neg2dlnl_sm=neg2_sm,
            attrs=attrs,
            extras=extras,
        )


EXPERIMENT = XENON1TS2Only()
