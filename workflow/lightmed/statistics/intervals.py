"""Every excluded coupling interval of a Delta chi2 function, solved to machine precision.

Excluded regions are *all* intervals of g with Delta chi2 > threshold, solved exactly: sign
changes on the coupling grid and sub-grid dips/spikes (local extrema of the grid, refined by a
golden-section search) are bracketed and bisected in ln g on the closed-form chi2(g), all
masses at once. The vector model's destructive interference (N returns to the SM where
g^2 Q'_w/(sqrt(2) G_F (2 m_T E_r + m^2)) ~ Q_w) produces an allowed "island" above the
lowest bound; it is reported as a gap between intervals.

References: [ST21] arXiv:2010.14545 Sec. VI; physics.md §6.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

_BISECTIONS = 56
_ILLINOIS_STEPS = 16
_GOLDEN_STEPS = 14
#: Grid local minima above DIP_FACTOR x threshold are not searched for sub-grid islands.
DIP_FACTOR = 100.0


def _bisect(fn: Callable, mass_index, lo, hi, f_lo, f_hi=None) -> np.ndarray:
    """Vectorised root of fn(g, mass_index) on brackets [lo, hi] (sign change), in ln g.

    Illinois (modified regula falsi) steps, which keep the bracket and converge
    superlinearly, then bisection steps to finish brackets where it stalled. The result is
    within a relative 1e-12 of the root in g.
    """
    a, b = np.log(lo), np.log(hi)
    fa = np.asarray(f_lo, float) + 0.0 * a
    fb = fn(hi, mass_index) if f_hi is None else np.asarray(f_hi, float) + 0.0 * b
    side = np.zeros(a.shape, int)
    for _ in range(_ILLINOIS_STEPS):
        if a.size == 0 or np.all(np.abs(b - a) < 1e-13):
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            c = (a * fb - b * fa) / (fb - fa)
        bad = ~np.isfinite(c) | (c <= np.minimum(a, b)) | (c >= np.maximum(a, b))
        c = np.where(bad, 0.5 * (a + b), c)
        fc = fn(np.exp(c), mass_index)
        left = np.sign(fc) == np.sign(fa)  # root in [c, b]
        # Illinois: halve the retained end's value when the same end is kept twice
        fb = np.where(left & (side == 1), 0.5 * fb, fb)
        fa = np.where(~left & (side == -1), 0.5 * fa, fa)
        a, fa, b, fb = (
            np.where(left, c, a),
            np.where(left, fc, fa),
            np.where(left, b, c),
            np.where(left, fb, fc),
        )
        side = np.where(left, 1, -1)
        exact = fc == 0
        a, b = np.where(exact, c, a), np.where(exact, c, b)
    fa_pos = fn(np.exp(a), mass_index) > 0
    for _ in range(_BISECTIONS):
        if a.size == 0 or np.all(np.abs(b - a) < 1e-13):
            break
        mid = 0.5 * (a + b)
        same = (fn(np.exp(mid), mass_index) > 0) == fa_pos
        a = np.where(same, mid, a)
        b = np.where(same, b, mid)
    return np.exp(0.5 * (a + b))


def _golden(fn: Callable, mass_index, lo, hi, sign: float) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised golden-section search for the minimum of sign*fn on [lo, hi] in ln g."""
    invphi = (np.sqrt(5.0) - 1.0) / 2.0
    a, b = np.log(lo), np.log(hi)
    c = b - invphi * (b - a)
    d = a + invphi * (b - a)
    fc = sign * fn(np.exp(c), mass_index)
    fd = sign * fn(np.exp(d), mass_index)
    for _ in range(_GOLDEN_STEPS):
        left = fc < fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        new = np.where(left, b - invphi * (b - a), a + invphi * (b - a))
        fnew = sign * fn(np.exp(new), mass_index)
        c, d, fc, fd = (
            np.where(left, new, d),
            np.where(left, c, new),
            np.where(left, fnew, fd),
            np.where(left, fc, fnew),
        )
    best = np.where(fc < fd, c, d)
    return np.exp(best), sign * np.minimum(fc, fd)


