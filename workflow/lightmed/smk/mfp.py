"""Rule helpers for the kernels and mfp stages."""

from __future__ import annotations

from ..errors import ConfigError
from .core import snapshot_media, snapshot_shells
from .models import registry, sn_core_models


def kernels_input(
    config: dict, snapshot: str, medium: str, nature: str, rmf_pattern: str
) -> dict[str, str]:
    """The rmf of this medium and nature; Majorana also needs the same medium's Dirac mu_nu
    (E = mu_nu^Dirac + pi T)."""
    files = {"rmf": rmf_pattern.format(snapshot=snapshot, medium=medium, nature=nature)}
    if nature == "majorana":
        files["rmf_dirac"] = rmf_pattern.format(snapshot=snapshot, medium=medium, nature="dirac")
    return files


def model_kernels(
    config: dict, snapshot: str, medium: str, nature: str, model: str, kernels_pattern: str
) -> str:
    """Kernels of the nature the model fixes (physics.md §1.1); refuse a mismatched request."""
    wanted = registry(config)[model].nature
    if wanted != nature:
        raise ConfigError(
            f"model {model} is defined for {wanted} neutrinos; request "
            f"results/mfp/{snapshot}_{medium}_{wanted}_{model}.nc"
        )
    return kernels_pattern.format(snapshot=snapshot, medium=medium, nature=nature)


def kernels_resources(config: dict, snapshot: str, nature: str, attempt: int = 1) -> dict:
    """mem_mb and runtime [min] of one compute_kernels job, times the attempt.

    Cost grows with shells x kernels.refinement^2 (panels in |q|, q0 and E_N); Majorana
    needs more nodes (mu_nu = 0, hotter tails). Measured (benchmarks/bench_pipeline.py, 2
    shared cores): the default 10-shell tables 4-12 s per job, a Garching 8-shell snapshot
    8 s (Dirac) and 43 s (Majorana) of wall at load ~10; peak RSS below 1 GB. The requests
    leave a wide margin: a killed job is resubmitted with twice the request (retries: 1).
    """
    work = snapshot_shells(config, snapshot) * config["kernels"]["refinement"] ** 2
    heavy = 2 if nature == "majorana" else 1
    return {
        "mem_mb": attempt * (1500 + 100 * work * heavy),
        "runtime": attempt * (10 + heavy * work),
    }


def model_resources(config: dict, snapshot: str, model: str, attempt: int = 1) -> dict:
    """mem_mb and runtime [min] of one compute_mfp_model job, times the attempt. Measured on the
    2-core machine (``bench_pipeline.py --fine``): 400 x 400 on 8 or 16 shells 16-27 s of CPU;
    default grid 1-3 s."""
    grid = config["models"][model]["sn_core_grid"]
    cells = snapshot_shells(config, snapshot) * grid["mass_mev"]["num"] * grid["coupling"]["num"]
    return {
        "mem_mb": attempt * model_mem_mb(config, model),
        "runtime": attempt * (5 + cells // 1_000_000),
    }


def model_mem_mb(config: dict, model: str) -> int:
    """Memory request of a model map: 1 GB + 15 kB per (mass, coupling) point.

    Measured peak RSS: 550-610 MB at the default 51 x 61 and 2.1-2.2 GB at 400 x 400 (8 or 16
    shells; ~0.55 GB of it imports and the kernels): ~10 kB per point, requested with 1.5x
    margin. (The Rosseland sum over the 24 energy nodes is accumulated node by node; summed in
    one expression it peaked at 5.9 GB.)
    """
    grid = config["models"][model]["sn_core_grid"]
    return 1000 + 15 * grid["mass_mev"]["num"] * grid["coupling"]["num"] // 1000


def model_targets(config: dict, mfp_model_pattern: str) -> list[str]:
    """Every (snapshot, medium, model) mfp map, each with the nature its model fixes."""
    reg = registry(config)
    return [
        mfp_model_pattern.format(
            snapshot=snapshot, medium=medium, nature=reg[model].nature, model=model
        )
        for model in sn_core_models(config)
        for snapshot in config["snapshots"]
        for medium in snapshot_media(config, snapshot)
    ]
