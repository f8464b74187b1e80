"""A :class:`~.base.Scan` -> the constraints artifact and its CSV (docs/artifacts.md).

Conventions (docs/physics.md §7):

* the 90 % CL excluded region is where -2 Delta ln L > threshold (one dof, chi2 quantile of
  ``cl``: 2.706 at 90 %, unless the experiment sets ``threshold`` in its attrs);
* the scan is extended by g = 0 (the SM, -2 Delta ln L = ``neg2dlnl_sm``); crossings are
  interpolated linearly in ln g between grid points (in g between 0 and the first point);
* every excluded interval is reported (``interval_lower``/``interval_upper``, NaN-padded); an
  interval starting at 0 means the SM itself is disfavoured, one ending at the top of the grid
  is excluded up to there (larger couplings were not scanned);
* ``coupling_bound`` is the lower edge of the first excluded interval above g = 0, i.e. the
  90 % CL upper limit on g; an allowed island above it (the vector's destructive interference
  returning the rate to the data) appears as a second interval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from ..bounds import _intervals_from_crossings
from ..statistics.likelihood import chi2_quantile
from .base import Scan

#: Scan.attrs copied to the artifact (strings; dicts/lists are flattened to text).
ATTR_KEYS: tuple[str, ...] = (
    "statistic",
    "test_statistic",
    "reference_point",
    "nuisances",
    "data_release",
    "citation",
    "title",
    "year",
)


def threshold_of(scan: Scan, cl: float) -> float:
    """-2 Delta ln L at the edge of the ``cl`` region: the experiment's, else one-dof chi2."""
    if scan.attrs.get("threshold") is not None:
        return float(scan.attrs["threshold"])
    return chi2_quantile(cl, 1)


