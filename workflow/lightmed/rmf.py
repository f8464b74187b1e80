"""Relativistic mean field (TM1) for hot, uniform supernova-core matter (stage ``rmf``).

Uniform matter of neutrons, protons, electrons, positrons and, in the Dirac case, trapped
electron neutrinos at temperature T and baryon density n_B. Nucleons are Dirac quasiparticles
(antinucleons included) in the classical meson fields sigma, omega = <omega^0> and
rho = <rho^3_0>; the equations, parameters and reference numbers are those of
``docs/physics.md`` section 2 ([C21] arXiv:2106.11660; TM1: Sugahara & Toki 1994,
Nucl. Phys. A 579, 557).

Conventions (checked against the TM1 saturation properties, see :func:`saturation_properties`):

- sigma < 0 and m* = M + g_sigma sigma; the scalar self-interaction is
  U(sigma) = 1/2 m_sigma^2 sigma^2 + 1/3 g2 sigma^3 + 1/4 g3 sigma^4 with the printed
  g2 = -7.2325 fm^-1, so the field equation m_sigma^2 sigma + g2 sigma^2 + g3 sigma^3 =
  -g_sigma n_s is used exactly as printed (flipping the sign of the g2 term gives
  E/A = -128 MeV at n = 0.25 fm^-3, i.e. no TM1 saturation at all).
- The isovector coupling multiplies tau_3 = +1 (p), -1 (n): m_rho^2 rho = g_rho (n_p - n_n).
- All chemical potentials include rest masses; mu_p = mu*_p + g_omega omega + g_rho rho,
  mu_n = mu*_n + g_omega omega - g_rho rho.

Internal units: MeV throughout (densities in MeV^3, energy densities in MeV^4); public inputs
and outputs carry their unit in their name or docstring and use fm^-3 / MeV fm^-3.

Numerics: Fermi integrals by Gauss-Legendre quadrature on momentum panels whose edges are
placed at fixed multiples of T around the Fermi energy mu* and around the rest mass, up to
E = max(|mu*|, m) + 50 T. The composition is found by nested, bracketed one-dimensional
solves (every one of them monotone, hence globally convergent): for a given proton fraction
the densities fix omega and rho directly, mu*_n, mu*_p and mu_e follow by inverting the
monotone n(mu) at fixed m*, and m* is the unique root of the scalar field equation; the
proton fraction is then the root of the monotone lepton constraint (Dirac) or beta-equilibrium
condition (Majorana).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import asdict, dataclass, fields

import numba
import numpy as np
import xarray as xr
from scipy.optimize import brentq

from lightmed.constants import HBARC_MEV_FM, M_ELECTRON_MEV
from lightmed.errors import ConvergenceError, InputError
from lightmed.numerics import fermi

__all__ = [
    "LEPTON_MODES",
    "PRESETS",
    "RMFConvergenceError",
    "RMFParameters",
    "ShellSolution",
    "get_preset",
    "saturation_properties",
    "solve_shell",
    "solve_shells",
    "thermodynamics",
]

#: Lepton constraints (config key ``lepton_mode``), see ``docs/physics.md`` section 2.
LEPTON_MODES: tuple[str, ...] = (
    "fixed_lepton_fraction",
    "beta_equilibrium_zero_mu_nu",
    "fixed_proton_fraction",
)

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
_YP_BRACKET = (1e-9, 1.0 - 1e-9)
#: Lower end of the effective-mass bracket, as a fraction of M (m* -> 0 is never a root).
_MSTAR_FLOOR = 1e-6


# --- parameters ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RMFParameters:
    """A TM1-type RMF parameter set.

    Parameters
    ----------
    name : str
        Preset key.
    nucleon_mass_mev : float
        Vacuum nucleon mass M [MeV].
    m_sigma_mev, m_omega_mev, m_rho_mev : float
        Meson masses [MeV].
    g_sigma, g_omega, g_rho : float
        Meson-nucleon couplings [1]; ``g_rho`` multiplies tau_3 = +-1.
    g2_fm_inv : float
        Cubic sigma self-coupling g2 [fm^-1] as printed (converted to MeV internally).
    g3 : float
        Quartic sigma self-coupling [1].
    c3 : float
        Quartic omega self-coupling [1].
    reference : str
        Citation of the parameter set.
    """

    name: str
    nucleon_mass_mev: float
    m_sigma_mev: float
    m_omega_mev: float
    m_rho_mev: float
    g_sigma: float
    g_omega: float
    g_rho: float
    g2_fm_inv: float
    g3: float
    c3: float
    reference: str


_TM1_COUPLINGS = dict(
    m_sigma_mev=511.198,
    m_omega_mev=783.0,
    m_rho_mev=770.0,
    g_sigma=10.0289,
    g_omega=12.6139,
    g_rho=4.6322,
    g2_fm_inv=-7.2325,
    g3=0.6183,
    c3=71.3075,
)

#: Named, cited parameter sets (``docs/physics.md`` section 2).
PRESETS: dict[str, RMFParameters] = {
    "TM1": RMFParameters(
        name="TM1",
        nucleon_mass_mev=938.0,
        reference="Y. Sugahara, H. Toki, Nucl. Phys. A 579, 557 (1994)",
        **_TM1_COUPLINGS,
    ),
    "C21": RMFParameters(
        name="C21",
        nucleon_mass_mev=939.0,
        reference=(
            "TM1 couplings with M = 939 MeV as used by D. G. Cerdeno et al., "
            "Phys. Rev. D 104, 063013 (2021), arXiv:2106.11660 [C21]"
        ),
        **_TM1_COUPLINGS,
    ),
}


def get_preset(name: str) -> RMFParameters:
    """Return the RMF parameter preset called ``name``.

    Raises
    ------
    ValueError
        If ``name`` is not a key of :data:`PRESETS` (the message lists the allowed keys).
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(
            f"unknown RMF preset {name!r}; allowed: {', '.join(sorted(PRESETS))}"
        ) from None


