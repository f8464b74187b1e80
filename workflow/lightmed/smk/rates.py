"""Rule helpers for the rates stage: one job per source writes every detector's rates."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..models import Coupling, MediatorModel
from .models import detector_models, registry

#: Output pattern of rule compute_rates (one file per source x detector).
RATES_PATTERN = "results/rates/{source}_{detector}.nc"


def rates_files(config: dict, source: str) -> list[str]:
    """Every detector's rates file of one source (the outputs of its compute_rates job)."""
    return [RATES_PATTERN.format(source=source, detector=d) for d in config["detectors"]]


def rates_outputs(config: dict) -> list[str]:
    """Output patterns of rule compute_rates: ``{source}`` stays a wildcard."""
    return [RATES_PATTERN.replace("{detector}", d) for d in config["detectors"]]


def model_fields(model: MediatorModel) -> dict[str, Any]:
    """The dataclass fields of a registry model as plain data (rule params, JSON-able)."""
    out = {f.name: getattr(model, f.name) for f in dataclasses.fields(model) if f.init}
    out["coupling"] = dataclasses.asdict(model.coupling)
    out["quark_charges"] = dict(model.quark_charges)
    out["neutrino_charges"] = dict(model.neutrino_charges)
    if out["sn_core_criteria"] is not None:
        out["sn_core_criteria"] = list(out["sn_core_criteria"])
    return out


def models_from_params(fields: dict[str, dict[str, Any]]) -> dict[str, MediatorModel]:
    """Inverse of :func:`model_fields` for every model of a rule's params."""
    out = {}
    for name, f in fields.items():
        f = dict(f)
        f["coupling"] = Coupling(**f["coupling"])
        if f.get("sn_core_criteria") is not None:
            f["sn_core_criteria"] = tuple(f["sn_core_criteria"])
        out[name] = MediatorModel(**f)
    return out


def rates_params(config: dict, source: str) -> dict[str, Any]:
    """What the rates of one source depend on: its block, the detectors, the targets they
    use, the detector models' physics (not their SN-core switches or grids) and the grid.

    Editing a detector or a detector model reruns every source's rates job (each writes all
    detectors) and the sensitivities; never the SN-core stages.
    """
    used = {block["target"] for block in config["detectors"].values()}
    reg = registry(config)
    return {
        "source": config["sources"][source],
        "detectors": config["detectors"],
        "targets": {k: v for k, v in config.get("targets", {}).items() if k in used},
        "models": {name: model_fields(reg[name]) for name in detector_models(config)},
        "grid": {k: v for k, v in config["rates"].items() if not k.startswith("plot_")},
    }


def rates_resources(config: dict) -> dict[str, int]:
    """mem_mb and runtime [min] of one compute_rates job, growing with the grid.

    Memory: a few float64 (model, recoil node, mass) arrays of one detector on top of the
    Python/numpy/xarray baseline (measured max RSS 173-182 MB per source job for the default 3
    models x 200 masses x 400 nodes, 6 detectors). Runtime: 0.02-0.2 s per detector at the
    default grid (3.7-6 s per job with start-up); the minutes below leave a wide margin.
    """
    grid = config["rates"]
    n_models = max(1, len(detector_models(config)))
    n_nodes = int(grid["nodes_per_bin"]) * int(grid["recoil_max_kev"] / 0.5 + 1)
    cells = n_models * int(grid["n_mass"]) * n_nodes
    mem = 600 + 8 * 8 * cells // 1_000_000
    runtime = 5 + len(config["detectors"]) * cells // 20_000_000
    return {"mem_mb": int(mem), "runtime": int(runtime)}
