"""Quadrature grid of the kernel integrals in (q0, |q|) (physics.md §3.3).

Gauss-Legendre panels with breaks where the integrand has kinks: the kinematic edges of the
(q0, |q|) region of the neutrino energy and the nucleon occupation cut-off. Used by
:func:`lightmed.kernels.shell_kernels` and the reference quadrature.
"""

from __future__ import annotations

import functools
import math

import numpy as np


@functools.lru_cache(maxsize=16)
def _gl(order):
    """Gauss-Legendre nodes and weights on [-1, 1] (cached, read-only)."""
    x, w = np.polynomial.legendre.leggauss(order)
    x.flags.writeable = False
    w.flags.writeable = False
    return x, w


def _panels(breaks, order):
    """GL nodes/weights over consecutive panels [breaks[i], breaks[i+1]]."""
    x, w = _gl(order)
    breaks = np.asarray(breaks, dtype=float)
    a, b = breaks[:-1, None], breaks[1:, None]
    nodes = 0.5 * (a + b) + 0.5 * (b - a) * x[None, :]
    weights = 0.5 * (b - a) * w[None, :]
    return nodes.ravel(), weights.ravel()


def _subdivide(breaks, width, refinement):
    """Breaks with every interval split into refinement * max(1, ceil(length/width)) equal
    panels (the last break is kept)."""
    breaks = np.asarray(breaks, dtype=float)
    a, d = breaks[:-1], np.diff(breaks)
    n = refinement * np.maximum(1, np.ceil(d / width).astype(np.int64))
    start = np.repeat(np.cumsum(n) - n, n)
    k = np.arange(start.size) - start
    return np.append(np.repeat(a, n) + np.repeat(d / n, n) * k, breaks[-1])


def occupation_cutoff(temperature_mev, m_eff_mev, mu_eff_mev, cutoff):
    """Largest nucleon energy E* with a non-negligible occupation [MeV]."""
    return max(mu_eff_mev, m_eff_mev) + cutoff * temperature_mev


def quadrature_grid(
    energy_mev, temperature_mev, m_kin_mev, p_cut_mev, settings, edge_momenta_mev=()
):
    """(q0, |q|) nodes and weights for one shell, energy and frame.

    Parameters
    ----------
    energy_mev, temperature_mev : float
        Neutrino energy E and temperature T [MeV].
    m_kin_mev : float
        Nucleon mass of the kinematics [MeV] (m* in medium, 939 MeV vacuum-like).
    p_cut_mev : float
        Largest nucleon momentum with non-negligible occupation [MeV].
    settings : QuadratureSettings
    edge_momenta_mev : sequence of float
        Fermi momenta [MeV] of degenerate occupations (breakpoints of the q0 panels).

    Returns
    -------
    q0, q_abs, weight : ndarray
        Energy transfer [MeV], momentum transfer [MeV], weight [MeV^2].

    Notes
    -----
    Region (physics.md §3.1): q0 <= E, |q0| <= |q| <= 2E - q0. For each |q| the q0 window is
    cut to what a nucleon of momentum <= p_cut can absorb,
    [E(|p_cut - |q||) - E(p_cut), E(p_cut + |q|) - E(p_cut)], and to q0 >= -cutoff*T.
    """
    r = int(settings.refinement)
    order = settings.gauss_order
    e, t, m = float(energy_mev), float(temperature_mev), float(m_kin_mev)
    cut = settings.thermal_cutoff
    x_cut = math.hypot(p_cut_mev, m)

    def window(qa):
        lo = np.sqrt((p_cut_mev - qa) ** 2 + m * m) - x_cut
        hi = np.sqrt((p_cut_mev + qa) ** 2 + m * m) - x_cut
        lo = np.maximum(np.maximum(lo, -qa), -cut * t)
        hi = np.minimum(np.minimum(hi, qa), 2.0 * e - qa)
        return lo, hi

    # largest |q| with a non-empty window: lo(q) + q is increasing, bisect lo(q) = 2E - q
    q_hi = 2.0 * e + cut * t
    a, b = 2.0 * e, q_hi
    if window(np.array(b))[0] > window(np.array(b))[1]:
        for _ in range(100):
            mid = 0.5 * (a + b)
            lo_m, hi_m = window(np.array(mid))
            a, b = (mid, b) if lo_m <= hi_m else (a, mid)
        q_hi = b
    q_lo = min(1.0e-3, 0.1 * settings.min_mediator_mass_mev)
    q_lin = e / 8.0
    n_log = max(1, int(math.ceil(3 * r * math.log10(q_lin / q_lo))))
    breaks = [0.0]
    breaks += list(np.geomspace(q_lo, q_lin, n_log + 1))
    breaks += list(np.linspace(q_lin, e, 6 * r + 1)[1:])
    breaks += list(np.linspace(e, 2.0 * e, 6 * r + 1)[1:])
    n_tail = 8 * r
    breaks += list(2.0 * e + (q_hi - 2.0 * e) * (np.arange(1, n_tail + 1) / n_tail) ** 2)
    qa_nodes, qa_w = _panels(np.array(breaks), order)

    lo, hi = window(qa_nodes)
    # Fermi-surface features: where the initial (final) nucleon at the Fermi momentum p_F can
    # just absorb (emit) (q0, |q|): q0 = +-(E(p_F +- |q|) - E(p_F)). Near the window edges
    # E_minus(q0) is steep, so these features are much narrower in q0 than T: put breakpoints
    # on them and grade panels around them.
    feats = []
    for p_f in edge_momenta_mev:
        e_f = math.hypot(p_f, m)
        for sign in (1.0, -1.0):
            f = np.sqrt((p_f + sign * qa_nodes) ** 2 + m * m) - e_f
            feats += [f, -f]
    grade = np.array([-t, -0.25 * t, 0.0, 0.25 * t, t])
    rows_nodes, rows_weights = [], []
    for i, (l, h) in enumerate(zip(lo, hi, strict=True)):
        if h <= l:
            rows_nodes.append(np.zeros(0))
            rows_weights.append(np.zeros(0))
            continue
        pts = [0.0] + [float(f[i]) + g for f in feats for g in grade]
        br = np.unique(np.clip(np.array([l, h] + pts), l, h))
        nodes, weights = _panels(_subdivide(br, 2.0 * t, r), order)
        rows_nodes.append(nodes)
        rows_weights.append(weights)
    n_max = max(len(x) for x in rows_nodes)
    q0 = np.zeros((qa_nodes.size, n_max))
    w0 = np.zeros_like(q0)
    for i, (nodes, weights) in enumerate(zip(rows_nodes, rows_weights, strict=True)):
        q0[i, : nodes.size] = nodes
        w0[i, : weights.size] = weights
    q_abs = np.broadcast_to(qa_nodes[:, None], q0.shape)
    weight = w0 * qa_w[:, None]
    keep = weight.ravel() > 0.0
    return q0.ravel()[keep], q_abs.ravel()[keep].copy(), weight.ravel()[keep]


