"""Field equations and thermodynamics of the RMF (stage ``rmf``, ``docs/physics.md`` section 2).

Conventions (checked against the TM1 saturation properties, see
:func:`lightmed.rmf.saturation_properties`):

- sigma < 0 and m*_i = m_i + g_sigma sigma (one scalar self-energy, so m*_n - m*_p =
  m_n - m_p); the scalar self-interaction is
  U(sigma) = 1/2 m_sigma^2 sigma^2 + 1/3 g2 sigma^3 + 1/4 g3 sigma^4 with the printed
  g2 = -7.2325 fm^-1 (TM1), so the field equation m_sigma^2 sigma + g2 sigma^2 + g3 sigma^3 =
  -g_sigma n_s is used exactly as printed (flipping the sign of the g2 term gives
  E/A = -128 MeV at n = 0.25 fm^-3, i.e. no TM1 saturation at all).
- The isovector coupling multiplies tau_3 = +1 (p), -1 (n): m_rho^2 rho = g_rho (n_p - n_n).
- All chemical potentials include rest masses; mu_p = mu*_p + g_omega omega + g_rho rho
  + Sigma_R, mu_n = mu*_n + g_omega omega - g_rho rho + Sigma_R.
- Density-dependent couplings g_i(n_B) (DD2; Typel & Wolter 1999) add the rearrangement
  self-energy Sigma_R = g_omega' omega n_B + g_rho' rho (n_p - n_n) + g_sigma' sigma n_s
  (' = d/dn_B; sigma < 0 here, so the sigma term is +g_sigma' sigma n_s) to every nucleon's
  chemical potential and n_B Sigma_R to the pressure, never to the energy density (Typel &
  Wolter 1999, Eqs. 14-16; Typel et al. 2010). It vanishes for constant couplings.

Internal units: MeV throughout (densities in MeV^3, energy densities in MeV^4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import brentq

from lightmed.constants import HBARC_MEV_FM, M_ELECTRON_MEV

from .fermi import _invert, _moments
from .presets import RMFParameters

if TYPE_CHECKING:
    from .solver import ShellSolution

#: Lower end of the effective-mass bracket, as a fraction of M (m* -> 0 is never a root).
_MSTAR_FLOOR = 1e-6

_FM3_PER_MEV3 = 1.0 / HBARC_MEV_FM**3  # multiply a density in MeV^3 to get fm^-3


@dataclass(frozen=True)
class _Couplings:
    """Meson-nucleon couplings at one n_B [1] and their derivatives d/dn_B [MeV^-3]."""

    gs: float
    gw: float
    gr: float
    dgs: float = 0.0
    dgw: float = 0.0
    dgr: float = 0.0


def _typel_wolter(x: float, a: float, b: float, c: float, d: float) -> tuple[float, float]:
    """f(x) = a (1 + b (x + d)^2) / (1 + c (x + d)^2) and df/dx [1] (Typel & Wolter 1999)."""
    y = x + d
    den = 1.0 + c * y * y
    return a * (1.0 + b * y * y) / den, 2.0 * a * y * (b - c) / (den * den)


@dataclass(frozen=True)
class _Model:
    """Parameters in internal units (MeV); ``mass`` is the neutron mass m_n."""

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
    splitting: float = 0.0
    nsat: float = 0.0
    shape: tuple[float, ...] = ()

    @classmethod
    def from_params(cls, p: RMFParameters) -> _Model:
        dd = p.density_dependence == "typel_wolter"
        return cls(
            mass=p.neutron_mass_mev,
            ms2=p.m_sigma_mev**2,
            mw2=p.m_omega_mev**2,
            mr2=p.m_rho_mev**2,
            gs=p.g_sigma,
            gw=p.g_omega,
            gr=p.g_rho,
            g2=p.g2_fm_inv * HBARC_MEV_FM,
            g3=p.g3,
            c3=p.c3,
            splitting=p.mass_splitting_mev,
            nsat=p.saturation_density_fm3 / _FM3_PER_MEV3 if dd else 0.0,
            shape=(
                (p.a_sigma, p.b_sigma, p.c_sigma, p.d_sigma)
                + (p.a_omega, p.b_omega, p.c_omega, p.d_omega, p.a_rho)
                if dd
                else ()
            ),
        )

    @property
    def mass_p(self) -> float:
        """m_p [MeV]."""
        return self.mass - self.splitting

    def couplings(self, nb: float) -> _Couplings:
        """g_sigma, g_omega, g_rho at n_B [MeV^3] and their n_B derivatives.

        Typel-Wolter: g_i(n_B) = g_i(n_sat) f_i(x), x = n_B / n_sat ([C21]-independent;
        Typel & Wolter 1999 Eqs. 5-6, Typel et al. 2010 Eq. 30).
        """
        if not self.shape:
            return _Couplings(self.gs, self.gw, self.gr)
        a_s, b_s, c_s, d_s, a_w, b_w, c_w, d_w, a_r = self.shape
        x = nb / self.nsat
        fs, dfs = _typel_wolter(x, a_s, b_s, c_s, d_s)
        fw, dfw = _typel_wolter(x, a_w, b_w, c_w, d_w)
        fr = math.exp(-a_r * (x - 1.0))
        return _Couplings(
            gs=self.gs * fs,
            gw=self.gw * fw,
            gr=self.gr * fr,
            dgs=self.gs * dfs / self.nsat,
            dgw=self.gw * dfw / self.nsat,
            dgr=-a_r * self.gr * fr / self.nsat,
        )


# --- mean fields --------------------------------------------------------------------------------
def _scalar_self(sigma: float, m: _Model) -> float:
    """dU/dsigma = m_s^2 sigma + g2 sigma^2 + g3 sigma^3 [MeV^3]."""
    return m.ms2 * sigma + m.g2 * sigma**2 + m.g3 * sigma**3


def _omega_field(nb: float, gw: float, m: _Model) -> float:
    """omega [MeV] from m_w^2 omega + c3 omega^3 = g_w n_B (monotone; Newton from above)."""
    omega = gw * nb / m.mw2
    for _ in range(100):
        f = m.mw2 * omega + m.c3 * omega**3 - gw * nb
        step = f / (m.mw2 + 3.0 * m.c3 * omega**2)
        omega -= step
        if abs(step) <= 1e-16 * abs(omega):
            break
    return omega


def _rho_field(n_n: float, n_p: float, gr: float, m: _Model) -> float:
    """rho [MeV] from m_r^2 rho = g_r (n_p - n_n)."""
    return gr * (n_p - n_n) / m.mr2


def _rearrangement(
    c: _Couplings, sigma: float, omega: float, rho: float, nb: float, n3: float, ns: float
) -> float:
    """Rearrangement self-energy Sigma_R [MeV] of density-dependent couplings.

    Sigma_R = g_omega' omega n_B + g_rho' rho n_3 + g_sigma' sigma n_s with ' = d/dn_B,
    n_3 = n_p - n_n and n_s = n_s,n + n_s,p [MeV^3] (Typel & Wolter 1999 Eq. 16, written for
    sigma < 0). Exactly 0 for constant couplings.
    """
    if c.dgs == 0.0 and c.dgw == 0.0 and c.dgr == 0.0:
        return 0.0
    return c.dgw * omega * nb + c.dgr * rho * n3 + c.dgs * sigma * ns


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


# --- composition at fixed (T, n_B, Y_p) ----------------------------------------------------------
def _effective_mass(n_n: float, n_p: float, temperature: float, gs: float, m: _Model):
    """Solve the scalar field equation at fixed (n_n, n_p) [MeV^3] and coupling g_sigma.

    F(m*_n) = dU/dsigma + g_s (n_s,n + n_s,p) with sigma = (m*_n - m_n)/g_s and
    m*_p = m*_n - (m_n - m_p) is negative at m*_p -> 0 and positive at sigma = 0 (m*_n = m_n),
    so the root is bracketed (monotone for TM1, NL3 and DD2 at the densities of interest).
    Returns ``(m*_n, mu*_n, mu*_p, n_s,n + n_s,p)``.
    """
    split = m.splitting

    def resid(mstar: float) -> float:
        _mun, nsn = _invert(n_n, mstar, temperature)
        _mup, nsp = _invert(n_p, mstar - split, temperature)
        return _scalar_self((mstar - m.mass) / gs, m) + gs * (nsn + nsp)

    lower = _MSTAR_FLOOR * m.mass + max(split, 0.0)
    mstar = brentq(resid, lower, m.mass, xtol=1e-13 * m.mass, rtol=1e-15, maxiter=300)
    mun_eff, nsn = _invert(n_n, mstar, temperature)
    mup_eff, nsp = _invert(n_p, mstar - split, temperature)
    return mstar, mun_eff, mup_eff, nsn + nsp


@dataclass
class _State:
    """Everything at a given (T, n_B, Y_p); densities in MeV^3, energies in MeV."""

    temperature: float
    nb: float
    yp: float
    mstar: float
    mstar_p: float
    mun_eff: float
    mup_eff: float
    sigma: float
    omega: float
    rho: float
    mu_n: float
    mu_p: float
    mu_e: float
    rearrangement: float

    @property
    def mu_nu_equilibrium(self) -> float:
        return self.mu_e + self.mu_p - self.mu_n


def _state(temperature: float, nb: float, yp: float, m: _Model) -> _State:
    n_p = yp * nb
    n_n = nb - n_p
    c = m.couplings(nb)  # fixed at fixed n_B, so the nested solves are unchanged
    mstar, mun_eff, mup_eff, ns = _effective_mass(n_n, n_p, temperature, c.gs, m)
    sigma = (mstar - m.mass) / c.gs
    omega = _omega_field(nb, c.gw, m)
    rho = _rho_field(n_n, n_p, c.gr, m)
    rearr = _rearrangement(c, sigma, omega, rho, nb, n_p - n_n, ns)
    mu_e = _invert(n_p, M_ELECTRON_MEV, temperature)[0]  # charge neutrality n_e- - n_e+ = n_p
    return _State(
        temperature=temperature,
        nb=nb,
        yp=yp,
        mstar=mstar,
        mstar_p=mstar - m.splitting,
        mun_eff=mun_eff,
        mup_eff=mup_eff,
        sigma=sigma,
        omega=omega,
        rho=rho,
        mu_n=mun_eff + c.gw * omega - c.gr * rho + rearr,
        mu_p=mup_eff + c.gw * omega + c.gr * rho + rearr,
        mu_e=mu_e,
        rearrangement=rearr,
    )


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
        ``entropy_density`` [fm^-3], ``free_energy_density`` eps - T s [MeV fm^-3],
        ``sum_mu_n`` = sum_i mu_i n_i [MeV fm^-3], the net
        densities ``density_n``, ``density_p``, ``density_e``, ``density_nu`` [fm^-3] and the
        chemical potentials ``mu_n``, ``mu_p``, ``mu_e``, ``mu_nu`` [MeV].

    Notes
    -----
    The kinetic pressure uses the k^4/(3E) form and the entropy the occupation form, so the
    Euler relation eps - T s + P = sum_i mu_i n_i holds only if the quadrature is accurate and
    the vector-meson field equations are satisfied: it is a genuine check of both. With
    density-dependent couplings the pressure carries n_B Sigma_R and the energy density does
    not (module docstring); the Euler relation alone cannot see Sigma_R (it shifts both sides
    equally), the derivative identities mu_i = df/dn_i do.
    """
    m = _Model.from_params(params)
    t = float(temperature_mev)
    sol = solution
    parts = [
        _moments(sol.mu_n_eff, sol.effective_mass_n, t),
        _moments(sol.mu_p_eff, sol.effective_mass_p, t),
        _moments(sol.mu_e, M_ELECTRON_MEV, t),
    ]
    n_n, n_p, n_e = (p[0] for p in parts)
    eps = sum(p[3] for p in parts)
    pres = sum(p[4] for p in parts)
    ent = sum(p[5] for p in parts)
    eps_m, pres_m = _meson_energy_pressure(sol.sigma_mev, sol.omega_mev, sol.rho_mev, m)
    eps += eps_m
    pres += pres_m + (n_n + n_p) * sol.rearrangement_mev
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
        "free_energy_density": (eps - t * ent) * c,
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
