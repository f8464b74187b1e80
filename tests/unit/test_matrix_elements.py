"""Closed-form spin sums (physics.md §3.4) against explicit Dirac traces at random kinematics.

The traces are built from 4x4 gamma matrices (Dirac representation, metric +---) with the
Lagrangians of physics.md: SM -(G_F/sqrt2)[nu g^mu(1-g5) nu][N g_mu(F1 - FA g5) N];
B-L Z' with C_nu = -g, C_N = +g on the left-handed neutrino current; scalar Y(nu_bar nu + N_bar N)
with the incoming neutrino of one helicity. A mismatch of a sign or a factor 2 fails at 1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest

from lightmed import matrix_elements as me
from lightmed.constants import G_FERMI_MEV2
from lightmed.errors import ConfigError, InputError

I2 = np.eye(2, dtype=complex)
Z2 = np.zeros((2, 2), dtype=complex)
SIGMA = [
    np.array([[0, 1], [1, 0]], dtype=complex),
    np.array([[0, -1j], [1j, 0]], dtype=complex),
    np.array([[1, 0], [0, -1]], dtype=complex),
]
G0 = np.block([[I2, Z2], [Z2, -I2]])
GAMMA = [G0] + [np.block([[Z2, s], [-s, Z2]]) for s in SIGMA]
G5 = 1j * GAMMA[0] @ GAMMA[1] @ GAMMA[2] @ GAMMA[3]
ONE = np.eye(4, dtype=complex)
PL = (ONE - G5) / 2
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])


def slash(p):
    return sum(METRIC[m, m] * p[m] * GAMMA[m] for m in range(4))


def bar(gamma):
    return G0 @ gamma.conj().T @ G0


def dot(a, b):
    return a[0] * b[0] - a[1:] @ b[1:]


def _unit(rng):
    v = rng.normal(size=3)
    return v / np.linalg.norm(v)


def random_kinematics(rng):
    """Massless k, k'; nucleon p, p' of mass m; p + k = p' + k' (all on shell)."""
    m = rng.uniform(250.0, 940.0)
    e = rng.uniform(3.0, 250.0)
    k = np.concatenate([[e], e * _unit(rng)])
    pmag = rng.uniform(0.0, 600.0)
    p = np.concatenate([[np.hypot(pmag, m)], pmag * _unit(rng)])
    n = np.concatenate([[1.0], _unit(rng)])
    tot = p + k
    ekp = (dot(tot, tot) - m * m) / (2.0 * dot(tot, n))
    kp = ekp * n
    pp = tot - kp
    assert abs(dot(pp, pp) - m * m) < 1e-8 * m * m
    return m, k, kp, p, pp


def lepton_tensor(k, kp, gam_a, gam_b, antineutrino):
    """L^{mu nu} = Sum Tr[S_out G_a^mu S_in bar(G_b^nu)] (massless; nubar swaps k <-> k')."""
    s_in, s_out = (slash(kp), slash(k)) if antineutrino else (slash(k), slash(kp))
    return np.array(
        [[np.trace(s_out @ gam_a[m] @ s_in @ bar(gam_b[n])) for n in range(4)] for m in range(4)]
    )


def hadron_tensor(m, p, pp, gam_a, gam_b):
    """H_{mu nu} with lower indices (gam given with upper indices)."""
    s_in, s_out = slash(p) + m * ONE, slash(pp) + m * ONE
    h = np.array(
        [[np.trace(s_out @ gam_a[a] @ s_in @ bar(gam_b[b])) for b in range(4)] for a in range(4)]
    )
    return METRIC @ h @ METRIC


def contract(lt, ht):
    return np.sum(lt * ht)


def invariants(m, k, kp, p):
    q = k - kp
    return dot(q, q), dot(p, k)


@pytest.fixture(scope="module")
def kinematics():
    rng = np.random.default_rng(20210611)
    return [random_kinematics(rng) for _ in range(6)]


@pytest.mark.parametrize("nucleon", ["n", "p"])
@pytest.mark.parametrize("species", ["nu", "nubar"])
def test_sm_spin_sum_matches_trace(kinematics, nucleon, species):
    f1, fa = me.FORM_FACTORS_C21[nucleon]
    s = me.SPECIES_SIGN[species]
    lep = [GAMMA[m] @ (ONE - G5) for m in range(4)]
    had = [GAMMA[m] @ (f1 * ONE - fa * G5) for m in range(4)]
    for m, k, kp, p, pp in kinematics:
        trace = (G_FERMI_MEV2**2 / 2.0) * contract(
            lepton_tensor(k, kp, lep, lep, species == "nubar"), hadron_tensor(m, p, pp, had, had)
        )
        q2, pk = invariants(m, k, kp, p)
        closed = me.squared_amplitude(pk, q2, m, s, f1, fa)
        assert abs(trace.imag) < 1e-12 * abs(trace.real)
        np.testing.assert_allclose(closed, trace.real, rtol=1e-12)


@pytest.mark.parametrize("species", ["nu", "nubar"])
def test_bl_vector_spin_sum_matches_trace(kinematics, species):
    g, mz = 0.37, 5.0
    lep = [GAMMA[m] @ PL for m in range(4)]
    had = list(GAMMA)
    for m, k, kp, p, pp in kinematics:
        q2, pk = invariants(m, k, kp, p)
        amp = (-g * g) / (q2 - mz * mz)
        trace = amp**2 * contract(
            lepton_tensor(k, kp, lep, lep, species == "nubar"), hadron_tensor(m, p, pp, had, had)
        )
        closed = me.squared_amplitude(
            pk,
            q2,
            m,
            me.SPECIES_SIGN[species],
            0.0,
            0.0,
            mediator="vector_bl",
            mass_mev=mz,
            coupling=g,
            terms=("np",),
        )
        np.testing.assert_allclose(closed, trace.real, rtol=1e-12)


@pytest.mark.parametrize("nucleon", ["n", "p"])
@pytest.mark.parametrize("species", ["nu", "nubar"])
def test_interference_matches_trace(kinematics, nucleon, species):
    """2Re(M_BL M_SM^*), M_SM = -(G_F/sqrt2) J.J, M_BL = C_nu C_N/(q^2 - m^2) J.J."""
    f1, fa = me.FORM_FACTORS_C21[nucleon]
    g, mz = 0.21, 30.0
    lep_sm = [GAMMA[m] @ (ONE - G5) for m in range(4)]
    had_sm = [GAMMA[m] @ (f1 * ONE - fa * G5) for m in range(4)]
    lep_bl = [GAMMA[m] @ PL for m in range(4)]
    had_bl = list(GAMMA)
    for m, k, kp, p, pp in kinematics:
        q2, pk = invariants(m, k, kp, p)
        a_sm = -G_FERMI_MEV2 / np.sqrt(2.0)
        a_bl = (-g * g) / (q2 - mz * mz)
        cross = contract(
            lepton_tensor(k, kp, lep_bl, lep_sm, species == "nubar"),
            hadron_tensor(m, p, pp, had_bl, had_sm),
        )
        trace = 2.0 * (a_bl * a_sm * cross).real
        closed = me.squared_amplitude(
            pk,
            q2,
            m,
            me.SPECIES_SIGN[species],
            f1,
            fa,
            mediator="vector_bl",
            mass_mev=mz,
            coupling=g,
            terms=("int",),
        )
        np.testing.assert_allclose(closed, trace, rtol=1e-12)
        paper = me.squared_amplitude(
            pk,
            q2,
            m,
            -me.SPECIES_SIGN[species],
            f1,
            fa,
            mediator="vector_bl",
            mass_mev=mz,
            coupling=g,
            terms=("int",),
            variant="paper",
        )
        np.testing.assert_allclose(paper, -0.5 * trace, rtol=1e-12)


def test_interference_sign_neutron_constructive():
    """physics.md §3.4: for a nucleon at rest (P = mE, E << m) the physical interference adds
    for neutrons and subtracts for protons (opposite sign of the vector charge products)."""
    m, e = 939.0, 10.0
    q2, pk = -e * e, m * e
    for nucleon, sign in (("n", 1.0), ("p", -1.0)):
        f1, fa = me.FORM_FACTORS_C21[nucleon]
        for s in (1, -1):
            val = me.squared_amplitude(
                pk,
                q2,
                m,
                s,
                f1,
                fa,
                mediator="vector_bl",
                mass_mev=10.0,
                coupling=1e-3,
                terms=("int",),
            )
            assert np.sign(val) == sign


@pytest.mark.parametrize("species", ["nu", "nubar"])
def test_scalar_spin_sum_matches_trace(kinematics, species):
    y, mphi = 0.05, 2.0
    for m, k, kp, p, pp in kinematics:
        q2, pk = invariants(m, k, kp, p)
        s_in, s_out = (slash(kp), slash(k)) if species == "nubar" else (slash(k), slash(kp))
        lep = np.trace(s_out @ PL @ s_in @ bar(PL))
        had = np.trace((slash(pp) + m * ONE) @ (slash(p) + m * ONE))
        trace = ((y * y) / (q2 - mphi * mphi)) ** 2 * (lep * had).real
        closed = me.squared_amplitude(
            pk,
            q2,
            m,
            me.SPECIES_SIGN[species],
            0.0,
            0.0,
            mediator="scalar",
            mass_mev=mphi,
            coupling=y,
            terms=("np",),
        )
        np.testing.assert_allclose(closed, trace, rtol=1e-12)
        paper = me.squared_amplitude(
            pk,
            q2,
            m,
            1,
            0.0,
            0.0,
            mediator="scalar",
            mass_mev=mphi,
            coupling=y,
            terms=("np",),
            variant="paper",
        )
        np.testing.assert_allclose(paper, 0.5 * trace, rtol=1e-12)


def test_factorisation_coupling_propagator():
    """Sum|M|^2 = coupling^n * D^k * poly(P): scaling g and m leaves the reduced part fixed."""
    q2, pk, m = -400.0, 3.0e4, 600.0
    base = me.squared_amplitude(
        pk, q2, m, 1, -0.5, -0.735, mediator="vector_bl", mass_mev=3.0, coupling=1e-4, terms=("np",)
    )
    scaled = me.squared_amplitude(
        pk, q2, m, 1, -0.5, -0.735, mediator="vector_bl", mass_mev=3.0, coupling=2e-4, terms=("np",)
    )
    np.testing.assert_allclose(scaled / base, 16.0, rtol=1e-13)
    heavier = me.squared_amplitude(
        pk,
        q2,
        m,
        1,
        -0.5,
        -0.735,
        mediator="vector_bl",
        mass_mev=30.0,
        coupling=1e-4,
        terms=("np",),
    )
    # new physics ∝ D^2, D = 1/(q^2 - m_med^2): the reduced part stays fixed
    np.testing.assert_allclose(heavier / base, ((q2 - 3.0**2) / (q2 - 30.0**2)) ** 2, rtol=1e-13)


def test_bad_inputs():
    with pytest.raises(ConfigError, match="matrix_elements"):
        me.scalar_coefficients(-1.0, 900.0, variant="published")
    with pytest.raises(InputError, match="coupling"):
        me.squared_amplitude(1.0, -1.0, 900.0, 1, 0.0, 0.0, coupling=-1.0)
    with pytest.raises(InputError, match="mass"):
        me.squared_amplitude(
            1.0, -1.0, 900.0, 1, 0.0, 0.0, mediator="scalar", mass_mev=-1.0, coupling=1.0
        )
    with pytest.raises(ConfigError, match="mediator"):
        me.term_coefficients("tensor", "np", -1.0, 900.0, 1, 0.0, 0.0)
