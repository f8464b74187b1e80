"""Config schema: the default validates, every key is documented, bad values fail clearly."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from lightmed.config import load_schema, validate_config
from lightmed.errors import ConfigError

from helpers import REPO

SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


@pytest.fixture(scope="module")
def default_config():
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def _walk(schema, path=""):
    for key, sub in schema.get("properties", {}).items():
        yield f"{path}{key}", sub
        yield from _walk(sub, f"{path}{key}.")


def test_default_config_validates(default_config):
    validate_config(copy.deepcopy(default_config), SCHEMA)


def test_every_schema_key_has_description_and_type():
    schema = load_schema(SCHEMA)
    for key, sub in _walk(schema):
        assert "description" in sub, f"schema key {key} lacks a description"
        assert "type" in sub or "$ref" in sub, f"schema key {key} lacks a type"


def test_every_config_key_is_commented():
    """Each key of config/config.yaml appears in the schema and the YAML carries comments."""
    text = (REPO / "config" / "config.yaml").read_text()
    schema = load_schema(SCHEMA)
    for key in yaml.safe_load(text):
        assert key in schema["properties"], f"config key {key} missing from the schema"
    # every key the schema names (not a user's own entry such as a detector or snapshot name)
    # is explained by name in a comment of the file
    comments = " ".join(line.partition("#")[2] for line in text.splitlines() if "#" in line)
    named: set[str] = set()

    def properties(node):
        if isinstance(node, dict):
            named.update(
                node.get("properties", {}) if isinstance(node.get("properties"), dict) else ()
            )
            for value in node.values():
                properties(value)
        elif isinstance(node, list):
            for value in node:
                properties(value)

    def keys(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield str(key)
                yield from keys(value)
        elif isinstance(node, list):
            for value in node:
                yield from keys(value)

    properties(schema)
    used = {key for key in keys(yaml.safe_load(text)) if key in named}
    assert len(used) > 100  # the schema's keys were found
    silent = sorted(k for k in used if not re.search(rf"(?<!\w){re.escape(k)}(?!\w)", comments))
    assert not silent, f"config/config.yaml keys without a comment naming them: {silent}"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda c: c["rmf"].update(tolerence=1e-8), "unknown key 'tolerence' under 'rmf'"),
        (lambda c: c["rmf"].update(tolerance=1.0), "rmf.tolerance = 1.0 is out of range"),
        (lambda c: c["rmf"].update(media=["fsu2"]), "rmf.media[0] = 'fsu2' is not allowed"),
        (lambda c: c["rmf"].update(preset="C21"), "unknown key 'preset' under 'rmf'"),
        (lambda c: c.update(snapshotz={}), "unknown key 'snapshotz' at the top level"),
        (lambda c: c["natures"].append("weyl"), "natures[2] = 'weyl' is not allowed"),
    ],
)
def test_bad_config_gives_one_line(default_config, edit, expected):
    config = copy.deepcopy(default_config)
    edit(config)
    with pytest.raises(ConfigError) as info:
        validate_config(config, SCHEMA)
    message = str(info.value)
    assert expected in message
    assert "\n" not in message


def test_defaults_are_filled():
    config = {"snapshots": {"x": {"path": "x.csv"}}}
    validate_config(config, SCHEMA)
    assert config["rmf"]["media"] == ["c21"]
    assert config["snapshots"]["x"]["format"] == "shell_table"


def test_key_order_is_canonical(default_config):
    """Reordering keys in a config file must not change any rule's params (no reruns)."""
    shuffled = yaml.safe_load(yaml.safe_dump(copy.deepcopy(default_config), sort_keys=True))
    a = validate_config(copy.deepcopy(default_config), SCHEMA)
    b = validate_config(shuffled, SCHEMA)
    assert repr(a) == repr(b)


