"""Rule helpers for the profiles and rmf stages."""

from __future__ import annotations

from typing import Any


def snapshot_file(config: dict, snapshot: str) -> str:
    """Path of a snapshot's input file, as configured.

    Relative paths stay relative (to the working directory, which is the workflow directory
    unless ``--directory`` says otherwise): an absolute path would differ between copies of
    the workflow and make Snakemake rerun everything ("set of input files has changed").
    """
    return config["snapshots"][snapshot]["path"]


def rmf_params(config: dict, nature: str) -> dict[str, Any]:
    """What the RMF solve of one nature depends on (and nothing else)."""
    rmf = config["rmf"]
    return {
        "preset": rmf["preset"],
        "overrides": rmf["overrides"],
        "neutrino_degeneracy": rmf["neutrino_degeneracy"],
        "lepton_mode": rmf["lepton_mode"][nature],
        "tolerance": rmf["tolerance"],
    }
