"""Detector targets and models from config, end to end: Ar and CsI detectors get rates and
sensitivities; a model that couples to no flavour of a flux stops with one line."""

from __future__ import annotations

import pytest
import xarray as xr
import yaml

from lightmed.io import read_artifact

from helpers import copy_workflow, run_snakemake

pytestmark = pytest.mark.slow


def _workdir(tmp_path, edit):
    work = copy_workflow(tmp_path / "work")
    config = yaml.safe_load((work / "config" / "config.yaml").read_text())
    edit(config)
    (work / "config" / "edited.yaml").write_text(yaml.safe_dump(config))
    return work


def test_argon_and_csi_detectors_run_rates_and_sensitivities(tmp_path):
    def edit(config):
        config["detectors"]["argon"] = {"target": "Ar", "mass_t": 1.0}
        config["detectors"]["csi"] = {"target": "CsI", "mass_t": 0.0146, "threshold_kev": 5.0}
        config["sensitivity"]["combos"].append("argon+csi")

    work = _workdir(tmp_path, edit)
    targets = [
        "results/sensitivity/solar_argon_vector.nc",
        "results/sensitivity/solar_csi_bl_vector.nc",
        "results/sensitivity/sn_ccsn_argon+csi_scalar.nc",
    ]
    run_snakemake(work, *targets, "--configfile", str(work / "config" / "edited.yaml"))
    ar = read_artifact(work / "results/rates/solar_argon.nc", stage="rates")
    assert ar.attrs["target"] == "Ar" and "40Ar" in ar.attrs["target_nuclei"]
    # solar 8B + hep SM events per tonne-year above 1 keV in argon (tests/unit: 125.9)
    assert float(ar.events_sm.isel(model=0, mass=0).sum()) == pytest.approx(125.9, rel=0.01)
    csi = read_artifact(work / "results/rates/solar_csi.nc", stage="rates")
    assert csi.attrs["target_nuclei"] == "133Cs x 1, 127I x 1"
    for path in targets:
        ds = xr.open_dataset(work / path)
        assert ds["coupling_bound"].notnull().any()


def test_model_without_coupled_flavour_stops_with_one_line(tmp_path):
    def edit(config):
        config["sources"]["solar"]["oscillation"] = "none"  # all nu_e at Earth
        config["models"]["b3lmu_vector"] = {"sn_core": False}

    work = _workdir(tmp_path, edit)
    proc = run_snakemake(
        work,
        "results/rates/solar_darwin.nc",
        "--configfile",
        str(work / "config" / "edited.yaml"),
        check=False,
    )
    assert proc.returncode != 0
    assert "model b3lmu_vector couples to none of the flavours" in proc.stderr
    assert not (work / "results/rates/solar_darwin.nc").exists()
