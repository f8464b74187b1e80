"""Packaging invariants: the conda env mirrors pyproject, the layout is as documented."""

from __future__ import annotations

import re
import tomllib

import yaml

from helpers import REPO


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_conda_env_mirrors_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["test"]}
    env = yaml.safe_load((REPO / "envs" / "lightmed.yaml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    # PyPI-only packages (not on conda-forge) sit in the env's pip list
    pip = [r for d in env["dependencies"] if isinstance(d, dict) for r in d.get("pip", [])]
    conda |= {_name(r) for r in pip if not r.startswith("-")}
    assert conda == wanted, (
        f"envs/lightmed.yaml and pyproject.toml differ: only in conda {sorted(conda - wanted)}, "
        f"only in pyproject {sorted(wanted - conda)}"
    )


def test_rules_declare_log_conda_resources():
    """Every rule (but `all`) has log, conda, threads and resources (house style 3)."""
    for smk in sorted((REPO / "workflow" / "rules").glob("*.smk")):
        text = smk.read_text()
        blocks = re.split(r"^rule ", text, flags=re.M)[1:]
        for block in blocks:
            name = block.split(":", 1)[0].strip()
            for directive in ("log:", "conda:", "threads:", "resources:", "output:"):
                assert directive in block, f"{smk.name}: rule {name} lacks {directive}"


def test_matplotlibrc_uses_agg():
    assert "backend: agg" in (REPO / "matplotlibrc").read_text()
