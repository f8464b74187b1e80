"""The batched Poisson profiler of the constraints stage against a generic minimiser."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from lightmed.constraints.profile import deviance, profile


def objective(theta, templates, n, sigma):
    prior = np.where(
        np.isfinite(sigma), (theta - 1) ** 2 / np.where(np.isfinite(sigma), sigma, 1) ** 2, 0
    )
    return deviance(theta @ templates, n) + prior.sum()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_profile_matches_nelder_mead(seed):
    rng = np.random.default_rng(seed)
    templates = np.abs(rng.normal(4.0, 2.0, (4, 3, 30)))
    n = rng.poisson(templates[0].sum(0) * rng.uniform(0.6, 1.4)).astype(float)
    sigma = np.array([0.1, 0.25, np.inf])
    value, theta = profile(templates, n, sigma)
    for k in range(4):
        ref = minimize(
            objective,
            np.ones(3),
            args=(templates[k], n, sigma),
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000},
        )
        assert value[k] == pytest.approx(ref.fun, abs=1e-6)


def test_parameter_at_its_bound_does_not_freeze_the_others():
    # a huge signal template with a free background: the optimum puts the background at its
    # bound (0) and scales the signal to the data, 1e4 theta_s = 10 -> theta_s = 1e-3; a plain
    # fraction-to-the-boundary Newton step would stop with theta_s = 1
    bkg = np.full(20, 10.0)
    templates = np.stack([np.full(20, 1e4), bkg])[None]
    n = np.full(20, 10.0)
    value, theta = profile(templates, n, np.array([0.1, np.inf]))
    assert theta[0, 0] == pytest.approx(1e-3, rel=1e-3)
    assert theta[0, 1] < 1e-5
    assert value[0] == pytest.approx((1 - 1e-3) ** 2 / 0.01, rel=1e-4)
