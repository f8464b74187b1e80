"""One logging helper for rule scripts: log to ``snakemake.log[0]``, fail with one line.

Rule scripts call :func:`run_rule` with their ``main(snakemake, logger)``; a
:class:`~lightmed.errors.LightmedError` (an expected error: bad input, bad config, unreadable
artifact) becomes a single ``lightmed: error: ...`` line in the log and exit status 1; an
interrupt (Ctrl-C: ``KeyboardInterrupt``, also when numba wraps it in a ``SystemError``)
becomes a single ``lightmed: interrupted: ...`` line and exit status 130; anything else keeps
its traceback in the log. The terminal shows the line once: the Snakemake logger plugin
``lightmed`` (``workflow/snakemake_logger_plugin_lightmed``, enabled by the profiles) prints it
from the log, or, without that plugin, the script prints it to stderr.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from .errors import LightmedError

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: First characters of the one-line message of an expected error in a job log.
ERROR_MARKER = "lightmed: error: "
#: First characters of the one line of a job stopped by Ctrl-C (SIGINT) in its log.
INTERRUPT_MARKER = "lightmed: interrupted: "
#: Exit status of a job stopped by Ctrl-C: the shell's convention, 128 + SIGINT.
INTERRUPT_STATUS = 130
#: Set in the environment of jobs whose run shows ERROR_MARKER lines itself (logger plugin).
TERMINAL_ENV = "LIGHTMED_ONE_LINE_ERRORS"
#: First characters of the timing line every job log ends with (benchmarks/bench_pipeline.py).
TIMING_MARKER = "timing: "
#: Set to "1" by the Snakefile for its jobs: a job process ends right after its timing line,
#: without Python's interpreter teardown (:func:`end_job_process`).
FAST_EXIT_ENV = "LIGHTMED_FAST_EXIT"


def peak_rss_mb() -> float | None:
    """Peak resident memory of this process [MB] (also for rules without a benchmark file)."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def process_age_s() -> float | None:
    """Seconds since this process started (Linux /proc; None elsewhere): the start-up a job
    paid before its rule code ran (interpreter, Snakemake's script preamble, imports)."""
    try:
        with open("/proc/self/stat") as fh:
            start_ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        return max(uptime - start_ticks / os.sysconf("SC_CLK_TCK"), 0.0)
    except (OSError, ValueError, IndexError):
        return None


class _WarningsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno == logging.WARNING


