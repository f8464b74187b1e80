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
fixed ladder of step lengths evaluated in one batch.
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


def _cells(t: np.ndarray, grid: np.ndarray):
    """Cell index and fraction of t on an increasing anchor grid (linear extrapolation)."""
    i = np.clip(np.searchsorted(grid, t, side="right") - 1, 0, grid.size - 2)
    width = grid[i + 1] - grid[i]
    return i, (t - grid[i]) / width, width


def _bilinear(corners, f, h, w1, w2, derivatives: bool = True):
    """Value, d/dt1, d/dt2, d2/dt1dt2 from the 4 corner arrays (N, ...)."""
    c00, c10, c01, c11 = corners
    sh = (-1,) + (1,) * (c00.ndim - 1)
    f, h, w1, w2 = (x.reshape(sh) for x in (f, h, w1, w2))
    val = (1 - h) * (c00 + f * (c10 - c00)) + h * (c01 + f * (c11 - c01))
    if not derivatives:
        return val, None, None, None
    d1 = ((1 - h) * (c10 - c00) + h * (c11 - c01)) / w1
    d2 = ((1 - f) * (c01 - c00) + f * (c11 - c10)) / w2
    d12 = (c11 - c10 - c01 + c00) / (w1 * w2)
    return val, d1, d2, d12


def _corners(arr, i, j, rows=None):
    """Corners of the (t_ly, t_qy) cell (i, j) from arr (N?, A1, A2, ...)."""
    if rows is None:
        return arr[i, j], arr[i + 1, j], arr[i, j + 1], arr[i + 1, j + 1]
    return (arr[rows, i, j], arr[rows, i + 1, j], arr[rows, i, j + 1], arr[rows, i + 1, j + 1])


def _terms(lk: Likelihood, signal, theta, derivatives: bool, rows=None):
    """mu (N, run, bin) and, if asked, the Jacobian and the second-derivative pieces.

    ``rows`` (N,) picks the signal template of each point (default: one per point).
    """
    n = theta.shape[0]
    r = lk.n_runs
    p_flux, p_eff = 0, 1
    p_er, p_nr, p_t1, p_t2 = r + 2, r + 3, r + 4, r + 5
    i, f, w1 = _cells(theta[:, p_t1], lk.anchors[0])
    j, h, w2 = _cells(theta[:, p_t2], lk.anchors[1])
    rows = np.arange(n) if rows is None else rows
    s, s1, s2, s12 = _bilinear(_corners(signal, i, j, rows), f, h, w1, w2, derivatives)
    g, g1, g2, g12 = _bilinear(_corners(lk.rg, i, j), f, h, w1, w2, derivatives)
    sh = (n, 1, 1)
    flux = theta[:, p_flux].reshape(sh)
    eff = theta[:, p_eff].reshape(sh)
    nr = theta[:, p_nr].reshape(sh)
    ac = theta[:, 2 : 2 + r][:, :, None] * lk.ac[None]
    mu = ac + theta[:, p_er].reshape(sh) * lk.er[None] + nr * g + flux * eff * s
    if not derivatives:
        return mu, None, None
    jac = np.zeros((*mu.shape, theta.shape[1]))
    jac[..., p_flux] = eff * s
    jac[..., p_eff] = flux * s
    for k in range(r):
        jac[:, k, :, 2 + k] = lk.ac[k]
    jac[..., p_er] = lk.er[None]
    jac[..., p_nr] = g
    jac[..., p_t1] = nr * g1 + flux * eff * s1
    jac[..., p_t2] = nr * g2 + flux * eff * s2
    second = {
        (p_flux, p_eff): s,
        (p_flux, p_t1): eff * s1,
        (p_flux, p_t2): eff * s2,
        (p_eff, p_t1): flux * s1,
        (p_eff, p_t2): flux * s2,
        (p_nr, p_t1): g1,
        (p_nr, p_t2): g2,
        (p_t1, p_t2): nr * g12 + flux * eff * s12,
    }
    return mu, jac, second


