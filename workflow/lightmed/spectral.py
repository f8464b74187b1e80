"""Rosseland (spectral) means of the mean free paths: energy nodes, weights and kernel moments.

physics.md §3.8. The Rosseland mean over the local thermal spectrum of a species,

    <lambda> = Int dE lambda(E) E^3 df/dT|_eta / Int dE E^3 df/dT|_eta,
    E^3 df/dT|_eta = E^4 f (1 - f) / T^2,   f = 1/(exp((E - mu)/T) + 1),

(mu = +mu_nu for nu, -mu_nu for nubar; 0 for Majorana) is a sum <lambda> = Sum_j w_j
lambda(E_j) over Gauss-Legendre nodes E_j on [0, |mu_nu| + 30 T] (8 per panel, two thirds of
the panels on [0, |mu_nu| + 10 T] where both spectra peak),
shared by both species (only the weights w_j differ), so one set of kernels per shell and
node serves both. The kernels of all energies of a shell come from one shared (q0, |q|) grid
and one E_N integral per node (:func:`lightmed.kernels.spectral_shell_kernels`).

Kernel moments. At every energy node the kernels of the shell are contracted right away to a
handful of numbers that any matrix element needs: every coefficient c_n(q^2) of physics.md §3.4
(SM, B-L, interference, scalar, both variants) is a polynomial in q^2 within the span of
q^2 K0, q^4 K0, q^2 K1, K2 (:data:`MOMENTS`), so with the node factor
F_i = pref/E w_i B_b(q0_i) W(q0_i, q^2_i) (blocking b, weighting W) the rate of a term is

    Sum_N Sum_c gamma_{N,c} M_{b,W,N,c}^{(p)}(m),  M^{(p)}(m) = Sum_i F_i X_{c,i} D_i(m)^p,

with gamma the polynomial coefficients of the term (:func:`basis_coefficients`) and D the
propagator (p = 0 SM, 1 interference, 2 new physics) on a fixed log mass grid
(:func:`spectral_mass_grid`), interpolated to the models' masses by :func:`interpolate_mass`
(each moment is single-signed and monotonic in m). The node sums with propagators are taken
through a ln|q^2| grid (:func:`shell_moments`). Only these moments are stored (the per-node
kernels of 24+ energies would be ~1 GB).
"""

from __future__ import annotations

import math

import numba
import numpy as np
from scipy.special import expit

from .errors import ArtifactError, ConfigError, InputError
from .numerics import fermi as _fermi

#: Basis of the q^2 polynomials times kernels: (n of K_n, power k of q^2).
MOMENTS: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (1, 1), (2, 0))
MOMENT_NAMES: tuple[str, ...] = ("q2_K0", "q4_K0", "q2_K1", "K2")
#: Outgoing-neutrino blocking of the moments: FD with +mu_nu, -mu_nu, or none.
BLOCKINGS: tuple[str, ...] = ("nu", "nubar", "none")
#: Node weightings stored (transport_sink is assembled from these per term).
MOMENT_WEIGHTINGS: tuple[str, ...] = ("total", "transport")
#: Gauss-Legendre nodes per energy panel.
NODES_PER_PANEL = 8
#: Mass grid of the moments: log-spaced, MASSES_PER_DECADE per decade from
#: kernels.min_mediator_mass_mev to MASS_MAX_MEV; the mfp stage interpolates log|M| in log m
#: (cubic spline; < 3e-6 relative, tests/unit/test_spectral.py), so the kernels do not depend
#: on the models' mass grids.
MASSES_PER_DECADE = 16
MASS_MAX_MEV = 1.0e5
#: Upper end of the energy range: |mu_nu| + ENERGY_CUTOFF T (relative weight beyond < 1e-7).
ENERGY_CUTOFF = 30.0
#: Two thirds of the panels cover [0, |mu_nu| + CORE_WIDTH T], where both spectra peak.
CORE_WIDTH = 10.0


