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


def rates_input(config: dict, source: str) -> list[str]:
    """Flux files the source reads (none for embedded defaults), so edits to them rerun."""
    path = config["sources"][source].get("path", "embedded")
    if path == "embedded":
        return []
    return list(path.values()) if isinstance(path, dict) else [path]
