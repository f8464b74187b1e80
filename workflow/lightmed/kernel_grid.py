"""Quadrature grid of the kernel integrals in (q0, |q|) (physics.md §3.3).

Gauss-Legendre panels with breaks where the integrand has kinks: the kinematic edges of the
(q0, |q|) region of the neutrino energy and the nucleon occupation cut-off. Used by
:func:`lightmed.kernels.shell_kernels` and the reference quadrature.
"""

from __future__ import annotations

import math

import numpy as np


def _gl(order):
    x, w = np.polynomial.legendre.leggauss(order)
    return x, w


def _panels(breaks, order):
    """GL nodes/weights over consecutive panels [breaks[i], breaks[i+1]]."""
    x, w = _gl(order)
    breaks = np.asarray(breaks, dtype=float)
    a, b = breaks[:-1, None], breaks[1:, None]
    nodes = 0.5 * (a + b) + 0.5 * (b - a) * x[None, :]
    weights = 0.5 * (b - a) * w[None, :]
    return nodes.ravel(), weights.ravel()


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
        fine = []
        for a0, b0 in zip(br[:-1], br[1:], strict=True):
            n_sub = r * max(1, int(math.ceil((b0 - a0) / (2.0 * t))))
            fine.append(np.linspace(a0, b0, n_sub + 1)[:-1])
        fine.append([h])
        nodes, weights = _panels(np.concatenate(fine), order)
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
