"""Binned Poisson likelihood with linear (normalisation) nuisances, profiled in batch.

Expected counts per bin b: mu_b = sum_k theta_k T_kb, with templates T (component k, bin b)
that may differ per problem (batch axes first), and Gaussian priors theta_k ~ N(1, sigma_k)
(sigma_k = inf: a free normalisation). The statistic

    -2 ln L = 2 sum_b [mu_b - n_b + n_b ln(n_b / mu_b)] + sum_k ((theta_k - 1)/sigma_k)^2

(Poisson deviance, 0 for a perfect fit) is minimised over theta >= 0 by Newton steps (the
objective is convex in theta because mu is linear in it) shortened to stay inside theta >= 0:
gradient 2 sum (1 - n/mu) T_k + prior, Hessian 2 sum n T_k T_l / mu^2 + prior; a
normalisation held at its bound drops out of the step (projected Newton).
All problems of a batch are solved together.
"""

from __future__ import annotations

import numpy as np

THETA_MIN = 1e-6


def deviance(mu: np.ndarray, n: np.ndarray) -> np.ndarray:
    """2 sum [mu - n + n ln(n/mu)] over the last axis (bins)."""
    mu = np.maximum(mu, 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.where(n > 0, n * np.log(np.where(n > 0, n, 1.0) / mu), 0.0)
    return 2.0 * np.sum(mu - n + log_term, axis=-1)


def profile(
    templates: np.ndarray,
    data: np.ndarray,
    sigma: np.ndarray,
    *,
    iterations: int = 60,
    theta0: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Minimise -2 ln L over the normalisations theta.

    Parameters
    ----------
    templates : numpy.ndarray
        (..., K, B): expected counts per bin of each component at theta = 1.
    data : numpy.ndarray
        (B,): observed counts.
    sigma : numpy.ndarray
        (K,): Gaussian prior width of each theta around 1 (inf: free).

    Returns
    -------
    neg2lnl, theta : numpy.ndarray
        (...,) minimum of -2 ln L and (..., K) the profiled normalisations.
    """
    t = np.asarray(templates, float)
    n = np.asarray(data, float)
    sig = np.asarray(sigma, float)
    batch, (k, nb) = t.shape[:-2], t.shape[-2:]
    prior_w = np.where(np.isfinite(sig), 1.0 / np.where(np.isfinite(sig), sig, 1.0) ** 2, 0.0)
    tf = t.reshape(-1, k, nb)
    theta = np.ones((tf.shape[0], k)) if theta0 is None else np.array(theta0, float)
    theta = theta.reshape(-1, k)
    eye = np.eye(k)
    active = np.arange(tf.shape[0])  # problems not yet converged
    for _ in range(iterations):
        ta, th = tf[active], theta[active]
        mu = np.maximum(np.einsum("pk,pkb->pb", th, ta), 1e-300)
        grad = 2.0 * np.einsum("pb,pkb->pk", 1.0 - n / mu, ta) + 2.0 * prior_w * (th - 1.0)
        hess = 2.0 * ((ta * (n / mu**2)[:, None, :]) @ ta.transpose(0, 2, 1))
        hess += 2.0 * prior_w * eye + 1e-12 * np.trace(hess, axis1=1, axis2=2)[:, None, None] * eye
        # projected Newton: a normalisation at its bound that the gradient pushes further down
        # is held there (its row and column become the identity, its step 0), so the others
        # still move; without this one blocked parameter would freeze the whole step
        held = (th <= 2.0 * THETA_MIN) & (grad > 0)
        if held.any():
            keep = ~held
            hess = hess * keep[:, :, None] * keep[:, None, :] + eye * held[:, :, None]
            grad = np.where(held, 0.0, grad)
        step = -np.linalg.solve(hess, grad[..., None])[..., 0]
        # the objective is convex in theta (mu is linear): Newton steps, shortened so that
        # theta stays >= 0 (fraction to the boundary), keeping mu >= 0 for templates >= 0
        with np.errstate(divide="ignore", invalid="ignore"):
            room = np.where(step < 0, -0.9 * th / step, np.inf)
        lam = np.minimum(1.0, np.min(room, axis=-1))
        new = np.maximum(th + lam[:, None] * step, THETA_MIN)
        theta[active] = new
        moved = np.max(np.abs(new - th) / np.maximum(new, 1e-3), axis=-1)
        active = active[moved >= 1e-7]
        if active.size == 0:
            break
    theta = theta.reshape(batch + (k,))
    mu = np.einsum("...k,...kb->...b", theta, t)
    value = deviance(mu, n) + np.sum(prior_w * (theta - 1.0) ** 2, axis=-1)
    return value, theta
