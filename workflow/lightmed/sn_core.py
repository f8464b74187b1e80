"""[C21] SN-core criteria on every snapshot: bounds, pairing, headline selection, labels.

Every criterion of a model ([C21] Eqs. 22-26, physics.md §4.1-4.2; the list comes from the
registry, :attr:`lightmed.models.MediatorModel.criteria`) is evaluated on every snapshot (and
nuclear medium, weighting and energy choice) of the diffusion artifact. What a figure calls
"the" bound is a selection of those, made by config (``diffusion.pairing``, ``headline``):

* **pairing** (snapshot -> criteria): [C21] evaluates Delta t < 10 s on the t ~ 5 s snapshot
  and Delta t < 2 Delta t_SM and the nu_R sums on the t ~ 1 s snapshot. A snapshot that the
  pairing does not name has all criteria as its own (a user profile is evaluated on itself).
* **headline**: the energy choice(s) and weighting quoted; by default the Rosseland mean of the
  transport mean free path (issue 12), with [C21]'s total rate at E = mu_nu + pi T kept in
  the same artifact (``config/c21_reproduction.yaml`` makes it the headline). The first
  nuclear medium is the headline medium.

The bounds are exact: closed-form roots where the criterion is polynomial in g^2, the
bracketing solver of :mod:`lightmed.bounds` for the Rosseland diffusion time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from .bounds import Criterion, bound_dataset, pad_intervals, solve_bracketing, solve_polynomial
from .diffusion import ROSSELAND, SPECTRAL_VARS, RosselandTime, label_coords
from .errors import ArtifactError, InputError
from .io import with_attrs
from .models import ALL_CRITERIA, MediatorModel

#: Flavour of the species whose diffusion the criteria constrain (SN 1987A saw nubar_e).
OBSERVED_FLAVOUR = "e"

#: Criterion -> (quantity it bounds, text with the config thresholds, equation).
CRITERIA: dict[str, tuple[str, str, str]] = {
    "dt_10s": ("dt", "Delta t > {dt_max_s:g} s", "[C21] Eq. 22"),
    "dt_2sm": ("dt", "Delta t > {dt_sm_factor:g} x Delta t_SM", "[C21] Eq. 23"),
    "nur_conversion": (
        "conv",
        "nu_L -> nu_R conversion sum > {nur_conversion_max:g}",
        "[C21] Eqs. 24-25",
    ),
    "nur_retrapping": (
        "retrap",
        "nu_R re-trapping sum > {nur_retrapping_min:g} (nu_R retrapped above)",
        "[C21] Eq. 26",
    ),
    "eos_indicative": (
        "conv",
        "LNV conversion sum > {nur_conversion_max:g}: EoS may change (indicative)",
        "[C21] Eq. 24",
    ),
}
assert set(CRITERIA) == set(ALL_CRITERIA)

#: Scan density and range of the bracketing solver (Rosseland Delta t), per decade / decades.
SCAN_POINTS_PER_DECADE = 8
SCAN_DECADES = 8


# --------------------------------------------------------------------------------------------
# snapshots: time and labels
# --------------------------------------------------------------------------------------------
_TPB = re.compile(r"t_pb\s*=\s*([0-9.eE+-]+)\s*s")


def garching_time_s(path: str | Path) -> float | None:
    """t_pb [s] from line 1 of a Garching hydro file (``# ... at time t_pb= 0.99948092s``)."""
    try:
        with open(path) as fh:
            first = fh.readline()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the Garching header ({exc.strerror})") from exc
    match = _TPB.search(first)
    return float(match.group(1)) if match else None


def snapshot_label(name: str, time_s: float | None) -> str:
    """``name (t_pb = 1 s)`` or ``name (t_pb not given)``: what figures and CSVs print."""
    if time_s is None or not math.isfinite(time_s):
        return f"{name} (t_pb not given)"
    return f"{name} (t_pb = {time_s:.3g} s)"


def describe(criterion: str, settings: Mapping[str, object], label: str) -> str:
    """One-line meaning of ``criterion`` with its configured threshold on snapshot ``label``."""
    _, text, eq = CRITERIA[criterion]
    return f"{text.format(**settings)} on {label} ({eq})"


def paired(
    criteria: Sequence[str], snapshots: Sequence[str], pairing: Mapping[str, Sequence[str]]
) -> np.ndarray:
    """Boolean (criterion, snapshot): the snapshot is where the criterion's bound is quoted.

    A snapshot named in ``pairing`` quotes only its listed criteria; any other snapshot quotes
    all of them (module docstring).
    """
    out = np.zeros((len(criteria), len(snapshots)), dtype=bool)
    for j, snap in enumerate(snapshots):
        for i, crit in enumerate(criteria):
            out[i, j] = snap not in pairing or crit in pairing[snap]
    return out


# --------------------------------------------------------------------------------------------
# criteria
# --------------------------------------------------------------------------------------------
def _polynomial(d: xr.Dataset, crit: str, cfg: Mapping[str, object]) -> Criterion:
    """c0 + c1 g^2 + c2 g^4 > 0 for ``crit`` on the observed-species slice ``d``."""
    zero = xr.zeros_like(d["dt_int"])
    kind = CRITERIA[crit][0]
    if crit == "dt_10s":
        c = (d["dt_sm"] - float(cfg["dt_max_s"]), d["dt_int"], d["dt_np"])
    elif crit == "dt_2sm":
        c = ((1.0 - float(cfg["dt_sm_factor"])) * d["dt_sm"], d["dt_int"], d["dt_np"])
    elif kind == "conv":
        c = (-float(cfg["nur_conversion_max"]) + zero, zero, d["conv_np"])
    else:
        c = (-float(cfg["nur_retrapping_min"]) + zero, zero, d["retrap_np"])
    dims = _batch_dims(d)
    c0, c1, c2 = ((x + zero).transpose(*dims).values for x in c)
    return Criterion(c0, c1, c2, 2.0)


def _batch_dims(d: xr.Dataset) -> tuple[str, ...]:
    tmpl = d["dt_int"] + d["dt_sm"] + d["conv_np"]
    order = ("snapshot", "medium", "energy_choice", "weighting", "mass")
    return tuple([x for x in order if x in tmpl.dims] + [x for x in tmpl.dims if x not in order])


def _rosseland_dt(d: xr.Dataset, crit: str, cfg, coupling_max: float, dims):
    """Intervals of a Delta t criterion at energy_choice = rosseland (bracketing solver)."""
    missing = [v for v in (*SPECTRAL_VARS, "shell_area") if v not in d]
    if missing:
        raise ArtifactError(f"diffusion artifact: rosseland needs {', '.join(missing)}")
    batch = [x for x in dims if x != "energy_choice"]
    spectral = {v: d[v] for v in SPECTRAL_VARS}
    time = RosselandTime(d["shell_area"], spectral, batch)
    sm = d["dt_sm"].sel(energy_choice=ROSSELAND, drop=True)
    sm = sm + xr.zeros_like(d["dt_int"].sel(energy_choice=ROSSELAND, drop=True))
    sm = sm.transpose(*batch).values
    if crit == "dt_10s":
        threshold = np.full(time.shape, float(cfg["dt_max_s"]))
    else:
        threshold = float(cfg["dt_sm_factor"]) * np.broadcast_to(sm, time.shape)
    p0, p1, p2 = time.proxy_polynomial()
    with np.errstate(all="ignore"):
        from .bounds import quadratic_roots

        r1, r2 = quadratic_roots(p0 - threshold, p1, p2)
        stationary = -p1 / (2.0 * p2)
        hints = np.sqrt(np.stack([r1, r2, stationary], -1))
    lower, upper = solve_bracketing(
        lambda g: time(g) - threshold[..., None],
        time.shape,
        coupling_max,
        coupling_min=coupling_max * 10.0**-SCAN_DECADES,
        points_per_decade=SCAN_POINTS_PER_DECADE,
        hints=hints,
    )
    return batch, lower, upper


def _solve(d: xr.Dataset, crit: str, cfg, coupling_max: float):
    """(dims, lower, upper) of one criterion over every snapshot, medium, choice and mass."""
    dims = _batch_dims(d)
    lower, upper = solve_polynomial(_polynomial(d, crit, cfg), coupling_max)
    if (
        CRITERIA[crit][0] == "dt"
        and "energy_choice" in dims
        and (ROSSELAND in d["energy_choice"].values)
    ):
        batch, r_lo, r_up = _rosseland_dt(d, crit, cfg, coupling_max, dims)
        width = max(lower.shape[-1], r_lo.shape[-1])
        lower, upper = pad_intervals(lower, upper, width)
        r_lo, r_up = pad_intervals(r_lo, r_up, width)
        axis = dims.index("energy_choice")
        k = list(d["energy_choice"].values).index(ROSSELAND)
        # r_lo has the batch dims without energy_choice, in the same order
        index = (slice(None),) * axis + (k,)
        lower[index] = r_lo
        upper[index] = r_up
    return dims, lower, upper


# --------------------------------------------------------------------------------------------
# the bound datasets
# --------------------------------------------------------------------------------------------
def sn_core_bounds(
    diffusion: xr.Dataset,
    model: MediatorModel,
    settings: Mapping[str, object],
    snapshot_times: Mapping[str, float | None] | None = None,
    coupling_max: float | None = None,
    headline_media: Mapping[str, str | None] | None = None,
) -> xr.Dataset:
    """Per mass, every excluded coupling interval of each criterion on every snapshot.

    Parameters
    ----------
    diffusion : xarray.Dataset
        Diffusion artifact of ``model`` (:func:`lightmed.diffusion.combine_snapshots`).
    model : MediatorModel
        Registry model (criteria, coupling name).
    settings : mapping
        Config ``diffusion`` block: ``observed_species``, ``dt_max_s``, ``dt_sm_factor``,
        ``nur_conversion_max``, ``nur_retrapping_min``, ``pairing``, ``headline``.
    snapshot_times : mapping, optional
        Snapshot -> t_pb [s] (None: not given), for the labels.
    coupling_max : float, optional
        Top of the coupling range [1]; default the artifact's largest coupling.
    headline_media : mapping, optional
        Snapshot -> its headline nuclear medium (default: the first ``medium`` value).
        Snapshots may have different media: entries of a (snapshot, medium) pair that was
        not computed are NaN, flagged by ``computed``.

    Returns
    -------
    xarray.Dataset
        Dims ``criterion, snapshot, [medium,] energy_choice, [weighting,] mass`` (+
        ``interval``): the variables of :func:`lightmed.bounds.bound_dataset`, plus
        ``criterion_description`` and ``paired`` (criterion, snapshot), ``headline``,
        ``snapshot_time`` [s], ``snapshot_label``; for the LNC scalar the disfavoured band
        ``nur_band_lower``/``nur_band_upper``.

    Notes
    -----
    [C21] Eqs. 21-26. Single-energy Delta t is a quadratic in x = g^2 and the nu_R sums are
    proportional to g^4: closed-form roots. The Rosseland Delta t is bracketed in ln g.
    """
    reason = model.sn_core_status(OBSERVED_FLAVOUR)
    if reason:
        raise InputError(f"SN-core bounds not applicable: {reason}")
    if coupling_max is None:
        if "coupling" not in diffusion.dims or diffusion.sizes["coupling"] == 0:
            raise InputError("diffusion artifact has no coupling grid; give coupling_max")
        coupling_max = float(diffusion["coupling"].max())
    for dim in ("snapshot", "mass"):
        if dim not in diffusion.dims or diffusion.sizes[dim] == 0:
            raise InputError(f"diffusion artifact has an empty or missing '{dim}' dimension")
    species = settings["observed_species"]
    if species not in diffusion["species"].values:
        raise InputError(
            f"diffusion artifact has no species {species!r} "
            f"(diffusion.observed_species); has {list(diffusion.species.values)}"
        )
    d = diffusion.sel(species=species, drop=True)
    names = list(model.criteria)
    results = [_solve(d, crit, settings, coupling_max) for crit in names]
    dims = results[0][0]
    width = max(r[1].shape[-1] for r in results)
    padded = [pad_intervals(r[1], r[2], width) for r in results]
    coords = {"criterion": ("criterion", names), **{x: d[x].values for x in dims}}
    ds = bound_dataset(
        np.stack([p[0] for p in padded]),
        np.stack([p[1] for p in padded]),
        ("criterion",) + dims,
        coords,
        coupling_max=coupling_max,
        coupling_name=model.coupling.name,
        status=xr.DataArray([""] * len(names), dims="criterion"),
    )
    _add_labels(ds, names, settings, snapshot_times or {})
    if "medium" in d.dims:
        ds["computed"] = (
            d["dt_sm"]
            .notnull()
            .any([x for x in d["dt_sm"].dims if x not in ("snapshot", "medium")])
            .assign_attrs(units="1", long_name="the (snapshot, medium) pair was computed")
        )
    _add_headline(ds, settings, headline_media or {})
    if {"nur_conversion", "nur_retrapping"} <= set(names):
        _add_nur_band(ds, coupling_max)
    ds.attrs.update(
        model=model.name,
        model_title=model.title,
        coupling_latex=model.coupling.latex,
        observed_species=str(species),
        method="[C21] shell method: closed-form roots of the quadratic in g^2 (Delta t) and of "
        "the g^4 sums; Rosseland Delta t bracketed in ln g (lightmed.bounds)",
    )
    return label_coords(ds)


def not_applicable_bounds(
    model: MediatorModel,
    reason: str,
    snapshots: Sequence[str],
    masses_mev: Sequence[float],
    settings: Mapping[str, object],
    snapshot_times: Mapping[str, float | None] | None = None,
) -> xr.Dataset:
    """The bound dataset of a model the SN-core method does not apply to: NaN bounds, status.

    The criteria are the model's (or Delta t's two when it has none); ``status`` carries
    ``reason`` (e.g. no coupling to nu_e), so a reader never mistakes NaN for "not excluded".
    """
    names = list(model.criteria) or ["dt_10s", "dt_2sm"]
    shape = (len(names), len(snapshots), len(masses_mev), 2)
    nan = np.full(shape, np.nan)
    ds = bound_dataset(
        nan,
        nan,
        ("criterion", "snapshot", "mass"),
        {
            "criterion": ("criterion", names),
            "snapshot": list(snapshots),
            "mass": np.asarray(masses_mev, float),
        },
        coupling_max=float("nan"),
        coupling_name=model.coupling.name,
        status=xr.DataArray([f"not applicable: {reason}"] * len(names), dims="criterion"),
    )
    _add_labels(ds, names, settings, snapshot_times or {})
    ds["headline"] = xr.zeros_like(ds["paired"]).assign_attrs(
        units="1", long_name="entry quoted as the bound (none: not applicable)"
    )
    ds.attrs.update(
        model=model.name,
        model_title=model.title,
        coupling_latex=model.coupling.latex,
        not_applicable=reason,
        observed_species=str(settings["observed_species"]),
        method="[C21] shell method (not applicable to this model)",
    )
    return label_coords(ds)


def _add_labels(ds, names, settings, times) -> None:
    snaps = [str(s) for s in ds["snapshot"].values]
    t = np.array([np.nan if times.get(s) is None else float(times[s]) for s in snaps])
    labels = [snapshot_label(s, times.get(s)) for s in snaps]
    ds["snapshot_time"] = (
        "snapshot",
        t,
        {"units": "s", "long_name": "time after bounce t_pb (NaN: not given)"},
    )
    ds["snapshot_label"] = (
        "snapshot",
        labels,
        {"units": "1", "long_name": "snapshot and its time"},
    )
    ds["criterion_description"] = (
        ("criterion", "snapshot"),
        [[describe(c, settings, lab) for lab in labels] for c in names],
        {"units": "1", "long_name": "meaning of the criterion on the snapshot"},
    )
    pairing = dict(settings.get("pairing") or {})
    ds["paired"] = (
        ("criterion", "snapshot"),
        paired(names, snaps, pairing),
        {
            "units": "1",
            "long_name": "snapshot on which the criterion's bound is quoted (diffusion.pairing)",
        },
    )


def headline_choice(ds: xr.Dataset, settings: Mapping[str, object]) -> dict[str, list]:
    """The energy choices, weightings and media quoted as the bound (with fallbacks).

    ``diffusion.headline.energy_choice`` entries absent from the artifact are skipped; if none
    is present every energy choice is quoted. A missing headline weighting falls back to the
    first one. The headline medium of a snapshot is its first (``media`` column of the
    returned mapping: one per snapshot).
    """
    head = dict(settings.get("headline") or {})
    out: dict[str, list] = {}
    notes = []
    if "energy_choice" in ds.dims:
        have = [str(x) for x in ds["energy_choice"].values]
        want = [x for x in head.get("energy_choice", []) if x in have]
        if not want:
            notes.append(
                f"headline energy_choice {head.get('energy_choice')} not in the "
                f"artifacts; quoting all of {have}"
            )
            want = have
        out["energy_choice"] = want
    if "weighting" in ds.dims:
        have = [str(x) for x in ds["weighting"].values]
        want = head.get("weighting")
        if want not in have:
            notes.append(f"headline weighting {want!r} not in the artifacts; quoting {have[0]}")
            want = have[0]
        out["weighting"] = [want]
    out["notes"] = notes
    return out


def _add_headline(ds: xr.Dataset, settings, headline_media: Mapping[str, str | None]) -> None:
    choice = headline_choice(ds, settings)
    flag = ds["paired"].copy()
    if "medium" in ds.dims:
        first = str(ds["medium"].values[0])
        media = [str(headline_media.get(str(s)) or first) for s in ds["snapshot"].values]
        flag = flag & xr.DataArray(
            ds["medium"].values.astype(str)[None, :] == np.array(media)[:, None],
            dims=("snapshot", "medium"),
            coords={"snapshot": ds["snapshot"].values, "medium": ds["medium"].values},
        )
        ds["headline_medium"] = (
            "snapshot",
            media,
            {"units": "1", "long_name": "nuclear medium quoted on the snapshot (its first)"},
        )
    for dim in ("energy_choice", "weighting"):
        if dim in ds.dims:
            sel = xr.DataArray(
                np.isin(ds[dim].values.astype(str), choice[dim]),
                dims=dim,
                coords={dim: ds[dim].values},
            )
            flag = flag & sel
            ds.attrs[f"headline_{dim}"] = ",".join(choice[dim])
    ds["headline"] = flag.assign_attrs(
        units="1", long_name="entry quoted as the bound (pairing and headline choices)"
    )
    if choice["notes"]:
        ds.attrs["headline_note"] = "; ".join(choice["notes"])


def _add_nur_band(ds: xr.Dataset, coupling_max: float) -> None:
    conv = ds["coupling_bound"].sel(criterion="nur_conversion", drop=True)
    ret = ds["coupling_bound"].sel(criterion="nur_retrapping", drop=True)
    ret_eff = ret.fillna(coupling_max)
    has_band = np.isfinite(conv) & (ret_eff > conv)
    ds["nur_band_lower"] = with_attrs(
        conv.where(has_band),
        "1",
        "lower edge of the disfavoured nu_R free-streaming band "
        "(Eq. 24 fails, Eq. 26 does not hold)",
    )
    ds["nur_band_upper"] = with_attrs(
        ret_eff.where(has_band),
        "1",
        "upper edge of the disfavoured nu_R band (Eq. 26 "
        "reaches its threshold; coupling_max if never)",
    )


def headline_curves(ds: xr.Dataset) -> list[dict[str, object]]:
    """Every quoted bound curve of a bound dataset: selection, label and the data over mass.

    Returns a list of dicts with ``sel`` (coordinates of the entry), ``criterion``,
    ``snapshot``, ``label`` (the criterion description on its snapshot, plus the energy
    choice / weighting / medium wherever the dataset has several to choose from) and
    ``bound`` (DataArray over mass).
    """
    if "headline" not in ds:
        raise ArtifactError("bound dataset without 'headline' (recompute the SN-core stage)")
    flag = ds["headline"]
    keys = [d for d in flag.dims]
    stacked = flag.stack(entry=keys)
    out = []
    varying = [d for d in keys if d not in ("criterion", "snapshot") and ds.sizes[d] > 1]
    for i in np.flatnonzero(stacked.values):
        sel = {d: stacked[d].values[i] for d in keys}
        desc = str(
            ds["criterion_description"]
            .sel(criterion=sel["criterion"], snapshot=sel["snapshot"])
            .values
        )
        extra = ", ".join(f"{sel[d]}" for d in varying)
        out.append(
            {
                "sel": sel,
                "criterion": str(sel["criterion"]),
                "snapshot": str(sel["snapshot"]),
                "label": desc + (f" [{extra}]" if extra else ""),
                "bound": ds["coupling_bound"].sel(sel),
            }
        )
    return out
