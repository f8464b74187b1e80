"""Free-nucleon cross sections (lightmed.cevns.nucleon) for registry models and flavours.

References: direct quadrature of the recoil integrals of the textbook single-nucleon CEvNS
formula (physics.md §4.3, §5 with A = 1, F = 1, Q_w^2 -> Q_w^2 + 3 g_A^2) with the charge
product s = q_alpha c_N spelled out here; the CC cross section of Bruenn 1985 App. C.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from lightmed.cevns import nucleon as N
from lightmed.constants import G_FERMI_MEV2, HBARC_MEV_FM, M_ELECTRON_MEV, SIN2_THETA_W
from lightmed.errors import ConfigError
from lightmed.models import PRESETS, model_from_config

MN = 939.0
G_A = 1.27


def _integral(f, x_max, m2):
    """int_0^X f(x) dx, log-substituted in D = 2 m_N x + m^2 where the propagator varies."""
    b = 2 * MN
    if b * x_max < m2:
        return integrate.quad(f, 0.0, x_max, epsrel=1e-13, epsabs=0, limit=400)[0]
    lo, hi = math.log(m2), math.log(b * x_max + m2)
    return integrate.quad(
        lambda t: f((math.exp(t) - m2) / b) * math.exp(t) / b,
        lo,
        hi,
        epsrel=1e-13,
        epsabs=0,
        limit=400,
    )[0]


def _reference(energy, mass, nucleon, s, spin):
    x_max = 2 * energy**2 / (MN + 2 * energy)
    qw = 1.0 if nucleon == "n" else -(1 - 4 * SIN2_THETA_W)
    hc2 = HBARC_MEV_FM**2

    def k(x):
        return 1 - MN * x / (2 * energy**2)

    def d(x):
        return 2 * MN * x + mass**2

    int_k = integrate.quad(k, 0.0, x_max, epsrel=1e-13, epsabs=0)[0]
    sm = G_FERMI_MEV2**2 * MN / math.pi * (qw**2 + 3 * G_A**2) / 4 * int_k * hc2
    if spin == "vector":
        c_int = -G_FERMI_MEV2 * MN * qw * s / (math.sqrt(2) * math.pi)
        c_int *= _integral(lambda x: k(x) / d(x), x_max, mass**2) * hc2
        c_np = s**2 * MN / (2 * math.pi) * _integral(lambda x: k(x) / d(x) ** 2, x_max, mass**2)
        return sm, c_int, c_np * hc2
    c_np = s**2 * MN**2 / (4 * math.pi * energy**2)
    return sm, 0.0, c_np * _integral(lambda x: x / d(x) ** 2, x_max, mass**2) * hc2


@pytest.mark.parametrize("energy", [3.0, 40.0])
@pytest.mark.parametrize("mass", [1e-2, 5.0, 3e3])
@pytest.mark.parametrize("nucleon", ["n", "p"])
@pytest.mark.parametrize(
    ("model", "flavour", "s"),
    [
        ("bl_vector", "nuebar", {"n": -1.0, "p": -1.0}),  # quark charge 1/3, lepton -1
        ("vector", "numu", {"n": 3.0, "p": 3.0}),  # [ST21] universal: c_N = 3
        ("b3lmu_vector", "numu", {"n": -3.0, "p": -3.0}),  # B-3L_mu: q_mu = -3
        ("b3lmu_vector", "nue", {"n": 0.0, "p": 0.0}),  # ... and no nu_e coupling
        ("scalar", "nutau", {"n": 14.0, "p": 15.1}),  # [ST21] Q_s = 14 A + 1.1 Z
        ("lnc_scalar", "nue", {"n": 1.0, "p": 1.0}),  # [C21] Y = sqrt(C_nu C_N), C_N equal
    ],
)
def test_nc_coefficients_match_quadrature(energy, mass, nucleon, model, flavour, s):
    got = N.nc_cross_section_coefficients(energy, mass, nucleon, PRESETS[model], flavour)
    ref = _reference(energy, mass, nucleon, s[nucleon], PRESETS[model].spin)
    np.testing.assert_allclose(got[0], ref[0], rtol=1e-12)
    np.testing.assert_allclose(got[1], ref[1], rtol=1e-8, atol=1e-300)
    np.testing.assert_allclose(got[2], ref[2], rtol=1e-8, atol=1e-300)


def test_user_model_charges_reach_the_nucleon():
    """A vector coupled to u quarks only: c_p = 2 q_u, c_n = q_u (g_p = 2q_u + q_d)."""
    model = model_from_config(
        "u_vector",
        {
            "spin": "vector",
            "quark_charges": {"u": 1},
            "neutrino_charges": {"e": 1},
            "coupling": {"name": "g_u"},
        },
    )
    _, i_p, n_p = N.nc_cross_section_coefficients(20.0, 2.0, "p", model, "e")
    _, i_n, n_n = N.nc_cross_section_coefficients(20.0, 2.0, "n", model, "e")
    ref_p = _reference(20.0, 2.0, "p", 2.0, "vector")
    ref_n = _reference(20.0, 2.0, "n", 1.0, "vector")
    np.testing.assert_allclose([i_p, n_p, i_n, n_n], [*ref_p[1:], *ref_n[1:]], rtol=1e-8)


def test_heavy_nucleon_static_limit():
    heavy = N.NucleonPhysics(nucleon_mass_mev=1e9)
    e = 10.0
    sm, _, _ = N.nc_cross_section_coefficients(e, 1.0, "n", PRESETS["bl_vector"], "e", heavy)
    expected = G_FERMI_MEV2**2 * e**2 * (1 + 3 * G_A**2) / (4 * math.pi) * HBARC_MEV_FM**2
    np.testing.assert_allclose(sm, expected, rtol=1e-8)


def test_cc_absorption_labels_threshold_and_value():
    e = np.array([1.0, 1.80, 10.0])
    cc_bar = N.cc_cross_section_fm2(e, "nubar_e")
    assert cc_bar[0] == 0.0 and cc_bar[1] == 0.0 and cc_bar[2] > 0
    np.testing.assert_array_equal(cc_bar, N.cc_cross_section_fm2(e, "nuebar"))
    ee = 10.0 + N.Q_NP_MEV
    pe = math.sqrt(ee**2 - M_ELECTRON_MEV**2)
    ref = G_FERMI_MEV2**2 * (1 + 3 * G_A**2) * ee * pe / math.pi * HBARC_MEV_FM**2
    np.testing.assert_allclose(N.cc_cross_section_fm2(10.0, "nu_e"), ref, rtol=1e-12)
    for heavy in ("nu_x", "numu", "nutaubar"):
        assert N.cc_cross_section_fm2(10.0, heavy) == 0.0
    off = N.NucleonPhysics(include_charged_current=False)
    assert N.cc_cross_section_fm2(10.0, "nue", off) == 0.0
    with pytest.raises(ConfigError, match="unknown neutrino species"):
        N.cc_cross_section_fm2(10.0, "nu_s")
    with pytest.raises(ConfigError, match="unknown nucleon"):
        N.nc_cross_section_coefficients(10.0, 1.0, "lambda", PRESETS["vector"], "e")