class RMFConvergenceError(ConvergenceError):
    """The RMF equations could not be solved to the requested tolerance."""


@dataclass(frozen=True)
class ShellSolution:
    """RMF solution for one shell. Energies in MeV (chemical potentials include rest masses).

    Attributes
    ----------
    effective_mass : float
        Nucleon Dirac effective mass m* = M + g_sigma sigma [MeV].
    mu_n_eff, mu_p_eff : float
        Effective (kinetic) chemical potentials mu*_n, mu*_p [MeV].
    mu_n, mu_p, mu_e, mu_nu : float
        Chemical potentials [MeV]; ``mu_nu`` is the imposed value (Dirac: from beta
        equilibrium; Majorana: 0) or, for ``fixed_proton_fraction``, the equilibrium value
        mu_e + mu_p - mu_n (reported, not imposed).
    proton_fraction : float
        Y_p = Y_e [1].
    neutrino_fraction : float
        Net trapped neutrino fraction Y_nu [1]; 0 unless the lepton mode traps neutrinos.
    solver_residual : float
        Maximum relative residual of the constraint equations [1].
    sigma_mev, omega_mev, rho_mev : float
        Meson fields [MeV] (sigma < 0).
    """

    effective_mass: float
    mu_n_eff: float
    mu_p_eff: float
    mu_n: float
    mu_p: float
    mu_e: float
    mu_nu: float
    proton_fraction: float
    neutrino_fraction: float
    solver_residual: float
    sigma_mev: float
    omega_mev: float
    rho_mev: float


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


# --- Fermi integrals (numba kernels) -----------------------------------------------------------
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


def _effective_mass(n_n: float, n_p: float, temperature: float, m: _Model):
    """Solve the scalar field equation at fixed (n_n, n_p) [MeV^3].

    F(m*) = dU/dsigma + g_s (n_s,n + n_s,p) with sigma = (m* - M)/g_s is negative at m* -> 0
    and positive at m* = M, and monotone for TM1 in between, so the root is bracketed.
    Returns ``(m*, mu*_n, mu*_p)``.
    """

    def resid(mstar: float) -> float:
        _mun, nsn = _invert(n_n, mstar, temperature)
        _mup, nsp = _invert(n_p, mstar, temperature)
        return _scalar_self((mstar - m.mass) / m.gs, m) + m.gs * (nsn + nsp)

    mstar = brentq(
        resid, _MSTAR_FLOOR * m.mass, m.mass, xtol=1e-13 * m.mass, rtol=1e-15, maxiter=300
    )
    return mstar, _invert(n_n, mstar, temperature)[0], _invert(n_p, mstar, temperature)[0]


