"""The constraints stage in real Snakemake runs: COHERENT CsI 2017 from the release in
../shared (artifact, CSV, figure), a missing release path (one line), and the one-line skip of
an experiment whose path is null."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from helpers import SHARED_DATA, copy_workflow, planned_jobs, run_snakemake

pytestmark = pytest.mark.slow

RELEASE = SHARED_DATA / "detectors" / "coherent_csi_2017" / "official_release"


def overlay(workdir, path):
    cfg = {
        "constraints": {
            "experiments": ["coherent_csi2017"],
            "models": ["vector", "scalar"],
            "mass": {"min": 0.01, "max": 1000.0, "num": 9},
            "coupling": {"min": 1.0e-6, "max": 1.0e-2, "num": 81},
            "coherent_csi2017": {"path": str(path)},
        },
        "figures": {"formats": ["png"]},
    }
    (workdir / "constraints.yaml").write_text(yaml.safe_dump(cfg))
    return ["--configfiles", "config/config.yaml", "constraints.yaml"]


@pytest.mark.requires_shared_data
def test_coherent_release_to_artifact_csv_and_figure(shared_data, tmp_path):
    if not RELEASE.is_dir():
        pytest.skip(f"{RELEASE} not present")
    work = copy_workflow(tmp_path / "wf")
    args = overlay(work, RELEASE)
    targets = [f"results/figures/constraints_{m}.png" for m in ("vector", "scalar")]
    run_snakemake(work, *args, "--", *targets, cores=1)
    for model in ("vector", "scalar"):
        ds = xr.open_dataset(work / "results" / "constraints" / f"coherent_csi2017_{model}.nc")
        assert ds.attrs["lightmed_schema"] == "lightmed.constraints/1"
        assert ds.attrs["experiment_title"] == "COHERENT CsI (2017)"
        assert "best fit over g >= 0" in ds.attrs["reference_point"]
        bound = ds["coupling_bound"].values
        # light-mediator plateau between 1e-5 and 1e-4 (peer grids: 2.5e-5 to 3.9e-5), rising
        assert 1e-5 < bound[0] < 1e-4 and bound[-1] > 5 * bound[0]
        csv = pd.read_csv(
            work / "results" / "constraints" / f"coherent_csi2017_{model}.csv", comment="#"
        )
        np.testing.assert_allclose(
            csv.groupby("mass_mev")["coupling_bound"].first().values, bound, rtol=1e-6
        )
        png = work / "results" / "figures" / f"constraints_{model}.png"
        assert png.stat().st_size > 10_000


def test_missing_release_path_is_one_line(tmp_path):
    work = copy_workflow(tmp_path / "wf")
    args = overlay(work, tmp_path / "no_such_release")
    proc = run_snakemake(
        work, *args, "--", "results/constraints/coherent_csi2017_vector.nc", check=False, cores=1
    )
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    lines = [
        ln for ln in text.splitlines() if "no_such_release" in ln and "directory not found" in ln
    ]
    assert lines, text[-3000:]
    assert "Traceback" not in text


def test_null_path_skips_with_one_line(tmp_path):
    work = copy_workflow(tmp_path / "wf")
    args = overlay(work, "x")
    cfg = yaml.safe_load((work / "constraints.yaml").read_text())
    cfg["constraints"]["coherent_csi2017"]["path"] = None
    (work / "constraints.yaml").write_text(yaml.safe_dump(cfg))
    proc = run_snakemake(work, *args, "-n", cores=1)
    text = proc.stdout + proc.stderr
    skip = [ln for ln in text.splitlines() if ln.startswith("constraints: skipping coherent")]
    assert skip == [
        "constraints: skipping coherent_csi2017 (constraints.coherent_csi2017.path is null); "
        "get the release from the COHERENT CsI[Na] 2017 data release (arXiv:1804.09459, "
        "doi:10.5281/zenodo.1228631, https://coherent.ornl.gov/data-releases/)"
    ]
    assert not [j for j in planned_jobs(proc.stdout) if j[0] == "compute_constraints"]