def _checked(config):
    from lightmed.config import check_references

    validate_config(config, SCHEMA)
    check_references(config)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda c: c["detectors"]["resnova3"].update(threshold_kev=150.0),
            "detectors.resnova3.threshold_kev = 150.0 plus bin_width_kev = 2.0 exceeds "
            "rates.recoil_max_kev = 101.0",
        ),
        (  # one bin would end at 102 keV, beyond the recoil range
            lambda c: c["detectors"]["darwin"].update(threshold_kev=100.0),
            "lower detectors.darwin.threshold_kev or raise rates.recoil_max_kev",
        ),
        (
            lambda c: c["rates"].update(mass_min_mev=1.0e5),
            "rates.mass_min_mev = 100000.0 must be below rates.mass_max_mev = 10000.0",
        ),
        (
            lambda c: c["models"]["bl_vector"].update(
                sn_core_grid={"mass_mev": {"min": 100.0, "max": 1.0, "num": 51}}
            ),
            "models.bl_vector.sn_core_grid.mass_mev.min = 100.0 must be below "
            "models.bl_vector.sn_core_grid.mass_mev.max = 1.0",
        ),
        (
            lambda c: c["radial"].update(mass_mev={"min": 1e3, "max": 1e-2, "num": 41}),
            "radial.mass_mev.min = 1000.0 must be below radial.mass_mev.max = 0.01",
        ),
        (
            lambda c: c["sensitivity"].update(coupling_grid={"min": 1.0, "max": 1e-8, "num": 9}),
            "sensitivity.coupling_grid.min = 1.0 must be below",
        ),
        (
            lambda c: c["constraints"].update(coupling={"min": 1e-2, "max": 1e-7, "num": 9}),
            "constraints.coupling.min = 0.01 must be below constraints.coupling.max",
        ),
        (
            lambda c: c["sources"]["sn_ccsn"].update(t_min_s=15.0),
            "sources.sn_ccsn.t_min_s = 15.0 must be below sources.sn_ccsn.t_max_s = 14.0",
        ),
        (
            lambda c: c["radial"].update(r1_km=20.0, r2_km=10.0),
            "radial.r1_km = 20.0 must be below radial.r2_km = 10.0",
        ),
        (
            lambda c: c["constraints"]["coherent_csi2017"].update(pe_range=[30.0, 6.0]),
            "constraints.coherent_csi2017.pe_range = [30.0, 6.0] must be [lower, upper]",
        ),
        (
            lambda c: c["sensitivity"]["figures"].update(coupling_range=[1e-1, 1e-7]),
            "sensitivity.figures.coupling_range = [0.1, 1e-07] must be [lower, upper]",
        ),
        (
            lambda c: c["constraints"].update(models=["vector", "vektor"]),
            "constraints.models[1] = 'vektor' is not a model preset or a key of models",
        ),
    ],
)
def test_cross_field_errors_are_caught_at_config_time(default_config, edit, expected):
    """Inconsistent pairs stop the run before any job, in one line naming both keys."""
    config = copy.deepcopy(default_config)
    edit(config)
    with pytest.raises(ConfigError) as info:
        _checked(config)
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_threshold_with_one_full_bin_is_accepted(default_config):
    config = copy.deepcopy(default_config)
    config["detectors"]["resnova3"]["threshold_kev"] = 99.0  # one bin 99-101 keV
    _checked(config)


def test_missing_input_path_is_caught_at_config_time(default_config, tmp_path):
    from lightmed.config import check_paths

    (tmp_path / "resources/profiles").mkdir(parents=True)
    for name in ("c21_t1s", "c21_t5s"):
        (tmp_path / f"resources/profiles/{name}.csv").write_text("")
    config = copy.deepcopy(default_config)
    _checked(config)
    check_paths(config, tmp_path)  # the default names only shipped files
    cases = [
        (
            ("sources", "sn_ccsn"),
            {"path": "../shared/data/sn_emission/garching_LS220_s27.0c0"},
            "sources.sn_ccsn.path = '../shared/data/sn_emission/garching_LS220_s27.0c0': "
            "not found; correct the path",
        ),
        (("sources", "solar"), {"path": {"b8": "b8.csv", "hep": "hep.csv"}}, "path.b8"),
        (("snapshots",), {"mine": {"path": "my.csv"}}, "snapshots.mine.path = 'my.csv'"),
        (("radial",), {"garching_profiles": {"g": "g.txt"}}, "radial.garching_profiles.g"),
        (
            ("sensitivity",),
            {"external_limits": [{"path": "x.csv", "label": "x", "figure": "vector"}]},
            "sensitivity.external_limits[0].path = 'x.csv': not found",
        ),
    ]
    for where, update, expected in cases:
        bad = copy.deepcopy(config)
        block = bad
        for part in where:
            block = block[part]
        block.update(update)
        with pytest.raises(ConfigError) as info:
            check_paths(bad, tmp_path)
        assert expected in str(info.value)
        assert "\n" not in str(info.value)
    # optional data releases keep their job-time handling (skip or one line, stale outputs go)
    bad = copy.deepcopy(config)
    bad["constraints"]["coherent_csi2017"]["path"] = "missing/release"
    check_paths(bad, tmp_path)


def test_nested_config_overrides_are_read_as_yaml(default_config):
    """`--config 'figures={dpi: 200}'`: Snakemake hands nested scalars over as strings."""
    from snakemake.utils import update_config

    overrides = {
        "figures": {"dpi": "200", "width_in": "1e1"},  # YAML 1.1 reads 1e1 as a string
        "radial": {"r1_km": "null", "include_charged_current": "false"},
        "constraints": {"coherent_csi2017": {"pe_range": ["6", "30"]}},
        "detectors": {"darwin": {"efficiency": "1"}},  # a string where the schema wants one
    }
    config = copy.deepcopy(default_config)
    update_config(config, copy.deepcopy(overrides))  # what Snakemake does with --config
    validate_config(config, SCHEMA, overrides=overrides)
    assert config["figures"]["dpi"] == 200
    assert config["figures"]["width_in"] == 10.0
    assert config["radial"]["r1_km"] is None
    assert config["radial"]["include_charged_current"] is False
    assert config["constraints"]["coherent_csi2017"]["pe_range"] == [6, 30]
    assert config["detectors"]["darwin"]["efficiency"] == "1"
    # the same strings from a config file stay errors, as does a string that is no number
    config = copy.deepcopy(default_config)
    config["figures"]["dpi"] = "200"
    with pytest.raises(ConfigError, match="figures.dpi = '200' must be of type integer"):
        validate_config(config, SCHEMA)
    for bad in ("abc", "nan"):
        config["figures"]["dpi"] = bad
        with pytest.raises(ConfigError, match=f"figures.dpi = '{bad}' must be of type integer"):
            validate_config(config, SCHEMA, overrides={"figures": {"dpi": bad}})