def rosseland_nodes(temperature_mev, mu_nu_mev, n_nodes, cutoff=ENERGY_CUTOFF):
    """Energy nodes [MeV] and normalised Rosseland weights per species.

    Parameters
    ----------
    temperature_mev, mu_nu_mev : float
        T and the neutrino chemical potential of the shell (nu: +mu, nubar: -mu) [MeV].
    n_nodes : int
        Number of nodes, a multiple of 8 (8 Gauss-Legendre nodes per panel).

    Returns
    -------
    energies : ndarray (n_nodes,)
    weights : dict {"nu", "nubar"} -> ndarray (n_nodes,), each summing to 1.
    """
    n = int(n_nodes)
    if n < NODES_PER_PANEL or n % NODES_PER_PANEL:
        raise ConfigError(f"kernels.rosseland_nodes = {n_nodes} must be a multiple of 8 (>= 8)")
    t = float(temperature_mev)
    if not (math.isfinite(t) and t > 0):
        raise InputError(f"temperature = {temperature_mev} MeV must be positive")
    e_core = abs(float(mu_nu_mev)) + CORE_WIDTH * t
    e_max = abs(float(mu_nu_mev)) + cutoff * t
    n_panels = n // NODES_PER_PANEL
    n_tail = n_panels // 3
    if n_tail == 0:
        breaks = np.array([0.0, e_max])
    else:
        core = np.linspace(0.0, e_core, n_panels - n_tail + 1)
        breaks = np.concatenate([core, np.linspace(e_core, e_max, n_tail + 1)[1:]])
    x, w = np.polynomial.legendre.leggauss(NODES_PER_PANEL)
    a, b = breaks[:-1, None], breaks[1:, None]
    energies = (0.5 * (a + b) + 0.5 * (b - a) * x).ravel()
    omega = (0.5 * (b - a) * w).ravel()
    out = {}
    for species, sign in (("nu", 1.0), ("nubar", -1.0)):
        z = (energies - sign * float(mu_nu_mev)) / t
        dfdt = energies**4 * expit(z) * expit(-z)  # T^2 E^3 df/dT at fixed eta
        ww = omega * dfdt
        out[species] = ww / ww.sum()
    return energies, out


def blocking_mu(blocking, mu_nu_mev):
    """Chemical potential of the blocking ``nu``/``nubar`` (None for ``none``)."""
    return {"nu": mu_nu_mev, "nubar": -mu_nu_mev, "none": None}[blocking]


#: Grid of ln|q^2| onto which the node sums are projected before the mass transform: points
#: per decade of |q^2| (cubic Lagrange assignment; module docstring).
Q2_POINTS_PER_DECADE = 128


