"""Vectorised profile likelihood of the XENONnT 8B CEvNS release (lightmed.constraints.xenonnt).

Expected events in bin b of run r at the nuisance vector theta
(flux, efficiency, ac_<run>..., er, nr, t_ly, t_qy):

    mu_rb = ac_r AC_rb + er ER_rb + nr RG_rb(t) + flux efficiency S_rb(t),

AC, ER, RG [events] the background templates x livetime, S [events] the signal template at
nominal flux and efficiency (the model's recoil spectrum folded with the monoenergetic
efficiency templates), RG and S bilinear in t = (t_ly, t_qy) between the release's anchors.
-2 ln L = 2 sum_rb (mu - n + n ln(n/mu)) + sum_p ((theta_p - c_p)/sigma_p)^2 (Gaussian priors,
a free parameter has sigma = inf) within box bounds.

:func:`profile` minimises it for a batch of points at once (one signal template per point):
projected Newton with the exact Hessian (eigenvalues replaced by their absolute values, so the
step is a descent direction), variables at an active bound frozen, Armijo backtracking over a
fixed ladder of step lengths.

The bins of all runs are one flat axis (run x bin) and the templates are tables of rows
(anchor cell or point x anchor cell, run x bin), so an interpolation is four row gathers and
the Jacobian, Hessian and line search are a few batched matrix products per iteration.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConvergenceError

#: Step lengths tried by the backtracking line search after the full step.
_ALPHAS = 0.5 ** np.arange(1, 14)
#: ... evaluated in these groups of indices into _ALPHAS (a point leaves once one is accepted).
_ALPHA_GROUPS = ((0,), (1,), (2, 3), (4, 5, 6), tuple(range(7, 13)))


@dataclass(frozen=True)
class Likelihood:
    """Fixed inputs: observed counts, background templates x livetime, priors and bounds.

    ``observed``, ``ac``, ``er``: (run, bin); ``rg``: (t_ly, t_qy, run, bin); ``anchors``: the
    (t_ly, t_qy) anchor values; ``names``, ``centre``, ``sigma``, ``lower``, ``upper``: (param,).
    Parameter order: flux, efficiency, ac_<run> (one per run), er, nr, t_ly, t_qy.
    """

    observed: np.ndarray
    ac: np.ndarray
    er: np.ndarray
    rg: np.ndarray
    anchors: tuple[np.ndarray, np.ndarray]
    names: tuple[str, ...]
    centre: np.ndarray
    sigma: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    @property
    def n_runs(self) -> int:
        return self.observed.shape[0]

    def index(self, name: str) -> int:
        return self.names.index(name)


class SignalRows:
    """Signal events S0 + g^2 S1 + g^4 S2 of N points, each (point, anchor) row of run x bin
    computed on first use.

    ``coeffs`` (term, M, A1, A2, run, bin) the coefficients of g^0, g^2, g^4 per mass, ``mass``
    (N,) each point's mass index, ``g2`` (N,) its g^2. A fit visits few anchor cells: the full
    grid of a scan chunk (30 MB) cost more to build than the fits' line searches.
    """

    def __init__(self, coeffs: np.ndarray, mass: np.ndarray, g2: np.ndarray):
        t, m, a1, a2, r, nb = coeffs.shape
        self.coeffs = np.ascontiguousarray(coeffs).reshape(t, m, a1 * a2, r * nb)
        self.mass, self.g2 = np.asarray(mass), np.asarray(g2, float)
        self.points, self.a2, self.cells = self.mass.size, a2, a1 * a2
        self.rows = np.empty((self.points * self.cells, r * nb))  # untouched pages: free
        self.built = np.zeros(self.points * self.cells, bool)

    def table(self, index: np.ndarray) -> np.ndarray:
        """The row table (point x anchor, run bin) with at least the rows ``index`` filled."""
        new = index[~self.built[index]]
        if new.size:
            new = np.unique(new)
            point, cell = np.divmod(new, self.cells)
            m, g2 = self.mass[point], self.g2[point, None]
            val = self.coeffs[1, m, cell] * g2
            val += self.coeffs[0, m, cell]
            val += self.coeffs[2, m, cell] * g2**2
            self.rows[new] = val
            self.built[new] = True
        return self.rows

    def at_anchor(self, i: int, j: int) -> np.ndarray:
        """Every point's row (N, run bin) at the anchor (t_ly, t_qy) index (i, j)."""
        index = np.arange(self.points) * self.cells + i * self.a2 + j
        return self.table(index)[index]


