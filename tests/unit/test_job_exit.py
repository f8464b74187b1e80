"""A workflow job's process ends right after its timing line, without Python's teardown
(lightmed.logs.end_job_process), and only a Snakemake job with LIGHTMED_FAST_EXIT=1 does."""

from __future__ import annotations

import os
import signal
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


def _run_ctrl_c(cmd: list[str], env: dict) -> subprocess.CompletedProcess:
    """Run a job that sends itself Ctrl-C, with SIGINT at its default action in the child.

    Python installs its KeyboardInterrupt handler only if SIGINT is not ignored at start-up; a
    test run started in the background (``cmd &``, nohup, some CI runners) passes SIGINT on
    ignored, and the Ctrl-C these tests send would do nothing.
    """

    def default_sigint() -> None:  # in the child, before exec
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    return subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=60, preexec_fn=default_sigint
    )


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


INTERRUPTED_JOB = """
import os, signal, sys, time
from lightmed.logs import run_rule

class Snakemake:
    pass

Snakemake.__module__ = "snakemake.script"
job = Snakemake()
job.log, job.rule, job.wildcards = [sys.argv[1]], "solve_rmf", {"snapshot": "c21_t1s"}

def main(snakemake, logger):
    if sys.argv[2] == "numba":  # what a numba function returns when interrupted inside
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise SystemError("CPUDispatcher(<function _project>) returned a result with an "
                              "exception set") from exc
    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C
    time.sleep(5)

run_rule(main, job)
"""


@pytest.mark.parametrize("how", ["sigint", "numba"])
@pytest.mark.parametrize("plugin", [False, True])
def test_interrupted_job_ends_with_one_line_and_status_130(tmp_path, how, plugin):
    """Ctrl-C (also wrapped by numba in a SystemError): no traceback, one line, status 130."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "workflow"), LIGHTMED_FAST_EXIT="1")
    env.pop("LIGHTMED_ONE_LINE_ERRORS", None)
    if plugin:  # the logger plugin prints the line from the log
        env["LIGHTMED_ONE_LINE_ERRORS"] = "1"
    log = tmp_path / "job.log"
    proc = _run_ctrl_c([sys.executable, "-c", INTERRUPTED_JOB, str(log), how], env)
    assert proc.returncode == 130, proc.stderr
    line = (
        "lightmed: interrupted: rule solve_rmf [snapshot=c21_t1s] stopped by Ctrl-C (SIGINT); "
        "rerun the same command to resume"
    )
    assert proc.stderr.splitlines() == ([] if plugin else [line])
    assert log.read_text().splitlines()[-1] == line and "Traceback" not in log.read_text()


def test_logger_plugin_reports_an_interrupted_job_by_its_line(tmp_path):
    from snakemake_logger_plugin_lightmed import expected_error_line

    log = tmp_path / "job.log"
    log.write_text("2026 INFO lightmed: rule x\nlightmed: interrupted: rule x stopped\n")
    assert expected_error_line([log]) == "lightmed: interrupted: rule x stopped"


def test_logger_plugin_prints_the_same_line_of_two_jobs_once(tmp_path, monkeypatch):
    """Two jobs failing on one damaged input write the same line: the terminal shows it once."""
    import io
    import logging
    from types import SimpleNamespace

    from snakemake_interface_logger_plugins.common import LogEvent
    from snakemake_logger_plugin_lightmed import LogHandler

    monkeypatch.setenv("LIGHTMED_ONE_LINE_ERRORS", "")
    handler = LogHandler.__new__(LogHandler)
    logging.Handler.__init__(handler)
    handler.common_settings = SimpleNamespace(verbose=False)
    handler.__post_init__()
    handler.stream = io.StringIO()
    line = "lightmed: error: results/fluxes/solar.nc: not a readable NetCDF artifact (x)"
    for job in ("plot_fluxes", "compute_rates"):
        log = tmp_path / f"{job}.log"
        log.write_text(f"INFO rule {job}\n{line}\n")
        record = logging.LogRecord("snakemake", logging.ERROR, "", 0, "", None, None)
        record.event, record.log = LogEvent.JOB_ERROR, [str(log)]
        handler.emit(record)
    assert handler.stream.getvalue().splitlines() == [line]


IMPORTING_JOB = """
import os, signal, sys, time

class Snakemake:  # the object Snakemake's script preamble defines before the script's imports
    pass

Snakemake.__module__ = sys.argv[2]
snakemake = Snakemake()
snakemake.log, snakemake.rule, snakemake.wildcards = [sys.argv[1]], "plot_rates", {"a": "b"}
import lightmed  # a rule script's first import (of lightmed.figure_save, lightmed.io, ...)
from lightmed.logs import run_rule

def main(snakemake, logger):
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)

os.kill(os.getpid(), signal.SIGINT) if sys.argv[3] == "import" else run_rule(main, snakemake)
import matplotlib.pyplot  # the rest of the imports, never reached
time.sleep(5)
"""


@pytest.mark.parametrize("when", ["import", "run"])
def test_ctrl_c_while_a_job_script_imports_ends_with_one_line(tmp_path, when):
    """Ctrl-C before run_rule (the ~1 s of imports): the same one line and status 130 instead
    of the KeyboardInterrupt traceback; inside run_rule the interrupt is handled as before."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "workflow"))
    env.pop("LIGHTMED_ONE_LINE_ERRORS", None)
    log = tmp_path / "job.log"
    cmd = [sys.executable, "-c", IMPORTING_JOB, str(log), "snakemake.iocontainers", when]
    proc = _run_ctrl_c(cmd, env)
    line = (
        "lightmed: interrupted: rule plot_rates [a=b] stopped by Ctrl-C (SIGINT); "
        "rerun the same command to resume"
    )
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.splitlines() == [line]
    lines = log.read_text().splitlines()
    assert lines[-1] == line
    assert ("rule plot_rates wildcards" in lines[0]) is (when == "run")  # run_rule's log


def test_ctrl_c_during_imports_outside_a_snakemake_job_stays_a_keyboard_interrupt(tmp_path):
    """``import lightmed`` changes no signal handling in a user's own process."""
    log = tmp_path / "job.log"
    cmd = [sys.executable, "-c", IMPORTING_JOB, str(log), "my_notebook", "import"]
    env = dict(os.environ, PYTHONPATH=str(REPO / "workflow"))
    proc = _run_ctrl_c(cmd, env)
    assert proc.returncode != 130 and "KeyboardInterrupt" in proc.stderr
    assert not log.exists()
