"""The mediator-model registry (lightmed.models): charges, derived quantities, config models."""

from __future__ import annotations

import math

import pytest

from lightmed.errors import ConfigError
from lightmed.models import (
    PRESETS,
    SIGMA_TERMS,
    axis_factor,
    flavour_key,
    get_model,
    model_from_config,
    registry_from_config,
)


def test_st21_scalar_charge_is_14a_plus_1p1z():
    """[ST21] Eq. 10: Q_s = 14 A + 1.1 Z from the default (st21) sigma-term preset."""
    scalar = PRESETS["scalar"]
    for a, z in ((131, 54), (207, 82), (40, 18)):
        assert scalar.nuclear_charge(z, a - z) == pytest.approx(14 * a + 1.1 * z, rel=1e-14)


def test_st21_vector_charge_is_3a_and_bl_is_a():
    """[ST21] Eq. 6 (Q'_w = 3A per unit g_q) and B-L (quark charge 1/3: Q' = A)."""
    assert PRESETS["vector"].nuclear_charge(54, 77) == 3 * 131
    bl = PRESETS["bl_vector"]
    assert bl.nuclear_charge(54, 77) == pytest.approx(131, rel=1e-15)
    assert bl.charge_product("e", "n") == pytest.approx(-1.0, rel=1e-15)


def test_c21_scalars_have_unit_nucleon_charges_and_their_nature():
    for name, nature in (("lnc_scalar", "dirac"), ("lnv_scalar", "majorana")):
        m = PRESETS[name]
        assert m.nucleon_charges == pytest.approx({"p": 1.0, "n": 1.0}, rel=1e-15)
        assert m.nature == nature
    assert PRESETS["lnc_scalar"].term_blocking("np") == "none"
    assert PRESETS["lnc_scalar"].term_blocking("np", "paper") == "sm"
    assert PRESETS["lnv_scalar"].term_blocking("np") == "sm"


def test_criteria_follow_the_lepton_number_structure():
    assert PRESETS["bl_vector"].criteria == ("dt_10s", "dt_2sm")
    assert PRESETS["lnc_scalar"].criteria[-2:] == ("nur_conversion", "nur_retrapping")
    assert PRESETS["lnv_scalar"].criteria[-1] == "eos_indicative"
    assert PRESETS["scalar"].criteria == ()
    assert "lepton-number" in PRESETS["scalar"].sn_core_status()
    assert "no coupling to nu_e" in PRESETS["b3lmu_vector"].sn_core_status("e")
    assert PRESETS["b3le_vector"].sn_core_status("e") == ""


def test_b_minus_3l_charges():
    """U(1)_{B-3L_alpha}: baryon number 1/3 per quark, lepton charge -3 on one flavour."""
    e, mu = PRESETS["b3le_vector"], PRESETS["b3lmu_vector"]
    assert [e.neutrino_charge(f) for f in ("e", "mu", "tau")] == [-3.0, 0.0, 0.0]
    assert [mu.neutrino_charge(f) for f in ("e", "mu", "tau")] == [0.0, -3.0, 0.0]
    assert e.nucleon_charges == pytest.approx({"p": 1.0, "n": 1.0})


def test_axis_mapping_scalar_to_c21_is_sqrt_13p8():
    """[C21] Y = sqrt(C_nu C_N) with C_N = 13.8 C_q: Y = sqrt(13.8) g for the same couplings."""
    f = axis_factor(PRESETS["scalar"], PRESETS["lnc_scalar"])
    assert f == pytest.approx(math.sqrt(13.8), rel=1e-14)
    assert axis_factor(PRESETS["lnc_scalar"], PRESETS["scalar"]) == pytest.approx(1 / f)
    # vector vs B-L: opposite sign of the interference -> not a rescaling
    assert axis_factor(PRESETS["vector"], PRESETS["bl_vector"]) is None
    assert axis_factor(PRESETS["vector"], PRESETS["scalar"]) is None
    assert axis_factor(PRESETS["bl_vector"], PRESETS["b3le_vector"]) is None


