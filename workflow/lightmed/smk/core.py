"""Rule helpers for the profiles and rmf stages."""

from __future__ import annotations

import os
from typing import Any


def snapshot_file(config: dict, snapshot: str, basedir: str) -> str:
    """Path of a snapshot's input file; relative paths are relative to the workflow dir."""
    path = config["snapshots"][snapshot]["path"]
    return path if os.path.isabs(path) else os.path.join(basedir, path)


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
