"""Fit lightmed's XENON1T NR efficiency parametrisation to the digitised 1805.12562 Fig. 1.

Run from the repository root (needs ../shared/data, see REFERENCE.md):

    python resources/detectors/derive_xenon1t_efficiency.py [--shared ../shared/data]

Model (E in keV): eps(E) = eps_max / (1 + (E_half/E)^n) / (1 + exp((E - E_cut)/w_cut)),
a power-law turn-on (S1 detection) times a logistic roll-off (upper edge of the cS1 ROI).
Prints the parameters for ``lightmed.rates.XENON1T_EFFICIENCY`` and the fit residuals.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from lightmed import rates


def main() -> None:
    default = Path(__file__).resolve().parents[2].parent / "shared" / "data"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=default)
    shared = ap.parse_args().shared
    path = shared / "detectors/xenon1t_2018/nr_efficiency_fig1_digitized_bradkav.txt"
    if not path.is_file():
        raise SystemExit(f"{path}: not found; nothing to derive")
    e, eff = np.loadtxt(path, unpack=True)
    eff = np.clip(eff, 0.0, None)
    keys = ("eps_max", "e_half_kev", "n", "e_cut_kev", "w_cut_kev")

    def resid(p):
        rates.XENON1T_EFFICIENCY.update(dict(zip(keys, p, strict=True)))
        return rates.efficiency("xenon1t", e) - eff

    fit = least_squares(resid, x0=[0.87, 6.0, 3.0, 44.0, 2.5])
    for k, v in zip(keys, fit.x, strict=True):
        print(f'    "{k}": {v:.4f},')
    print(
        f"max |residual| = {np.max(np.abs(fit.fun)):.4f}, rms = {np.sqrt(np.mean(fit.fun**2)):.4f}"
    )


if __name__ == "__main__":
    main()
