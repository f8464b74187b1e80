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
from .errors import ConfigError
from .fluxes import all_flavour_spectrum

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
        if block["target"] not in cevns.TARGETS:
            raise ConfigError(
                f"{where}.target: unknown target {block['target']!r}; known: "
                f"{', '.join(cevns.TARGETS)}"
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


def compute_rates(
    flux: xr.Dataset,
    detector: Detector,
    masses_mev,
    *,
    exposure_years: float = 1.0,
    recoil_max_kev: float = 101.0,
    nodes_per_bin: int = 8,
    models=cevns.MODELS,
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
    target = cevns.get_target(detector.target)
    masses = np.atleast_1d(np.asarray(masses_mev, float))
    edges = detector.edges_kev(recoil_max_kev)
    x, w = np.polynomial.legendre.leggauss(nodes_per_bin)
    half = 0.5 * np.diff(edges)
    er = (0.5 * (edges[1:] + edges[:-1]))[:, None] + half[:, None] * x[None, :]  # (bin, node)
    wq = half[:, None] * w[None, :] * efficiency(detector.efficiency, er)
    n_t = target.nuclei_per_tonne() * detector.mass_t * exposure_s
    shape = (len(models), edges.size - 1, masses.size)
    res = {k: np.zeros(shape) for k in ("sm", "int", "np")}
    for iso in target.isotopes:
        m_t = cevns.nucleus_mass_mev(iso.A)
        i0, i2 = _threshold_moments(energy, spec, cevns.min_neutrino_energy_mev(er, iso.A))
        kin = (i0 - 0.5 * m_t * er * 1e-3 * i2)[..., None]  # (bin, node, 1)
        for k, model in enumerate(models):
            a_sm, a_int, a_np, b_np = cevns.recoil_coefficients(
                er[..., None], masses[None, None, :], iso.A, target.Z, model
            )
            wt = (iso.abundance * n_t * wq)[..., None]
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
