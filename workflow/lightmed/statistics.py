"""Binned Poisson likelihood-ratio sensitivities with a normalisation pull ([ST21] §VI).

For one source, a set of detectors k with recoil bins i, expected counts

    N_ki(g, m) = sm_ki(m) + g^2 int_ki(m) + g^4 np_ki(m)

(``results/rates`` artifacts) and Asimov data D_ki = N_ki(0, m) (the SM expectation), the test
statistic at fixed mass is

    chi2(g, m) = min_x [ sum_k chi2_k(x) + (x / sigma_x)^2 ],   x in (-1, inf),
    chi2_k(x)  = 2 sum_i [ (1 + x) N_ki - D_ki + D_ki ln(D_ki / ((1 + x) N_ki)) ],

i.e. -2 ln of a *product* of Poisson probabilities over bins (a sum of logs; [ST21] Eqs. 23-24
print sums of Poisson terms, a misprint) with the pull term added once per pull, outside the
detector sum ([ST21] Eq. 21 prints it inside). Because the pull multiplies every bin of every
detector that shares it, the profile in x is exact and analytic: with T = sum D (data),
Delta = sum N - T and H = sum_i D_i h(r_i) + S_0, where r_i = N_i / D_i - 1, h(r) = r - ln(1+r)
and S_0 the prediction in bins with D_i = 0,

    chi2(x) = 2 H + 2 T h(x) + 2 x Delta + x^2 / sigma^2,

whose stationarity condition T x/(1+x) + Delta + x/sigma^2 = 0 is the quadratic
x^2/sigma^2 + x (T + Delta + 1/sigma^2) + Delta = 0 with exactly one root in (-1, inf). No
iterative minimiser is needed (the profile is convex); the formula is evaluated in the
cancellation-free form above (``h`` by its series near 0), so chi2 is exactly 0 at g = 0 and
smooth down to g^2 ~ 1e-16.

Pull modes: ``shared`` -- one x for all detectors of the combination (the flux normalisation
is common to every detector, default) -- or ``independent`` -- one x per detector, each with
its own penalty (a per-detector normalisation systematic). For one detector they coincide.

Confidence level: with Asimov data the best fit is the SM (chi2 = 0), so Delta chi2 = chi2.
The bound at each mass uses Wilks' theorem for one tested parameter (g) at fixed mass:
Delta chi2 = F^-1_{chi2, 1}(CL) = 2.706 at 90 % CL ([ST21]); ``degrees_of_freedom = 2``
(4.605 at 90 %) gives the joint (m, g) contour instead. The boundary g^2 >= 0 would make the
one-sided 90 % threshold 1.64 (Chernoff); we follow the conventional 2.71 and say so.

Excluded regions are *all* intervals of g with Delta chi2 > threshold, solved exactly: sign
changes on the coupling grid and sub-grid dips/spikes (local extrema of the grid, refined by a
golden-section search) are bracketed and bisected in ln g on the closed-form chi2(g), all
masses at once. The vector model's destructive interference (N returns to the SM where
g^2 Q'_w/(sqrt(2) G_F (2 m_T E_r + m^2)) ~ Q_w) produces an allowed "island" above the
lowest bound; it is reported as a gap between intervals.

References: [ST21] arXiv:2010.14545 Eqs. 21-24 (with the misprints above corrected);
physics.md §6.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numba
import numpy as np
import xarray as xr
from scipy import stats

from .errors import ConfigError, InputError

PULL_MODES = ("shared", "independent")

#: Coupling maps from the [ST21] vector/scalar rates (coupling g, g_nu g_q = g^2 > 0) to the
#: models the sensitivity stage can report: N = sm + c_int g'^2 int + c_np g'^4 np. B-L:
#: quark charge g_BL/3 and neutrino charge -g_BL give g_nu g_q = -g_BL^2/3, so the
#: interference flips sign (constructive) and c_int = -1/3, c_np = 1/9 ([C21] §II, physics.md
#: §1.1; the Z' nucleus charge 3A g_q = A g_BL).
MODEL_MAPS: dict[str, dict[str, object]] = {
    "vector": {
        "rates_model": "vector",
        "c_int": 1.0,
        "c_np": 1.0,
        "coupling": "g = sqrt(g_nu g_q), vector, g_nu g_q > 0 ([ST21])",
    },
    "scalar": {
        "rates_model": "scalar",
        "c_int": 1.0,
        "c_np": 1.0,
        "coupling": "g = sqrt(g_nu g_q), scalar, Q_s = 14A + 1.1Z ([ST21])",
    },
    "bl_vector": {
        "rates_model": "vector",
        "c_int": -1.0 / 3.0,
        "c_np": 1.0 / 9.0,
        "coupling": "g_B-L (quark charge g/3, neutrino charge -g; [C21])",
    },
}

_SERIES_CUT = 1e-3
_BISECTIONS = 56
_ILLINOIS_STEPS = 16
_GOLDEN_STEPS = 14
#: Grid local minima above DIP_FACTOR x threshold are not searched for sub-grid islands.
DIP_FACTOR = 100.0


def delta_chi2_threshold(confidence_level: float = 0.9, degrees_of_freedom: int = 1) -> float:
    """Delta chi2 for a confidence level (Wilks): 2.706 (1 dof, 90 %), 4.605 (2 dof, 90 %)."""
    if not 0.0 < confidence_level < 1.0:
        raise ConfigError(
            f"sensitivity.confidence_level: must be in (0, 1), got {confidence_level}"
        )
    if degrees_of_freedom not in (1, 2):
        raise ConfigError(
            f"sensitivity.degrees_of_freedom: must be 1 or 2, got {degrees_of_freedom}"
        )
    return float(stats.chi2.ppf(confidence_level, degrees_of_freedom))


def _h(r: np.ndarray) -> np.ndarray:
    """h(r) = r - ln(1 + r) >= 0, with its Taylor series near 0 (no cancellation)."""
    r = np.asarray(r, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        direct = r - np.log1p(r)
    series = r * r * (0.5 - r * (1 / 3 - r * (0.25 - r * (0.2 - r / 6))))
    return np.where(np.abs(r) < _SERIES_CUT, series, direct)


@numba.njit(cache=True)
def _kernel_hsum(g2, mass_index, r0, a, b, d, series_cut):  # pragma: no cover - jitted
    """H = sum_i d_i h(r_i) and L = sum_i d_i ln(1 + r_i), r_i = r0_i + g2 a_i + g2^2 b_i,
    per point (flat float64 arrays).

    g2 (P,) squared couplings; mass_index (P,) int64 rows of r0, a, b, d (n_mass, n_bin).
    Serial on purpose: the work per call is small and thread start-up dominated. For
    |r| >= series_cut, log(1 + r) (4x faster than log1p here) is exact to ~1e-16 absolute,
    i.e. <= 1e-9 relative on h >= series_cut^2 / 2.
    """
    out = np.empty(g2.size)
    out_log = np.empty(g2.size)
    for p in range(g2.size):
        m = mass_index[p]
        x2 = g2[p]
        x4 = x2 * x2
        s = 0.0
        s_log = 0.0
        for i in range(a.shape[1]):
            r = r0[m, i] + x2 * a[m, i] + x4 * b[m, i]
            if r < -1.0 + 1e-15:
                r = -1.0 + 1e-15
            if abs(r) < series_cut:
                h = r * r * (0.5 - r * (1.0 / 3.0 - r * (0.25 - r * (0.2 - r / 6.0))))
                lg = r - h
            else:
                lg = math.log(1.0 + r)
                h = r - lg
            s += d[m, i] * h
            s_log += d[m, i] * lg
        out[p] = s
        out_log[p] = s_log
    return out, out_log


@dataclass
class BinnedCounts:
    """Expected counts of one detector for one model: N = sm + g^2 int + g^4 np per bin.

    Parameters
    ----------
    sm, int_, np_ : array_like, shape (n_mass, n_bin) or (n_bin,)
        Coefficients [events]; a 1-d array is broadcast over masses.
    data : array_like, optional
        Observed counts per bin [events]; default the Asimov data D = sm.
    name : str
        Detector name (for messages).
    """

    sm: np.ndarray
    int_: np.ndarray
    np_: np.ndarray
    data: np.ndarray | None = None
    name: str = "detector"
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        arrays = [np.atleast_2d(np.asarray(a, float)) for a in (self.sm, self.int_, self.np_)]
        data = arrays[0] if self.data is None else np.atleast_2d(np.asarray(self.data, float))
        shape = np.broadcast_shapes(*(a.shape for a in arrays), data.shape)
        sm, int_, np_, data = (np.broadcast_to(a, shape).copy() for a in (*arrays, data))
        if np.any(data < 0) or np.any(sm < 0) or not np.all(np.isfinite(data)):
            raise InputError(f"{self.name}: counts must be finite and >= 0")
        pos = data > 0
        safe = np.where(pos, data, 1.0)
        # per-bin relative coefficients where D > 0: r = r0 + g^2 a + g^4 b
        self.sm, self.int_, self.np_, self.data = sm, int_, np_, data
        self._r0 = np.where(pos, sm / safe - 1.0, 0.0)
        self._a = np.where(pos, int_ / safe, 0.0)
        self._b = np.where(pos, np_ / safe, 0.0)
        self._d = np.where(pos, data, 0.0)
        # totals for the closed-form parts
        self.total_data = data.sum(axis=-1)
        self._sum_sm = sm.sum(axis=-1)
        self._sum_int = int_.sum(axis=-1)
        self._sum_np = np_.sum(axis=-1)
        zero = ~pos
        self._s0 = (
            np.where(zero, sm, 0).sum(-1),
            np.where(zero, int_, 0).sum(-1),
            np.where(zero, np_, 0).sum(-1),
        )
        keep = np.any(pos, axis=0)  # drop bins empty at every mass from the per-bin work
        self._r0, self._a, self._b, self._d = (
            np.ascontiguousarray(x[:, keep]) for x in (self._r0, self._a, self._b, self._d)
        )

    @property
    def n_mass(self) -> int:
        return self.sm.shape[0]

    def scaled(self, c_int: float, c_np: float) -> BinnedCounts:
        """Counts for a rescaled coupling: int -> c_int int, np -> c_np np (same data)."""
        return BinnedCounts(self.sm, c_int * self.int_, c_np * self.np_, self.data, self.name)

    def terms(self, coupling, mass_index) -> tuple[np.ndarray, ...]:
        """T, Delta, H, L (see :func:`profile_pull`) at broadcast (coupling, mass_index) points.

        Parameters
        ----------
        coupling : array_like [1]
        mass_index : array_like of int
            Index into the mass axis, broadcast against ``coupling``.
        """
        g2 = np.asarray(coupling, float) ** 2
        mi = np.asarray(mass_index, int)
        g2, mi = np.broadcast_arrays(g2, mi)
        g4 = g2 * g2
        total = self.total_data[mi]
        s0 = self._s0[0][mi] + g2 * self._s0[1][mi] + g4 * self._s0[2][mi]
        delta = (self._sum_sm[mi] - total) + g2 * self._sum_int[mi] + g4 * self._sum_np[mi]
        # N >= 0 analytically (a sum of squares per bin); the kernel guards round-off below -1
        hsum, lsum = _kernel_hsum(
            np.ascontiguousarray(g2, float).ravel(),
            np.ascontiguousarray(mi, np.int64).ravel(),
            self._r0,
            self._a,
            self._b,
            self._d,
            _SERIES_CUT,
        )
        return total, delta, hsum.reshape(g2.shape) + s0, lsum.reshape(g2.shape)

    def grid_terms(self, couplings: np.ndarray):
        """T (mass, 1), Delta, H, L (mass, coupling) on a full grid, cached per grid."""
        key = np.asarray(couplings, float).tobytes()
        if key not in self._cache:
            g = np.asarray(couplings, float)
            _, delta, hsum, lsum = self.terms(g[None, :], np.arange(self.n_mass)[:, None])
            self._cache = {key: (self.total_data[:, None].copy(), delta, hsum, lsum)}
        return self._cache[key]


@numba.njit(cache=True)
def _kernel_profile(total, delta, hsum, lsum, a, series_cut):  # pragma: no cover - jitted
    """Profiled chi2 and pull per element (flat float64 arrays; a = 1/sigma^2 >= 0)."""
    n = total.size
    chi2 = np.empty(n)
    xs = np.empty(n)
    for k in range(n):
        t = total[k]
        d = delta[k]
        pred = t + d  # S
        disc = math.hypot(pred - a, 2.0 * math.sqrt(a * t))
        # the root in (-1, inf), each form free of cancellation where it is used
        x = -2.0 * d / (pred + a + disc)
        if abs(x) < 0.5:
            u = 1.0 + x
        elif pred > a:
            u = 2.0 * t / ((pred - a) + disc)
            x = u - 1.0
        else:
            u = ((a - pred) + disc) / (2.0 * a)
            x = u - 1.0
        if abs(x) < 0.1:
            if abs(x) < series_cut:
                hx = x * x * (0.5 - x * (1.0 / 3.0 - x * (0.25 - x * (0.2 - x / 6.0))))
            else:
                hx = x - math.log1p(x)
            c = 2.0 * hsum[k] + 2.0 * t * hx + 2.0 * x * d
        elif u > 0.0:
            c = 2.0 * (u * pred - t - t * math.log(u) - lsum[k])
        else:  # the pull at its boundary (no events predicted after scaling)
            c = np.inf
        c += a * x * x
        chi2[k] = c if c > 0.0 else 0.0
        xs[k] = x
    return chi2, xs


def profile_pull(total, delta, hsum, lsum, sigma_norm: float) -> tuple[np.ndarray, np.ndarray]:
    """Minimise chi2(x) = 2H + 2T h(x) + 2x Delta + (x/sigma)^2 over x in (-1, inf), exactly.

    The same chi2 is 2[uS - T - T ln u - L] + (x/sigma)^2 with u = 1 + x, S = T + Delta; the
    first form is used for |x| < 0.1 (no cancellation as g -> 0), the second for larger pulls
    (no cancellation when the prediction overshoots the data by orders of magnitude).

    Parameters
    ----------
    total, delta, hsum, lsum : array_like
        T = sum D, Delta = sum N - T, H = sum_i D_i h(r_i) + S_0 and L = sum_i D_i ln(N_i/D_i)
        (module docstring) of one pull group [events].
    sigma_norm : float
        Normalisation uncertainty sigma_x [1]; 0 fixes x = 0, ``inf`` frees it.

    Returns
    -------
    chi2, x : numpy.ndarray
        Profiled chi2 [1] and the best-fit pull [1].
    """
    total, delta, hsum, lsum = np.broadcast_arrays(
        *(np.asarray(v, float) for v in (total, delta, hsum, lsum))
    )
    if sigma_norm < 0 or np.isnan(sigma_norm):
        raise ConfigError(f"sigma_norm must be >= 0, got {sigma_norm}")
    if sigma_norm == 0:
        return np.maximum(2.0 * hsum, 0.0), np.zeros_like(total)
    if np.any(total <= 0):
        raise InputError("a pull group has no expected events (T = 0): nothing to fit")
    a = 1.0 / sigma_norm**2
    shape = total.shape
    chi2, x = _kernel_profile(
        *(np.ascontiguousarray(v, float).ravel() for v in (total, delta, hsum, lsum)),
        a,
        _SERIES_CUT,
    )
    return chi2.reshape(shape), x.reshape(shape)


class PullChi2:
    """chi2(g, m) of a detector combination with shared or independent normalisation pulls.

    Parameters
    ----------
    detectors : sequence of BinnedCounts
        Same mass axis for all.
    sigma_norm : float
        Normalisation uncertainty sigma_x [1].
    pull : {"shared", "independent"}
        One pull for all detectors (common flux normalisation) or one per detector.
    """

    def __init__(self, detectors: Sequence[BinnedCounts], sigma_norm: float, pull: str = "shared"):
        if pull not in PULL_MODES:
            raise ConfigError(f"sensitivity.pull: {pull!r} is not one of {PULL_MODES}")
        if not detectors:
            raise InputError("no detectors in the combination")
        n_mass = {d.n_mass for d in detectors}
        if len(n_mass) != 1:
            raise InputError("detectors of a combination must share one mass grid")
        self.detectors = list(detectors)
        self.sigma_norm = float(sigma_norm)
        self.pull = pull
        self.n_mass = n_mass.pop()

    def _combine(self, parts):
        groups = [parts] if self.pull == "shared" else [[p] for p in parts]
        out = 0.0
        for group in groups:
            sums = [sum(p[j] for p in group) for j in range(4)]
            out = out + profile_pull(*sums, self.sigma_norm)[0]
        return out

    def __call__(self, coupling, mass_index) -> np.ndarray:
        """Delta chi2 at broadcast points (coupling [1], mass_index [int])."""
        return self._combine([d.terms(coupling, mass_index) for d in self.detectors])

    def grid(self, couplings) -> np.ndarray:
        """Delta chi2 on the full (mass, coupling) grid [1]."""
        parts = []
        for d in self.detectors:
            parts.append(d.grid_terms(couplings))
        return np.broadcast_to(self._combine(parts), (self.n_mass, len(couplings))).copy()


class MinChi2:
    """Pointwise minimum of several chi2 functions (marginalising over discrete models).

    Excluded = excluded under every member, so the bound is the weakest member's bound at each
    mass (e.g. ``sn_marginalised`` over the core-collapse and failed SN models).
    """

    def __init__(self, members: Sequence[PullChi2]):
        self.members = list(members)
        self.n_mass = self.members[0].n_mass

    def __call__(self, coupling, mass_index):
        return np.minimum.reduce([m(coupling, mass_index) for m in self.members])

    def grid(self, couplings):
        return np.minimum.reduce([m.grid(couplings) for m in self.members])


# --------------------------------------------------------------------------------------------
# excluded intervals


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
    fn: Callable, couplings, grid_values, threshold: float, refine_extrema: bool = True
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

    Returns
    -------
    list of list of (lower, upper)
        Per mass, the excluded intervals in increasing order; ``lower`` equals the first grid
        coupling if excluded there, ``upper = inf`` if excluded up to the top of the grid.
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
    return out


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


# --------------------------------------------------------------------------------------------
# xarray front end


def counts_from_rates(rates: xr.Dataset, model: str, name: str = "detector") -> BinnedCounts:
    """:class:`BinnedCounts` for a sensitivity model from a ``results/rates`` artifact.

    ``model`` is a key of :data:`MODEL_MAPS` (``bl_vector`` is the vector rate with the B-L
    coupling map).
    """
    if model not in MODEL_MAPS:
        raise ConfigError(f"sensitivity model {model!r} unknown; known: {', '.join(MODEL_MAPS)}")
    spec = MODEL_MAPS[model]
    sel = rates.sel(model=spec["rates_model"])

    def arr(v):
        da = sel[v]
        if "mass" not in da.dims:
            da = da.expand_dims(mass=rates["mass"].size)
        return da.transpose("mass", "recoil_energy").values

    return BinnedCounts(
        arr("events_sm"),
        spec["c_int"] * arr("events_int"),
        spec["c_np"] * arr("events_np"),
        name=name,
    )


def coupling_grid(spec: Mapping[str, float]) -> np.ndarray:
    """Log-spaced coupling grid from ``{min, max, num}`` [1]."""
    lo, hi, n = float(spec["min"]), float(spec["max"]), int(spec["num"])
    if not 0 < lo < hi or n < 3:
        raise ConfigError(f"sensitivity.coupling_grid: need 0 < min < max and num >= 3, got {spec}")
    return np.geomspace(lo, hi, n)


def sensitivity(
    rates: Mapping[str, Iterable[xr.Dataset]] | Sequence[xr.Dataset],
    model: str,
    sigma_norms: Sequence[float],
    couplings: np.ndarray,
    *,
    confidence_level: float = 0.9,
    degrees_of_freedom: int = 1,
    pull: str = "shared",
    counts_cache: dict | None = None,
) -> xr.Dataset:
    """Delta chi2 map, bound curve and every excluded interval for one detector combination.

    Parameters
    ----------
    rates : sequence of xarray.Dataset, or mapping member -> sequence
        ``results/rates`` artifacts of the detectors of the combination (same source). A
        mapping marginalises over members (e.g. SN models): Delta chi2 = min over members.
    model : str
        ``vector``, ``scalar`` or ``bl_vector`` (:data:`MODEL_MAPS`).
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
        iv = excluded_intervals(fn, couplings, values, thr)
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
    )


