"""Supernova fluences: Garching emission time series and the embedded pinched defaults.

Both loaders return the emitted flavours ``nue, nuebar, nux`` (multiplicity 1, 1, 4; ``nux``
is ONE heavy-lepton species) in the schema of :mod:`lightmed.fluxes.schema`; the flavour
content at Earth is made by :func:`lightmed.fluxes.earth.supernova_at_earth`.
"""

from __future__ import annotations

import math
from pathlib import Path

import numba
import numpy as np
import xarray as xr

from .. import flux_presets as presets
from ..constants import FOE_TO_MEV, KPC_CM, MEV_TO_ERG
from ..errors import ConfigError, InputError
from .schema import (
    SN_FLAVOURS,
    SN_MULTIPLICITY,
    check_grid,
    make_spectrum_dataset,
    read_columns,
    row_line,
)

#: Default SN energy grid [MeV]: the hottest failed-SN spectra (<E> ~ 25 MeV) carry < 1e-4 of
#: their CEvNS rate above 150 MeV.
SN_ENERGY_GRID_MEV = np.linspace(0.1, 150.0, 1499)


# --------------------------------------------------------------------------------------------
# pinched spectra
# --------------------------------------------------------------------------------------------
def pinching_alpha(mean_mev, mean_sq_mev2):
    """Pinching alpha = (2<E>^2 - <E^2>) / (<E^2> - <E>^2) ([ST21] Eq. 16)."""
    m = np.asarray(mean_mev, float)
    m2 = np.asarray(mean_sq_mev2, float)
    return (2.0 * m**2 - m2) / (m2 - m**2)


def pinched_spectrum(energy_mev, mean_mev: float, alpha: float) -> np.ndarray:
    """Unit-normalised pinched spectrum phi(E) [MeV^-1] ([ST21] Eq. 15)."""
    e = np.asarray(energy_mev, float)
    x = e / mean_mev
    a1 = 1.0 + alpha
    with np.errstate(divide="ignore"):
        logphi = (
            alpha * np.log(np.where(x > 0, x, 1.0))
            - a1 * x
            + a1 * math.log(a1)
            - math.lgamma(a1)
            - math.log(mean_mev)
        )
    return np.where(x > 0, np.exp(logphi), 0.0)


@numba.njit(cache=True)
def _kernel_time_integrated_pinched(energy, weights, lum_mev_s, mean, alpha):  # pragma: no cover
    """sum_i w_i L_i/<E>_i phi(E; <E>_i, alpha_i) [MeV^-1]; skips rows with L = 0."""
    out = np.zeros(energy.size)
    for i in range(weights.size):
        if weights[i] == 0.0 or lum_mev_s[i] <= 0.0:
            continue
        a1 = 1.0 + alpha[i]
        norm = weights[i] * lum_mev_s[i] / mean[i]
        logc = a1 * math.log(a1) - math.lgamma(a1) - math.log(mean[i])
        for j in range(energy.size):
            x = energy[j] / mean[i]
            if x > 0.0:
                out[j] += norm * math.exp(alpha[i] * math.log(x) - a1 * x + logc)
    return out


def _trapezoid_weights(t: np.ndarray, t_min: float, t_max: float) -> tuple[np.ndarray, np.ndarray]:
    """Sample times clipped to [t_min, t_max] and their trapezoid weights.

    Returns the indices' weights on the original samples plus interpolation so that the
    integral of a piecewise-linear f over [t_min, t_max] is sum(w * f).
    """
    w = np.zeros(t.size)
    lo, hi = max(t_min, t[0]), min(t_max, t[-1])
    if hi <= lo:
        return w, np.array([lo, hi])
    for k in range(t.size - 1):
        a, b = t[k], t[k + 1]
        s, e = max(a, lo), min(b, hi)
        if e <= s:
            continue
        # integral over [s, e] of the linear interpolant between samples k and k+1
        h = b - a
        fs_k, fs_k1 = (b - s) / h, (s - a) / h
        fe_k, fe_k1 = (b - e) / h, (e - a) / h
        w[k] += 0.5 * (e - s) * (fs_k + fe_k)
        w[k + 1] += 0.5 * (e - s) * (fs_k1 + fe_k1)
    return w, np.array([lo, hi])