@dataclass
class _State:
    """Everything at a given (T, n_B, Y_p); densities in MeV^3, energies in MeV."""

    temperature: float
    nb: float
    yp: float
    mstar: float
    mun_eff: float
    mup_eff: float
    sigma: float
    omega: float
    rho: float
    mu_n: float
    mu_p: float
    mu_e: float

    @property
    def mu_nu_equilibrium(self) -> float:
        return self.mu_e + self.mu_p - self.mu_n


def _state(temperature: float, nb: float, yp: float, m: _Model) -> _State:
    n_p = yp * nb
    n_n = nb - n_p
    mstar, mun_eff, mup_eff = _effective_mass(n_n, n_p, temperature, m)
    omega = _omega_field(nb, m)
    rho = _rho_field(n_n, n_p, m)
    mu_e = _invert(n_p, M_ELECTRON_MEV, temperature)[0]  # charge neutrality n_e- - n_e+ = n_p
    return _State(
        temperature=temperature,
        nb=nb,
        yp=yp,
        mstar=mstar,
        mun_eff=mun_eff,
        mup_eff=mup_eff,
        sigma=(mstar - m.mass) / m.gs,
        omega=omega,
        rho=rho,
        mu_n=mun_eff + m.gw * omega - m.gr * rho,
        mu_p=mup_eff + m.gw * omega + m.gr * rho,
        mu_e=mu_e,
    )


# --- public solver ------------------------------------------------------------------------------
def _describe(temperature_mev, baryon_density_fm3, lepton_mode, fraction) -> str:
    return (
        f"T = {temperature_mev!r} MeV, n_B = {baryon_density_fm3!r} fm^-3, "
        f"Y = {fraction!r} ({lepton_mode})"
    )


def _validate(temperature_mev, baryon_density_fm3, lepton_mode, lepton_fraction, proton_fraction):
    if lepton_mode not in LEPTON_MODES:
        raise ValueError(f"unknown lepton_mode {lepton_mode!r}; allowed: {', '.join(LEPTON_MODES)}")
    if not (np.isfinite(temperature_mev) and temperature_mev > 0.0):
        raise ValueError(f"temperature must be finite and > 0 MeV, got {temperature_mev!r}")
    if not (np.isfinite(baryon_density_fm3) and baryon_density_fm3 > 0.0):
        raise ValueError(f"baryon density must be finite and > 0 fm^-3, got {baryon_density_fm3!r}")
    required = {
        "fixed_lepton_fraction": ("lepton_fraction", lepton_fraction),
        "fixed_proton_fraction": ("proton_fraction", proton_fraction),
    }.get(lepton_mode)
    if required is not None:
        label, value = required
        if value is None:
            raise ValueError(f"lepton_mode {lepton_mode!r} needs {label}")
        if not (np.isfinite(value) and 0.0 < value < 1.0):
            raise ValueError(f"{label} must lie in (0, 1), got {value!r}")


def _residuals(
    st: _State, m: _Model, lepton_mode: str, y_l: float | None, g_nu: float
) -> tuple[float, float, float]:
    """Max relative residual of all constraints, and (mu_nu, Y_nu) imposed by the mode."""
    n_p = st.yp * st.nb
    n_n = st.nb - n_p
    t = st.temperature
    nn_c, nsn = _moments(st.mun_eff, st.mstar, t)[:2]
    np_c, nsp = _moments(st.mup_eff, st.mstar, t)[:2]
    ne_c = _moments(st.mu_e, M_ELECTRON_MEV, t)[0]
    source = m.gs * (nsn + nsp)
    res = [
        abs(nn_c - n_n) / n_n,
        abs(np_c - n_p) / n_p,
        abs(ne_c - n_p) / n_p,
        abs(_scalar_self(st.sigma, m) + source) / source,
        abs(m.mw2 * st.omega + m.c3 * st.omega**3 - m.gw * st.nb) / (m.gw * st.nb),
        abs(m.mr2 * st.rho - m.gr * (n_p - n_n)) / (m.gr * st.nb),
    ]
    mu_nu = st.mu_nu_equilibrium
    y_nu = 0.0
    if lepton_mode == "fixed_lepton_fraction":
        y_nu = _neutrino_density(mu_nu, t, g_nu) / st.nb
        # Compare, on the scale of mu_n, the mu_nu that carries Y_L - Y_p exactly with the
        # beta-equilibrium value: a residual in Y_L itself is ill-conditioned when thermal
        # neutrinos dominate n_B (hot, dilute), where dY_nu/dmu_nu is huge.
        mu_nu_lepton = _neutrino_mu(y_l - st.yp, st.nb, t, g_nu)
        res.append(abs(mu_nu_lepton - mu_nu) / st.mu_n)
    elif lepton_mode == "beta_equilibrium_zero_mu_nu":
        res.append(abs(mu_nu) / st.mu_n)
        mu_nu = 0.0
    return max(res), mu_nu, y_nu