def _sensitivity_dataset(
    maps, lower, upper, mass, couplings, sigma_norms, model, thr, cl, dof, pull, members
) -> xr.Dataset:
    label = MODEL_MAPS[model]["coupling"]
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
                    "long_name": f"smallest excluded coupling at {cl:.0%} CL",
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
                    "comment": "first grid coupling if excluded there; NaN = no interval",
                },
            ),
            "excluded_upper": (
                ("sigma_norm", "mass", "interval"),
                upper,
                {
                    "units": "1",
                    "long_name": "upper end of an excluded coupling interval",
                    "comment": "inf: excluded up to (and beyond) the top of the coupling grid",
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
                {"units": "1", "long_name": "flux normalisation uncertainty sigma_x"},
            ),
            "mass": ("mass", mass, {"units": "MeV", "long_name": "mediator mass"}),
            "coupling": ("coupling", couplings, {"units": "1", "long_name": label}),
            "interval": (
                "interval",
                np.arange(lower.shape[-1]),
                {"units": "1", "long_name": "index of the excluded interval (increasing g)"},
            ),
        },
    )
    ds.attrs.update(
        model=model,
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


# --------------------------------------------------------------------------------------------
# what to compute (used by workflow/rules/sensitivity.smk)


@dataclass(frozen=True)
class SensitivityPlan:
    """Sources, detector combinations and members of the sensitivity stage, validated.

    ``members[source]`` lists the rate sources behind a sensitivity source (itself, or the
    members of a marginalised source); ``detectors[combo]`` the detectors of a combination.
    """

    sources: tuple[str, ...]
    combos: tuple[str, ...]
    models: tuple[str, ...]
    members: dict[str, tuple[str, ...]]
    detectors: dict[str, tuple[str, ...]]
    sigma_norm: dict[str, tuple[float, ...]]

    @classmethod
    def from_config(
        cls,
        block: Mapping,
        sources: Iterable[str],
        detectors: Iterable[str],
        models: Iterable[str] = ("vector", "scalar"),
    ) -> SensitivityPlan:
        """Validate ``config["sensitivity"]`` against the configured sources and detectors;
        ``models`` are the detector models of the registry (config ``models``)."""
        sources, detectors = list(sources), list(detectors)
        sigma = {k: tuple(float(s) for s in v) for k, v in block["sigma_norm"].items()}
        for src in sigma:
            if src not in sources:
                raise ConfigError(
                    f"sensitivity.sigma_norm.{src}: not a key of sources ({', '.join(sources)})"
                )
        members = {src: (src,) for src in sigma}
        for name, group in block.get("marginalised", {}).items():
            if name in sigma or name in sources:
                raise ConfigError(f"sensitivity.marginalised.{name}: name clashes with a source")
            for src in group:
                if src not in sigma:
                    raise ConfigError(
                        f"sensitivity.marginalised.{name}: member {src!r} has no "
                        "sensitivity.sigma_norm entry"
                    )
            if len({sigma[s] for s in group}) != 1:
                raise ConfigError(
                    f"sensitivity.marginalised.{name}: members need the same sigma_norm list"
                )
            members[name] = tuple(group)
            sigma[name] = sigma[group[0]]
        combos = {d: (d,) for d in detectors} if block.get("single_detectors", True) else {}
        for combo in block.get("combos", []):
            parts = tuple(combo.split("+"))
            for det in parts:
                if det not in detectors:
                    raise ConfigError(
                        f"sensitivity.combos: {combo!r}: {det!r} is not a key of "
                        f"detectors ({', '.join(detectors)})"
                    )
            if len(set(parts)) != len(parts):
                raise ConfigError(f"sensitivity.combos: {combo!r} repeats a detector")
            combos[combo] = parts
        if not combos:
            raise ConfigError(
                "sensitivity: no detector combinations (single_detectors is false "
                "and combos is empty)"
            )
        models = tuple(models)
        for model in models:
            if model not in MODEL_MAPS:
                raise ConfigError(
                    f"models.{model}: detector rates for this model are not available yet "
                    f"(known: {', '.join(MODEL_MAPS)}); set detectors: false"
                )
        return cls(tuple(members), tuple(combos), models, members, combos, sigma)


def write_bounds_csv(ds: xr.Dataset, path, title: str) -> None:
    """:func:`bounds_table` as CSV with a commented header (coupling, CL, threshold, pull)."""
    with open(path, "w") as fh:
        fh.write(
            f"# {title}: {ds.attrs['coupling_convention']}; {ds.attrs['confidence_level']:.0%} "
            f"CL, Delta chi2 = {ds.attrs['delta_chi2_threshold']:.3f}, pull {ds.attrs['pull']}\n"
            "# mass_mev [MeV]; couplings [1]; excluded_upper = inf: excluded to the top of the "
            "coupling grid and beyond; interval = -1: nothing excluded in the grid\n"
        )
        bounds_table(ds).to_csv(fh, index=False, float_format="%.6e")
