"""Rates: the coefficient contraction equals a brute-force integral; detector config errors."""

from __future__ import annotations

import numpy as np
import pytest

from lightmed import cevns, fluxes, rates
from lightmed.constants import N_AVOGADRO
from lightmed.errors import ConfigError
from lightmed.targets import TARGETS


def _toy_flux():
    e = np.linspace(0.5, 80.0, 4000)
    phi = fluxes.pinched_spectrum(e, 14.0, 2.5) * 1e11
    return fluxes.make_spectrum_dataset(e, phi[None, :], ["nue"], [1], "fluence", "toy")


@pytest.mark.parametrize("model", ["vector", "scalar"])
@pytest.mark.parametrize("target", ["Xe", "Pb_natural"])
def test_contraction_equals_brute_force(model, target):
    flux = _toy_flux()
    det = rates.Detector("t", target, 2.0, 1.0, 2.0)
    masses = np.array([0.1, 20.0, 500.0])
    ds = rates.compute_rates(flux, det, masses, recoil_max_kev=21.0, nodes_per_bin=12)
    e = flux.energy.values
    psi = flux.fluence.values[0]
    tgt = TARGETS[target]
    n_t = 2.0 * 1e6 / tgt.formula_mass * N_AVOGADRO  # formula units per 2 t
    g = 3e-5
    for k, m in enumerate(masses):
        n_fast = (
            (ds.events_sm + g**2 * ds.events_int + g**4 * ds.events_np)
            .sel(model=model)
            .isel(mass=k)
            .values
        )
        for b in (0, 3, 9):
            lo, hi = ds.recoil_edges.values[b], ds.recoil_edges.values[b + 1]
            er = np.linspace(lo, hi, 201)
            ds_de = cevns.dsigma(e[None, :], er[:, None], g, m, tgt, model)
            inner = np.trapezoid(ds_de * psi[None, :], e, axis=1)
            brute = n_t * np.trapezoid(inner, er)
            assert n_fast[b] == pytest.approx(brute, rel=2e-3), (m, b)


def test_bins_and_exposure_scaling():
    det = rates.Detector("t", "Xe", 1.0, 1.0, 2.0)
    np.testing.assert_allclose(det.edges_kev(101.0), np.arange(1.0, 102.0, 2.0))
    flux = fluxes.atmospheric_parametrisation()
    one = rates.compute_rates(flux, det, [1.0], exposure_years=1.0)
    ten = rates.compute_rates(flux, det, [1.0], exposure_years=10.0)
    np.testing.assert_allclose(ten.events_sm.values, 10 * one.events_sm.values)
    heavy = rates.compute_rates(flux, rates.Detector("t", "Xe", 40.0, 1.0, 2.0), [1.0])
    np.testing.assert_allclose(heavy.events_sm.values, 40 * one.events_sm.values)


def test_heavy_mediator_decouples():
    ds = rates.compute_rates(_toy_flux(), rates.Detector("t", "Xe", 1.0, 1.0, 2.0), [1e7])
    g = 1e-5
    n = ds.events_sm + g**2 * ds.events_int + g**4 * ds.events_np
    np.testing.assert_allclose(n.values, ds.events_sm.values, rtol=1e-6)


def test_xenon1t_efficiency_shape():
    eff = rates.efficiency("xenon1t", np.array([1.0, 5.0, 20.0, 30.0, 60.0]))
    assert eff[0] < 0.01 and 0.25 < eff[1] < 0.45 and 0.84 < eff[2] < 0.88
    assert eff[4] < 0.02
    assert np.all(rates.efficiency("1", [1.0, 50.0]) == 1.0)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            {"target": "Ar40", "mass_t": 1, "threshold_kev": 1, "bin_width_kev": 2},
            "detectors.d.target: unknown target 'Ar40'",
        ),
        (
            {"target": "Xe", "mass_t": 0, "threshold_kev": 1, "bin_width_kev": 2},
            "detectors.d.mass_t: must be > 0",
        ),
        (
            {"target": "Xe", "mass_t": 1, "threshold_kev": 1, "bin_width_kev": 0},
            "detectors.d.bin_width_kev",
        ),
        (
            {
                "target": "Xe",
                "mass_t": 1,
                "threshold_kev": 1,
                "bin_width_kev": 2,
                "efficiency": "lux",
            },
            "detectors.d.efficiency",
        ),
        ({"mass_t": 1, "threshold_kev": 1, "bin_width_kev": 2}, "detectors.d.target: missing"),
    ],
)
def test_detector_config_errors(block, message):
    with pytest.raises(ConfigError, match=message):
        rates.Detector.from_config("d", block)
