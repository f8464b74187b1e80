"""Benchmark: every configured sensitivity on a 400 mass x 400 coupling grid (target <= 10 s).

    python benchmarks/bench_sensitivity.py [--config config/config.yaml] [--results results]
                                           [--masses 400] [--couplings 400]

Every (source incl. marginalised, detector combination, model) of ``config["sensitivity"]``
is computed as rule compute_sensitivity does (all sigma_norm values, Delta chi2 map, exact
bounds and every excluded interval). As a single process computing everything would, the
per-detector chi2 terms on the grid are shared between the combinations of one source and
model (``counts_cache``); ``--no-share`` recomputes them per sensitivity, like the pipeline's
one-job-per-sensitivity rules.
Rates: the pipeline's results/rates/{source}_{detector}.nc when present,
log-interpolated in mass to the benchmark's mass grid; otherwise synthetic rates of
realistic shape (50 bins of 2 keV, destructive vector interference, scalar g^4 term).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import xarray as xr
import yaml

from lightmed.config import validate_config
from lightmed.io import read_artifact
from lightmed.smk.models import detector_models
from lightmed.statistics import SensitivityPlan, coupling_grid, sensitivity

REPO = Path(__file__).resolve().parents[1]
STATS = ("confidence_level", "degrees_of_freedom", "pull")


def synthetic_rates(source: str, detector: str, masses: np.ndarray) -> xr.Dataset:
    """Rates of the artifact interface with SN-like spectra (events ~ 1e2-1e4 per detector);
    models vector, scalar and bl_vector (the vector with charges -1/3 and 1/9)."""
    rng = np.random.default_rng(abs(hash((source, detector))) % 2**32)
    edges = np.arange(1.0, 102.0, 2.0)
    er = 0.5 * (edges[1:] + edges[:-1])
    scale = 10 ** rng.uniform(1, 4)
    sm = scale * np.exp(-er / rng.uniform(5, 20)) * 2.0
    q2 = 2 * 1.2e5 * er[:, None] * 1e-3 + masses[None, :] ** 2  # 2 m_T E_r + m^2 [MeV^2]
    k = 3e5 / q2
    smb = np.broadcast_to(sm[:, None], q2.shape)
    dims = ("model", "recoil_energy", "mass")
    return xr.Dataset(
        {
            "events_sm": (dims, np.stack([smb, smb, smb])),
            "events_int": (dims, np.stack([-2 * smb * k, 0 * smb, 2 / 3 * smb * k])),
            "events_np": (
                dims,
                np.stack([smb * k**2, smb * 4e10 * er[:, None] / q2**2, smb * k**2 / 9]),
            ),
        },
        coords={"model": ["vector", "scalar", "bl_vector"], "recoil_energy": er, "mass": masses},
        attrs={"detector": detector},
    )


def real_rates(path: Path, masses: np.ndarray) -> xr.Dataset:
    ds = read_artifact(path, stage="rates")
    logm = np.log(ds["mass"].values)
    out = ds[["events_sm", "events_int", "events_np"]].transpose("model", "recoil_energy", "mass")
    out = out.reset_coords(drop=True)
    data = {}
    for name in out.data_vars:
        v = out[name].values
        data[name] = (
            ("model", "recoil_energy", "mass"),
            np.stack(
                [np.stack([np.interp(np.log(masses), logm, row) for row in plane]) for plane in v]
            ),
        )
    return xr.Dataset(
        data,
        coords={
            "model": ds["model"].values,
            "recoil_energy": ds["recoil_energy"].values,
            "mass": masses,
            **(
                {"coupling_convention": ("model", ds["coupling_convention"].values)}
                if "coupling_convention" in ds.coords
                else {}
            ),
        },
        attrs=dict(ds.attrs),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="config/config.yaml")
    ap.add_argument("--results", default="results")
    ap.add_argument("--masses", type=int, default=400)
    ap.add_argument("--couplings", type=int, default=400)
    ap.add_argument("--no-share", action="store_true", help="no counts cache between calls")
    args = ap.parse_args()
    cfg = validate_config(
        yaml.safe_load(Path(args.config).read_text()), REPO / "workflow/schemas/config.schema.yaml"
    )
    block = cfg["sensitivity"]
    plan = SensitivityPlan.from_config(
        block, cfg["sources"], cfg["detectors"], detector_models(cfg)
    )
    masses = np.geomspace(1e-3, 1e4, args.masses)
    grid = coupling_grid({**block["coupling_grid"], "num": args.couplings})

    rates, kind = {}, set()
    for src in {s for m in plan.members.values() for s in m}:
        for det in cfg["detectors"]:
            path = Path(args.results) / "rates" / f"{src}_{det}.nc"
            if path.exists():
                rates[src, det] = real_rates(path, masses)
                kind.add("pipeline rates")
            else:
                rates[src, det] = synthetic_rates(src, det, masses)
                kind.add("synthetic rates")

    # load the compiled numba kernels (cache) outside the timing
    warm = synthetic_rates("warm", "up", masses[:3])
    sensitivity([warm], "vector", [0.1], grid[:10], **{k: block[k] for k in STATS})

    t0 = time.perf_counter()
    n = 0
    per_source = {}
    cache = None if args.no_share else {}
    for source in plan.sources:
        ts = time.perf_counter()
        members = plan.members[source]
        for combo in plan.combos:
            dets = plan.detectors[combo]
            groups = {m: [rates[m, d] for d in dets] for m in members}
            for model in plan.models:
                sensitivity(
                    groups if len(groups) > 1 else groups[members[0]],
                    model,
                    plan.sigma_norm[source],
                    grid,
                    confidence_level=block["confidence_level"],
                    degrees_of_freedom=block["degrees_of_freedom"],
                    pull=block["pull"],
                    counts_cache=cache,
                )
                n += 1
        per_source[source] = time.perf_counter() - ts
    total = time.perf_counter() - t0
    print(
        f"{n} sensitivities ({len(plan.sources)} sources x {len(plan.combos)} combos x "
        f"{len(plan.models)} models), {args.masses} masses x {args.couplings} couplings, "
        f"{', '.join(sorted(kind))}, {'no ' if args.no_share else ''}shared detector terms"
    )
    for source, t in per_source.items():
        print(f"  {source:18s} {t:6.2f} s  (sigma_norm {list(plan.sigma_norm[source])})")
    print(f"total {total:.2f} s  (target <= 10 s)  {'OK' if total <= 10 else 'SLOW'}")


if __name__ == "__main__":
    main()
