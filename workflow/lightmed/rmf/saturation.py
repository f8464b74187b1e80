"""Cold (T = 0) nuclear matter: saturation properties of an RMF parameter set."""

from __future__ import annotations

import math

from scipy.optimize import brentq

from .fields import (
    _FM3_PER_MEV3,
    _MSTAR_FLOOR,
    _meson_energy_pressure,
    _Model,
    _omega_field,
    _rho_field,
    _scalar_self,
)
from .presets import RMFParameters


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
