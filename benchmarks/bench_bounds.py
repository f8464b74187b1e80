"""Benchmark: SN-core bounds for all models at 400 masses (target <= 5 s in total).

Usage: python benchmarks/bench_bounds.py [--results DIR] [--masses 400]

With ``--results`` pointing at a pipeline run that has results/mfp/ and results/profiles/,
the real mfp coefficients are used (re-contracted at 400 masses is not possible from an
artifact, so the artifact's own mass grid is tiled to 400 masses; the files of each
snapshot's headline medium, ``mfp/{snapshot}_{medium}_{nature}_{model}.nc``, whose Rosseland
choice and weightings the second pass uses as they are); otherwise synthetic
coefficients of realistic shape (6 shells, lambda_SM ~ 0.2-40 m, A1 ~ 1/(m^2 + q^2),
A2 ~ 1/(m^2 + q^2)^2) are used. Times (CPU time of this process, which a shared machine
disturbs less than the wall time): diffusion maps + exact bounds for the three [C21]
models on both snapshots (every criterion on every snapshot), the same with a Rosseland
energy choice (24 spectral nodes, two weightings: the bracketing solver), and the [ST21]
radial bounds on the c21_t1s-like shells.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import xarray as xr

from lightmed.config import validate_config
from lightmed.diffusion import combine_snapshots, snapshot_diffusion
from lightmed.io import read_artifact
from lightmed.models import PRESETS
from lightmed.radial import radial_bounds, radial_profile_from_shells
from lightmed.smk.core import headline_medium
from lightmed.sn_core import sn_core_bounds

REPO = Path(__file__).resolve().parents[1]
CONFIG = validate_config(
    {
        "snapshots": {s: {"path": f"{s}.csv"} for s in ("c21_t1s", "c21_t5s")},
        "diffusion": {
            "pairing": {
                "c21_t5s": ["dt_10s"],
                "c21_t1s": ["dt_2sm", "nur_conversion", "nur_retrapping", "eos_indicative"],
            }
        },
    },
    REPO / "workflow" / "schemas" / "config.schema.yaml",
)
SETTINGS = CONFIG["diffusion"]
MODELS = {name: PRESETS[name] for name in ("bl_vector", "lnc_scalar", "lnv_scalar")}
R_OUTER = {"c21_t1s": [5.0, 7.5, 10.0, 15.0, 17.5, 20.0], "c21_t5s": [5.0, 7.5, 10.0, 12.5, 15.0]}
ENERGIES = {"dirac": ["mu_nu_plus_pi_T"], "majorana": ["pi_T", "mu_dirac_plus_pi_T"]}


def profile(snapshot):
    r = np.asarray(R_OUTER[snapshot])
    return xr.Dataset(
        {"r_inner": ("shell", np.concatenate([[0.0], r[:-1]])), "r_outer": ("shell", r)},
        coords={"shell": np.arange(1, len(r) + 1)},
    )


def synthetic_mfp(snapshot, nature, model, masses, couplings):
    rng = np.random.default_rng(0)
    ns = len(R_OUTER[snapshot])
    ec = ENERGIES[nature]
    shape = (ns, 2, len(ec))
    a0 = (1.0 / np.geomspace(0.2, 40.0, ns))[:, None, None] * (1 + 0.1 * rng.random(shape))
    q2 = np.geomspace(100.0, 1e4, ns)[:, None, None, None]
    m2 = masses**2
    sign = -1.0 if model == "bl_vector" else 0.0
    a1 = (
        sign
        * 1e4
        * a0[..., None]
        * q2
        / (m2 + q2)
        * np.where(np.arange(ns) % 2, 1, -0.3)[:, None, None, None]
    )
    a2 = 1e14 * a0[..., None] * q2**2 / (m2 + q2) ** 2
    dims = ("shell", "species", "energy_choice")
    coords = {
        "shell": np.arange(1, ns + 1),
        "species": ["nu", "nubar"],
        "energy_choice": ec,
        "mass": masses,
        "coupling": couplings,
    }
    ds = xr.Dataset(
        {
            "rate_sm": (dims, a0),
            "rate_int": (dims + ("mass",), a1),
            "rate_np": (dims + ("mass",), a2),
        },
        coords=coords,
    )
    g2 = ds["coupling"] ** 2
    ds["lambda"] = 1.0 / (ds.rate_sm + ds.rate_int * g2 + ds.rate_np * g2**2)
    return ds


def with_rosseland(ds, n_nodes=24):
    """Add energy_choice rosseland and a weighting dim: energy-resolved coefficients scaled
    by (E/<E>)^2 over n_nodes nodes with Fermi-like weights (the interfaces.md layout)."""
    x = xr.DataArray(np.geomspace(0.2, 5.0, n_nodes) ** 2, dims="energy_node")
    w = xr.DataArray(np.exp(-np.geomspace(0.2, 5.0, n_nodes)), dims="energy_node")
    w = (w / w.sum()) + 0 * ds.rate_sm.isel(energy_choice=0, drop=True)
    single = ds.isel(energy_choice=0, drop=True)
    weighting = xr.DataArray(
        [1.0, 0.7], dims="weighting", coords={"weighting": ["total", "transport"]}
    )
    out = {f"spectral_{v}": (single[v] * x * weighting) for v in ("rate_sm", "rate_int", "rate_np")}
    out["spectral_weight"] = w
    lam_r = (
        w
        / (
            out["spectral_rate_sm"]
            + out["spectral_rate_int"] * ds.coupling**2
            + out["spectral_rate_np"] * ds.coupling**4
        )
    ).sum("energy_node")
    base = ds.expand_dims(weighting=weighting["weighting"]) * 1.0
    ross = base.isel(energy_choice=[0]).assign_coords(energy_choice=["rosseland"])
    for v in ("rate_sm", "rate_int", "rate_np"):
        ross[v] = ross[v] * np.nan
    ross["lambda"] = lam_r.expand_dims(energy_choice=["rosseland"])
    merged = xr.concat([base, ross], dim="energy_choice")
    return merged.assign(**out)


def single_energy(ds):
    """A real mfp artifact without its Rosseland choice: the single-energy layout."""
    keep = [c for c in ds.energy_choice.values if c != "rosseland"]
    spectral = [v for v in ds.data_vars if "energy_node" in ds[v].dims]
    return ds.drop_vars(spectral).sel(energy_choice=keep, weighting="total", drop=True)


def load_real(results, snapshot, nature, model, n_masses):
    medium = headline_medium(CONFIG, snapshot)  # the medium the SN-core bounds read
    ds = read_artifact(results / "mfp" / f"{snapshot}_{medium}_{nature}_{model}.nc")
    reps = int(np.ceil(n_masses / ds.sizes["mass"]))
    tiled = xr.concat([ds] * reps, dim="mass", data_vars="minimal").isel(mass=slice(0, n_masses))
    return tiled.assign_coords(
        mass=np.geomspace(float(ds.mass.min()), float(ds.mass.max()), n_masses)
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=None)
    ap.add_argument("--masses", type=int, default=400)
    args = ap.parse_args()
    masses = np.geomspace(0.01, 1000.0, args.masses)
    couplings = np.geomspace(1e-8, 1e-1, 61)
    real = args.results is not None and (args.results / "mfp").is_dir()
    inputs = {}
    for model, spec in MODELS.items():
        for snap in R_OUTER:
            inputs[model, snap] = (
                load_real(args.results, snap, spec.nature, model, args.masses)
                if real
                else synthetic_mfp(snap, spec.nature, model, masses, couplings)
            )
    times = {}
    # real artifacts already hold the Rosseland choice and the weightings
    passes = (
        (("single energy", single_energy), ("+ rosseland", lambda ds: ds))
        if real
        else (("single energy", lambda ds: ds), ("+ rosseland", with_rosseland))
    )
    for label, transform in passes:
        prepared = {k: transform(v) for k, v in inputs.items()}
        t0 = time.process_time()
        for model, spec in MODELS.items():
            d = combine_snapshots(
                {
                    s: snapshot_diffusion(
                        prepared[model, s], profile(s), nu_r_sums=model != "bl_vector"
                    )
                    for s in R_OUTER
                }
            )
            b = sn_core_bounds(d, spec, SETTINGS)
            print(
                f"  {label}: {model}: {b.sizes['criterion']} criteria x "
                f"{b.sizes['snapshot']} snapshots x {dict(b['coupling_bound'].sizes)}"
            )
        times[label] = time.process_time() - t0
    shells = profile("c21_t1s").assign(
        temperature=("shell", [15.0, 20, 28, 33, 18, 7]),
        baryon_density=("shell", [0.5, 0.3, 0.15, 0.06, 0.03, 0.008]),
        electron_fraction=("shell", [0.26, 0.24, 0.22, 0.18, 0.09, 0.045]),
        mu_nu=("shell", [114.6, 102.7, 79.9, 29.0, 14.4, 12.5]),
    )
    prof = radial_profile_from_shells(shells)
    t0 = time.process_time()
    for spec in MODELS.values():
        radial_bounds(prof, spec, masses, CONFIG["radial"])
    t_st21 = time.process_time() - t0
    source = f"real mfp artifacts in {args.results}" if real else "synthetic coefficients"
    for label, t in times.items():
        print(
            f"[C21] diffusion + bounds ({label}), 3 models, 2 snapshots, {args.masses} "
            f"masses ({source}): {t:.2f} s"
        )
    print(f"[ST21] radial bounds, 3 models, {args.masses} masses, 6 shells: {t_st21:.2f} s")
    total = sum(times.values()) + t_st21
    print(f"total {total:.2f} s (target <= 5 s)")


if __name__ == "__main__":
    main()
