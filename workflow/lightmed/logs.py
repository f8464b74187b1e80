"""One logging helper for rule scripts: log to ``snakemake.log[0]``, fail with one line.

Rule scripts call :func:`run_rule` with their ``main(snakemake, logger)``; a
:class:`~lightmed.errors.LightmedError` becomes a single ``lightmed: error: ...`` line on
stderr and in the log (exit status 1), anything else keeps its traceback in the log.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

from .errors import LightmedError

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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
    stream.setLevel(logging.WARNING)
    stream.setFormatter(logging.Formatter("lightmed: %(levelname)s: %(message)s"))
    logger.addHandler(stream)
    logger.propagate = False
    logging.captureWarnings(True)
    return logger


def run_rule(main: Callable[[Any, logging.Logger], None], snakemake: Any) -> None:
    """Run a rule script's ``main`` with logging and one-line errors for user mistakes."""
    log_path = snakemake.log[0] if len(snakemake.log) else None
    logger = get_logger(log_path)
    logger.info("rule %s wildcards %s", snakemake.rule, dict(snakemake.wildcards))
    slurm_job = os.environ.get("SLURM_JOB_ID")
    if slurm_job:
        logger.info("SLURM_JOB_ID=%s on %s", slurm_job, os.uname().nodename)
    try:
        main(snakemake, logger)
    except LightmedError as exc:
        logger.error("%s", exc)
        sys.stderr.write(f"lightmed: error: {exc}\n")
        sys.exit(1)
    except Exception:
        logger.error("unexpected failure:\n%s", traceback.format_exc())
        raise
    logger.info("done")
