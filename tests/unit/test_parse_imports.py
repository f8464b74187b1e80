"""What the Snakefile's parse and the figure jobs import (issue 14): every snakemake call,
rerun, SLURM job and workflow test pays the parse, so the rule helpers must plan the default
config without numba, xarray or scipy.stats (0.45 s together); a figure-style change reruns
every figure job, each a process of its own, which needs matplotlib and xarray but not the
numba kernels or the flux loaders (0.5 s for the flux figure)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers import REPO

PLAN = """
import json, sys, yaml
from lightmed.config import validate_config
from lightmed.smk import constraints, core, diffusion, fluxes, mfp, models, rates, recovery
from lightmed.smk import report, scheduling, sensitivity
from lightmed.store import STORE_ENV

config = validate_config(yaml.safe_load(open("config/config.yaml")),
                         "workflow/schemas/config.schema.yaml")
plan, skipped = constraints.constraints_plan(config)
sensitivity.sensitivity_plan(config)
heavy = ["numba", "xarray", "scipy.stats", "lightmed.rates", "lightmed.fluxes"]
print(json.dumps({"loaded": [m for m in heavy if m in sys.modules], "skipped": skipped}))
"""


def test_planning_the_default_config_imports_no_heavy_module():
    env = dict(os.environ, PYTHONPATH=str(REPO / "workflow"))
    out = subprocess.run(
        [sys.executable, "-c", PLAN], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout)
    assert result["loaded"] == []
    # skipped experiments still name their release (read without importing the experiment)
    for line in result["skipped"]:
        assert "get the release from" in line and 'README "' not in line


FIGURE_IMPORTS = """
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
exec(compile(ast.Module([n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))], []),
             sys.argv[1], "exec"))
heavy = ("numba", "scipy.stats", "scipy.interpolate", "lightmed.fluxes.supernova")
print(json.dumps([m for m in heavy if m in sys.modules]))
"""


def test_figure_scripts_import_no_numba_or_flux_loaders():
    env = dict(os.environ, PYTHONPATH=str(REPO / "workflow"))
    scripts = sorted((REPO / "workflow" / "scripts").glob("plot_*.py"))
    assert len(scripts) >= 7
    for script in scripts:
        out = subprocess.run(
            [sys.executable, "-c", FIGURE_IMPORTS, str(script)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(out.stdout) == [], script.name


def test_every_registered_experiment_names_its_release():
    """The release lines live apart from the experiment registry (read at parse without
    importing the experiments): both must name the same experiments, and each experiment
    module reports its own line."""
    from lightmed.constraints import EXPERIMENTS, get_experiment
    from lightmed.constraints.releases import WHERE

    assert set(WHERE) == set(EXPERIMENTS)
    for name in EXPERIMENTS:
        assert get_experiment(name).where == WHERE[name]
