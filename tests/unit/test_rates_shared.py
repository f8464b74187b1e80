"""Event counts from the real tables in ../shared/data, and the embedded defaults against them.

Reference numbers: docs/physics.md §5.7 and
../shared/data/peer_reference_results/survey_crosschecks.csv
(SM, E_r > 1 keV, 100 % efficiency, single effective nucleus, 10 kpc, six flavours). Changing
them needs a physics justification. The embedded defaults must agree with the tables to 3 %.
"""

from __future__ import annotations

import numpy as np
import pytest

from lightmed import fluxes, rates
from lightmed.models import PRESETS

from helpers import SHARED_DATA as SHARED

pytestmark = [
    pytest.mark.requires_shared_data,
    pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data not found at {SHARED}"),
]


def events(flux, target, recoil_max_kev=201.0, threshold=1.0, eff="1"):
    det = rates.Detector("t", target, 1.0, threshold, 2.0, eff)
    ds = rates.compute_rates(
        flux,
        det,
        [PRESETS["vector"]],
        [1.0],
        exposure_years=1.0,
        recoil_max_kev=recoil_max_kev,
        nodes_per_bin=8,
    )
    return rates.total_events(ds)


@pytest.fixture(scope="module")
def sn():
    base = SHARED / "sn_emission"
    return {
        "s27.0co_14s": fluxes.garching_emission(base / "garching_LS220_s27.0co", 14.0),
        "s40_bh": fluxes.garching_emission(base / "garching_LS220_s40s7b2c", None),
        "s40_0.2s": fluxes.garching_emission(base / "garching_LS220_s40s7b2c", 0.2),
        "s27.0c": fluxes.garching_emission(base / "garching_LS220_s27.0c/s27.0c", None),
    }


@pytest.fixture(scope="module")
def solar():
    s = SHARED / "solar_neutrinos"
    return fluxes.solar_spectra(
        s / "8B_spectrum_Winter2006.csv", s / "hep_spectrum_Bahcall1997.csv", "B16-GS98"
    )


@pytest.fixture(scope="module")
def atm():
    return fluxes.fluka_atmospheric(SHARED / "atmospheric_neutrinos/FLUKA_sub-GeV")


@pytest.mark.parametrize(
    ("model", "target", "expected"),
    [
        ("s27.0co_14s", "Xe", 15.95),
        ("s27.0co_14s", "Pb", 19.26),
        ("s40_bh", "Xe", 14.97),
        ("s40_bh", "Pb", 19.04),
        ("s40_0.2s", "Xe", 3.26),
        ("s40_0.2s", "Pb", 3.91),
        ("s27.0c", "Xe", 15.85),
        ("s27.0c", "Pb", 19.21),
    ],
)
def test_sn_events_per_tonne(sn, model, target, expected):
    assert events(sn[model], target) == pytest.approx(expected, rel=5e-3)


def test_sn_no_threshold_and_fluence(sn):
    assert events(sn["s27.0c"], "Xe", 301.0, threshold=0.0) == pytest.approx(26.1, rel=5e-3)
    e, tot, _ = fluxes.all_flavour_spectrum(sn["s27.0c"])
    assert np.trapezoid(tot, e) == pytest.approx(1.237e12, rel=2e-3)
    assert np.trapezoid(tot * e, e) / np.trapezoid(tot, e) == pytest.approx(13.34, rel=2e-3)
    assert sn["s40_bh"].attrs["t_end_used_s"] == pytest.approx(0.568, abs=1e-3)


@pytest.mark.parametrize(("target", "expected"), [("Xe", 96.1), ("Pb", 33.0)])
def test_solar_events_per_tonne_year(solar, target, expected):
    assert events(solar, target) == pytest.approx(expected, rel=5e-3)


