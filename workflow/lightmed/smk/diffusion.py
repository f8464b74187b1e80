"""Rule helpers for the SN-core stage: one job for diffusion, shell and radial bounds.

The stage's physics is a fraction of a second per model, so one ``compute_sn_core`` job reads
every mean-free-path map and profile and writes every model's diffusion, shell-method and
radial-method files (each file still its own artifact); one ``plot_sn_core`` job draws the
figures. :func:`sn_core_plan` is the job's whole configuration: which models (applicable or
not, with the reason), which snapshots (with their times), which file is which.
"""

from __future__ import annotations

from typing import Any

from ..models import DEFINITION_KEYS
from .models import registry

#: Output patterns of rule compute_sn_core (one file per model each).
DIFFUSION_PATTERN = "results/diffusion/{model}.nc"
BOUNDS_PATTERN = "results/bounds/sn_core_{model}.nc"
BOUNDS_TABLE_PATTERN = "results/bounds/sn_core_{model}.csv"
RADIAL_PATTERN = "results/bounds/sn_core_radial_{model}.nc"
RADIAL_TABLE_PATTERN = "results/bounds/sn_core_radial_{model}.csv"
#: Observed flavour of the criteria (SN 1987A: nubar_e); see lightmed.sn_core.
OBSERVED_FLAVOUR = "e"


def sn_core_requested(config: dict) -> list[str]:
    """Models with ``sn_core: true`` (applicable or not: each gets its bound files)."""
    return [name for name, entry in config["models"].items() if entry.get("sn_core", True)]


def sn_core_applicable(config: dict) -> dict[str, str]:
    """Requested model -> '' if the SN-core method applies, else the reason it does not."""
    reg = registry(config)
    return {name: reg[name].sn_core_status(OBSERVED_FLAVOUR) for name in sn_core_requested(config)}


def radial_snapshots(config: dict) -> list[str]:
    """Snapshots of the radial method (``radial.snapshots``; null = every snapshot)."""
    names = config["radial"]["snapshots"]
    return list(config["snapshots"]) if names is None else list(names)


def snapshot_media(config: dict, snapshot: str) -> list[str | None]:
    """Nuclear media of a snapshot, first = headline (``snapshots.<name>.media``, else
    ``rmf.media``); ``[None]`` while the workflow has no ``{medium}`` dimension."""
    spec = config["snapshots"][snapshot]
    media = spec.get("media") or config.get("rmf", {}).get("media")
    return list(media) if media else [None]


def _fmt(pattern: str, medium: str | None, **fields: str) -> str:
    return pattern.format(**fields) if medium is None else pattern.format(medium=medium, **fields)


def sn_core_plan(config: dict) -> dict[str, Any]:
    """Everything compute_sn_core depends on (its ``params``), in input-list order.

    Model definitions are the physics keys of their ``models`` entries (toggling ``detectors``
    or a model's grid does not change the plan; the grid reaches the job through the mfp
    files). ``mfp_model`` lists (model, snapshot, medium) and ``mfp_sm`` (nature, snapshot,
    medium) in the order of the inputs; ``headline_media`` is each snapshot's first medium.
    """
    applicable = sn_core_applicable(config)
    models = {
        name: {k: v for k, v in config["models"][name].items() if k in DEFINITION_KEYS}
        for name in applicable
    }
    reg = registry(config)
    snapshots = list(config["snapshots"])
    natures = sorted({reg[m].nature for m, why in applicable.items() if not why})
    radial = radial_snapshots(config)
    return {
        "models": models,
        "not_applicable": {m: why for m, why in applicable.items() if why},
        "masses_not_applicable": {
            m: config["models"][m]["sn_core_grid"]["mass_mev"]
            for m, why in applicable.items()
            if why
        },
        "snapshots": {
            s: {
                "format": config["snapshots"][s].get("format", "shell_table"),
                "time_s": config["snapshots"][s].get("time_s"),
            }
            for s in snapshots
        },
        "mfp_model": [
            [m, s, med]
            for m, why in applicable.items()
            if not why
            for s in snapshots
            for med in snapshot_media(config, s)
        ],
        "mfp_sm": [
            [n, s, med] for n in natures for s in snapshots for med in snapshot_media(config, s)
        ],
        "headline_media": {s: snapshot_media(config, s)[0] for s in snapshots},
        "radial_shells": [s for s in radial if _format(config, s) == "shell_table"],
        "radial_files": [s for s in radial if _format(config, s) == "garching_profile"]
        + list(config["radial"]["garching_profiles"]),
        "garching_snapshots": [s for s in snapshots if _format(config, s) == "garching_profile"],
        "radial_order": radial + list(config["radial"]["garching_profiles"]),
        "diffusion": diffusion_physics(config),
        "radial": config["radial"],
    }


def _format(config: dict, snapshot: str) -> str:
    return config["snapshots"][snapshot].get("format", "shell_table")


def diffusion_physics(config: dict) -> dict[str, Any]:
    """The diffusion block without the plot-only keys."""
    return {k: v for k, v in config["diffusion"].items() if not k.startswith("plot_")}


