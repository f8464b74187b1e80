"""NL3 and DD2 (density-dependent) RMF sets: saturation, thermodynamic consistency, masses.

Reference numbers come from the cited parameter papers; a change needs a physics
justification, not a re-fit (docs/physics.md section 2).
"""

from __future__ import annotations

import itertools
import math

import pytest

from lightmed import rmf
from lightmed.constants import HBARC_MEV_FM
from lightmed.rmf.fields import _FM3_PER_MEV3, _Model

NL3 = rmf.get_preset("NL3")
DD2 = rmf.get_preset("DD2")
DIRAC = "fixed_lepton_fraction"
MAJORANA = "beta_equilibrium_zero_mu_nu"
FIXED_YP = "fixed_proton_fraction"


def _solve(temperature, density, mode, fraction, params):
    key = {DIRAC: "lepton_fraction", FIXED_YP: "proton_fraction"}.get(mode)
    kwargs = {key: fraction} if key else {}
    return rmf.solve_shell(temperature, density, lepton_mode=mode, params=params, **kwargs)


# --- presets ------------------------------------------------------------------------------------
def test_nl3_preset_is_the_published_table():
    """Lalazissis, Koenig, Ring, PRC 55, 540 (1997) Table I; no omega^4 term (c3 = 0)."""
    assert (NL3.nucleon_mass_mev, NL3.m_sigma_mev, NL3.m_omega_mev, NL3.m_rho_mev) == (
        939.0,
        508.194,
        782.501,
        763.0,
    )
    assert (NL3.g_sigma, NL3.g_omega, NL3.g_rho) == (10.217, 12.868, 4.474)
    assert (NL3.g2_fm_inv, NL3.g3, NL3.c3) == (-10.431, -28.885, 0.0)
    assert NL3.density_dependence == "none"


def test_dd2_preset_is_the_published_table():
    """Typel et al., PRC 81, 015803 (2010): own nucleon masses, Typel-Wolter shapes."""
    assert DD2.neutron_mass_mev == pytest.approx(939.56536, abs=1e-12)
    assert DD2.proton_mass_mev == pytest.approx(938.27203, abs=1e-12)
    assert (DD2.m_sigma_mev, DD2.m_omega_mev, DD2.m_rho_mev) == (546.212459, 783.0, 763.0)
    assert (DD2.g_sigma, DD2.g_omega, DD2.g_rho) == (10.686681, 13.342362, 3.626940)
    assert DD2.saturation_density_fm3 == 0.149065
    assert (DD2.g2_fm_inv, DD2.g3, DD2.c3) == (0.0, 0.0, 0.0)


def test_typel_wolter_shapes_are_one_at_saturation():
    """f_i(1) = 1 (Typel & Wolter 1999): the printed shape coefficients satisfy it to 1e-6,
    so Gamma_i(n_sat) are the tabulated couplings; f'' (0) = 0 means c = 1/(3 d^2)."""
    m = _Model.from_params(DD2)
    c = m.couplings(DD2.saturation_density_fm3 / _FM3_PER_MEV3)
    assert c.gs == pytest.approx(DD2.g_sigma, rel=1e-6)
    assert c.gw == pytest.approx(DD2.g_omega, rel=1e-6)
    assert c.gr == DD2.g_rho
    assert DD2.c_sigma == pytest.approx(1.0 / (3.0 * DD2.d_sigma**2), rel=1e-6)
    assert DD2.c_omega == pytest.approx(1.0 / (3.0 * DD2.d_omega**2), rel=1e-6)
    # couplings fall with density; their derivatives match finite differences
    n = 0.3 / _FM3_PER_MEV3
    h = 1e-6 * n
    hi, lo, mid = m.couplings(n + h), m.couplings(n - h), m.couplings(n)
    for name in ("gs", "gw", "gr"):
        numeric = (getattr(hi, name) - getattr(lo, name)) / (2 * h)
        assert getattr(mid, "d" + name) == pytest.approx(numeric, rel=1e-6)
        assert getattr(mid, "d" + name) < 0.0


# --- saturation ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def saturation():
    return {name: rmf.saturation_properties(rmf.get_preset(name)) for name in ("NL3", "DD2")}