def test_computed_sigma_terms_preset():
    """Ellis-Olive-Savage 2008 f_Tq with PDG 2022 masses: c_p = 15.17, c_n = 14.57."""
    c = SIGMA_TERMS["eos2008_pdg2022"].nucleon_charges({q: 1.0 for q in "udscbt"})
    assert c["p"] == pytest.approx(15.1686, abs=1e-3)
    assert c["n"] == pytest.approx(14.5707, abs=1e-3)
    with pytest.raises(ConfigError, match="universal quark couplings only"):
        SIGMA_TERMS["st21"].nucleon_charges({"u": 1.0, "d": 0.5})


def test_user_model_from_config():
    m = model_from_config(
        "u_vector",
        {
            "spin": "vector",
            "quark_charges": {"u": 1, "d": 0},
            "neutrino_charges": {"e": 1},
            "coupling": {"name": "g_u", "latex": "g_u"},
        },
    )
    assert m.nucleon_charges == {"p": 2.0, "n": 1.0}
    assert m.nuclear_charge(18, 22) == 2 * 18 + 22
    assert m.couples_to("nuebar") and not m.couples_to("numu")
    assert m.axis_label == "$g_u$"


def test_preset_with_changes_and_errors():
    reg = registry_from_config({"bl_vector": {}, "lnc_paper": {"preset": "lnc_scalar"}})
    assert reg["lnc_paper"].lepton_number == "lnc"
    assert get_model("vector") is PRESETS["vector"]
    with pytest.raises(ConfigError, match="a new model needs"):
        model_from_config("x", {"spin": "vector"})
    with pytest.raises(ConfigError, match="not a built-in model"):
        model_from_config("x", {"preset": "nope"})
    with pytest.raises(ConfigError, match="unknown quark"):
        model_from_config("x", {"preset": "vector", "quark_charges": {"q": 1}})
    with pytest.raises(ConfigError, match="applies to scalars only"):
        model_from_config("x", {"preset": "vector", "lepton_number": "lnc"})
    with pytest.raises(ConfigError, match="unknown mediator model"):
        get_model("nope")


def test_flavour_keys():
    assert [flavour_key(f) for f in ("nue", "nu_e", "numubar", "nutau", "e")] == [
        "e",
        "e",
        "mu",
        "tau",
        "e",
    ]
    with pytest.raises(ConfigError):
        flavour_key("nux")


def test_schema_enums_follow_the_registry(repo_root):
    """The schema's model choices come from the registry (no copy in the YAML to drift)."""
    import yaml

    from lightmed.config import load_schema
    from lightmed.models import ALL_CRITERIA, LEPTON_NUMBER, NORMALISATIONS, SPINS

    path = repo_root / "workflow/schemas/config.schema.yaml"
    raw = yaml.safe_load(path.read_text())["definitions"]["mediator_model"]["properties"]
    assert "enum" not in raw["preset"] and "enum" not in raw["sigma_terms"]
    props = load_schema(path)["definitions"]["mediator_model"]["properties"]
    assert props["preset"]["enum"] == list(PRESETS)
    assert props["sigma_terms"]["enum"] == list(SIGMA_TERMS)
    assert props["spin"]["enum"] == list(SPINS)
    assert props["sn_core_criteria"]["items"]["enum"] == list(ALL_CRITERIA)
    assert [x for x in props["lepton_number"]["enum"] if x] == list(LEPTON_NUMBER)
    assert props["coupling"]["properties"]["normalisation"]["enum"] == list(NORMALISATIONS)


def test_config_models_are_checked(repo_root):
    import copy

    import yaml

    from lightmed.config import check_references, validate_config

    base = yaml.safe_load((repo_root / "config/config.yaml").read_text())
    schema = repo_root / "workflow/schemas/config.schema.yaml"
    cfg = copy.deepcopy(base)
    cfg["models"]["bad"] = {"spin": "vector"}
    validate_config(cfg, schema)
    with pytest.raises(ConfigError, match="models.bad: a new model needs"):
        check_references(cfg)
    cfg = copy.deepcopy(base)
    cfg["models"]["bl_vector"]["sn_core_grid"] = {"mass_mev": {"min": 1e-4, "max": 1, "num": 3}}
    validate_config(cfg, schema)
    with pytest.raises(ConfigError, match="below kernels.min_mediator_mass_mev"):
        check_references(cfg)
    cfg = copy.deepcopy(base)
    cfg["detectors"]["darwin"]["target"] = "Kr"
    validate_config(cfg, schema)
    with pytest.raises(ConfigError, match="detectors.darwin.target = 'Kr'"):
        check_references(cfg)
