"""Shared test fixtures: repository paths and the optional ../shared data directory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LIGHTMED_SHARED_DIR", REPO.parent / "shared"))
SHARED_DATA = SHARED / "data"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ../shared/data; skips the test cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA} (set LIGHTMED_SHARED_DIR)")
    return SHARED_DATA


def copy_workflow(dest: Path) -> Path:
    """Copy the workflow (no results, logs or caches) into ``dest`` and return it."""
    ignore = shutil.ignore_patterns(
        "results",
        "logs",
        ".snakemake",
        ".git",
        "__pycache__",
        ".pytest_cache",
        ".cache",
        ".ruff_cache",
        "*.egg-info",
        "benchmarks/results",
    )
    for name in ("Snakefile", "config", "workflow", "resources", "envs", "matplotlibrc"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest
