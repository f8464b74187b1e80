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

from ..errors import ArtifactError, InputError
from ..io import read_artifact, with_attrs
from ..oscillations import EARTH_FLAVOURS
from ..text_table import line_of, load_table

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


def read_flux(path: str | Path) -> xr.Dataset:
    """Read a ``results/fluxes/{source}.nc`` artifact and check it is usable by the rates."""
    ds = read_artifact(path, stage="fluxes")
    kind = ds.attrs.get("spectrum_kind")
    if kind not in ("fluence", "flux") or kind not in ds:
        raise ArtifactError(
            f"{path}: no 'fluence' or 'flux' variable matching spectrum_kind={kind!r}; "
            "delete it and rerun ingest_flux"
        )
    return ds


def table_fix(ncol: int, delimiter: str | None = None) -> str:
    """What to do about a bad line of a flux table with ``ncol`` columns."""
    sep = "whitespace" if delimiter is None else repr(delimiter)
    return (
        f"correct that line (numeric columns separated by {sep}, the first {ncol} used; "
        "'#' starts a comment)"
    )


def row_line(path: Path | str, row: int) -> int:
    """Line number (from 1) of data row ``row`` of a table read by :func:`read_columns`."""
    return line_of(path, row)


def check_grid(e: np.ndarray, what: str, path: Path | str = "") -> None:
    """Energies must be a strictly increasing 1-d array (one-line InputError otherwise).

    With ``path`` (``e`` read from it by :func:`read_columns`) the message names the line.
    """
    where = f"{path}: " if path else ""
    if e.ndim != 1 or e.size < 2:
        raise InputError(f"{where}{what}: needs at least two energies")
    bad = np.flatnonzero(~(np.diff(e) > 0))
    if bad.size:
        i = int(bad[0]) + 1
        if path:
            raise InputError(
                f"{where}{what}: energies must be strictly increasing (line {row_line(path, i)}: "
                f"E = {e[i]:g} MeV after {e[i - 1]:g} MeV on line {row_line(path, i - 1)}); "
                "sort the lines by energy and remove duplicates"
            )
        raise InputError(f"{where}{what}: energies must be strictly increasing")


def check_nonnegative(values: np.ndarray, what: str, path: Path | str, column: int) -> None:
    """One-line InputError naming the line of the first negative entry of a column."""
    bad = np.flatnonzero(values < 0)
    if bad.size:
        i = int(bad[0])
        raise InputError(
            f"{path}: negative {what} {values[i]:g} on line {row_line(path, i)}, column "
            f"{column}; correct the value (a spectral density is >= 0)"
        )


def read_columns(path: Path, ncol: int, what: str, delimiter: str | None = None) -> np.ndarray:
    """Read the first ``ncol`` numeric columns of a text table; one-line InputError if bad.

    Errors name the file's line (numpy's data row numbers skip comments and blank lines).
    """
    if not path.is_file():
        raise InputError(f"{path}: {what} file not found")
    fix = table_fix(ncol, delimiter)
    data = load_table(path, what=what, fix=fix, delimiter=delimiter)
    if data.shape[0] == 0 or data.shape[1] < ncol:
        raise InputError(
            f"{path}: {what} needs {ncol} columns, found {data.shape[1] if data.size else 0}; {fix}"
        )
    finite = np.isfinite(data[:, :ncol])
    if not np.all(finite):
        i, j = np.argwhere(~finite)[0]
        raise InputError(
            f"{path}: {what} contains non-finite values ({data[i, j]} on line "
            f"{row_line(path, int(i))}, column {j + 1}); {fix}"
        )
    return data[:, :ncol]
