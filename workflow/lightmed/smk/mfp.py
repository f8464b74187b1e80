"""Rule helpers for the kernels and mfp stages."""

from __future__ import annotations

from ..errors import ConfigError
from .core import snapshot_media
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


def model_mem_mb(config: dict, model: str) -> int:
    """Memory of a model map: a few float64 arrays of shells x species x energies x grid."""
    grid = config["models"][model]["sn_core_grid"]
    return 2000 + 2 * grid["mass_mev"]["num"] * grid["coupling"]["num"] // 1000


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
