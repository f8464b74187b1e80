"""The fluxes stage in a real run: artifacts, what the rates read, rerun scope, bad flux files."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import yaml

from lightmed.fluxes import EARTH_FLAVOURS, all_flavour_spectrum, read_flux
from lightmed.io import SCHEMAS, read_artifact

from helpers import copy_workflow, planned_jobs, run_snakemake

pytestmark = pytest.mark.slow


def test_flux_artifacts_and_their_use_by_the_rates(pipeline):
    config = yaml.safe_load((pipeline / "config" / "config.yaml").read_text())
    for source in config["sources"]:
        ds = read_flux(pipeline / f"results/fluxes/{source}.nc")
        assert ds.attrs["lightmed_schema"] == SCHEMAS["fluxes"]
        for name, var in {**ds.coords, **ds.data_vars}.items():
            assert "units" in var.attrs and "long_name" in var.attrs, name
        assert list(ds.flavour.values) == list(EARTH_FLAVOURS)
        assert ds.attrs["oscillation"] == config["sources"][source]["oscillation"]
        assert "rule=ingest_flux" in ds.attrs["history"]
        kind = ds.attrs["spectrum_kind"]
        _, total, _ = all_flavour_spectrum(ds)
        emitted = (ds[f"{kind}_emitted"] * ds["emitted_multiplicity"]).sum("emitted_flavour")
        np.testing.assert_allclose(total, emitted.values, rtol=1e-13)
        rates = read_artifact(pipeline / f"results/rates/{source}_darwin.nc", stage="rates")
        assert f"wildcards=[source={source}]" in rates.attrs["history"]
    assert (pipeline / "results/figures/fluxes.pdf").is_file()


def _plan(pipeline, tmp_path, edit):
    work = tmp_path / "work"
    shutil.copytree(pipeline, work, symlinks=True)
    config = yaml.safe_load((work / "config" / "config.yaml").read_text())
    edit(config)
    edited = work / "config" / "edited.yaml"
    edited.write_text(yaml.safe_dump(config))
    proc = run_snakemake(work, "-n", "--configfile", str(edited))
    return planned_jobs(proc.stdout + proc.stderr)


def test_oscillation_change_reruns_only_that_source(pipeline, tmp_path):
    jobs = _plan(pipeline, tmp_path, lambda c: c["sources"]["solar"].update(oscillation="none"))
    rules = {rule for rule, _, _ in jobs} - {"all"}
    assert {w["source"] for rule, w, _ in jobs if rule == "ingest_flux"} == {"solar"}
    assert {w["source"] for rule, w, _ in jobs if rule == "compute_rates"} == {"solar"}
    assert {w["source"] for rule, w, _ in jobs if rule == "compute_sensitivity"} == {"solar"}
    assert not {r for r in rules if not r.startswith("plot_")} - {
        "ingest_flux",
        "compute_rates",
        "compute_sensitivity",
        "bound_tables",  # the report's tables of the quoted bounds
    }


def test_exposure_change_does_not_reingest(pipeline, tmp_path):
    jobs = _plan(pipeline, tmp_path, lambda c: c["sources"]["solar"].update(exposure_years=2.0))
    rules = {rule for rule, _, _ in jobs}
    assert "compute_rates" in rules and "ingest_flux" not in rules


def test_malformed_flux_file_fails_with_one_line(tmp_path, shared_data):
    workdir = copy_workflow(tmp_path)
    fluka = workdir / "fluka"
    shutil.copytree(shared_data / "atmospheric_neutrinos/FLUKA_sub-GeV", fluka)
    (fluka / "AtmNu_mu.txt").write_text("20.0,0.01\n20.0,0.009\n")
    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text())
    config["sources"]["atmospheric"]["path"] = "fluka"
    edited = workdir / "config" / "edited.yaml"
    edited.write_text(yaml.safe_dump(config))
    target = "results/fluxes/atmospheric.nc"
    proc = run_snakemake(workdir, target, "--configfile", str(edited), check=False)
    assert proc.returncode != 0
    log = (workdir / "logs/ingest_flux/atmospheric.log").read_text()
    message = (
        "fluka/AtmNu_mu.txt: FLUKA table: energies must be strictly increasing (line 2: "
        "E = 20 MeV after 20 MeV on line 1); sort the lines by energy and remove duplicates"
    )
    assert message in log
    assert proc.stderr.count(message) == 1 and f"{message}\n" in proc.stderr
    assert "Traceback" not in log
    assert not (workdir / target).exists()
