"""Binned rates: the coefficient contraction equals a brute-force integral; registry models and
targets; the regression pin of the default artifacts; detector config errors."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from lightmed import cevns, fluxes, rates
from lightmed.config import validate_config
from lightmed.constants import N_AVOGADRO
from lightmed.errors import ConfigError, InputError
from lightmed.models import PRESETS
from lightmed.targets import TARGETS

from helpers import REPO

UNIVERSAL = {name: PRESETS[name] for name in ("vector", "scalar", "bl_vector")}
GRID = {"exposure_years": 1.0, "recoil_max_kev": 101.0, "nodes_per_bin": 8}


def _toy_flux():
    e = np.linspace(0.5, 80.0, 4000)
    phi = fluxes.pinched_spectrum(e, 14.0, 2.5) * 1e11
    return fluxes.make_spectrum_dataset(e, phi[None, :], ["nue"], [1], "fluence", "toy")


@pytest.mark.parametrize("model", ["vector", "scalar", "bl_vector", "b3le_vector"])
@pytest.mark.parametrize("target", ["Xe", "Pb_natural", "CsI"])
def test_contraction_equals_brute_force(model, target):
    flux = _toy_flux()
    det = rates.Detector("t", target, 2.0, 1.0, 2.0, "1")
    masses = np.array([0.1, 20.0, 500.0])
    ds = rates.compute_rates(
        flux,
        det,
        [PRESETS[model]],
        masses,
        exposure_years=1.0,
        recoil_max_kev=21.0,
        nodes_per_bin=12,
    )
    e = flux.energy.values
    psi = flux.fluence.values[0]
    n_t = 2.0 * 1e6 / TARGETS[target].formula_mass * N_AVOGADRO  # formula units per 2 t
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
            ds_de = cevns.dsigma(e[None, :], er[:, None], g, m, target, model, "nue")
            inner = np.trapezoid(ds_de * psi[None, :], e, axis=1)
            brute = n_t * np.trapezoid(inner, er)
            assert n_fast[b] == pytest.approx(brute, rel=2e-3), (m, b)


def test_bins_exposure_and_flavour_split():
    det = rates.Detector("t", "Xe", 1.0, 1.0, 2.0, "1")
    np.testing.assert_allclose(det.edges_kev(101.0), np.arange(1.0, 102.0, 2.0))
    flux = fluxes.atmospheric_parametrisation()
    one = rates.compute_rates(flux, det, UNIVERSAL, [1.0], **GRID)
    ten = rates.compute_rates(flux, det, UNIVERSAL, [1.0], **{**GRID, "exposure_years": 10.0})
    np.testing.assert_allclose(ten.events_sm.values, 10 * one.events_sm.values)
    heavy = rates.compute_rates(
        flux, rates.Detector("t", "Xe", 40.0, 1.0, 2.0, "1"), UNIVERSAL, [1.0], **GRID
    )
    np.testing.assert_allclose(heavy.events_sm.values, 40 * one.events_sm.values)
    assert list(one.model.values) == ["vector", "scalar", "bl_vector"]
    assert list(one.coupling_name.values) == ["g", "g", "g_BL"]
    assert list(one.flavour.values) == ["nue", "nuebar", "numu", "numubar"]
    np.testing.assert_allclose(
        one.events_sm_flavour.sum("flavour"), one.events_sm.isel(model=0, mass=0), rtol=1e-13
    )
    # B-3L_mu sees the numu and numubar entries only: its np term / 9 is their SM-like part
    mu = rates.compute_rates(flux, det, [PRESETS["b3lmu_vector"]], [1e4], **GRID)
    e_only = rates.compute_rates(flux, det, [PRESETS["b3le_vector"]], [1e4], **GRID)
    assert np.all(mu.events_np.values > 0) and np.all(e_only.events_np.values > 0)
    ratio = float(mu.events_np.sum() / e_only.events_np.sum())
    sm_f = one.events_sm_flavour.sum("recoil_energy")
    expected = float(
        sm_f.sel(flavour=["numu", "numubar"]).sum() / sm_f.sel(flavour=["nue", "nuebar"]).sum()
    )
    assert ratio == pytest.approx(expected, rel=1e-3)  # m >> q: np / SM is the same per bin


def test_heavy_mediator_decouples():
    det = rates.Detector("t", "Xe", 1.0, 1.0, 2.0, "1")
    ds = rates.compute_rates(_toy_flux(), det, UNIVERSAL, [1e7], **GRID)
    g = 1e-5
    n = ds.events_sm + g**2 * ds.events_int + g**4 * ds.events_np
    np.testing.assert_allclose(n.values, ds.events_sm.values, rtol=1e-6)


def test_xenon1t_efficiency_shape():
    eff = rates.efficiency("xenon1t", np.array([1.0, 5.0, 20.0, 30.0, 60.0]))
    assert eff[0] < 0.01 and 0.25 < eff[1] < 0.45 and 0.84 < eff[2] < 0.88
    assert eff[4] < 0.02
    assert np.all(rates.efficiency("1", [1.0, 50.0]) == 1.0)


#: Regression pin: results/rates of the default pipeline before the registry (lightmed at
#: b4a78f3; /work/baseline_results): (source, detector, model, bin, mass index, events_sm,
#: events_int, events_np). B-L must equal the vector rates x (1, -1/3, 1/9).
PINNED = [
    (
        "sn_ccsn",
        "resnova3",
        "vector",
        0,
        0,
        6153.3168616547337,
        -12617859680479.107,
        7.0628889744066772e21,
    ),
    (
        "sn_ccsn",
        "resnova3",
        "vector",
        5,
        199,
        41.554305213800241,
        -526858.12595639681,
        1669980303.2408552,
    ),
    ("sn_ccsn", "resnova3", "scalar", 2, 120, 582.38859116905257, 0.0, 1.9342056507361169e21),
    (
        "solar",
        "darwin_x1teff",
        "vector",
        2,
        120,
        0.0017336381484198285,
        -1476306.8251524137,
        314424190235308.12,
    ),
    ("solar", "darwin_x1teff", "scalar", 0, 0, 19.903537339200092, 0.0, 5.5045292311271849e21),
    (
        "atmospheric",
        "xenonnt",
        "vector",
        5,
        199,
        0.014232532619168282,
        -186.06458601851483,
        608114.36545882176,
    ),
    ("atmospheric", "xenonnt", "scalar", 2, 120, 0.021403510046266568, 0.0, 9426393512347964.0),
    (
        "sn_failed",
        "darwin",
        "vector",
        2,
        120,
        76.69995598539208,
        -58663977670.892708,
        1.1290773549558143e19,
    ),
    ("sn_failed", "darwin", "scalar", 5, 199, 20.091381896045544, 0.0, 35639997769.667694),
]


@pytest.fixture(scope="module")
def default_config():
    raw = yaml.safe_load((REPO / "config/config.yaml").read_text())
    return validate_config(raw, REPO / "workflow/schemas/config.schema.yaml")


@pytest.mark.parametrize(("source", "detector"), sorted({(p[0], p[1]) for p in PINNED}))
def test_default_rates_unchanged(default_config, source, detector):
    cfg = default_config
    grid = cfg["rates"]
    masses = np.geomspace(grid["mass_min_mev"], grid["mass_max_mev"], grid["n_mass"])
    flux = fluxes.load_source(source, cfg["sources"][source], REPO)
    det = rates.Detector.from_config(detector, cfg["detectors"][detector], cfg["targets"])
    ds = rates.compute_rates(
        flux,
        det,
        UNIVERSAL,
        masses,
        exposure_years=cfg["sources"][source]["exposure_years"],
        recoil_max_kev=grid["recoil_max_kev"],
        nodes_per_bin=grid["nodes_per_bin"],
    )
    for src, dname, model, b, k, sm, c2, c4 in PINNED:
        if (src, dname) != (source, detector):
            continue
        got = [
            float(ds[v].sel(model=model).isel(recoil_energy=b, mass=k))
            for v in ("events_sm", "events_int", "events_np")
        ]
        assert got == pytest.approx([sm, c2, c4], rel=1e-10, abs=0.0)
        if model == "vector":
            bl = [
                float(ds[v].sel(model="bl_vector").isel(recoil_energy=b, mass=k))
                for v in ("events_sm", "events_int", "events_np")
            ]
            assert bl == pytest.approx([sm, -c2 / 3, c4 / 9], rel=1e-10, abs=0.0)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"target": "Ar40", "mass_t": 1}, "detectors.d.target: unknown CEvNS target 'Ar40'"),
        ({"target": "Xe", "mass_t": 0}, r"config: detectors.d.mass_t = 0 is out of range"),
        ({"target": "Xe", "mass_t": 1, "bin_width_kev": 0}, "detectors.d.bin_width_kev"),
        ({"target": "Xe", "mass_t": 1, "efficiency": "lux"}, "detectors.d.efficiency"),
        ({"mass_t": 1}, "detectors.d: 'target' is a required property"),
        ({"target": "Xe", "mass_t": 1, "thresold_kev": 1}, "unknown key 'thresold_kev'"),
    ],
)
def test_detector_config_errors(block, message):
    with pytest.raises(ConfigError, match=message):
        rates.Detector.from_config("d", block)


def test_detector_defaults_come_from_the_schema():
    det = rates.Detector.from_config("d", {"target": "Ge", "mass_t": 3.0})
    assert (det.threshold_kev, det.bin_width_kev, det.efficiency) == (1.0, 2.0, "1")
    user = rates.Detector.from_config(
        "d", {"target": "ar40", "mass_t": 1.0}, {"ar40": {"nuclei": [{"A": 40, "Z": 18}]}}
    )
    assert user.target.nuclei[0].A == 40
    assert rates.Detector.from_config("d", {"target": "CsI", "mass_t": 1}).target.elements() == [
        "Cs",
        "I",
    ]


def test_model_not_coupling_to_the_flux_fails_with_one_line():
    det = rates.Detector("t", "Xe", 1.0, 1.0, 2.0, "1")
    with pytest.raises(InputError, match="b3lmu_vector couples to none of the flavours") as err:
        rates.compute_rates(_toy_flux(), det, [PRESETS["b3lmu_vector"]], [1.0], **GRID)
    assert "\n" not in str(err.value) and "models.b3lmu_vector.detectors: false" in str(err.value)


#: Regression pin of results/sensitivity before the registry (b4a78f3; /work/baseline_results):
#: (source_detector, model, mass index, coupling_bound at the first sigma_norm, n_intervals).
#: Today's bl_vector was the vector rates x (-1/3, 1/9); now its rates come from its charges.
PINNED_BOUNDS = [
    ("solar_darwin", "vector", 0, 6.00618683745841e-06, 1),
    ("solar_darwin", "vector", 180, 0.000724346837365954, 2),
    ("solar_darwin", "scalar", 100, 5.15823838311161e-06, 1),
    ("solar_darwin", "bl_vector", 0, 1.17160901671712e-05, 1),
    ("solar_darwin", "bl_vector", 180, 0.00141705595963474, 1),
    ("sn_ccsn_resnova3", "vector", 180, 0.00107298773188904, 2),
    ("sn_ccsn_resnova3", "scalar", 0, 6.62477587921135e-06, 1),
    ("sn_ccsn_resnova3", "bl_vector", 100, 9.43502188924586e-06, 1),
]


@pytest.mark.parametrize(("source", "detector"), [("solar", "darwin"), ("sn_ccsn", "resnova3")])
def test_default_sensitivities_unchanged(default_config, source, detector):
    """Bounds are solved to ~1e-12 (interval solver); pinned to 1e-10."""
    from lightmed.statistics import coupling_grid, sensitivity

    cfg = default_config
    grid = cfg["rates"]
    masses = np.geomspace(grid["mass_min_mev"], grid["mass_max_mev"], grid["n_mass"])
    flux = fluxes.load_source(source, cfg["sources"][source], REPO)
    det = rates.Detector.from_config(detector, cfg["detectors"][detector], cfg["targets"])
    ds = rates.compute_rates(
        flux,
        det,
        UNIVERSAL,
        masses,
        exposure_years=cfg["sources"][source]["exposure_years"],
        recoil_max_kev=grid["recoil_max_kev"],
        nodes_per_bin=grid["nodes_per_bin"],
    )
    block = cfg["sensitivity"]
    for name, model, k, bound, n_int in PINNED_BOUNDS:
        if name != f"{source}_{detector}":
            continue
        s = sensitivity(
            [ds],
            model,
            block["sigma_norm"][source][:1],
            coupling_grid(block["coupling_grid"]),
            confidence_level=block["confidence_level"],
            degrees_of_freedom=block["degrees_of_freedom"],
            pull=block["pull"],
        ).isel(sigma_norm=0, mass=k)
        assert float(s.coupling_bound) == pytest.approx(bound, rel=1e-10)
        assert int(s.n_intervals) == n_int
