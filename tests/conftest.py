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