def _cells(t: np.ndarray, grid: np.ndarray):
    """Cell index and fraction of t on an increasing anchor grid (linear extrapolation)."""
    i = np.clip(np.searchsorted(grid, t, side="right") - 1, 0, grid.size - 2)
    width = grid[i + 1] - grid[i]
    return i, (t - grid[i]) / width, width


class _Tables:
    """What one :func:`profile` call reuses: flat templates, data terms, the Jacobian buffer.

    ``signal`` (M, A1, A2, run, bin) becomes rows (M A1 A2, run bin) (a :class:`SignalRows`
    is such a table already), the radiogenic
    template rows (A1 A2, run bin); ``const`` (run + 1, run bin) holds the fixed templates of
    ac_<run> (zero outside its run) and er. Every result row depends on its own point only
    (row-wise sums, no matrix product across points), so a point's fit does not depend on the
    batch it is in.
    """

    def __init__(self, lk: Likelihood, signal: np.ndarray | SignalRows):
        a1, a2 = lk.anchors[0].size, lk.anchors[1].size
        r, nb = lk.observed.shape
        self.lk = lk
        self.r = r
        self.a2 = a2
        self.cells = a1 * a2
        self.signal = signal if isinstance(signal, SignalRows) else signal.reshape(-1, r * nb)
        self.rg = lk.rg.reshape(a1 * a2, r * nb)
        const = np.zeros((r + 1, r, nb))
        for k in range(r):
            const[k, k] = lk.ac[k]
        const[r] = lk.er
        self.const = const.reshape(r + 1, r * nb)
        self.nobs = lk.observed.reshape(-1).astype(float)
        pos = self.nobs > 0
        # sum_b (mu - n + n ln(n/mu)) = sum mu - n . ln mu + this
        self.offset = float((self.nobs[pos] * np.log(self.nobs[pos])).sum() - self.nobs.sum())
        self.inv_sigma = np.where(np.isfinite(lk.sigma), 1.0 / lk.sigma, 0.0)

    def interpolate(self, table, base, cell, derivatives: bool):
        """Bilinear value (N, run bin) of table rows base + cell and, if asked, d/dt_ly,
        d/dt_qy and d2/dt_ly dt_qy; base (N,) or 0, cell = (row, f, h, w1, w2) of (t_ly, t_qy)
        from :meth:`cell`."""
        row, f, h, w1, w2 = cell
        row = base + row
        if isinstance(table, SignalRows):
            corners = row[:, None] + np.array([0, 1, self.a2, self.a2 + 1])
            table = table.table(corners.reshape(-1))
        c00, c10 = table.take(row, axis=0), table.take(row + self.a2, axis=0)
        c01, c11 = table.take(row + 1, axis=0), table.take(row + self.a2 + 1, axis=0)
        e0, e1 = c10 - c00, c11 - c01
        lo = c00 + f * e0
        dq = (c01 + f * e1) - lo
        val = lo + h * dq
        if not derivatives:
            return val, None, None, None
        e1 -= e0
        return val, (e0 + h * e1) / w1, dq / w2, e1 / (w1 * w2)

    def cell(self, theta):
        """Anchor cell (row offset), fractions and widths of theta's (t_ly, t_qy)."""
        r = self.r
        i, f, w1 = _cells(theta[:, r + 4], self.lk.anchors[0])
        j, h, w2 = _cells(theta[:, r + 5], self.lk.anchors[1])
        return i * self.a2 + j, f[:, None], h[:, None], w1[:, None], w2[:, None]

    def mu(self, theta, rows, derivatives: bool):
        """mu (N, run bin) and, if asked, the interpolated s, g and their derivatives."""
        r, lk = self.r, self.lk
        cell = self.cell(theta)
        s = self.interpolate(self.signal, rows * self.cells, cell, derivatives)
        g = self.interpolate(self.rg, 0, cell, derivatives)
        fe = (theta[:, 0] * theta[:, 1])[:, None]
        mu = theta[:, r + 3, None] * g[0] + fe * s[0]
        # + ac_<run> AC + er ER, run by run (a view (N, run, bin) of mu)
        mu3 = mu.reshape(theta.shape[0], r, -1)
        mu3 += theta[:, 2 : r + 2, None] * lk.ac
        mu3 += theta[:, r + 2, None, None] * lk.er
        return np.maximum(mu, 1e-300), s, g

    def objective(self, mu, theta):
        """-2 ln L (up to a data-only constant) from mu (N, run bin) and theta (N, param)."""
        dev = 2.0 * ((mu - self.nobs * np.log(mu)).sum(axis=1) + self.offset)
        pull = (theta - self.lk.centre) * self.inv_sigma
        return dev + (pull**2).sum(axis=1)

    def evaluate(self, theta, rows):
        return self.objective(self.mu(theta, rows, False)[0], theta)


