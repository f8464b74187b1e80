"""Supernova shell tables and radial profiles (stage ``profiles``).

Two loaders, one schema. :func:`shell_table` reads a hand-made table of shells (the [C21]
Tables I/II inputs ship in ``resources/profiles``); :func:`garching_profile` reads a Garching
1D radial snapshot (Bollig et al. 2020 format, see ``shared/data/sn_profiles/README.md``) and
:func:`discretise_profile` turns it into shells, so a simulation snapshot can replace the
hand-made table. Every loader returns an :class:`xarray.Dataset` with dim ``shell`` and the
variables of the artifact contract: ``r_outer``, ``r_inner`` [km], ``temperature`` [MeV],
``baryon_density`` [fm^-3], ``lepton_fraction`` [1] (optional ``electron_fraction``,
``mu_nu`` [MeV], and the simulation's own nucleon medium of :data:`MEDIUM_VARIABLES`).

Conventions: every chemical potential includes its particle's rest mass. The nucleon
medium of a simulation is described as in the Garching files: quasiparticle energies
E_N(k) = m_N + U_N + sqrt(k^2 + m*_N^2) - m*_N, i.e. U_N = V_N - (m_N - m*_N) is the
non-relativistic single-particle potential and V_N the Dirac vector self-energy.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from .constants import (
    FOUR_PI,
    GRAM_CM3_TO_FM3,
    HBARC_MEV_FM,
    KM_TO_FM,
    M_NEUTRON_MEV,
    M_PROTON_MEV,
    M_SUN_G,
    M_U_G,
)
from .errors import InputError
from .text_table import line_of, load_table

#: Shell-table columns: name -> (units, long_name, required).
SHELL_COLUMNS: dict[str, tuple[str, str, bool]] = {
    "shell": ("1", "shell index (1 = innermost)", True),
    "r_outer_km": ("km", "outer radius of the shell", True),
    "temperature_mev": ("MeV", "temperature", True),
    "baryon_density_fm3": ("fm-3", "baryon number density", True),
    "lepton_fraction": ("1", "electron-flavour lepton fraction Y_L = Y_e + Y_nu_e", True),
    "electron_fraction": ("1", "electron fraction Y_e (= proton fraction)", False),
    "mu_nu_mev": ("MeV", "electron-neutrino chemical potential", False),
    "mu_e_mev": ("MeV", "electron chemical potential (with rest mass)", False),
    "mu_n_mev": ("MeV", "neutron chemical potential (with rest mass)", False),
    "mu_p_mev": ("MeV", "proton chemical potential (with rest mass)", False),
    "potential_n_mev": ("MeV", "neutron single-particle potential U_n", False),
    "potential_p_mev": ("MeV", "proton single-particle potential U_p", False),
    "effective_mass_n_mev": ("MeV", "neutron Dirac effective mass m*_n", False),
    "effective_mass_p_mev": ("MeV", "proton Dirac effective mass m*_p", False),
    "free_neutron_fraction": ("1", "free neutrons per baryon X_n", False),
    "free_proton_fraction": ("1", "free protons per baryon X_p", False),
    "muon_fraction": ("1", "net muon fraction Y_mu", False),
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
    "mu_e": ("mu_e_mev", "MeV", "electron chemical potential (with rest mass)"),
    "mu_n": ("mu_n_mev", "MeV", "neutron chemical potential (with rest mass)"),
    "mu_p": ("mu_p_mev", "MeV", "proton chemical potential (with rest mass)"),
    "potential_n": (
        "potential_n_mev",
        "MeV",
        "neutron single-particle potential U_n (E = m_n + U_n + sqrt(k^2 + m*_n^2) - m*_n)",
    ),
    "potential_p": (
        "potential_p_mev",
        "MeV",
        "proton single-particle potential U_p (E = m_p + U_p + sqrt(k^2 + m*_p^2) - m*_p)",
    ),
    "effective_mass_n": ("effective_mass_n_mev", "MeV", "neutron Dirac effective mass m*_n"),
    "effective_mass_p": ("effective_mass_p_mev", "MeV", "proton Dirac effective mass m*_p"),
    "free_neutron_fraction": ("free_neutron_fraction", "1", "free neutrons per baryon X_n"),
    "free_proton_fraction": ("free_proton_fraction", "1", "free protons per baryon X_p"),
    "muon_fraction": ("muon_fraction", "1", "net muon fraction Y_mu"),
}

#: Profile variables that describe the simulation's own nucleon medium (medium ``profile``).
MEDIUM_VARIABLES: tuple[str, ...] = (
    "mu_nu",
    "mu_e",
    "mu_n",
    "mu_p",
    "potential_n",
    "potential_p",
    "effective_mass_n",
    "effective_mass_p",
)

#: Intensive variables averaged over a shell with baryon-number weight (discretise_profile).
_BARYON_WEIGHTED = (
    "temperature",
    "lepton_fraction",
    "electron_fraction",
    "mu_nu",
    "mu_e",
    "mu_n",
    "mu_p",
    "potential_n",
    "potential_p",
    "effective_mass_n",
    "effective_mass_p",
    "free_neutron_fraction",
    "free_proton_fraction",
    "muon_fraction",
)

#: Garching radial-profile columns (0-based) used here: name -> (column, unit in file).
GARCHING_COLUMNS: dict[str, int] = {
    "radius_cm": 0,
    "density_g_cm3": 2,
    "temperature_mev": 4,
    "mu_nu_mev": 8,
    "mu_e_mev": 9,
    "mu_n_mev": 10,
    "mu_p_mev": 11,
    "free_neutron_fraction": 14,
    "free_proton_fraction": 15,
    "electron_fraction": 19,
    "muon_fraction": 20,
    "potential_n_mev": 21,
    "potential_p_mev": 22,
    "effective_mass_n_mev": 23,
    "effective_mass_p_mev": 24,
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
        ("effective_mass_n_mev", lambda v: v > 0, "must be > 0 MeV"),
        ("effective_mass_p_mev", lambda v: v > 0, "must be > 0 MeV"),
        ("free_neutron_fraction", lambda v: (v >= 0) & (v <= 1), "must lie in [0, 1]"),
        ("free_proton_fraction", lambda v: (v >= 0) & (v <= 1), "must lie in [0, 1]"),
        ("muon_fraction", lambda v: np.abs(v) < 1, "must lie in (-1, 1)"),
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
    mass = baryon_mass_msun(radii, df["baryon_density_fm3"].to_numpy(dtype=float))
    if mass > MAX_BARYON_MASS_MSUN:
        raise _fail(
            path,
            f"the shells hold {mass:.3g} solar masses of baryons (a proto-neutron star holds "
            f"~1-2; no star more than {MAX_BARYON_MASS_MSUN:g}): give r_outer_km in km (not cm) "
            "and baryon_density_fm3 in fm^-3 (1 fm^-3 = 1.66e15 g/cm^3, not g/cm^3)",
        )


#: Upper limit on the baryonic mass a shell table may hold [solar masses]: far above any
#: proto-neutron star (~1-2) or progenitor core, far below what a unit slip gives (radii in cm
#: or densities in g/cm^3 multiply the mass by ~1e15).
MAX_BARYON_MASS_MSUN = 100.0


def baryon_mass_msun(r_outer_km: np.ndarray, baryon_density_fm3: np.ndarray) -> float:
    """Baryonic mass [solar masses] of uniform shells (inner radius of shell 1 = 0), with the
    atomic mass unit per baryon."""
    edges_fm = np.concatenate([[0.0], np.asarray(r_outer_km, dtype=float)]) * KM_TO_FM
    volumes_fm3 = FOUR_PI / 3.0 * np.diff(edges_fm**3)
    return float(np.sum(volumes_fm3 * baryon_density_fm3) * M_U_G / M_SUN_G)


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


def garching_profile(
    path: str | os.PathLike, *, neutrino_degeneracy: float | None = None
) -> xr.Dataset:
    """Read a Garching 1D radial snapshot (Bollig et al. 2020 format).

    Parameters
    ----------
    path : path-like
        Text file: 5 header lines then 25 whitespace-separated columns (radius [cm], ...,
        density [g cm^-3], ..., T [MeV], ..., mu_nu_e [MeV], mu_e, mu_n, mu_p [MeV], ...,
        X_n, X_p, ..., Y_e, Y_mu, U_n, U_p, m*_n, m*_p [MeV]); see
        ``shared/data/sn_profiles/README.md``.
    neutrino_degeneracy : float, optional
        Internal degrees of freedom g_nu of nu_e used to turn mu_nu into Y_nu [1]. The
        pipeline passes ``rmf.neutrino_degeneracy`` (one value for the profile and the RMF);
        without it ``neutrino_fraction`` and ``lepton_fraction`` are not computed.

    Returns
    -------
    xarray.Dataset
        Dim ``radius`` (km) with ``density`` [g cm^-3], ``baryon_density`` [fm^-3] (rho / m_u),
        ``temperature``, ``mu_nu``, ``mu_e``, ``mu_n``, ``mu_p`` (with rest masses) [MeV],
        ``potential_n``, ``potential_p``, ``effective_mass_n``, ``effective_mass_p`` [MeV],
        ``electron_fraction``, ``muon_fraction``, ``free_neutron_fraction``,
        ``free_proton_fraction`` [1] and, given ``neutrino_degeneracy``,
        ``neutrino_fraction`` and ``lepton_fraction`` [1].

    Notes
    -----
    The file's mu_n and mu_p are measured from the vacuum nucleon masses (its mu_nu =
    mu_e + mu_p - mu_n - 1.29 MeV); they are returned with the rest masses added (CODATA m_n,
    m_p, :mod:`lightmed.constants`), as every chemical potential in lightmed. U_N is the
    non-relativistic single-particle potential, E_N = m_N + U_N + (kinetic energy with m*_N)
    (module docstring); the nucleon densities it implies are checked in
    :func:`lightmed.rmf.medium.profile_medium`. ``lepton_fraction`` = Y_e + Y_nu_e with
    Y_nu_e from the equilibrium mu_nu_e; muons and mu/tau neutrinos are not part of it (the
    [C21] shells carry the electron flavour only).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: radial profile not found (check snapshots.<name>.path)")
    # Five header lines; line 2 ("shock radius= ...") carries no '#', so skip by count.
    fix = (
        f"correct that line or restore the original file ({GARCHING_HEADER_LINES} header "
        f"lines, then {GARCHING_NCOLS} "
        "whitespace-separated columns; shared/data/sn_profiles/README.md)"
    )
    table = load_table(
        path, what="Garching radial profile", fix=fix, skip_lines=GARCHING_HEADER_LINES
    )
    if table.shape[1] != GARCHING_NCOLS:
        raise _fail(
            path,
            f"expected {GARCHING_NCOLS} columns (Garching hydro format), found "
            f"{table.shape[1]}; {fix}",
        )

    def line(row: int) -> int:
        return line_of(path, row, skip_lines=GARCHING_HEADER_LINES)

    cols = {name: table[:, i] for name, i in GARCHING_COLUMNS.items()}
    radius_km = cols["radius_cm"] / 1e5
    bad = np.flatnonzero(~(np.diff(radius_km) > 0))
    if bad.size:
        raise _fail(
            path,
            f"line {line(bad[0] + 1)}, column 'radius': radii must increase (line "
            f"{line(bad[0])} has {radius_km[bad[0]]:g} km, this line "
            f"{radius_km[bad[0] + 1]:g} km); {fix}",
        )
    for name in (
        "density_g_cm3",
        "temperature_mev",
        "effective_mass_n_mev",
        "effective_mass_p_mev",
    ):
        bad = np.flatnonzero(~(cols[name] > 0))
        if bad.size:
            raise _fail(
                path,
                f"line {line(bad[0])}, column '{name}' = {cols[name][bad[0]]:g}: must be > 0; "
                f"{fix}",
            )
    n_b = cols["density_g_cm3"] * GRAM_CM3_TO_FM3
    y_e = cols["electron_fraction"]

    def var(values, units, long_name):
        return xr.DataArray(values, dims="radius", attrs={"units": units, "long_name": long_name})

    data = {
        "density": var(cols["density_g_cm3"], "g cm-3", "mass density"),
        "baryon_density": var(n_b, "fm-3", "baryon number density (rho / m_u)"),
        "temperature": var(cols["temperature_mev"], "MeV", "temperature"),
        "mu_nu": var(cols["mu_nu_mev"], "MeV", "electron-neutrino chemical potential"),
        "mu_e": var(cols["mu_e_mev"], "MeV", "electron chemical potential (with rest mass)"),
        "mu_n": var(
            cols["mu_n_mev"] + M_NEUTRON_MEV,
            "MeV",
            "neutron chemical potential (with rest mass: file value + m_n)",
        ),
        "mu_p": var(
            cols["mu_p_mev"] + M_PROTON_MEV,
            "MeV",
            "proton chemical potential (with rest mass: file value + m_p)",
        ),
        "electron_fraction": var(y_e, "1", "electron fraction Y_e"),
        "muon_fraction": var(cols["muon_fraction"], "1", "net muon fraction Y_mu"),
        "free_neutron_fraction": var(
            cols["free_neutron_fraction"], "1", "free neutrons per baryon X_n"
        ),
        "free_proton_fraction": var(
            cols["free_proton_fraction"], "1", "free protons per baryon X_p"
        ),
    }
    for name in ("potential_n", "potential_p", "effective_mass_n", "effective_mass_p"):
        col, units, long_name = _VARIABLES[name]
        data[name] = var(cols[col], units, long_name)
    attrs = {"profile_source": str(path), "profile_format": "garching_profile"}
    if neutrino_degeneracy is not None:
        y_nu = (
            neutrino_number_density_fm3(
                cols["mu_nu_mev"], cols["temperature_mev"], neutrino_degeneracy
            )
            / n_b
        )
        data["neutrino_fraction"] = var(y_nu, "1", "net electron-neutrino fraction Y_nu_e")
        data["lepton_fraction"] = var(y_e + y_nu, "1", "lepton fraction Y_L = Y_e + Y_nu_e")
        attrs["neutrino_degeneracy"] = float(neutrino_degeneracy)
    ds = xr.Dataset(
        data, coords={"radius": ("radius", radius_km, {"units": "km", "long_name": "radius"})}
    )
    ds.attrs.update(attrs)
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
    (baryon number per shell is exact); every intensive quantity present in ``radial`` (the
    temperature, the fractions, every chemical potential, U_n, U_p, m*_n, m*_p; see
    ``_BARYON_WEIGHTED``) is the baryon-number weighted average
    <q> = Int r^2 n_B q dr / Int r^2 n_B dr, so lepton number per shell is exact and linear
    relations between the quantities (beta equilibrium mu_nu = mu_e + mu_p - mu_n,
    mu*_N = mu_N - U_N - m_N + m*_N) hold for the shell values as they do point by point.
    The integrals use the trapezoidal rule on the file's radial grid, refined at the shell
    edges by linear interpolation.
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
    names = [name for name in _BARYON_WEIGHTED if name in radial]
    fields = {name: on_grid(name) for name in names}
    out: dict[str, list[float]] = {k: [] for k in ["baryon_density", *names]}
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (grid >= lo) & (grid <= hi)
        x = grid[sel]
        vol = np.trapezoid(weight_v[sel], x)
        bar = np.trapezoid(weight_b[sel], x)
        out["baryon_density"].append(bar / vol)
        for name in names:
            out[name].append(np.trapezoid(weight_b[sel] * fields[name][sel], x) / bar)
    columns = {"shell": np.arange(1, len(edges)), "r_outer_km": edges[1:]}
    for name, values in out.items():
        columns[_VARIABLES[name][0]] = values
    df = pd.DataFrame(columns)
    source = radial.attrs.get("profile_source", "radial profile")
    validate_shells(df.drop(columns="shell"), source, row_offset=1)
    return _dataset_from_columns(
        df,
        {
            "profile_source": source,
            "profile_format": "garching_profile (discretised)",
            "shell_radii_km": edges[1:].tolist(),
            "shell_averaging": "baryon density: volume average; all other quantities: "
            "baryon-number weighted",
        },
    )


