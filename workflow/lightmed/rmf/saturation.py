"""Cold (T = 0) nuclear matter: equation of state and saturation properties of an RMF set."""

from __future__ import annotations

import math

from scipy.optimize import brentq

from .fields import (
    _FM3_PER_MEV3,
    _MSTAR_FLOOR,
    _meson_energy_pressure,
    _Model,
    _omega_field,
    _rearrangement,
    _rho_field,
    _scalar_self,
)
from .presets import RMFParameters

__all__ = ["cold_matter", "saturation_properties"]


# --- T = 0 nuclear matter -----------------------------------------------------------------------
def _t0_species(density: float, mstar: float) -> tuple[float, float, float]:
    """Cold Fermi gas (degeneracy 2): (n_s [MeV^3], eps [MeV^4], E_F [MeV]) at n [MeV^3]."""
    kf = (3.0 * math.pi**2 * density) ** (1.0 / 3.0)
    ef = math.hypot(kf, mstar)
    log_term = math.asinh(kf / mstar)
    ns = mstar / (2.0 * math.pi**2) * (kf * ef - mstar**2 * log_term)
    eps = (kf * ef * (2.0 * kf**2 + mstar**2) - mstar**4 * log_term) / (8.0 * math.pi**2)
    return ns, eps, ef


def _t0_matter(nb: float, asym: float, m: _Model) -> dict[str, float]:
    """Cold n-p matter at n_B [MeV^3] and delta = (n_n - n_p)/n_B (no leptons).

    Returns E/A minus the rest mass per baryon of the composition, (n_n m_n + n_p m_p)/n_B
    [MeV] (so a neutron-proton mass difference adds no term linear in delta), the pressure
    P = sum_i mu_i n_i - eps [MeV^4], mu_n, mu_p [MeV] and m*_n, m*_p [MeV].
    """
    n_n = 0.5 * nb * (1.0 + asym)
    n_p = 0.5 * nb * (1.0 - asym)
    c = m.couplings(nb)
    split = m.splitting

    def resid(mstar: float) -> float:
        ns = _t0_species(n_n, mstar)[0] + _t0_species(n_p, mstar - split)[0]
        return _scalar_self((mstar - m.mass) / c.gs, m) + c.gs * ns

    lower = _MSTAR_FLOOR * m.mass + max(split, 0.0)
    mstar = brentq(resid, lower, m.mass, xtol=1e-14 * m.mass, rtol=1e-15)
    sigma = (mstar - m.mass) / c.gs
    omega = _omega_field(nb, c.gw, m)
    rho = _rho_field(n_n, n_p, c.gr, m)
    ns_n, eps_n, ef_n = _t0_species(n_n, mstar)
    ns_p, eps_p, ef_p = _t0_species(n_p, mstar - split)
    rearr = _rearrangement(c, sigma, omega, rho, nb, n_p - n_n, ns_n + ns_p)
    eps_m, _ = _meson_energy_pressure(sigma, omega, rho, m)
    eps = eps_n + eps_p + eps_m
    mu_n = ef_n + c.gw * omega - c.gr * rho + rearr
    mu_p = ef_p + c.gw * omega + c.gr * rho + rearr
    return {
        "energy": eps / nb - (n_n * m.mass + n_p * m.mass_p) / nb,
        "pressure": mu_n * n_n + mu_p * n_p - eps,
        "mu_n": mu_n,
        "mu_p": mu_p,
        "mstar_n": mstar,
        "mstar_p": mstar - split,
    }


def cold_matter(
    params: RMFParameters, baryon_density_fm3: float, asymmetry: float = 0.0
) -> dict[str, float]:
    """Cold (T = 0) neutron-proton matter without leptons.

    Parameters
    ----------
    params : RMFParameters
        Parameter set.
    baryon_density_fm3 : float
        n_B [fm^-3].
    asymmetry : float
        delta = (n_n - n_p) / n_B [1].

    Returns
    -------
    dict of str to float
        ``energy_per_baryon_mev`` E/A minus the rest mass per baryon [MeV],
        ``pressure_mev_fm3`` [MeV fm^-3], ``mu_n``, ``mu_p`` (with rest masses) and
        ``effective_mass_n``, ``effective_mass_p`` [MeV].
    """
    m = _Model.from_params(params)
    st = _t0_matter(baryon_density_fm3 / _FM3_PER_MEV3, asymmetry, m)
    return {
        "energy_per_baryon_mev": st["energy"],
        "pressure_mev_fm3": st["pressure"] * _FM3_PER_MEV3,
        "mu_n": st["mu_n"],
        "mu_p": st["mu_p"],
        "effective_mass_n": st["mstar_n"],
        "effective_mass_p": st["mstar_p"],
    }


def saturation_properties(params: RMFParameters) -> dict[str, float]:
    """Saturation properties of cold symmetric (n_n = n_p) nuclear matter.

    Returns
    -------
    dict of str to float
        ``n0_fm3`` [fm^-3] (where P = 0), ``energy_per_baryon_mev`` E/A - M [MeV] (M the
        average rest mass), ``incompressibility_mev`` K = 9 dP/dn [MeV],
        ``effective_mass_ratio`` (m*_n + m*_p)/(m_n + m_p) [1] (= m*/M with one nucleon mass),
        ``symmetry_energy_mev`` J = 1/2 d^2(E/A)/d delta^2 [MeV] and ``slope_l_mev``
        L = 3 n dJ/dn [MeV], all at n0.

    Notes
    -----
    J is taken numerically from the isospin dependence of E/A (a symmetric second difference,
    not a closed formula), so it checks the g_rho tau_3 convention; TM1 expects J = 36.9 MeV
    and L = 110.8 MeV. With density-dependent couplings P contains the rearrangement term,
    without which P = 0 would not be the minimum of E/A.
    """
    m = _Model.from_params(params)
    to_mev3 = 1.0 / _FM3_PER_MEV3

    def matter(n_fm3: float, asym: float = 0.0) -> dict[str, float]:
        return _t0_matter(n_fm3 * to_mev3, asym, m)

    def pressure(n_fm3: float) -> float:
        return matter(n_fm3)["pressure"] * _FM3_PER_MEV3

    n0 = brentq(pressure, 0.10, 0.20, xtol=1e-15, rtol=1e-15)
    h = 1e-4
    incompressibility = 9.0 * (pressure(n0 + h) - pressure(n0 - h)) / (2.0 * h)
    sat = matter(n0)

    def symmetry_energy(n_fm3: float) -> float:
        d = 2e-3
        e0 = matter(n_fm3)["energy"]
        return (matter(n_fm3, d)["energy"] + matter(n_fm3, -d)["energy"] - 2.0 * e0) / (2.0 * d**2)

    hs = 5e-3
    slope = 3.0 * n0 * (symmetry_energy(n0 + hs) - symmetry_energy(n0 - hs)) / (2.0 * hs)
    return {
        "n0_fm3": n0,
        "energy_per_baryon_mev": sat["energy"],
        "incompressibility_mev": incompressibility,
        "effective_mass_ratio": (sat["mstar_n"] + sat["mstar_p"]) / (m.mass + m.mass_p),
        "symmetry_energy_mev": symmetry_energy(n0),
        "slope_l_mev": slope,
    }