def excluded_intervals(
    coupling: np.ndarray,
    neg2dlnl: np.ndarray,
    neg2dlnl_sm: np.ndarray,
    threshold: float,
    width: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every interval of g in [0, coupling[-1]] with -2 Delta ln L > threshold, per mass.

    Returns ``lower, upper`` of shape (mass, n_interval), sorted, NaN-padded (at least 2).
    """
    g = np.concatenate([[0.0], np.asarray(coupling, float)])
    values = np.concatenate([np.asarray(neg2dlnl_sm, float)[:, None], neg2dlnl], axis=1)
    f = np.where(np.isfinite(values), values - threshold, np.inf)
    exceeded = f > 0
    change = exceeded[:, 1:] != exceeded[:, :-1]
    # linear interpolation of f: in ln g between grid points, in g on [0, g_1]
    x = np.concatenate([[0.0], np.log(g[1:])])
    x_lo = np.broadcast_to(x[:-1], change.shape).copy()
    x_lo[:, 0] = 0.0
    x_hi = np.broadcast_to(x[1:], change.shape).copy()
    x_hi[:, 0] = g[1]
    f_lo, f_hi = f[:, :-1], f[:, 1:]
    with np.errstate(all="ignore"):
        t = np.where(np.isfinite(f_lo) & np.isfinite(f_hi), f_lo / (f_lo - f_hi), 0.5)
    t = np.clip(np.nan_to_num(t, nan=0.5), 0.0, 1.0)
    root = x_lo + t * (x_hi - x_lo)
    root[:, 1:] = np.exp(root[:, 1:])
    crossings = np.where(change, root, np.nan)
    return _intervals_from_crossings(exceeded[:, 0], crossings, change, g[-1], width)


def lower_edge(lower: np.ndarray) -> np.ndarray:
    """Lower edge of the first excluded interval above g = 0 (NaN if none)."""
    inside = np.isfinite(lower) & (lower > 0)
    first = np.min(np.where(inside, lower, np.inf), axis=-1)
    return np.where(np.isfinite(first), first, np.nan)


def _attr_text(value) -> str | float | int:
    if isinstance(value, (int, float, str, np.integer, np.floating)):
        return value
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_attr_text(v)}" for k, v in value.items())
    if isinstance(value, Sequence):
        return "; ".join(str(_attr_text(v)) for v in value)
    return str(value)


def scan_dataset(
    scan: Scan,
    masses_mev: np.ndarray,
    *,
    experiment: str,
    model: str,
    coupling_name: str = "g",
    cl: float = 0.9,
) -> xr.Dataset:
    """The constraints artifact's dataset (dims ``mass``, ``coupling``, ``interval``)."""
    masses = np.asarray(masses_mev, float)
    if scan.neg2dlnl.shape[0] != masses.size:
        raise ValueError(f"Scan has {scan.neg2dlnl.shape[0]} masses, grid has {masses.size}")
    thr = threshold_of(scan, cl)
    lower, upper = excluded_intervals(scan.coupling, scan.neg2dlnl, scan.neg2dlnl_sm, thr)
    n_int = np.isfinite(lower).sum(-1).astype("int32")
    g_top = float(scan.coupling[-1])
    ds = xr.Dataset(
        coords={
            "mass": ("mass", masses, {"units": "MeV", "long_name": "mediator mass"}),
            "coupling": (
                "coupling",
                scan.coupling,
                {"units": "1", "long_name": f"coupling {coupling_name} of the scan"},
            ),
            "interval": (
                "interval",
                np.arange(lower.shape[1]),
                {"units": "1", "long_name": "index of the excluded interval (increasing g)"},
            ),
        }
    )
    ds["coupling_bound"] = (
        "mass",
        lower_edge(lower),
        {
            "units": "1",
            "long_name": f"{cl:.0%} CL upper limit on {coupling_name} (lower edge of the "
            "excluded region above g = 0)",
            "comment": f"NaN: nothing excluded up to {g_top:.4g}",
        },
    )
    ds["interval_lower"] = (
        ("mass", "interval"),
        lower,
        {
            "units": "1",
            "long_name": f"lower edge of a {cl:.0%} CL excluded interval of {coupling_name}",
            "comment": "0: the SM (g = 0) itself is disfavoured; NaN: no such interval",
        },
    )
    ds["interval_upper"] = (
        ("mass", "interval"),
        upper,
        {
            "units": "1",
            "long_name": f"upper edge of a {cl:.0%} CL excluded interval of {coupling_name}",
            "comment": f"= {g_top:.6g} (top of the scan): excluded up to there, larger "
            "couplings not scanned",
        },
    )
    ds["n_intervals"] = ("mass", n_int, {"units": "1", "long_name": "number of excluded intervals"})
    ds["best_fit"] = (
        "mass",
        scan.best_fit,
        {"units": "1", "long_name": f"best-fit {coupling_name} (over g >= 0; 0: the SM)"},
    )
    ds["neg2dlnl"] = (
        ("mass", "coupling"),
        scan.neg2dlnl,
        {"units": "1", "long_name": "-2 ln[L(g)/L(g_hat)], nuisances profiled"},
    )
    ds["neg2dlnl_sm"] = (
        "mass",
        scan.neg2dlnl_sm,
        {"units": "1", "long_name": "-2 ln[L(0)/L(g_hat)] (the SM against the best fit)"},
    )
    ds["sm_excluded"] = (
        "mass",
        (scan.neg2dlnl_sm > thr).astype("int8"),
        {"units": "1", "long_name": f"1 where the SM (g = 0) lies outside the {cl:.0%} CL region"},
    )
    for name, da in scan.extras.items():
        ds[name] = da
    attrs = {k: _attr_text(scan.attrs[k]) for k in ATTR_KEYS if k in scan.attrs}
    # the artifact's own 'title' is the dataset title (lightmed.io); keep the legend label
    attrs["experiment_title"] = str(scan.attrs.get("title", experiment))
    attrs.update(
        experiment=experiment,
        model=model,
        coupling_name=coupling_name,
        coupling_max=g_top,
        confidence_level=float(cl),
        threshold=thr,
    )
    ds.attrs.update(attrs)
    return ds


def constraints_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per excluded interval (interval = -1: nothing excluded at that mass)."""
    rows = []
    for i, m in enumerate(ds["mass"].values):
        base = {
            "mass_mev": float(m),
            "coupling_bound": float(ds["coupling_bound"].values[i]),
            "best_fit": float(ds["best_fit"].values[i]),
            "neg2dlnl_sm": float(ds["neg2dlnl_sm"].values[i]),
            "n_intervals": int(ds["n_intervals"].values[i]),
        }
        lo, hi = ds["interval_lower"].values[i], ds["interval_upper"].values[i]
        finite = np.flatnonzero(np.isfinite(lo))
        if finite.size == 0:
            rows.append(
                {**base, "interval": -1, "interval_lower": np.nan, "interval_upper": np.nan}
            )
        for k in finite:
            rows.append(
                {**base, "interval": int(k), "interval_lower": lo[k], "interval_upper": hi[k]}
            )
    return pd.DataFrame(rows)


def write_constraints_csv(ds: xr.Dataset, path: str | Path) -> None:
    """The CSV twin of the artifact, with ``#`` lines stating the statistic and units."""
    a = ds.attrs
    lines = [
        f"# {a.get('title', a.get('experiment', ''))}: {a.get('confidence_level', 0.9):.0%} CL "
        f"limits on {a.get('coupling_name', 'g')} [1] for model {a.get('model', '')}; "
        "mass_mev [MeV]",
        f"# excluded where -2 Delta ln L > {a.get('threshold', float('nan')):.4g}; "
        "coupling_bound = lower edge of the excluded region above g = 0 (empty: none up to "
        f"{a.get('coupling_max', float('nan')):.4g}); one row per excluded interval "
        "(interval = -1: none; interval_lower = 0: the SM is disfavoured)",
    ]
    for key in ("statistic", "reference_point", "nuisances", "data_release", "citation"):
        if key in a:
            lines.append(f"# {key}: {' '.join(str(a[key]).split())}")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
        constraints_table(ds).to_csv(fh, index=False, float_format="%.8e")
