"""Supernova shell tables and radial profiles (stage ``profiles``).

Two loaders, one schema. :func:`shell_table` reads a hand-made table of shells (the [C21]
Tables I/II inputs ship in ``resources/profiles``); :func:`garching_profile` reads a Garching
1D radial snapshot (Bollig et al. 2020 format, see ``shared/data/sn_profiles/README.md``) and
:func:`discretise_profile` turns it into shells, so a simulation snapshot can replace the
hand-made table. Every loader returns an :class:`xarray.Dataset` with dim ``shell`` and the
variables of the artifact contract: ``r_outer``, ``r_inner`` [km], ``temperature`` [MeV],
``baryon_density`` [fm^-3], ``lepton_fraction`` [1] (optional ``electron_fraction``,
``mu_nu`` [MeV]).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from .constants import GRAM_CM3_TO_FM3, HBARC_MEV_FM
from .errors import InputError

#: Shell-table columns: name -> (units, long_name, required).
SHELL_COLUMNS: dict[str, tuple[str, str, bool]] = {
    "shell": ("1", "shell index (1 = innermost)", True),
    "r_outer_km": ("km", "outer radius of the shell", True),
    "temperature_mev": ("MeV", "temperature", True),
    "baryon_density_fm3": ("fm-3", "baryon number density", True),
    "lepton_fraction": ("1", "electron-flavour lepton fraction Y_L = Y_e + Y_nu_e", True),
    "electron_fraction": ("1", "electron fraction Y_e (= proton fraction)", False),
    "mu_nu_mev": ("MeV", "electron-neutrino chemical potential", False),
}

_VARIABLES = {
    # artifact name: (column, units, long_name)
    "r_outer": ("r_outer_km", "km", "outer radius of the shell"),
    "r_inner": (None, "km", "inner radius of the shell"),
    "temperature": ("temperature_mev", "MeV", "temperature"),
    "baryon_density": ("baryon_density_fm3", "fm-3", "baryon number density"),
    "lepton_fraction": (
        "lepton_fraction",
        "1",
        "electron-flavour lepton fraction Y_L = Y_e + Y_nu_e",
    ),
    "electron_fraction": ("electron_fraction", "1", "electron fraction Y_e"),
    "mu_nu": ("mu_nu_mev", "MeV", "electron-neutrino chemical potential (with rest mass 0)"),
}

#: Garching radial-profile columns (0-based) used here: name -> (column, unit in file).
GARCHING_COLUMNS: dict[str, int] = {
    "radius_cm": 0,
    "density_g_cm3": 2,
    "temperature_mev": 4,
    "mu_nu_mev": 8,
    "mu_e_mev": 9,
    "mu_n_mev": 10,
    "mu_p_mev": 11,
    "electron_fraction": 19,
    "muon_fraction": 20,
}
GARCHING_NCOLS = 25
GARCHING_HEADER_LINES = 5


def _fail(path: str | os.PathLike, msg: str) -> InputError:
    return InputError(f"{path}: {msg}")


def validate_shells(
    df: pd.DataFrame,
    path: str | os.PathLike,
    *,
    row_offset: int = 0,
) -> None:
    """Check shell values are physical; raise :class:`InputError` naming row and column.

    ``row_offset`` converts the DataFrame index to the file's line number.
    """
    for col in df.columns:
        values = df[col].to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            i = bad[0]
            raise _fail(path, f"row {i + row_offset}, column '{col}': value is NaN or infinite")
    checks = [
        ("temperature_mev", lambda v: v > 0, "must be > 0 MeV"),
        ("baryon_density_fm3", lambda v: v > 0, "must be > 0 fm^-3"),
        ("r_outer_km", lambda v: v > 0, "must be > 0 km"),
        ("lepton_fraction", lambda v: (v > 0) & (v < 1), "must lie in (0, 1)"),
        ("electron_fraction", lambda v: (v > 0) & (v < 1), "must lie in (0, 1)"),
    ]
    for col, ok, what in checks:
        if col not in df:
            continue
        values = df[col].to_numpy(dtype=float)
        bad = np.flatnonzero(~ok(values))
        if bad.size:
            i = bad[0]
            raise _fail(path, f"row {i + row_offset}, column '{col}' = {values[i]:g}: {what}")
    radii = df["r_outer_km"].to_numpy(dtype=float)
    bad = np.flatnonzero(np.diff(radii) <= 0)
    if bad.size:
        i = bad[0] + 1
        raise _fail(
            path,
            f"row {i + row_offset}, column 'r_outer_km' = {radii[i]:g}: radii must increase "
            f"strictly from shell to shell (previous row has {radii[i - 1]:g})",
        )


def _dataset_from_columns(df: pd.DataFrame, attrs: dict) -> xr.Dataset:
    r_outer = df["r_outer_km"].to_numpy(dtype=float)
    r_inner = np.concatenate([[0.0], r_outer[:-1]])
    shells = df["shell"].to_numpy(dtype=int) if "shell" in df else np.arange(1, len(df) + 1)
    data = {}
    for name, (col, units, long_name) in _VARIABLES.items():
        if name == "r_inner":
            values = r_inner
        elif col in df:
            values = df[col].to_numpy(dtype=float)
        else:
            continue
        data[name] = xr.DataArray(
            values, dims="shell", attrs={"units": units, "long_name": long_name}
        )
    ds = xr.Dataset(data, coords={"shell": ("shell", shells)})
    ds["shell"].attrs.update(units="1", long_name="shell index (1 = innermost)")
    ds.attrs.update(attrs)
    return ds


def shell_table(path: str | os.PathLike) -> xr.Dataset:
    """Read a shell table (CSV with a header naming columns with their units).

    Parameters
    ----------
    path : path-like
        CSV file; ``#`` lines are comments. Required columns: ``shell, r_outer_km,
        temperature_mev, baryon_density_fm3, lepton_fraction``; optional
        ``electron_fraction, mu_nu_mev``. Rows are shells from the centre outwards.

    Returns
    -------
    xarray.Dataset
        Profile schema (dim ``shell``).

    Raises
    ------
    InputError
        Missing/unknown column, non-numeric or NaN value, non-increasing radii, T <= 0,
        n_B <= 0, a fraction outside (0, 1); the message names file, row and column.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: shell table not found (check snapshots.<name>.path)")
    try:
        df = pd.read_csv(path, comment="#", skipinitialspace=True)
    except Exception as exc:  # noqa: BLE001 - pandas raises many types for bad CSV
        raise _fail(path, f"cannot parse as CSV ({exc})") from exc
    df.columns = [c.strip() for c in df.columns]
    required = [c for c, (_, _, req) in SHELL_COLUMNS.items() if req]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise _fail(
            path,
            f"missing column(s) {', '.join(missing)}; required: {', '.join(required)}",
        )
    unknown = [c for c in df.columns if c not in SHELL_COLUMNS]
    if unknown:
        raise _fail(
            path,
            f"unknown column(s) {', '.join(unknown)}; allowed: {', '.join(SHELL_COLUMNS)}",
        )
    if df.empty:
        raise _fail(path, "no shells (the table has a header but no rows)")
    # Line number in the file of DataFrame row 0: comments + header line before it.
    header_line = _header_line_number(path)
    for col in df.columns:
        converted = pd.to_numeric(df[col], errors="coerce")
        bad = np.flatnonzero(converted.isna().to_numpy() & df[col].notna().to_numpy())
        if bad.size:
            i = bad[0]
            raise _fail(
                path,
                f"row {i + header_line + 1}, column '{col}': {df[col].iloc[i]!r} is not a number",
            )
        df[col] = converted
    validate_shells(df, path, row_offset=header_line + 1)
    return _dataset_from_columns(df, {"profile_source": str(path), "profile_format": "shell_table"})


