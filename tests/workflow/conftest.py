"""Fixtures for workflow tests: one real run of the default pipeline per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import copy_workflow, run_snakemake


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory) -> Path:
    """The default pipeline, run once for the session with `snakemake --cores 2`."""
    workdir = copy_workflow(tmp_path_factory.mktemp("pipeline"))
    run_snakemake(workdir)
    return workdir