# --------------------------------------------------------------------------------------------
# Garching emission files
# --------------------------------------------------------------------------------------------
def read_garching_file(path: str | Path) -> dict[str, np.ndarray]:
    """Read one Garching emission file: t [s], L [foe/s], <E> [MeV], <E^2> [MeV^2].

    Exact duplicate time stamps (present in the archive's s27.0c files) keep the first row;
    decreasing times, negative luminosities or <E^2> < <E>^2 where L > 0 raise InputError.
    """
    path = Path(path)
    d = read_columns(path, 4, "Garching emission (t, L, <E>, <E^2>)")
    t, lum, e1, e2 = d.T
    dt = np.diff(t)
    if np.any(dt < 0):
        i = int(np.argmax(dt < 0)) + 1
        raise InputError(
            f"{path}: time column decreases at line {row_line(path, i)} (t = {t[i]} s after "
            f"{t[i - 1]} s); sort the lines by time"
        )
    keep = np.concatenate([[True], dt > 0])
    rows = np.flatnonzero(keep)  # data row of each kept entry, for the line numbers
    t, lum, e1, e2 = t[keep], lum[keep], e1[keep], e2[keep]
    if np.any(lum < 0):
        i = int(np.argmax(lum < 0))
        raise InputError(
            f"{path}: negative luminosity {lum[i]} foe/s at t = {t[i]} s (line "
            f"{row_line(path, int(rows[i]))}, column 2); correct the value (L >= 0)"
        )
    emit = lum > 0
    if np.any(emit & ((e1 <= 0) | (e2 <= e1**2))):
        i = int(np.argmax(emit & ((e1 <= 0) | (e2 <= e1**2))))
        raise InputError(
            f"{path}: unphysical energy moments on line {row_line(path, int(rows[i]))}, "
            f"t = {t[i]} s (<E> = {e1[i]}, <E^2> = {e2[i]}; need <E> > 0 and <E^2> > <E>^2 "
            "where L > 0); correct the values"
        )
    return {"time": t, "luminosity": lum, "mean": e1, "mean_sq": e2}


def _garching_layout(path: Path) -> tuple[str, dict[str, list[Path]]]:
    """Map flavour -> files (several files are averaged: s27.0co nu_x, nubar_x)."""
    four = {"nue": ["nu_e.txt"], "nuebar": ["nubar_e.txt"], "nux": ["nu_x.txt", "nubar_x.txt"]}
    if path.is_dir():
        if (path / "nu_e.txt").exists():
            return "four-file", {f: [path / n for n in names] for f, names in four.items()}
        hits = sorted(path.glob("*_nue"))
        if len(hits) != 1:
            raise InputError(
                f"{path}: expected nu_e.txt/nubar_e.txt/nu_x.txt/nubar_x.txt or exactly one "
                f"'<prefix>_nue' file (found {len(hits)})"
            )
        prefix = str(hits[0])[: -len("_nue")]
    else:
        prefix = str(path)
        if not Path(prefix + "_nue").exists() and Path(prefix + "_LS220_nue").exists():
            prefix += "_LS220"
    files = {f: [Path(f"{prefix}_{f}")] for f in SN_FLAVOURS}
    for f, ps in files.items():
        if not ps[0].exists():
            raise InputError(f"{ps[0]}: Garching emission file for {f} not found")
    return "three-file", files