def _header_line_number(path: Path) -> int:
    """1-based line number of the CSV header (first non-comment, non-blank line)."""
    with open(path) as fh:
        for number, line in enumerate(fh, start=1):
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                return number
    return 1


def neutrino_number_density_fm3(
    mu_nu_mev: np.ndarray, temperature_mev: np.ndarray, degeneracy: float
) -> np.ndarray:
    """Net neutrino number density n_nu - n_nubar of massless fermions [fm^-3].

    n = g (mu^3 + pi^2 T^2 mu) / (6 pi^2), exact for massless Fermi-Dirac particles.
    """
    mu = np.asarray(mu_nu_mev, dtype=float)
    t = np.asarray(temperature_mev, dtype=float)
    return degeneracy * (mu**3 + math.pi**2 * t**2 * mu) / (6 * math.pi**2) / HBARC_MEV_FM**3


def garching_profile(path: str | os.PathLike, *, neutrino_degeneracy: float = 1.0) -> xr.Dataset:
    """Read a Garching 1D radial snapshot (Bollig et al. 2020 format).

    Parameters
    ----------
    path : path-like
        Text file: 5 header lines then 25 whitespace-separated columns (radius [cm], ...,
        density [g cm^-3], ..., T [MeV], ..., mu_nu_e [MeV], mu_e, mu_n, mu_p [MeV], ...,
        Y_e, Y_mu, ...); see ``shared/data/sn_profiles/README.md``.
    neutrino_degeneracy : float
        Internal degrees of freedom of nu_e used to turn mu_nu into Y_nu (1: left-handed
        nu_e only, the textbook value).

    Returns
    -------
    xarray.Dataset
        Dim ``radius`` (km) with ``density`` [g cm^-3], ``baryon_density`` [fm^-3] (rho / m_u),
        ``temperature``, ``mu_nu``, ``mu_e``, ``mu_n``, ``mu_p`` [MeV], ``electron_fraction``,
        ``neutrino_fraction`` and ``lepton_fraction`` [1].

    Notes
    -----
    ``lepton_fraction`` = Y_e + Y_nu_e with Y_nu_e from the equilibrium mu_nu_e; muons and
    mu/tau neutrinos are not part of it (the [C21] shells carry the electron flavour only).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: radial profile not found (check snapshots.<name>.path)")
    # Five header lines; line 2 ("shock radius= ...") carries no '#', so skip by count.
    try:
        table = np.loadtxt(path, skiprows=GARCHING_HEADER_LINES, ndmin=2)
    except ValueError as exc:
        raise _fail(path, f"not a Garching radial profile ({exc})") from exc
    if table.shape[1] != GARCHING_NCOLS:
        raise _fail(
            path,
            f"expected {GARCHING_NCOLS} columns (Garching hydro format), found {table.shape[1]}",
        )
    cols = {name: table[:, i] for name, i in GARCHING_COLUMNS.items()}
    radius_km = cols["radius_cm"] / 1e5
    bad = np.flatnonzero(np.diff(radius_km) <= 0)
    if bad.size:
        raise _fail(
            path,
            f"line {bad[0] + 2 + GARCHING_HEADER_LINES}, column 'radius': radii must increase",
        )
    for name in ("density_g_cm3", "temperature_mev"):
        bad = np.flatnonzero(~(cols[name] > 0))
        if bad.size:
            raise _fail(
                path, f"line {bad[0] + 1 + GARCHING_HEADER_LINES}, column '{name}': must be > 0"
            )
    n_b = cols["density_g_cm3"] * GRAM_CM3_TO_FM3
    y_nu = (
        neutrino_number_density_fm3(cols["mu_nu_mev"], cols["temperature_mev"], neutrino_degeneracy)
        / n_b
    )
    y_e = cols["electron_fraction"]

    def var(values, units, long_name):
        return xr.DataArray(values, dims="radius", attrs={"units": units, "long_name": long_name})

    ds = xr.Dataset(
        {
            "density": var(cols["density_g_cm3"], "g cm-3", "mass density"),
            "baryon_density": var(n_b, "fm-3", "baryon number density (rho / m_u)"),
            "temperature": var(cols["temperature_mev"], "MeV", "temperature"),
            "mu_nu": var(cols["mu_nu_mev"], "MeV", "electron-neutrino chemical potential"),
            "mu_e": var(cols["mu_e_mev"], "MeV", "electron chemical potential (with rest mass)"),
            "mu_n": var(cols["mu_n_mev"], "MeV", "neutron chemical potential (file convention)"),
            "mu_p": var(cols["mu_p_mev"], "MeV", "proton chemical potential (file convention)"),
            "electron_fraction": var(y_e, "1", "electron fraction Y_e"),
            "neutrino_fraction": var(y_nu, "1", "net electron-neutrino fraction Y_nu_e"),
            "lepton_fraction": var(y_e + y_nu, "1", "lepton fraction Y_L = Y_e + Y_nu_e"),
        },
        coords={"radius": ("radius", radius_km, {"units": "km", "long_name": "radius"})},
    )
    ds.attrs.update(
        profile_source=str(path),
        profile_format="garching_profile",
        neutrino_degeneracy=float(neutrino_degeneracy),
    )
    return ds


def discretise_profile(
    radial: xr.Dataset,
    *,
    radii_km: Sequence[float] | None = None,
    n_shells: int | None = None,
    r_max_km: float | None = None,
) -> xr.Dataset:
    """Average a radial profile over shells, returning the shell-table schema.

    Parameters
    ----------
    radial : xarray.Dataset
        Output of :func:`garching_profile` (dim ``radius`` in km).
    radii_km : sequence of float, optional
        Outer radii of the shells [km], strictly increasing.
    n_shells, r_max_km : int, float, optional
        Alternatively: ``n_shells`` equal-width shells out to ``r_max_km`` [km].

    Notes
    -----
    Averages conserve what the diffusion sum needs: the baryon density is the volume average
    (baryon number per shell is exact), the fractions and the temperature are baryon-number
    weighted averages (lepton number per shell is exact), mu_nu is volume weighted. The
    integrals use the trapezoidal rule on the file's radial grid, refined at the shell edges
    by linear interpolation.
    """
    if radii_km is None:
        if n_shells is None or r_max_km is None:
            raise InputError("discretise_profile: give radii_km, or n_shells and r_max_km")
        if n_shells < 1 or r_max_km <= 0:
            raise InputError("discretise_profile: n_shells must be >= 1 and r_max_km > 0")
        radii_km = np.linspace(0.0, r_max_km, n_shells + 1)[1:]
    edges = np.concatenate([[0.0], np.asarray(radii_km, dtype=float)])
    if np.any(np.diff(edges) <= 0):
        raise InputError(f"shell radii must be positive and increasing, got {list(radii_km)}")
    r = radial["radius"].to_numpy()
    if edges[-1] > r[-1]:
        raise InputError(
            f"outermost shell radius {edges[-1]:g} km lies beyond the profile ({r[-1]:g} km)"
        )
    grid = np.union1d(r, edges)
    grid = grid[grid <= edges[-1]]

    def on_grid(name: str) -> np.ndarray:
        return np.interp(grid, r, radial[name].to_numpy())

    n_b = on_grid("baryon_density")
    weight_v = grid**2
    weight_b = grid**2 * n_b
    out: dict[str, list[float]] = {
        k: []
        for k in ("baryon_density", "temperature", "lepton_fraction", "electron_fraction", "mu_nu")
    }
    fields = {
        name: on_grid(name)
        for name in ("temperature", "lepton_fraction", "electron_fraction", "mu_nu")
    }
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (grid >= lo) & (grid <= hi)
        x = grid[sel]
        vol = np.trapezoid(weight_v[sel], x)
        bar = np.trapezoid(weight_b[sel], x)
        out["baryon_density"].append(bar / vol)
        for name in ("temperature", "lepton_fraction", "electron_fraction"):
            out[name].append(np.trapezoid(weight_b[sel] * fields[name][sel], x) / bar)
        out["mu_nu"].append(np.trapezoid(weight_v[sel] * fields["mu_nu"][sel], x) / vol)
    df = pd.DataFrame(
        {
            "shell": np.arange(1, len(edges)),
            "r_outer_km": edges[1:],
            "temperature_mev": out["temperature"],
            "baryon_density_fm3": out["baryon_density"],
            "lepton_fraction": out["lepton_fraction"],
            "electron_fraction": out["electron_fraction"],
            "mu_nu_mev": out["mu_nu"],
        }
    )
    source = radial.attrs.get("profile_source", "radial profile")
    validate_shells(df.drop(columns="shell"), source, row_offset=1)
    return _dataset_from_columns(
        df,
        {
            "profile_source": source,
            "profile_format": "garching_profile (discretised)",
            "shell_radii_km": edges[1:].tolist(),
        },
    )


def load_snapshot(spec: dict, base_dir: str | os.PathLike = ".") -> xr.Dataset:
    """Load a snapshot described by a ``config['snapshots'][name]`` block.

    ``spec['format']`` is ``shell_table`` or ``garching_profile``; a relative ``path`` is taken
    relative to ``base_dir`` (the workflow directory).
    """
    fmt = spec.get("format", "shell_table")
    path = Path(spec["path"])
    if not path.is_absolute():
        path = Path(base_dir) / path
    if fmt == "shell_table":
        return shell_table(path)
    if fmt == "garching_profile":
        radial = garching_profile(path, neutrino_degeneracy=spec.get("neutrino_degeneracy", 1.0))
        shells = spec.get("shells", {})
        return discretise_profile(
            radial,
            radii_km=shells.get("radii_km"),
            n_shells=shells.get("n_shells"),
            r_max_km=shells.get("r_max_km"),
        )
    raise InputError(f"unknown snapshot format {fmt!r}; use shell_table or garching_profile")
