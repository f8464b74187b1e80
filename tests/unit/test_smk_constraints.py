"""Rule helpers of the constraints stage: the job parameters carry the models' physics, not
their SN-core grids, so a grid edit reruns the SN-core maps but never the real-data limits."""

from __future__ import annotations

import copy

import pytest
import yaml

from lightmed.config import validate_config
from lightmed.smk import constraints as smk

from helpers import REPO


@pytest.fixture(scope="module")
def config():
    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    return validate_config(cfg, REPO / "workflow" / "schemas" / "config.schema.yaml")


def test_plan_ignores_sn_core_grids_but_not_charges(config):
    plan, _ = smk.constraints_plan(config)
    assert plan, "the default config plans at least one experiment"
    edited = copy.deepcopy(config)
    edited["models"]["bl_vector"]["sn_core_grid"]["mass_mev"]["num"] += 1
    assert smk.constraints_plan(edited)[0] == plan
    edited["models"]["bl_vector"]["neutrino_charges"] = {"e": -1.0, "mu": -1.0}
    assert smk.constraints_plan(edited)[0] != plan


def test_model_block_drops_only_the_grid(config):
    entry = config["models"]["bl_vector"]
    block = smk.model_block(entry)
    assert "sn_core_grid" not in block
    assert {**block, "sn_core_grid": entry["sn_core_grid"]} == entry
