"""Rule helpers for the sensitivity stage (workflow/rules/sensitivity.smk).

Job boundary: one ``compute_sensitivity`` job per sensitivity source (a source or a
marginalised group) writes every (combination x model) file of that source,
``results/sensitivity/{source}_{combo}_{model}.{nc,csv}`` -- the per-file contract of
artifacts.md is unchanged, and per-detector chi2 terms are shared between the combinations
of the job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import ConfigError
from ..statistics.planning import SensitivityPlan
from .models import detector_models, registry, sn_core_models

#: Output pattern of rule compute_sensitivity.
SENSITIVITY_PATTERN = "results/sensitivity/{source}_{combo}_{model}.nc"
#: SN-core models shown on each summary figure of [ST21]'s models (both methods: [C21] shells,
#: [ST21] radial); any other model shows its own SN-core bounds where they exist.
SUMMARY_SN_CORE: dict[str, list[str]] = {
    "vector": [],
    "scalar": ["lnv_scalar", "lnc_scalar"],
    "bl_vector": ["bl_vector"],
}
#: [ST21]'s detector models, the ones with comparison and normalisation figures.
DETECTOR_MODELS = ("vector", "scalar")
#: Figures per model of [ST21]'s detector models (the summaries cover every model).
DETECTOR_FIGURES = (
    "sensitivity_sn",
    "sensitivity_detector_size",
    "sensitivity_solar_atmospheric",
    "sensitivity_normalisation",
)
#: Sources of the normalisation-uncertainty figure (those with sigma_norm variants).
NORMALISATION_SOURCES = ("sn_ccsn", "sn_failed", "atmospheric")

#: Comparison figures ``sensitivity_{comparison}_{model}``: sources drawn (solid, dashed), the
#: key of ``sensitivity.figures`` naming the detector combinations, and the title.
COMPARISONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "sn": (
        ("sn_ccsn", "sn_failed"),
        "sn_combos",
        "Supernova at 10 kpc: CC and failed",  # [ST21] Figs. 5-6
    ),
    "detector_size": (
        ("sn_ccsn",),
        "size_combos",
        "Detector size, CC supernova at 10 kpc",  # [ST21] Fig. 7
    ),
    "solar_atmospheric": (
        ("solar", "atmospheric"),
        "steady_combos",
        "Solar and atmospheric neutrinos, 1 yr",  # [ST21] Fig. 11
    ),
}


def comparison_params(config: dict, comparison: str) -> dict:
    """What a comparison figure needs: its sources, combinations and title."""
    sources, combos_key, title = COMPARISONS[comparison]
    return {
        "sources": list(sources),
        "combos": list(config["sensitivity"]["figures"][combos_key]),
        "title": title,
    }


def sensitivity_plan(config: dict) -> SensitivityPlan:
    """Validated plan; also checks that every figure names a configured combination."""
    plan = SensitivityPlan.from_config(
        config["sensitivity"], config["sources"], config["detectors"], detector_models(config)
    )
    figs = config["sensitivity"]["figures"]
    for key in ("sn_combos", "size_combos", "steady_combos", "norm_combo", "summary_combo"):
        names = figs[key] if isinstance(figs[key], list) else [figs[key]]
        for name in names:
            if name not in plan.combos:
                raise ConfigError(
                    f"sensitivity.figures.{key}: {name!r} is not a combination "
                    f"({', '.join(plan.combos)})"
                )
    for name in figs["summary_sources"]:
        if name not in plan.sources:
            raise ConfigError(
                f"sensitivity.figures.summary_sources: {name!r} is not a "
                f"sensitivity source ({', '.join(plan.sources)})"
            )
    return plan


def alternatives(names: Iterable[str]) -> str:
    """Regex matching exactly one of ``names`` (escaped, longest first)."""
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


def wildcard_constraints(plan: SensitivityPlan) -> dict[str, str]:
    """Constraints that keep {source}_{combo}_{model} unambiguous ('_' and '+' in names)."""
    return {
        "source": alternatives(plan.sources),
        "combo": alternatives(plan.combos),
        "model": alternatives(plan.models),
    }


def rates_input(plan: SensitivityPlan, source: str, rates_pattern: str) -> list[str]:
    """Rates of every member source x every detector used by a combination (sorted, unique)."""
    dets = sorted({d for combo in plan.combos for d in plan.detectors[combo]})
    return [
        rates_pattern.format(source=src, detector=det)
        for src in plan.members[source]
        for det in dets
    ]


def sensitivity_outputs(plan: SensitivityPlan, ext: str = "nc") -> list[str]:
    """Output patterns of one compute_sensitivity job: ``{source}`` stays a wildcard."""
    pattern = SENSITIVITY_PATTERN.replace(".nc", f".{ext}")
    return [
        pattern.replace("{combo}", c).replace("{model}", m)
        for c in plan.combos
        for m in plan.models
    ]


def sensitivity_params(config: dict, plan: SensitivityPlan, source: str) -> dict[str, Any]:
    """Only what one source's sensitivities depend on: its members, the combinations, the
    detector models, its sigma list, the statistics and the coupling grid."""
    block = config["sensitivity"]
    return {
        "members": list(plan.members[source]),
        "combos": {c: list(plan.detectors[c]) for c in plan.combos},
        "models": list(plan.models),
        "sigma_norm": list(plan.sigma_norm[source]),
        "pull": block["pull"],
        "confidence_level": block["confidence_level"],
        "degrees_of_freedom": block["degrees_of_freedom"],
        "coupling_grid": block["coupling_grid"],
        "pattern": SENSITIVITY_PATTERN,
    }


def sensitivity_resources(config: dict, plan: SensitivityPlan, source: str) -> dict[str, int]:
    """mem_mb and runtime [min] of one source's job, growing with the grid.

    Memory: per detector and member 4 float64 (mass, coupling) arrays of cached chi2 terms
    plus the (sigma, mass, coupling) map of the file being built; measured peak 330 MB at
    the default 200 masses x 400 couplings (Python/numpy/numba baseline ~250 MB). Runtime:
    ~0.15 s per (combination x model x sigma) at the default grid, scaled by the grid size.
    """
    grid = config["sensitivity"]["coupling_grid"]["num"] * config["rates"]["n_mass"]
    dets = {d for c in plan.combos for d in plan.detectors[c]}
    n_members = len(plan.members[source])
    n_sigma = len(plan.sigma_norm[source])
    mem = 400 + 8 * grid * (4 * len(dets) * n_members + 3 * n_sigma) // 1_000_000
    work = len(plan.combos) * len(plan.models) * n_sigma * n_members * grid
    return {"mem_mb": int(mem), "runtime": int(5 + work // 5_000_000)}


def sensitivity_files(sources: Iterable[str], combos: Iterable[str], model: str) -> list[str]:
    return [
        SENSITIVITY_PATTERN.format(source=s, combo=c, model=model) for s in sources for c in combos
    ]


def figure_paths(name: str, formats: Iterable[str]) -> list[str]:
    """results/figures/<name>.<ext> per format; ``{model}`` in ``name`` stays a wildcard."""
    return [f"results/figures/{name}.{ext}" for ext in formats]


def plot_style(config: dict) -> dict[str, Any]:
    return {
        "figures": config["figures"],
        "coupling_range": config["sensitivity"]["figures"]["coupling_range"],
    }


def summary_sn_core(config: dict, model: str) -> list[str]:
    """SN-core models drawn on a model's summary figure: [ST21]'s mapping for its presets,
    else the model itself; only models whose SN-core bounds the workflow computes."""
    computed = sn_core_models(config)
    return [m for m in SUMMARY_SN_CORE.get(model, [model]) if m in computed]


def sn_core_inputs(
    config: dict, model: str, has_rule: Callable[[str], bool]
) -> dict[str, list[str]]:
    """SN-core bounds of both methods for one summary figure, only if their rule exists.

    ``has_rule(name)`` comes from Snakemake's ``rules`` object, so the summary works with or
    without workflow/rules/diffusion.smk (rule compute_sn_core) included.
    """
    from .diffusion import BOUNDS_PATTERN, RADIAL_PATTERN

    shown = summary_sn_core(config, model)
    out: dict[str, list[str]] = {}
    for key, pattern in (("sn_core", BOUNDS_PATTERN), ("sn_core_radial", RADIAL_PATTERN)):
        out[key] = [pattern.format(model=m) for m in shown] if has_rule("compute_sn_core") else []
    return out


def model_labels(config: dict, model: str) -> dict[str, str]:
    """Axis label, mass symbol and title of a registry model (summary figures)."""
    m = registry(config)[model]
    return {"axis": m.axis_label, "mass": m.mass_symbol, "title": m.title}


def external_limits(config: dict, model: str) -> list[dict]:
    return [e for e in config["sensitivity"]["external_limits"] if e["figure"] == model]


def external_limit_files(config: dict, model: str) -> list[str]:
    """CSV files of the external limits on one summary figure, as configured (relative paths
    stay relative to the working directory, so copies of a workflow do not rerun)."""
    return [e["path"] for e in external_limits(config, model)]


def sensitivity_targets(config: dict, plan: SensitivityPlan) -> list[str]:
    """Every artifact and figure of the stage (for ``rule all``)."""
    formats = config["figures"]["formats"]
    out = [
        SENSITIVITY_PATTERN.format(source=s, combo=c, model=m)
        for s in plan.sources
        for c in plan.combos
        for m in plan.models
    ]
    for model in plan.models:
        if model in DETECTOR_MODELS:
            for name in DETECTOR_FIGURES:
                out += figure_paths(f"{name}_{model}", formats)
        out += figure_paths(f"summary_{model}", formats)
    return out


# --- figure jobs ------------------------------------------------------------------------------
# Each figure rule is one job drawing all its figures (a figure costs ~0.5 s, a job's start-up
# ~1.3 s of CPU): a "panel" is one figure, with the files it reads and the paths it writes.


def comparison_panels(config: dict, plan: SensitivityPlan) -> list[dict[str, Any]]:
    """Every ``sensitivity_{comparison}_{model}`` figure ([ST21] Figs. 5-7, 11)."""
    formats = config["figures"]["formats"]
    panels = []
    for model in (m for m in plan.models if m in DETECTOR_MODELS):
        for comparison in COMPARISONS:
            spec = comparison_params(config, comparison)
            name = f"sensitivity_{comparison}_{model}"
            panels.append(
                {
                    **spec,
                    "name": name,
                    "model": model,
                    "files": sensitivity_files(spec["sources"], spec["combos"], model),
                    "outputs": figure_paths(name, formats),
                }
            )
    return panels


def normalisation_panels(config: dict, plan: SensitivityPlan) -> list[dict[str, Any]]:
    """Every ``sensitivity_normalisation_{model}`` figure (bounds per flux uncertainty)."""
    formats = config["figures"]["formats"]
    sources = [s for s in NORMALISATION_SOURCES if s in plan.sources]
    combo = config["sensitivity"]["figures"]["norm_combo"]
    return [
        {
            "name": f"sensitivity_normalisation_{model}",
            "model": model,
            "files": sensitivity_files(sources, [combo], model),
            "outputs": figure_paths(f"sensitivity_normalisation_{model}", formats),
        }
        for model in plan.models
        if model in DETECTOR_MODELS
    ]


def summary_panels(
    config: dict,
    plan: SensitivityPlan,
    has_rule: Callable[[str], bool],
) -> list[dict[str, Any]]:
    """Every ``summary_{model}`` figure: the files of each bound family it draws
    (sensitivities, SN-core bounds of both methods, external limits, real-data limits).
    ``has_rule`` is Snakemake's ``rules.has`` (call it when the job is planned: the SN-core
    rule may be defined after this stage's rules)."""
    from .constraints import constraints_plan, model_artifacts

    figs = config["sensitivity"]["figures"]
    cons_plan = constraints_plan(config)[0]
    panels = []
    for model in plan.models:
        core = sn_core_inputs(config, model, has_rule)
        panels.append(
            {
                "name": f"summary_{model}",
                "model": model,
                "sensitivities": sensitivity_files(
                    figs["summary_sources"], [figs["summary_combo"]], model
                ),
                "sn_core": core["sn_core"],
                "sn_core_radial": core["sn_core_radial"],
                "external": external_limits(config, model),
                "external_files": external_limit_files(config, model),
                "constraints": model_artifacts(cons_plan, model),
                "labels": model_labels(config, model),
                "outputs": figure_paths(f"summary_{model}", config["figures"]["formats"]),
            }
        )
    return panels


def summary_outputs(config: dict, plan: SensitivityPlan) -> list[str]:
    """The paths of every summary figure (known before the rules it reads are defined)."""
    formats = config["figures"]["formats"]
    return [path for m in plan.models for path in figure_paths(f"summary_{m}", formats)]


PANEL_INPUTS = (
    "files",
    "sensitivities",
    "sn_core",
    "sn_core_radial",
    "external_files",
    "constraints",
)


def panel_inputs(panels: Iterable[dict[str, Any]]) -> list[str]:
    """Every file the panels read (sorted, unique): the figure job's input."""
    return sorted({f for p in panels for key in PANEL_INPUTS for f in p.get(key, ())})


def panel_outputs(panels: Iterable[dict[str, Any]]) -> list[str]:
    """Every path the panels write, in panel order: the figure job's output."""
    return [path for p in panels for path in p["outputs"]]
