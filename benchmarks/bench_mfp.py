"""Benchmark of the mean-free-path stage: kernel method vs direct nested quadrature.

Usage (from the repository root)::

    python benchmarks/bench_mfp.py               # direct quadrature on 10 of the 100 points
    python benchmarks/bench_mfp.py --full        # direct quadrature on all 100 points (slow)

1. One shell ([C21] Table I k = 2, t ~ 1 s, Dirac, nubar), SM + U(1)_B-L at 10 masses x 10
   couplings: kernel method (kernels computed from scratch + contraction) vs
   ``lightmed.mfp.lambda_direct`` (scipy nested quad over |q|, q0, E_N, phi), same process.
   Prints both times, their ratio and the largest relative difference. Without ``--full`` the
   direct time is measured on a subset (one point per mass and per coupling) and extrapolated
   per point to the 100 points (said so in the output).
2. A 400 x 400 (mass, coupling) map for all shells of one snapshot from cached kernels.
3. All kernels of both default snapshots and both natures (RMF from ``lightmed.rmf``).
"""

from __future__ import annotations

import argparse
import math
import os
import time
from pathlib import Path

import numpy as np

from lightmed import kernels as K
from lightmed import mfp
from lightmed.profiles import shell_table
from lightmed.rmf import solve_profile

REPO = Path(__file__).resolve().parents[1]
SHELL_K2 = dict(
    temperature_mev=20.0, m_eff_mev=384.9, mu_eff_mev={"n": 530.0, "p": 458.3}, mu_nu_mev=102.7
)


def bench_single_shell(full: bool) -> None:
    masses = np.geomspace(0.1, 1000.0, 10)
    couplings = np.geomspace(1e-7, 1e-3, 10)
    kw = dict(SHELL_K2, energy_mev=SHELL_K2["mu_nu_mev"] + math.pi * 20.0, species="nubar")
    settings = K.QuadratureSettings(min_mediator_mass_mev=0.1)
    mfp.rate_kernel(
        **kw, model="bl_vector", masses_mev=masses[:2], couplings=couplings[:2], settings=settings
    )  # JIT warm-up (cached compilation)
    t0 = time.perf_counter()
    lam_kernel = 1.0 / mfp.rate_kernel(
        **kw, model="bl_vector", masses_mev=masses, couplings=couplings, settings=settings
    )
    t_kernel = time.perf_counter() - t0
    if full:
        points = [(i, j) for i in range(10) for j in range(10)]
    else:
        points = [(i, (3 * i + 1) % 10) for i in range(10)]
    t0 = time.perf_counter()
    rel = []
    for i, j in points:
        lam = mfp.lambda_direct(
            **kw, model="bl_vector", mass_mev=masses[i], coupling=couplings[j], epsrel=1e-6
        )
        rel.append(abs(lam_kernel[i, j] / lam - 1.0))
    t_direct = time.perf_counter() - t0
    t_direct_100 = t_direct * 100 / len(points)
    label = "measured" if full else f"extrapolated from {len(points)} points"
    print("== one shell (k=2, t~1 s, Dirac, nubar), SM + B-L, 10 masses x 10 couplings ==")
    print(f"kernel method (kernels + contraction): {t_kernel:.3f} s")
    print(
        f"direct nested quadrature: {t_direct_100:.1f} s ({label}; "
        f"{t_direct / len(points):.2f} s per point)"
    )
    print(f"speed-up: {t_direct_100 / t_kernel:.0f}x")
    print(f"max relative difference of lambda: {max(rel):.2e} over {len(points)} points")


def rmf_artifacts():
    out = {}
    for snap in ("c21_t1s", "c21_t5s"):
        profile = shell_table(REPO / "resources" / "profiles" / f"{snap}.csv")
        for nature, mode in (
            ("dirac", "fixed_lepton_fraction"),
            ("majorana", "beta_equilibrium_zero_mu_nu"),
        ):
            out[snap, nature] = solve_profile(
                profile, preset="C21", lepton_mode=mode, neutrino_degeneracy=2.0
            )
    return out


def bench_kernels_and_map() -> None:
    rmfs = rmf_artifacts()
    print("== kernels per snapshot and nature (refinement 1, min mediator mass 0.01 MeV) ==")
    print(
        f"numba threads: {os.environ.get('NUMBA_NUM_THREADS', 'default')}, cpus: {os.cpu_count()}"
    )
    K.compute_kernels(rmfs["c21_t1s", "dirac"].isel(shell=[0]), nature="dirac")  # warm-up
    kern = {}
    total = 0.0
    for (snap, nature), rmf in rmfs.items():
        t0 = time.perf_counter()
        kern[snap, nature] = K.compute_kernels(
            rmf, nature=nature, rmf_dirac=rmfs[snap, "dirac"] if nature == "majorana" else None
        )
        dt = time.perf_counter() - t0
        total += dt
        print(
            f"{snap} {nature}: {dt:.2f} s ({rmf.sizes['shell']} shells, "
            f"{kern[snap, nature].sizes['energy_choice']} energy choice(s), "
            f"{kern[snap, nature].sizes['node']} nodes max)"
        )
    print(f"all kernels: {total:.2f} s")
    ks = kern["c21_t1s", "dirac"]
    masses = np.geomspace(0.01, 1000.0, 400)
    couplings = np.geomspace(1e-9, 1e-2, 400)
    mfp.model_map(mfp.model_coefficients(ks, "bl_vector", masses[:3]), couplings[:3])  # warm
    t0 = time.perf_counter()
    mp = mfp.model_map(mfp.model_coefficients(ks, "bl_vector", masses), couplings)
    dt = time.perf_counter() - t0
    print("== 400 x 400 (mass, coupling) map, bl_vector, c21_t1s dirac, all shells ==")
    print(f"time: {dt:.3f} s (lambda, lambda_np, lambda_vac; {mp['lambda'].size} values)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="direct quadrature on all 100 points")
    args = parser.parse_args()
    bench_single_shell(args.full)
    bench_kernels_and_map()


if __name__ == "__main__":
    main()