def _objective(lk: Likelihood, mu: np.ndarray, theta: np.ndarray) -> np.ndarray:
    nobs = lk.observed[None]
    mu = np.maximum(mu, 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.where(nobs > 0, nobs * np.log(nobs / mu), 0.0)
    dev = 2.0 * (mu - nobs + log_term).sum(axis=(1, 2))
    pull = np.where(np.isfinite(lk.sigma), (theta - lk.centre) / lk.sigma, 0.0)
    return dev + (pull**2).sum(axis=1)


def evaluate(lk: Likelihood, signal: np.ndarray, theta: np.ndarray, rows=None) -> np.ndarray:
    """-2 ln L (up to a data-only constant) at theta (N, param) with signal (M, A1, A2, run, bin)
    (``rows`` (N,) picks each point's signal; default M = N, one per point)."""
    mu, _, _ = _terms(lk, signal, theta, derivatives=False, rows=rows)
    return _objective(lk, mu, theta)


def _backtrack(lk, signal, rows, th, step, f0, descent, lo, hi):
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
        a = _ALPHAS[list(group), None, None]
        c = np.clip(th[todo][None] + a * step[todo][None], lo[todo], hi[todo])
        f = evaluate(lk, signal, c.reshape(-1, n_par), np.tile(rows[todo], len(group)))
        f = f.reshape(len(group), -1)
        cand[list(group)[0] : list(group)[-1] + 1, todo] = c
        fc[list(group)[0] : list(group)[-1] + 1, todo] = f
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
    signal: np.ndarray,
    theta0: np.ndarray,
    lower: np.ndarray | None = None,
    upper: np.ndarray | None = None,
    *,
    tol: float = 1e-4,
    max_iter: int = 200,
    strict: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Minimise -2 ln L over the nuisances for N points at once.

    ``signal`` (N, A1, A2, run, bin): signal events per point; ``theta0`` (N, param) starting
    values; ``lower``/``upper`` (N, param) override the bounds (equal values fix a parameter).
    Returns (minimum (N,), theta_hat (N, param)).
    """
    n_pts, n_par = theta0.shape
    lo = np.broadcast_to(lk.lower if lower is None else lower, (n_pts, n_par))
    hi = np.broadcast_to(lk.upper if upper is None else upper, (n_pts, n_par))
    theta = np.clip(theta0, lo, hi)
    inv_var = np.where(np.isfinite(lk.sigma), 1.0 / lk.sigma**2, 0.0)
    nobs = lk.observed[None]
    fval = evaluate(lk, signal, theta)
    active_pts = np.ones(n_pts, bool)
    for _ in range(max_iter):
        idx = np.flatnonzero(active_pts)
        if idx.size == 0:
            break
        th = theta[idx]
        mu, jac, second = _terms(lk, signal, th, derivatives=True, rows=idx)
        mu = np.maximum(mu, 1e-300)
        resid = 1.0 - nobs / mu
        jf = jac.reshape(idx.size, -1, n_par)
        grad = 2.0 * np.matmul(resid.reshape(idx.size, 1, -1), jf)[:, 0]
        grad += 2.0 * inv_var * (th - lk.centre)
        wj = jf * (nobs / mu**2).reshape(idx.size, -1, 1)
        hess = 2.0 * np.matmul(jf.transpose(0, 2, 1), wj)
        for (a, b), arr in second.items():
            v = 2.0 * (resid * arr).sum(axis=(1, 2))
            hess[:, a, b] += v
            hess[:, b, a] += v
        hess[:, np.arange(n_par), np.arange(n_par)] += 2.0 * inv_var
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
        evals, evecs = np.linalg.eigh(hess * d[:, :, None] * d[:, None, :])
        scale = np.maximum(np.abs(evals).max(axis=1, keepdims=True), 1e-12)
        evals = np.maximum(np.abs(evals), 1e-10 * scale)
        step = -d * np.einsum("npk,nk,nqk,nq->np", evecs, 1.0 / evals, evecs, d * g_free)
        step = np.where(frozen, 0.0, step)
        # line search: the full step first, then all shorter steps at once where it fails
        descent = np.minimum(np.einsum("np,np->n", g_free, step), 0.0)
        new_theta = np.clip(th + step, lo[idx], hi[idx])
        f_new = evaluate(lk, signal, new_theta, idx)
        fail = np.flatnonzero(~(f_new <= fval[idx] + 1e-4 * descent))
        if fail.size:
            new_theta[fail], f_new[fail] = _backtrack(
                lk,
                signal,
                idx[fail],
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
