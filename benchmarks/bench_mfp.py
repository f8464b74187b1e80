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
4. ``--issue12``: transport and Rosseland costs (physics.md §3.7-3.8) on the default
   snapshots (Dirac): the kernel stage without and with ``rosseland_nodes`` = 24, the
   contraction (SM + bl_vector + lnc_scalar maps) with only ``total`` vs all weightings, the
   whole kernel stage (both natures) with and without Rosseland energies, one shell's 24
   energies on the shared grid against one kernel evaluation per energy, and the convergence
   of Delta t_SM (nubar, Rosseland, every weighting) from 24 to 48 nodes and to refinement 2.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from pathlib import Path

import numpy as np
import xarray as xr

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


def _contract(kern, masses, couplings):
    mfp.sm_rates(kern)
    for model in ("bl_vector", "lnc_scalar"):
        mfp.model_map(mfp.model_coefficients(kern, model, masses), couplings)


def _dt_sm(kern, profile):
    from lightmed.constants import C_M_PER_S

    lam = mfp.sm_rates(kern)["lambda_sm"].sel(species="nubar", energy_choice="rosseland")
    r_in = profile["r_inner"].values * 1e3
    r_out = profile["r_outer"].values * 1e3
    area = xr.DataArray(r_out**2 - r_in**2, dims="shell", coords={"shell": lam["shell"]})
    return ((area / lam).sum("shell") / C_M_PER_S).values


def bench_issue12() -> None:
    from lightmed import transport

    rmfs = rmf_artifacts()
    masses = np.geomspace(0.01, 1000.0, 51)
    couplings = np.geomspace(1e-8, 1e-2, 61)
    K.compute_kernels(rmfs["c21_t1s", "dirac"].isel(shell=[0]), nature="dirac")  # warm-up
    print("== issue 12: transport and Rosseland costs (Dirac, both snapshots) ==")
    t_plain = t_ross = t_tot = t_all = 0.0
    kerns = {}
    for snap in ("c21_t1s", "c21_t5s"):
        rmf = rmfs[snap, "dirac"]
        t0 = time.perf_counter()
        K.compute_kernels(rmf, nature="dirac")
        t_plain += time.perf_counter() - t0
        t0 = time.perf_counter()
        kerns[snap] = K.compute_kernels(rmf, nature="dirac", rosseland_nodes=24)
        t_ross += time.perf_counter() - t0
        only_total = mfp.weightings_for
        mfp.weightings_for = lambda *a, **k: ("total",)
        try:
            t0 = time.perf_counter()
            _contract(
                kerns[snap].drop_vars([v for v in kerns[snap] if "spectral" in v]),
                masses,
                couplings,
            )
            t_tot += time.perf_counter() - t0
        finally:
            mfp.weightings_for = only_total
        t0 = time.perf_counter()
        _contract(
            kerns[snap].drop_vars([v for v in kerns[snap] if "spectral" in v]), masses, couplings
        )
        t_all += time.perf_counter() - t0
    print(f"kernel stage, single energies (today): {t_plain:.1f} s")
    print(f"kernel stage with 24 Rosseland energies: {t_ross:.1f} s ({t_ross / t_plain:.2f}x)")
    print(
        f"contraction, total only: {t_tot:.2f} s; with transport and transport_sink: "
        f"{t_all:.2f} s; transport adds {t_all - t_tot:.2f} s = "
        f"{100 * (t_all - t_tot) / t_plain:.1f} % of the kernel stage"
    )
    print(f"weightings: {transport.WEIGHTINGS}")
    _bench_stage(rmfs)
    _bench_naive_shell(rmfs)
    for snap in ("c21_t1s", "c21_t5s"):
        profile = shell_table(REPO / "resources" / "profiles" / f"{snap}.csv")
        k48 = K.compute_kernels(rmfs[snap, "dirac"], nature="dirac", rosseland_nodes=48)
        kr2 = K.compute_kernels(
            rmfs[snap, "dirac"], nature="dirac", rosseland_nodes=24, refinement=2
        )
        d24, d48, dr2 = (_dt_sm(k, profile) for k in (kerns[snap], k48, kr2))
        print(
            f"{snap}: Delta t_SM Rosseland (total, transport, transport_sink) 24 nodes "
            f"{np.round(d24, 5)} s, 48 nodes {np.round(d48, 5)} s, "
            f"max rel. diff {np.max(np.abs(d24 / d48 - 1)):.1e}; refinement 2: "
            f"max rel. diff {np.max(np.abs(d24 / dr2 - 1)):.1e}"
        )


def _bench_stage(rmfs) -> None:
    """The whole kernel stage (both snapshots and natures), without and with Rosseland."""
    times = {}
    for nodes in (0, 24):
        t0 = time.perf_counter()
        for (snap, nature), rmf in rmfs.items():
            K.compute_kernels(
                rmf,
                nature=nature,
                rmf_dirac=rmfs[snap, "dirac"] if nature == "majorana" else None,
                rosseland_nodes=nodes,
            )
        times[nodes] = time.perf_counter() - t0
    print(
        f"kernel stage, all snapshots and natures: single energies {times[0]:.1f} s, with 24 "
        f"Rosseland energies per shell {times[24]:.1f} s ({times[24] / times[0]:.2f}x)"
    )


def _bench_naive_shell(rmfs) -> None:
    """One shell's 24 Rosseland energies: one kernel evaluation per energy (naive) against
    the shared grid (kernels and moments)."""
    from lightmed.spectral import rosseland_nodes, shell_moments, spectral_mass_grid

    rmf = rmfs["c21_t1s", "dirac"].isel(shell=1)
    t = float(rmf["temperature"])
    mstar = float(rmf["effective_mass"])
    mu = {"n": float(rmf["mu_n_eff"]), "p": float(rmf["mu_p_eff"])}
    energies, _ = rosseland_nodes(t, float(rmf["mu_nu"]), 24)
    state = dict(temperature_mev=t, m_eff_mev=mstar, mu_eff_mev=mu)
    t0 = time.perf_counter()
    for e in energies:
        K.shell_kernels(energy_mev=float(e), **state)
    t_naive = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = K.spectral_shell_kernels(energies_mev=energies, **state)
    t_k = time.perf_counter() - t0
    t0 = time.perf_counter()
    shell_moments(res, energies, t, float(rmf["mu_nu"]), spectral_mass_grid(0.01))
    t_m = time.perf_counter() - t0
    print(
        f"c21_t1s shell 2, 24 energies: one kernel evaluation per energy {t_naive:.2f} s; shared "
        f"grid {t_k:.2f} s kernels ({res['q0'].size} nodes) + {t_m:.2f} s moments "
        f"({t_naive / t_k:.1f}x faster kernels)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="direct quadrature on all 100 points")
    parser.add_argument("--issue12", action="store_true", help="only the transport/Rosseland part")
    args = parser.parse_args()
    if args.issue12:
        bench_issue12()
        return
    bench_single_shell(args.full)
    bench_kernels_and_map()


if __name__ == "__main__":
    main()
