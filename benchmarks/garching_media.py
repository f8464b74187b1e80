"""Issue 12 report: SN-core bounds of the Garching profiles in their own medium vs TM1.

Usage (after ``snakemake --cores 2 results/bounds/sn_core_bl_vector.nc --configfile
config/garching_media.yaml``)::

    python benchmarks/garching_media.py [--results results]

Prints, for every Garching snapshot of the run (snapshots solved in both media):

1. per shell: T, n_B, and for each medium m*_n/m_n, the neutron potential U_n (profile) or
   vector self-energy mu_n - mu*_n - (m_n - m*_n) (RMF), and mu_nu [MeV];
2. Delta t_SM [s] (nubar, Dirac) per medium, for [C21]'s choice (total, E = mu_nu + pi T) and
   the default (transport, Rosseland);
3. the dt_10s bounds of B-L and LNC at m = 0.1 ... 1000 MeV in the profile medium and their
   ratio to TM1's, for both choices.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import xarray as xr

MASSES = (0.1, 1.0, 10.0, 100.0, 1000.0)
CHOICES = (("mu_nu_plus_pi_T", "total", "[C21] choice"), ("rosseland", "transport", "default"))
MEDIA = ("profile", "tm1")


def _open(path: Path) -> xr.Dataset:
    if not path.is_file():
        raise SystemExit(f"{path} not found: run the garching_media config first (module doc)")
    return xr.open_dataset(path)


def snapshots(results: Path) -> list[str]:
    bounds = _open(results / "bounds" / "sn_core_bl_vector.nc")
    comp = bounds["computed"]
    return [
        str(s)
        for s in bounds["snapshot"].values
        if all(m in bounds["medium"].values and bool(comp.sel(snapshot=s, medium=m)) for m in MEDIA)
    ]


def shells(results: Path, snap: str) -> None:
    rmf = {m: _open(results / "rmf" / f"{snap}_{m}_dirac.nc") for m in MEDIA}
    p, t = rmf["profile"], rmf["tm1"]
    print(f"\n== {snap}: shells (Dirac) ==")
    head = "shell  r_out[km]  T[MeV]  n_B[fm-3]  m*_n/m(prof) m*_n/m(TM1)  mu_nu(prof) mu_nu(TM1)"
    print(head)
    m_n = {m: _nucleon_mass(rmf[m]) for m in MEDIA}
    for i in range(p.sizes["shell"]):
        row = (
            i + 1,
            float(p["r_outer"][i]),
            float(p["temperature"][i]),
            float(p["baryon_density"][i]),
            float(p["effective_mass_n"][i]) / m_n["profile"],
            float(t["effective_mass_n"][i]) / m_n["tm1"],
            float(p["mu_nu"][i]),
            float(t["mu_nu"][i]),
        )
        print("{:5d}  {:9.2f}  {:6.2f}  {:9.4f}  {:12.3f} {:11.3f}  {:11.1f} {:10.1f}".format(*row))


def _nucleon_mass(rmf: xr.Dataset) -> float:
    """The medium's neutron vacuum mass [MeV]: the RMF preset's, else (profile medium) the
    physical one the Garching EoS tables use."""
    params = rmf.attrs.get("rmf_parameters", "")
    if "nucleon_mass_mev" in params:
        import ast

        return float(ast.literal_eval(params)["nucleon_mass_mev"])
    return 939.565


def diffusion(results: Path, snaps: list[str]) -> None:
    d = _open(results / "diffusion" / "bl_vector.nc")["dt_sm"].sel(species="nubar")
    print("\n== Delta t_SM [s] (nubar, Dirac) ==")
    print(
        f"{'snapshot':<12}" + "".join(f"{lab + ' ' + m:>22}" for *_, lab in CHOICES for m in MEDIA)
    )
    for s in snaps:
        vals = [
            float(d.sel(snapshot=s, medium=m, energy_choice=e, weighting=w))
            for e, w, _ in CHOICES
            for m in MEDIA
        ]
        print(f"{s:<12}" + "".join(f"{v:>22.4g}" for v in vals))


def bounds(results: Path, snaps: list[str]) -> None:
    for model in ("bl_vector", "lnc_scalar"):
        b = _open(results / "bounds" / f"sn_core_{model}.nc")["coupling_bound"].sel(
            criterion="dt_10s"
        )
        for e, w, lab in CHOICES:
            print(
                f"\n== dt_10s bounds, {model}, {lab} ({e}, {w}): profile medium / ratio to TM1 =="
            )
            print(f"{'snapshot':<12}" + "".join(f"{m:>20g}" for m in MASSES))
            for s in snaps:
                sel = b.sel(snapshot=s, energy_choice=e, weighting=w)
                prof = sel.sel(medium="profile").interp(mass=list(MASSES))
                tm1 = sel.sel(medium="tm1").interp(mass=list(MASSES))
                cells = [
                    f"{p:9.3g} / {r:6.3f}" if np.isfinite(p) else f"{'none':>18}"
                    for p, r in zip(prof.values, (prof / tm1).values, strict=True)
                ]
                print(f"{s:<12}" + "".join(f"{c:>20}" for c in cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=Path("results"))
    args = ap.parse_args()
    snaps = snapshots(args.results)
    if not snaps:
        raise SystemExit("no snapshot solved in both the profile and the tm1 medium")
    for s in snaps:
        shells(args.results, s)
    diffusion(args.results, snaps)
    bounds(args.results, snaps)


if __name__ == "__main__":
    main()