def solve_shell(
    temperature_mev: float,
    baryon_density_fm3: float,
    *,
    lepton_mode: str,
    lepton_fraction: float | None = None,
    proton_fraction: float | None = None,
    params: RMFParameters,
    neutrino_degeneracy: float = 2.0,
    tolerance: float = 1e-10,
) -> ShellSolution:
    """Solve the finite-temperature TM1 RMF for one shell of uniform matter.

    Parameters
    ----------
    temperature_mev : float
        Temperature T [MeV], > 0.
    baryon_density_fm3 : float
        Baryon number density n_B [fm^-3], > 0.
    lepton_mode : {"fixed_lepton_fraction", "beta_equilibrium_zero_mu_nu", \
"fixed_proton_fraction"}
        Lepton constraint: Dirac neutrinos with fixed Y_L = Y_e + Y_nu and
        mu_nu = mu_e + mu_p - mu_n; Majorana with mu_nu = 0 (Y_p free); or a fixed Y_p
        (mu_nu reported as mu_e + mu_p - mu_n, not imposed).
    lepton_fraction : float, optional
        Y_L in (0, 1) [1], required for ``fixed_lepton_fraction``.
    proton_fraction : float, optional
        Y_p in (0, 1) [1], required for ``fixed_proton_fraction``.
    params : RMFParameters
        Parameter set (see :data:`PRESETS`).
    neutrino_degeneracy : float
        g_nu of the trapped neutrinos [1]; 2 reproduces [C21], 1 is the textbook value.
    tolerance : float
        Maximum accepted relative residual of the constraint equations [1].

    Returns
    -------
    ShellSolution

    Raises
    ------
    ValueError
        For T <= 0, n_B <= 0, a fraction outside (0, 1), a missing fraction or an unknown mode.
    RMFConvergenceError
        If the residual exceeds ``tolerance`` (the message names T, n_B, Y and the residual).

    Notes
    -----
    Equations of ``docs/physics.md`` section 2 ([C21] Sec. II; TM1 of Sugahara & Toki 1994).
    Fractions not used by the chosen mode are ignored.
    """
    _validate(temperature_mev, baryon_density_fm3, lepton_mode, lepton_fraction, proton_fraction)
    if not neutrino_degeneracy > 0.0:
        raise ValueError(f"neutrino_degeneracy must be > 0, got {neutrino_degeneracy!r}")
    m = _Model.from_params(params)
    t = float(temperature_mev)
    nb = float(baryon_density_fm3) / _FM3_PER_MEV3
    fraction = {
        "fixed_lepton_fraction": lepton_fraction,
        "fixed_proton_fraction": proton_fraction,
    }.get(lepton_mode)
    where = _describe(temperature_mev, baryon_density_fm3, lepton_mode, fraction)

    try:
        if lepton_mode == "fixed_proton_fraction":
            st = _state(t, nb, float(proton_fraction), m)
        else:
            cache: dict[float, _State] = {}

            def state_at(yp: float) -> _State:
                if yp not in cache:
                    cache[yp] = _state(t, nb, yp, m)
                return cache[yp]

            if lepton_mode == "fixed_lepton_fraction":
                y_l = float(lepton_fraction)

                def constraint(yp: float) -> float:
                    s = state_at(yp)
                    n_nu = _neutrino_density(s.mu_nu_equilibrium, t, neutrino_degeneracy)
                    return yp + n_nu / nb - y_l

            else:

                def constraint(yp: float) -> float:
                    s = state_at(yp)
                    return s.mu_nu_equilibrium / s.mu_n

            yp = brentq(constraint, *_YP_BRACKET, xtol=1e-16, rtol=1e-15, maxiter=300)
            st = state_at(yp)
    except (ValueError, RuntimeError, ZeroDivisionError, FloatingPointError) as exc:
        raise RMFConvergenceError(f"RMF solve failed at {where}: {exc}") from exc

    residual, mu_nu, y_nu = _residuals(
        st,
        m,
        lepton_mode,
        lepton_fraction if lepton_mode == "fixed_lepton_fraction" else None,
        neutrino_degeneracy,
    )
    values = (st.mstar, st.mun_eff, st.mup_eff, st.mu_n, st.mu_p, st.mu_e, mu_nu)
    if not (np.isfinite(residual) and residual <= tolerance and np.all(np.isfinite(values))):
        raise RMFConvergenceError(
            f"RMF solve did not converge at {where}: max relative residual {residual:.3e} "
            f"> tolerance {tolerance:.1e}"
        )
    return ShellSolution(
        effective_mass=st.mstar,
        mu_n_eff=st.mun_eff,
        mu_p_eff=st.mup_eff,
        mu_n=st.mu_n,
        mu_p=st.mu_p,
        mu_e=st.mu_e,
        mu_nu=mu_nu,
        proton_fraction=st.yp,
        neutrino_fraction=y_nu,
        solver_residual=residual,
        sigma_mev=st.sigma,
        omega_mev=st.omega,
        rho_mev=st.rho,
    )


