"""CEvNS event rates in detectors: flavour-resolved differential rates and binned counts.

For a flux dataset (:mod:`lightmed.fluxes`: species ``flavour`` with ``multiplicity`` m_f and
spectrum psi_f), a target (:mod:`lightmed.targets`) and a registry model
(:mod:`lightmed.models`) with neutrino charges q_f and nuclear charge Q', the differential rate
per tonne is

    dR/dE_r = rate_sm + g^2 rate_int(m) + g^4 rate_np(m),
    rate_x(E_r) = sum_nuclei N_T sum_f m_f w_x(f) int dE_nu psi_f dsigma_x/dE_r,

w_sm = 1, w_int = q_f, w_np = q_f^2 (:func:`differential_rates`; the CEvNS coefficients per
unit charge are :func:`lightmed.cevns.charge_coefficients`). A detector (target, fiducial
mass, threshold, efficiency, bins) integrates it over each recoil bin (Gauss-Legendre):

    N_i(g, m) = events_sm_i + g^2 events_int_i(m) + g^4 events_np_i(m)

per burst (fluence) or per exposure (flux; :func:`compute_rates`). Every term of
dsigma/dE_r factorises as a(E_r, m)(1 - m_T E_r/2E^2) + b(E_r, m)/E^2, so the E_nu integral
reduces to the threshold moments I0 = int_{Emin(E_r)} psi dE and I2 = int_{Emin(E_r)} psi/E^2
dE per flavour and nucleus (exact for the piecewise-linear tabulated spectrum); each model is
then a contraction with its charges.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from . import cevns
from .constants import YEAR_S
from .errors import ConfigError, InputError
from .targets import Target, get_target

#: XENON1T 2018 total NR detection efficiency (arXiv:1805.12562 Fig. 1), our own fit:
#: eps(E) = eps_max / (1 + (E_half/E)^n) / (1 + exp((E - E_cut)/w_cut)), E in keV.
#: Derived by resources/detectors/derive_xenon1t_efficiency.py (see REFERENCE.md there).
XENON1T_EFFICIENCY: dict[str, float] = {
    "eps_max": 0.8704,
    "e_half_kev": 5.8862,
    "n": 3.6903,
    "e_cut_kev": 44.7303,
    "w_cut_kev": 3.3875,
}

EFFICIENCIES = ("1", "xenon1t")


def efficiency(name: str | float, recoil_kev) -> np.ndarray:
    """Detection efficiency at E_r [keV]: ``1`` (100 %) or ``xenon1t`` (fit to 1805.12562)."""
    e = np.asarray(recoil_kev, float)
    key = str(name)
    if key in ("1", "1.0"):
        return np.ones_like(e)
    if key == "xenon1t":
        p = XENON1T_EFFICIENCY
        with np.errstate(divide="ignore", over="ignore"):
            rise = 1.0 / (1.0 + (p["e_half_kev"] / np.where(e > 0, e, 1e-30)) ** p["n"])
            fall = 1.0 / (1.0 + np.exp((e - p["e_cut_kev"]) / p["w_cut_kev"]))
        return p["eps_max"] * rise * fall
    raise ConfigError(f"unknown efficiency {name!r}; use one of {', '.join(EFFICIENCIES)}")


@dataclass(frozen=True)
class Detector:
    """A CEvNS detector: target, fiducial mass [t], threshold [keV], bin width [keV], efficiency.

    ``target`` is a :class:`lightmed.targets.Target` (a preset name is resolved). Build from
    config with :meth:`from_config`, whose defaults and bounds come from the schema only.
    """

    name: str
    target: Target
    mass_t: float
    threshold_kev: float
    bin_width_kev: float
    efficiency: str

    def __post_init__(self):
        if isinstance(self.target, str):
            object.__setattr__(self, "target", get_target(self.target))
        where = f"detectors.{self.name}"
        if not self.mass_t > 0:
            raise ConfigError(f"{where}.mass_t: must be > 0 t, got {self.mass_t}")
        if not self.threshold_kev >= 0:
            raise ConfigError(f"{where}.threshold_kev: must be >= 0 keV, got {self.threshold_kev}")
        if not self.bin_width_kev > 0:
            raise ConfigError(f"{where}.bin_width_kev: must be > 0 keV, got {self.bin_width_kev}")
        if str(self.efficiency) not in EFFICIENCIES:
            raise ConfigError(
                f"{where}.efficiency: {self.efficiency!r} is not one of {', '.join(EFFICIENCIES)}"
            )

    @classmethod
    def from_config(
        cls, name: str, block: Mapping[str, Any], targets_block: Mapping[str, Any] | None = None
    ) -> Detector:
        """Validate ``detectors.<name>`` against the schema (which fills the defaults) and
        resolve its target (a preset or a key of the config ``targets`` block)."""
        from .config import validate_block

        b = validate_block(block, "definitions/detector", ("detectors", name))
        try:
            target = get_target(b["target"], targets_block)
        except ConfigError as exc:
            raise ConfigError(f"detectors.{name}.target: {exc}") from None
        return cls(
            name, target, b["mass_t"], b["threshold_kev"], b["bin_width_kev"], b["efficiency"]
        )

    def edges_kev(self, recoil_max_kev: float) -> np.ndarray:
        """Bin edges [keV] from the threshold in steps of the bin width up to recoil_max_kev."""
        n = max(
            1, int(math.floor((recoil_max_kev - self.threshold_kev) / self.bin_width_kev + 1e-9))
        )
        return self.threshold_kev + self.bin_width_kev * np.arange(n + 1)


def _threshold_moments(energy: np.ndarray, spec: np.ndarray, emin: np.ndarray):
    """I0 = int_{emin} spec dE and I2 = int_{emin} spec/E^2 dE (piecewise-linear, exact)."""
    out = []
    for f in (spec, spec / energy**2):
        seg = 0.5 * np.diff(energy) * (f[1:] + f[:-1])
        tail = np.concatenate([np.cumsum(seg[::-1])[::-1], [0.0]])  # int from E_j to end
        j = np.clip(np.searchsorted(energy, emin, side="right") - 1, 0, energy.size - 2)
        fx = np.interp(emin, energy, f, left=f[0], right=0.0)
        partial = 0.5 * (energy[j + 1] - emin) * (fx + f[j + 1])
        val = np.where(emin < energy[0], tail[0] + 0.0, tail[j + 1] + partial)
        out.append(np.where(emin >= energy[-1], 0.0, val))
    return out


# --------------------------------------------------------------------------------------------
# flavour-resolved differential rates (interfaces.md: "Differential CEvNS rates")


#: Flavour label of the legacy one-heavy-species SN format (multiplicity 4, interfaces.md).
LEGACY_HEAVY_LABEL = "nux"


def _origin(flux: xr.Dataset) -> str:
    return str(flux.attrs.get("origin", "?"))


def flavour_charges(flux: xr.Dataset, model) -> np.ndarray:
    """q_alpha [1] of the model for every ``flavour`` entry of a flux dataset.

    Labels are the species at Earth (``nue``, ``nuebar``, ``numu``, ... ; the antineutrino has
    the neutrino's charge, lightmed.models.spec). The legacy label ``nux`` (one heavy species
    standing for four) is accepted only for flavour-blind models (q_e = q_mu = q_tau).
    """
    out = []
    for label in (str(v) for v in flux["flavour"].values):
        if label.lower() == LEGACY_HEAVY_LABEL:
            if len({model.neutrino_charge(f) for f in ("e", "mu", "tau")}) != 1:
                raise InputError(
                    f"flux {_origin(flux)!r}: the legacy flavour label 'nux' (one heavy species x "
                    f"4) hides the mu/tau split, but model {model.name} is not flavour-blind; use "
                    "a flux with the six species at Earth (results/fluxes/{source}.nc)"
                )
            out.append(model.neutrino_charge("mu"))
            continue
        try:
            out.append(model.neutrino_charge(label))
        except ConfigError:
            raise InputError(
                f"flux {_origin(flux)!r}: unknown flavour label {label!r}; use nue, nuebar, numu, "
                "numubar, nutau, nutaubar"
            ) from None
    return np.asarray(out, float)


def _flux_rows(flux: xr.Dataset) -> tuple[np.ndarray, np.ndarray, str]:
    """Energy [MeV], multiplicity-weighted spectra (flavour, energy) and the spectrum kind."""
    kind = flux.attrs.get("spectrum_kind")
    if kind not in ("fluence", "flux") or kind not in flux:
        raise InputError(
            f"flux {_origin(flux)!r}: needs spectrum_kind 'fluence' or 'flux' and the variable "
            "of that name"
        )
    rows = (flux[kind] * flux["multiplicity"]).transpose("flavour", "energy").values
    return flux["energy"].values, rows, kind


def _check_couples(flux: xr.Dataset, rows: np.ndarray, charges: np.ndarray, model) -> None:
    if not np.any((charges**2) @ rows > 0):
        present = ", ".join(str(v) for v in flux["flavour"].values)
        raise InputError(
            f"model {model.name} couples to none of the flavours of flux {_origin(flux)!r} "
            f"({present}); its detector rates would be the SM alone: set models.{model.name}"
            ".detectors: false or use a flux with the flavours it couples to"
        )


def _check_grid_1d(values, what: str) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, float))
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ConfigError(f"{what}: needs a non-empty 1-d array of finite numbers")
    if np.any(arr <= 0):
        raise ConfigError(f"{what}: values must be > 0, got min {arr.min()}")
    return arr


def _rate_terms(
    flux: xr.Dataset,
    target: Target,
    models: Sequence,
    masses: np.ndarray,
    er: np.ndarray,
    weight: np.ndarray | float = 1.0,
    factors: Sequence[float] = (),
) -> dict:
    """sum_nuclei w N_T (coefficient x threshold moment) at recoil energies ``er`` (any shape S).

    ``w = weight x factors`` (quadrature weight x efficiency; fiducial mass, exposure). Returns
    ``sm`` S + (1,), ``int``/``np`` (model,) + S + (mass,), ``sm_flavour`` (flavour,) + S and
    ``kind``. The charge-weighted spectra are formed before the E_nu moments (for a
    flavour-blind model this is the all-flavour spectrum, so its rates are bit for bit those
    of the flavour-summed calculation).
    """
    energy, rows, kind = _flux_rows(flux)
    charges = np.array([flavour_charges(flux, m) for m in models]).reshape(len(models), -1)
    for model, q in zip(models, charges, strict=True):
        _check_couples(flux, rows, q, model)
    spec_sm = rows.sum(0)
    spec = [((q[:, None] * rows).sum(0), ((q**2)[:, None] * rows).sum(0)) for q in charges]
    out = {
        "kind": kind,
        "sm": np.zeros((*er.shape, 1)),
        "int": np.zeros((len(models), *er.shape, masses.size)),
        "np": np.zeros((len(models), *er.shape, masses.size)),
        "sm_flavour": np.zeros((rows.shape[0], *er.shape)),
    }
    ern = er[..., None]
    for nuc in target.nuclei:
        # per formula unit and tonne, times mass x exposure, then the share of this nucleus
        n_t = target.nuclei_per_tonne(nuc) / nuc.per_formula
        for factor in factors:
            n_t = n_t * factor
        wt = np.broadcast_to(nuc.per_formula * n_t * np.asarray(weight), er.shape)[..., None]
        emin = cevns.min_neutrino_energy_mev(er, nuc.A)
        recoil = 0.5 * cevns.nucleus_mass_mev(nuc.A) * er * 1e-3  # m_T E_r / 2 [MeV^2]

        def kin(spectrum, emin=emin, recoil=recoil):
            i0, i2 = _threshold_moments(energy, spectrum, emin)
            return (i0 - recoil * i2)[..., None], i2[..., None]

        for k, model in enumerate(models):
            a_sm, a_int, a_np, b_np = cevns.charge_coefficients(
                ern,
                masses,
                nuc.A,
                nuc.Z,
                model.spin,
                model.nuclear_charge(nuc.Z, nuc.N),
                target.form_factor,
            )
            if k == 0:
                out["sm"] += (wt * a_sm[..., :1]) * kin(spec_sm)[0]
                for j, row in enumerate(rows):
                    out["sm_flavour"][j] += ((wt * a_sm[..., :1]) * kin(row)[0])[..., 0]
            k_int, _ = kin(spec[k][0])
            k_np, i2_np = kin(spec[k][1])
            out["int"][k] += wt * a_int * k_int
            out["np"][k] += wt * (a_np * k_np + b_np * i2_np)
    return out


def differential_rates(flux: xr.Dataset, target, model, masses_mev, recoil_kev) -> xr.Dataset:
    """Flavour-resolved CEvNS differential rate dR/dE_r per tonne of target.

    dR/dE_r(g, m) = rate_sm + g^2 rate_int(m) + g^4 rate_np(m) (module docstring): each flux
    entry weighted by its multiplicity and q_f (int) or q_f^2 (np), the nuclear charge
    Q' = model.nuclear_charge(Z, N) in dsigma ([ST21] Eqs. 2, 5-6, 9-10), nuclei per tonne of
    the target (compounds and isotopes summed) and the target's form factor. No efficiency,
    no binning: binned products integrate this.

    Parameters
    ----------
    flux : xarray.Dataset
        Flux schema of ``lightmed.fluxes`` (``flavour``, ``energy`` [MeV], ``multiplicity``;
        ``fluence`` [cm^-2 MeV^-1] or ``flux`` [cm^-2 s^-1 MeV^-1]).
    target : lightmed.targets.Target
    model : lightmed.models.MediatorModel
    masses_mev : array_like
        Mediator masses [MeV].
    recoil_kev : array_like
        Nuclear recoil energies [keV] (> 0).

    Returns
    -------
    xarray.Dataset
        ``rate_sm`` (recoil_energy), ``rate_int``, ``rate_np`` (mass, recoil_energy) in
        events / (t keV) per burst (fluence) or per second (flux); ``rate_sm_flavour``
        (flavour, recoil_energy), the SM rate of each flux entry (multiplicity included).
    """
    masses = _check_grid_1d(masses_mev, "differential_rates: masses_mev")
    er = _check_grid_1d(recoil_kev, "differential_rates: recoil_kev")
    t = _rate_terms(flux, target, [model], masses, er)
    t = {
        "kind": t["kind"],
        "sm": t["sm"][:, 0],
        "int": t["int"][0].T,
        "np": t["np"][0].T,
        "sm_flavour": t["sm_flavour"],
    }
    units = "t-1 keV-1" if t["kind"] == "fluence" else "t-1 keV-1 s-1"
    per = f"per tonne per keV per {'burst' if t['kind'] == 'fluence' else 'second'}"
    pair = ("mass", "recoil_energy")

    def var(dims, values, what):
        return (dims, values, {"units": units, "long_name": f"{what} {per}"})

    return xr.Dataset(
        {
            "rate_sm": var("recoil_energy", t["sm"], "SM dR/dE_r"),
            "rate_int": var(pair, t["int"], "coefficient of g^2 in dR/dE_r"),
            "rate_np": var(pair, t["np"], "coefficient of g^4 in dR/dE_r"),
            "rate_sm_flavour": var(
                ("flavour", "recoil_energy"), t["sm_flavour"], "SM dR/dE_r of each flux entry"
            ),
        },
        coords={
            "recoil_energy": (
                "recoil_energy",
                er,
                {"units": "keV", "long_name": "nuclear recoil energy"},
            ),
            "mass": ("mass", masses, {"units": "MeV", "long_name": "mediator mass"}),
            **_flavour_coords(flux),
        },
        attrs={
            "model": model.name,
            "target": target.name,
            "form_factor": target.form_factor,
            "spectrum_kind": t["kind"],
            "coupling_convention": coupling_convention(model),
        },
    )


def _flavour_coords(flux: xr.Dataset) -> dict:
    return {
        "flavour": (
            "flavour",
            [str(v) for v in flux["flavour"].values],
            {"units": "1", "long_name": "neutrino species of the flux entry"},
        ),
        "multiplicity": (
            "flavour",
            np.asarray(flux["multiplicity"].values, float),
            {"units": "1", "long_name": "species represented by the flux entry"},
        ),
    }


def coupling_convention(model) -> str:
    """One line: the axis coupling of a model and the charges behind it."""
    q = ", ".join(f"q_{f} = {model.neutrino_charge(f):g}" for f in ("e", "mu", "tau"))
    c = model.nucleon_charges
    return (
        f"{model.coupling.name} ({model.title}, {model.spin}): dR = R_SM + "
        f"{model.coupling.name}^2 R_int + {model.coupling.name}^4 R_np; {q}; nucleon charges "
        f"c_p = {c['p']:.6g}, c_n = {c['n']:.6g} per unit coupling ({model.citation})"
    )


# --------------------------------------------------------------------------------------------
# binned counts per detector (results/rates/{source}_{detector}.nc)


def compute_rates(
    flux: xr.Dataset,
    detector: Detector,
    models: Mapping[str, Any] | Sequence[Any],
    masses_mev,
    *,
    exposure_years: float,
    recoil_max_kev: float,
    nodes_per_bin: int,
) -> xr.Dataset:
    """Expected events per recoil bin: SM, g^2 and g^4 coefficients per model and mass.

    Parameters
    ----------
    flux : xarray.Dataset
        A :mod:`lightmed.fluxes` dataset.
    detector : Detector
    models : mapping name -> MediatorModel, or sequence of MediatorModel
        Registry models (the ``model`` dimension, in this order).
    masses_mev : array_like
        Mediator masses [MeV].
    exposure_years : float
        Live time [yr] for steady sources (``spectrum_kind = flux``); ignored for a burst.
    recoil_max_kev : float
        Upper edge of the last recoil bin [keV].
    nodes_per_bin : int
        Gauss-Legendre nodes per recoil bin.

    Returns
    -------
    xarray.Dataset
        ``events_sm``, ``events_int``, ``events_np`` (model, recoil_energy, mass; the SM is
        the same for every model), ``events_sm_flavour`` (flavour, recoil_energy), bin edges
        ``recoil_edges``; artifacts.md.
    """
    model_list = list(models.values()) if isinstance(models, Mapping) else list(models)
    if not model_list:
        raise ConfigError("compute_rates: no detector models (models.<name>.detectors)")
    masses = _check_grid_1d(masses_mev, "rates: masses_mev")
    if int(nodes_per_bin) < 1:
        raise ConfigError(f"rates.nodes_per_bin: must be >= 1, got {nodes_per_bin}")
    edges = detector.edges_kev(recoil_max_kev)
    x, w = np.polynomial.legendre.leggauss(int(nodes_per_bin))
    half = 0.5 * np.diff(edges)
    er = (0.5 * (edges[1:] + edges[:-1]))[:, None] + half[:, None] * x[None, :]  # (bin, node)
    if np.any(er <= 0):
        raise ConfigError(f"detectors.{detector.name}: recoil bins must lie above 0 keV")
    wq = half[:, None] * w[None, :] * efficiency(detector.efficiency, er)
    kind = flux.attrs.get("spectrum_kind")
    exposure_s = 1.0 if kind == "fluence" else exposure_years * YEAR_S
    t = _rate_terms(
        flux, detector.target, model_list, masses, er, wq, (detector.mass_t, exposure_s)
    )
    n_bin = er.shape[0]
    sm = _node_sum(t["sm"], 1)  # (bin, 1): Gauss-Legendre sum over the nodes of each bin
    res = {
        "sm": np.broadcast_to(sm[None, :, :], (len(model_list), n_bin, masses.size)).copy(),
        "int": _node_sum(t["int"], 2),
        "np": _node_sum(t["np"], 2),
        "sm_flavour": _node_sum(t["sm_flavour"], 2),
    }
    return _rates_dataset(res, model_list, edges, masses, detector, flux, exposure_years, kind)


def _node_sum(a: np.ndarray, axis: int) -> np.ndarray:
    """Sum over the quadrature nodes in node order (independent of the array layout, so the
    same rates come out whatever the number of models or masses)."""
    a = np.moveaxis(a, axis, 0)
    out = a[0].copy()
    for x in a[1:]:
        out += x
    return out


def _rates_dataset(res, models, edges, masses, detector, flux, exposure_years, kind):
    dims = ("model", "recoil_energy", "mass")
    centres = 0.5 * (edges[1:] + edges[:-1])
    coords = {
        "model": ("model", [m.name for m in models], {"units": "1", "long_name": "mediator model"}),
        "coupling_name": (
            "model",
            [m.coupling.name for m in models],
            {"units": "1", "long_name": "name of the model's axis coupling g"},
        ),
        "spin": ("model", [m.spin for m in models], {"units": "1", "long_name": "mediator spin"}),
        "coupling_convention": (
            "model",
            [coupling_convention(m) for m in models],
            {"units": "1", "long_name": "coupling convention and charges of the model"},
        ),
        "recoil_energy": (
            "recoil_energy",
            centres,
            {"units": "keV", "long_name": "nuclear recoil energy (bin centre)"},
        ),
        "recoil_edges": (
            "recoil_edge",
            edges,
            {"units": "keV", "long_name": "nuclear recoil energy bin edges"},
        ),
        "mass": ("mass", masses, {"units": "MeV", "long_name": "mediator mass"}),
        **_flavour_coords(flux),
    }
    per = (
        "events per recoil bin per burst"
        if kind == "fluence"
        else f"events per recoil bin in {exposure_years} yr"
    )

    def var(d, values, what):
        return (d, values, {"units": "1", "long_name": f"{what}, {per}"})

    ds = xr.Dataset(
        {
            "events_sm": var(dims, res["sm"], "SM CEvNS"),
            "events_int": var(dims, res["int"], "coefficient of g^2 (interference)"),
            "events_np": var(dims, res["np"], "coefficient of g^4 (new physics)"),
            "events_sm_flavour": var(
                ("flavour", "recoil_energy"), res["sm_flavour"], "SM CEvNS of each flux entry"
            ),
        },
        coords=coords,
    )
    target = detector.target
    ds.attrs.update(
        detector=detector.name,
        target=target.name,
        target_title=target.title or target.name,
        target_nuclei=", ".join(f"{n.label} x {n.per_formula:.6g}" for n in target.nuclei),
        form_factor=target.form_factor,
        mean_nucleus_a=target.formula_mass / sum(n.per_formula for n in target.nuclei),
        mass_t=detector.mass_t,
        threshold_kev=detector.threshold_kev,
        bin_width_kev=detector.bin_width_kev,
        efficiency=detector.efficiency,
        flux_origin=_origin(flux),
        spectrum_kind=kind,
        exposure_years=exposure_years if kind == "flux" else "one burst",
        coupling_convention="N = events_sm + g^2 events_int + g^4 events_np, g the model's "
        "axis coupling (coordinate coupling_convention)",
    )
    return ds


def total_events(
    ds: xr.Dataset, coupling: float = 0.0, model: str | None = None, mass_index: int = 0
) -> float:
    """Total expected events over all bins at coupling g (tests, plots); ``model`` defaults to
    the artifact's first model (the SM part is the same for all)."""
    sel = ds.sel(model=ds["model"].values[0] if model is None else model).isel(mass=mass_index)
    g2 = coupling**2
    return float((sel.events_sm + g2 * sel.events_int + g2**2 * sel.events_np).sum())
