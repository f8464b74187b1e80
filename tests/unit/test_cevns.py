"""CEvNS cross sections: analytic limits and pinned reference numbers.

The pinned numbers come from docs/physics.md §5.7 and ../shared/data/peer_reference_results/
survey_crosschecks.csv (independent implementations agreeing with bradkav/CEvNS to 4e-5).
Changing any of them needs a physics justification.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lightmed import cevns
from lightmed.constants import G_FERMI_MEV2, SIN2_THETA_W
from lightmed.errors import ConfigError
from lightmed.targets import TARGETS


@pytest.mark.parametrize(
    ("A", "expected"),
    [(131, (0.954, 0.789, 0.618, 0.369)), (207, (0.904, 0.596, 0.340, 0.092))],
)
def test_helm_form_factor_reference_values(A, expected):
    f2 = cevns.helm_form_factor_sq([1.0, 5.0, 10.0, 20.0], A)
    np.testing.assert_allclose(f2, expected, atol=6e-4)


def test_helm_is_one_at_zero_recoil():
    assert cevns.helm_form_factor_sq(0.0, 131) == pytest.approx(1.0)
    assert cevns.helm_form_factor_sq(1e-9, 207) == pytest.approx(1.0, abs=1e-9)


def test_max_recoil_kinematics_and_inverse():
    m_t = 931.5 * 131
    assert cevns.max_recoil_kev(10.0, 131) == pytest.approx(2 * 100 / (m_t + 20) * 1e3)
    er = np.array([0.1, 1.0, 10.0, 50.0])
    np.testing.assert_allclose(
        cevns.max_recoil_kev(cevns.min_neutrino_energy_mev(er, 131), 131), er, rtol=1e-12
    )


def test_cross_section_vanishes_above_endpoint():
    er_max = float(cevns.max_recoil_kev(10.0, 131))
    sm, c2, c4 = cevns.dsigma_coefficients(10.0, er_max * 1.001, 1.0, "Xe", "scalar")
    assert sm == 0.0 and c2 == 0.0 and c4 == 0.0


def test_sm_formula_explicit():
    """SM = G_F^2 m_T/(4 pi) Q_w^2 (1 - m_T E_r/2E^2) F^2 ([ST21] Eq. 2)."""
    A, Z, e, er = 131, 54, 20.0, 3.0
    m_t = 931.5 * A
    qw = (A - Z) - Z * (1 - 4 * SIN2_THETA_W)
    expected = (
        (
            G_FERMI_MEV2**2
            * m_t
            / (4 * math.pi)
            * qw**2
            * (1 - m_t * er * 1e-3 / (2 * e**2))
            * cevns.helm_form_factor_sq(er, A)
        )
        * cevns.MEV2_TO_CM2
        * 1e-3
    )
    sm, _, _ = cevns.dsigma_coefficients(e, er, 1.0, "Xe", "vector")
    assert sm == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("model", ["vector", "scalar"])
def test_sm_limit_g_to_zero(model):
    e = np.array([10.0, 30.0])
    er = np.array([1.0, 5.0])
    sm, _, _ = cevns.dsigma_coefficients(e, er, 5.0, "Pb", model)
    full = cevns.dsigma(e, er, 1e-9, 5.0, "Pb", model)
    np.testing.assert_allclose(full, sm, rtol=1e-6)


def test_scalar_has_no_interference():
    _, c2, c4 = cevns.dsigma_coefficients(20.0, np.linspace(0.5, 5, 7), 3.0, "Xe", "scalar")
    assert np.all(c2 == 0.0) and np.all(c4 > 0.0)


def test_vector_interference_is_destructive_and_coefficients_match_xi():
    e, er, m, g = 15.0, 2.0, 7.0, 3e-5
    sm, c2, c4 = cevns.dsigma_coefficients(e, er, m, "Xe", "vector")
    assert c2 < 0 < c4
    m_t = 931.5 * 131
    qw = cevns.weak_charge(131, 54)
    xi = -qw / 2 + g**2 * 3 * 131 / (math.sqrt(2) * G_FERMI_MEV2 * (2 * m_t * er * 1e-3 + m**2))
    direct = sm * (xi / (-qw / 2)) ** 2
    assert sm + g**2 * c2 + g**4 * c4 == pytest.approx(direct, rel=1e-10)


def test_xi_dip_position():
    g, m = 2e-5, 5.0
    er0 = cevns.xi_zero_recoil_kev(g, m, 131, 54)
    assert 0 < er0 < 100
    val = cevns.dsigma(50.0, er0, g, m, "Xe", "vector")
    sm, _, _ = cevns.dsigma_coefficients(50.0, er0, m, "Xe", "vector")
    assert abs(val) < 1e-10 * sm
    assert cevns.dsigma(50.0, er0 * 1.2, g, m, "Xe", "vector") > 1e-4 * sm
    assert math.isnan(cevns.xi_zero_recoil_kev(1e-8, m, 131, 54))


# (target, model, E_nu [MeV], E_r [keV], g, m [MeV], (SM + NP)/SM) -- survey_crosschecks.csv
CROSSCHECKS = [
    ("Xe", "vector", 10, 1.0, 1e-5, 1, 0.5377),
    ("Xe", "vector", 10, 1.0, 1e-4, 1, 659.2),
    ("Xe", "vector", 20, 5.0, 1e-5, 10, 0.9034),
    ("Xe", "vector", 30, 10.0, 1e-4, 100, 0.2252),
    ("Pb", "vector", 10, 0.5, 1e-5, 1, 0.4528),
    ("Pb", "vector", 30, 5.0, 1e-5, 10, 0.9385),
    ("Pb", "vector", 50, 10.0, 1e-4, 100, 0.2943),
    ("Xe", "scalar", 10, 1.0, 1e-5, 1, 3.5847),
    ("Xe", "scalar", 20, 5.0, 1e-5, 10, 1.1828),
    ("Xe", "scalar", 30, 10.0, 1e-4, 100, 14.489),
    ("Pb", "scalar", 10, 0.5, 1e-5, 1, 3.3056),
    ("Pb", "scalar", 30, 5.0, 1e-5, 10, 1.0261),
    ("Pb", "scalar", 50, 10.0, 1e-4, 100, 4.0425),
]


@pytest.mark.parametrize(("target", "model", "e", "er", "g", "m", "ratio"), CROSSCHECKS)
def test_mediator_ratios_survey(target, model, e, er, g, m, ratio):
    sm, _, _ = cevns.dsigma_coefficients(e, er, m, target, model)
    assert cevns.dsigma(e, er, g, m, target, model) / sm == pytest.approx(ratio, rel=2e-4)


@pytest.mark.parametrize(("e", "sigma"), [(10.0, 2.184e-39), (20.0, 8.106e-39), (50.0, 3.163e-38)])
def test_total_sm_cross_section_xe(e, sigma):
    assert cevns.sigma_total_sm_cm2(e, "Xe") == pytest.approx(sigma, rel=1e-3)


def test_isotope_average_close_to_effective_nucleus():
    for el in ("Xe", "Pb"):
        per_tonne = 1e6 / TARGETS[el].formula_mass
        eff = cevns.sigma_total_sm_cm2(20.0, el) * per_tonne
        nat = (
            cevns.sigma_total_sm_cm2(20.0, f"{el}_natural") / TARGETS[f"{el}_natural"].formula_mass
        )
        assert nat * 1e6 == pytest.approx(eff, rel=0.01)


def test_compound_cross_section_is_per_formula_unit():
    """sigma(CsI) = sigma(Cs) + sigma(I) per formula unit (both mono-isotopic)."""
    total = cevns.sigma_total_sm_cm2(30.0, "CsI")
    parts = cevns.sigma_total_sm_cm2(30.0, "Cs") + cevns.sigma_total_sm_cm2(30.0, "I")
    assert total == pytest.approx(parts, rel=1e-12)


def test_flavour_charges_enter_linearly_and_squared():
    """B-3L_mu: nu_mu has q = -3, nu_e none; int ~ q, np ~ q^2 of the per-charge coefficients."""
    args = (15.0, 2.0, 3.0, "Xe")
    _, i_mu, n_mu = cevns.dsigma_coefficients(*args, "b3lmu_vector", "numubar")
    _, i_e, n_e = cevns.dsigma_coefficients(*args, "b3lmu_vector", "nue")
    assert i_e == 0.0 and n_e == 0.0
    a_sm, a_int, a_np, _ = cevns.charge_coefficients(2.0, 3.0, 131, 54, "vector", 131.0)
    kin = 1 - 931.5 * 131 * 2e-3 / (2 * 15.0**2)
    assert i_mu == pytest.approx(-3 * a_int * kin, rel=1e-13)
    assert n_mu == pytest.approx(9 * a_np * kin, rel=1e-13)
    with pytest.raises(ConfigError, match="pass flavour"):
        cevns.dsigma_coefficients(*args, "b3lmu_vector")


def test_lewin_smith_form_factor():
    """Lewin-Smith Helm for Xe-131: c = 1.23 x 5.0788 - 0.60 = 5.647 fm, R0^2 = 31.89 + 6.226
    - 4.05, R0 = 5.836 fm (the ~5.8 fm quoted for Xe in direct-detection codes); F^2 at
    q = 0.5 / fm from the closed form."""
    import math

    a = 131
    c = 1.23 * a ** (1 / 3) - 0.60
    r0 = math.sqrt(c**2 + 7 / 3 * math.pi**2 * 0.52**2 - 5 * 0.9**2)
    assert r0 == pytest.approx(5.836, abs=2e-3)
    q = 0.5  # fm^-1
    er_kev = (q * 197.3269804) ** 2 / (2 * 931.5 * a) * 1e3
    x = q * r0
    ref = (3 * (math.sin(x) - x * math.cos(x)) / x**3 * math.exp(-((q * 0.9) ** 2) / 2)) ** 2
    assert cevns.helm_lewin_smith_sq(er_kev, a) == pytest.approx(ref, rel=1e-8)
    assert cevns.form_factor_sq(er_kev, a, "helm_lewin_smith") == cevns.helm_lewin_smith_sq(
        er_kev, a
    )


def test_unknown_target_and_model_fail_clearly():
    with pytest.raises(ConfigError, match="unknown CEvNS target 'Unobtainium'"):
        cevns.sigma_total_sm_cm2(10.0, "Unobtainium")
    with pytest.raises(ConfigError, match="unknown mediator model"):
        cevns.dsigma_coefficients(10.0, 1.0, 1.0, "Xe", "tensor")
    with pytest.raises(ConfigError, match="unknown form factor"):
        cevns.form_factor_sq(1.0, 131, "gaussian")
