"""Binned Poisson likelihood ratio with a normalisation pull ([ST21] §VI): chi2(g, m).

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

Excluded intervals: :mod:`lightmed.statistics.intervals`.

References: [ST21] arXiv:2010.14545 Eqs. 21-24 (with the misprints above corrected);
physics.md §6.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numba
import numpy as np

from ..errors import ConfigError, InputError

PULL_MODES = ("shared", "independent")

_SERIES_CUT = 1e-3


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
    return chi2_quantile(confidence_level, degrees_of_freedom)


def chi2_quantile(probability: float, degrees_of_freedom: int) -> float:
    """Quantile of the chi2 distribution, ``scipy.stats.chi2.ppf`` without importing scipy.stats.

    chi2.ppf(p, k) is 2 gammaincinv(k/2, p) (bit-identical); scipy.special imports in 0.1 s,
    scipy.stats in 0.6 s more (in every compute_sensitivity job and every Snakefile parse).
    """
    from scipy.special import gammaincinv

    return float(2.0 * gammaincinv(degrees_of_freedom / 2, probability))


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

    def asymptotic_coupling(self, factor: float = 1e3) -> float:
        """Coupling [1] from which the g^4 term exceeds the rest of every bin by ``factor``.

        Per bin with np > 0: g^4 np >= factor (sm + D) and g^2 np >= factor |int|. Above it
        the counts only scale (N ~ g^4 np, the spectrum's shape fixed), so Delta chi2 no longer
        decreases: an exclusion that holds up to here holds for every larger coupling.
        0 if no bin has an np term (the model changes no count).
        """
        pos = self.np_ > 0
        if not np.any(pos):
            return 0.0
        np_ = np.where(pos, self.np_, 1.0)
        x = np.maximum(
            factor * np.abs(self.int_) / np_, np.sqrt(factor * (self.sm + self.data) / np_)
        )
        return float(np.sqrt(np.max(np.where(pos, x, 0.0))))

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

    def asymptotic_coupling(self) -> float:
        """Largest :meth:`BinnedCounts.asymptotic_coupling` of the detectors [1]."""
        return max(d.asymptotic_coupling() for d in self.detectors)

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

    def asymptotic_coupling(self) -> float:
        return max(m.asymptotic_coupling() for m in self.members)

    def grid(self, couplings):
        return np.minimum.reduce([m.grid(couplings) for m in self.members])
