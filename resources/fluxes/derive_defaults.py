"""Derive the embedded flux defaults of lightmed.flux_presets from the public tables.

Run from the repository root (needs ../shared/data, see REFERENCE.md):

    python resources/fluxes/derive_defaults.py [--shared ../shared/data]

Prints, for pasting into ``workflow/lightmed/flux_presets.py``:

1. SN_PINCHED: per species emitted energy, mean energy and alpha of the TIME-INTEGRATED
   fluence of the Garching LS220 s27.0co (0-14 s) and s40s7b2c (0 to BH formation 0.568 s,
   and 0-0.2 s as printed in [ST21]) models, by moment matching (number, <E>, <E^2>);
2. B8_FOLD: the three parameters of the 8Be(2+) excitation distribution that make the
   allowed beta+ fold reproduce the Winter et al. (2006) 8B shape (least squares);
3. ATM_LOGPOLY: degree-5 polynomial fits of ln(dPhi/dE) in ln(E/100 MeV) to the FLUKA
   sub-GeV tables;

and the event-rate residuals (E_r > 1 keV, Xe and Pb, 100 % efficiency) of each default
against the same table, which REFERENCE.md records.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from lightmed import fluxes, rates
from lightmed.constants import KPC_CM, MEV_TO_ERG
from lightmed.flux_presets import B8_FOLD
from lightmed.models import PRESETS

SN_MODELS = {
    "garching_s27.0co_14s": ("sn_emission/garching_LS220_s27.0co", 14.0),
    "garching_s40s7b2c_bh": ("sn_emission/garching_LS220_s40s7b2c", None),
    "garching_s40s7b2c_0.2s": ("sn_emission/garching_LS220_s40s7b2c", 0.2),
}
ATM_DEGREE = 5
B8_DEGREE = 6


def events(ds, target: str, recoil_max_kev: float = 201.0) -> float:
    det = rates.Detector("derive", target, 1.0, 1.0, 2.0, "1")
    sm = rates.compute_rates(
        ds,
        det,
        [PRESETS["vector"]],
        [1.0],
        exposure_years=1.0,
        recoil_max_kev=recoil_max_kev,
        nodes_per_bin=8,
    )
    return rates.total_events(sm)


def derive_sn(shared: Path) -> None:
    area = 4.0 * math.pi * (10.0 * KPC_CM) ** 2
    print("SN_PINCHED = {")
    residuals = []
    for key, (folder, t_max) in SN_MODELS.items():
        ds = fluxes.garching_emission(shared / folder, t_max, 10.0)
        e = ds.energy.values
        print(f'    "{key}": {{')
        print(f'        "derived_from": "{folder.split("/")[-1]} t_max={t_max or "BH"} s",')
        print(f'        "t_max_s": {t_max if t_max is not None else ds.attrs["t_end_used_s"]:.4g},')
        for f in fluxes.SN_FLAVOURS:
            s = ds.fluence.sel(flavour=f).values
            n = np.trapezoid(s, e)
            m1 = np.trapezoid(s * e, e) / n
            m2 = np.trapezoid(s * e * e, e) / n
            alpha = float(fluxes.pinching_alpha(m1, m2))
            print(
                f'        "{f}": {{"energy_erg": {n * m1 * area * MEV_TO_ERG:.5e}, '
                f'"mean_mev": {m1:.4f}, "alpha": {alpha:.4f}}},'
            )
        print("    },")
        residuals.append((key, ds))
    print("}")
    return residuals


def derive_b8(shared: Path) -> list[float]:
    e_tab, lam = fluxes.winter2006_8b(shared / "solar_neutrinos/8B_spectrum_Winter2006.csv")
    grid = e_tab[e_tab > 0]
    ref = np.interp(grid, e_tab, lam)

    def model(c):
        return fluxes.b8_beta_shape(grid, dict(B8_FOLD, log_rho_poly=list(c)))

    # weight E > 7 MeV more: that half makes the recoils above 1 keV in Xe and Pb
    wts = np.sqrt(np.where(grid > 7.0, 4.0, 1.0))
    x0 = np.zeros(B8_DEGREE)
    x0[-2] = -1.0
    fit = least_squares(lambda c: (model(c) - ref) * wts / ref.max(), x0)
    print(
        f"B8_FOLD log_rho_poly = [{', '.join(f'{v:.6f}' for v in fit.x)}]  "
        f"# max |shape residual| / peak = {np.max(np.abs(model(fit.x) - ref)) / ref.max():.2e}"
    )
    return list(fit.x)


def derive_atm(shared: Path) -> dict[str, list[float]]:
    coefs = {}
    for flavour, name in fluxes.FLUKA_FILES.items():
        d = np.loadtxt(shared / "atmospheric_neutrinos/FLUKA_sub-GeV" / name, delimiter=",")
        x = np.log(d[:, 0] / 100.0)
        c = np.polyfit(x, np.log(d[:, 1]), ATM_DEGREE)
        rel = np.exp(np.polyval(c, x)) / d[:, 1] - 1.0
        coefs[flavour] = [float(v) for v in c]
        print(
            f'    "{flavour}": [{", ".join(f"{v:.6e}" for v in c)}],  '
            f"# max |rel dev| {np.max(np.abs(rel)):.3f}"
        )
    return coefs


def main() -> None:
    here = Path(__file__).resolve()
    default = here.parents[2].parent / "shared" / "data"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=default)
    args = ap.parse_args()
    shared = args.shared
    if not shared.is_dir():
        raise SystemExit(f"{shared}: shared data not found; nothing to derive")

    sn = derive_sn(shared)
    b8 = derive_b8(shared)
    print("ATM_LOGPOLY coefficients = {")
    derive_atm(shared)
    print("}")

    print("\nResiduals of the SHIPPED presets (events E_r > 1 keV per tonne [per yr]):")
    from lightmed import flux_presets

    if np.max(np.abs(np.array(flux_presets.B8_FOLD["log_rho_poly"]) - b8)) > 1e-3:
        print("  (note: flux_presets.B8_FOLD differs from this fit; paste the new values)")
    for key, ds in sn:
        if key not in flux_presets.SN_PINCHED:
            continue
        emb = fluxes.pinched_sn(key)
        for tgt in ("Xe", "Pb"):
            a, b = events(ds, tgt), events(emb, tgt)
            print(
                f"  {key:24s} {tgt}: table {a:8.3f}  embedded {b:8.3f}  {100 * (b / a - 1):+.2f} %"
            )
    sol_tab = fluxes.solar_spectra(
        shared / "solar_neutrinos/8B_spectrum_Winter2006.csv",
        shared / "solar_neutrinos/hep_spectrum_Bahcall1997.csv",
    )
    sol_emb = fluxes.solar_beta_spectra()
    for tgt in ("Xe", "Pb"):
        a, b = events(sol_tab, tgt), events(sol_emb, tgt)
        print(
            f"  {'solar 8B+hep B16-GS98':24s} {tgt}: table {a:8.3f}  embedded {b:8.3f}  "
            f"{100 * (b / a - 1):+.2f} %"
        )
    if flux_presets.ATM_LOGPOLY["coefficients"]:
        atm_tab = fluxes.fluka_atmospheric(shared / "atmospheric_neutrinos/FLUKA_sub-GeV")
        atm_emb = fluxes.atmospheric_parametrisation()
        for tgt in ("Xe", "Pb"):
            a, b = events(atm_tab, tgt, 1001.0), events(atm_emb, tgt, 1001.0)
            print(
                f"  {'atmospheric FLUKA':24s} {tgt}: table {a:8.4f}  embedded {b:8.4f}  "
                f"{100 * (b / a - 1):+.2f} %"
            )


if __name__ == "__main__":
    main()
