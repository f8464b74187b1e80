"""Rerun only what changed: after a full run, a config edit plans exactly the affected jobs.

Each case edits one key of a copy of the finished default run and asserts the exact set of
jobs that `snakemake -n` plans (rules receive only the config sub-block they use through
`params:`, and Snakemake's params/input rerun triggers do the rest).
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from helpers import planned_jobs, run_snakemake

pytestmark = pytest.mark.slow


def _plan(pipeline, tmp_path, edit):
    work = tmp_path / "work"
    shutil.copytree(pipeline, work, symlinks=True)
    config = yaml.safe_load((work / "config" / "config.yaml").read_text())
    edit(config)
    edited = work / "config" / "edited.yaml"
    edited.write_text(yaml.safe_dump(config))
    proc = run_snakemake(work, "-n", "--configfile", str(edited))
    return config, planned_jobs(proc.stdout + proc.stderr)


def _rules(jobs):
    """Planned rules, without the aggregating target rule `all`."""
    return {rule for rule, _, _ in jobs} - {"all"}


def test_figure_style_reruns_only_plot_rules(pipeline, tmp_path):
    def edit(config):
        config["figures"]["dpi"] += 1

    _, jobs = _plan(pipeline, tmp_path, edit)
    assert jobs, "a figure-style change must replot"
    assert all(rule.startswith("plot_") for rule in _rules(jobs)), _rules(jobs)


def test_detector_threshold_reruns_rates_and_sensitivities_only(pipeline, tmp_path):
    """Scope (README "Rerun only what changed"): rates are one job per source writing every
    detector's file, sensitivities one job per sensitivity source; a detector edit reruns the
    rates job of every source and every sensitivity job (their inputs changed), plus figures,
    and never the fluxes, profiles, RMF, kernels or SN-core stages."""

    def edit(config):
        config["detectors"]["darwin"]["threshold_kev"] = 1.5

    config, jobs = _plan(pipeline, tmp_path, edit)
    rates = {w["source"] for rule, w, _ in jobs if rule == "compute_rates"}
    assert rates == set(config["sources"])
    sens = {w["source"] for rule, w, _ in jobs if rule == "compute_sensitivity"}
    expected = set(config["sensitivity"]["sigma_norm"]) | set(config["sensitivity"]["marginalised"])
    assert sens == expected
    allowed = {"compute_rates", "compute_sensitivity", "bound_tables"}
    others = {r for r in _rules(jobs) if r not in allowed and not r.startswith("plot_")}
    assert not others, others


def test_model_grid_reruns_mfp_grids_not_rmf_or_kernels(pipeline, tmp_path):
    schema = yaml.safe_load((pipeline / "workflow/schemas/config.schema.yaml").read_text())
    grid_schema = schema["definitions"]["mediator_model"]["properties"]["sn_core_grid"]
    default = grid_schema["properties"]["mass_mev"]["default"]

    def edit(config):
        for model in config["models"].values():
            grid = model.setdefault("sn_core_grid", {})
            grid["mass_mev"] = {**grid.get("mass_mev", default)}
            grid["mass_mev"]["num"] += 1

    _, jobs = _plan(pipeline, tmp_path, edit)
    rules = _rules(jobs)
    assert "compute_mfp_model" in rules
    assert "compute_sn_core" in rules
    assert not rules & {"ingest_profile", "solve_rmf", "compute_kernels", "compute_mfp"}
    assert not rules & {"compute_rates", "compute_sensitivity"}
    assert not rules & {"compute_constraints", "plot_constraints"}  # limits: no SN-core grid


def test_tm1_parameter_reruns_everything_downstream_of_rmf(pipeline, tmp_path):
    def edit(config):
        config["rmf"]["overrides"]["g_rho"] = 4.7

    config, jobs = _plan(pipeline, tmp_path, edit)
    rmf = {(w["snapshot"], w["medium"], w["nature"]) for rule, w, _ in jobs if rule == "solve_rmf"}
    assert rmf == {(s, "c21", n) for s in config["snapshots"] for n in config["natures"]}
    rules = _rules(jobs)
    for rule in ("compute_kernels", "compute_mfp", "compute_mfp_model", "compute_sn_core"):
        assert rule in rules, rule
    assert not rules & {"ingest_profile", "compute_rates", "compute_sensitivity"}


def test_new_medium_adds_its_jobs_and_reruns_nothing(pipeline, tmp_path):
    """Adding a medium (rmf.media: [c21, dd2]) plans the dd2 rmf/kernels/mfp jobs and the
    SN-core stage, whose products carry every medium as a dimension (the headline medium stays
    c21), and the figures and report tables drawn from them; nothing of the c21 chain and no
    detector job reruns."""

    def edit(config):
        config["rmf"]["media"] = ["c21", "dd2"]

    config, jobs = _plan(pipeline, tmp_path, edit)
    sn_core = {"compute_sn_core", "plot_sn_core", "plot_summary", "bound_tables"}
    assert _rules(jobs) == {
        "solve_rmf",
        "compute_kernels",
        "compute_mfp",
        "compute_mfp_model",
        *sn_core,
    }
    assert {w["medium"] for _, w, _ in jobs if "medium" in w} == {"dd2"}
    rmf = {(w["snapshot"], w["nature"]) for rule, w, _ in jobs if rule == "solve_rmf"}
    assert rmf == {(s, n) for s in config["snapshots"] for n in config["natures"]}


def test_neutrino_degeneracy_does_not_reingest_shell_tables(pipeline, tmp_path):
    """g_nu reaches the rmf solves; shell tables do not depend on it (radial profiles do)."""

    def edit(config):
        config["rmf"]["neutrino_degeneracy"] = 1

    _, jobs = _plan(pipeline, tmp_path, edit)
    rules = _rules(jobs)
    assert "solve_rmf" in rules and "ingest_profile" not in rules


def test_readme_one_figure_target_redraws_only_its_job(pipeline, tmp_path):
    """README "Figures and the report": after a figure-style edit, the one-figure command
    runs only the job drawing that figure; a plain run then redraws the other figure jobs."""
    import re

    from helpers import REPO

    section = (REPO / "README.md").read_text().split("## Figures and the report")[1]
    recipe = r"name the figure's\nfile as the target.*?```bash\n(.*?)\n```"
    command = re.search(recipe, section, re.S)
    assert command, "README one-figure recipe not found"
    args = command.group(1).split()
    assert args[:3] == ["snakemake", "--cores", "2"]
    work = tmp_path / "work"
    shutil.copytree(pipeline, work, symlinks=True)
    path = work / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text())
    config["figures"]["dpi"] += 1
    path.write_text(yaml.safe_dump(config))
    target = work / args[3]
    before = target.stat().st_mtime_ns
    proc = run_snakemake(work, *args[3:])
    ran = set(re.findall(r"^(?:local)?rule (\w+):", proc.stdout + proc.stderr, flags=re.M))
    assert ran == {"plot_summary"}, ran
    assert target.stat().st_mtime_ns > before
    dry = run_snakemake(work, "-n")
    rest = _rules(planned_jobs(dry.stdout + dry.stderr))
    assert rest and "plot_summary" not in rest
    assert all(rule.startswith("plot_") for rule in rest), rest