@numba.njit(parallel=False, cache=True)
def _project(q0, q2, weight, count, kern, energies, pref, temp, mu_nu, y0, h, n_grid):
    """Node sums of one shell: m0 (energy, row) and their projection A (energy, grid, row)
    onto the ln|q^2| grid y0 + h g (cubic Lagrange weights); row = (blocking, weighting,
    nucleon, moment) flattened. ``kern`` is a tuple (one per nucleon) of (node, energy, 3)
    kernel arrays."""
    ne = energies.size
    nn = len(kern)
    n_rows = 3 * 2 * nn * 4
    n = q2.size
    # per node: grid index and the cubic Lagrange weights of the points g-1, g, g+1, g+2
    gi = np.empty(n, dtype=np.int64)
    lag = np.empty((n, 4))
    for i in range(n):
        s = (math.log(-q2[i]) - y0) / h
        g = int(math.floor(s))
        t = s - g
        gi[i] = g - 1
        lag[i, 0] = -t * (t - 1.0) * (t - 2.0) / 6.0
        lag[i, 1] = (t + 1.0) * (t - 1.0) * (t - 2.0) / 2.0
        lag[i, 2] = -(t + 1.0) * t * (t - 2.0) / 2.0
        lag[i, 3] = (t + 1.0) * t * (t - 1.0) / 6.0
    m0 = np.zeros((ne, n_rows))
    proj = np.zeros((ne, n_grid, n_rows))
    for j in numba.prange(ne):
        e = energies[j]
        blk = np.empty(3)
        wt = np.empty(2)
        x = np.empty((nn, 4))
        v = np.empty(n_rows)
        for i in range(count[j]):
            qq = q2[i]
            ep = e - q0[i]
            blk[0] = _fermi(-(ep - mu_nu) / temp)
            blk[1] = _fermi(-(ep + mu_nu) / temp)
            blk[2] = 1.0
            wt[0] = 1.0
            wt[1] = -qq / (2.0 * e * ep)
            for a in range(nn):
                ka = kern[a]
                k0 = ka[i, j, 0]
                x[a, 0] = qq * k0
                x[a, 1] = qq * qq * k0
                x[a, 2] = qq * ka[i, j, 1]
                x[a, 3] = ka[i, j, 2]
            base = pref[j] * weight[i]
            r = 0
            for b in range(3):
                for w in range(2):
                    f = base * blk[b] * wt[w]
                    for a in range(nn):
                        for c in range(4):
                            v[r] = f * x[a, c]
                            r += 1
            row = m0[j]
            for r in range(n_rows):
                row[r] += v[r]
            g0 = gi[i]
            for k in range(4):
                lk = lag[i, k]
                dst = proj[j, g0 + k]
                for r in range(n_rows):
                    dst[r] += v[r] * lk
    return m0, proj


def shell_moments(res, energies, temperature, mu_nu, masses):
    """Moments of one shell at every energy node from :func:`lightmed.kernels.
    spectral_shell_kernels` (module docstring).

    The node sums with one or two propagators, Sum_i F_i X_i D(q^2_i, m)^p, are evaluated as
    Sum_g A_g D(q^2_g, m)^p: the node weights are assigned to a ln|q^2| grid
    (:data:`Q2_POINTS_PER_DECADE`) with cubic Lagrange weights, which is exact for D
    interpolated by a cubic in ln|q^2| (< 1e-7 relative for D and D^2, whose ln|q^2|
    derivatives are bounded by those of a logistic function) and turns a (nodes x masses)
    product per energy into a (grid x masses) one.

    Returns
    -------
    m0 : ndarray (energy, blocking, weighting, nucleon, moment)
    m1, m2 : ndarray (..., mass)
    """
    from .kernels import NUCLEONS

    q0, qa, w = res["q0"], res["q_abs"], res["weight"]
    q2 = q0 * q0 - qa * qa
    h = math.log(10.0) / Q2_POINTS_PER_DECADE
    y = np.log(-q2)
    y0 = float(y.min()) - 2.0 * h
    n_grid = int(math.ceil((float(y.max()) - y0) / h)) + 4
    kern = tuple(res["kernels"][n] for n in NUCLEONS)
    energies = np.asarray(energies, dtype=float)
    pref = np.array([rate_prefactor(e) for e in energies])
    m0, proj = _project(
        q0,
        q2,
        w,
        res["count"].astype(np.int64),
        kern,
        energies,
        pref,
        float(temperature),
        float(mu_nu),
        y0,
        h,
        n_grid,
    )
    q2_grid = -np.exp(y0 + h * np.arange(n_grid))
    d = 1.0 / (q2_grid[:, None] - np.asarray(masses, float)[None, :] ** 2)
    shape = (energies.size, len(BLOCKINGS), len(MOMENT_WEIGHTINGS), len(NUCLEONS), len(MOMENTS))
    at = np.swapaxes(proj, 1, 2)  # (energy, row, grid)
    m1 = (at @ d).reshape(*shape, d.shape[1])
    m2 = (at @ (d * d)).reshape(*shape, d.shape[1])
    return m0.reshape(shape), m1, m2


