"""Benchmark: start-up cost of every rule script (what a job pays before its physics starts).

    python benchmarks/bench_imports.py [--repeat 3] [--top 6]

For each ``workflow/scripts/*.py`` the module-level imports (the lines before the first
``def``/call) are run in a fresh ``python -X importtime`` process with the same environment a
job has (``PYTHONPATH`` = this checkout's ``workflow/``, ``NUMBA_CACHE_DIR`` as the Snakefile
sets it). Printed per script (best of ``--repeat`` by CPU): the import wall time (sum of the
top-level cumulative times of ``-X importtime``, the interpreter's own start-up excluded), the
CPU seconds of the whole process (start-up included; what a loaded machine does not inflate)
and the most expensive top-level packages. Snakemake's script preamble (unpickling the ``snakemake``
object, ~0.1-0.3 s) comes on top and is not measured here.
"""

from __future__ import annotations

import argparse
import ast
import os
import resource
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def importtime(code: str) -> tuple[float, float, list[tuple[float, str]]]:
    """Import wall time [s] of ``code``, the CPU seconds of the whole process (interpreter
    start-up included: robust on a loaded machine) and the top-level modules by cumulative
    wall time."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "workflow")
    env.setdefault("NUMBA_CACHE_DIR", str(REPO / ".cache" / "numba"))
    cpu0 = _children_cpu()
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    cpu = _children_cpu() - cpu0
    top = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cum_us, name = line[len("import time:") :].split("|")
        if name[1:2] == " ":
            continue  # nested import: already in its parent's cumulative time
        top.append((int(cum_us) / 1e6, name.strip()))
    return sum(t for t, _ in top), cpu, sorted(top, reverse=True)


def measure(script: Path, repeat: int) -> tuple[float, float, list[tuple[float, str]]]:
    code = import_lines(script)
    runs = [importtime(code) for _ in range(repeat)]
    return min(runs, key=lambda r: r[1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per script (best kept)")
    parser.add_argument("--top", type=int, default=5, help="heaviest packages to list")
    parser.add_argument("scripts", nargs="*", help="script names (default: all)")
    args = parser.parse_args(argv)
    scripts = sorted(SCRIPTS.glob("*.py"))
    if args.scripts:
        scripts = [s for s in scripts if s.stem in args.scripts]
    print(f"{'script':31s} {'wall [s]':>8s} {'cpu [s]':>7s}  heaviest top-level imports [s wall]")
    total = total_cpu = 0.0
    for script in scripts:
        t, cpu, top = measure(script, args.repeat)
        total += t
        total_cpu += cpu
        heavy = ", ".join(f"{name} {sec:.2f}" for sec, name in top[: args.top])
        print(f"{script.stem:31s} {t:8.2f} {cpu:7.2f}  {heavy}")
    n = max(len(scripts), 1)
    print(f"{'mean':31s} {total / n:8.2f} {total_cpu / n:7.2f}")


if __name__ == "__main__":
    main()
