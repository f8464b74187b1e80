"""The shared bound machinery (lightmed.bounds): closed-form roots, the bracketing solver on
non-polynomial criteria, the bound dataset and its CSV, against closed forms and brute-force
scans."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from lightmed.bounds import (
    Criterion,
    bound_dataset,
    bounds_table,
    quadratic_exceedance,
    solve_bracketing,
    solve_polynomial,
    write_bounds_csv,
)
from lightmed.errors import ConfigError


def scan_intervals(fun, g_max, n=400_001, g_min=1e-12):
    """Brute force: sign changes of fun on a fine log grid (plus g = 0), as intervals."""
    g = np.concatenate([[0.0], np.geomspace(g_min, g_max, n)])
    exc = fun(g) > 0
    edges = list(g[1:][np.diff(exc.astype(int)) != 0])
    if exc[0]:
        edges.insert(0, 0.0)
    if len(edges) % 2:
        edges.append(g_max)
    return list(zip(edges[0::2], edges[1::2], strict=True)), g[2] / g[1]


@pytest.mark.parametrize(
    ("c", "intervals"),
    [
        ((3.0, -4.0, 1.0), [(0.0, 1.0), (3.0, 10.0)]),
        ((-3.0, 4.0, -1.0), [(1.0, 3.0)]),
        ((-1.0, 0.0, 1e30), [(1e-15, 10.0)]),
        ((5.0, -1e10, 1e28), [(0.0, 10.0)]),  # no real root: always exceeded
        ((-1.0, -1.0, 0.0), []),  # linear, never exceeded
        ((-2.0, 1.0, 0.0), [(2.0, 10.0)]),  # linear crossing
    ],
)
def test_quadratic_exceedance_cases(c, intervals):
    lo, up = quadratic_exceedance(*c, x_max=10.0)
    got = [(a, b) for a, b in zip(lo, up, strict=True) if np.isfinite(a)]
    assert len(got) == len(intervals)
    for (a, b), (ea, eb) in zip(got, intervals, strict=True):
        np.testing.assert_allclose([a, b], [ea, eb], rtol=1e-12, atol=1e-300)


def test_polynomial_solver_against_scan():
    """Random quadratics in g^2 (both interference signs): every interval within one step."""
    rng = np.random.default_rng(3)
    c0 = rng.uniform(-2, 2, 40)
    c1 = rng.choice([-1, 1], 40) * 10 ** rng.uniform(4, 8, 40)
    c2 = 10 ** rng.uniform(12, 16, 40)
    lower, upper = solve_polynomial(Criterion(c0, c1, c2, 2.0), 1e-1)
    for i in range(40):
        ref, step = scan_intervals(lambda g, i=i: c0[i] + c1[i] * g**2 + c2[i] * g**4, 1e-1)
        got = [(a, b) for a, b in zip(lower[i], upper[i], strict=True) if np.isfinite(a)]
        assert len(got) == len(ref), (i, got, ref)
        for (a, b), (ra, rb) in zip(got, ref, strict=True):
            assert ra / step <= a * (1 + 1e-12) and a <= ra * (1 + 1e-12) or a == ra == 0.0
            assert rb / step <= b * (1 + 1e-12) and b <= rb * (1 + 1e-12)


def rational(g, a0, a1, a2, w):
    """Sum over 'nodes' of inverse quadratics: the shape of a Rosseland diffusion time."""
    x = g[..., None] ** 2
    return 1.0 / (w / (a0 + a1 * x + a2 * x * x)).sum(-1)


def test_bracketing_two_crossings_of_a_non_polynomial_function():
    """f(g) = 1/sum_j w_j/(A0 + A1 g^2 + A2 g^4) - threshold with destructive interference:
    it dips below the threshold and rises again -- two crossings, found to <= 1e-12."""
    a0 = np.array([10.0, 20.0, 40.0])
    a1 = np.array([-3e9, -5e9, -9e9])  # destructive interference
    a2 = np.array([3e17, 4e17, 6e17])
    w = np.array([0.2, 0.5, 0.3])
    threshold = 12.0

    def f(g):
        return rational(g, a0, a1, a2, w) - threshold

    lower, upper = solve_bracketing(f, (), 1e-2)
    assert np.isfinite(lower).sum() == 2
    assert lower[0] == 0.0  # f(0) = 1/(sum w/a0) = 19.0 > 12: the SM side fails
    up0, lo1 = upper[0], lower[1]
    np.testing.assert_allclose([f(np.array(up0)), f(np.array(lo1))], 0.0, atol=1e-9)
    ref, step = scan_intervals(f, 1e-2)
    assert len(ref) == 2
    assert ref[0][1] / step <= up0 <= ref[0][1] * (1 + 1e-12)
    assert ref[1][0] / step <= lo1 <= ref[1][0] * (1 + 1e-12)
    assert upper[1] == 1e-2
    # the roots are refined to the requested precision: f changes sign within 1e-12
    for r in (up0, lo1):
        assert np.sign(f(np.array(r * (1 - 1e-12)))) != np.sign(f(np.array(r * (1 + 1e-12))))


def test_bracketing_agrees_with_closed_form_on_polynomials():
    rng = np.random.default_rng(7)
    n = 50
    c0 = rng.uniform(-2, 2, n)
    c1 = rng.choice([-1, 1], n) * 10 ** rng.uniform(4, 8, n)
    c2 = 10 ** rng.uniform(12, 16, n)
    exact = solve_polynomial(Criterion(c0, c1, c2, 2.0), 1e-1)
    hints = np.sqrt(np.abs(-c1 / (2 * c2)))[:, None]  # the stationary point separates pairs

    def f(g):
        x = g**2
        return c0[:, None] + c1[:, None] * x + c2[:, None] * x * x

    got = solve_bracketing(f, (n,), 1e-1, hints=hints)
    for e, b in zip(exact, got, strict=True):
        np.testing.assert_allclose(b[..., :2], e, rtol=1e-12, equal_nan=True)


def test_bracketing_finds_a_crossing_below_the_scan_and_a_close_pair_with_a_hint():
    # crossing at g = 1e-15 < coupling_min = 1e-13: bisected in g on [0, coupling_min]
    lower, _ = solve_bracketing(lambda g: g - 1e-15, (), 1.0, coupling_min=1e-13)
    np.testing.assert_allclose(lower[0], 1e-15, rtol=1e-9)
    # a pair 0.1 % apart inside one scan step: invisible without a hint, found with one
    centre, half = 3e-4, 3e-7

    def f(g):
        return -((g - centre) ** 2 - half**2)

    lo, _ = solve_bracketing(f, (), 1e-2)
    assert np.isnan(lo).all()
    lo, up = solve_bracketing(f, (), 1e-2, hints=np.array([centre]))
    np.testing.assert_allclose([lo[0], up[0]], [centre - half, centre + half], rtol=1e-12)


def test_bracketing_rejects_bad_range():
    with pytest.raises(ConfigError):
        solve_bracketing(lambda g: g, (), -1.0)
    with pytest.raises(ConfigError):
        solve_bracketing(lambda g: g, (), 1.0, coupling_min=2.0)


def test_bound_dataset_status_and_csv(tmp_path):
    lower = np.array([[[0.0, 3e-3], [1e-4, np.nan]], [[2e-5, np.nan], [np.nan, np.nan]]])
    upper = np.array([[[1e-3, 1e-2], [1e-2, np.nan]], [[1e-2, np.nan], [np.nan, np.nan]]])
    status = xr.DataArray(["", "not applicable: no coupling to nu_e"], dims="criterion")
    ds = bound_dataset(
        lower,
        upper,
        ("criterion", "mass"),
        {"criterion": ["a", "b"], "mass": [1.0, 10.0]},
        coupling_max=1e-2,
        coupling_name="g_BL",
        status=status,
    )
    np.testing.assert_array_equal(
        ds["coupling_bound"].values, [[0.0, 1e-4], [np.nan, np.nan]]
    )  # b masked by status
    np.testing.assert_array_equal(ds["n_intervals"].values, [[2, 1], [0, 0]])
    np.testing.assert_array_equal(ds["sm_fails"].values, [[True, False], [False, False]])
    np.testing.assert_allclose(ds["first_crossing"].values[0], [1e-3, 1e-4])
    for name in ds.variables:
        assert {"units", "long_name"} <= set(ds[name].attrs), name
    path = tmp_path / "b.csv"
    write_bounds_csv(ds, path, ["test"])
    df = pd.read_csv(path, comment="#", keep_default_na=False, na_values=[""])
    assert list(df.columns) == [
        "criterion",
        "mass_mev",
        "coupling_bound",
        "n_intervals",
        "interval",
        "excluded_lower",
        "excluded_upper",
        "status",
    ]
    assert len(df) == 2 + 1 + 1 + 1  # one row per interval, one for each empty entry
    assert (df.loc[df.criterion == "b", "interval"] == -1).all()
    assert df.loc[df.criterion == "b", "status"].str.startswith("not applicable").all()
    assert "g_BL" in path.read_text().splitlines()[0]
    np.testing.assert_allclose(
        bounds_table(ds)["excluded_upper"].dropna().values, [1e-3, 1e-2, 1e-2]
    )


def test_bounds_table_has_leading_dims_for_sensitivity_like_datasets():
    """The same table for a sensitivity-shaped dataset (sigma_norm, mass; inf upper edges)."""
    lower = np.array([[[1e-5, np.nan]], [[2e-5, 1e-3]]])
    upper = np.array([[[np.inf, np.nan]], [[1e-4, np.inf]]])
    ds = bound_dataset(
        lower,
        upper,
        ("sigma_norm", "mass"),
        {"sigma_norm": [0.1, 0.25], "mass": [5.0]},
        coupling_max=1.0,
    )
    df = bounds_table(ds)
    assert list(df.columns[:2]) == ["sigma_norm", "mass_mev"]
    assert len(df) == 3 and np.isinf(df["excluded_upper"]).sum() == 2
