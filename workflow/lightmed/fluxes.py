"""Neutrino fluxes and fluences for the detector rates: one loader per external format.

Every loader returns the same schema, an :class:`xarray.Dataset` with

* dims ``flavour`` and ``energy`` (coordinate ``energy`` in MeV, strictly increasing);
* coordinate ``multiplicity`` (on ``flavour``, unit 1): how many neutrino species one entry
  stands for. Supernova files give ``nux`` for ONE heavy-lepton species, so the six-flavour
  sum of [ST21] is ``nue + nuebar + 4 nux``: ``multiplicity = (1, 1, 4)``. Use
  :func:`all_flavour_spectrum` for the weighted sum (CEvNS is flavour-blind);
* one spectrum variable: ``fluence`` [cm^-2 MeV^-1] for a supernova burst
  (``spectrum_kind = "fluence"``) or ``flux`` [cm^-2 s^-1 MeV^-1] for steady sources
  (``spectrum_kind = "flux"``, solar and atmospheric).

Loaders (named after the origin of their format):

* :func:`garching_emission` -- Garching archive time series (t, L, <E>, <E^2>), both layouts;
* :func:`winter2006_8b`, :func:`bahcall_hep`, :func:`solar_spectra` -- tabulated solar shapes
  with standard-solar-model normalisations (:data:`SSM_PRESETS`);
* :func:`fluka_atmospheric` -- FLUKA sub-GeV all-sky tables, one CSV per flavour;
* :func:`pinched_sn`, :func:`solar_beta_spectra`, :func:`atmospheric_parametrisation` --
  embedded analytic defaults (no external file) whose parameters live in
  :mod:`lightmed.flux_presets` and were derived by ``resources/fluxes/derive_defaults.py``.

:func:`load_source` dispatches on a ``sources:`` config block.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numba
import numpy as np
import xarray as xr

from . import flux_presets as presets
from .constants import FOE_TO_MEV, KPC_CM, M_ELECTRON_MEV, MEV_TO_ERG
from .errors import ConfigError, InputError
from .io import with_attrs

#: Default SN energy grid [MeV]: the hottest failed-SN spectra (<E> ~ 25 MeV) carry < 1e-4 of
#: their CEvNS rate above 150 MeV.
SN_ENERGY_GRID_MEV = np.linspace(0.1, 150.0, 1499)
#: Default solar grid [MeV] (hep endpoint 18.77 MeV).
SOLAR_ENERGY_GRID_MEV = np.linspace(0.02, 20.0, 1000)
#: Default atmospheric grid [MeV], log-spaced over the FLUKA sub-GeV range.
ATM_ENERGY_GRID_MEV = np.geomspace(13.183, 981.75, 1000)

SN_FLAVOURS = ("nue", "nuebar", "nux")
SN_MULTIPLICITY = (1, 1, 4)
ATM_FLAVOURS = ("nue", "nuebar", "numu", "numubar")


# --------------------------------------------------------------------------------------------
# schema helpers
# --------------------------------------------------------------------------------------------
def make_spectrum_dataset(
    energy_mev: np.ndarray,
    values: np.ndarray,
    flavours: Sequence[str],
    multiplicity: Sequence[float],
    kind: str,
    origin: str,
    **attrs: Any,
) -> xr.Dataset:
    """Wrap a (flavour, energy) array in the common flux schema with units."""
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
    if kind == "fluence":
        units, long_name = "cm-2 MeV-1", "time-integrated neutrino fluence per species"
    else:
        units, long_name = "cm-2 s-1 MeV-1", "neutrino flux per species"
    da = with_attrs(
        xr.DataArray(np.asarray(values, float), dims=("flavour", "energy")), units, long_name
    )
    ds = xr.Dataset(
        {kind: da},
        coords={"flavour": ("flavour", list(flavours)), "energy": energy, "multiplicity": mult},
    )
    ds["flavour"].attrs.update(units="1", long_name="neutrino flavour label")
    ds.attrs.update(spectrum_kind=kind, origin=origin, **{k: _attr(v) for k, v in attrs.items()})
    return ds


def _attr(v: Any) -> Any:
    if v is None:
        return "none"
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (str, int, float, np.number)):
        return v
    return str(v)


def all_flavour_spectrum(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray, str]:
    """Return ``(energy [MeV], sum_f multiplicity_f * spectrum_f, kind)``."""
    kind = ds.attrs["spectrum_kind"]
    total = (ds[kind] * ds["multiplicity"]).sum("flavour")
    return ds["energy"].values, total.values, kind


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
def _read_columns(path: Path, ncol: int, what: str, delimiter: str | None = None) -> np.ndarray:
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


def read_garching_file(path: str | Path) -> dict[str, np.ndarray]:
    """Read one Garching emission file: t [s], L [foe/s], <E> [MeV], <E^2> [MeV^2].

    Exact duplicate time stamps (present in the archive's s27.0c files) keep the first row;
    decreasing times, negative luminosities or <E^2> < <E>^2 where L > 0 raise InputError.
    """
    path = Path(path)
    d = _read_columns(path, 4, "Garching emission (t, L, <E>, <E^2>)")
    t, lum, e1, e2 = d.T
    dt = np.diff(t)
    if np.any(dt < 0):
        i = int(np.argmax(dt < 0)) + 1
        raise InputError(f"{path}: time column decreases at row {i + 1} (t = {t[i]} s)")
    keep = np.concatenate([[True], dt > 0])
    t, lum, e1, e2 = t[keep], lum[keep], e1[keep], e2[keep]
    if np.any(lum < 0):
        i = int(np.argmax(lum < 0))
        raise InputError(f"{path}: negative luminosity {lum[i]} foe/s at t = {t[i]} s")
    emit = lum > 0
    if np.any(emit & ((e1 <= 0) | (e2 <= e1**2))):
        i = int(np.argmax(emit & ((e1 <= 0) | (e2 <= e1**2))))
        raise InputError(
            f"{path}: unphysical energy moments at t = {t[i]} s (<E> = {e1[i]}, <E^2> = {e2[i]})"
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
    _check_grid(energy, "energy grid")
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


# --------------------------------------------------------------------------------------------
# solar
# --------------------------------------------------------------------------------------------
def _check_grid(e: np.ndarray, what: str, path: Path | str = "") -> None:
    where = f"{path}: " if path else ""
    if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0):
        raise InputError(f"{where}{what}: energies must be strictly increasing")


def _shape_on_grid(e: np.ndarray, v: np.ndarray, grid: np.ndarray) -> np.ndarray:
    out = np.interp(grid, e, v, left=0.0, right=0.0)
    norm = np.trapezoid(out, grid)
    return out / norm


def winter2006_8b(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """8B shape (Winter et al., PRC 73 (2006) 025503), CSV: E [MeV], lambda [1e-3/MeV], err.

    Returns (E [MeV], lambda [MeV^-1]) with the 1e-3 unit applied.
    """
    path = Path(path)
    d = _read_columns(path, 2, "8B spectrum (E, lambda)", delimiter=",")
    _check_grid(d[:, 0], "8B spectrum", path)
    if np.any(d[:, 1] < 0):
        raise InputError(f"{path}: negative spectral density")
    return d[:, 0], d[:, 1] * 1e-3


def bahcall_hep(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """hep shape (Bahcall, PRC 56 (1997) 3391), CSV: E [MeV], dN/dE [MeV^-1]."""
    path = Path(path)
    d = _read_columns(path, 2, "hep spectrum (E, dN/dE)", delimiter=",")
    _check_grid(d[:, 0], "hep spectrum", path)
    if np.any(d[:, 1] < 0):
        raise InputError(f"{path}: negative spectral density")
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


# --------------------------------------------------------------------------------------------
# atmospheric
# --------------------------------------------------------------------------------------------
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
        d = _read_columns(fpath, 2, "FLUKA atmospheric flux (E, dPhi/dE)", delimiter=",")
        _check_grid(d[:, 0], "FLUKA table", fpath)
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


# --------------------------------------------------------------------------------------------
# config dispatch
# --------------------------------------------------------------------------------------------
LOADERS = ("garching_emission", "solar_spectra", "fluka_atmospheric")


def load_source(name: str, block: Mapping[str, Any], base_dir: str | Path = ".") -> xr.Dataset:
    """Build the flux dataset of one ``sources:`` config block.

    ``loader`` names the file format; ``path: embedded`` selects the analytic default of that
    format instead of reading a file (SN: ``embedded_preset``). Relative paths are resolved
    against ``base_dir``.
    """
    loader = block.get("loader")
    if loader not in LOADERS:
        raise ConfigError(f"sources.{name}.loader: {loader!r} is not one of {', '.join(LOADERS)}")
    path = block.get("path", "embedded")
    embedded = path == "embedded"

    def resolve(p: str) -> Path:
        q = Path(p)
        return q if q.is_absolute() else Path(base_dir) / q

    if loader == "garching_emission":
        dist = float(block.get("distance_kpc", 10.0))
        if embedded:
            key = block.get("embedded_preset", "")
            ds = pinched_sn(key, dist)
            t_cfg = block.get("t_max_s")
            if t_cfg is not None and abs(float(t_cfg) - float(ds.attrs["t_max_s"])) > 1e-3:
                raise ConfigError(
                    f"sources.{name}.t_max_s = {t_cfg} does not match embedded_preset {key!r} "
                    f"(t_max = {ds.attrs['t_max_s']} s); pick the matching preset or a file"
                )
            return ds
        return garching_emission(
            resolve(path), block.get("t_max_s"), dist, float(block.get("t_min_s", 0.0))
        )
    if loader == "solar_spectra":
        ssm = block.get("ssm", "B16-GS98")
        if embedded:
            return solar_beta_spectra(ssm)
        if not isinstance(path, Mapping) or not {"b8", "hep"} <= set(path):
            raise ConfigError(f"sources.{name}.path: needs 'embedded' or a mapping with b8, hep")
        return solar_spectra(resolve(path["b8"]), resolve(path["hep"]), ssm)
    if embedded:
        return atmospheric_parametrisation()
    return fluka_atmospheric(resolve(path))
