"""A workflow job's process ends right after its timing line, without Python's teardown
(lightmed.logs.end_job_process), and only a Snakemake job with LIGHTMED_FAST_EXIT=1 does."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers import REPO

JOB = """
import atexit, sys
from lightmed.logs import run_rule

class Snakemake:  # the class of the object Snakemake's script preamble unpickles
    pass

Snakemake.__module__ = sys.argv[2]
job = Snakemake()
job.log, job.rule, job.wildcards = [sys.argv[1]], "plot_x", {}
atexit.register(lambda: print("teardown", flush=True))
run_rule(lambda snakemake, logger: logger.info("work"), job)
print("after run_rule", flush=True)
"""


def _run(tmp_path, fast_exit: str, module: str = "snakemake.script"):
    env = dict(os.environ, PYTHONPATH=str(REPO / "workflow"), LIGHTMED_FAST_EXIT=fast_exit)
    log = tmp_path / "job.log"
    proc = subprocess.run(
        [sys.executable, "-c", JOB, str(log), module], env=env, capture_output=True, text=True
    )
    return proc, log.read_text().splitlines()


@pytest.mark.parametrize(
    ("fast_exit", "module", "ends_early"),
    [("1", "snakemake.script", True), ("0", "snakemake.script", False), ("1", "tests", False)],
)
def test_fast_exit_only_for_snakemake_jobs_that_ask(tmp_path, fast_exit, module, ends_early):
    proc, lines = _run(tmp_path, fast_exit, module)
    assert proc.returncode == 0, proc.stderr
    assert lines[0].endswith("rule plot_x wildcards {}") and lines[1].endswith("work")
    assert "timing: compute" in lines[-2] and lines[-1].endswith(" done")  # log complete
    printed = proc.stdout.split()
    assert ("teardown" in printed) is not ends_early
    assert ("after" in printed) is not ends_early