def load_snapshot(
    spec: dict, base_dir: str | os.PathLike = ".", *, neutrino_degeneracy: float | None = None
) -> xr.Dataset:
    """Load a snapshot described by a ``config['snapshots'][name]`` block.

    ``spec['format']`` is ``shell_table`` or ``garching_profile``; a relative ``path`` is taken
    relative to ``base_dir`` (the workflow directory). ``neutrino_degeneracy`` (g_nu [1],
    config ``rmf.neutrino_degeneracy``) turns a radial profile's mu_nu into Y_nu; it is
    required for ``garching_profile`` and unused for shell tables.
    """
    fmt = spec.get("format", "shell_table")
    path = Path(spec["path"])
    if not path.is_absolute():
        path = Path(base_dir) / path
    if fmt == "shell_table":
        return shell_table(path)
    if fmt == "garching_profile":
        if neutrino_degeneracy is None:
            raise InputError(
                f"{path}: a garching_profile snapshot needs the neutrino degeneracy g_nu "
                "(config rmf.neutrino_degeneracy) to turn mu_nu into Y_nu"
            )
        radial = garching_profile(path, neutrino_degeneracy=neutrino_degeneracy)
        shells = spec.get("shells", {})
        return discretise_profile(
            radial,
            radii_km=shells.get("radii_km"),
            n_shells=shells.get("n_shells"),
            r_max_km=shells.get("r_max_km"),
        )
    raise InputError(f"unknown snapshot format {fmt!r}; use shell_table or garching_profile")
