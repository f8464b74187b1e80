"""Issue 12 report: transport and Rosseland-mean variants of the SN-core mean free paths,
diffusion times and bounds, from the default pipeline's artifacts.

Usage (after ``snakemake --cores 1 results/bounds/sn_core_{bl_vector,lnc_scalar}.nc``)::

    python benchmarks/sn_core_variants.py [--results results]

Prints, for the t ~ 1 s and t ~ 5 s snapshots (nubar, Dirac, headline medium):

1. per shell lambda (total, E = mu_nu + pi T), lambda_t (transport, same E), <lambda>
   (total, Rosseland) and <lambda_t> (transport, Rosseland) [m] for the SM, B-L at g = 1e-4
   and LNC at Y = 1e-3, m = 0.1, 1, 10, 100 MeV (LNC also transport_sink);
2. Delta t_SM [s] per variant;
3. the dt_10s bounds of B-L and LNC at m = 0.1 ... 1000 MeV per variant, as ratios to [C21]'s
   (total, mu_nu_plus_pi_T).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import xarray as xr

SNAPSHOTS = ("c21_t1s", "c21_t5s")
MASSES = (0.1, 1.0, 10.0, 100.0)
BOUND_MASSES = (0.1, 1.0, 10.0, 100.0, 1000.0)
VARIANTS = (
    ("lambda", "mu_nu_plus_pi_T", "total"),
    ("lambda_t", "mu_nu_plus_pi_T", "transport"),
    ("<lambda>", "rosseland", "total"),
    ("<lambda_t>", "rosseland", "transport"),
)


def _one(path: Path) -> xr.Dataset:
    ds = xr.open_dataset(path)
    return ds.sel(species="nubar")


def _file(results: Path, kind: str, snap: str, suffix: str = "") -> Path:
    hits = sorted((results / kind).glob(f"{snap}_*dirac{suffix}.nc"))
    if not hits:
        raise SystemExit(f"no {kind} artifact for {snap}{suffix} under {results}")
    return hits[0]


def mean_free_paths(results: Path) -> None:
    for snap in SNAPSHOTS:
        sm = _one(_file(results, "mfp", snap))
        rows = [("SM", sm["lambda_sm"], None)]
        for model, g, label in (
            ("bl_vector", 1e-4, "B-L g=1e-4"),
            ("lnc_scalar", 1e-3, "LNC Y=1e-3"),
        ):
            mp = _one(_file(results, "mfp", snap, f"_{model}"))
            lam = mp["lambda"].sel(coupling=g, method="nearest")
            for m in MASSES:
                rows.append((f"{label} m={m:g}", lam.sel(mass=m, method="nearest"), model))
        print(f"\n== {snap}: nubar, Dirac, mean free paths per shell [m] ==")
        for name, lam, model in rows:
            print(f"-- {name}")
            cols = list(VARIANTS)
            if model == "lnc_scalar":
                cols += [
                    ("lambda_t,sink", "mu_nu_plus_pi_T", "transport_sink"),
                    ("<lambda_t,sink>", "rosseland", "transport_sink"),
                ]
            print("   shell " + " ".join(f"{c[0]:>15s}" for c in cols))
            for k in lam["shell"].values:
                vals = [float(lam.sel(shell=k, energy_choice=e, weighting=w)) for _, e, w in cols]
                print(f"   {int(k):5d} " + " ".join(f"{v:15.5g}" for v in vals))


def diffusion_times(results: Path) -> None:
    d = xr.open_dataset(results / "diffusion" / "bl_vector.nc").sel(species="nubar")
    dt = d["diffusion_time_sm"]
    if "medium" in dt.dims:
        dt = dt.isel(medium=0)
    print("\n== Delta t_SM [s] (nubar, Dirac) ==")
    print("   snapshot " + " ".join(f"{e + '/' + w:>30s}" for _, e, w in VARIANTS))
    for snap in SNAPSHOTS:
        vals = [float(dt.sel(snapshot=snap, energy_choice=e, weighting=w)) for _, e, w in VARIANTS]
        print(f"   {snap:8s} " + " ".join(f"{v:30.5g}" for v in vals))


def bounds(results: Path) -> None:
    print("\n== dt_10s bounds (c21_t5s, nubar): ratio to [C21] (total, mu_nu_plus_pi_T) ==")
    for model in ("bl_vector", "lnc_scalar"):
        b = xr.open_dataset(results / "bounds" / f"sn_core_{model}.nc")
        sel = {"criterion": "dt_10s", "snapshot": "c21_t5s"}
        if "medium" in b.dims:
            sel["medium"] = str(b["headline_medium"].sel(snapshot="c21_t5s").values)
        cb = b["coupling_bound"].sel(sel)
        ref = cb.sel(energy_choice="mu_nu_plus_pi_T", weighting="total")
        weightings = [str(w) for w in b["weighting"].values]
        print(f"-- {model}: [C21] bound / ratios")
        head = ["m [MeV]", "C21 bound"] + [
            f"{e[:8]}/{w}" for e in ("mu_nu_plus_pi_T", "rosseland") for w in weightings
        ]
        print("   " + " ".join(f"{h:>22s}" for h in head))
        for m in BOUND_MASSES:
            r = float(ref.sel(mass=m, method="nearest"))
            vals = [
                float(cb.sel(energy_choice=e, weighting=w).sel(mass=m, method="nearest")) / r
                for e in ("mu_nu_plus_pi_T", "rosseland")
                for w in weightings
            ]
            print("   " + " ".join(f"{x:22.5g}" for x in [m, r, *vals]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=Path("results"))
    args = parser.parse_args()
    np.set_printoptions(precision=5)
    mean_free_paths(args.results)
    diffusion_times(args.results)
    bounds(args.results)


if __name__ == "__main__":
    main()
