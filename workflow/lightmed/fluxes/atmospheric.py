"""Atmospheric neutrino fluxes: FLUKA sub-GeV tables or their embedded parametrisation.

Both return the tabulated flavours ``nue, nuebar, numu, numubar`` (no nu_tau at production);
the flavour content at Earth is made by :func:`lightmed.fluxes.earth.atmospheric_at_earth`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from .. import flux_presets as presets
from ..errors import InputError
from .schema import ATM_FLAVOURS, check_grid, make_spectrum_dataset, read_columns

#: Default atmospheric grid [MeV], log-spaced over the FLUKA sub-GeV range.
ATM_ENERGY_GRID_MEV = np.geomspace(13.183, 981.75, 1000)


FLUKA_FILES = {
    "nue": "AtmNu_e.txt",
    "nuebar": "AtmNu_ebar.txt",
    "numu": "AtmNu_mu.txt",
    "numubar": "AtmNu_mubar.txt",
}


def fluka_atmospheric(directory: str | Path, energy_mev: np.ndarray | None = None) -> xr.Dataset:
    """FLUKA sub-GeV all-sky atmospheric flux per flavour (Battistoni et al. 2005).

    ``directory`` holds ``AtmNu_{e,ebar,mu,mubar}.txt``: comma-separated E [MeV],
    dPhi/dE [cm^-2 s^-1 MeV^-1]. Interpolated log-log onto the grid, zero outside the table.
    """
    directory = Path(directory)
    grid = ATM_ENERGY_GRID_MEV if energy_mev is None else np.asarray(energy_mev, float)
    rows = []
    for name in FLUKA_FILES.values():
        fpath = directory / name
        d = read_columns(fpath, 2, "FLUKA atmospheric flux (E, dPhi/dE)", delimiter=",")
        check_grid(d[:, 0], "FLUKA table", fpath)
        if np.any(d[:, 1] <= 0):
            raise InputError(f"{fpath}: flux must be positive")
        inside = (grid >= d[0, 0]) & (grid <= d[-1, 0])
        v = np.exp(np.interp(np.log(grid), np.log(d[:, 0]), np.log(d[:, 1])))
        rows.append(np.where(inside, v, 0.0))
    return make_spectrum_dataset(
        grid,
        np.array(rows),
        list(FLUKA_FILES),
        [1] * 4,
        "flux",
        "fluka_atmospheric",
        path=str(directory),
    )


def atmospheric_parametrisation(energy_mev: np.ndarray | None = None) -> xr.Dataset:
    """Embedded atmospheric default: ln(dPhi/dE) = polynomial in ln(E/100 MeV) per flavour.

    Coefficients (:data:`flux_presets.ATM_LOGPOLY`) were least-squares fitted to the FLUKA
    sub-GeV tables by ``resources/fluxes/derive_defaults.py``; valid 13-982 MeV, zero outside.
    """
    grid = ATM_ENERGY_GRID_MEV if energy_mev is None else np.asarray(energy_mev, float)
    p = presets.ATM_LOGPOLY
    x = np.log(grid / p["e0_mev"])
    inside = (grid >= p["e_min_mev"]) & (grid <= p["e_max_mev"])
    rows = [
        np.where(inside, np.exp(np.polyval(p["coefficients"][f], x)), 0.0) for f in ATM_FLAVOURS
    ]
    return make_spectrum_dataset(
        grid, np.array(rows), ATM_FLAVOURS, [1] * 4, "flux", "atmospheric_parametrisation"
    )
