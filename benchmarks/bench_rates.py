"""Benchmark: rates for all configured sources x detectors x detector models x 200 masses.

    python benchmarks/bench_rates.py [--config config/config.yaml] [--repeat 3]

Target: <= 10 s for the default config (embedded fluxes, 4 sources x 6 detectors). Flux
construction is timed separately from the rate contraction.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import yaml

from lightmed.config import validate_config
from lightmed.fluxes import load_source
from lightmed.models import registry_from_config
from lightmed.rates import Detector, compute_rates
from lightmed.smk.models import detector_models

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, default=REPO / "config/config.yaml")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    cfg = validate_config(
        yaml.safe_load(args.config.read_text()), REPO / "workflow/schemas/config.schema.yaml"
    )
    grid = cfg["rates"]
    masses = np.geomspace(grid["mass_min_mev"], grid["mass_max_mev"], grid["n_mass"])
    reg = registry_from_config(cfg["models"])
    models = {name: reg[name] for name in detector_models(cfg)}
    best = np.inf
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        fluxes = {name: load_source(name, block, REPO) for name, block in cfg["sources"].items()}
        t1 = time.perf_counter()
        n = 0
        for name, flux in fluxes.items():
            for det_name, block in cfg["detectors"].items():
                compute_rates(
                    flux,
                    Detector.from_config(det_name, block, cfg["targets"]),
                    models,
                    masses,
                    exposure_years=cfg["sources"][name]["exposure_years"],
                    recoil_max_kev=grid["recoil_max_kev"],
                    nodes_per_bin=grid["nodes_per_bin"],
                )
                n += 1
        t2 = time.perf_counter()
        best = min(best, t2 - t0)
        print(
            f"fluxes {t1 - t0:.3f} s, {n} source x detector rate sets ({masses.size} masses, "
            f"{len(models)} models) {t2 - t1:.3f} s, total {t2 - t0:.3f} s"
        )
    print(f"best total {best:.3f} s (target <= 10 s)")


if __name__ == "__main__":
    main()
