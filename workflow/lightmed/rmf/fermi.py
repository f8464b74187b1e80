"""Fermi integrals of a spin-1/2 gas with antiparticles (numba kernels) and density inversion.

Gauss-Legendre quadrature on momentum panels whose edges are placed at fixed multiples of T
around the Fermi energy mu* and around the rest mass, up to E = max(|mu*|, m) + 50 T. Internal
units: MeV (densities in MeV^3, energy densities in MeV^4).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from lightmed.numerics import fermi

# --- numerical settings (not physics) ---------------------------------------------------------
#: Gauss-Legendre nodes per momentum panel.
_GL_ORDER = 24
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(_GL_ORDER)
#: Panel edges in energy, in units of T around |mu*| (the Fermi surface) ...
_FERMI_EDGES_T = np.array([-40.0, -20.0, -10.0, -5.0, -2.0, 0.0, 2.0, 5.0, 10.0, 20.0, 35.0])
#: ... and around the rest mass (resolves the non-degenerate and antiparticle tails).
_REST_EDGES_T = np.array([0.5, 2.0, 5.0, 10.0, 20.0, 35.0])
#: Upper cut: occupation below exp(-50) relative to the Fermi surface / rest-mass edge.
_CUTOFF_T = 50.0
#: Relative tolerance of the density inversion n(mu) = n_target (on log n).
_INVERSION_RTOL = 1e-14
_INVERSION_MAXITER = 200
#: Bracket of the proton fraction in the outer solve (exclusive of 0 and 1).


_kernel_fermi = fermi


@numba.njit(cache=True)
def _kernel_entropy(x):
    """-f ln f - (1-f) ln(1-f) for f = 1/(1+e^x), written stably as ln(1+e^-|x|) + |x| f(|x|)."""
    ax = abs(x)
    return math.log1p(math.exp(-ax)) + ax * _kernel_fermi(ax)


@numba.njit(cache=True)
def _kernel_panel_edges(mu, mass, temperature, fermi_edges, rest_edges, cutoff):
    """Momentum panel edges [MeV] for a fermion of mass ``mass`` at chemical potential ``mu``."""
    amu = abs(mu)
    e_max = max(amu, mass) + cutoff * temperature
    energies = np.empty(fermi_edges.size + rest_edges.size + 2)
    count = 0
    energies[count] = mass
    count += 1
    for c in fermi_edges:
        e = amu + c * temperature
        if mass < e < e_max:
            energies[count] = e
            count += 1
    for c in rest_edges:
        e = mass + c * temperature
        if mass < e < e_max:
            energies[count] = e
            count += 1
    energies[count] = e_max
    count += 1
    energies = np.sort(energies[:count])
    return np.sqrt(np.maximum(energies * energies - mass * mass, 0.0))


@numba.njit(cache=True)
def _kernel_fermi_moments(mu, mass, temperature, nodes, weights, fermi_edges, rest_edges, cutoff):
    """Moments of a spin-1/2 Fermi gas with antiparticles (degeneracy 2) [MeV units].

    Returns ``(n, n_s, dn/dmu, eps, P, s)``: net number density [MeV^3], scalar density
    [MeV^3], its derivative [MeV^2], energy density [MeV^4], pressure [MeV^4] (the
    k^4/(3E) form, so the Euler relation tests the quadrature) and entropy density [MeV^3].
    """
    edges = _kernel_panel_edges(mu, mass, temperature, fermi_edges, rest_edges, cutoff)
    n = 0.0
    ns = 0.0
    dn = 0.0
    eps = 0.0
    pres = 0.0
    ent = 0.0
    k_scale = edges[-1]
    for i in range(edges.size - 1):
        lo = edges[i]
        hi = edges[i + 1]
        if hi - lo <= 1e-14 * k_scale:
            continue
        half = 0.5 * (hi - lo)
        mid = 0.5 * (hi + lo)
        for j in range(nodes.size):
            k = mid + half * nodes[j]
            w = half * weights[j] * k * k
            e = math.sqrt(k * k + mass * mass)
            x = (e - mu) / temperature
            xb = (e + mu) / temperature
            f = _kernel_fermi(x)
            fb = _kernel_fermi(xb)
            occ = f + fb
            n += w * (f - fb)
            ns += w * occ * mass / e
            dn += w * (f * (1.0 - f) + fb * (1.0 - fb))
            eps += w * occ * e
            pres += w * occ * k * k / (3.0 * e)
            ent += w * (_kernel_entropy(x) + _kernel_entropy(xb))
    norm = 1.0 / (math.pi * math.pi)
    return n * norm, ns * norm, dn * norm / temperature, eps * norm, pres * norm, ent * norm


@numba.njit(cache=True)
def _kernel_invert_density(
    n_target, mass, temperature, nodes, weights, fermi_edges, rest_edges, cutoff, rtol, maxiter
):
    """Chemical potential mu [MeV] with net density n(mu) = n_target > 0 [MeV^3].

    Safeguarded Newton on ln n(mu) (nearly linear when non-degenerate, concave when
    degenerate) inside a bisection bracket [0, hi]; hi is the T = 0 value plus T, which bounds
    the root because n(mu) grows with T at fixed mu. Returns ``(mu, n_s)``.
    """
    kf = (3.0 * math.pi * math.pi * n_target) ** (1.0 / 3.0)
    hi = math.sqrt(kf * kf + mass * mass) + temperature
    lo = 0.0
    for _ in range(100):
        n, ns, dn, _e, _p, _s = _kernel_fermi_moments(
            hi, mass, temperature, nodes, weights, fermi_edges, rest_edges, cutoff
        )
        if n >= n_target:
            break
        lo = hi
        hi = 2.0 * hi + temperature
    mu = hi
    for _ in range(maxiter):
        n, ns, dn, _e, _p, _s = _kernel_fermi_moments(
            mu, mass, temperature, nodes, weights, fermi_edges, rest_edges, cutoff
        )
        if n > 0.0:
            g = math.log(n / n_target)
        else:
            g = -math.inf
        if abs(g) <= rtol:
            return mu, ns
        if g > 0.0:
            hi = mu
        else:
            lo = mu
        if n > 0.0 and dn > 0.0:
            mu_new = mu - g * n / dn
            if not (lo < mu_new < hi):
                mu_new = 0.5 * (lo + hi)
        else:
            mu_new = 0.5 * (lo + hi)
        if abs(mu_new - mu) <= 1e-15 * max(abs(mu), temperature):
            n, ns, dn, _e, _p, _s = _kernel_fermi_moments(
                mu_new, mass, temperature, nodes, weights, fermi_edges, rest_edges, cutoff
            )
            return mu_new, ns
        mu = mu_new
    return mu, ns


def _moments(mu: float, mass: float, temperature: float) -> tuple[float, ...]:
    return _kernel_fermi_moments(
        mu, mass, temperature, _GL_NODES, _GL_WEIGHTS, _FERMI_EDGES_T, _REST_EDGES_T, _CUTOFF_T
    )


def _invert(n_target: float, mass: float, temperature: float) -> tuple[float, float]:
    return _kernel_invert_density(
        n_target,
        mass,
        temperature,
        _GL_NODES,
        _GL_WEIGHTS,
        _FERMI_EDGES_T,
        _REST_EDGES_T,
        _CUTOFF_T,
        _INVERSION_RTOL,
        _INVERSION_MAXITER,
    )
