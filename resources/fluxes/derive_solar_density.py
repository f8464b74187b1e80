"""Derive lightmed.flux_presets.SSM_PRODUCTION_DENSITY from the B16 SSM radial tables.

The B16 standard solar models (Vinyoles et al., ApJ 835 (2017) 202, arXiv:1611.09867) are
distributed with a "distribution of neutrino fluxes" table per composition,
``nudistr_b16_gs98.dat`` and ``nudistr_b16_agss09.dat`` (A. Serenelli's solar-model page; the
same files are in michelelucente/PEANUTS @ 59e3a2a, ``Data/``). Columns used: 1 R/R_sun,
3 log10(n_e / (N_A cm^-3)), 7 hep and 9 8B fraction of the branch produced per zone.
The tables are not redistributed here; pass their directory:

    python resources/fluxes/derive_solar_density.py /path/to/dir_with_nudistr_files

Prints, per model and branch, the production-weighted mean electron density
<n_e> = sum f n_e / sum f [N_A cm^-3] (the numbers in flux_presets), the mean production
radius, and how much P_ee at 10 MeV moves if P_ee is averaged over the production region
instead of evaluated at <n_e> (REFERENCE.md records the output).
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np

from lightmed import oscillations as osc

FILES = {"B16-GS98": "nudistr_b16_gs98.dat", "B16-AGSS09met": "nudistr_b16_agss09.dat"}
COLUMNS = {"hep": 6, "8B": 8}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    args = parser.parse_args()
    params = osc.get_parameters("nufit52", "normal")
    print("SSM_PRODUCTION_DENSITY = {")
    for model, name in FILES.items():
        path = args.directory / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        table = np.loadtxt(path, comments="#")
        radius, n_e = table[:, 0], 10.0 ** table[:, 2]
        means = {}
        for branch, col in COLUMNS.items():
            w = table[:, col] / table[:, col].sum()
            means[branch] = float(w @ n_e)
            p_mean = osc.solar_transition_probabilities([10.0], means[branch], params)[0, 0]
            p_avg = sum(
                wi * osc.solar_transition_probabilities([10.0], ni, params)[0, 0]
                for wi, ni in zip(w, n_e, strict=True)
            )
            print(
                f"    # {model} {branch}: <r> = {w @ radius:.4f} R_sun, "
                f"P_ee(10 MeV) at <n_e> {p_mean:.5f}, averaged {p_avg:.5f} "
                f"(diff {p_avg - p_mean:+.1e}); {name} sha256 {digest}"
            )
        print(f'    "{model}": {{"8B": {means["8B"]:.3f}, "hep": {means["hep"]:.3f}}},')
    print("}")


if __name__ == "__main__":
    main()
