"""The constraints stage in real Snakemake runs: COHERENT CsI 2017 from the release in
../shared (artifact, CSV, figure), a missing release path (one line), and the one-line skip of
an experiment whose path is null."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from helpers import SHARED_DATA, assert_as_printed, copy_workflow, planned_jobs, run_snakemake

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


def test_default_xenonnt_limits_as_documented(pipeline):
    """The default run's XENONnT 8B limits are docs/physics.md §7.4's table (0.01 ... 1000
    MeV): lower edges of vector, scalar and B-L, and the vector's allowed island."""
    masses = [0.01, 0.1, 1.0, 10.0, 100.0, 1000.0]
    documented = {
        "vector": "1.12e-5 1.12e-5 1.12e-5 1.38e-5 8.03e-5 7.95e-4",
        "scalar": "8.28e-6 8.28e-6 8.29e-6 9.28e-6 4.11e-5 4.02e-4",
        "bl_vector": "2.99e-5 2.99e-5 3.00e-5 3.39e-5 1.57e-4 1.54e-3",
    }
    for model, printed in documented.items():
        ds = xr.open_dataset(pipeline / "results" / "constraints" / f"xenonnt_8b_{model}.nc")
        at = ds.sel(mass=masses, method="nearest")
        np.testing.assert_allclose(at["mass"], masses, rtol=1e-9)  # on the default grid
        assert_as_printed(at["coupling_bound"].values, printed, f"XENONnT {model}")
        if model == "vector":  # allowed island: between the first two excluded intervals
            assert_as_printed(
                at["interval_upper"][:, 0].values,
                "2.54e-5 2.54e-5 2.55e-5 3.08e-5 1.59e-4 1.56e-3",
                "island lower end",
            )
            assert_as_printed(
                at["interval_lower"][:, 1].values,
                "3.51e-5 3.51e-5 3.52e-5 4.07e-5 2.00e-4 1.96e-3",
                "island upper end",
            )
