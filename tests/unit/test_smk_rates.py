"""Rule helpers of the rates stage: per-source jobs, params that rerun only what they should."""

from __future__ import annotations

import copy

import pytest
import yaml

from lightmed.config import validate_config
from lightmed.models import PRESETS
from lightmed.smk import rates as smk

from helpers import REPO


@pytest.fixture(scope="module")
def config():
    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    return validate_config(cfg, REPO / "workflow" / "schemas" / "config.schema.yaml")


def test_one_job_per_source_writes_every_detector(config):
    outs = smk.rates_outputs(config)
    assert outs == [f"results/rates/{{source}}_{d}.nc" for d in config["detectors"]]
    assert "results/rates/solar_resnova1.nc" in smk.rates_files(config, "solar")


def test_params_carry_detector_models_not_sn_core_switches(config):
    params = smk.rates_params(config, "solar")
    assert sorted(params["models"]) == ["bl_vector", "scalar", "vector"]
    assert "plot_coupling" not in params["grid"]
    edited = copy.deepcopy(config)
    edited["models"]["bl_vector"]["sn_core_grid"]["mass_mev"]["num"] += 1
    edited["models"]["vector"]["sn_core"] = True
    assert smk.rates_params(edited, "solar") == params  # SN-core edits never rerun rates
    edited["models"]["bl_vector"]["neutrino_charges"] = {"e": -1.0, "mu": -1.0}
    assert smk.rates_params(edited, "solar") != params


def test_models_round_trip_through_params(config):
    params = smk.rates_params(config, "sn_ccsn")
    models = smk.models_from_params(params["models"])
    for name, model in models.items():
        assert model == PRESETS[name]
        assert model.nucleon_charges == PRESETS[name].nucleon_charges


def test_resources_grow_with_the_grid(config):
    base = smk.rates_resources(config)
    fine = copy.deepcopy(config)
    fine["rates"]["n_mass"] *= 10
    big = smk.rates_resources(fine)
    assert big["mem_mb"] > base["mem_mb"] and big["runtime"] >= base["runtime"]