def evaluate(
    lk: Likelihood, signal: np.ndarray | SignalRows, theta: np.ndarray, rows=None
) -> np.ndarray:
    """-2 ln L (up to a data-only constant) at theta (N, param) with signal (M, A1, A2, run, bin)
    (``rows`` (N,) picks each point's signal; default M = N, one per point)."""
    rows = np.arange(theta.shape[0]) if rows is None else np.asarray(rows)
    return _Tables(lk, signal).evaluate(theta, rows)


def _derivatives(tab: _Tables, theta, rows, jac):
    """-2 ln L's gradient (N, param) and Hessian (N, param, param) at theta.

    ``jac`` (N, param, run bin) holds d mu / d theta, its ac and er rows already filled.
    """
    lk, r = tab.lk, tab.r
    mu, (s, s1, s2, s12), (g, g1, g2, g12) = tab.mu(theta, rows, True)
    flux, eff, nr = theta[:, 0, None], theta[:, 1, None], theta[:, r + 3, None]
    fe = flux * eff
    jac[:, 0] = eff * s
    jac[:, 1] = flux * s
    jac[:, r + 3] = g
    jac[:, r + 4] = nr * g1 + fe * s1
    jac[:, r + 5] = nr * g2 + fe * s2
    q = tab.nobs / mu
    resid = 1.0 - q
    grad = 2.0 * (jac @ resid[:, :, None])[:, :, 0]
    grad += 2.0 * tab.inv_sigma**2 * (theta - lk.centre)
    hess = 2.0 * np.matmul(jac * (q / mu)[:, None, :], jac.transpose(0, 2, 1))
    # second derivatives of mu: sum_b resid d2mu/da db for each non-zero pair
    sec = np.stack([s, s1, s2, g1, g2, nr * g12 + fe * s12], axis=1)
    v = 2.0 * (sec @ resid[:, :, None])[:, :, 0]
    t1, t2 = r + 4, r + 5
    pairs = (
        (0, 1, v[:, 0]),
        (0, t1, eff[:, 0] * v[:, 1]),
        (0, t2, eff[:, 0] * v[:, 2]),
        (1, t1, flux[:, 0] * v[:, 1]),
        (1, t2, flux[:, 0] * v[:, 2]),
        (r + 3, t1, v[:, 3]),
        (r + 3, t2, v[:, 4]),
        (t1, t2, v[:, 5]),
    )
    for a, b, val in pairs:
        hess[:, a, b] += val
        hess[:, b, a] += val
    diag = np.arange(theta.shape[1])
    hess[:, diag, diag] += 2.0 * tab.inv_sigma**2
    return grad, hess


def _eigen_solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a^-1 b with a's eigenvalues replaced by their absolute values, floored at 1e-10 of
    the largest (a descent direction where a is indefinite or nearly singular)."""
    evals, evecs = np.linalg.eigh(a)
    scale = np.maximum(np.abs(evals).max(axis=1, keepdims=True), 1e-12)
    evals = np.maximum(np.abs(evals), 1e-10 * scale)
    proj = np.matmul(b[:, None, :], evecs)[:, 0] / evals
    return np.matmul(evecs, proj[:, :, None])[:, :, 0]


def _newton_solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`_eigen_solve` of (N, P, P) symmetric a with unit diagonal and b (N, P).

    Where a is positive definite and det a >= 1e-10 tr(a)^P, the floor cannot bind
    (lambda_min >= det / lambda_max^(P-1) >= 1e-10 lambda_max, as lambda_max <= tr a), so
    the result is plain a^-1 b: a Cholesky solve vectorised over the points (~3/4 of the
    Newton steps of a scan), the eigendecomposition only for the rest (per-matrix LAPACK
    calls, the profile's most expensive step).
    """
    n, p = b.shape
    # not positive definite: garbage (inf, nan) that the eigendecomposition replaces
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        low = np.zeros_like(a)
        pivot = np.empty((n, p))
        for j in range(p):
            lj = low[:, j, :j]
            pivot[:, j] = a[:, j, j] - np.einsum("nk,nk->n", lj, lj)
            low[:, j, j] = np.sqrt(np.maximum(pivot[:, j], 1e-300))
            rest = a[:, j + 1 :, j] - np.einsum("nik,nk->ni", low[:, j + 1 :, :j], lj)
            low[:, j + 1 :, j] = rest / low[:, j, j, None]
        trace = np.einsum("nii->n", a)
        ok = (pivot > 0).all(axis=1) & (pivot.prod(axis=1) >= 1e-10 * trace**p)
        y = np.empty_like(b)
        for i in range(p):
            y[:, i] = (b[:, i] - np.einsum("nk,nk->n", low[:, i, :i], y[:, :i])) / low[:, i, i]
        x = np.empty_like(b)
        for i in reversed(range(p)):
            dot = np.einsum("nk,nk->n", low[:, i + 1 :, i], x[:, i + 1 :])
            x[:, i] = (y[:, i] - dot) / low[:, i, i]
    bad = np.flatnonzero(~ok)
    if bad.size:
        x[bad] = _eigen_solve(a[bad], b[bad])
    return x


def _backtrack(tab: _Tables, rows, th, step, f0, descent, lo, hi):
    """Armijo backtracking of the points whose full step failed: (theta, f) per point.

    The choice is that of one batch over the whole ladder (the longest step satisfying the
    Armijo condition, else the ladder's lowest value), but the ladder is evaluated group by
    group, longest steps first, and a point leaves once a step is accepted: about a third of
    the accept 1/2, so this costs ~1/3 of the evaluations of the full ladder.
    """
    n, n_par = th.shape
    fc = np.full((_ALPHAS.size, n), np.inf)
    cand = np.empty((_ALPHAS.size, n, n_par))
    first = np.full(n, -1)
    todo = np.arange(n)
    for group in _ALPHA_GROUPS:
        ladder = slice(group[0], group[-1] + 1)  # the groups are consecutive indices
        a = _ALPHAS[ladder, None, None]
        c = np.clip(th[todo][None] + a * step[todo][None], lo[todo], hi[todo])
        f = tab.evaluate(c.reshape(-1, n_par), np.tile(rows[todo], len(group)))
        f = f.reshape(len(group), -1)
        cand[ladder, todo] = c
        fc[ladder, todo] = f
        ok = f <= f0[todo][None] + 1e-4 * a[:, :, 0] * descent[todo][None]
        hit = ok.any(axis=0)
        first[todo[hit]] = group[0] + ok[:, hit].argmax(axis=0)
        todo = todo[~hit]
        if todo.size == 0:
            break
    # no step accepted: the lowest value over the whole ladder
    first[todo] = fc[:, todo].argmin(axis=0)
    cols = np.arange(n)
    return cand[first, cols], fc[first, cols]


def profile(
    lk: Likelihood,
    signal: np.ndarray | SignalRows,
    theta0: np.ndarray,
    lower: np.ndarray | None = None,
    upper: np.ndarray | None = None,
    *,
    tol: float = 1e-4,
    max_iter: int = 200,
    strict: bool = True,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Minimise -2 ln L over the nuisances for N points at once.

    ``signal`` (M, A1, A2, run, bin) or :class:`SignalRows` of M points: signal events, one
    template per point (M = N) or picked by ``rows`` (N,) (several starts of one template);
    ``theta0`` (N, param) starting values; ``lower``/``upper`` (N, param) override the bounds
    (equal values fix a parameter).
    Returns (minimum (N,), theta_hat (N, param)). A point's fit does not depend on the other
    points of the batch.
    """
    n_pts, n_par = theta0.shape
    lo = np.broadcast_to(lk.lower if lower is None else lower, (n_pts, n_par))
    hi = np.broadcast_to(lk.upper if upper is None else upper, (n_pts, n_par))
    theta = np.clip(theta0, lo, hi)
    tab = _Tables(lk, signal)
    rows = np.arange(n_pts) if rows is None else np.asarray(rows)
    fval = tab.evaluate(theta, rows)
    # d mu / d theta: the rows of ac_<run> and er are the fixed templates
    jac_buf = np.empty((n_pts, n_par, tab.nobs.size))
    jac_buf[:, 2 : tab.r + 3] = tab.const
    active_pts = np.ones(n_pts, bool)
    for _ in range(max_iter):
        idx = np.flatnonzero(active_pts)
        if idx.size == 0:
            break
        th = theta[idx]
        grad, hess = _derivatives(tab, th, rows[idx], jac_buf[: idx.size])
        span = hi[idx] - lo[idx]
        # a parameter within 1e-10 of the range of a bound counts as on it (a flux of 1e-13
        # left free would make the Hessian indefinite in (flux, efficiency) and stall the fit)
        near = 1e-10 * np.maximum(hi[idx] - lo[idx], 1e-300)
        at_lo = (th <= lo[idx] + near) & (grad > 0)
        at_hi = (th >= hi[idx] - near) & (grad < 0)
        frozen = at_lo | at_hi | (span <= 0)
        g_free = np.where(frozen, 0.0, grad)
        mask = ~frozen
        hess = hess * mask[:, :, None] * mask[:, None, :]
        hess[:, np.arange(n_par), np.arange(n_par)] += frozen
        # Jacobi scaling first (the flux can sit at 1e-7 while t_ly is O(1)), then
        # |eigenvalues| with a floor relative to the scaled Hessian's largest
        diag = np.abs(hess[:, np.arange(n_par), np.arange(n_par)])
        d = 1.0 / np.sqrt(np.maximum(diag, 1e-300))
        step = -d * _newton_solve(hess * d[:, :, None] * d[:, None, :], d * g_free)
        step = np.where(frozen, 0.0, step)
        # line search: the full step first, then all shorter steps at once where it fails
        descent = np.minimum(np.einsum("np,np->n", g_free, step), 0.0)
        new_theta = np.clip(th + step, lo[idx], hi[idx])
        f_new = tab.evaluate(new_theta, rows[idx])
        fail = np.flatnonzero(~(f_new <= fval[idx] + 1e-4 * descent))
        if fail.size:
            new_theta[fail], f_new[fail] = _backtrack(
                tab,
                rows[idx[fail]],
                th[fail],
                step[fail],
                fval[idx][fail],
                descent[fail],
                lo[idx][fail],
                hi[idx][fail],
            )
        better = f_new < fval[idx]
        new_theta = np.where(better[:, None], new_theta, th)
        gain = np.where(better, fval[idx] - f_new, 0.0)
        theta[idx] = new_theta
        fval[idx] = np.where(better, f_new, fval[idx])
        moved = np.abs(new_theta - th).max(axis=1)
        active_pts[idx] = (gain > tol) | ((moved > 1e-9) & (gain > 0.1 * tol))
    else:
        if not strict:
            return fval, theta
        raise ConvergenceError(
            f"XENONnT 8B likelihood: the profile fit did not converge in {max_iter} iterations "
            f"for {int(active_pts.sum())} of {n_pts} points"
        )
    return fval, theta