def solve_shells(
    temperature_mev: np.ndarray,
    baryon_density_fm3: np.ndarray,
    fraction: np.ndarray | None,
    *,
    lepton_mode: str,
    params: RMFParameters,
    neutrino_degeneracy: float = 2.0,
    tolerance: float = 1e-10,
) -> dict[str, np.ndarray]:
    """Solve :func:`solve_shell` for each shell.

    Parameters
    ----------
    temperature_mev, baryon_density_fm3 : array_like
        T [MeV] and n_B [fm^-3] per shell.
    fraction : array_like or None
        Y_L (``fixed_lepton_fraction``) or Y_p (``fixed_proton_fraction``) per shell [1];
        ignored (may be None) for ``beta_equilibrium_zero_mu_nu``.
    lepton_mode, params, neutrino_degeneracy, tolerance
        As in :func:`solve_shell`.

    Returns
    -------
    dict of str to numpy.ndarray
        One float64 array per :class:`ShellSolution` field (units as documented there).

    Raises
    ------
    RMFConvergenceError
        Naming the index of the first shell that fails.
    """
    t = np.atleast_1d(np.asarray(temperature_mev, dtype=float))
    nb = np.atleast_1d(np.asarray(baryon_density_fm3, dtype=float))
    if lepton_mode == "beta_equilibrium_zero_mu_nu" or fraction is None:
        y = np.full(t.shape, np.nan)
    else:
        y = np.atleast_1d(np.asarray(fraction, dtype=float))
    if not (t.shape == nb.shape == y.shape):
        raise ValueError(
            f"shell arrays must have equal shapes, got {t.shape}, {nb.shape}, {y.shape}"
        )
    names = [f.name for f in fields(ShellSolution)]
    out = {name: np.empty(t.shape) for name in names}
    for i in range(t.size):
        kwargs = {}
        if lepton_mode == "fixed_lepton_fraction":
            kwargs["lepton_fraction"] = None if np.isnan(y[i]) else float(y[i])
        elif lepton_mode == "fixed_proton_fraction":
            kwargs["proton_fraction"] = None if np.isnan(y[i]) else float(y[i])
        try:
            sol = solve_shell(
                float(t[i]),
                float(nb[i]),
                lepton_mode=lepton_mode,
                params=params,
                neutrino_degeneracy=neutrino_degeneracy,
                tolerance=tolerance,
                **kwargs,
            )
        except RMFConvergenceError as exc:
            raise RMFConvergenceError(f"shell index {i}: {exc}") from exc
        for name, value in asdict(sol).items():
            out[name][i] = value
    return out


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


# --- T = 0 nuclear matter -----------------------------------------------------------------------
def _t0_species(density: float, mstar: float) -> tuple[float, float, float]:
    """Cold Fermi gas (degeneracy 2): (n_s [MeV^3], eps [MeV^4], E_F [MeV]) at n [MeV^3]."""
    kf = (3.0 * math.pi**2 * density) ** (1.0 / 3.0)
    ef = math.hypot(kf, mstar)
    log_term = math.asinh(kf / mstar)
    ns = mstar / (2.0 * math.pi**2) * (kf * ef - mstar**2 * log_term)
    eps = (kf * ef * (2.0 * kf**2 + mstar**2) - mstar**4 * log_term) / (8.0 * math.pi**2)
    return ns, eps, ef


