"""CEvNS event rates in detectors: SM, interference and new-physics coefficients per bin.

For a detector (target, fiducial mass, threshold, efficiency, binning) and a flux dataset
(:mod:`lightmed.fluxes`), the expected counts in recoil bin i at mediator mass m are

    N_i(g, m) = events_sm_i + g^2 events_int_i(m) + g^4 events_np_i(m),

with N_T nuclei, exposure T (1 burst for a fluence; years for a flux) and

    events_x_i = N_T T int_bin dE_r eps(E_r) int dE_nu psi(E_nu) dsigma_x/dE_r.

Every term of dsigma/dE_r factorises as a(E_r, m)(1 - m_T E_r/2E^2) + b(E_r, m)/E^2
(:func:`lightmed.cevns.recoil_coefficients`), so the E_nu integral reduces to the two
threshold moments I0(E_r) = int_{Emin(E_r)} psi dE and I2(E_r) = int_{Emin(E_r)} psi/E^2 dE,
computed once per source and isotope; the mass dependence is then a cheap outer product.
The recoil integral is Gauss-Legendre per bin.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from . import cevns
from .constants import YEAR_S
from .errors import ConfigError, InputError
from .fluxes import all_flavour_spectrum
from .models import PRESETS
from .targets import TARGETS, get_target

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
    """A detector config block, validated."""

    name: str
    target: str
    mass_t: float
    threshold_kev: float
    bin_width_kev: float
    efficiency: str = "1"

    @classmethod
    def from_config(cls, name: str, block: Mapping[str, Any]) -> Detector:
        """Validate ``detectors.<name>``; raise :class:`ConfigError` naming the bad key."""
        where = f"detectors.{name}"
        for key in ("target", "mass_t", "threshold_kev", "bin_width_kev"):
            if key not in block:
                raise ConfigError(f"{where}.{key}: missing")
        if block["target"] not in TARGETS:
            raise ConfigError(
                f"{where}.target: unknown target {block['target']!r}; known: {', '.join(TARGETS)}"
            )
        mass = float(block["mass_t"])
        if not mass > 0:
            raise ConfigError(f"{where}.mass_t: must be > 0 t, got {block['mass_t']}")
        thr = float(block["threshold_kev"])
        if thr < 0:
            raise ConfigError(f"{where}.threshold_kev: must be >= 0 keV, got {thr}")
        width = float(block["bin_width_kev"])
        if not width > 0:
            raise ConfigError(f"{where}.bin_width_kev: must be > 0 keV, got {width}")
        eff = str(block.get("efficiency", "1"))
        if eff == "1.0":
            eff = "1"
        if eff not in EFFICIENCIES:
            raise ConfigError(f"{where}.efficiency: {eff!r} is not one of {EFFICIENCIES}")
        return cls(name, block["target"], mass, thr, width, eff)

    def edges_kev(self, recoil_max_kev: float) -> np.ndarray:
        """Bin edges from threshold in steps of the bin width up to recoil_max_kev."""
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


def flavour_charges(flux: xr.Dataset, model) -> np.ndarray:
    """q_alpha [1] of the model for every ``flavour`` entry of a flux dataset.

    Labels are the species at Earth (``nue``, ``nuebar``, ``numu``, ... ; the antineutrino has
    the neutrino's charge, lightmed.models.spec). The legacy label ``nux`` (one heavy species
    standing for four) is accepted only for flavour-blind models (q_e = q_mu = q_tau).
    """
    where = f"flux {flux.attrs.get('origin', '?')!r}"
    out = []
    for label in (str(v) for v in flux["flavour"].values):
        if label.lower() == LEGACY_HEAVY_LABEL:
            charges = {model.neutrino_charge(f) for f in ("e", "mu", "tau")}
            if len(charges) != 1:
                raise InputError(
                    f"{where}: the legacy flavour label 'nux' (one heavy species x 4) hides the "
                    f"mu/tau split, but model {model.name} is not flavour-blind; use a flux with "
                    "the six species at Earth (results/fluxes/{source}.nc)"
                )
            out.append(model.neutrino_charge("mu"))
            continue
        try:
            out.append(model.neutrino_charge(label))
        except ConfigError:
            raise InputError(
                f"{where}: unknown flavour label {label!r}; use nue, nuebar, numu, numubar, "
                "nutau, nutaubar"
            ) from None
    return np.asarray(out, float)


def flavour_spectra(flux: xr.Dataset, model) -> tuple[np.ndarray, dict[str, np.ndarray], str]:
    """Energy [MeV], the three charge-weighted spectra and the spectrum kind.

    ``sm`` = sum_f m_f psi_f, ``int`` = sum_f m_f q_f psi_f, ``np`` = sum_f m_f q_f^2 psi_f
    (m_f: the entry's ``multiplicity``; psi_f per species [cm^-2 MeV^-1] or
    [cm^-2 s^-1 MeV^-1]). Raises :class:`InputError` when the model couples to none of the
    flavours present (its rates would be the SM, which is never what was meant).
    """
    kind = flux.attrs.get("spectrum_kind")
    if kind not in ("fluence", "flux") or kind not in flux:
        raise InputError(
            f"flux {flux.attrs.get('origin', '?')!r}: needs spectrum_kind 'fluence' or 'flux' "
            "and the variable of that name"
        )
    q = flavour_charges(flux, model)
    spec = flux[kind] * flux["multiplicity"]
    weights = xr.DataArray(q, dims="flavour")
    out = {
        "sm": spec.sum("flavour").values,
        "int": (spec * weights).sum("flavour").values,
        "np": (spec * weights**2).sum("flavour").values,
    }
    if not np.any(out["np"] > 0):
        present = ", ".join(str(v) for v in flux["flavour"].values)
        raise InputError(
            f"model {model.name} couples to none of the flavours of flux "
            f"{flux.attrs.get('origin', '?')!r} ({present}); its detector rates would be the SM "
            "alone: drop the model from this source (models.<name>.detectors: false) or use a "
            "flux with the flavours it couples to"
        )
    return flux["energy"].values, out, kind


def _check_grid_1d(values, what: str, positive: bool = True) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, float))
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ConfigError(f"{what}: needs a non-empty 1-d array of finite numbers")
    if positive and np.any(arr <= 0):
        raise ConfigError(f"{what}: values must be > 0, got min {arr.min()}")
    return arr


def differential_rates(flux: xr.Dataset, target, model, masses_mev, recoil_kev) -> xr.Dataset:
    """Flavour-resolved CEvNS differential rate dR/dE_r per tonne of target.

    dR/dE_r(g, m) = rate_sm + g^2 rate_int(m) + g^4 rate_np(m) with

        rate_x(E_r) = sum_nuclei N_T(nucleus) sum_f m_f w_x(f) int dE psi_f(E) dsigma_x/dE_r,

    w_sm = 1, w_int = q_f, w_np = q_f^2 (the model's neutrino charges), the nuclear charge
    Q' = model.nuclear_charge(Z, N) inside dsigma ([ST21] Eqs. 2, 5-6, 9-10;
    :func:`lightmed.cevns.charge_coefficients`), N_T nuclei of each species per tonne of the
    target (compounds and isotopes summed, ``lightmed.targets``) and the target's form factor.
    No efficiency, no binning: binned products integrate this.

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

    Notes
    -----
    The E_nu integral is exact for a piecewise-linear spectrum: every term of dsigma/dE_r is
    a(E_r, m)(1 - m_T E_r/2E^2) + b(E_r, m)/E^2, so only the threshold moments
    I0 = int_{E_min(E_r)} psi dE and I2 = int_{E_min(E_r)} psi/E^2 dE are needed.
    """
    from . import cevns

    masses = _check_grid_1d(masses_mev, "differential_rates: masses_mev")
    er = _check_grid_1d(recoil_kev, "differential_rates: recoil_kev")
    energy, spectra, kind = flavour_spectra(flux, model)
    per_flavour = (flux[kind] * flux["multiplicity"]).values  # (flavour, energy)
    rate = {
        "sm": np.zeros(er.size),
        "int": np.zeros((masses.size, er.size)),
        "np": np.zeros((masses.size, er.size)),
        "sm_flavour": np.zeros((per_flavour.shape[0], er.size)),
    }
    for nucleus in target.nuclei:
        n_t = target.nuclei_per_tonne(nucleus)
        m_t = cevns.nucleus_mass_mev(nucleus.A)
        emin = cevns.min_neutrino_energy_mev(er, nucleus.A)
        a_sm, a_int, a_np, b_np = cevns.charge_coefficients(
            er[None, :],
            masses[:, None],
            nucleus.A,
            nucleus.Z,
            model.spin,
            model.nuclear_charge(nucleus.Z, nucleus.N),
            target.form_factor,
        )
        recoil = 0.5 * m_t * er * 1e-3  # m_T E_r / 2 [MeV^2]
        mom = {k: _threshold_moments(energy, v, emin) for k, v in spectra.items()}
        kin = {k: i0 - recoil * i2 for k, (i0, i2) in mom.items()}
        rate["sm"] += n_t * a_sm[0] * kin["sm"]
        rate["int"] += n_t * a_int * kin["int"][None, :]
        rate["np"] += n_t * (a_np * kin["np"][None, :] + b_np * mom["np"][1][None, :])
        for j, row in enumerate(per_flavour):
            i0, i2 = _threshold_moments(energy, row, emin)
            rate["sm_flavour"][j] += n_t * a_sm[0] * (i0 - recoil * i2)
    return _differential_dataset(rate, flux, target, model, masses, er, kind)


def _differential_dataset(rate, flux, target, model, masses, er, kind) -> xr.Dataset:
    units = "t-1 keV-1" if kind == "fluence" else "t-1 keV-1 s-1"
    per = "per tonne per keV per burst" if kind == "fluence" else "per tonne per keV per second"
    pair = ("mass", "recoil_energy")
    return xr.Dataset(
        {
            "rate_sm": (
                "recoil_energy",
                rate["sm"],
                {"units": units, "long_name": f"SM dR/dE_r {per}"},
            ),
            "rate_int": (
                pair,
                rate["int"],
                {"units": units, "long_name": f"coefficient of g^2 in dR/dE_r {per}"},
            ),
            "rate_np": (
                pair,
                rate["np"],
                {"units": units, "long_name": f"coefficient of g^4 in dR/dE_r {per}"},
            ),
            "rate_sm_flavour": (
                ("flavour", "recoil_energy"),
                rate["sm_flavour"],
                {"units": units, "long_name": f"SM dR/dE_r of each flux entry {per}"},
            ),
        },
        coords={
            "recoil_energy": (
                "recoil_energy",
                er,
                {"units": "keV", "long_name": "nuclear recoil energy"},
            ),
            "mass": ("mass", masses, {"units": "MeV", "long_name": "mediator mass"}),
            "flavour": (
                "flavour",
                [str(v) for v in flux["flavour"].values],
                {"units": "1", "long_name": "neutrino flavour label of the flux entry"},
            ),
        },
        attrs={
            "model": model.name,
            "target": target.name,
            "form_factor": target.form_factor,
            "spectrum_kind": kind,
            "coupling": model.coupling.name,
            "coupling_convention": f"dR/dE_r = rate_sm + {model.coupling.name}^2 rate_int + "
            f"{model.coupling.name}^4 rate_np",
        },
    )


def compute_rates(
    flux: xr.Dataset,
    detector: Detector,
    masses_mev,
    *,
    exposure_years: float = 1.0,
    recoil_max_kev: float = 101.0,
    nodes_per_bin: int = 8,
    models=("vector", "scalar"),
) -> xr.Dataset:
    """Expected events per recoil bin: SM, g^2 and g^4 coefficients per model and mass.

    Parameters
    ----------
    flux : xarray.Dataset
        Output of a :mod:`lightmed.fluxes` loader.
    detector : Detector
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
        ``events_sm``, ``events_int``, ``events_np`` with dims (model, recoil_energy, mass),
        bin edges ``recoil_edges``; see docs/artifacts.md.
    """
    energy, spec, kind = all_flavour_spectrum(flux)
    exposure_s = 1.0 if kind == "fluence" else exposure_years * YEAR_S
    target = get_target(detector.target)
    masses = np.atleast_1d(np.asarray(masses_mev, float))
    edges = detector.edges_kev(recoil_max_kev)
    x, w = np.polynomial.legendre.leggauss(nodes_per_bin)
    half = 0.5 * np.diff(edges)
    er = (0.5 * (edges[1:] + edges[:-1]))[:, None] + half[:, None] * x[None, :]  # (bin, node)
    wq = half[:, None] * w[None, :] * efficiency(detector.efficiency, er)
    shape = (len(models), edges.size - 1, masses.size)
    res = {k: np.zeros(shape) for k in ("sm", "int", "np")}
    for nuc in target.nuclei:
        n_t = target.nuclei_per_tonne(nuc) * detector.mass_t * exposure_s
        m_t = cevns.nucleus_mass_mev(nuc.A)
        i0, i2 = _threshold_moments(energy, spec, cevns.min_neutrino_energy_mev(er, nuc.A))
        kin = (i0 - 0.5 * m_t * er * 1e-3 * i2)[..., None]  # (bin, node, 1)
        for k, name in enumerate(models):
            model = PRESETS[name]
            a_sm, a_int, a_np, b_np = cevns.charge_coefficients(
                er[..., None],
                masses[None, None, :],
                nuc.A,
                nuc.Z,
                model.spin,
                model.nuclear_charge(nuc.Z, nuc.N),
                target.form_factor,
            )
            wt = (n_t * wq)[..., None]
            res["sm"][k] += np.sum(wt * a_sm * kin, axis=1)
            res["int"][k] += np.sum(wt * a_int * kin, axis=1)
            res["np"][k] += np.sum(wt * (a_np * kin + b_np * i2[..., None]), axis=1)
    return _rates_dataset(res, models, edges, masses, detector, flux, exposure_years, kind)


def _rates_dataset(res, models, edges, masses, detector, flux, exposure_years, kind):
    dims = ("model", "recoil_energy", "mass")
    centres = 0.5 * (edges[1:] + edges[:-1])
    coords = {
        "model": ("model", list(models), {"units": "1", "long_name": "mediator model"}),
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
    }
    per = "events per burst" if kind == "fluence" else f"events in {exposure_years} yr"
    ds = xr.Dataset(
        {
            "events_sm": (dims, res["sm"], {"units": "1", "long_name": f"SM CEvNS {per}"}),
            "events_int": (
                dims,
                res["int"],
                {"units": "1", "long_name": f"coefficient of g^2 (interference), {per}"},
            ),
            "events_np": (
                dims,
                res["np"],
                {"units": "1", "long_name": f"coefficient of g^4 (new physics), {per}"},
            ),
        },
        coords=coords,
    )
    ds.attrs.update(
        detector=detector.name,
        target=detector.target,
        mass_t=detector.mass_t,
        threshold_kev=detector.threshold_kev,
        bin_width_kev=detector.bin_width_kev,
        efficiency=detector.efficiency,
        flux_origin=flux.attrs.get("origin", ""),
        spectrum_kind=kind,
        exposure_years=exposure_years if kind == "flux" else "one burst",
        coupling_convention="g = sqrt(g_nu g_q), g_nu g_q > 0; "
        "N = events_sm + g^2 events_int + g^4 events_np",
    )
    return ds


def total_events(
    ds: xr.Dataset, coupling: float = 0.0, model: str = "vector", mass_index: int = 0
) -> float:
    """Total expected events over all bins at coupling g (convenience for tests/plots)."""
    sel = ds.sel(model=model).isel(mass=mass_index)
    g2 = coupling**2
    return float((sel.events_sm + g2 * sel.events_int + g2**2 * sel.events_np).sum())
