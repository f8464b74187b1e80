"""Radial profiles for the [ST21] SN-core method: cells, radii R1 and R2, spectral quadrature.

Profiles are turned into piecewise-constant radial cells (:class:`RadialProfile`): a shell
table is exactly that (mu_nu and Y_p from the Dirac RMF artifact or the table); a Garching
radial snapshot gets one cell per grid interval with the mean of its end values (second order,
like the trapezoidal rule). R1 is where eta = mu_nu/T falls to ``eta_r1`` ([ST21]: 1), R2 where
the optical depth from outside reaches 2/3 (physics.md §4.3).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from .errors import InputError

_KM_TO_M = 1e3


def spectral_nodes(temperature_mev, mu_mev, n_per_panel: int = 24, extra_edges=()):
    """Quadrature of the Fermi-Dirac E^2 weight: nodes E [MeV] and normalised weights.

    Returns arrays of shape (n_cells, 4 * n_per_panel) with sum(weights) = 1 per cell, so
    <sigma> = sum(weights * sigma(nodes)). Panels: [0, mu - 8T], [mu - 8T, mu + 8T],
    [mu + 8T, mu + 60T] (mu clipped at 0), split at ``extra_edges`` (e.g. CC thresholds).
    """
    t = np.atleast_1d(np.asarray(temperature_mev, float))
    mu = np.atleast_1d(np.asarray(mu_mev, float))
    if np.any(t <= 0):
        raise InputError("spectral average: temperature must be > 0 MeV")
    mu0 = np.maximum(mu, 0.0)
    top = mu0 + 60.0 * t
    edges = [np.zeros_like(t), np.clip(mu0 - 8 * t, 0, None), mu0 + 8 * t, top]
    for x in extra_edges:
        edges.append(np.clip(np.full_like(t, float(x)), 0.0, top))
    while len(edges) < 5:
        edges.append(top)
    edges = np.sort(np.stack(edges, axis=-1), axis=-1)
    x, w = np.polynomial.legendre.leggauss(n_per_panel)
    lo, hi = edges[:, :-1, None], edges[:, 1:, None]
    nodes = (0.5 * (hi - lo) * (x + 1.0) + lo).reshape(len(t), -1)
    weights = (0.5 * (hi - lo) * w).reshape(len(t), -1)
    with np.errstate(over="ignore"):
        f = 1.0 / (1.0 + np.exp(np.clip((nodes - mu[:, None]) / t[:, None], -700, 700)))
    weights = weights * f * nodes**2
    norm = weights.sum(axis=-1, keepdims=True)
    return nodes, weights / norm


# --------------------------------------------------------------------------------------------
# profiles as radial cells
# --------------------------------------------------------------------------------------------
@dataclass
class RadialProfile:
    """Piecewise-constant radial cells (SI-free: km, MeV, fm^-3) for the [ST21] method.

    Attributes
    ----------
    edges_km : ndarray (n + 1)
        Cell edges [km], 0 first.
    temperature_mev, mu_nu_mev, neutron_density_fm3, proton_density_fm3 : ndarray (n)
        Cell values.
    eta_radius_km, eta : ndarray
        Where to look for eta = mu_nu/T = eta_r1 (points of a radial file, or the edges of a
        step profile: see :func:`find_r1_km`).
    kind : {"radial", "shells"}
    name : str
    """

    edges_km: np.ndarray
    temperature_mev: np.ndarray
    mu_nu_mev: np.ndarray
    neutron_density_fm3: np.ndarray
    proton_density_fm3: np.ndarray
    eta_radius_km: np.ndarray
    eta: np.ndarray
    kind: str
    name: str
    attrs: dict = field(default_factory=dict)

    @property
    def n_cells(self) -> int:
        return len(self.temperature_mev)


def _densities(n_b, y_p):
    return (1.0 - y_p) * n_b, y_p * n_b


def radial_profile_from_garching(radial: xr.Dataset, name: str = "radial") -> RadialProfile:
    """Cells from a :func:`lightmed.profiles.garching_profile` dataset (dim ``radius`` [km]).

    Requires ``temperature``, ``mu_nu`` [MeV], ``baryon_density`` [fm^-3] and
    ``electron_fraction`` (Y_p = Y_e).
    """
    src = radial.attrs.get("profile_source", name)
    need = ("temperature", "mu_nu", "baryon_density", "electron_fraction")
    missing = [v for v in need if v not in radial]
    if missing:
        raise InputError(
            f"{src}: radial method needs {', '.join(missing)} in the profile "
            "(mu_nu [MeV] gives the neutrino spectrum and eta = mu_nu/T)"
        )
    if "radius" not in radial.dims or radial.sizes["radius"] < 2:
        raise InputError(f"{src}: radial profile needs at least 2 radii")
    r = radial["radius"].to_numpy().astype(float)
    vals = {v: radial[v].to_numpy().astype(float) for v in need}

    def cell(v):
        x = vals[v]
        return np.concatenate([[x[0]], 0.5 * (x[1:] + x[:-1])])

    n_n, n_p = _densities(cell("baryon_density"), cell("electron_fraction"))
    return RadialProfile(
        edges_km=np.concatenate([[0.0], r]),
        temperature_mev=cell("temperature"),
        mu_nu_mev=cell("mu_nu"),
        neutron_density_fm3=n_n,
        proton_density_fm3=n_p,
        eta_radius_km=r,
        eta=vals["mu_nu"] / vals["temperature"],
        kind="radial",
        name=name,
        attrs={"profile_source": str(src)},
    )


def radial_profile_from_shells(
    profile: xr.Dataset, rmf: xr.Dataset | None = None, name: str = "shells"
) -> RadialProfile:
    """Cells from a shell profile artifact, with mu_nu and Y_p from the Dirac RMF artifact.

    Parameters
    ----------
    profile : xarray.Dataset
        ``results/profiles/{snapshot}.nc`` (r_inner, r_outer [km], temperature [MeV],
        baryon_density [fm^-3]).
    rmf : xarray.Dataset, optional
        ``results/rmf/{snapshot}_{medium}_dirac.nc`` of the snapshot's headline medium:
        ``mu_nu`` [MeV] and ``proton_fraction``. Without it the profile's own ``mu_nu`` and
        ``electron_fraction`` are used.
    """
    src = profile.attrs.get("profile_source", name)
    for v in ("r_inner", "r_outer", "temperature", "baryon_density"):
        if v not in profile:
            raise InputError(f"{src}: radial method needs '{v}' in the shell profile")
    if rmf is not None and "mu_nu" in rmf:
        mu = rmf["mu_nu"].to_numpy().astype(float)
    elif "mu_nu" in profile:
        mu = profile["mu_nu"].to_numpy().astype(float)
    else:
        raise InputError(
            f"{src}: radial method needs the neutrino chemical potential mu_nu "
            "[MeV]: give the Dirac RMF artifact or a profile with mu_nu"
        )
    if rmf is not None and "proton_fraction" in rmf:
        y_p = rmf["proton_fraction"].to_numpy().astype(float)
    elif "electron_fraction" in profile:
        y_p = profile["electron_fraction"].to_numpy().astype(float)
    else:
        raise InputError(
            f"{src}: radial method needs the proton fraction: give the RMF "
            "artifact (proton_fraction) or a profile with electron_fraction"
        )
    r_in = profile["r_inner"].to_numpy().astype(float)
    r_out = profile["r_outer"].to_numpy().astype(float)
    if r_in[0] != 0.0 or np.any(np.abs(r_in[1:] - r_out[:-1]) > 1e-9):
        raise InputError(f"{src}: shells must be contiguous from r = 0")
    t = profile["temperature"].to_numpy().astype(float)
    n_n, n_p = _densities(profile["baryon_density"].to_numpy().astype(float), y_p)
    eta = mu / t
    return RadialProfile(
        edges_km=np.concatenate([[0.0], r_out]),
        temperature_mev=t,
        mu_nu_mev=mu,
        neutron_density_fm3=n_n,
        proton_density_fm3=n_p,
        eta_radius_km=r_in,
        eta=eta,
        kind="shells",
        name=name,
        attrs={"profile_source": str(src)},
    )


def find_r1_km(prof: RadialProfile, eta_r1: float = 1.0) -> float:
    """R1: first radius (outwards from the centre) where eta = mu_nu/T falls to ``eta_r1``.

    Radial files: linear interpolation between grid points. Shell profiles: the inner edge of
    the first shell with eta < eta_r1 that follows a shell with eta >= eta_r1. If eta <
    eta_r1 already at the centre, R1 = 0.
    """
    eta, r = prof.eta, prof.eta_radius_km
    below = eta < eta_r1
    if below[0]:
        return 0.0
    if not below.any():
        raise InputError(
            f"{prof.name}: eta = mu_nu/T never falls below {eta_r1} "
            "(cannot derive R1; set radial.r1_km)"
        )
    i = int(np.argmax(below))
    if prof.kind == "shells":
        return float(r[i])
    frac = (eta[i - 1] - eta_r1) / (eta[i - 1] - eta[i])
    return float(r[i - 1] + frac * (r[i] - r[i - 1]))


def find_r2_km(prof: RadialProfile, kappa_per_m: np.ndarray, optical_depth: float = 2 / 3):
    """R2: radius where the optical depth integrated from outside reaches ``optical_depth``.

    ``kappa_per_m`` is the SM inverse mean free path per cell [1/m] (exact for cells).
    """
    dr_m = np.diff(prof.edges_km) * _KM_TO_M
    tau_cell = kappa_per_m * dr_m
    tau_out = np.concatenate([np.cumsum(tau_cell[::-1])[::-1], [0.0]])  # at each edge
    if tau_out[0] < optical_depth:
        raise InputError(
            f"{prof.name}: total optical depth {tau_out[0]:.3g} < {optical_depth}"
            " (no neutrinosphere; set radial.r2_km)"
        )
    j = int(np.flatnonzero(tau_out >= optical_depth)[-1])  # edge index inside which it lies
    if j >= prof.n_cells:
        return float(prof.edges_km[-1])
    excess = optical_depth - tau_out[j + 1]
    return float(prof.edges_km[j + 1] - excess / kappa_per_m[j] / _KM_TO_M)
