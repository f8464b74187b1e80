"""A clean copy of the workflow: what a fresh checkout holds, without results, logs, Snakemake's
metadata or caches (numba's included). Used by the workflow tests and the pipeline benchmark,
which both run Snakemake in such copies."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

#: Top-level entries of the repository a workflow run needs.
WORKFLOW_ENTRIES = (
    "Snakefile",
    "config",
    "workflow",
    "resources",
    "envs",
    "matplotlibrc",
    "profiles",
)
#: Never copied: products of earlier runs and caches.
IGNORED = (
    "results",
    "logs",
    ".snakemake",
    ".git",
    "__pycache__",
    ".pytest_cache",
    ".cache",
    ".ruff_cache",
    "*.egg-info",
)


def copy_workflow(repo: Path, dest: Path) -> Path:
    """Copy the workflow of ``repo`` into ``dest`` (created) and return ``dest``; symbolic
    links at the top level (``profiles -> workflow/profiles``) stay links."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns(*IGNORED)
    for name in WORKFLOW_ENTRIES:
        src = repo / name
        if src.is_symlink():
            os.symlink(os.readlink(src), dest / name)
        elif src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest
