"""Solar 8B and hep fluxes: tabulated shapes or embedded beta-decay shapes, SSM-normalised.

The loaders return the unoscillated nu_e flux (flavour ``nue``, the all-flavour total) plus the
per-branch ``flux_component``; the flavour content at Earth (MSW-LMA) is made by
:func:`lightmed.fluxes.earth.solar_at_earth`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .. import flux_presets as presets
from ..constants import M_ELECTRON_MEV
from ..errors import ConfigError
from ..io import with_attrs
from .schema import check_grid, check_nonnegative, make_spectrum_dataset, read_columns

#: Default solar grid [MeV] (hep endpoint 18.77 MeV).
SOLAR_ENERGY_GRID_MEV = np.linspace(0.02, 20.0, 1000)


def _shape_on_grid(e: np.ndarray, v: np.ndarray, grid: np.ndarray) -> np.ndarray:
    out = np.interp(grid, e, v, left=0.0, right=0.0)
    norm = np.trapezoid(out, grid)
    return out / norm


def winter2006_8b(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """8B shape (Winter et al., PRC 73 (2006) 025503), CSV: E [MeV], lambda [1e-3/MeV], err.

    Returns (E [MeV], lambda [MeV^-1]) with the 1e-3 unit applied.
    """
    path = Path(path)
    d = read_columns(path, 2, "8B spectrum (E, lambda)", delimiter=",")
    check_grid(d[:, 0], "8B spectrum", path)
    check_nonnegative(d[:, 1], "spectral density", path, column=2)
    return d[:, 0], d[:, 1] * 1e-3


def bahcall_hep(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """hep shape (Bahcall, PRC 56 (1997) 3391), CSV: E [MeV], dN/dE [MeV^-1]."""
    path = Path(path)
    d = read_columns(path, 2, "hep spectrum (E, dN/dE)", delimiter=",")
    check_grid(d[:, 0], "hep spectrum", path)
    check_nonnegative(d[:, 1], "spectral density", path, column=2)
    return d[:, 0], d[:, 1]


def _ssm(ssm: str) -> Mapping[str, float]:
    try:
        return presets.SSM_PRESETS[ssm]
    except KeyError:
        raise ConfigError(
            f"unknown solar model {ssm!r}; known: {', '.join(presets.SSM_PRESETS)}"
        ) from None


def _solar_dataset(grid, shapes: Mapping[str, np.ndarray], ssm: str, origin: str, **attrs):
    norms = _ssm(ssm)
    comps = list(shapes)
    comp_flux = np.array([norms[c] * shapes[c] for c in comps])
    ds = make_spectrum_dataset(
        grid,
        comp_flux.sum(0)[None, :],
        ["nue"],
        [1],
        "flux",
        origin,
        ssm=ssm,
        components=",".join(comps),
        **attrs,
    )
    ds["flux_component"] = with_attrs(
        xr.DataArray(comp_flux, dims=("component", "energy")),
        "cm-2 s-1 MeV-1",
        "solar neutrino flux per production branch (unoscillated = all-flavour total)",
    )
    ds = ds.assign_coords(component=("component", comps))
    ds["component"].attrs.update(units="1", long_name="solar production branch")
    for c in comps:
        ds.attrs[f"norm_{c}_cm2_s"] = norms[c]
    return ds


def solar_spectra(
    b8_path: str | Path,
    hep_path: str | Path,
    ssm: str = "B16-GS98",
    energy_mev: np.ndarray | None = None,
) -> xr.Dataset:
    """Solar 8B + hep flux from the tabulated shapes, normalised with an SSM preset.

    The shapes are interpolated linearly onto the grid and renormalised to unit integral;
    ``flux`` is the unoscillated total, which CEvNS (flavour-blind) sees unchanged.
    """
    grid = SOLAR_ENERGY_GRID_MEV if energy_mev is None else np.asarray(energy_mev, float)
    shapes = {
        "8B": _shape_on_grid(*winter2006_8b(b8_path), grid),
        "hep": _shape_on_grid(*bahcall_hep(hep_path), grid),
    }
    return _solar_dataset(
        grid, shapes, ssm, "solar_spectra", b8_path=str(b8_path), hep_path=str(hep_path)
    )


def beta_plus_spectrum(energy_mev, endpoint_mev: float, z_daughter: int) -> np.ndarray:
    """Allowed beta+ neutrino spectrum (unnormalised) for a neutrino endpoint [MeV].

    dN/dE_nu ∝ E_nu^2 W p F(-Z, W), positron total energy W = endpoint - E_nu + m_e, with the
    non-relativistic Fermi function F = 2 pi eta / (exp(2 pi eta) - 1), eta = Z alpha / beta
    for a positron (repulsive).
    """
    e = np.asarray(energy_mev, float)
    w = endpoint_mev - e + M_ELECTRON_MEV
    p = np.sqrt(np.clip(w**2 - M_ELECTRON_MEV**2, 0.0, None))
    beta = np.where(w > 0, p / np.where(w > 0, w, 1.0), 0.0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        eta = z_daughter * presets.ALPHA_EM / np.where(beta > 0, beta, 1.0)
        fermi = np.where(beta > 0, 2 * math.pi * eta / np.expm1(2 * math.pi * eta), 0.0)
    return np.where((e >= 0) & (e < endpoint_mev), e**2 * w * p * fermi, 0.0)


def b8_beta_shape(energy_mev, params: Mapping[str, Any] | None = None) -> np.ndarray:
    """Embedded 8B shape: allowed beta+ spectrum folded over the broad 8Be(2+) final state.

    8B -> 8Be* e+ nu populates the broad 2+ state (E_x ~ 3 MeV, Gamma ~ 1.5 MeV) and its
    high-energy tail. The neutrino spectrum is the allowed beta+ spectrum with endpoint
    Q_nu(E_x) = 16.957 MeV - E_x folded over the excitation-energy distribution
    rho(E_x) = exp(P(x)), x = (E_x - ex_ref)/ex_scale, P a polynomial without constant term,
    fitted to the Winter et al. (2006) shape (``resources/fluxes/derive_defaults.py``;
    coefficients in :data:`flux_presets.B8_FOLD`). Returns the unit-normalised spectrum
    [MeV^-1] on ``energy_mev`` (trapezoid normalisation).
    """
    p = presets.B8_FOLD if params is None else params
    e = np.asarray(energy_mev, float)
    ex = np.linspace(p["ex_min_mev"], p["ex_max_mev"], int(p.get("n_ex", 600)))
    x = (ex - p["ex_ref_mev"]) / p["ex_scale_mev"]
    rho = np.exp(np.clip(np.polyval(list(p["log_rho_poly"]) + [0.0], x), -50.0, 50.0))
    fold = np.array([beta_plus_spectrum(e, p["q_nu_gs_mev"] - xe, presets.Z_BE8) for xe in ex])
    spec = (np.gradient(ex) * rho) @ fold
    return spec / np.trapezoid(spec, e)


def hep_beta_shape(energy_mev) -> np.ndarray:
    """Embedded hep shape: allowed beta+ spectrum of 3He + p -> 4He e+ nu, endpoint 18.77 MeV."""
    e = np.asarray(energy_mev, float)
    spec = beta_plus_spectrum(e, presets.HEP_ENDPOINT_MEV, presets.Z_HE4)
    return spec / np.trapezoid(spec, e)


def solar_beta_spectra(ssm: str = "B16-GS98", energy_mev: np.ndarray | None = None) -> xr.Dataset:
    """Embedded solar default: 8B and hep from beta-decay physics, SSM normalisations."""
    grid = SOLAR_ENERGY_GRID_MEV if energy_mev is None else np.asarray(energy_mev, float)
    shapes = {"8B": b8_beta_shape(grid), "hep": hep_beta_shape(grid)}
    return _solar_dataset(grid, shapes, ssm, "solar_beta_spectra")
