"""The common flux schema and the helpers every loader shares.

A flux dataset has dims ``flavour`` and ``energy`` (coordinate ``energy`` in MeV, strictly
increasing), a coordinate ``multiplicity`` on ``flavour`` (how many species one entry stands
for) and one spectrum variable: ``fluence`` [cm^-2 MeV^-1] for a burst
(``spectrum_kind = "fluence"``) or ``flux`` [cm^-2 s^-1 MeV^-1] for a steady source
(``spectrum_kind = "flux"``).

Two flavour sets occur:

* **emitted** (what a loader returns): SN ``nue, nuebar, nux`` with multiplicity (1, 1, 4)
  (Garching ``nux`` is ONE heavy-lepton species), solar ``nue`` (unoscillated), atmospheric
  ``nue, nuebar, numu, numubar`` as tabulated;
* **at Earth** (the ``fluxes`` artifact, :data:`EARTH_FLAVOURS`): the six species, one
  each, after the configured flavour conversion (:mod:`lightmed.fluxes.earth`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from ..errors import InputError
from ..io import with_attrs
from ..oscillations import EARTH_FLAVOURS

SN_FLAVOURS = ("nue", "nuebar", "nux")
SN_MULTIPLICITY = (1, 1, 4)
ATM_FLAVOURS = ("nue", "nuebar", "numu", "numubar")

__all__ = [
    "ATM_FLAVOURS",
    "EARTH_FLAVOURS",
    "SN_FLAVOURS",
    "SN_MULTIPLICITY",
    "all_flavour_spectrum",
    "check_earth_flavours",
    "make_spectrum_dataset",
]


def make_spectrum_dataset(
    energy_mev: np.ndarray,
    values: np.ndarray,
    flavours: Sequence[str],
    multiplicity: Sequence[float],
    kind: str,
    origin: str,
    **attrs: Any,
) -> xr.Dataset:
    """Wrap a (flavour, energy) array [cm^-2 MeV^-1 or cm^-2 s^-1 MeV^-1] in the flux schema."""
    if kind not in ("fluence", "flux"):
        raise ValueError(f"kind must be 'fluence' or 'flux', not {kind!r}")
    energy = with_attrs(
        xr.DataArray(np.asarray(energy_mev, float), dims="energy"), "MeV", "neutrino energy"
    )
    mult = with_attrs(
        xr.DataArray(np.asarray(multiplicity, float), dims="flavour"),
        "1",
        "number of neutrino species represented by this flavour entry",
    )
    units, long_name = spectrum_units(kind)
    da = with_attrs(
        xr.DataArray(np.asarray(values, float), dims=("flavour", "energy")), units, long_name
    )
    ds = xr.Dataset(
        {kind: da},
        coords={"flavour": ("flavour", list(flavours)), "energy": energy, "multiplicity": mult},
    )
    ds["flavour"].attrs.update(units="1", long_name="neutrino flavour label")
    ds.attrs.update(
        spectrum_kind=kind, origin=origin, **{k: attr_value(v) for k, v in attrs.items()}
    )
    return ds


def spectrum_units(kind: str) -> tuple[str, str]:
    """(units, long_name) of a ``fluence`` or ``flux`` variable."""
    if kind == "fluence":
        return "cm-2 MeV-1", "time-integrated neutrino fluence per species"
    return "cm-2 s-1 MeV-1", "neutrino flux per species"


def attr_value(v: Any) -> Any:
    """A NetCDF-storable attribute value (None -> 'none', bool -> int, others -> str)."""
    if v is None:
        return "none"
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (str, int, float, np.number)):
        return v
    return str(v)


def all_flavour_spectrum(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray, str]:
    """Return ``(energy [MeV], sum_f multiplicity_f * spectrum_f, kind)``.

    The same total for an emitted dataset and for its at-Earth version under every
    oscillation option (unitarity), which is what a flavour-blind cross section sees.
    """
    kind = ds.attrs["spectrum_kind"]
    total = (ds[kind] * ds["multiplicity"]).sum("flavour")
    return ds["energy"].values, total.values, kind


def check_earth_flavours(ds: xr.Dataset, where: str = "flux") -> None:
    """Raise a one-line :class:`InputError` unless ``ds`` carries the six species at Earth.

    For consumers that weight flavours differently (flavour-dependent mediator models): a
    legacy dataset with the emitted label ``nux`` (one heavy species, multiplicity 4) cannot
    say how much of it is nu_mu and how much nu_tau.
    """
    flavours = [str(f) for f in ds["flavour"].values]
    if flavours != list(EARTH_FLAVOURS):
        raise InputError(
            f"{where}: flavours {', '.join(flavours)} are not the six species at Earth "
            f"({', '.join(EARTH_FLAVOURS)}); a flavour-dependent model needs the fluxes "
            "artifact (results/fluxes/<source>.nc), not an emitted spectrum"
        )


def check_grid(e: np.ndarray, what: str, path: Path | str = "") -> None:
    """Energies must be a strictly increasing 1-d array (one-line InputError otherwise)."""
    where = f"{path}: " if path else ""
    if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0):
        raise InputError(f"{where}{what}: energies must be strictly increasing")


def read_columns(path: Path, ncol: int, what: str, delimiter: str | None = None) -> np.ndarray:
    """Read the first ``ncol`` numeric columns of a text table; one-line InputError if bad."""
    if not path.is_file():
        raise InputError(f"{path}: {what} file not found")
    try:
        data = np.loadtxt(path, comments="#", delimiter=delimiter, ndmin=2)
    except ValueError as exc:
        raise InputError(f"{path}: cannot parse {what} ({exc})") from None
    if data.shape[0] == 0 or data.shape[1] < ncol:
        raise InputError(
            f"{path}: {what} needs {ncol} columns, found {data.shape[1] if data.size else 0}"
        )
    if not np.all(np.isfinite(data[:, :ncol])):
        raise InputError(f"{path}: {what} contains non-finite values")
    return data[:, :ncol]