def excluded_intervals(
    fn: Callable,
    couplings,
    grid_values,
    threshold: float,
    refine_extrema: bool = True,
    asymptote: float | None = None,
    follow_below: bool = False,
) -> list[list[tuple[float, float]]]:
    """Every interval of g with fn(g, m) > threshold, per mass, solved to machine precision.

    Parameters
    ----------
    fn : callable
        ``fn(coupling, mass_index) -> Delta chi2``, vectorised (e.g. :class:`PullChi2`).
    couplings : array_like, shape (n_coupling,)
        Increasing coupling grid [1] on which ``grid_values`` were evaluated.
    grid_values : array_like, shape (n_mass, n_coupling)
        Delta chi2 on the grid.
    threshold : float
        Delta chi2 of the confidence level.
    refine_extrema : bool
        Also look for sub-grid dips below (spikes above) the threshold at local extrema.
    asymptote : float, optional
        Coupling [1] from which fn no longer decreases (e.g.
        :meth:`~lightmed.statistics.likelihood.PullChi2.asymptotic_coupling`). An interval
        excluded at the top of the grid is then followed above the grid up to there, at the
        grid's density: it ends at its first crossing above the grid, or at ``inf`` if there is
        none. Without it, such an interval ends at ``inf`` unchecked.
    follow_below : bool
        For fn that falls below the threshold as g -> 0 (Asimov data: Delta chi2(0) = 0): an
        interval excluded at the first grid coupling is followed below the grid, at the grid's
        density, down to its crossing (at most 16 decades). Without it, such an interval
        starts at the first grid coupling.

    Returns
    -------
    list of list of (lower, upper)
        Per mass, the excluded intervals in increasing order; ``upper = inf``: excluded for
        every larger coupling. Couplings beyond an interval's crossing outside the grid are
        not examined.
    """
    g = np.asarray(couplings, float)
    f = np.asarray(grid_values, float) - threshold
    n_m, n_g = f.shape
    pos = f > 0
    fthr = lambda c, mi: fn(c, mi) - threshold  # noqa: E731
    # 1. sign changes between neighbouring grid points
    mi, j = np.nonzero(pos[:, 1:] != pos[:, :-1])
    roots = [(mi, _bisect(fthr, mi, g[j], g[j + 1], f[mi, j], f[mi, j + 1]))]
    # 2. sub-grid dips below / spikes above the threshold between three grid points
    if refine_extrema and n_g >= 3:
        inner = f[:, 1:-1]
        for sign, cand in (
            # strict on the left so that plateaus (e.g. chi2 = 0 at tiny g) are no candidates;
            # dips only where the grid value is < DIP_FACTOR x threshold (a dip from higher
            # would be an island narrower than ~0.5 % of g at 50 points per decade)
            (
                1.0,
                pos[:, 1:-1]
                & (inner < f[:, :-2])
                & (inner <= f[:, 2:])
                & (inner < (DIP_FACTOR - 1.0) * threshold),
            ),
            # spikes only above round-off level (Delta chi2 > 1e-3 threshold)
            (
                -1.0,
                ~pos[:, 1:-1]
                & (inner > f[:, :-2])
                & (inner >= f[:, 2:])
                & (inner > -0.999 * threshold),
            ),
        ):
            cm, cj = np.nonzero(cand)
            if cm.size == 0:
                continue
            cj = cj + 1
            gbest, fbest = _golden(fthr, cm, g[cj - 1], g[cj + 1], sign)
            hit = (fbest < 0) if sign > 0 else (fbest > 0)
            cm, cj, gbest, fbest = cm[hit], cj[hit], gbest[hit], fbest[hit]
            if cm.size:
                roots.append((cm, _bisect(fthr, cm, g[cj - 1], gbest, f[cm, cj - 1], fbest)))
                roots.append((cm, _bisect(fthr, cm, gbest, g[cj + 1], fbest, f[cm, cj + 1])))
    all_m = np.concatenate([r[0] for r in roots])
    all_g = np.concatenate([r[1] for r in roots])
    out: list[list[tuple[float, float]]] = []
    order = np.lexsort((all_g, all_m))
    all_m, all_g = all_m[order], all_g[order]
    splits = np.searchsorted(all_m, np.arange(n_m + 1))
    for m in range(n_m):
        crossings = all_g[splits[m] : splits[m + 1]]
        intervals = []
        inside = bool(pos[m, 0])
        start = g[0] if inside else np.nan
        for c in crossings:  # every crossing toggles the state
            if inside:
                intervals.append((float(start), float(c)))
            else:
                start = c
            inside = not inside
        if inside:
            intervals.append((float(start), np.inf))
        out.append(intervals)
    if asymptote is not None and asymptote > g[-1]:
        _follow_above(fn, out, g, threshold, asymptote, refine_extrema)
    if follow_below:
        _follow_below(fn, out, g, threshold, refine_extrema)
    return out


