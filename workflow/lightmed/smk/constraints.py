"""Rule helpers of the constraints stage (workflow/rules/constraints.smk)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from ..constraints import EXPERIMENTS
from ..models import get_model

NC = "results/constraints/{experiment}_{model}.nc"
CSV = "results/constraints/{experiment}_{model}.csv"
FIGURE = "results/figures/constraints_{model}.{ext}"
README_HINT = 'README "Limits from real data"'


def _where(name: str) -> str:
    """The experiment's own 'where to get the release' line (README section as fallback);
    read from :mod:`lightmed.constraints.releases`, without importing the experiment."""
    from ..constraints.releases import WHERE

    return WHERE.get(name, README_HINT)


def constraints_plan(config: dict) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """({experiment: job parameters} for experiments with a release path, one skip line each
    for the others). Raises ConfigError for a model the registry does not know."""
    block = config["constraints"]
    models = list(block["models"])
    for name in models:
        get_model(name, config.get("models"))  # one-line ConfigError if unknown
    plan: dict[str, dict[str, Any]] = {}
    skipped: list[str] = []
    for name in block["experiments"]:
        settings = dict(block.get(name) or {})
        path = settings.get("path")
        if path is None:
            skipped.append(
                f"constraints: skipping {name} (constraints.{name}.path is null); "
                f"get the release from {_where(name)}"
            )
            continue
        module = EXPERIMENTS[name].partition(":")[0]
        if importlib.util.find_spec(module) is None:
            skipped.append(
                f"constraints: skipping {name} (module {module} is not part of this "
                "lightmed version)"
            )
            continue
        plan[name] = {
            "experiment": name,
            "path": str(path),
            "settings": settings,
            "models": {m: _model_entry(config, m) for m in models},
            "mass": dict(block["mass"]),
            "coupling": dict(block["coupling"]),
            "cl": float(block["cl"]),
        }
    return plan, skipped


def _model_entry(config: dict, name: str) -> dict[str, Any]:
    """The config entry of a model (so a change of its charges reruns the job), without its
    SN-core grid (a grid edit reruns the SN-core maps, never the real-data limits)."""
    entry = (config.get("models") or {}).get(name)
    return model_block(entry) if entry else {"preset": name}


def model_block(entry: dict) -> dict[str, Any]:
    """A model's config entry as the limits use it: everything but ``sn_core_grid``."""
    return {k: v for k, v in entry.items() if k != "sn_core_grid"}


def release_files(path: str) -> list[str]:
    """Every file of a release (a directory or one file); [] if absent (the job then stops
    with one line naming the path)."""
    p = Path(path)
    if p.is_file():
        return [str(p)]
    if p.is_dir():
        return sorted(str(f) for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
    return []


def outputs(plan: dict, ext: str) -> list[str]:
    """Per-experiment outputs of compute_constraints ({experiment} stays a wildcard)."""
    models = next(iter(plan.values()))["models"] if plan else {}
    pattern = NC if ext == "nc" else CSV
    return [pattern.replace("{model}", m) for m in models]


def targets(plan: dict) -> list[str]:
    return [
        pattern.format(experiment=e, model=m)
        for e, p in plan.items()
        for m in p["models"]
        for pattern in (NC, CSV)
    ]


def model_artifacts(plan: dict, model: str) -> list[str]:
    """The constraints artifacts of one model (empty without any planned experiment)."""
    return [NC.format(experiment=e, model=model) for e, p in plan.items() if model in p["models"]]


def figure_targets(plan: dict, config: dict) -> list[str]:
    return [path for panel in figure_panels(plan, config) for path in panel["outputs"]]


def figure_panels(plan: dict, config: dict) -> list[dict[str, Any]]:
    """One ``constraints_{model}`` figure per model (all drawn by one plot job): its model,
    labels, the artifacts it reads and the paths it writes."""
    if not plan:
        return []
    return [
        {
            "model": m,
            "labels": model_labels(config, m),
            "files": model_artifacts(plan, m),
            "outputs": [FIGURE.format(model=m, ext=ext) for ext in config["figures"]["formats"]],
        }
        for m in next(iter(plan.values()))["models"]
    ]


def panel_inputs(panels: list[dict[str, Any]]) -> list[str]:
    """Every artifact the figure panels read (sorted, unique)."""
    return sorted({f for p in panels for f in p["files"]})


def model_labels(config: dict, name: str) -> dict[str, str]:
    """Axis label, mass symbol and title of a model (registry entry or preset)."""
    m = get_model(name, config.get("models"))
    return {"axis": m.axis_label, "mass": m.mass_symbol, "title": m.title}