def garching_emission(
    path: str | Path,
    t_max_s: float | None,
    distance_kpc: float = 10.0,
    t_min_s: float = 0.0,
    energy_mev: np.ndarray | None = None,
) -> xr.Dataset:
    """Time-integrated SN fluence at Earth from a Garching emission time series.

    Parameters
    ----------
    path : path-like
        Either a directory with the four-file layout (``nu_e.txt``, ``nubar_e.txt``,
        ``nu_x.txt``, ``nubar_x.txt``; s27.0co) or the three-file layout
        (``<prefix>_LS220_{nue,nuebar,nux}``; a directory holding one such set, or the
        prefix itself). In the four-file layout ``nux`` is the per-species average
        ½(nu_x + nubar_x) of the two fluences.
    t_max_s : float or None
        Upper integration limit [s after bounce]; ``None`` integrates to the end of the file
        (black-hole formation for s40s7b2c, 0.568 s). [ST21] used 14 s (CC-SN) and printed
        0.2 s for the failed SN.
    distance_kpc : float
        Distance to the supernova [kpc].
    t_min_s : float
        Lower limit [s]; 0 (bounce) by default, as in [ST21]. Negative values include the
        pre-bounce neutronisation emission of nue.
    energy_mev : array, optional
        Neutrino energy grid [MeV]; default :data:`SN_ENERGY_GRID_MEV`.

    Returns
    -------
    xarray.Dataset
        ``fluence`` [cm^-2 MeV^-1] per species, flavours (nue, nuebar, nux), multiplicity
        (1, 1, 4).

    Notes
    -----
    [ST21] Eqs. 15-17: phi(E,t) pinched with alpha(t) from <E>, <E^2>;
    psi(E) = int dt L(t)/(4 pi D^2) phi(E,t)/<E>(t). The time integral is the exact integral
    of the piecewise-linear interpolant of each sample's contribution (trapezoid, with the
    partial interval at t_max).
    """
    path = Path(path)
    if distance_kpc <= 0:
        raise ConfigError(f"distance_kpc must be > 0, got {distance_kpc}")
    energy = SN_ENERGY_GRID_MEV if energy_mev is None else np.asarray(energy_mev, float)
    check_grid(energy, "energy grid")
    layout, files = _garching_layout(path)
    area = 4.0 * math.pi * (distance_kpc * KPC_CM) ** 2
    t_hi = math.inf if t_max_s is None else float(t_max_s)
    fluence = np.zeros((len(SN_FLAVOURS), energy.size))
    t_end = []
    for k, flavour in enumerate(SN_FLAVOURS):
        for fpath in files[flavour]:
            d = read_garching_file(fpath)
            w, (_, hi) = _trapezoid_weights(d["time"], t_min_s, t_hi)
            t_end.append(hi)
            alpha = np.zeros_like(d["mean"])
            ok = d["luminosity"] > 0
            alpha[ok] = pinching_alpha(d["mean"][ok], d["mean_sq"][ok])
            mean = np.where(ok, d["mean"], 1.0)
            spec = _kernel_time_integrated_pinched(
                energy, w, d["luminosity"] * FOE_TO_MEV, mean, alpha
            )
            fluence[k] += spec / area / len(files[flavour])
    return make_spectrum_dataset(
        energy,
        fluence,
        SN_FLAVOURS,
        SN_MULTIPLICITY,
        "fluence",
        "garching_emission",
        path=str(path),
        layout=layout,
        t_min_s=t_min_s,
        t_max_s=t_max_s if t_max_s is not None else "end_of_file",
        t_end_used_s=float(min(t_end)),
        distance_kpc=distance_kpc,
    )


def pinched_sn(
    preset: str, distance_kpc: float = 10.0, energy_mev: np.ndarray | None = None
) -> xr.Dataset:
    """Embedded default: one time-integrated pinched spectrum per flavour (no file needed).

    psi_f(E) = E_f / (4 pi D^2 <E>_f) phi(E; <E>_f, alpha_f), with the per-species emitted
    energy E_f, mean energy <E>_f and alpha_f of :data:`lightmed.flux_presets.SN_PINCHED`
    (derived from the Garching files by ``resources/fluxes/derive_defaults.py``).
    """
    try:
        p = presets.SN_PINCHED[preset]
    except KeyError:
        raise ConfigError(
            f"unknown embedded SN preset {preset!r}; known: {', '.join(presets.SN_PINCHED)}"
        ) from None
    if distance_kpc <= 0:
        raise ConfigError(f"distance_kpc must be > 0, got {distance_kpc}")
    energy = SN_ENERGY_GRID_MEV if energy_mev is None else np.asarray(energy_mev, float)
    area = 4.0 * math.pi * (distance_kpc * KPC_CM) ** 2
    rows = []
    for f in SN_FLAVOURS:
        e_tot_mev = p[f]["energy_erg"] / MEV_TO_ERG
        rows.append(
            e_tot_mev
            / p[f]["mean_mev"]
            / area
            * pinched_spectrum(energy, p[f]["mean_mev"], p[f]["alpha"])
        )
    return make_spectrum_dataset(
        energy,
        np.array(rows),
        SN_FLAVOURS,
        SN_MULTIPLICITY,
        "fluence",
        "pinched_sn",
        preset=preset,
        t_max_s=p["t_max_s"],
        distance_kpc=distance_kpc,
        derived_from=p["derived_from"],
    )