def _t0_matter(nb: float, asym: float, m: _Model) -> tuple[float, float]:
    """Cold n-p matter at n_B [MeV^3] and delta = (n_n - n_p)/n_B: (E/A - M [MeV], P [MeV^4])."""
    n_n = 0.5 * nb * (1.0 + asym)
    n_p = 0.5 * nb * (1.0 - asym)

    def resid(mstar: float) -> float:
        ns = _t0_species(n_n, mstar)[0] + _t0_species(n_p, mstar)[0]
        return _scalar_self((mstar - m.mass) / m.gs, m) + m.gs * ns

    mstar = brentq(resid, _MSTAR_FLOOR * m.mass, m.mass, xtol=1e-14 * m.mass, rtol=1e-15)
    sigma = (mstar - m.mass) / m.gs
    omega = _omega_field(nb, m)
    rho = _rho_field(n_n, n_p, m)
    _, eps_n, ef_n = _t0_species(n_n, mstar)
    _, eps_p, ef_p = _t0_species(n_p, mstar)
    eps_m, _ = _meson_energy_pressure(sigma, omega, rho, m)
    eps = eps_n + eps_p + eps_m
    mu_n = ef_n + m.gw * omega - m.gr * rho
    mu_p = ef_p + m.gw * omega + m.gr * rho
    return eps / nb - m.mass, mu_n * n_n + mu_p * n_p - eps


def saturation_properties(params: RMFParameters) -> dict[str, float]:
    """Saturation properties of cold symmetric nuclear matter.

    Returns
    -------
    dict of str to float
        ``n0_fm3`` [fm^-3] (where P = 0), ``energy_per_baryon_mev`` E/A - M [MeV],
        ``incompressibility_mev`` K = 9 dP/dn [MeV], ``effective_mass_ratio`` m*/M [1],
        ``symmetry_energy_mev`` J = 1/2 d^2(E/A)/d delta^2 [MeV] and ``slope_l_mev``
        L = 3 n dS/dn [MeV], all at n0.

    Notes
    -----
    J is taken numerically from the isospin dependence of E/A (not from a closed formula), so
    it checks the g_rho tau_3 convention; TM1 expects J = 36.9 MeV and L = 110.8 MeV.
    """
    m = _Model.from_params(params)
    to_mev3 = 1.0 / _FM3_PER_MEV3

    def pressure(n_fm3: float) -> float:
        return _t0_matter(n_fm3 * to_mev3, 0.0, m)[1] * _FM3_PER_MEV3

    n0 = brentq(pressure, 0.10, 0.20, xtol=1e-15, rtol=1e-15)
    h = 1e-4
    incompressibility = 9.0 * (pressure(n0 + h) - pressure(n0 - h)) / (2.0 * h)
    energy = _t0_matter(n0 * to_mev3, 0.0, m)[0]

    def symmetry_energy(n_fm3: float) -> float:
        d = 2e-3
        e0 = _t0_matter(n_fm3 * to_mev3, 0.0, m)[0]
        return (_t0_matter(n_fm3 * to_mev3, d, m)[0] - e0) / d**2

    def resid(mstar: float) -> float:
        ns = 2.0 * _t0_species(0.5 * n0 * to_mev3, mstar)[0]
        return _scalar_self((mstar - m.mass) / m.gs, m) + m.gs * ns

    mstar = brentq(resid, _MSTAR_FLOOR * m.mass, m.mass, xtol=1e-14 * m.mass)
    hs = 5e-3
    slope = 3.0 * n0 * (symmetry_energy(n0 + hs) - symmetry_energy(n0 - hs)) / (2.0 * hs)
    return {
        "n0_fm3": n0,
        "energy_per_baryon_mev": energy,
        "incompressibility_mev": incompressibility,
        "effective_mass_ratio": mstar / m.mass,
        "symmetry_energy_mev": symmetry_energy(n0),
        "slope_l_mev": slope,
    }


