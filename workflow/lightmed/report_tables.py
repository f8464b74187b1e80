"""Key bound tables of the report (``snakemake --report``): quoted bounds at a few masses.

From finished artifacts only: the quoted ([C21] pairing and headline) SN-core bound of every
criterion and the detector sensitivities of the summary figures, read off at round masses
(log interpolation on each artifact's own mass grid; outside it: empty). One row per bound,
one column per mass; the full curves are in the artifacts and their CSVs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from .sn_core import headline_curves

#: Masses of the tables [MeV].
TABLE_MASSES_MEV: tuple[float, ...] = (0.01, 0.1, 1.0, 10.0, 100.0, 1000.0)


def at_masses(mass: np.ndarray, bound: np.ndarray, masses: Sequence[float]) -> list[float]:
    """Bound at ``masses`` by interpolation in (log m, log g); NaN off the grid or where the
    curve is undefined at a neighbouring grid point (0 = the SM alone fails: kept as 0)."""
    mass, bound = np.asarray(mass, float), np.asarray(bound, float)
    out = []
    for m in masses:
        if not mass.size or m < mass.min() * (1 - 1e-9) or m > mass.max() * (1 + 1e-9):
            out.append(np.nan)
            continue
        j = int(np.clip(np.searchsorted(mass, m), 1, mass.size - 1))
        lo, hi = bound[j - 1], bound[j]
        if np.isclose(mass[j - 1], m):
            out.append(float(lo))
        elif np.isclose(mass[j], m):
            out.append(float(hi))
        elif np.isfinite(lo) and np.isfinite(hi) and lo > 0 and hi > 0:
            t = np.log(m / mass[j - 1]) / np.log(mass[j] / mass[j - 1])
            out.append(float(np.exp((1 - t) * np.log(lo) + t * np.log(hi))))
        else:
            out.append(np.nan)
    return out


def _columns(masses: Sequence[float]) -> list[str]:
    return [f"m = {m:g} MeV" for m in masses]


def sn_core_table(
    bounds: Iterable[xr.Dataset], masses: Sequence[float] = TABLE_MASSES_MEV
) -> pd.DataFrame:
    """Quoted SN-core bounds: model, coupling, criterion (with snapshot), bound per mass."""
    rows = []
    for ds in bounds:
        title = ds.attrs.get("model", "?")
        if "not_applicable" in ds.attrs:
            rows.append(
                {
                    "model": title,
                    "coupling": ds.attrs.get("coupling_name", ""),
                    "bound": f"not applicable: {ds.attrs['not_applicable']}",
                }
            )
            continue
        for curve in headline_curves(ds):
            rows.append(
                {
                    "model": title,
                    "coupling": ds["coupling_bound"].attrs.get(
                        "coupling_name", ds.attrs.get("coupling_name", "")
                    ),
                    "bound": curve["label"],
                    **dict(
                        zip(
                            _columns(masses),
                            at_masses(ds["mass"].values, curve["bound"].values, masses),
                            strict=True,
                        )
                    ),
                }
            )
    return pd.DataFrame(rows, columns=["model", "coupling", "bound", *_columns(masses)])


def detector_table(
    sens: Mapping[str, Iterable[xr.Dataset]],
    masses: Sequence[float] = TABLE_MASSES_MEV,
) -> pd.DataFrame:
    """Projected CEvNS bounds per model: source, detectors, sigma_norm, bound per mass."""
    rows = []
    for model, datasets in sens.items():
        for ds in datasets:
            s = ds["sigma_norm"].values[0]
            bound = ds["coupling_bound"].sel(sigma_norm=s).values
            rows.append(
                {
                    "model": model,
                    "source": ds.attrs.get("neutrino_source", "?"),
                    "detectors": ds.attrs.get("combo", "?"),
                    "sigma_norm": f"{s:.0%}",
                    **dict(
                        zip(
                            _columns(masses),
                            at_masses(ds["mass"].values, bound, masses),
                            strict=True,
                        )
                    ),
                }
            )
    return pd.DataFrame(
        rows, columns=["model", "source", "detectors", "sigma_norm", *_columns(masses)]
    )


def write_table(df: pd.DataFrame, path: str) -> None:
    """CSV with 3 significant digits (empty = not defined at that mass)."""
    df.to_csv(path, index=False, float_format="%.3g")
