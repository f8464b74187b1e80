"""Benchmark: XENONnT 8B vector, scalar and B-L vector limits on the default constraints grid.

    python benchmarks/bench_constraints_xenonnt.py [--path resources/constraints/xenonnt_8b]
        [--masses 41] [--couplings 241] [--repeat 1]

The default pipeline's compute_constraints job for xenonnt_8b (41 masses from 0.01 to 1000 MeV,
241 couplings from 1e-7 to 1e-2). Prints wall and CPU time of each step. Issue 14's budget for
this job in the 90 s default pipeline is ~7 s CPU for load + the three models; measured on the
idle 2-core machine: 17.4 s before issue 14, 10-13 s after (docs/physics.md §7.4).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from lightmed.constraints import xenonnt
from lightmed.models import get_model

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--path", type=Path, default=REPO / "resources/constraints/xenonnt_8b")
    ap.add_argument("--masses", type=int, default=41)
    ap.add_argument("--couplings", type=int, default=241)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    masses = np.geomspace(0.01, 1000.0, args.masses)
    couplings = np.geomspace(1e-7, 1e-2, args.couplings)
    for _ in range(args.repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        data = xenonnt.load(args.path, {})
        print(f"load: {time.perf_counter() - w0:.2f} s wall, {time.process_time() - c0:.2f} s cpu")
        for name in ("vector", "scalar", "bl_vector"):
            w, c = time.perf_counter(), time.process_time()
            xenonnt.scan(data, get_model(name), masses, couplings)
            print(
                f"{name}: {time.perf_counter() - w:.2f} s wall, {time.process_time() - c:.2f} s "
                f"cpu ({masses.size} masses x {couplings.size} couplings)"
            )
        print(f"total: {time.perf_counter() - w0:.2f} s wall, {time.process_time() - c0:.2f} s cpu")


if __name__ == "__main__":
    main()
