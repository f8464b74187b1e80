"""Transport mean free path (physics.md §3.7): limits, in-medium identity, nested reference."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_kernels import rmf_dataset, shell_kwargs

from lightmed import kernels as K
from lightmed import matrix_elements as me
from lightmed import mfp
from lightmed.errors import ConfigError
from lightmed.transport import node_factor, transport_factor, weightings_for

#: Non-degenerate, cold, heavy nucleons: the static limit up to O(E/M), O(T/M).
ENERGY, TEMP = 10.0, 1.0
SETTINGS = K.QuadratureSettings(min_mediator_mass_mev=0.01)


def _ratio(mass_n, nucleon="n", model=None, mediator_mass=None, form_factors=None):
    """lambda_t / lambda = rate_total / rate_transport on one non-degenerate nucleon."""
    kw = dict(
        energy_mev=ENERGY,
        temperature_mev=TEMP,
        m_eff_mev=mass_n,
        mu_eff_mev={nucleon: mass_n - 20.0 * TEMP},
        neutrino_blocking=False,
        settings=SETTINGS,
        form_factors=form_factors,
    )
    pre = K.shell_kernels(
        energy_mev=ENERGY,
        temperature_mev=TEMP,
        m_eff_mev=mass_n,
        mu_eff_mev=kw["mu_eff_mev"],
        settings=SETTINGS,
    )
    rates = []
    for weighting in ("total", "transport"):
        if model is None:
            r = mfp.rate_kernel(**kw, weighting=weighting, precomputed=pre)
        else:
            r = mfp.rate_kernel(
                **kw,
                weighting=weighting,
                precomputed=pre,
                model=model,
                masses_mev=[mediator_mass, 2 * mediator_mass],
                couplings=[1.0, 2.0],
                terms=("np",),
            )[0, 0]
        rates.append(r)
    return rates[0] / rates[1]


def _static(**kw):
    """Richardson extrapolation in 1/M (removes the O(E/M), O(T/M) corrections)."""
    m = 4.0 * 939.0
    return 2.0 * _ratio(2.0 * m, **kw) - _ratio(m, **kw)


def test_transport_factor_is_one_minus_cos_theta():
    e, theta = 30.0, np.linspace(0.1, 3.0, 7)
    e_out = 25.0
    q_abs2 = e**2 + e_out**2 - 2 * e * e_out * np.cos(theta)
    q0 = e - e_out
    np.testing.assert_allclose(
        transport_factor(q0, q0**2 - q_abs2, e), 1 - np.cos(theta), rtol=1e-13
    )
    assert node_factor("total", q0, -1.0, e) == 1.0
    assert node_factor("transport_sink", q0, -1.0, e, species_changing=True) == 1.0
    assert weightings_for("vector_bl", ("int", "np")) == ("total", "transport")
    assert weightings_for("scalar", ("np",))[-1] == "transport_sink"
    with pytest.raises(ConfigError, match="weighting"):
        node_factor("momentum", q0, -1.0, e)


@pytest.mark.parametrize("nucleon", ["n", "p"])
def test_static_limit_sm(nucleon):
    """lambda_t/lambda = 3(cV^2 + 3 cA^2)/(2(cV^2 + 5 cA^2)) per nucleon."""
    cv, ca = me.FORM_FACTORS_C21[nucleon]
    expected = 3 * (cv**2 + 3 * ca**2) / (2 * (cv**2 + 5 * ca**2))
    assert _static(nucleon=nucleon) == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize(("model", "expected"), [("bl_vector", 1.5), ("lnc_scalar", 0.75)])
def test_static_limit_heavy_mediator(model, expected):
    """Heavy vector: |M|^2 ~ 1 + cos theta -> 3/2; heavy scalar: ~ 1 - cos theta -> 3/4."""
    assert _static(model=model, mediator_mass=1.0e4) == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize(("model", "spin"), [("bl_vector", "vector"), ("lnc_scalar", "scalar")])
def test_light_mediator_limits(model, spin):
    """m << E: vector 2E^2/(m^2 [ln(4E^2/m^2) - 2]), scalar (ln(4E^2/m^2) - 1)/2; and the exact
    static integrals (a = m^2/(2E^2), L = ln((2+a)/a)) to 1e-3."""
    m = 0.1
    big_l = math.log(4 * ENERGY**2 / m**2)
    a = m**2 / (2 * ENERGY**2)
    el = math.log((2 + a) / a)
    if spin == "vector":
        approx = 2 * ENERGY**2 / (m**2 * (big_l - 2))
        exact = ((2 + a) / a - 1 - el) / (-4 + (2 + 2 * a) * el)
    else:
        approx = (big_l - 1) / 2
        exact = (el - 2 / (2 + a)) / (2 - 2 * a * el + 2 * a / (2 + a))
    got = _static(model=model, mediator_mass=m)
    assert got == pytest.approx(exact, rel=1e-3)
    assert got == pytest.approx(approx, rel=2e-3)


def test_bl_heavy_equals_sm_without_axial_shell_by_shell():
    """In medium, B-L at m -> infinity has lambda_t/lambda of the SM with F_A = 0 (F1 = 1 on
    both nucleons, the B-L charges), shell by shell, single energy and Rosseland mean."""
    masses = [5.0e4, 1.0e5]
    kern = K.compute_kernels(
        rmf_dataset((2, 5)), nature="dirac", min_mediator_mass_mev=0.1, rosseland_nodes=8
    )
    ff = {"n": (1.0, 0.0), "p": (1.0, 0.0)}
    sm = mfp.sm_rates(kern, form_factors=ff)["lambda_sm"]
    mp = mfp.model_map(mfp.model_coefficients(kern, "bl_vector", masses), [1.0, 2.0])
    lam_np = mp["lambda_np"].isel(mass=-1, coupling=0)  # O(q^2/m^2) < 1e-5 at 100 GeV
    r_np = lam_np.sel(weighting="transport") / lam_np.sel(weighting="total")
    r_sm = sm.sel(weighting="transport") / sm.sel(weighting="total")
    assert r_np.sizes["energy_choice"] == 2
    np.testing.assert_allclose(r_np.values, r_sm.values, rtol=1e-5)
    assert np.all(r_sm.values > 1.0)


@pytest.mark.slow
@pytest.mark.parametrize("k", [2, 4])
def test_transport_kernel_matches_nested_quadrature(k):
    """1/lambda_t by kernels vs plain nested quad (angle from k, k' explicitly): <= 5e-6
    (measured <= 5e-8; the direct quad has epsrel 1e-6)."""
    kw = shell_kwargs(k)
    direct = mfp.rate_direct(**kw, weighting="transport", epsrel=1e-6)
    kernel = mfp.rate_kernel(**kw, weighting="transport")
    assert kernel / direct - 1.0 == pytest.approx(0.0, abs=5e-6)


@pytest.mark.slow
def test_transport_sink_matches_nested_quadrature():
    """LNC scalar at m = 1 MeV, transport_sink (nu_R term unweighted): kernels vs nested
    < 1e-4 (measured 1.8e-5, as the total rate of the same case)."""
    kw = shell_kwargs(4)
    common = dict(model="lnc_scalar", terms=("sm", "np"), weighting="transport_sink")
    direct = mfp.rate_direct(**kw, **common, mass_mev=1.0, coupling=3e-3, epsrel=1e-5)
    kernel = mfp.rate_kernel(
        **kw, **common, masses_mev=[1.0, 2.0], couplings=[3e-3, 1.0], settings=SETTINGS
    )[0, 0]
    assert kernel / direct - 1.0 == pytest.approx(0.0, abs=1e-4)