def basis_coefficients(coeff_fn, scale_mev2=1.0e4, rtol=1e-9):
    """gamma of c_n(q^2) = Sum_k gamma_nk q^2k on the :data:`MOMENTS` basis.

    ``coeff_fn(q2)`` returns (c0, c1, c2) at an array of q^2; the three coefficient
    polynomials (degree <= 2) are recovered exactly from three points, and coefficients
    outside the basis must vanish (else the moments cannot represent the term).
    """
    x = -scale_mev2 * np.array([1.0, 2.0, 3.0])
    c = np.array([np.asarray(ci, float) * np.ones(3) for ci in coeff_fn(x)])  # (3 n, 3 pts)
    vander = np.vander(x, 3, increasing=True)
    gamma = np.linalg.solve(vander, c.T).T  # (n, k)
    size = np.abs(c).max(axis=1) + 1e-300
    keep = set(MOMENTS)
    for n in range(3):
        for k in range(3):
            if (n, k) not in keep and abs(gamma[n, k]) * scale_mev2**k > rtol * size[n]:
                raise ArtifactError(
                    f"matrix-element coefficient c{n} has a q^{2 * k} term outside the kernel "
                    "moments; add it to lightmed.spectral.MOMENTS"
                )
    return np.array([gamma[n, k] for n, k in MOMENTS])


def spectral_mass_grid(min_mass_mev):
    """Masses [MeV] of the stored moments: MASSES_PER_DECADE per decade up to MASS_MAX_MEV."""
    lo = float(min_mass_mev)
    n = max(2, int(math.ceil(MASSES_PER_DECADE * math.log10(MASS_MAX_MEV / lo))) + 1)
    return np.geomspace(lo, MASS_MAX_MEV, n)


def interpolate_mass(values, grid, masses, where="spectral moments"):
    """Moments at ``masses`` [MeV] from their values on ``grid`` (last axis).

    Cubic spline of log|M| in log m (exact at grid points); rows that are not single-signed
    (or contain zeros) fall back to a cubic spline of M itself.
    """
    from scipy.interpolate import CubicSpline

    masses = np.asarray(masses, dtype=float)
    grid = np.asarray(grid, dtype=float)
    if masses.min() < grid[0] * (1 - 1e-9) or masses.max() > grid[-1] * (1 + 1e-9):
        raise ConfigError(
            f"{where}: masses {masses.min():g}-{masses.max():g} MeV outside the kernels' "
            f"spectral grid {grid[0]:g}-{grid[-1]:g} MeV (kernels.min_mediator_mass_mev; at "
            f"most {MASS_MAX_MEV:g} MeV)"
        )
    x, xq = np.log(grid), np.log(np.clip(masses, grid[0], grid[-1]))
    vals = np.asarray(values, dtype=float)
    sign = np.sign(vals[..., :1])
    clean = np.all(vals * sign > 0, axis=-1, keepdims=True)
    safe = np.where(clean, np.abs(vals), 1.0)
    out_log = sign * np.exp(CubicSpline(x, np.log(safe), axis=-1)(xq))
    out_lin = CubicSpline(x, vals, axis=-1)(xq)
    return np.where(clean, out_log, out_lin)


def rate_prefactor(energy_mev):
    """pref/E of physics.md §3.2 with the MeV -> 1/m conversion (as in lightmed.mfp)."""
    from .constants import HBARC_MEV_FM, M_TO_FM

    return 1.0 / (16.0 * (2.0 * math.pi) ** 4) / energy_mev * (M_TO_FM / HBARC_MEV_FM)


