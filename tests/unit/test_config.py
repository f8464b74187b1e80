"""Config schema: the default validates, every key is documented, bad values fail clearly."""

from __future__ import annotations

import copy

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
    n_keys = sum(
        1
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#") and ":" in line
    )
    n_comments = sum(1 for line in text.splitlines() if line.strip().startswith("#"))
    assert n_comments >= n_keys / 2


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
