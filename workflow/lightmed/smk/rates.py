"""Rule helpers for the rates stage."""

from __future__ import annotations

from typing import Any


def rates_params(config: dict, source: str, detector: str) -> dict[str, Any]:
    """Only this source's block, this detector's block and the grid.

    Editing one detector reruns only that detector's rates (and what depends on them).
    """
    return {
        "source": config["sources"][source],
        "detector": config["detectors"][detector],
        "grid": {k: v for k, v in config["rates"].items() if not k.startswith("plot_")},
    }
