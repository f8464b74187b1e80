"""The SLURM commands the README and the profile document select the SLURM executor.

Snakemake also loads the workflow's own profile (profiles/default, local execution) and lets it
override ``--profile``; a documented command without ``--workflow-profile none`` would run
everything on the submit host. Parsed with Snakemake's own argument parser, from the
repository root as a user runs it; ``~/lightmed-site`` (the README's site-profile example) is
replaced by tests/slurm/profile, the site profile the real-SLURM test uses.
"""

from __future__ import annotations

import re
import shlex

import pytest

from helpers import REPO

cli = pytest.importorskip("snakemake.cli")


def documented_commands() -> list[str]:
    """Every `snakemake --profile workflow/profiles/slurm ...` command in the README's SLURM
    section and in the profile's and the fine-grid config's usage comments."""
    readme = REPO.joinpath("README.md").read_text()
    section = readme.split("## Running on a SLURM cluster", 1)[1].split("\n## ", 1)[0]
    texts = [
        section,
        REPO.joinpath("workflow/profiles/slurm/config.yaml").read_text(),
        REPO.joinpath("config/fine_grid.yaml").read_text(),
    ]
    commands = []
    for text in texts:
        text = re.sub(r"\\\n#?\s*", " ", text)  # continuation lines
        for match in re.finditer(r"snakemake --profile workflow/profiles/slurm[^`)\n]*", text):
            commands.append(match.group(0).strip())
    return commands


def test_documented_slurm_commands_found():
    commands = documented_commands()
    assert len(commands) >= 4, commands


@pytest.mark.parametrize("command", documented_commands())
def test_documented_slurm_command_submits_to_slurm(command, monkeypatch):
    monkeypatch.chdir(REPO)
    argv = shlex.split(command.replace("~/lightmed-site", "tests/slurm/profile"))[1:]
    _, args = cli.parse_args(argv)
    assert args.executor == "slurm", f"{command!r} runs with executor {args.executor!r}"
