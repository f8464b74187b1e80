"""Reuse of expensive artifacts across workflow directories (rmf, kernels).

Two mechanisms: Snakemake's between-workflow output cache (`--cache` with
SNAKEMAKE_OUTPUT_CACHE; local executors) and lightmed's content-addressed artifact store
(`execution.artifact_store`; every executor, including SLURM where `--cache` is ignored).
"""

from __future__ import annotations

import os

import pytest
import xarray as xr

from helpers import copy_workflow, run_snakemake

pytestmark = pytest.mark.slow

TARGET = "results/kernels/c21_t1s_c21_dirac.nc"


def test_snakemake_output_cache_reuses_kernels(tmp_path):
    env = {**os.environ, "SNAKEMAKE_OUTPUT_CACHE": str(tmp_path / "cache")}
    (tmp_path / "cache").mkdir()
    first = copy_workflow(tmp_path / "first")
    run_snakemake(first, TARGET, "--cache", env=env)
    assert (
        "rule compute_kernels" in (first / "logs/compute_kernels/c21_t1s_c21_dirac.log").read_text()
    )

    second = copy_workflow(tmp_path / "second")
    proc = run_snakemake(second, TARGET, "--cache", env=env)
    output = proc.stdout + proc.stderr
    assert f"Symlinking output file {TARGET} from cache" in output
    # The kernels job did not run in the second directory: its log stayed empty.
    log = second / "logs/compute_kernels/c21_t1s_c21_dirac.log"
    assert not log.exists() or log.read_text() == ""
    xr.testing.assert_identical(xr.load_dataset(first / TARGET), xr.load_dataset(second / TARGET))


def test_artifact_store_reuses_rmf_and_kernels(tmp_path):
    store = tmp_path / "store"
    runs = []
    for name in ("first", "second"):
        work = copy_workflow(tmp_path / name)
        run_snakemake(work, TARGET, "--config", f"execution={{artifact_store: {store}}}")
        runs.append(work)
    first_log = (runs[0] / "logs/compute_kernels/c21_t1s_c21_dirac.log").read_text()
    second_log = (runs[1] / "logs/compute_kernels/c21_t1s_c21_dirac.log").read_text()
    assert "published" in first_log
    assert "reused" in second_log and "published" not in second_log
    assert "reused" in (runs[1] / "logs/solve_rmf/c21_t1s_c21_dirac.log").read_text()
    a = xr.load_dataset(runs[0] / TARGET)
    b = xr.load_dataset(runs[1] / TARGET)
    xr.testing.assert_equal(a, b)


def test_store_key_ignores_history_but_not_data(tmp_path):
    from lightmed.io import read_artifact, write_artifact
    from lightmed.profiles import shell_table
    from lightmed.store import store_key

    from helpers import REPO

    table = shell_table(REPO / "resources/profiles/c21_t1s.csv")
    paths = []
    for i, rule in enumerate(("ingest_a", "ingest_b")):
        path = tmp_path / f"{i}.nc"
        write_artifact(table, path, stage="profiles", title="t", rule=rule)
        paths.append(path)
    assert read_artifact(paths[0]).attrs["history"] != read_artifact(paths[1]).attrs["history"]
    assert store_key("r", {"a": 1}, [paths[0]]) == store_key("r", {"a": 1}, [paths[1]])
    assert store_key("r", {"a": 1}, [paths[0]]) != store_key("r", {"a": 2}, [paths[0]])
    changed = table.copy(deep=True)
    changed["temperature"][0] += 1e-9
    write_artifact(changed, tmp_path / "c.nc", stage="profiles", title="t", rule="x")
    assert store_key("r", {}, [tmp_path / "c.nc"]) != store_key("r", {}, [paths[0]])
