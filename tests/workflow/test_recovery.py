"""Recovery by default (README "If a run was interrupted"), tested with real Snakemake runs.

A run killed with SIGKILL in the middle of the kernel stage, then resumed with the README's
command, must end with complete, readable artifacts; a truncated intermediate artifact must be
regenerated (not make downstream jobs fail).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from lightmed.io import read_artifact

from helpers import SNAKEMAKE, copy_workflow, run_snakemake

pytestmark = pytest.mark.slow

TARGET = "results/mfp/c21_t1s_c21_dirac.nc"


def _readable_artifacts(workdir: Path) -> list[Path]:
    files = sorted((workdir / "results").rglob("*.nc"))
    for path in files:
        read_artifact(path)  # raises ArtifactError on a truncated or foreign file
    return files


def test_sigkill_mid_kernels_then_resume(tmp_path):
    workdir = copy_workflow(tmp_path / "wf")
    proc = subprocess.Popen(
        [*SNAKEMAKE, "--cores", "2", TARGET],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    kernels_log = workdir / "logs/compute_kernels/c21_t1s_c21_dirac.log"
    deadline = time.time() + 600
    while not kernels_log.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert kernels_log.exists(), "the kernel stage never started"
    time.sleep(1.5)  # well inside the kernel quadrature
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (workdir / TARGET).exists()
    assert list((workdir / ".snakemake/locks").glob("*.lock")), "SIGKILL should leave a lock"

    # README: "If a run was interrupted" -- run the same command again
    again = run_snakemake(workdir, TARGET)
    assert "removed the lock of an interrupted run" in again.stderr
    files = _readable_artifacts(workdir)
    assert workdir / TARGET in files
    assert not list((workdir / "results").rglob("*.tmp")), "temporary files left behind"


def test_truncated_artifact_is_regenerated(tmp_path):
    """rule all requests every stage's artifacts; here the two of them that matter."""
    workdir = copy_workflow(tmp_path / "wf")
    target = "results/rmf/c21_t1s_c21_dirac.nc"
    targets = ("results/profiles/c21_t1s.nc", target)
    run_snakemake(workdir, *targets)
    rmf = workdir / target
    before = read_artifact(rmf)["mu_nu"].values
    profile = workdir / "results/profiles/c21_t1s.nc"
    profile.write_bytes(profile.read_bytes()[:2000])  # truncated upstream artifact
    proc = run_snakemake(workdir, *targets)
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("lightmed:")]
    assert len(lines) == 1 and "c21_t1s.nc was not readable" in lines[0], proc.stderr
    assert "regenerating it" in lines[0]
    assert (workdir / "results/profiles/c21_t1s.nc.unreadable").exists()
    read_artifact(profile)
    assert (read_artifact(rmf)["mu_nu"].values == before).all()