#: Widest panel of the shared grid of spectral_grid, in units of T (rows and within rows).
PANEL_WIDTH_T = 4.0


def _bisect_increasing(fn, target, lo, hi, iterations=60):
    """Vectorised bisection: x in [lo, hi] with fn(x) = target for non-decreasing fn."""
    lo = np.array(lo, dtype=float)
    hi = np.array(hi, dtype=float)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        below = fn(mid) < target
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def spectral_grid(
    energies_mev, temperature_mev, m_kin_mev, p_cut_mev, settings, edge_momenta_mev=()
):
    """One (q0, |q|) quadrature for every neutrino energy of a shell (physics.md §3.8).

    The region of energy E, |q0| <= |q| <= 2E - q0, is u <= 2E in the rotated coordinate
    u = q0 + |q| (u >= 0 and |q| >= u/2 hold for every E). The grid is a product over rows of
    constant u — panels with breaks at every 2E_j, logarithmic below min(E)/4, at most
    2T/refinement wide above — and, within a row, |q| panels between the nucleon kinematic limits
    with breaks (graded by +-T, +-T/4 in q0) where the row crosses the Fermi-surface features of
    :func:`quadrature_grid`, at q0 = 0, and at most 2T/refinement wide. The Jacobian of
    (q0, |q|) -> (u, |q|) is 1. Rows are sorted by u, so the nodes of energy E_j are a prefix.

    Parameters
    ----------
    energies_mev : array_like
        Neutrino energies E_j [MeV] (any order).
    temperature_mev, m_kin_mev, p_cut_mev, settings, edge_momenta_mev
        As for :func:`quadrature_grid`.

    Returns
    -------
    q0, q_abs, weight : ndarray
        Energy transfer, momentum transfer [MeV] and weight [MeV^2] of each node.
    count : ndarray of int
        count[j] = number of leading nodes inside the region of energies_mev[j].
    """
    r = int(settings.refinement)
    order = settings.gauss_order
    energies = np.asarray(energies_mev, dtype=float)
    t, m = float(temperature_mev), float(m_kin_mev)
    cut = settings.thermal_cutoff
    x_cut = math.hypot(p_cut_mev, m)

    def q0_lo(qa):
        lo = np.sqrt((p_cut_mev - qa) ** 2 + m * m) - x_cut
        return np.maximum(np.maximum(lo, -qa), -cut * t)

    def q0_hi(qa):
        return np.minimum(np.sqrt((p_cut_mev + qa) ** 2 + m * m) - x_cut, qa)

    # rows: u breaks
    u_max = 2.0 * energies.max()
    q_lo = min(1.0e-3, 0.1 * settings.min_mediator_mass_mev)
    width = PANEL_WIDTH_T * t / r
    ratio = 10.0 ** (1.0 / (3 * r))
    # logarithmic panels (3r per decade, as the |q| panels of quadrature_grid) until they are
    # as wide as the linear ones, then panels of width <= 2T/r; breaks at every 2E_j
    u_lin = min(u_max, max(width / (ratio - 1.0), 10.0 * q_lo))
    n_log = max(1, int(math.ceil(3 * r * math.log10(u_lin / q_lo))))
    coarse = np.unique(np.concatenate([[u_lin], 2.0 * energies[2.0 * energies > u_lin], [u_max]]))
    breaks = [0.0, *np.geomspace(q_lo, u_lin, n_log + 1)[:-1]]
    breaks += [float(e2) for e2 in 2.0 * energies if e2 < u_lin]
    for a0, b0 in zip(coarse[:-1], coarse[1:], strict=True):
        n_sub = max(1, int(math.ceil((b0 - a0) / width)))
        breaks += list(np.linspace(a0, b0, n_sub + 1)[:-1])
    breaks = sorted(set(breaks))
    breaks.append(u_max)
    u_nodes, u_w = _panels(np.array(breaks), order)

    # |q| limits of each row: q0 = u - |q| in [q0_lo(|q|), q0_hi(|q|)] (both sides monotone)
    big = u_max + cut * t + 2.0 * p_cut_mev + 1.0
    qa_min = _bisect_increasing(lambda qa: qa + q0_hi(qa), u_nodes, 0.5 * u_nodes, big)
    qa_max = _bisect_increasing(lambda qa: qa + q0_lo(qa), u_nodes, qa_min, big)

    # Fermi-surface features q0 = +-f(|q|) (+ grading offsets) crossed by each row
    grade = np.array([-t, -0.25 * t, 0.0, 0.25 * t, t])
    feats = [np.asarray(u_nodes)]  # q0 = 0  <=>  |q| = u
    for p_f in edge_momenta_mev:
        e_f = math.hypot(p_f, m)
        for sign in (1.0, -1.0):
            for sigma in (1.0, -1.0):

                def h(qa, sign=sign, sigma=sigma, p_f=p_f, e_f=e_f):
                    return qa + sigma * (np.sqrt((p_f + sign * qa) ** 2 + m * m) - e_f)

                for g in grade:
                    target = u_nodes - g
                    feats.append(_bisect_increasing(h, target, qa_min, qa_max, 50))
    feats = np.array(feats)  # (n_feat, rows)

    rows_nodes, rows_weights = [], []
    for i in range(u_nodes.size):
        lo, hi = qa_min[i], qa_max[i]
        if hi <= lo:
            rows_nodes.append(np.zeros(0))
            rows_weights.append(np.zeros(0))
            continue
        # |q^2| = u v with v = 2|q| - u: geometric panels in v (3r per decade) from the
        # row's kinematic edge until they are as wide as the linear ones (light mediators)
        v_lo, v_hi = 2.0 * lo - u_nodes[i], 2.0 * hi - u_nodes[i]
        v_stop = min(v_hi, 2.0 * width / (ratio - 1.0))
        geo = []
        if v_lo > 0.0 and v_stop > v_lo:
            n_geo = int(math.ceil(math.log(v_stop / v_lo) / math.log(ratio)))
            geo = 0.5 * (u_nodes[i] + np.geomspace(v_lo, v_stop, n_geo + 1))
        br = np.unique(np.clip(np.concatenate([[lo, hi], feats[:, i], geo]), lo, hi))
        nodes, weights = _panels(_subdivide(br, PANEL_WIDTH_T * t, r), order)
        rows_nodes.append(nodes)
        rows_weights.append(weights * u_w[i])
    sizes = np.array([x.size for x in rows_nodes])
    qa = np.concatenate(rows_nodes)
    w = np.concatenate(rows_weights)
    u = np.repeat(u_nodes, sizes)
    q0 = u - qa
    keep = w > 0.0
    q0, qa, w, u = q0[keep], qa[keep], w[keep], u[keep]
    count = np.searchsorted(u, 2.0 * energies, side="right")
    return q0, qa, w, count