def sn_core_input(config: dict, patterns: dict[str, str]) -> dict[str, list[str]]:
    """Inputs of compute_sn_core from the upstream output patterns (``mfp_model``, ``mfp``,
    ``profile``, ``rmf``), in the order of :func:`sn_core_plan`."""
    plan = sn_core_plan(config)
    reg = registry(config)
    snap_files = {s: config["snapshots"][s]["path"] for s in config["snapshots"]}
    extra = config["radial"]["garching_profiles"]
    return {
        "mfp_model": [
            _fmt(patterns["mfp_model"], med, snapshot=s, nature=reg[m].nature, model=m)
            for m, s, med in plan["mfp_model"]
        ],
        "mfp_sm": [
            _fmt(patterns["mfp"], med, snapshot=s, nature=n) for n, s, med in plan["mfp_sm"]
        ],
        "profiles": [patterns["profile"].format(snapshot=s) for s in plan["snapshots"]],
        "rmf": [  # mu_nu and Y_p of the Dirac solve in the snapshot's headline medium
            _fmt(patterns["rmf"], plan["headline_media"][s], snapshot=s, nature="dirac")
            for s in plan["radial_shells"]
        ],
        "radial_files": [
            snap_files[s] if s in snap_files else extra[s] for s in plan["radial_files"]
        ],
        "garching_headers": [snap_files[s] for s in plan["garching_snapshots"]],
    }


def sn_core_outputs(config: dict) -> dict[str, list[str]]:
    """Every file compute_sn_core writes (diffusion only for the applicable models)."""
    applicable = sn_core_applicable(config)
    models = list(applicable)
    return {
        "diffusion": [
            DIFFUSION_PATTERN.format(model=m) for m, why in applicable.items() if not why
        ],
        "bounds": [BOUNDS_PATTERN.format(model=m) for m in models],
        "table": [BOUNDS_TABLE_PATTERN.format(model=m) for m in models],
        "radial": [RADIAL_PATTERN.format(model=m) for m in models],
        "radial_table": [RADIAL_TABLE_PATTERN.format(model=m) for m in models],
    }


def sn_core_figures(config: dict) -> dict[str, list[str]]:
    """Figures of plot_sn_core: the mean-free-path ratios (if a Dirac model applies) and the
    bounds of every requested model."""
    formats = config["figures"]["formats"]
    out = {
        "bounds": [
            f"results/figures/sn_core_bounds_{m}.{e}"
            for m in sn_core_requested(config)
            for e in formats
        ],
        "ratio": [],
        "contributions": [],
    }
    if ratio_models(config):
        out["ratio"] = [f"results/figures/c21_mfp_ratio.{e}" for e in formats]
        out["contributions"] = [f"results/figures/c21_mfp_ratio_contributions.{e}" for e in formats]
    return out


def ratio_models(config: dict) -> list[str]:
    """Applicable Dirac-nature models drawn in the lambda/lambda0 figures ([C21] Figs. 2-3)."""
    reg = registry(config)
    return [
        m for m, why in sn_core_applicable(config).items() if not why and reg[m].nature == "dirac"
    ]


def plot_inputs(config: dict, mfp_model_pattern: str, mfp_pattern: str) -> dict[str, list[str]]:
    """Inputs of plot_sn_core: the bound files and the mfp maps of the ratio figures."""
    outs = sn_core_outputs(config)
    snap = config["diffusion"]["plot_snapshot"]
    med = snapshot_media(config, snap)[0]
    models = ratio_models(config)
    return {
        "bounds": outs["bounds"],
        "radial": outs["radial"],
        "mfp_model": [
            _fmt(mfp_model_pattern, med, snapshot=snap, nature="dirac", model=m) for m in models
        ],
        "mfp_sm": [_fmt(mfp_pattern, med, snapshot=snap, nature="dirac")] if models else [],
    }


def model_titles(config: dict) -> dict[str, list[str]]:
    """Requested model -> [title, coupling latex] for the figures."""
    reg = registry(config)
    return {m: [reg[m].title, reg[m].coupling.latex] for m in sn_core_requested(config)}


def sn_core_runtime(config: dict) -> int:
    """Runtime [min] of compute_sn_core: every criterion on every (snapshot, medium) map of
    every model plus the radial method per mass. Measured 1.3 s for the default (2 snapshots,
    3 models, 51 x 61); the request grows with snapshots x models x grid points."""
    plan = sn_core_plan(config)
    cells = sum(
        config["models"][m]["sn_core_grid"]["mass_mev"]["num"]
        * config["models"][m]["sn_core_grid"]["coupling"]["num"]
        for m, _, _ in plan["mfp_model"]
    )
    radial = config["radial"]["mass_mev"]["num"] * len(plan["mfp_model"])
    return 10 + cells // 200_000 + radial // 2_000


def sn_core_mem_mb(config: dict) -> int:
    """Memory of compute_sn_core: a base plus the mfp maps held at once, ~1 kB per (mass,
    coupling) point of a map (all shells, energy choices and weightings; the NetCDF files
    hold 250-360 B per point compressed). Measured peak RSS 131 MB for the default 6 maps of
    51 x 61 and 520 MB for 6 maps of 400 x 400 (this asks 2.5 GB); config/fine_grid.yaml (30
    maps of 400 x 400) asks for ~6 GB."""
    plan = sn_core_plan(config)
    grid = max(
        (
            config["models"][m]["sn_core_grid"]["mass_mev"]["num"]
            * config["models"][m]["sn_core_grid"]["coupling"]["num"]
            for m, _, _ in plan["mfp_model"]
        ),
        default=0,
    )
    return 1500 + len(plan["mfp_model"]) * (20 + grid // 1000)