@pytest.mark.parametrize(
    ("preset", "key", "expected", "tol"),
    [
        # NL3: Lalazissis et al. 1997 Table II (nuclear matter).
        ("NL3", "n0_fm3", 0.148, 0.0005),
        ("NL3", "effective_mass_ratio", 0.60, 0.005),
        ("NL3", "symmetry_energy_mev", 37.4, 0.05),
        # Not reproduced within the printed digits (-16.299 MeV, 271.76 MeV): the couplings
        # as printed (3 decimals) give -16.240 and 271.54; the 5-digit couplings quoted in
        # later comparisons give -16.250 and 271.74. Residuals +0.059 MeV and -0.22 MeV.
        ("NL3", "energy_per_baryon_mev", -16.299, 0.07),
        ("NL3", "incompressibility_mev", 271.76, 0.3),
        # L is not in the NL3 paper; 118.5 MeV is the value of later compilations.
        ("NL3", "slope_l_mev", 118.5, 0.1),
        # DD2: Typel et al. 2010 (text below Table III).
        ("DD2", "energy_per_baryon_mev", -16.02, 0.005),
        ("DD2", "incompressibility_mev", 242.7, 0.05),
        ("DD2", "symmetry_energy_mev", 31.67, 0.005),
        ("DD2", "effective_mass_ratio", 0.56, 0.005),
        # n_sat = 0.149065 and L = 55.04 printed; we get 0.149076 (+1.1e-5, +7e-5 relative)
        # and 55.046 (+0.006): just outside the last digit, not tuned (see docs).
        ("DD2", "n0_fm3", 0.149065, 2e-5),
        ("DD2", "slope_l_mev", 55.04, 0.01),
    ],
)
def test_saturation_against_cited_tables(saturation, preset, key, expected, tol):
    """NL3 and DD2 saturation points (T = 0, n_n = n_p) against their papers."""
    assert saturation[preset][key] == pytest.approx(expected, abs=tol)


@pytest.mark.parametrize("preset", ["TM1", "NL3", "DD2"])
def test_symmetry_energy_matches_closed_form(preset):
    """J and L from E/A(delta) equal S(n) = k_F^2/(6 E_F*) + g_rho(n)^2 n/(2 m_rho^2) and
    3 n dS/dn, the closed form of RMF models without omega-rho mixing (tau_3 = +-1)."""
    params = rmf.get_preset(preset)
    sat = rmf.saturation_properties(params)
    m = _Model.from_params(params)
    n0 = sat["n0_fm3"]

    def closed_form(n_fm3):
        cold = rmf.cold_matter(params, n_fm3)
        mstar = 0.5 * (cold["effective_mass_n"] + cold["effective_mass_p"])
        kf = (1.5 * math.pi**2 * n_fm3) ** (1 / 3) * HBARC_MEV_FM
        nb = n_fm3 / _FM3_PER_MEV3
        return kf**2 / (6 * math.hypot(kf, mstar)) + m.couplings(nb).gr ** 2 * nb / (2 * m.mr2)

    h = 5e-3
    slope = 3 * n0 * (closed_form(n0 + h) - closed_form(n0 - h)) / (2 * h)
    assert sat["symmetry_energy_mev"] == pytest.approx(closed_form(n0), rel=1e-5)
    assert sat["slope_l_mev"] == pytest.approx(slope, rel=1e-5)


@pytest.mark.parametrize("preset", ["NL3", "DD2"])
@pytest.mark.parametrize(("density", "asym"), [(0.05, 0.0), (0.15, 0.3), (0.6, 0.0), (0.6, 0.5)])
def test_cold_pressure_and_chemical_potentials_are_derivatives(preset, density, asym):
    """T = 0: P = n^2 d(E/A)/dn and mu_i = d eps / d n_i. With density-dependent couplings
    both hold only with the rearrangement term (it is absent from eps, present in P, mu)."""
    params = rmf.get_preset(preset)

    def eps(n_n, n_p):
        nb = n_n + n_p
        cold = rmf.cold_matter(params, nb, (n_n - n_p) / nb)
        rest = n_n * params.neutron_mass_mev + n_p * params.proton_mass_mev
        return nb * cold["energy_per_baryon_mev"] + rest

    n_n, n_p = 0.5 * density * (1 + asym), 0.5 * density * (1 - asym)
    h = 1e-5
    cold = rmf.cold_matter(params, density, asym)
    mu_n = (eps(n_n + h, n_p) - eps(n_n - h, n_p)) / (2 * h)
    mu_p = (eps(n_n, n_p + h) - eps(n_n, n_p - h)) / (2 * h)
    assert cold["mu_n"] == pytest.approx(mu_n, rel=1e-8)
    assert cold["mu_p"] == pytest.approx(mu_p, rel=1e-8)
    pressure = mu_n * n_n + mu_p * n_p - eps(n_n, n_p)
    assert cold["pressure_mev_fm3"] == pytest.approx(pressure, rel=1e-5, abs=1e-6)


# --- finite temperature -------------------------------------------------------------------------
_GRID = list(itertools.product((2.0, 20.0, 60.0), (1e-3, 0.05, 0.3, 1.0), (0.05, 0.3)))


