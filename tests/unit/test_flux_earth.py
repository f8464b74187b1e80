"""Fluxes at Earth: six species, flavour conversion options, invariance of the all-flavour
spectrum, the fluxes artifact and its one-line errors."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from lightmed import fluxes
from lightmed import oscillations as osc
from lightmed.config import validate_config
from lightmed.errors import ArtifactError, ConfigError, InputError
from lightmed.io import write_artifact
from lightmed.smk.fluxes import flux_input, flux_params

from helpers import REPO

CONFIG = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
SOURCES = validate_config(copy.deepcopy(CONFIG), SCHEMA)["sources"]

#: All-flavour integrals of the default sources' spectra as the rates saw them before the
#: fluxes stage existed (lightmed main at b4a78f3, all_flavour_spectrum(load_source(...)),
#: trapezoid over the loader's grid): fluence [cm^-2] for SN, flux [cm^-2 s^-1] otherwise.
#: Pinned with the all-flavour value at three grid points (index n//10, n//3, n//2).
TODAY = {
    "sn_ccsn": (1342703106784.445, [56468359288.924034, 225759260.7930006, 2101464.4976696693]),
    "sn_failed": (633291501677.6757, [27058201271.92131, 843893497.4665656, 43468611.517606206]),
    "solar": (5467980.0, [224980.95181196276, 715994.9160052052, 426250.67647836875]),
    "atmospheric": (
        10.537662324918797,
        [0.07378351826164112, 0.06726056452456944, 0.03300115754893379],
    ),
}
#: The same with the real tables of ../shared/data (garching s27.0co 0-14 s, Winter 2006 8B +
#: Bahcall hep, FLUKA sub-GeV), main at b4a78f3.
TODAY_SHARED = {
    "garching_emission": (1342708751839.8347, [56140748967.538574, 253685154.0889276]),
    "solar_spectra": (5467980.0, [224319.7857074573, 715483.6628068533]),
    "fluka_atmospheric": (10.545861777022358, [0.07327096156769665, 0.06370583733380242]),
}


def _total(ds):
    e, total, _ = fluxes.all_flavour_spectrum(ds)
    n = e.size
    return np.trapezoid(total, e), total[[n // 10, n // 3, n // 2]]


@pytest.fixture(scope="module")
def emitted():
    return {name: fluxes.load_emitted(name, block) for name, block in SOURCES.items()}


@pytest.mark.parametrize("name", list(SOURCES))
def test_every_option_keeps_the_all_flavour_spectrum(name, emitted):
    """Unitarity: each option only moves flux between flavours, to round-off; and the totals
    equal what the rates used before the fluxes stage (<= 1e-10)."""
    block = SOURCES[name]
    _, reference, _ = fluxes.all_flavour_spectrum(emitted[name])
    integral, samples = TODAY[name]
    for option in fluxes.OSCILLATIONS[block["loader"]]:
        ds = fluxes.load_source(name, {**block, "oscillation": option})
        assert list(ds.flavour.values) == list(fluxes.EARTH_FLAVOURS)
        assert np.all(ds.multiplicity.values == 1)
        _, total, _ = fluxes.all_flavour_spectrum(ds)
        np.testing.assert_allclose(total, reference, rtol=1e-13, atol=0)
        got_integral, got_samples = _total(ds)
        assert got_integral == pytest.approx(integral, rel=1e-10), option
        np.testing.assert_allclose(got_samples, samples, rtol=1e-10)
        assert ds.attrs["oscillation"] == option
        kind = ds.attrs["spectrum_kind"]
        assert np.all(ds[kind].values >= 0)


def test_no_oscillation_copies_the_emitted_species(emitted):
    sn = fluxes.load_source("sn_ccsn", {**SOURCES["sn_ccsn"], "oscillation": "none"})
    nux = emitted["sn_ccsn"].fluence.sel(flavour="nux").values
    for f in ("numu", "numubar", "nutau", "nutaubar"):
        np.testing.assert_array_equal(sn.fluence.sel(flavour=f).values, nux)
    np.testing.assert_array_equal(sn.fluence_emitted.values, emitted["sn_ccsn"].fluence.values)
    assert list(sn.emitted_multiplicity.values) == [1, 1, 4]
    sol = fluxes.load_source("solar", {**SOURCES["solar"], "oscillation": "none"})
    assert float(sol.flux.drop_sel(flavour="nue").sum()) == 0.0
    np.testing.assert_array_equal(sol.electron_survival_probability.values, 1.0)
    atm = fluxes.load_source("atmospheric", {**SOURCES["atmospheric"], "oscillation": "none"})
    assert float(atm.flux.sel(flavour=["nutau", "nutaubar"]).sum()) == 0.0
    for f in fluxes.ATM_FLAVOURS:
        np.testing.assert_array_equal(
            atm.flux.sel(flavour=f).values, emitted["atmospheric"].flux.sel(flavour=f).values
        )


def test_solar_flavour_fractions_at_10_mev():
    """8B-dominated flux at 10 MeV, B16-GS98, NuFIT 5.2 NO, adiabatic day-time MSW-LMA:
    nu_e 0.3219, nu_mu 0.4035, nu_tau 0.2745 (SNO 2013: P_ee(10 MeV) = 0.317 +- 0.018)."""
    ds = fluxes.load_source("solar", SOURCES["solar"])
    assert ds.attrs["oscillation"] == "msw_lma"
    at10 = ds.flux.sel(energy=10.0, method="nearest")
    frac = (at10 / at10.sum()).to_series()
    assert frac["nue"] == pytest.approx(0.32193, abs=5e-5)
    assert frac["numu"] == pytest.approx(0.40355, abs=5e-5)
    assert frac["nutau"] == pytest.approx(0.27452, abs=5e-5)
    assert frac[["nuebar", "numubar", "nutaubar"]].sum() == 0.0
    p = osc.get_parameters("nufit52", "normal")
    e = ds.energy.values
    expected = osc.solar_transition_probabilities(e, 87.933, p)[0]
    np.testing.assert_allclose(
        ds.electron_survival_probability.sel(component="8B").values, expected, rtol=1e-14
    )
    # higher n_e conversion for 8B than for hep (produced further out, lower density)
    p_ee = ds.electron_survival_probability.sel(energy=10.0, method="nearest")
    assert float(p_ee.sel(component="8B")) < float(p_ee.sel(component="hep"))


def test_sn_msw_moves_flux_between_flavours(emitted):
    base = SOURCES["sn_ccsn"]
    none = fluxes.load_source("sn_ccsn", {**base, "oscillation": "none"})
    normal = fluxes.load_source("sn_ccsn", {**base, "oscillation": "msw_normal"})
    inverted = fluxes.load_source("sn_ccsn", {**base, "oscillation": "msw_inverted"})
    em = emitted["sn_ccsn"].fluence
    # Dighe & Smirnov: the electron flavour at Earth keeps the fraction |U_e i|^2 of the mass
    # state nu_e (nubar_e) leaves as, the rest is heavy-lepton flux. Normal: nu_e -> nu_3
    # (|U_e3|^2 = s13^2), nubar_e -> nubar_1 (c12^2 c13^2); inverted: nu_e -> nu_2
    # (s12^2 c13^2), nubar_e -> nubar_3 (s13^2), each with its ordering's NuFIT values.
    for ds, ordering in ((normal, "normal"), (inverted, "inverted")):
        p = osc.get_parameters("nufit52", ordering)
        s12, s13 = p.sin2_theta12, p.sin2_theta13
        keep = {
            "normal": {"nue": s13, "nuebar": (1 - s12) * (1 - s13)},
            "inverted": {"nue": s12 * (1 - s13), "nuebar": s13},
        }[ordering]
        for flavour, fraction in keep.items():
            np.testing.assert_allclose(
                ds.fluence.sel(flavour=flavour).values,
                fraction * em.sel(flavour=flavour).values
                + (1 - fraction) * em.sel(flavour="nux").values,
                rtol=1e-12,
                err_msg=f"{ordering} {flavour}",
            )
    for ds in (normal, inverted):
        assert not np.allclose(ds.fluence.values, none.fluence.values)
        assert "Dighe & Smirnov" in ds.attrs["oscillation_description"]
        assert "no Earth matter" in ds.attrs["oscillation_description"]
        assert ds.attrs["oscillation_parameters"].startswith("name=nufit52")
    assert "ordering=inverted" in inverted.attrs["oscillation_parameters"]


def test_atmospheric_averaged_creates_tau():
    ds = fluxes.load_source("atmospheric", {**SOURCES["atmospheric"], "oscillation": "averaged"})
    assert float(ds.flux.sel(flavour="nutau").sum()) > 0
    assert float(ds.flux.sel(flavour="nutaubar").sum()) > 0


def test_schema_fills_per_loader_defaults_and_rejects_mismatches():
    config = copy.deepcopy(CONFIG)
    for block in config["sources"].values():
        block.pop("oscillation", None)
        block.pop("oscillation_parameters", None)
    sources = validate_config(config, SCHEMA)["sources"]
    assert {n: b["oscillation"] for n, b in sources.items()} == {
        "sn_ccsn": "none",
        "sn_failed": "none",
        "solar": "msw_lma",
        "atmospheric": "none",
    }
    assert all(b["oscillation_parameters"] == "nufit52" for b in sources.values())
    config = copy.deepcopy(CONFIG)
    config["sources"]["solar"]["oscillation"] = "msw_normal"
    with pytest.raises(ConfigError) as info:
        validate_config(config, SCHEMA)
    assert str(info.value) == (
        "config: sources.solar.oscillation = 'msw_normal' is not allowed; "
        "choose one of: msw_lma, none"
    )


def test_library_errors_are_one_line():
    block = {k: v for k, v in SOURCES["sn_ccsn"].items() if k != "oscillation"}
    with pytest.raises(ConfigError, match=r"^sources.sn_ccsn.oscillation is missing; choose"):
        fluxes.load_source("sn_ccsn", block)
    with pytest.raises(ConfigError) as info:
        fluxes.load_source("sn_ccsn", {**block, "oscillation": "averaged"})
    assert "not available for loader garching_emission" in str(info.value)
    assert "\n" not in str(info.value)


def test_artifact_round_trip_and_reader_errors(tmp_path, emitted):
    ds = fluxes.load_source("solar", SOURCES["solar"])
    path = write_artifact(
        ds, tmp_path / "fluxes" / "solar.nc", stage="fluxes", title="t", rule="ingest_flux"
    )
    back = fluxes.read_flux(path)
    assert back.attrs["lightmed_schema"] == "lightmed.fluxes/1"
    np.testing.assert_array_equal(back.flux.values, ds.flux.values)
    fluxes.check_earth_flavours(back, str(path))
    with pytest.raises(InputError) as info:
        fluxes.check_earth_flavours(emitted["sn_ccsn"], "sn.nc")
    assert str(info.value).startswith("sn.nc: flavours nue, nuebar, nux are not the six")
    wrong = write_artifact(
        ds.drop_vars("flux"), tmp_path / "x.nc", stage="fluxes", title="t", rule="r"
    )
    with pytest.raises(ArtifactError, match="no 'fluence' or 'flux' variable"):
        fluxes.read_flux(wrong)
    other = write_artifact(ds, tmp_path / "y.nc", stage="rates", title="t", rule="r")
    with pytest.raises(ArtifactError, match="lightmed_schema is 'lightmed.rates/"):
        fluxes.read_flux(other)


def test_rule_helpers_keep_exposure_out_of_the_ingest():
    config = {"sources": copy.deepcopy(SOURCES)}
    assert "exposure_years" not in flux_params(config, "solar")
    assert flux_params(config, "solar")["oscillation"] == "msw_lma"
    assert flux_input(config, "solar") == []
    config["sources"]["solar"]["path"] = {"b8": "a.csv", "hep": "b.csv"}
    assert flux_input(config, "solar") == ["a.csv", "b.csv"]


@pytest.mark.requires_shared_data
def test_real_tables_keep_their_totals_under_every_option(shared_data):
    blocks = {
        "garching_emission": {
            "loader": "garching_emission",
            "path": str(shared_data / "sn_emission/garching_LS220_s27.0co"),
            "t_max_s": 14.0,
        },
        "solar_spectra": {
            "loader": "solar_spectra",
            "path": {
                "b8": str(shared_data / "solar_neutrinos/8B_spectrum_Winter2006.csv"),
                "hep": str(shared_data / "solar_neutrinos/hep_spectrum_Bahcall1997.csv"),
            },
        },
        "fluka_atmospheric": {
            "loader": "fluka_atmospheric",
            "path": str(shared_data / "atmospheric_neutrinos/FLUKA_sub-GeV"),
        },
    }
    for loader, block in blocks.items():
        integral, samples = TODAY_SHARED[loader]
        for option in fluxes.OSCILLATIONS[loader]:
            ds = fluxes.load_source(loader, {**block, "oscillation": option})
            got_integral, got_samples = _total(ds)
            assert got_integral == pytest.approx(integral, rel=1e-10), (loader, option)
            np.testing.assert_allclose(got_samples[:2], samples, rtol=1e-10)
    digests = fluxes.input_digests([blocks["fluka_atmospheric"]["path"]])
    assert len(digests.splitlines()) == 4 and "AtmNu_e.txt" in digests
