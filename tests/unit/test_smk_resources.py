"""SLURM requests of the physics rules grow with shells and grids and double on a retry."""

from __future__ import annotations

import copy

import pytest
import yaml

from lightmed.config import validate_config
from lightmed.smk.core import snapshot_shells
from lightmed.smk.diffusion import sn_core_mem_mb, sn_core_runtime
from lightmed.smk.mfp import kernels_resources, model_resources

from helpers import REPO

SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


@pytest.fixture(scope="module")
def config():
    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    return validate_config(cfg, SCHEMA)


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(REPO)  # shell tables are read relative to the workflow directory


def _fine(config):
    fine = copy.deepcopy(config)
    overlay = yaml.safe_load((REPO / "config" / "fine_grid.yaml").read_text())
    fine["snapshots"].update(overlay["snapshots"])
    for model, entry in overlay["models"].items():
        fine["models"][model].update(entry)
    fine["radial"].update(overlay["radial"])
    return validate_config(fine, SCHEMA)


def test_shells_of_tables_and_garching_profiles(config, in_repo):
    assert snapshot_shells(config, "c21_t1s") == 6
    assert snapshot_shells(config, "c21_t5s") == 5
    fine = _fine(config)
    assert snapshot_shells(fine, "sfho_s18p6_8sh") == 8
    assert snapshot_shells(fine, "sfho_s18p6_16sh") == 16


def test_kernels_grow_with_shells_nature_and_attempt(config, in_repo):
    fine = _fine(config)
    small = kernels_resources(fine, "sfho_s18p6_8sh", "dirac")
    big = kernels_resources(fine, "sfho_s18p6_16sh", "dirac")
    majorana = kernels_resources(fine, "sfho_s18p6_8sh", "majorana")
    retry = kernels_resources(fine, "sfho_s18p6_8sh", "dirac", attempt=2)
    assert big["runtime"] > small["runtime"] and majorana["runtime"] > small["runtime"]
    assert retry == {k: 2 * v for k, v in small.items()}


def test_model_maps_and_sn_core_grow_with_the_grid_and_stay_schedulable(config, in_repo):
    fine = _fine(config)
    default = model_resources(config, "c21_t1s", "bl_vector")
    large = model_resources(fine, "sfho_s18p6_16sh", "bl_vector")
    assert large["mem_mb"] > default["mem_mb"] and large["runtime"] > default["runtime"]
    assert sn_core_mem_mb(fine) > sn_core_mem_mb(config)
    assert sn_core_runtime(fine) > sn_core_runtime(config)
    # measured ~0.13 GB at the default and maps of ~1 kB per point: a fine-grid request
    # must fit an ordinary cluster node
    assert sn_core_mem_mb(fine) < 16_000