#: Artifact variables of the rmf stage: name -> (units, long_name).
RMF_VARIABLES: dict[str, tuple[str, str]] = {
    "effective_mass": ("MeV", "nucleon Dirac effective mass m* = M + g_sigma sigma"),
    "mu_n_eff": ("MeV", "neutron effective chemical potential mu*_n"),
    "mu_p_eff": ("MeV", "proton effective chemical potential mu*_p"),
    "mu_n": ("MeV", "neutron chemical potential (with rest mass)"),
    "mu_p": ("MeV", "proton chemical potential (with rest mass)"),
    "mu_e": ("MeV", "electron chemical potential (with rest mass)"),
    "mu_nu": ("MeV", "electron-neutrino chemical potential"),
    "proton_fraction": ("1", "proton fraction Y_p = Y_e"),
    "neutrino_fraction": ("1", "net electron-neutrino fraction Y_nu"),
    "solver_residual": ("1", "maximum relative residual of the RMF equations"),
    "sigma_mev": ("MeV", "sigma meson mean field"),
    "omega_mev": ("MeV", "omega meson mean field"),
    "rho_mev": ("MeV", "rho meson mean field"),
}

#: Profile column that closes the equations in each lepton mode.
_FRACTION_FOR_MODE = {
    "fixed_lepton_fraction": "lepton_fraction",
    "fixed_proton_fraction": "electron_fraction",
    "beta_equilibrium_zero_mu_nu": None,
}


def solve_profile(
    profile: xr.Dataset,
    *,
    preset: str,
    lepton_mode: str,
    overrides: dict | None = None,
    neutrino_degeneracy: float = 2.0,
    tolerance: float = 1e-10,
) -> xr.Dataset:
    """Solve every shell of a profile artifact; return the rmf artifact's Dataset.

    Parameters
    ----------
    profile : xarray.Dataset
        Profile artifact (dim ``shell``): ``temperature`` [MeV], ``baryon_density`` [fm^-3],
        ``lepton_fraction`` [1] (and ``electron_fraction`` for ``fixed_proton_fraction``).
    preset : str
        Key of :data:`PRESETS`.
    lepton_mode : str
        ``fixed_lepton_fraction`` | ``beta_equilibrium_zero_mu_nu`` | ``fixed_proton_fraction``.
    overrides : dict, optional
        Single-parameter replacements of the preset (field names of :class:`RMFParameters`).
    neutrino_degeneracy : float
        g_nu of the trapped neutrinos [1].
    tolerance : float
        Accepted relative residual [1].

    Returns
    -------
    xarray.Dataset
        Variables of :data:`RMF_VARIABLES` plus the profile's shell variables.

    Raises
    ------
    InputError
        Unknown mode, or the profile lacks the column the mode needs.
    ConvergenceError
        A shell did not converge; the message names the shell and its inputs.
    """
    if lepton_mode not in _FRACTION_FOR_MODE:
        raise InputError(
            f"unknown lepton_mode {lepton_mode!r}; choose one of {', '.join(_FRACTION_FOR_MODE)}"
        )
    params = get_preset(preset)
    if overrides:
        unknown = set(overrides) - set(RMFParameters.__dataclass_fields__)
        if unknown:
            raise InputError(f"unknown RMF parameter override(s): {', '.join(sorted(unknown))}")
        params = dataclasses.replace(params, **overrides)
    column = _FRACTION_FOR_MODE[lepton_mode]
    if column is not None and column not in profile:
        raise InputError(
            f"lepton_mode {lepton_mode} needs the profile column '{column}', which "
            f"{profile.attrs.get('profile_source', 'the profile')} does not have"
        )
    temperature = profile["temperature"].to_numpy()
    density = profile["baryon_density"].to_numpy()
    fraction = profile[column].to_numpy() if column is not None else None
    try:
        solution = solve_shells(
            temperature,
            density,
            fraction,
            lepton_mode=lepton_mode,
            params=params,
            neutrino_degeneracy=neutrino_degeneracy,
            tolerance=tolerance,
        )
    except RMFConvergenceError as exc:
        raise ConvergenceError(
            f"RMF solve failed for {profile.attrs.get('profile_source', 'profile')}: {exc}"
        ) from exc
    out = xr.Dataset(coords={"shell": profile["shell"]})
    for name, (units, long_name) in RMF_VARIABLES.items():
        out[name] = xr.DataArray(
            np.asarray(solution[name], dtype=float),
            dims="shell",
            attrs={"units": units, "long_name": long_name},
        )
    for name in profile.data_vars:
        if name not in out:
            out[name] = profile[name]
    out.attrs.update(
        rmf_preset=params.name,
        rmf_parameters=str(dataclasses.asdict(params)),
        lepton_mode=lepton_mode,
        neutrino_degeneracy=float(neutrino_degeneracy),
    )
    return out
