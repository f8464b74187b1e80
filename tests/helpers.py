"""Helpers shared by the test suites (importable as ``helpers``; fixtures live in conftest)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from lightmed import workdir

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LIGHTMED_SHARED_DIR", REPO.parent / "shared"))
SHARED_DATA = SHARED / "data"
SNAKEMAKE = [sys.executable, "-m", "snakemake"]


def copy_workflow(dest: Path) -> Path:
    """Copy the workflow (no results, logs or caches) into ``dest`` and return it."""
    return workdir.copy_workflow(REPO, dest)


def planned_jobs(output: str) -> list[tuple[str, dict[str, str], list[str]]]:
    """Parse a Snakemake dry run: (rule, wildcards, outputs) of every planned job."""
    jobs = []
    for block in re.split(r"\n(?=rule \w+:)", output):
        head = re.match(r"rule (\w+):", block)
        if not head:
            continue
        wildcards: dict[str, str] = {}
        found = re.search(r"^\s+wildcards: (.*)$", block, flags=re.M)
        if found:
            for item in found.group(1).split(", "):
                key, _, value = item.partition("=")
                wildcards[key] = value
        outputs = re.search(r"^\s+output: (.*)$", block, flags=re.M)
        files = outputs.group(1).split(", ") if outputs else []
        jobs.append((head.group(1), wildcards, files))
    return jobs


def run_snakemake(
    workdir: Path, *args: str, check: bool = True, env: dict | None = None, cores: int = 2
) -> subprocess.CompletedProcess:
    """Run the real Snakemake CLI in ``workdir``; raise with its output on failure."""
    proc = subprocess.run(
        [*SNAKEMAKE, "--cores", str(cores), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=3000,
        env=env,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def assert_as_printed(values, printed: str, what: str = "") -> None:
    """Each value rounds to the number printed in the docs ("4.15e-5 2.63e-4 ..."): it lies
    within half a unit of the printed number's last digit (a regression pin on the documented
    tables, docs/physics.md, whatever the number of digits printed)."""
    import math

    texts = printed.split()
    assert len(texts) == len(values), (what, len(texts), len(values))
    for value, text in zip(values, texts, strict=True):
        mantissa, _, exponent = text.lower().partition("e")
        decimals = len(mantissa.partition(".")[2])
        half_unit = 0.5 * 10.0 ** (int(exponent or 0) - decimals)
        ok = math.isfinite(value) and abs(value - float(text)) <= half_unit * (1 + 1e-9)
        assert ok, f"{what}: {value:.6g} does not round to the documented {text}"
