"""Rule helpers for the diffusion / SN-core bounds stage."""

from __future__ import annotations

from typing import Any

from .core import headline_medium
from .models import registry

_ROLES = ("snapshot_dt_10s", "snapshot_dt_2sm", "snapshot_nur")


def diffusion_snapshots(config: dict) -> list[str]:
    """Snapshots playing a role in the [C21] criteria (config ``diffusion.snapshot_*``)."""
    snaps: list[str] = []
    for key in _ROLES:
        name = config["diffusion"][key]
        if name not in snaps:
            snaps.append(name)
    return snaps


def diffusion_physics(config: dict) -> dict[str, Any]:
    """The diffusion block without the plot-only keys."""
    return {k: v for k, v in config["diffusion"].items() if not k.startswith("plot_")}


def diffusion_input(
    config: dict, model: str, mfp_model: str, mfp_sm: str, profile: str
) -> dict[str, list[str]]:
    """Inputs of ``compute_diffusion`` for one model, from the upstream output patterns.

    Each snapshot's mean free paths in its headline medium (the first of its media).
    """
    snaps = diffusion_snapshots(config)
    nature = registry(config)[model].nature
    media = {s: headline_medium(config, s) for s in snaps}
    return {
        "mfp_model": [
            mfp_model.format(snapshot=s, medium=media[s], nature=nature, model=model) for s in snaps
        ],
        "mfp_sm": [mfp_sm.format(snapshot=s, medium=media[s], nature=nature) for s in snaps],
        "profiles": [profile.format(snapshot=s) for s in snaps],
    }