@pytest.mark.parametrize(("target", "expected"), [("Xe", 0.0556), ("Pb", 0.0672)])
def test_atmospheric_events_per_tonne_year(atm, target, expected):
    e, tot, _ = fluxes.all_flavour_spectrum(atm)
    assert np.trapezoid(tot, e) == pytest.approx(10.55, rel=2e-3)
    assert events(atm, target, 1001.0) == pytest.approx(expected, rel=0.01)


@pytest.mark.parametrize("target", ["Xe", "Pb"])
@pytest.mark.parametrize(
    ("preset", "model"),
    [
        ("garching_s27.0co_14s", "s27.0co_14s"),
        ("garching_s40s7b2c_bh", "s40_bh"),
        ("garching_s40s7b2c_0.2s", "s40_0.2s"),
    ],
)
def test_embedded_sn_within_3_percent(sn, preset, model, target):
    assert events(fluxes.pinched_sn(preset), target) == pytest.approx(
        events(sn[model], target), rel=0.03
    )


@pytest.mark.parametrize("target", ["Xe", "Pb"])
def test_embedded_solar_and_atmospheric_within_3_percent(solar, atm, target):
    assert events(fluxes.solar_beta_spectra(), target) == pytest.approx(
        events(solar, target), rel=0.03
    )
    assert events(fluxes.atmospheric_parametrisation(), target, 1001.0) == pytest.approx(
        events(atm, target, 1001.0), rel=0.03
    )


def test_embedded_sn_spectrum_shape_per_bin(sn):
    """Bin by bin the embedded CC-SN spectrum stays within 10 % where > 1 % of the total."""
    det = rates.Detector("t", "Xe", 1.0, 1.0, 2.0, "1")
    grid = {"exposure_years": 1.0, "recoil_max_kev": 101.0, "nodes_per_bin": 8}
    vec = [PRESETS["vector"]]
    a = rates.compute_rates(sn["s27.0co_14s"], det, vec, [1.0], **grid).events_sm.isel(
        model=0, mass=0
    )
    b = rates.compute_rates(
        fluxes.pinched_sn("garching_s27.0co_14s"), det, vec, [1.0], **grid
    ).events_sm.isel(model=0, mass=0)
    big = a.values > 0.01 * a.values.sum()
    np.testing.assert_allclose(b.values[big], a.values[big], rtol=0.10)


def test_xenon1t_efficiency_fit_residual():
    e, eff = np.loadtxt(
        SHARED / "detectors/xenon1t_2018/nr_efficiency_fig1_digitized_bradkav.txt", unpack=True
    )
    assert np.max(np.abs(rates.efficiency("xenon1t", e) - np.clip(eff, 0, None))) < 0.015


def test_xenon1t_s2only_8b_folding(solar):
    """8B rate x official S2-only response x 356770 kg d, E_nr >= 0.7 keV, phi = 5.16e6: 3.85
    (release: 3.842 expected CEvNS events)."""
    import pandas as pd

    from lightmed import cevns

    base = SHARED / "detectors/xenon1t_s2only_2019"
    resp = pd.read_csv(base / "s2_response_nr.csv", comment="#")
    e_nr = resp["energy_kev"].to_numpy(float)
    width = (resp["energy_bin_end_kev"] - resp["energy_bin_start_kev"]).to_numpy(float)
    matrix = resp.iloc[:, 3:].to_numpy(float)
    e = solar.energy.values
    b8 = solar.flux_component.sel(component="8B").values * 5.16e6 / 5.46e6
    ds = cevns.dsigma_coefficients(e[None, :], e_nr[:, None], 1.0, "Xe", "vector")[0]
    from lightmed.targets import TARGETS

    xe = TARGETS["Xe"]
    n_t_per_kg = xe.nuclei_per_tonne(xe.nuclei[0]) / 1e3
    rate = n_t_per_kg * np.trapezoid(ds * b8[None, :], e, axis=1) * 86400  # /kg/day/keV
    rate[e_nr < 0.7] = 0.0
    expected = np.sum((rate * width)[:, None] * matrix) * 356770
    assert expected == pytest.approx(3.842, rel=0.02)
