"""Shared fixtures: repository paths and the optional ../shared data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import REPO, SHARED_DATA


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ../shared/data; skips the test cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA} (set LIGHTMED_SHARED_DIR)")
    return SHARED_DATA


#: pytest-xdist groups (``--dist loadgroup``, pyproject addopts): tests that share one
#: expensive session fixture or one machine-wide resource run on the same worker.
XDIST_GROUPS = {"pipeline": "pipeline", "slurm": "slurm"}


@pytest.hookimpl(tryfirst=True)  # before xdist's hook turns the group into the node id
def pytest_collection_modifyitems(config, items):
    """Keep the users of the session's default-pipeline run on one worker (built once) and the
    SLURM cluster test on its own; the rest spreads over the workers."""
    for item in items:
        if "pipeline" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(XDIST_GROUPS["pipeline"]))
        elif item.get_closest_marker("slurm") is not None:
            item.add_marker(pytest.mark.xdist_group(XDIST_GROUPS["slurm"]))
