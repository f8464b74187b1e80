"""lightmed.rates.differential_rates: flavour-resolved dR/dE_r against independent integrals.

The reference here is written independently of lightmed.cevns: the textbook CEvNS formulas
([ST21] Eqs. 2-3, 5-6, 9-10, physics.md §5) integrated over the neutrino energy with
scipy.integrate.quad, with the nuclear charge and flavour charges spelled out by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from lightmed import fluxes
from lightmed.constants import G_FERMI_MEV2, HBARC_MEV_FM, N_AVOGADRO, SIN2_THETA_W
from lightmed.errors import InputError
from lightmed.models import PRESETS
from lightmed.rates import differential_rates
from lightmed.targets import TARGETS, Nucleus, Target

HBARC_CM = HBARC_MEV_FM * 1e-13  # MeV cm
# quad meets the kinks of the tabulated spectrum; its estimate is pessimistic there
pytestmark = pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")


def _pinched(e, mean, alpha, scale):
    a1 = 1 + alpha
    return scale * (e / mean) ** alpha * np.exp(-a1 * e / mean) * a1**a1 / math.gamma(a1) / mean


def _toy_flux(labels=("nue", "numu"), scales=(1e11, 5e10), kind="fluence", mult=None):
    e = np.linspace(0.2, 90.0, 6000)
    rows = [_pinched(e, 12.0 + 3 * i, 2.5, s) for i, s in enumerate(scales)]
    mult = [1] * len(labels) if mult is None else mult
    return fluxes.make_spectrum_dataset(e, np.array(rows), list(labels), mult, kind, "toy")


def _helm2(er_kev, a, r_coeff=1.2, s=0.5):
    q = math.sqrt(2 * 931.5 * a * er_kev * 1e-3) / HBARC_MEV_FM
    r0 = math.sqrt((r_coeff * a ** (1 / 3)) ** 2 - 5 * s**2)
    x = q * r0
    f = 3 * (math.sin(x) - x * math.cos(x)) / x**3 * math.exp(-((q * s) ** 2) / 2)
    return f * f


def _dsigma(e, er_kev, a, z, g2q, mass, spin):
    """Textbook dsigma/dE_r [cm^2/keV] for one neutrino with g^2 q_alpha Q' = g2q."""
    m_t = 931.5 * a
    er = er_kev * 1e-3
    if er > 2 * e**2 / (m_t + 2 * e):
        return 0.0
    qw = (a - z) - z * (1 - 4 * SIN2_THETA_W)
    f2 = _helm2(er_kev, a)
    d = 2 * m_t * er + mass**2
    kin = 1 - m_t * er / (2 * e**2)
    if spin == "vector":
        xi = -qw / 2 + g2q / (math.sqrt(2) * G_FERMI_MEV2 * d)
        val = G_FERMI_MEV2**2 * m_t / math.pi * xi**2 * kin * f2
    else:
        sm = G_FERMI_MEV2**2 * m_t / (4 * math.pi) * qw**2 * kin * f2
        val = sm + g2q**2 * m_t**2 * er * f2 / (4 * math.pi * e**2 * d**2)
    return val * HBARC_CM**2 * 1e-3


def _reference(flux, a, z, charges, qprime, g, mass, spin, er_kev):
    """N_T sum_f q-weighted int dE psi_f dsigma (quad on the tabulated spectrum)."""
    e = flux.energy.values
    total = 0.0
    for row, q in zip(flux.fluence.values, charges, strict=True):

        def integrand(x, row=row, q=q):
            return np.interp(x, e, row) * _dsigma(x, er_kev, a, z, g**2 * q * qprime, mass, spin)

        emin = 0.5 * (
            er_kev * 1e-3 + math.sqrt((er_kev * 1e-3) ** 2 + 2 * 931.5 * a * er_kev * 1e-3)
        )
        val, _ = integrate.quad(integrand, emin, e[-1], limit=2000, epsabs=0, epsrel=1e-9)
        total += val
    return 1e6 / a * N_AVOGADRO * total


@pytest.mark.parametrize(
    ("model", "charges", "qprime"),
    [
        ("vector", (1.0, 1.0), 3 * 131),  # [ST21] universal vector, Q'_w = 3A
        ("bl_vector", (-1.0, -1.0), 131),  # B-L: quark charge 1/3 -> Q' = A, q_alpha = -1
        ("b3le_vector", (-3.0, 0.0), 131),  # B-3L_e: only the nue entry couples
        ("scalar", (1.0, 1.0), 14 * 131 + 1.1 * 54),  # [ST21] Q_s = 14A + 1.1Z
    ],
)
@pytest.mark.parametrize("mass", [0.5, 30.0])
def test_against_independent_quadrature(model, charges, qprime, mass):
    flux = _toy_flux()
    g = 2e-5 if PRESETS[model].spin == "vector" else 4e-6
    er = np.array([1.3, 7.0, 22.0])
    ds = differential_rates(flux, TARGETS["Xe"], PRESETS[model], [mass], er)
    fast = (ds.rate_sm + g**2 * ds.rate_int + g**4 * ds.rate_np).isel(mass=0).values
    spin = PRESETS[model].spin
    for i, e_r in enumerate(er):
        ref = _reference(flux, 131, 54, charges, qprime, g, mass, spin, e_r)
        # lightmed's moments are exact on the interpolated table; quad meets its 6000 kinks
        # to ~1e-6 (a convention error would be >> 1e-5)
        assert fast[i] == pytest.approx(ref, rel=1e-5), (model, mass, e_r)


def test_sm_per_flavour_sums_and_units():
    flux = _toy_flux(("nue", "numu", "nux"), (1e11, 5e10, 2e10), mult=[1, 1, 4])
    ds = differential_rates(flux, TARGETS["Pb"], PRESETS["vector"], [1.0, 10.0], [2.0, 5.0])
    np.testing.assert_allclose(ds.rate_sm_flavour.sum("flavour"), ds.rate_sm, rtol=1e-13)
    assert ds.rate_sm.attrs["units"] == "t-1 keV-1"
    assert ds.rate_int.dims == ("mass", "recoil_energy")
    steady = differential_rates(
        _toy_flux(kind="flux"), TARGETS["Xe"], PRESETS["scalar"], [1.0], [2.0]
    )
    assert steady.rate_np.attrs["units"] == "t-1 keV-1 s-1"


def test_flavour_weights_select_the_coupled_species():
    """B-3L_mu sees the numu entry with q = -3: int = -3 x, np = 9 x the per-unit-charge
    rates of numu alone; B-3L_e sees only nue."""
    both = _toy_flux(("nue", "numu"), (1e11, 5e10))
    mu_only = _toy_flux(("numu",), (5e10,))
    # the same numu row in both fluxes (different mean energies by index, so rebuild)
    mu_only["fluence"].values[0] = both.fluence.values[1]
    unit = PRESETS["b3lmu_vector"]
    a = differential_rates(both, TARGETS["Ge"], unit, [3.0], [1.5, 4.0])
    b = differential_rates(mu_only, TARGETS["Ge"], unit, [3.0], [1.5, 4.0])
    np.testing.assert_allclose(a.rate_int, b.rate_int, rtol=1e-12)
    np.testing.assert_allclose(a.rate_np, b.rate_np, rtol=1e-12)
    assert np.all(a.rate_sm > b.rate_sm)  # the SM sees every flavour
    e = differential_rates(both, TARGETS["Ge"], PRESETS["b3le_vector"], [3.0], [1.5, 4.0])
    assert np.all(e.rate_int.values > 0)  # constructive (q_alpha < 0, Q' > 0)


def test_compound_is_the_sum_of_its_parts():
    flux = _toy_flux()
    csi = TARGETS["CsI"]
    args = (PRESETS["vector"], [0.1, 50.0], np.geomspace(1, 40, 9))
    whole = differential_rates(flux, csi, *args)
    parts = [differential_rates(flux, csi.part(el), *args) for el in csi.elements()]
    for var in ("rate_sm", "rate_int", "rate_np"):
        np.testing.assert_allclose(whole[var], sum(p[var] for p in parts), rtol=1e-13)


def test_form_factor_convention_of_the_target():
    flux = _toy_flux()
    st21 = Target("ar40", (Nucleus("Ar", 40, 18, 1.0),))
    ls = Target("ar40", (Nucleus("Ar", 40, 18, 1.0),), form_factor="helm_lewin_smith")
    er = np.array([1.0, 30.0])
    a = differential_rates(flux, st21, PRESETS["vector"], [1.0], er)
    b = differential_rates(flux, ls, PRESETS["vector"], [1.0], er)
    # F -> 1 at small q in both; they differ at larger recoil
    assert a.rate_sm.values[0] == pytest.approx(b.rate_sm.values[0], rel=0.02)
    assert abs(a.rate_sm.values[1] / b.rate_sm.values[1] - 1) > 0.01


def test_legacy_nux_only_for_flavour_blind_models():
    flux = _toy_flux(("nue", "nuebar", "nux"), (1e11, 8e10, 5e10), mult=[1, 1, 4])
    differential_rates(flux, TARGETS["Xe"], PRESETS["bl_vector"], [1.0], [2.0])
    with pytest.raises(InputError, match="legacy flavour label 'nux'.*b3lmu_vector"):
        differential_rates(flux, TARGETS["Xe"], PRESETS["b3lmu_vector"], [1.0], [2.0])


def test_model_without_coupled_flavour_fails_with_one_line():
    flux = _toy_flux(("nue",), (1e11,))
    with pytest.raises(InputError, match="b3lmu_vector couples to none of the flavours"):
        differential_rates(flux, TARGETS["Xe"], PRESETS["b3lmu_vector"], [1.0], [2.0])


def test_bad_arguments_are_lightmed_errors():
    flux = _toy_flux()
    with pytest.raises(InputError, match="unknown flavour label 'nu_sterile'"):
        differential_rates(
            _toy_flux(("nu_sterile",), (1e10,)), TARGETS["Xe"], PRESETS["vector"], [1.0], [1.0]
        )
    from lightmed.errors import ConfigError

    with pytest.raises(ConfigError, match="recoil_kev: values must be > 0"):
        differential_rates(flux, TARGETS["Xe"], PRESETS["vector"], [1.0], [0.0, 1.0])
    with pytest.raises(ConfigError, match="masses_mev"):
        differential_rates(flux, TARGETS["Xe"], PRESETS["vector"], [], [1.0])
