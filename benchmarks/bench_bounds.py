"""Benchmark: SN-core bounds for all models at 400 masses (target <= 5 s in total).

Usage: python benchmarks/bench_bounds.py [--results DIR] [--masses 400]

With ``--results`` pointing at a pipeline run that has results/mfp/ and results/profiles/,
the real mfp coefficients are used (re-contracted at 400 masses is not possible from an
artifact, so the artifact's own mass grid is tiled to 400 masses); otherwise synthetic
coefficients of realistic shape (6 shells, lambda_SM ~ 0.2-40 m, A1 ~ 1/(m^2 + q^2),
A2 ~ 1/(m^2 + q^2)^2) are used. Times: diffusion maps + exact bounds for the three [C21]
models, and the [ST21] radial bounds on the c21_t1s-like shells.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import xarray as xr

from lightmed.diffusion import MODEL_NATURE, combine_snapshots, sn_core_bounds, snapshot_diffusion
from lightmed.io import read_artifact
from lightmed.radial import radial_bounds, radial_profile_from_shells

SETTINGS = {"snapshot_dt_10s": "c21_t5s", "snapshot_dt_2sm": "c21_t1s",
            "snapshot_nur": "c21_t1s", "observed_species": "nubar"}
R_OUTER = {"c21_t1s": [5.0, 7.5, 10.0, 15.0, 17.5, 20.0], "c21_t5s": [5.0, 7.5, 10.0, 12.5, 15.0]}
ENERGIES = {"dirac": ["mu_nu_plus_pi_T"], "majorana": ["pi_T", "mu_dirac_plus_pi_T"]}


def profile(snapshot):
    r = np.asarray(R_OUTER[snapshot])
    return xr.Dataset({"r_inner": ("shell", np.concatenate([[0.0], r[:-1]])),
                       "r_outer": ("shell", r)}, coords={"shell": np.arange(1, len(r) + 1)})


def synthetic_mfp(snapshot, nature, model, masses, couplings):
    rng = np.random.default_rng(0)
    ns = len(R_OUTER[snapshot])
    ec = ENERGIES[nature]
    shape = (ns, 2, len(ec))
    a0 = (1.0 / np.geomspace(0.2, 40.0, ns))[:, None, None] * (1 + 0.1 * rng.random(shape))
    q2 = np.geomspace(100.0, 1e4, ns)[:, None, None, None]
    m2 = masses**2
    sign = -1.0 if model == "bl_vector" else 0.0
    a1 = sign * 1e4 * a0[..., None] * q2 / (m2 + q2) * np.where(np.arange(ns) % 2, 1, -0.3)[
        :, None, None, None]
    a2 = 1e14 * a0[..., None] * q2**2 / (m2 + q2) ** 2
    dims = ("shell", "species", "energy_choice")
    coords = {"shell": np.arange(1, ns + 1), "species": ["nu", "nubar"], "energy_choice": ec,
              "mass": masses, "coupling": couplings}
    ds = xr.Dataset({"rate_sm": (dims, a0), "rate_int": (dims + ("mass",), a1),
                     "rate_np": (dims + ("mass",), a2)}, coords=coords)
    g2 = ds["coupling"] ** 2
    ds["lambda"] = 1.0 / (ds.rate_sm + ds.rate_int * g2 + ds.rate_np * g2**2)
    return ds


def load_real(results, snapshot, nature, model, n_masses):
    ds = read_artifact(results / "mfp" / f"{snapshot}_{nature}_{model}.nc")
    reps = int(np.ceil(n_masses / ds.sizes["mass"]))
    tiled = xr.concat([ds] * reps, dim="mass", data_vars="minimal").isel(mass=slice(0, n_masses))
    return tiled.assign_coords(mass=np.geomspace(float(ds.mass.min()), float(ds.mass.max()),
                                                 n_masses))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=None)
    ap.add_argument("--masses", type=int, default=400)
    args = ap.parse_args()
    masses = np.geomspace(0.01, 1000.0, args.masses)
    couplings = np.geomspace(1e-8, 1e-1, 61)
    real = args.results is not None and (args.results / "mfp").is_dir()
    inputs = {}
    for model, nature in MODEL_NATURE.items():
        for snap in R_OUTER:
            inputs[model, snap] = (load_real(args.results, snap, nature, model, args.masses)
                                   if real else synthetic_mfp(snap, nature, model, masses,
                                                              couplings))
    t0 = time.perf_counter()
    for model in MODEL_NATURE:
        d = combine_snapshots({s: snapshot_diffusion(inputs[model, s], profile(s), model)
                               for s in R_OUTER})
        b = sn_core_bounds(d, model, SETTINGS)
        print(f"  {model}: {b.sizes['criterion']} criteria x {b.sizes['energy_choice']} "
              f"energies x {b.sizes['mass']} masses")
    t_c21 = time.perf_counter() - t0
    shells = profile("c21_t1s").assign(
        temperature=("shell", [15.0, 20, 28, 33, 18, 7]),
        baryon_density=("shell", [0.5, 0.3, 0.15, 0.06, 0.03, 0.008]),
        electron_fraction=("shell", [0.26, 0.24, 0.22, 0.18, 0.09, 0.045]),
        mu_nu=("shell", [114.6, 102.7, 79.9, 29.0, 14.4, 12.5]))
    prof = radial_profile_from_shells(shells)
    t0 = time.perf_counter()
    for model in MODEL_NATURE:
        radial_bounds(prof, model, masses, {})
    t_st21 = time.perf_counter() - t0
    source = f"real mfp artifacts in {args.results}" if real else "synthetic coefficients"
    print(f"[C21] diffusion + exact bounds, 3 models, {args.masses} masses ({source}): "
          f"{t_c21:.2f} s")
    print(f"[ST21] radial bounds, 3 models, {args.masses} masses, 6 shells: {t_st21:.2f} s")
    print(f"total {t_c21 + t_st21:.2f} s (target <= 5 s)")


if __name__ == "__main__":
    main()