def _per_decade(g: np.ndarray) -> float:
    return (g.size - 1) / np.log10(g[-1] / g[0]) if g.size > 1 else 50.0


def _on_grid(fn, masses: np.ndarray, ext: np.ndarray, threshold, refine_extrema):
    """Delta chi2 values and :func:`excluded_intervals` of the ``masses`` on the grid ``ext``."""

    def sub(coupling, index):
        return fn(coupling, masses[np.asarray(index, int)])

    values = sub(ext[None, :], np.arange(masses.size)[:, None])
    return values, excluded_intervals(sub, ext, values, threshold, refine_extrema)


def _follow_above(fn, out, g, threshold, asymptote, refine_extrema) -> None:
    """Close the intervals of ``out`` excluded at the top of ``g`` above it (in place).

    The vector model's island (N back at the SM) can lie above a grid that stops short of
    it: excluded at the grid's top does not mean excluded beyond. Each such interval is
    followed on a log grid from the top to ``asymptote`` (as dense as ``g``), with the same
    sign changes and sub-grid dips as on ``g``.
    """
    open_m = np.array([m for m, iv in enumerate(out) if iv and np.isinf(iv[-1][1])], int)
    if open_m.size == 0:
        return
    n = max(int(np.ceil(np.log10(asymptote / g[-1]) * _per_decade(g))), 1) + 1
    ext = np.geomspace(g[-1], asymptote, n)
    _, above = _on_grid(fn, open_m, ext, threshold, refine_extrema)
    for m, iv in zip(open_m, above, strict=True):
        # excluded at the top within round-off only: the interval ends there
        upper = iv[0][1] if iv and iv[0][0] == ext[0] else float(g[-1])
        out[m][-1] = (out[m][-1][0], upper)


def _follow_below(fn, out, g, threshold, refine_extrema, max_decades: int = 16) -> None:
    """Open the intervals of ``out`` excluded at the first coupling of ``g`` below it (in place).

    A grid that starts inside the lowest excluded interval would report its first coupling as
    the bound. Each such interval is followed down from there (1, 2, 4, ... decades, as dense
    as ``g``) until fn is below the threshold at the bottom of the extension; the interval
    then starts at its crossing nearest to the grid.
    """
    todo = np.array([m for m, iv in enumerate(out) if iv and iv[0][0] == g[0]], int)
    decades = 1
    while todo.size and decades <= max_decades:
        n = int(np.ceil(decades * _per_decade(g))) + 1
        ext = np.geomspace(g[0] * 10.0**-decades, g[0], n)
        values, below = _on_grid(fn, todo, ext, threshold, refine_extrema)
        found = values[:, 0] <= threshold
        for m, iv, done in zip(todo, below, found, strict=True):
            if done:
                # excluded at the first grid coupling within round-off only: it starts there
                lower = iv[-1][0] if iv and np.isinf(iv[-1][1]) else float(g[0])
                out[m][0] = (lower, out[m][0][1])
        todo = todo[~found]
        decades *= 2


def intervals_to_arrays(
    intervals: Sequence[Sequence[tuple[float, float]]], n_interval: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Pad per-mass interval lists to (n_mass, n_interval) arrays (NaN where none)."""
    width = max([len(iv) for iv in intervals] + [1]) if n_interval is None else n_interval
    lower = np.full((len(intervals), width), np.nan)
    upper = np.full((len(intervals), width), np.nan)
    for m, iv in enumerate(intervals):
        for k, (lo, hi) in enumerate(iv[:width]):
            lower[m, k], upper[m, k] = lo, hi
    return lower, upper