def spectral_moments(kernels, n_nodes, settings, flux="pk"):
    """Rosseland energy nodes, weights and kernel moments of every shell of a kernels dataset.

    Parameters
    ----------
    kernels : xarray.Dataset
        Kernels dataset with the shell state (``temperature``, ``effective_mass``,
        ``mu_n_eff``, ``mu_p_eff``, ``mu_nu_blocking``).
    n_nodes : int
        Energy nodes per shell (multiple of 8).
    settings : lightmed.kernels.QuadratureSettings
    flux : {"pk", "rest_frame"}

    Returns
    -------
    xarray.Dataset
        ``spectral_energy`` (shell, energy_node) [MeV], ``spectral_weight`` (shell, species,
        energy_node) [1], ``spectral_m0`` (shell, energy_node, blocking, weighting, nucleon,
        moment) and ``spectral_m1``, ``spectral_m2`` (..., spectral_mass).
    """
    import xarray as xr

    from .io import with_attrs
    from .kernels import NUCLEONS, SPECIES, spectral_shell_kernels

    masses = spectral_mass_grid(settings.min_mediator_mass_mev)
    ns = kernels.sizes["shell"]
    nb, nw, nn, nm = len(BLOCKINGS), len(MOMENT_WEIGHTINGS), len(NUCLEONS), len(MOMENTS)
    energies = np.zeros((ns, n_nodes))
    weights = np.zeros((ns, len(SPECIES), n_nodes))
    m0 = np.zeros((ns, n_nodes, nb, nw, nn, nm))
    m1 = np.zeros((ns, n_nodes, nb, nw, nn, nm, masses.size))
    m2 = np.zeros_like(m1)
    for i in range(ns):
        t = float(kernels["temperature"].values[i])
        mstar = float(kernels["effective_mass"].values[i])
        mu_nu = float(kernels["mu_nu_blocking"].values[i])
        mu = {"n": float(kernels["mu_n_eff"].values[i]), "p": float(kernels["mu_p_eff"].values[i])}
        e_nodes, w = rosseland_nodes(t, mu_nu, n_nodes)
        energies[i] = e_nodes
        for s, sp in enumerate(SPECIES):
            weights[i, s] = w[sp]
        res = spectral_shell_kernels(
            energies_mev=e_nodes,
            temperature_mev=t,
            m_eff_mev=mstar,
            mu_eff_mev=mu,
            flux=flux,
            settings=settings,
        )
        m0[i], m1[i], m2[i] = shell_moments(res, e_nodes, t, mu_nu, masses)
    base = ("shell", "energy_node", "blocking", "weighting", "nucleon", "moment")
    ds = xr.Dataset(
        coords={
            "energy_node": np.arange(n_nodes),
            "blocking": list(BLOCKINGS),
            "weighting": list(MOMENT_WEIGHTINGS),
            "moment": list(MOMENT_NAMES),
            "spectral_mass": masses,
        }
    )
    ds["spectral_energy"] = with_attrs(
        xr.DataArray(energies, dims=("shell", "energy_node")),
        "MeV",
        "neutrino energy E_j of the Rosseland node (physics.md §3.8)",
    )
    ds["spectral_weight"] = with_attrs(
        xr.DataArray(weights, dims=("shell", "species", "energy_node")),
        "1",
        "normalised Rosseland weight w_j ~ E_j^3 df/dT|_eta (physics.md §3.8)",
    )
    units = "m-1 MeV^(2k+2n) (moment X_c = q^2k K_n)"
    for p, arr, dims, what in (
        (0, m0, base, "SM-like (no propagator)"),
        (1, m1, (*base, "spectral_mass"), "one propagator D(q^2, m)"),
        (2, m2, (*base, "spectral_mass"), "two propagators D(q^2, m)^2"),
    ):
        ds[f"spectral_m{p}"] = with_attrs(
            xr.DataArray(arr, dims=dims),
            units if p == 0 else units + f" MeV^-{2 * p}",
            f"kernel moment Sum_i pref/E w_i B W X_c D^{p} at the energy node, {what} "
            "(lightmed.spectral)",
        )
    meta = {
        "energy_node": ("1", "index of the Rosseland energy node"),
        "blocking": ("1", "outgoing-neutrino blocking (FD with +mu_nu, -mu_nu, or none)"),
        "weighting": ("1", "node weight: total (1) or transport (1 - cos theta)"),
        "moment": ("1", "kernel moment q^2k K_n"),
        "spectral_mass": ("MeV", "mediator mass of the spectral moments"),
    }
    for name, (u, ln) in meta.items():
        ds[name].attrs.update(units=u, long_name=ln)
    return ds
