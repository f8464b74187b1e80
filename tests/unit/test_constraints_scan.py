"""The common constraints code: Scan -> intervals, coupling_bound, artifact and CSV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq

from lightmed.constraints import EXPERIMENTS, Scan, get_experiment
from lightmed.constraints.scan import (
    constraints_table,
    excluded_intervals,
    scan_dataset,
    write_constraints_csv,
)
from lightmed.errors import ConfigError
from lightmed.io import read_artifact, write_artifact

THR = 2.705543454095404  # chi2.ppf(0.9, 1)
G = np.geomspace(1e-7, 1e-2, 801)


def poisson_neg2dlnl(mu, n):
    mu = np.maximum(mu, 1e-300)
    return 2.0 * (mu - n + np.where(n > 0, n * np.log(n / mu), 0.0))


def make_scan(values, sm, best=None):
    values = np.atleast_2d(values)
    best = np.zeros(values.shape[0]) if best is None else best
    return Scan(G, values, best, np.atleast_1d(sm), attrs={"title": "Toy (2026)", "year": 2026})


def test_parabola_gives_the_analytic_bound():
    sigma = np.array([1e-5, 3e-4])[:, None]
    scan = make_scan((G / sigma) ** 2, [0.0, 0.0])
    ds = scan_dataset(scan, [1.0, 10.0], experiment="toy", model="vector")
    expected = sigma[:, 0] * np.sqrt(THR)
    np.testing.assert_allclose(ds["coupling_bound"].values, expected, rtol=1e-3)
    assert (ds["n_intervals"].values == 1).all()
    np.testing.assert_allclose(ds["interval_upper"].values[:, 0], G[-1])
    assert ds.attrs["threshold"] == pytest.approx(THR)


def test_parabola_in_g4_between_grid_points_is_interpolated():
    # bound far from a grid point on a coarse grid: log-linear interpolation of a smooth curve
    g = np.geomspace(1e-7, 1e-2, 61)
    s = 2.345e-5
    scan = Scan(g, ((g / s) ** 4)[None], [0.0], [0.0])
    ds = scan_dataset(scan, [1.0], experiment="toy", model="vector")
    assert ds["coupling_bound"].item() == pytest.approx(s * THR**0.25, rel=0.03)


def test_island_above_the_lower_edge_is_a_second_interval():
    # excluded on [2e-5, 5e-5], allowed island up to 3e-4, excluded above
    lg = np.log(G)
    f = np.where(G < 1e-4, 10 * np.sin(np.pi * (lg - np.log(2e-5)) / np.log(2.5)), 0.0)
    f = np.where(G > 3e-4, 10 * np.log(G / 3e-4) * 10, f)
    f = np.where((G >= 2e-5) & (G <= 5e-5), np.abs(f) + THR, np.minimum(f, 0.0) + 0.0)
    f = np.where(G > 3e-4, 10 * np.log(G / 3e-4) * 10, f)
    ds = scan_dataset(make_scan(f, 0.0), [1.0], experiment="toy", model="vector")
    assert ds["n_intervals"].item() == 2
    lo, hi = ds["interval_lower"].values[0], ds["interval_upper"].values[0]
    assert lo[0] == pytest.approx(2e-5, rel=0.02)
    assert hi[0] == pytest.approx(5e-5, rel=0.02)
    assert 3e-4 < lo[1] < 3.2e-4
    assert hi[1] == G[-1]
    assert ds["coupling_bound"].item() == lo[0]


def test_deficit_at_destructive_interference_is_excluded_and_island_reported():
    # vector-like: mu(g) = N0 (1 - g^2/g0^2)^2; data at the SM rate. The deficit around g0 is
    # excluded, the rate returns to N0 at sqrt(2) g0 (allowed island), excluded above.
    n0, g0 = 100.0, 1e-4
    mu = n0 * (1.0 - (G / g0) ** 2) ** 2
    scan = make_scan(poisson_neg2dlnl(mu, n0), 0.0)
    ds = scan_dataset(scan, [1.0], experiment="toy", model="vector")
    assert ds["n_intervals"].item() == 2
    lo, hi = ds["interval_lower"].values[0], ds["interval_upper"].values[0]
    assert lo[0] < g0 < hi[0] < np.sqrt(2) * g0 < lo[1]

    # the edges are the roots of the Poisson statistic = threshold (grid spacing 1.4 %)
    def f(g):
        return poisson_neg2dlnl(n0 * (1.0 - (g / g0) ** 2) ** 2, n0) - THR

    exact = [brentq(f, 1e-5, 0.99 * g0), brentq(f, g0, 1.41 * g0), brentq(f, 1.42 * g0, 1e-3)]
    np.testing.assert_allclose([lo[0], hi[0], lo[1]], exact, rtol=2e-3)
    assert ds["sm_excluded"].item() == 0


def test_sm_disfavoured_starts_an_interval_at_zero_and_bound_is_above_it():
    # best fit at g_hat = 5e-5 with the SM at -2DlnL = 9: [0, g1] excluded, g > g2 excluded
    ghat = 5e-5
    f = ((G**2 - ghat**2) / (ghat**2 / 3.0)) ** 2
    ds = scan_dataset(make_scan(f, 9.0, [ghat]), [1.0], experiment="toy", model="scalar")
    lo, hi = ds["interval_lower"].values[0], ds["interval_upper"].values[0]
    assert lo[0] == 0.0 and hi[0] < ghat < lo[1]
    assert ds["coupling_bound"].item() == lo[1]
    assert ds["sm_excluded"].item() == 1


def test_nothing_excluded_is_nan_and_one_csv_row(tmp_path):
    ds = scan_dataset(make_scan(np.zeros_like(G), 0.0), [1.0], experiment="toy", model="v")
    assert np.isnan(ds["coupling_bound"].item())
    table = constraints_table(ds)
    assert list(table["interval"]) == [-1]


def test_artifact_and_csv_round_trip(tmp_path):
    sigma = np.array([1e-5, 3e-4, 1e-3])[:, None]
    scan = make_scan((G / sigma) ** 2, [0.0, 0.0, 0.0])
    scan.attrs.update(statistic="binned Poisson", nuisances={"flux": "10 % Gaussian"})
    ds = scan_dataset(scan, [1.0, 10.0, 100.0], experiment="toy", model="vector")
    nc = write_artifact(ds, tmp_path / "toy_vector.nc", stage="constraints", title="t", rule="r")
    back = read_artifact(nc, stage="constraints")
    np.testing.assert_allclose(back["coupling_bound"], ds["coupling_bound"])
    assert back.attrs["nuisances"] == "flux: 10 % Gaussian"
    write_constraints_csv(ds, tmp_path / "toy_vector.csv")
    text = (tmp_path / "toy_vector.csv").read_text()
    assert "statistic: binned Poisson" in text
    df = pd.read_csv(tmp_path / "toy_vector.csv", comment="#")
    assert {"mass_mev", "coupling_bound", "interval_lower", "interval_upper", "best_fit"} <= set(
        df.columns
    )
    np.testing.assert_allclose(df["coupling_bound"], ds["coupling_bound"].values, rtol=1e-7)


def test_direct_interval_finder_shapes():
    lo, hi = excluded_intervals(G, np.zeros((3, G.size)), np.zeros(3), THR)
    assert lo.shape == (3, 2) and np.isnan(lo).all()


def test_scan_rejects_bad_shapes():
    with pytest.raises(ValueError, match="increasing"):
        Scan(G[::-1], np.zeros((1, G.size)), [0.0], [0.0])
    with pytest.raises(ValueError, match="shape"):
        Scan(G, np.zeros((1, 3)), [0.0], [0.0])


def test_registry_and_unknown_experiment():
    assert set(EXPERIMENTS) == {"coherent_csi2017", "xenonnt_8b", "xenon1t_s2only", "xenon1t_st21"}
    with pytest.raises(ConfigError, match="unknown experiment"):
        get_experiment("nope")


def test_experiment_modules_do_not_import_scipy_stats():
    """The Snakefile's parse imports every experiment module (constraints_plan): none may pull
    in scipy.stats (1.3 s per snakemake start, issue 14); the 90 % cap keeps its value."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from lightmed.constraints import EXPERIMENTS, get_experiment\n"
        "for name in EXPERIMENTS: get_experiment(name)\n"
        "from lightmed.constraints import xenon1t_st21\n"
        "print('scipy.stats' in sys.modules, repr(xenon1t_st21.THRESHOLD_90))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    from scipy import stats

    assert out.stdout.split() == ["False", repr(float(stats.chi2.ppf(0.9, 1)))]
