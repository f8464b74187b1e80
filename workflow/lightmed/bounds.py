"""Coupling bounds from criteria: exact roots, a bracketing solver, the bound dataset and CSV.

One home for turning "quantity(g) exceeds its threshold" into bounds on a coupling g, shared
by the SN-core methods (:mod:`lightmed.sn_core`, :mod:`lightmed.radial`) and written so the
detector sensitivities can use the same dataset and CSV functions.

A criterion is a function f(g) whose sign says whether it is violated (f > 0: excluded). Two
solvers find *every* crossing on (0, g_max] and return the excluded set as sorted, NaN-padded
intervals [lower, upper]:

* :func:`solve_polynomial`: f = c0 + c1 x + c2 x^2 with x = g^p (the shell-method diffusion
  time is a quadratic in g^2 and the nu_R sums are proportional to g^4, [C21] Eqs. 21-26; the
  [ST21] tau and N likewise). Closed-form, cancellation-free roots; no grid.
* :func:`solve_bracketing`: any f that is continuous in g (e.g. the diffusion time built from
  Rosseland-mean mean free paths, sum_k w_k / sum_j w_kj lambda_kj(g), which is rational but
  not polynomial in g^2). A scan on a log grid plus caller-supplied hint points finds the
  sign changes, and each is refined in ln g (Illinois false position with bisection
  safeguards) to a relative width ``rtol`` (default 1e-13).
  Two crossings closer than one scan step are found only if a hint separates them, so
  callers pass the stationary points and the roots of a polynomial proxy as hints.

Conventions (both solvers): an interval that contains g -> 0 (the SM alone fails) has
``lower = 0``; one that extends to the top of the range has ``upper = g_max`` (the range is
all that was examined); f = 0 exactly counts as not excluded. ``coupling_bound`` is the lower
edge of the first interval: the smallest excluded coupling (0 if the SM already fails, NaN
if nothing is excluded up to g_max).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from .errors import ConfigError

#: Relative precision of the bracketing solver's crossings (width of the final bracket in g).
RTOL: float = 1e-13


# --------------------------------------------------------------------------------------------
# closed-form roots of polynomial criteria
# --------------------------------------------------------------------------------------------
def quadratic_roots(c0, c1, c2) -> tuple[np.ndarray, np.ndarray]:
    """Real roots r1 <= r2 of c0 + c1 x + c2 x^2 (NaN where none), cancellation-free.

    Uses q = -(c1 + sign(c1) sqrt(D))/2, roots q/c2 and c0/q, then one Newton polish; the
    linear case c2 = 0 gives r1 = -c0/c1. Works elementwise on broadcast arrays.
    """
    c0, c1, c2 = np.broadcast_arrays(*(np.asarray(c, dtype=float) for c in (c0, c1, c2)))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Scale each polynomial so its largest coefficient is 1 (the coefficients can span
        # 1e-10 .. 1e40 across masses).
        scale = np.maximum(np.maximum(np.abs(c0), np.abs(c1)), np.abs(c2))
        scale = np.where(scale > 0, scale, 1.0)
        a0, a1, a2 = c0 / scale, c1 / scale, c2 / scale
        disc = a1 * a1 - 4.0 * a2 * a0
        sq = np.sqrt(np.where(disc >= 0, disc, np.nan))
        sign = np.where(a1 >= 0, 1.0, -1.0)
        q = -0.5 * (a1 + sign * sq)
        quad = a2 != 0
        ra = np.where(quad, q / np.where(quad, a2, 1.0), np.nan)
        rb = np.where(q != 0, a0 / q, np.nan)
        lin = np.where(a1 != 0, -a0 / np.where(a1 != 0, a1, 1.0), np.nan)
        ra = np.where(quad, ra, lin)
        rb = np.where(quad, rb, np.nan)
        # a double root at q = 0 (a0 = a1 = 0): both roots are 0
        rb = np.where(quad & (q == 0) & np.isfinite(sq), 0.0, rb)

        def polish(r):
            f = a0 + a1 * r + a2 * r * r
            df = a1 + 2.0 * a2 * r
            step = np.where(df != 0, f / np.where(df != 0, df, 1.0), 0.0)
            return np.where(np.isfinite(r), r - step, r)

        ra, rb = polish(ra), polish(rb)
    r1 = np.fmin(ra, rb)
    r2 = np.where(np.isfinite(ra) & np.isfinite(rb), np.fmax(ra, rb), np.nan)
    return r1, r2


def quadratic_exceedance(c0, c1, c2, x_max: float, n_intervals: int = 2):
    """Intervals of x in [0, x_max] where f(x) = c0 + c1 x + c2 x^2 > 0.

    Parameters
    ----------
    c0, c1, c2 : array_like
        Polynomial coefficients (broadcast together).
    x_max : float
        Upper end of the scanned range (> 0).
    n_intervals : int
        Width of the interval axis (a quadratic has at most 2 intervals).

    Returns
    -------
    lower, upper : numpy.ndarray
        Shape ``broadcast + (n_intervals,)``; NaN-padded interval edges in x, sorted. An
        interval that extends to ``x_max`` has ``upper = x_max``; one that contains 0 has
        ``lower = 0``.
    """
    c0, c1, c2 = np.broadcast_arrays(*(np.asarray(c, dtype=float) for c in (c0, c1, c2)))
    if not x_max > 0:
        raise ConfigError(f"coupling range must be positive, got x_max = {x_max!r}")
    r1, r2 = quadratic_roots(c0, c1, c2)

    def inside(r):
        return np.where(np.isfinite(r) & (r > 0) & (r < x_max), r, x_max)

    pts = np.stack([np.zeros_like(c0), inside(r1), inside(r2), np.full_like(c0, x_max)], -1)
    pts = np.sort(pts, axis=-1)
    shape = c0.shape
    flat = [v.reshape(-1) for v in (c0, c1, c2)]
    pts = pts.reshape(-1, 4)
    n = pts.shape[0]
    rows = np.arange(n)
    lower = np.full((n, max(n_intervals, 2)), np.nan)
    upper = np.full((n, max(n_intervals, 2)), np.nan)
    started = np.zeros(n, dtype=int)  # intervals opened so far (at most 2 for a quadratic)
    in_run = np.zeros(n, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        for j in range(3):
            a, b = pts[:, j], pts[:, j + 1]
            mid = 0.5 * (a + b)
            exceeded = (flat[0] + flat[1] * mid + flat[2] * mid * mid) > 0
            valid = b > a  # zero-length segments neither open nor close an interval
            opens = valid & exceeded & ~in_run
            lower[rows[opens], started[opens]] = a[opens]
            started = started + opens
            grows = valid & exceeded
            upper[rows[grows], started[grows] - 1] = b[grows]
            in_run = np.where(valid, exceeded, in_run)
    lower = lower[:, :n_intervals].reshape(shape + (n_intervals,))
    upper = upper[:, :n_intervals].reshape(shape + (n_intervals,))
    return lower, upper


@dataclass(frozen=True)
class Criterion:
    """A polynomial criterion ``c0 + c1 x + c2 x^2 > 0`` with x = coupling**power."""

    c0: np.ndarray
    c1: np.ndarray
    c2: np.ndarray
    power: float


def solve_polynomial(crit: Criterion, coupling_max: float) -> tuple[np.ndarray, np.ndarray]:
    """All excluded coupling intervals of a polynomial criterion on [0, coupling_max].

    Returns
    -------
    lower, upper : numpy.ndarray
        Shape ``broadcast(c0, c1, c2) + (2,)``, couplings [1], NaN-padded (module docstring).
    """
    x_max = coupling_max**crit.power
    lo, up = quadratic_exceedance(crit.c0, crit.c1, crit.c2, x_max)
    inv = 1.0 / crit.power
    with np.errstate(invalid="ignore"):
        lower = np.where(np.isfinite(lo), np.abs(lo) ** inv, np.nan)
        upper = np.where(np.isfinite(up), np.abs(up) ** inv, np.nan)
    # The polynomial rounding can leave upper = x_max^(1/p) a hair off coupling_max.
    upper = np.where(np.isclose(upper, coupling_max, rtol=1e-12), coupling_max, upper)
    return lower, upper


def solve_criterion(crit: Criterion, coupling_max: float):
    """Bound and all excluded intervals of a polynomial criterion (see :func:`solve_polynomial`).

    Returns
    -------
    bound, lower, upper : numpy.ndarray
        ``bound``: smallest excluded coupling (0 where the SM fails, NaN where nothing is
        excluded up to ``coupling_max``); ``lower``/``upper``: the intervals (last axis).
    """
    lower, upper = solve_polynomial(crit, coupling_max)
    return lower[..., 0], lower, upper


# --------------------------------------------------------------------------------------------
# bracketing solver for criteria that are not polynomial
# --------------------------------------------------------------------------------------------
def solve_bracketing(
    fun: Callable[[np.ndarray], np.ndarray],
    shape: Sequence[int],
    coupling_max: float,
    *,
    coupling_min: float | None = None,
    points_per_decade: int = 16,
    hints: np.ndarray | None = None,
    rtol: float = RTOL,
    max_intervals: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """All excluded intervals of f(g) > 0 on [0, coupling_max] for a continuous f.

    Parameters
    ----------
    fun : callable
        ``fun(g)`` with ``g`` of shape ``shape + (k,)`` (couplings [1], >= 0) returns f of the
        same shape; element ``[..., i]`` of the result belongs to the problem at ``[...]``.
        Must accept g = 0 (the SM limit).
    shape : sequence of int
        Shape of the batch of independent problems.
    coupling_max : float
        Top of the range [1].
    coupling_min : float, optional
        Bottom of the log scan [1] (default ``coupling_max * 1e-12``); a crossing between 0 and
        ``coupling_min`` is still found (refined in g) when f(0) and f(coupling_min) differ.
    points_per_decade : int
        Density of the log scan.
    hints : numpy.ndarray, optional
        Shape ``shape + (h,)``: extra scan points per problem (NaN or out-of-range entries are
        ignored), e.g. stationary points of f, so that close pairs of crossings are resolved.
    rtol : float
        Relative width in g of the final bracket of every crossing.
    max_intervals : int, optional
        Width of the interval axis (default: as many as needed, at least 2).

    Returns
    -------
    lower, upper : numpy.ndarray
        Shape ``shape + (n_intervals,)``, NaN-padded, sorted (module docstring conventions).
    """
    if not coupling_max > 0:
        raise ConfigError(f"coupling range must be positive, got {coupling_max!r}")
    shape = tuple(int(s) for s in shape)
    g_min = coupling_max * 1e-12 if coupling_min is None else float(coupling_min)
    if not 0 < g_min < coupling_max:
        raise ConfigError(f"need 0 < coupling_min < coupling_max, got {g_min}, {coupling_max}")
    n_dec = np.log10(coupling_max / g_min)
    grid = np.geomspace(g_min, coupling_max, max(int(np.ceil(n_dec * points_per_decade)), 1) + 1)
    nodes = np.broadcast_to(np.concatenate([[0.0], grid]), shape + (grid.size + 1,))
    if hints is not None:
        h = np.asarray(hints, float).reshape(shape + (-1,))
        h = np.where(np.isfinite(h) & (h > g_min) & (h < coupling_max), h, coupling_max)
        nodes = np.sort(np.concatenate([nodes, h], axis=-1), axis=-1)
    nodes = np.ascontiguousarray(nodes)
    with np.errstate(all="ignore"):
        values = np.asarray(fun(nodes), float)
    if values.shape != nodes.shape:
        raise ValueError(f"criterion function returned shape {values.shape}, not {nodes.shape}")
    exceeded = values > 0
    distinct = nodes[..., 1:] > nodes[..., :-1]
    change = (exceeded[..., 1:] != exceeded[..., :-1]) & distinct
    # Refine every sign change in ln g (in g for the segment that starts at 0).
    idx = np.nonzero(change)
    lo, hi = nodes[..., :-1][idx], nodes[..., 1:][idx]
    f_lo, f_hi = values[..., :-1][idx], values[..., 1:][idx]
    batch = idx[:-1]
    roots = _refine(fun, shape, batch, lo, hi, f_lo, f_hi, rtol)
    crossings = np.full(change.shape, np.nan)
    crossings[idx] = roots
    return _intervals_from_crossings(
        exceeded[..., 0], crossings, change, coupling_max, max_intervals
    )


def _refine(fun, shape, batch, lo, hi, f_lo, f_hi, rtol):
    """Refine brackets [lo, hi] (one per sign change of f > 0) to a relative width ``rtol``.

    Illinois (modified regula falsi) in u = ln g -- in g for brackets that start at 0 --
    evaluated as a pair c -/+ h (h ~ rtol/2) so that the bracket collapses as soon as the
    estimate is that close; a bisection step whenever the false-position point is not
    strictly inside the bracket, and pure bisection after 40 iterations (guaranteed
    termination, also where f is flat at the level of its rounding noise near the root).
    All brackets are refined together: each step evaluates ``fun`` once on a
    ``shape + (2k,)`` array with the trial pair of every bracket of each problem (unused slots
    repeat a valid coupling).
    Returns the midpoint of each final bracket.
    """
    if lo.size == 0:
        return lo
    n_prob = int(np.prod(shape, dtype=int)) if shape else 1
    flat = np.ravel_multi_index(batch, shape) if shape else np.zeros(lo.size, dtype=int)
    order = np.argsort(flat, kind="stable")
    slot = np.empty(lo.size, dtype=int)
    counts = np.bincount(flat, minlength=n_prob)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot[order] = np.arange(lo.size) - np.repeat(starts, counts)
    k = int(counts.max())
    linear = lo == 0.0  # [0, g_min]: work in g itself
    with np.errstate(divide="ignore"):
        a = np.where(linear, lo, np.log(np.where(linear, 1.0, lo)))
        b = np.where(linear, hi, np.log(hi))
    # f <= 0 counts as "not excluded": shift exact zeros to the negative side
    fa = np.where(f_lo > 0, f_lo, np.minimum(f_lo, -0.0) - 1e-300)
    fb = np.where(f_hi > 0, f_hi, np.minimum(f_hi, -0.0) - 1e-300)
    kept = np.zeros(lo.size, dtype=int)  # which end was kept last (+1: a, -1: b)
    done = np.zeros(lo.size, dtype=bool)
    scale = np.where(linear, np.abs(hi), 1.0)
    for it in range(300):
        with np.errstate(all="ignore"):
            c = (a * fb - b * fa) / (fb - fa)
        lo_ab, hi_ab = np.minimum(a, b), np.maximum(a, b)
        inside = np.isfinite(c) & (c > lo_ab) & (c < hi_ab)
        c = np.where(inside & (it < 40), c, 0.5 * (a + b))
        # a pair c -/+ h around the estimate: once it is within h of the root, the bracket
        # collapses to width 2h < rtol in one step
        h = np.minimum(0.4 * rtol * scale, 0.25 * (hi_ab - lo_ab))
        pair = np.stack([np.maximum(c - h, lo_ab), np.minimum(c + h, hi_ab)], -1)
        g = np.where(linear[:, None], pair, np.exp(pair))
        trial = np.full((n_prob, 2 * k), np.nan)
        trial[flat, 2 * slot] = g[:, 0]
        trial[flat, 2 * slot + 1] = g[:, 1]
        first = np.where(np.isnan(trial[:, :1]), 1.0, trial[:, :1])
        trial = np.where(np.isnan(trial), first, trial)
        with np.errstate(all="ignore"):
            values = np.asarray(fun(trial.reshape(tuple(shape) + (2 * k,))), float)
        values = values.reshape(-1, 2 * k)
        f_pair = np.stack([values[flat, 2 * slot], values[flat, 2 * slot + 1]], -1)
        f_pair = np.where(f_pair > 0, f_pair, np.minimum(f_pair, -0.0) - 1e-300)
        # orient the pair from the a side to the b side
        a_first = a <= b
        u_near_a = np.where(a_first, pair[:, 0], pair[:, 1])
        u_near_b = np.where(a_first, pair[:, 1], pair[:, 0])
        f_near_a = np.where(a_first, f_pair[:, 0], f_pair[:, 1])
        f_near_b = np.where(a_first, f_pair[:, 1], f_pair[:, 0])
        upd = ~done
        split = upd & ((f_near_a > 0) != (f_near_b > 0))  # root between the pair
        a, fa = np.where(split, u_near_a, a), np.where(split, f_near_a, fa)
        b, fb = np.where(split, u_near_b, b), np.where(split, f_near_b, fb)
        rest = upd & ~split
        same_as_b = (f_near_a > 0) == (fb > 0)  # both pair points on b's side
        # the pair replaces b (a kept): halve f(a) if a was kept last time too (Illinois)
        rb = rest & same_as_b
        fa = np.where(rb & (kept == 1), 0.5 * fa, fa)
        b, fb = np.where(rb, u_near_a, b), np.where(rb, f_near_a, fb)
        ra = rest & ~same_as_b
        fb = np.where(ra & (kept == -1), 0.5 * fb, fb)
        a, fa = np.where(ra, u_near_b, a), np.where(ra, f_near_b, fa)
        kept = np.where(rb, 1, np.where(ra, -1, np.where(split, 0, kept)))
        done = np.abs(b - a) <= rtol * scale
        if bool(done.all()):
            break
    mid = 0.5 * (a + b)
    return np.where(linear, mid, np.exp(mid))


def _intervals_from_crossings(start_exceeded, crossings, change, coupling_max, width):
    """Turn per-segment crossings into NaN-padded [lower, upper] arrays."""
    shape = start_exceeded.shape
    n_seg = change.shape[-1]
    s0 = start_exceeded.reshape(-1)
    cr = crossings.reshape(-1, n_seg)
    ch = change.reshape(-1, n_seg)
    n_cross = ch.sum(-1)
    n_int = (n_cross + s0.astype(int) + 1) // 2
    width = max(int(n_int.max(initial=0)), 2) if width is None else int(width)
    lower = np.full((s0.size, width), np.nan)
    upper = np.full((s0.size, width), np.nan)
    for i in range(s0.size):
        edges = list(cr[i][ch[i]])
        if s0[i]:
            edges.insert(0, 0.0)
        if len(edges) % 2:
            edges.append(coupling_max)
        pairs = list(zip(edges[0::2], edges[1::2], strict=True))[:width]
        for j, (a, b) in enumerate(pairs):
            lower[i, j], upper[i, j] = a, b
    return lower.reshape(shape + (width,)), upper.reshape(shape + (width,))


def first_crossing(lower: np.ndarray, upper: np.ndarray, coupling_max: float) -> np.ndarray:
    """Smallest coupling g > 0 where the criterion changes state (NaN if none in range)."""
    edges = np.concatenate([lower, upper], axis=-1)
    inside = np.isfinite(edges) & (edges > 0) & (edges < coupling_max)
    smallest = np.min(np.where(inside, edges, np.inf), axis=-1)
    return np.where(np.isfinite(smallest), smallest, np.nan)


def pad_intervals(lower: np.ndarray, upper: np.ndarray, width: int):
    """NaN-pad (or keep) the interval axis to ``width`` (>= the widest entry)."""
    have = lower.shape[-1]
    if have > width:
        if np.isfinite(lower[..., width:]).any():
            raise ValueError(f"cannot shrink {have} intervals to {width}")
        return lower[..., :width], upper[..., :width]
    pad = [(0, 0)] * (lower.ndim - 1) + [(0, width - have)]
    return (np.pad(lower, pad, constant_values=np.nan), np.pad(upper, pad, constant_values=np.nan))


# --------------------------------------------------------------------------------------------
# the bound dataset and its CSV
# --------------------------------------------------------------------------------------------
def bound_dataset(
    lower: np.ndarray,
    upper: np.ndarray,
    dims: Sequence[str],
    coords: Mapping[str, object],
    *,
    coupling_max: float,
    coupling_name: str = "g",
    status: xr.DataArray | None = None,
    what: str = "excluded",
) -> xr.Dataset:
    """The bound dataset: ``coupling_bound``, every excluded interval, counts and SM flag.

    Parameters
    ----------
    lower, upper : numpy.ndarray
        Shape ``dims + (interval,)``: excluded coupling intervals [1] (NaN-padded).
    dims : sequence of str
        Dimension names of everything but the interval axis (``mass`` among them).
    coords : mapping
        Coordinates for ``dims`` (values or xarray-style tuples).
    coupling_max : float
        Top of the examined coupling range [1] (an interval ending there is excluded up to it;
        larger couplings are not examined).
    coupling_name : str
        Name of the coupling on the axis (``g_BL``, ``Y``...), stored in attributes.
    status : xarray.DataArray, optional
        Strings over a subset of ``dims``: ``""`` where the criterion applies, otherwise the
        one-sentence reason why it does not ("not applicable"); bounds there are NaN.
    what : str
        Word used in the long names (``excluded``, or ``disfavoured``...).

    Returns
    -------
    xarray.Dataset
        ``coupling_bound`` (dims), ``excluded_lower``/``excluded_upper`` (dims, interval),
        ``n_intervals``, ``first_crossing``, ``sm_fails`` and, with ``status``, ``status`` and
        ``applicable``.
    """
    dims = tuple(dims)
    lower = np.asarray(lower, float)
    upper = np.asarray(upper, float)
    ds = xr.Dataset(coords={k: v for k, v in coords.items()})
    if status is not None:
        applies = (
            (status == "")
            .broadcast_like(xr.DataArray(np.empty(lower.shape[:-1]), dims=dims, coords=ds.coords))
            .transpose(*dims)
        )
        mask = applies.values[..., None]
        lower = np.where(mask, lower, np.nan)
        upper = np.where(mask, upper, np.nan)
    bound = lower[..., 0]
    n_int = np.isfinite(lower).sum(-1).astype("int32")
    ds["coupling_bound"] = (
        dims,
        bound,
        {
            "units": "1",
            "long_name": f"smallest {what} coupling {coupling_name}",
            "comment": f"NaN: nothing {what} up to coupling_max (or not applicable, see status); "
            "0: the SM alone (g -> 0) already fails the criterion",
        },
    )
    ds["excluded_lower"] = (
        dims + ("interval",),
        lower,
        {
            "units": "1",
            "long_name": f"lower edge of an {what} coupling interval",
            "comment": "0: the interval contains g -> 0; NaN: no such interval",
        },
    )
    ds["excluded_upper"] = (
        dims + ("interval",),
        upper,
        {
            "units": "1",
            "long_name": f"upper edge of an {what} coupling interval",
            "comment": "= coupling_max: excluded to the top of the examined range",
        },
    )
    ds["n_intervals"] = (
        dims,
        n_int,
        {"units": "1", "long_name": f"number of {what} coupling intervals"},
    )
    ds["first_crossing"] = (
        dims,
        first_crossing(lower, upper, coupling_max),
        {
            "units": "1",
            "long_name": "smallest coupling > 0 where the criterion changes state "
            "(differs from coupling_bound only where the SM fails)",
        },
    )
    ds["sm_fails"] = (
        dims,
        bound == 0.0,
        {"units": "1", "long_name": "criterion already violated at g -> 0 (SM)"},
    )
    ds = ds.assign_coords(
        interval=(
            "interval",
            np.arange(lower.shape[-1]),
            {"units": "1", "long_name": "index of the coupling interval (increasing g)"},
        )
    )
    if status is not None:
        ds["status"] = status.astype(str).assign_attrs(
            units="1", long_name="'' where the criterion applies, else why it does not"
        )
        ds["applicable"] = (status == "").assign_attrs(
            units="1", long_name="the criterion applies to this model"
        )
    for name in dims:  # coordinates the caller left undescribed
        if name in ds.coords and "units" not in ds[name].attrs:
            units, long_name = _COORD_META.get(name, ("1", name.replace("_", " ")))
            ds[name].attrs.update(units=units, long_name=long_name)
    ds.attrs.update(coupling_max=float(coupling_max), coupling_name=coupling_name)
    return ds


_COORD_META = {
    "mass": ("MeV", "mediator mass"),
    "criterion": ("1", "criterion"),
    "sigma_norm": ("1", "flux normalisation uncertainty sigma_x"),
}


def bounds_table(ds: xr.Dataset, *, extra: Sequence[str] = ()) -> pd.DataFrame:
    """Long-format table of a bound dataset: one row per excluded interval.

    Columns: every dimension of ``coupling_bound`` except ``mass`` (in order), ``mass_mev``,
    ``coupling_bound``, ``n_intervals``, ``interval`` (-1: nothing excluded),
    ``excluded_lower``, ``excluded_upper``, then ``status`` if present and the per-row
    variables named in ``extra`` (broadcast over the same dimensions).
    """
    da = ds["coupling_bound"]
    others = [d for d in da.dims if d != "mass"]
    dims = others + ["mass"]
    arrays = {name: ds[name].transpose(*dims).values for name in ("coupling_bound", "n_intervals")}
    lo = ds["excluded_lower"].transpose(*dims, "interval").values
    hi = ds["excluded_upper"].transpose(*dims, "interval").values
    index = pd.MultiIndex.from_product([ds[d].values for d in dims], names=dims)
    keys = index.to_frame(index=False)
    flat_lo = lo.reshape(len(keys), -1)
    flat_hi = hi.reshape(len(keys), -1)
    bound = arrays["coupling_bound"].reshape(-1)
    n_int = arrays["n_intervals"].reshape(-1)
    extras = {}
    if "status" in ds:
        extras["status"] = ds["status"].broadcast_like(da).transpose(*dims).values.reshape(-1)
    for name in extra:
        extras[name] = ds[name].broadcast_like(da).transpose(*dims).values.reshape(-1)
    rows, row_keys = [], []
    for i in range(len(keys)):
        finite = np.flatnonzero(np.isfinite(flat_lo[i]))
        if finite.size == 0:
            row_keys.append(i)
            rows.append((bound[i], int(n_int[i]), -1, np.nan, np.nan))
        for k in finite:
            row_keys.append(i)
            rows.append((bound[i], int(n_int[i]), int(k), flat_lo[i, k], flat_hi[i, k]))
    out = keys.iloc[row_keys].reset_index(drop=True).rename(columns={"mass": "mass_mev"})
    values = pd.DataFrame(
        rows,
        columns=["coupling_bound", "n_intervals", "interval", "excluded_lower", "excluded_upper"],
    )
    out = pd.concat([out, values], axis=1)
    for name, vals in extras.items():
        out[name] = np.asarray(vals)[row_keys]
    return out


def write_bounds_csv(
    ds: xr.Dataset, path, header_lines: Sequence[str] = (), *, extra: Sequence[str] = ()
) -> None:
    """Write :func:`bounds_table` as CSV with ``#`` comment lines (units, provenance).

    The header states the coupling, the examined range and the conventions of the columns;
    ``header_lines`` add provenance (model, method, references, the NetCDF twin).
    """
    df = bounds_table(ds, extra=extra)
    name = ds.attrs.get("coupling_name", "g")
    lines = [
        f"# coupling {name} [1]; mass_mev [MeV]; one row per excluded coupling interval",
        f"# coupling_bound: smallest excluded {name} (0: the SM alone fails; empty: nothing "
        f"excluded up to coupling_max = {ds.attrs.get('coupling_max', float('nan')):.6g})",
        "# interval = -1: nothing excluded; excluded_upper = coupling_max: excluded up to the top "
        "of the examined range, larger couplings not examined",
        *[f"# {h}" for h in header_lines],
    ]
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
        df.to_csv(fh, index=False, float_format="%.10e")