def get_logger(log_path: str | os.PathLike | None = None, name: str = "lightmed") -> logging.Logger:
    """Return the package logger, writing to ``log_path`` (and stderr for warnings)."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    if log_path is not None:
        os.makedirs(os.path.dirname(os.path.abspath(log_path)), exist_ok=True)
        file_handler = logging.FileHandler(log_path, mode="w")
        file_handler.setFormatter(logging.Formatter(_FORMAT))
        logger.addHandler(file_handler)
    stream = logging.StreamHandler(sys.stderr)
    stream.addFilter(_WarningsOnly())  # errors reach the terminal once, via run_rule
    stream.setFormatter(logging.Formatter("lightmed: %(levelname)s: %(message)s"))
    logger.addHandler(stream)
    logger.propagate = False
    logging.captureWarnings(True)
    return logger


def _log_path(snakemake: Any) -> str | None:
    return snakemake.log[0] if len(snakemake.log) else None


def _interrupt_line(snakemake: Any) -> str:
    wildcards = ", ".join(f"{k}={v}" for k, v in dict(snakemake.wildcards).items())
    return (
        f"{INTERRUPT_MARKER}rule {snakemake.rule}"
        + (f" [{wildcards}]" if wildcards else "")
        + " stopped by Ctrl-C (SIGINT); rerun the same command to resume"
    )


#: SIGINT handler in place before guard_start_up replaced it (restored by run_rule).
_SIGINT_BEFORE_GUARD: list[Any] = []


def guard_start_up(snakemake: Any) -> None:
    """Until :func:`run_rule` starts, a Ctrl-C ends the job process with the one interrupted
    line and status 130 (installed by ``import lightmed`` in a Snakemake job script).

    A job spends ~1 s importing numpy, xarray, matplotlib, numba; an interrupt there would
    otherwise print the job's ``KeyboardInterrupt`` traceback. Nothing has been written yet,
    so the process ends at once (``os._exit``). A SIGINT that the job inherited as ignored
    stays ignored.
    """
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.default_int_handler or _SIGINT_BEFORE_GUARD:
        return
    _SIGINT_BEFORE_GUARD.append(previous)

    def _stop(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while writing
        _one_line(_interrupt_line(snakemake), _log_path(snakemake))
        os._exit(INTERRUPT_STATUS)

    signal.signal(signal.SIGINT, _stop)


def run_rule(main: Callable[[Any, logging.Logger], None], snakemake: Any) -> None:
    """Run a rule script's ``main`` with logging and one-line errors for user mistakes."""
    if _SIGINT_BEFORE_GUARD:  # from here a Ctrl-C is a KeyboardInterrupt again
        signal.signal(signal.SIGINT, _SIGINT_BEFORE_GUARD.pop())
    log_path = _log_path(snakemake)
    logger = get_logger(log_path)
    logger.info("rule %s wildcards %s", snakemake.rule, dict(snakemake.wildcards))
    slurm_job = os.environ.get("SLURM_JOB_ID")
    if slurm_job:
        logger.info("SLURM_JOB_ID=%s on %s", slurm_job, os.uname().nodename)
    startup, startup_cpu = process_age_s(), time.process_time()
    t0 = time.perf_counter()
    try:
        main(snakemake, logger)
    except LightmedError as exc:
        logger.error("%s", exc)
        _one_line(ERROR_MARKER + " ".join(str(exc).split()), log_path)
        sys.exit(1)
    except BaseException as exc:
        if not is_interrupt(exc):
            if isinstance(exc, Exception):
                logger.error("unexpected failure:\n%s", traceback.format_exc())
            raise
        if type(snakemake).__module__.startswith("snakemake"):
            # a job process: a second Ctrl-C while it winds up must not print a traceback
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        _one_line(_interrupt_line(snakemake), log_path)
        sys.exit(INTERRUPT_STATUS)
    # wall and CPU seconds (CPU: all threads of this process; on a shared machine the CPU
    # seconds stay what the job costs while the wall time grows with the load)
    logger.info(
        "%scompute %.3f s (cpu %.3f s), start-up %s s (cpu %.3f s), peak RSS %s MB",
        TIMING_MARKER,
        time.perf_counter() - t0,
        time.process_time() - startup_cpu,
        "n/a" if startup is None else f"{startup:.2f}",
        startup_cpu,
        "n/a" if peak_rss_mb() is None else f"{peak_rss_mb():.0f}",
    )
    logger.info("done")
    if os.environ.get(FAST_EXIT_ENV) == "1" and type(snakemake).__module__.startswith("snakemake"):
        end_job_process()


def is_interrupt(exc: BaseException | None) -> bool:
    """Whether ``exc`` is, or was caused by, a ``KeyboardInterrupt``.

    numba's compiled functions turn an interrupt raised inside them into a ``SystemError``
    ("... returned a result with an exception set") whose ``__cause__`` (or ``__context__``)
    is the ``KeyboardInterrupt``.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _one_line(line: str, log_path: str | None) -> None:
    """Append ``line`` to the job log; print it to stderr unless the logger plugin does."""
    if log_path is not None:
        with open(log_path, "a") as fh:
            fh.write(line + "\n")
    if log_path is None or not os.environ.get(TERMINAL_ENV):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def end_job_process() -> None:
    """End a finished job's process now: close the logs, flush stdout and stderr, ``os._exit(0)``.

    When the rule code returns, its outputs are complete and closed (artifacts are written to
    a temporary file and renamed, figures and tables closed by their writers). What is left
    is the interpreter's teardown, which frees every object and module of numpy, xarray,
    pandas, matplotlib, numba and netCDF4: ~0.4 s of CPU per job process measured (a tenth of
    a figure job; ~18 s of the default pipeline's 44 jobs) for nothing any later job reads.
    Files still open for reading are closed by the operating system.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed or detached: nothing left to flush
            pass
    os._exit(0)
