"""The xarray front end of the sensitivities: rates artifacts in, sensitivity datasets out.

:func:`sensitivity` turns the ``results/rates`` artifacts of a detector combination into the
profiled Delta chi2 map on (sigma_norm, mass, coupling), the bound curve and every excluded
interval (:mod:`lightmed.statistics.likelihood`, :mod:`lightmed.statistics.intervals`);
:func:`write_bounds_csv` writes the long-format table. [ST21] Sec. VI; physics.md §6.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import xarray as xr

from ..errors import ArtifactError, ConfigError, InputError
from .intervals import excluded_intervals, intervals_to_arrays
from .likelihood import BinnedCounts, MinChi2, PullChi2, delta_chi2_threshold


def _model_coord(rates: xr.Dataset, name: str, model: str, default: str) -> str:
    """A per-model coordinate of a rates artifact (lightmed.rates) for ``model``: the coupling
    convention (``coupling_convention``) or the axis coupling's name (``coupling_name``: g,
    g_BL, Y); ``default`` for an artifact without it."""
    if name in rates.coords and "model" in rates[name].dims:
        return str(rates[name].sel(model=model).item())
    return default


def counts_from_rates(rates: xr.Dataset, model: str, name: str = "detector") -> BinnedCounts:
    """:class:`BinnedCounts` of one registry model from a ``results/rates`` artifact.

    Every detector model carries its own coefficients in the artifact (computed from its
    charges, lightmed.rates); a model the artifact lacks is an :class:`ArtifactError`.
    """
    models = [str(m) for m in rates["model"].values]
    if model not in models:
        raise ArtifactError(
            f"rates artifact of detector {rates.attrs.get('detector', name)!r} has no model "
            f"{model!r} (it has {', '.join(models)}); rerun compute_rates with models.{model}"
            ".detectors: true"
        )
    sel = rates.sel(model=model)

    def arr(v):
        da = sel[v]
        if "mass" not in da.dims:
            da = da.expand_dims(mass=rates["mass"].size)
        return da.transpose("mass", "recoil_energy").values

    return BinnedCounts(arr("events_sm"), arr("events_int"), arr("events_np"), name=name)


def coupling_grid(spec: Mapping[str, float]) -> np.ndarray:
    """Log-spaced coupling grid from ``{min, max, num}`` [1]."""
    lo, hi, n = float(spec["min"]), float(spec["max"]), int(spec["num"])
    if not 0 < lo < hi or n < 2:
        raise ConfigError(f"sensitivity.coupling_grid: need 0 < min < max and num >= 2, got {spec}")
    return np.geomspace(lo, hi, n)


def sensitivity(
    rates: Mapping[str, Iterable[xr.Dataset]] | Sequence[xr.Dataset],
    model: str,
    sigma_norms: Sequence[float],
    couplings: np.ndarray,
    *,
    confidence_level: float,
    degrees_of_freedom: int,
    pull: str,
    counts_cache: dict | None = None,
) -> xr.Dataset:
    """Delta chi2 map, bound curve and every excluded interval for one detector combination.

    Parameters
    ----------
    rates : sequence of xarray.Dataset, or mapping member -> sequence
        ``results/rates`` artifacts of the detectors of the combination (same source). A
        mapping marginalises over members (e.g. SN models): Delta chi2 = min over members.
    model : str
        A registry model present in the rates artifacts (their ``model`` dimension).
    sigma_norms : sequence of float
        Normalisation uncertainties [1]; each becomes a ``sigma_norm`` coordinate.
    couplings : array
        Increasing coupling grid [1].
    confidence_level, degrees_of_freedom : float, int
        CL and dof of the Delta chi2 threshold (:func:`delta_chi2_threshold`).
    pull : {"shared", "independent"}
    counts_cache : dict, optional
        Reuse per-detector counts (and their cached grid terms) between calls, keyed by
        ``(id(rates), model)``: for computing many combinations of one source in one process.
        The datasets must stay alive while the cache is used.

    Returns
    -------
    xarray.Dataset
        ``delta_chi2`` (sigma_norm, mass, coupling), ``coupling_bound`` (sigma_norm, mass),
        ``excluded_lower``/``excluded_upper`` (sigma_norm, mass, interval), ``n_intervals``.
    """
    members = dict(rates) if isinstance(rates, Mapping) else {"": list(rates)}
    members = {k: list(v) for k, v in members.items()}
    first = next(iter(members.values()))[0]
    mass = first["mass"].values
    for dsets in members.values():
        for ds in dsets:
            if ds["mass"].size != mass.size or not np.allclose(ds["mass"].values, mass, rtol=1e-10):
                raise InputError("rates artifacts of one sensitivity must share the mass grid")
    cache = {} if counts_cache is None else counts_cache

    def get_counts(i, ds):
        key = (id(ds), model)
        if key not in cache:
            cache[key] = counts_from_rates(ds, model, ds.attrs.get("detector", f"det{i}"))
        return cache[key]

    counts = {k: [get_counts(i, ds) for i, ds in enumerate(v)] for k, v in members.items()}
    thr = delta_chi2_threshold(confidence_level, degrees_of_freedom)
    couplings = np.asarray(couplings, float)
    maps, lowers, uppers = [], [], []
    for sigma in sigma_norms:
        fns = [PullChi2(c, sigma, pull) for c in counts.values()]
        fn = fns[0] if len(fns) == 1 else MinChi2(fns)
        values = fn.grid(couplings)
        # Asimov data: Delta chi2 -> 0 as g -> 0, so an interval can be followed below the grid
        iv = excluded_intervals(
            fn, couplings, values, thr, asymptote=fn.asymptotic_coupling(), follow_below=True
        )
        maps.append(values)
        lowers.append(iv)
    width = max([len(iv) for per in lowers for iv in per] + [1])
    lo_hi = [intervals_to_arrays(per, width) for per in lowers]
    lower = np.stack([x[0] for x in lo_hi])
    uppers = np.stack([x[1] for x in lo_hi])
    return _sensitivity_dataset(
        np.stack(maps),
        lower,
        uppers,
        mass,
        couplings,
        sigma_norms,
        model,
        thr,
        confidence_level,
        degrees_of_freedom,
        pull,
        members,
        _model_coord(first, "coupling_convention", model, f"coupling of model {model}"),
        _model_coord(first, "coupling_name", model, "g"),
    )


def _sensitivity_dataset(
    maps,
    lower,
    upper,
    mass,
    couplings,
    sigma_norms,
    model,
    thr,
    cl,
    dof,
    pull,
    members,
    label,
    name,
) -> xr.Dataset:
    n_int = np.sum(np.isfinite(lower), axis=-1)
    ds = xr.Dataset(
        {
            "delta_chi2": (
                ("sigma_norm", "mass", "coupling"),
                maps,
                {"units": "1", "long_name": "profiled Delta chi2 (Asimov SM data, pull method)"},
            ),
            "coupling_bound": (
                ("sigma_norm", "mass"),
                lower[..., 0],
                {
                    "units": "1",
                    "long_name": f"smallest excluded coupling {name} at {cl:.0%} CL",
                    "coupling_convention": label,
                    "comment": "NaN: nothing excluded within the coupling grid",
                },
            ),
            "excluded_lower": (
                ("sigma_norm", "mass", "interval"),
                lower,
                {
                    "units": "1",
                    "long_name": "lower end of an excluded coupling interval",
                    "comment": (
                        "an interval excluded at the first grid coupling is followed below the "
                        "grid to its crossing (Delta chi2 -> 0 as g -> 0); NaN = no interval"
                    ),
                },
            ),
            "excluded_upper": (
                ("sigma_norm", "mass", "interval"),
                upper,
                {
                    "units": "1",
                    "long_name": "upper end of an excluded coupling interval",
                    "comment": (
                        "inf: excluded for every larger coupling (followed above the grid up "
                        "to where the g^4 term dominates every bin); an interval excluded at "
                        "the top of the grid but not beyond ends at its crossing above the "
                        "grid; NaN = no interval"
                    ),
                },
            ),
            "n_intervals": (
                ("sigma_norm", "mass"),
                n_int.astype("int32"),
                {"units": "1", "long_name": "number of excluded coupling intervals"},
            ),
        },
        coords={
            "sigma_norm": (
                "sigma_norm",
                np.asarray(sigma_norms, float),
                {
                    "units": "1",
                    "long_name": "flux normalisation uncertainty sigma_x",
                    "comment": "in the config's order; the first is the one the figures and "
                    "detector_bounds.csv quote (config: sensitivity.sigma_norm.<source>)",
                },
            ),
            "mass": ("mass", mass, {"units": "MeV", "long_name": "mediator mass"}),
            "coupling": ("coupling", couplings, {"units": "1", "long_name": f"coupling {name}"}),
            "interval": (
                "interval",
                np.arange(lower.shape[-1]),
                {"units": "1", "long_name": "index of the excluded interval (increasing g)"},
            ),
        },
    )
    ds.attrs.update(
        model=model,
        coupling_name=name,
        coupling_convention=label,
        confidence_level=cl,
        degrees_of_freedom=dof,
        delta_chi2_threshold=thr,
        pull=pull,
        statistic="binned Poisson likelihood ratio, Asimov SM data, Gaussian normalisation "
        "pull profiled analytically ([ST21] Eqs. 21-24, misprints corrected)",
        marginalised_over=",".join(k for k in members if k) or "none",
    )
    return ds


def bounds_table(ds: xr.Dataset):
    """Long-format table (pandas) of a sensitivity: one row per (sigma_norm, mass, interval)."""
    import pandas as pd

    rows = []
    for s in ds["sigma_norm"].values:
        sub = ds.sel(sigma_norm=s)
        for m, bound, lo, hi in zip(
            sub["mass"].values,
            sub["coupling_bound"].values,
            sub["excluded_lower"].values,
            sub["excluded_upper"].values,
            strict=True,
        ):
            finite = np.isfinite(lo)
            if not finite.any():
                rows.append((s, m, bound, 0, -1, np.nan, np.nan))
            for k in np.nonzero(finite)[0]:
                rows.append((s, m, bound, int(finite.sum()), int(k), lo[k], hi[k]))
    return pd.DataFrame(
        rows,
        columns=[
            "sigma_norm",
            "mass_mev",
            "coupling_bound",
            "n_intervals",
            "interval",
            "excluded_lower",
            "excluded_upper",
        ],
    )


def write_bounds_csv(ds: xr.Dataset, path, title: str) -> None:
    """:func:`bounds_table` as CSV with a commented header (coupling, CL, threshold, pull)."""
    with open(path, "w") as fh:
        fh.write(
            f"# {title}: {ds.attrs['coupling_convention']}; {ds.attrs['confidence_level']:.0%} "
            f"CL, Delta chi2 = {ds.attrs['delta_chi2_threshold']:.3f}, pull {ds.attrs['pull']}\n"
            "# mass_mev [MeV]; couplings [1]; excluded_upper = inf: excluded for every larger "
            "coupling (checked above the grid up to where the g^4 term dominates every bin); "
            "interval = -1: nothing excluded in the grid\n"
        )
        bounds_table(ds).to_csv(fh, index=False, float_format="%.6e")
