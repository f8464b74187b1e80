"""XENON1T the [ST21] way (arXiv:2010.14545 Sec. VII): a rate cap from the 1 t·yr SI WIMP limit.

[ST21] turned the XENON1T 90 % CL limit on the spin-independent WIMP–nucleon cross section
(PRL 121 (2018) 111302) into a maximal event rate with ``wimprates`` (PyPI), for the current
0.7 keV NR threshold and the efficiency of the S2 channel, and excluded a mediator whose solar
neutrino events exceed it. lightmed does exactly that (docs/physics.md §7):

* efficiency ε(E): the XENON1T S2-only release's NR response summed over its S2 bins
  (90–3000 PE, all cuts), interpolated in ln E, zero below 0.7 keV;
* cap N_max(M) = exposure ∫ ε dR_WIMP/dE(M, σ_90(M)) dE for every mass M of the official
  limit table, with the halo of the 2018 analysis (v₀ = 220 km/s, v_esc = 544 km/s,
  ρ = 0.3 GeV/cm³; wimprates ≥ 0.5 defaults to v₀ = 238 km/s). The cap is N_max(6 GeV) by
  default: a cap only means something for a WIMP whose recoil spectrum resembles the signal,
  and solar ⁸B CEvNS mimics a ~6 GeV WIMP (XENON, PRL 126 (2021) 091301; the S2-only ROI
  default is the 6 GeV one too). ``wimp_mass_gev: min`` takes the most constraining mass of
  the table instead (30 GeV, whose spectrum lies mostly above the ⁸B endpoint);
* signal ΔN(g, m) = N(g, m) − N(0): the same ε-weighted solar ⁸B + hep CEvNS events (lightmed's
  rates) over the same exposure, so the exposure cancels;
* statistic: a rate cap, not a likelihood. So that the common code can treat it like the
  others, it is written as −2ΔlnL ≡ 2.706 (max(ΔN, 0)/N_max)², which crosses the 90 % CL
  threshold exactly at ΔN = N_max and carries no other probabilistic meaning.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import ConfigError, InputError
from ..statistics.likelihood import chi2_quantile
from ..targets import Target, get_target
from .base import Scan
from .releases import WHERE as RELEASES
from .xenon1t_s2only import (
    S2Response,
    _check_couplings,
    cevns_coefficients,
    fold,
    read_response,
    resolve_settings,
    solar_flux,
)

NAME = "xenon1t_st21"
TITLE = "XENON1T, [ST21] rate cap (2018 limit)"
WHERE = RELEASES[NAME]
CITATION = (
    "A. M. Suliga, I. Tamborra, PRD 103 (2021) 083002, arXiv:2010.14545 Sec. VII (method); "
    "E. Aprile et al. (XENON), PRL 121 (2018) 111302, arXiv:1805.12562 (limit); "
    "PRL 123 (2019) 251801 (S2-only response)"
)
#: Names under which the official SI table is distributed (upstream, then ../shared/data).
LIMIT_FILES = ("xenon1t_1ty.csv", "SI_limit_official_xenon1t_1ty.csv")
#: one-dof chi2 quantile at 90 % CL: the cap is a 90 % CL statement, whatever constraints.cl says
THRESHOLD_90 = chi2_quantile(0.9, 1)


def read_si_limit(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """WIMP mass [GeV] and 90 % CL σ_SI [cm²] (first two columns) of the official table."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found; get it from {WHERE}")
    rows = []
    for line in path.read_text(errors="replace").splitlines():
        text = line.strip()
        if not text or text.startswith(("#", '"')):
            continue
        cells = [c.strip() for c in text.split(",") if c.strip()]
        try:
            values = [float(c) for c in cells[:2]]
        except ValueError:
            raise InputError(f"{path}: non-numeric row {text[:40]!r}") from None
        if len(values) < 2:
            raise InputError(
                f"{path}: missing column: need WIMP mass [GeV] and upper limit [cm^2] per row"
            )
        rows.append(values)
    if len(rows) < 2:
        raise InputError(f"{path}: fewer than two (mass, limit) rows")
    arr = np.array(rows)
    if np.any(arr <= 0) or np.any(np.diff(arr[:, 0]) <= 0):
        raise InputError(f"{path}: masses must increase and limits be > 0")
    return arr[:, 0], arr[:, 1]


