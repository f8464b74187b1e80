"""Benchmark: start-up cost of every rule script (what a job pays before its physics starts).

    python benchmarks/bench_imports.py [--repeat 3] [--top 6]

For each ``workflow/scripts/*.py`` the module-level imports (the lines before the first
``def``/call) are run in a fresh ``python -X importtime`` process with the same environment a
job has (``PYTHONPATH`` = this checkout's ``workflow/``, ``NUMBA_CACHE_DIR`` as the Snakefile
sets it). Printed per script: the best-of-``--repeat`` total import time (sum of the top-level
cumulative times of ``-X importtime``, i.e. excluding the interpreter's own start-up) and the
most expensive top-level packages. Snakemake's script preamble (unpickling the ``snakemake``
object, ~0.1-0.3 s) comes on top and is not measured here.
"""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "workflow" / "scripts"


def import_lines(script: Path) -> str:
    """The script's module-level import statements (as source)."""
    tree = ast.parse(script.read_text())
    lines = script.read_text().splitlines()
    out = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append("\n".join(lines[node.lineno - 1 : node.end_lineno]))
    return "\n".join(out)


def importtime(code: str) -> tuple[float, list[tuple[float, str]]]:
    """Total import time [s] of ``code`` and the top-level modules by cumulative time."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "workflow")
    env.setdefault("NUMBA_CACHE_DIR", str(REPO / ".cache" / "numba"))
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    top = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cum_us, name = line[len("import time:") :].split("|")
        if name[1:2] == " ":
            continue  # nested import: already in its parent's cumulative time
        top.append((int(cum_us) / 1e6, name.strip()))
    return sum(t for t, _ in top), sorted(top, reverse=True)


def measure(script: Path, repeat: int) -> tuple[float, list[tuple[float, str]]]:
    code = import_lines(script)
    runs = [importtime(code) for _ in range(repeat)]
    return min(runs, key=lambda r: r[0])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per script (best kept)")
    parser.add_argument("--top", type=int, default=5, help="heaviest packages to list")
    parser.add_argument("scripts", nargs="*", help="script names (default: all)")
    args = parser.parse_args(argv)
    scripts = sorted(SCRIPTS.glob("*.py"))
    if args.scripts:
        scripts = [s for s in scripts if s.stem in args.scripts]
    print(f"{'script':34s} {'imports [s]':>11s}  heaviest top-level imports [s]")
    total = 0.0
    for script in scripts:
        t, top = measure(script, args.repeat)
        total += t
        heavy = ", ".join(f"{name} {sec:.2f}" for sec, name in top[: args.top])
        print(f"{script.stem:34s} {t:11.2f}  {heavy}")
    print(f"{'mean':34s} {total / max(len(scripts), 1):11.2f}")


if __name__ == "__main__":
    main()
