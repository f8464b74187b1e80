"""Field equations and thermodynamics of the RMF (stage ``rmf``, ``docs/physics.md`` section 2).

Conventions (checked against the TM1 saturation properties, see
:func:`lightmed.rmf.saturation_properties`):

- sigma < 0 and m* = M + g_sigma sigma; the scalar self-interaction is
  U(sigma) = 1/2 m_sigma^2 sigma^2 + 1/3 g2 sigma^3 + 1/4 g3 sigma^4 with the printed
  g2 = -7.2325 fm^-1, so the field equation m_sigma^2 sigma + g2 sigma^2 + g3 sigma^3 =
  -g_sigma n_s is used exactly as printed (flipping the sign of the g2 term gives
  E/A = -128 MeV at n = 0.25 fm^-3, i.e. no TM1 saturation at all).
- The isovector coupling multiplies tau_3 = +1 (p), -1 (n): m_rho^2 rho = g_rho (n_p - n_n).
- All chemical potentials include rest masses; mu_p = mu*_p + g_omega omega + g_rho rho,
  mu_n = mu*_n + g_omega omega - g_rho rho.

Internal units: MeV throughout (densities in MeV^3, energy densities in MeV^4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lightmed.constants import HBARC_MEV_FM, M_ELECTRON_MEV

from .fermi import _moments
from .presets import RMFParameters

if TYPE_CHECKING:
    from .solver import ShellSolution

#: Lower end of the effective-mass bracket, as a fraction of M (m* -> 0 is never a root).
_MSTAR_FLOOR = 1e-6


@dataclass(frozen=True)
class _Model:
    """Parameters in internal units (MeV)."""

    mass: float
    ms2: float
    mw2: float
    mr2: float
    gs: float
    gw: float
    gr: float
    g2: float
    g3: float
    c3: float

    @classmethod
    def from_params(cls, p: RMFParameters) -> _Model:
        return cls(
            mass=p.nucleon_mass_mev,
            ms2=p.m_sigma_mev**2,
            mw2=p.m_omega_mev**2,
            mr2=p.m_rho_mev**2,
            gs=p.g_sigma,
            gw=p.g_omega,
            gr=p.g_rho,
            g2=p.g2_fm_inv * HBARC_MEV_FM,
            g3=p.g3,
            c3=p.c3,
        )


_FM3_PER_MEV3 = 1.0 / HBARC_MEV_FM**3  # multiply a density in MeV^3 to get fm^-3


# --- mean fields --------------------------------------------------------------------------------
def _scalar_self(sigma: float, m: _Model) -> float:
    """dU/dsigma = m_s^2 sigma + g2 sigma^2 + g3 sigma^3 [MeV^3]."""
    return m.ms2 * sigma + m.g2 * sigma**2 + m.g3 * sigma**3


def _omega_field(nb: float, m: _Model) -> float:
    """omega [MeV] from m_w^2 omega + c3 omega^3 = g_w n_B (monotone; Newton from above)."""
    omega = m.gw * nb / m.mw2
    for _ in range(100):
        f = m.mw2 * omega + m.c3 * omega**3 - m.gw * nb
        step = f / (m.mw2 + 3.0 * m.c3 * omega**2)
        omega -= step
        if abs(step) <= 1e-16 * abs(omega):
            break
    return omega


def _rho_field(n_n: float, n_p: float, m: _Model) -> float:
    """rho [MeV] from m_r^2 rho = g_r (n_p - n_n)."""
    return m.gr * (n_p - n_n) / m.mr2


def _meson_energy_pressure(sigma: float, omega: float, rho: float, m: _Model):
    """Meson contributions to the energy density and pressure [MeV^4].

    P = -1/2 m_s^2 s^2 - 1/3 g2 s^3 - 1/4 g3 s^4 + 1/2 m_w^2 w^2 + 1/4 c3 w^4 + 1/2 m_r^2 r^2,
    eps = +1/2 m_s^2 s^2 + 1/3 g2 s^3 + 1/4 g3 s^4 + 1/2 m_w^2 w^2 + 3/4 c3 w^4
    + 1/2 m_r^2 r^2 (the vector terms use the field equations).
    """
    u_sigma = 0.5 * m.ms2 * sigma**2 + m.g2 * sigma**3 / 3.0 + 0.25 * m.g3 * sigma**4
    vec = 0.5 * m.mw2 * omega**2 + 0.5 * m.mr2 * rho**2
    eps = u_sigma + vec + 0.75 * m.c3 * omega**4
    pres = -u_sigma + vec + 0.25 * m.c3 * omega**4
    return eps, pres


def _neutrino_density(mu_nu: float, temperature: float, degeneracy: float) -> float:
    """Net density of massless fermions g (mu^3 + pi^2 T^2 mu)/(6 pi^2) [MeV^3] (exact)."""
    return degeneracy * (mu_nu**3 + math.pi**2 * temperature**2 * mu_nu) / (6.0 * math.pi**2)


def _neutrino_mu(y_nu: float, nb: float, temperature: float, degeneracy: float) -> float:
    """mu_nu [MeV] carrying the net fraction ``y_nu`` at n_B [MeV^3] (inverse of the cubic)."""
    p = math.pi**2 * temperature**2
    q = 6.0 * math.pi**2 * y_nu * nb / degeneracy
    root = math.sqrt(0.25 * q * q + p**3 / 27.0)
    mu = float(np.cbrt(0.5 * q + root) + np.cbrt(0.5 * q - root))
    for _ in range(3):  # Newton polish: Cardano cancels when |q| << p^(3/2)
        mu -= (mu**3 + p * mu - q) / (3.0 * mu * mu + p)
    return mu


def _neutrino_thermo(mu_nu: float, temperature: float, degeneracy: float):
    """Massless fermion gas with antiparticles: (n, eps, P, s) [MeV^3, MeV^4, MeV^4, MeV^3]."""
    t2 = temperature**2
    pres = degeneracy * (
        7.0 * math.pi**2 * t2**2 / 360.0 + mu_nu**2 * t2 / 12.0 + mu_nu**4 / (24.0 * math.pi**2)
    )
    ent = degeneracy * (7.0 * math.pi**2 * t2 * temperature / 90.0 + mu_nu**2 * temperature / 6.0)
    return _neutrino_density(mu_nu, temperature, degeneracy), 3.0 * pres, pres, ent


def thermodynamics(
    solution: ShellSolution,
    temperature_mev: float,
    baryon_density_fm3: float,
    *,
    params: RMFParameters,
    include_neutrinos: bool,
    neutrino_degeneracy: float = 2.0,
) -> dict[str, float]:
    """Energy density, pressure, entropy density and composition of a solved shell.

    Parameters
    ----------
    solution : ShellSolution
        Output of :func:`solve_shell` at the same T, n_B and ``params``.
    temperature_mev : float
        T [MeV].
    baryon_density_fm3 : float
        n_B [fm^-3].
    params : RMFParameters
        The parameter set used for ``solution``.
    include_neutrinos : bool
        Add the trapped neutrino gas (massless, degeneracy ``neutrino_degeneracy``, chemical
        potential ``solution.mu_nu``); True for the Dirac ``fixed_lepton_fraction`` mode.
    neutrino_degeneracy : float
        g_nu [1].

    Returns
    -------
    dict of str to float
        ``energy_density`` and ``pressure`` [MeV fm^-3] (rest masses included),
        ``entropy_density`` [fm^-3], ``sum_mu_n`` = sum_i mu_i n_i [MeV fm^-3], the net
        densities ``density_n``, ``density_p``, ``density_e``, ``density_nu`` [fm^-3] and the
        chemical potentials ``mu_n``, ``mu_p``, ``mu_e``, ``mu_nu`` [MeV].

    Notes
    -----
    The kinetic pressure uses the k^4/(3E) form and the entropy the occupation form, so the
    Euler relation eps - T s + P = sum_i mu_i n_i holds only if the quadrature is accurate and
    the vector-meson field equations are satisfied: it is a genuine check of both.
    """
    m = _Model.from_params(params)
    t = float(temperature_mev)
    sol = solution
    parts = [
        _moments(sol.mu_n_eff, sol.effective_mass, t),
        _moments(sol.mu_p_eff, sol.effective_mass, t),
        _moments(sol.mu_e, M_ELECTRON_MEV, t),
    ]
    n_n, n_p, n_e = (p[0] for p in parts)
    eps = sum(p[3] for p in parts)
    pres = sum(p[4] for p in parts)
    ent = sum(p[5] for p in parts)
    eps_m, pres_m = _meson_energy_pressure(sol.sigma_mev, sol.omega_mev, sol.rho_mev, m)
    eps += eps_m
    pres += pres_m
    n_nu = 0.0
    if include_neutrinos:
        n_nu, eps_nu, pres_nu, ent_nu = _neutrino_thermo(sol.mu_nu, t, neutrino_degeneracy)
        eps += eps_nu
        pres += pres_nu
        ent += ent_nu
    sum_mu_n = sol.mu_n * n_n + sol.mu_p * n_p + sol.mu_e * n_e + sol.mu_nu * n_nu
    c = _FM3_PER_MEV3
    return {
        "energy_density": eps * c,
        "pressure": pres * c,
        "entropy_density": ent * c,
        "sum_mu_n": sum_mu_n * c,
        "density_n": n_n * c,
        "density_p": n_p * c,
        "density_e": n_e * c,
        "density_nu": n_nu * c,
        "baryon_density": float(baryon_density_fm3),
        "mu_n": sol.mu_n,
        "mu_p": sol.mu_p,
        "mu_e": sol.mu_e,
        "mu_nu": sol.mu_nu,
    }