def wimp_rate(e_kev, mass_gev, sigma_cm2, halo: dict) -> np.ndarray:
    """SI WIMP dR/dE [per (t yr keV)] from wimprates (standard halo of ``halo``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import numericalunits as nu
        import wimprates as wr

    model = wr.StandardHaloModel(
        v_0=halo["halo_v0_km_s"] * nu.km / nu.s,
        v_esc=halo["halo_vesc_km_s"] * nu.km / nu.s,
        rho_dm=halo["halo_rho_gev_cm3"] * nu.GeV / nu.c0**2 / nu.cm**3,
    )
    return np.asarray(
        wr.rate_wimp_std(np.asarray(e_kev, float), mass_gev, sigma_cm2, halo_model=model), float
    )


@dataclass
class ST21Data:
    path: Path
    response: S2Response
    wimp_mass_gev: np.ndarray
    sigma_cm2: np.ndarray
    cap_events: np.ndarray  # (n_wimp,) ε-weighted events at the limit, per exposure
    cap: float
    cap_mass_gev: float
    flux: xr.Dataset
    target: Target
    settings: dict = field(default_factory=dict)


def load(path, settings: dict | None = None) -> ST21Data:
    path = Path(path)
    s = resolve_settings(settings, NAME)
    if not path.is_dir():
        raise InputError(f"{path}: directory not found; get the files from {WHERE}")
    found = [path / f for f in LIMIT_FILES if (path / f).is_file()]
    if not found:
        raise InputError(f"{path / LIMIT_FILES[0]}: file not found; get it from {WHERE}")
    masses, sigma = read_si_limit(found[0])
    k_cap = None
    if str(s["wimp_mass_gev"]).lower() != "min":
        try:
            wanted = float(s["wimp_mass_gev"])
        except (TypeError, ValueError):
            wanted = np.nan
        hit = np.flatnonzero(np.isclose(masses, wanted))
        if not hit.size:
            raise ConfigError(
                f"constraints.{NAME}.wimp_mass_gev: {s['wimp_mass_gev']} is not a mass of "
                f"{found[0]}; use min or one of {', '.join(f'{m:g}' for m in masses)}"
            )
        k_cap = int(hit[0])
    s2_path = Path(s["s2only_path"]) if s["s2only_path"] else path.parent / "xenon1t_s2only_2019"
    response = read_response(s2_path)
    threshold = float(s["threshold_kev"])
    eff = response.matrix.sum(axis=1, keepdims=True)  # total S2 efficiency per energy
    response_eff = S2Response(**{**response.__dict__, "matrix": eff})
    exposure = float(s["exposure_t_yr"])
    # wimprates on a fine log grid (a velocity integral per energy is slow), interpolated to the
    # quadrature nodes of the fold; 80 points (5 % spacing) move the caps by <= 0.3 %
    grid = np.geomspace(threshold, response.energy_hi_kev.max(), 80)
    caps = np.empty(masses.size)
    for k, (mass, xs) in enumerate(zip(masses, sigma, strict=True)):
        rate = wimp_rate(grid, mass, xs, s)
        folded = fold(
            response_eff,
            lambda e, rate=rate: np.interp(e, grid, rate, right=0.0),
            threshold,
            int(s["nodes_per_bin"]),
        )
        caps[k] = exposure * folded[0]
    k = int(np.argmin(caps)) if k_cap is None else k_cap
    return ST21Data(
        path=found[0],
        response=response_eff,
        wimp_mass_gev=masses,
        sigma_cm2=sigma,
        cap_events=caps,
        cap=float(caps[k]),
        cap_mass_gev=float(masses[k]),
        flux=solar_flux(s["ssm"], s["oscillation"]),
        target=get_target(str(s["target"])),
        settings=s,
    )


class XENON1TST21:
    """The [ST21] XENON1T rate cap as a constraints-stage experiment."""

    name = NAME
    title = TITLE
    where = WHERE

    def load(self, path, settings: dict | None = None) -> ST21Data:
        return load(path, settings)

    def event_coefficients(self, data: ST21Data, model, masses_mev):
        """ε-weighted solar CEvNS events per exposure: N = n0 + g² n1(m) + g⁴ n2(m)."""
        s = data.settings
        seconds = float(s["exposure_t_yr"]) * 365.25 * 86400.0  # tonne seconds
        c0, c1, c2 = cevns_coefficients(
            data.response,
            data.flux,
            data.target,
            model,
            masses_mev,
            float(s["threshold_kev"]),
            exposure_kg_day=seconds / 86400.0 * 1e3,
            nodes_per_bin=int(s["nodes_per_bin"]),
        )
        return float(c0[0]), c1[:, 0], c2[:, 0]

    def scan(self, data: ST21Data, model, masses_mev, couplings) -> Scan:
        g = _check_couplings(couplings)
        masses = np.atleast_1d(np.asarray(masses_mev, float))
        n0, n1, n2 = self.event_coefficients(data, model, masses)
        s = data.settings
        g2 = g[None, :] ** 2
        excess = g2 * n1[:, None] + g2**2 * n2[:, None]
        neg2 = THRESHOLD_90 * (np.maximum(excess, 0.0) / data.cap) ** 2
        extras = {
            "cap_events": xr.DataArray(
                data.cap_events,
                dims="wimp_mass",
                coords={
                    "wimp_mass": (
                        "wimp_mass",
                        data.wimp_mass_gev,
                        {"units": "GeV", "long_name": "WIMP mass of the SI limit table"},
                    )
                },
                attrs={
                    "units": "1",
                    "long_name": "S2-efficiency-weighted WIMP events above threshold at the "
                    "90 % CL limit, per exposure",
                },
            ),
        }
        attrs = {
            "statistic": (
                "rate cap ([ST21] Sec. VII), not a likelihood: excluded where the excess of "
                "S2-efficiency-weighted solar CEvNS events over the SM exceeds N_max = "
                f"{data.cap:.3g} events per {float(s['exposure_t_yr']):g} t yr, those of the "
                f"XENON1T 2018 90 % CL SI WIMP limit at {data.cap_mass_gev:g} GeV (wimprates, "
                f"E_nr >= {float(s['threshold_kev']):g} keV); SM {n0:.3g} events; fixed at "
                "90 % CL whatever constraints.cl says"
            ),
            "test_statistic": (
                "2.706 (max(N(g) - N(0), 0) / N_max)^2: crosses 2.706 exactly at the cap, "
                "no other probabilistic meaning"
            ),
            "threshold": THRESHOLD_90,
            "reference_point": "g = 0 (the SM); a deficit (vector interference) is never excluded",
            "nuisances": "none (the cap inherits the WIMP analysis' own nuisances)",
            "cap_events": data.cap,
            "cap_wimp_mass_gev": data.cap_mass_gev,
            "sm_events": n0,
            "threshold_kev": float(s["threshold_kev"]),
            "exposure_t_yr": float(s["exposure_t_yr"]),
            "halo": (
                f"SHM v0 {s['halo_v0_km_s']:g} km/s, v_esc {s['halo_vesc_km_s']:g} km/s, "
                f"rho {s['halo_rho_gev_cm3']:g} GeV/cm3"
            ),
            "efficiency": "XENON1T S2-only NR response summed over S2 bins (90-3000 PE)",
            "data_release": WHERE,
            "citation": CITATION,
            "title": TITLE,
            "year": 2018,
        }
        return Scan(
            coupling=g,
            neg2dlnl=neg2,
            best_fit=np.zeros(masses.size),
            neg2dlnl_sm=np.zeros(masses.size),
            attrs=attrs,
            extras=extras,
        )


EXPERIMENT = XENON1TST21()
