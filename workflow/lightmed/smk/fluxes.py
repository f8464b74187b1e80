"""Rule helpers for the fluxes stage."""

from __future__ import annotations

from typing import Any

#: The artifact of one source (the {source} wildcard).
FLUX_PATTERN = "results/fluxes/{source}.nc"


def flux_input(config: dict, source: str) -> list[str]:
    """Flux files the source reads (none for embedded defaults), so edits to them rerun.

    Paths stay as configured (relative to the workflow directory), so copies of a workflow do
    not see a changed input set.
    """
    path = config["sources"][source].get("path", "embedded")
    if path == "embedded":
        return []
    return list(path.values()) if isinstance(path, dict) else [path]


def flux_params(config: dict, source: str) -> dict[str, Any]:
    """What the flux at Earth depends on: the source block without its exposure.

    ``exposure_years`` only scales the rates, so changing it reruns the rates, not the ingest.
    """
    return {k: v for k, v in config["sources"][source].items() if k != "exposure_years"}


def flux_targets(config: dict) -> list[str]:
    """Every flux artifact of the configured sources."""
    return [FLUX_PATTERN.format(source=s) for s in config["sources"]]