@pytest.mark.parametrize("preset", ["NL3", "DD2"])
@pytest.mark.parametrize("mode", [DIRAC, FIXED_YP, MAJORANA])
def test_euler_relation_over_a_grid(preset, mode):
    """eps - T s + P = sum_i mu_i n_i to 1e-10 relative over T x n_B x Y (24 points per mode).

    For DD2 it checks the per-nucleon masses and the rearrangement term's consistent
    placement (in P and every mu_i, not in eps).
    """
    params = rmf.get_preset(preset)
    worst = 0.0
    for temperature, density, fraction in _GRID:
        sol = _solve(temperature, density, mode, None if mode == MAJORANA else fraction, params)
        th = rmf.thermodynamics(
            sol, temperature, density, params=params, include_neutrinos=(mode == DIRAC)
        )
        lhs = th["energy_density"] - temperature * th["entropy_density"] + th["pressure"]
        worst = max(worst, abs(lhs / th["sum_mu_n"] - 1.0))
        assert th["density_n"] + th["density_p"] == pytest.approx(density, rel=1e-10)
    assert worst < 1e-10


@pytest.mark.parametrize("preset", ["C21", "DD2"])
@pytest.mark.parametrize(
    ("temperature", "density", "proton_fraction"), [(10.0, 0.1, 0.3), (30.0, 0.4, 0.15)]
)
def test_chemical_potentials_are_free_energy_derivatives(
    preset, temperature, density, proton_fraction
):
    """At fixed T: df/dn_B|Y_p = (1 - Y_p) mu_n + Y_p (mu_p + mu_e) and
    df/dY_p|n_B = n_B (mu_p + mu_e - mu_n), f = eps - T s (electrons follow n_e = n_p).

    Unlike the Euler relation this sees the rearrangement self-energy: its sign or a
    missing term would change df/dn_B by n_B Sigma_R (tens of MeV for DD2).
    """
    params = rmf.get_preset(preset)

    def free_energy(nb, yp):
        sol = _solve(temperature, nb, FIXED_YP, yp, params)
        th = rmf.thermodynamics(sol, temperature, nb, params=params, include_neutrinos=False)
        return th["free_energy_density"], sol

    _, sol = free_energy(density, proton_fraction)
    h_n, h_y = 1e-5 * density, 1e-5
    df_dn = (
        free_energy(density + h_n, proton_fraction)[0]
        - free_energy(density - h_n, proton_fraction)[0]
    ) / (2 * h_n)
    df_dy = (
        free_energy(density, proton_fraction + h_y)[0]
        - free_energy(density, proton_fraction - h_y)[0]
    ) / (2 * h_y)
    y = proton_fraction
    assert df_dn == pytest.approx((1 - y) * sol.mu_n + y * (sol.mu_p + sol.mu_e), rel=1e-7)
    assert df_dy == pytest.approx(density * (sol.mu_p + sol.mu_e - sol.mu_n), rel=1e-6)


def test_dd2_per_nucleon_effective_masses():
    """One scalar self-energy: m*_n - m*_p = m_n - m_p = 1.29333 MeV at every shell."""
    for temperature, density, y_l in ((20.0, 0.3, 0.28), (7.0, 0.008, 0.05)):
        sol = _solve(temperature, density, DIRAC, y_l, DD2)
        assert sol.effective_mass == sol.effective_mass_n
        assert sol.effective_mass_n - sol.effective_mass_p == pytest.approx(
            DD2.neutron_mass_mev - DD2.proton_mass_mev, abs=1e-9
        )
        assert sol.solver_residual < 1e-10
    dense = _solve(15.0, 0.5, DIRAC, 0.3, DD2)
    assert dense.rearrangement_mev < 0.0  # couplings fall with density


@pytest.mark.parametrize("preset", ["NL3", "DD2"])
@pytest.mark.parametrize("mode", [DIRAC, FIXED_YP, MAJORANA])
def test_robustness_corners(preset, mode):
    """Corners of T in [0.5, 80] MeV, n_B in [1e-4, 1.2] fm^-3, Y in [0.001, 0.6] converge."""
    params = rmf.get_preset(preset)
    fractions = (None,) if mode == MAJORANA else (0.001, 0.6)
    for temperature, density, fraction in itertools.product((0.5, 80.0), (1e-4, 1.2), fractions):
        sol = _solve(temperature, density, mode, fraction, params)
        assert sol.solver_residual <= 1e-10
        assert 0.0 < sol.effective_mass_p <= sol.effective_mass_n < params.neutron_mass_mev
