"""Targets as data in the rates: Ar-40 and natural Ge against an independent double integral,
compounds as the sum of their elements, and the solar 8B + hep SM rates per tonne-year.

The reference is written here independently of lightmed.cevns and lightmed.rates: the SM CEvNS
formula of [ST21] Eq. 2 with the Helm form factor of Eq. 3 (physics.md §5), integrated with
scipy.integrate.quad over E_nu (inner) and E_r (outer) on the embedded solar table, with the
IUPAC 2013 germanium abundances typed in by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from lightmed import fluxes, rates
from lightmed.models import PRESETS
from lightmed.targets import TARGETS, Nucleus, Target

pytestmark = pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")

GF = 1.1663788e-11  # MeV^-2
SW2 = 0.231
HBARC = 197.3269804  # MeV fm
NA = 6.02214076e23
YEAR = 365.25 * 86400.0
#: IUPAC/CIAAW 2013 representative germanium: (A, mole fraction)
GE = ((70, 0.2057), (72, 0.2745), (73, 0.0775), (74, 0.3650), (76, 0.0773))


def _dsigma_sm_cm2_per_kev(e_nu, er_kev, a, z):
    m = 931.5 * a
    er = er_kev * 1e-3
    if er >= 2 * e_nu**2 / (m + 2 * e_nu):
        return 0.0
    q = math.sqrt(2 * m * er) / HBARC
    r0 = math.sqrt((1.2 * a ** (1 / 3)) ** 2 - 5 * 0.25)
    x = q * r0
    ff = 3 * (math.sin(x) - x * math.cos(x)) / x**3 * math.exp(-(q**2) * 0.25 / 2)
    qw = (a - z) - z * (1 - 4 * SW2)
    val = GF**2 * m / (4 * math.pi) * qw**2 * (1 - m * er / (2 * e_nu**2)) * ff**2
    return val * (HBARC * 1e-13) ** 2 * 1e-3


def _events_per_tonne_year(flux, a, z, fraction, mean_a, threshold_kev=1.0):
    e = flux.energy.values
    phi = flux.flux.values.sum(0)
    e_max = e[-1]
    er_max = 2 * e_max**2 / (931.5 * a + 2 * e_max) * 1e3

    def inner(er_kev):
        er = er_kev * 1e-3
        e_min = 0.5 * (er + math.sqrt(er**2 + 2 * 931.5 * a * er))
        return integrate.quad(
            lambda x: np.interp(x, e, phi) * _dsigma_sm_cm2_per_kev(x, er_kev, a, z),
            e_min,
            e_max,
            limit=500,
            epsrel=1e-8,
        )[0]

    total = integrate.quad(inner, threshold_kev, er_max, limit=200, epsrel=1e-7)[0]
    return total * 1e6 / mean_a * NA * fraction * YEAR


@pytest.fixture(scope="module")
def solar():
    return fluxes.solar_beta_spectra("B16-GS98")


def _lightmed(flux, target, threshold=1.0):
    det = rates.Detector("t", target, 1.0, threshold, 0.5, "1")
    ds = rates.compute_rates(
        flux,
        det,
        [PRESETS["vector"]],
        [1.0],
        exposure_years=1.0,
        recoil_max_kev=60.0,
        nodes_per_bin=16,
    )
    return rates.total_events(ds)


def test_argon40_against_independent_double_integral(solar):
    ar40 = Target("Ar40", (Nucleus("Ar", 40, 18, 1.0),))
    ref = _events_per_tonne_year(solar, 40, 18, 1.0, 40.0)
    assert _lightmed(solar, ar40) == pytest.approx(ref, rel=2e-5)
    assert 100 < ref < 150  # ~126 per tonne-year above 1 keV


def test_natural_germanium_against_independent_double_integral(solar):
    mean_a = sum(a * f for a, f in GE)
    ref = sum(_events_per_tonne_year(solar, a, 32, f, mean_a) for a, f in GE)
    assert _lightmed(solar, TARGETS["Ge"]) == pytest.approx(ref, rel=2e-5)


def test_csi_is_cs_plus_i(solar):
    csi = TARGETS["CsI"]
    whole = _lightmed(solar, csi)
    parts = sum(_lightmed(solar, csi.part(el)) for el in csi.elements())
    assert whole == pytest.approx(parts, rel=1e-12)
    # per tonne of CsI: 133/260 of the mass is Cs, 127/260 is I
    cs_alone = _lightmed(solar, TARGETS["Cs"])
    assert _lightmed(solar, csi.part("Cs")) == pytest.approx(cs_alone * 133 / 260, rel=1e-12)


def test_user_target_from_config_runs_through_the_rates(solar):
    det = rates.Detector.from_config(
        "argon", {"target": "ar40", "mass_t": 2.0}, {"ar40": {"nuclei": [{"A": 40, "Z": 18}]}}
    )
    ds = rates.compute_rates(
        solar,
        det,
        [PRESETS["vector"]],
        [1.0],
        exposure_years=1.0,
        recoil_max_kev=60.0,
        nodes_per_bin=16,
    )
    assert ds.attrs["target"] == "ar40" and ds.attrs["target_nuclei"] == "40Z18 x 1"
    assert rates.total_events(ds) == pytest.approx(2 * _lightmed(solar, TARGETS["Ar"]), rel=0.01)
