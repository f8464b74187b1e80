"""XENONnT 8B CEvNS likelihood (lightmed.constraints.xenonnt): reading, folding, profile, scan."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import xarray as xr

from lightmed.constants import YEAR_S
from lightmed.constraints import xenonnt as X
from lightmed.constraints import xenonnt_fit as F
from lightmed.constraints import xenonnt_release as R
from lightmed.errors import ConfigError, InputError
from lightmed.models import get_model

from helpers import REPO, assert_as_printed

SHIPPED = REPO / "resources" / "constraints" / "xenonnt_8b"


@pytest.fixture(scope="module")
def data():
    return X.load(SHIPPED, {})


@pytest.fixture
def release(shared_data):
    path = shared_data / "detectors" / "xenonnt_cevns_2026"
    if not path.is_dir():
        pytest.skip(f"{path} not present")
    return path


def test_experiment_object():
    assert X.EXPERIMENT.name == "xenonnt_8b"
    assert "10.5281/zenodo.20576156" in X.EXPERIMENT.where
    assert X.EXPERIMENT.title


def test_shipped_file_contents(data):
    assert data.runs == ("sr0", "sr1", "sr2")
    np.testing.assert_allclose(data.livetime, [1.174398, 2.342593, 3.249665])
    np.testing.assert_array_equal(data.observed.sum(axis=1), [9, 28, 25])
    assert data.mono.shape == (3, 7, 7, 46, 81)
    assert data.rg.shape == (3, 7, 7, 81)
    # efficiency is a fraction and rises from ~0 at 0.5 keV
    assert np.all((data.mono >= 0) & (data.mono <= 1))
    assert data.mono[:, 3, 3, 0].sum() < 1e-3 < data.mono[:, 3, 3, -1].sum(axis=-1).min()


def test_shipped_file_equals_release(release, data):
    """A sample of templates read from the release with inference_interface, bit for bit."""
    edges = R._binning(release / "binning" / "sr1.yaml")
    np.testing.assert_array_equal(edges, data.edges[1])
    t = release / "templates" / "sr1"
    ac = R._template(t / "ac" / "template_XENONnT_sr1_ac_cevns.h5", edges)
    np.testing.assert_array_equal(ac, data.ac[1])
    rg = R._template(t / "rg" / "template_XENONnT_sr1_rg_cevns_tly_-2.0_tqy_1.0.h5", edges)
    np.testing.assert_array_equal(rg, data.rg[1, 1, 4])
    f = "template_XENONnT_sr1_mono_2.300_cevns_tly_1.0_tqy_-3.0.h5"
    np.testing.assert_array_equal(R._template(t / "mono" / f, edges), data.mono[1, 4, 0, 18])
    obs = R._observed(release / "data" / "sr1.csv", edges)
    np.testing.assert_array_equal(obs, data.observed[1])


def _fake_release(release, tmp_path):
    root = tmp_path / "release"
    for sub in ("binning", "data"):
        shutil.copytree(release / sub, root / sub)
    (root / "templates").mkdir()
    return root


def test_missing_template_names_the_file(release, tmp_path):
    root = _fake_release(release, tmp_path)
    with pytest.raises(InputError, match=r"template_XENONnT_sr0_ac_cevns\.h5: template file"):
        X.load(root, {})


def test_wrong_shape_template_names_the_file(release, tmp_path):
    import inference_interface
    import multihist

    root = _fake_release(release, tmp_path)
    bad = root / "templates" / "sr0" / "ac" / "template_XENONnT_sr0_ac_cevns.h5"
    bad.parent.mkdir(parents=True)
    edges = R._binning(root / "binning" / "sr0.yaml")
    h = multihist.Histdd(bins=[edges[0], edges[1], edges[2]], axis_names=["a", "b", "c"])
    inference_interface.multihist_to_template([h], str(bad), ["template"])
    with pytest.raises(InputError, match=r"sr0_ac_cevns\.h5: template of shape \(3, 3, 3\)"):
        X.load(root, {})


def test_data_csv_missing_column(release, tmp_path):
    root = _fake_release(release, tmp_path)
    csv = root / "data" / "sr0.csv"
    csv.write_text(csv.read_text().replace("s1_bdt_score", "s1_score"))
    with pytest.raises(InputError, match=r"sr0\.csv: missing column\(s\) s1_bdt_score"):
        X.load(root, {})


def test_derived_file_wrong_shape(tmp_path):
    with xr.open_dataset(SHIPPED / R.DERIVED_FILE) as ds:
        bad = ds.load().isel(energy=slice(0, 10))
    out = tmp_path / R.DERIVED_FILE
    bad.to_netcdf(out)
    with pytest.raises(InputError, match=rf"{R.DERIVED_FILE}: variable mono has shape"):
        X.load(tmp_path, {})


def test_settings(data):
    sub = X.load(SHIPPED, {"runs": ["sr0", "sr1"], "flux_uncertainty": 0.04})
    assert sub.runs == ("sr0", "sr1") and sub.flux_uncertainty == 0.04
    np.testing.assert_array_equal(sub.observed, data.observed[:2])
    assert X.likelihood(sub).names[2:4] == ("ac_sr0", "ac_sr1")
    with pytest.raises(ConfigError, match="flux_uncertainty"):
        X.load(SHIPPED, {"flux_uncertainty": 0})
    with pytest.raises(ConfigError, match="runs"):
        X.load(SHIPPED, {"runs": ["sr3"]})


@pytest.mark.slow
def test_release_as_distributed_equals_shipped(release, data):
    """load() reads the release itself (about 7000 template files) to the same arrays."""
    full = X.load(release, {})
    for k in ("livetime", "observed", "ac", "er", "rg", "mono", "edges"):
        np.testing.assert_array_equal(getattr(full, k), getattr(data, k), err_msg=k)


def test_missing_path_says_where(tmp_path):
    with pytest.raises(InputError, match="10.5281/zenodo.20576156"):
        X.load(tmp_path / "nothing", {})


def test_fold_weights_integrate_piecewise_linear_exactly():
    e = X.MONO_ENERGIES_KEV
    nodes, w = X._fold_nodes(e)
    eff = np.sin(e) ** 2  # any values at the anchors; linear in between
    f = nodes**3  # smooth spectrum
    fine = np.linspace(e[0], e[-1], 200001)
    ref = np.trapezoid(fine**3 * np.interp(fine, e, eff), fine)
    assert f @ (w @ eff) == pytest.approx(ref, rel=1e-8)


def test_sm_signal_is_the_folded_rate(data):
    """S0 summed over bins = livetime x int dR/dE eff_total(E) dE, computed independently."""
    c = X.signal_coefficients(data, get_model("scalar"), np.array([1.0, 100.0]))
    assert c.shape == (3, 2, 7, 7, 3, 81)
    np.testing.assert_array_equal(c[0, 0], c[0, 1])
    from lightmed import rates

    fine = np.linspace(0.5, 5.0, 4501)
    ds = rates.differential_rates(data.flux, data.target, get_model("scalar"), [1.0], fine)
    for r in range(3):
        eff = np.interp(fine, data.energies, data.mono[r, 3, 3].sum(axis=1))
        ref = np.trapezoid(ds["rate_sm"].values * eff, fine) * YEAR_S * data.livetime[r]
        assert c[0, 0, 3, 3, r].sum() == pytest.approx(ref, rel=1e-5)
    # a scalar adds events only (no interference), growing with g
    assert np.all(c[1] >= 0) and np.all(c[2] >= 0) and c[2].sum() > 0


def test_profile_agrees_with_scipy(data):
    """The vectorised Newton fit finds the same minimum as L-BFGS-B from several starts."""
    from scipy.optimize import minimize

    lk = X.likelihood(data)
    c = X.signal_coefficients(data, get_model("vector"), np.array([10.0]))
    g2 = 2e-5**2
    sig = c[0] + g2 * c[1] + g2**2 * c[2]
    fmin, theta = F.profile(lk, sig, lk.centre[None])
    best = np.inf
    rng = np.random.default_rng(1)
    for k in range(4):
        x0 = lk.centre + (0 if k == 0 else rng.normal(0, 0.3, lk.centre.size))
        x0 = np.clip(x0, lk.lower + 0.01, lk.upper - 0.01)
        res = minimize(
            lambda x: F.evaluate(lk, sig, x[None])[0],
            x0,
            method="L-BFGS-B",
            bounds=list(zip(lk.lower, lk.upper, strict=True)),
            options={"ftol": 1e-14, "gtol": 1e-9, "maxiter": 5000},
        )
        best = min(best, res.fun)
    assert fmin[0] <= best + 1e-3
    assert fmin[0] == pytest.approx(best, abs=2e-3)


def test_b8_flux_fit_sr0_sr1_against_prl133(data):
    """PRL 133 (2024) 191002: 4.7 +3.6 -2.3 x 1e6 cm^-2 s^-1, 2.73 sigma (SR0 + SR1)."""
    r = X.fit_b8_flux(data, ("sr0", "sr1"))
    assert 2.4e6 < r["flux_hat"] < 8.3e6  # inside the published 68 % interval
    assert r["flux_lo"] < r["flux_hat"] < r["flux_hi"]
    assert r["significance"] == pytest.approx(2.73, abs=0.4)
    # lightmed's own numbers, docs/physics.md §7.4: 6.05 (+4.70 -2.83) x 1e6, q0 7.51, 2.74 sigma
    got = [r["flux_hat"], r["flux_hi"] - r["flux_hat"], r["flux_hat"] - r["flux_lo"]]
    assert_as_printed(got, "6.05e6 4.70e6 2.83e6", "flux fit")
    assert_as_printed([r["q0"], r["significance"]], "7.51 2.74", "flux fit")


def test_scan_scalar_and_vector(data):
    masses = np.array([0.01, 100.0, 1000.0])
    g = np.logspace(-7, -2, 121)
    s = X.scan(data, get_model("scalar"), masses, g)
    assert s.neg2dlnl.shape == (3, 121)
    assert np.all(s.neg2dlnl >= 0) and np.all(s.neg2dlnl_sm >= 0)
    lim = np.array([g[np.argmax(row > 2.706)] for row in s.neg2dlnl])
    assert 3e-6 < lim[0] < 3e-5
    # heavy mediator: contact interaction, g^2/m^2 fixed -> the limit scales with m
    assert lim[2] / lim[1] == pytest.approx(10.0, rel=0.15)
    assert {"statistic", "test_statistic", "reference_point", "nuisances"} <= set(s.attrs)
    assert s.extras["expected_events"].sel(component="observed").values.tolist() == [9, 28, 25]
    for da in s.extras.values():  # artifacts need units and long_name everywhere (lightmed.io)
        for v in (da, *da.coords.values()):
            assert {"units", "long_name"} <= set(v.attrs), v.name
    v = X.scan(data, get_model("vector"), masses[:1], g)
    # destructive interference: the deficit below the best fit is excluded (lower edge),
    # an allowed island lies above it
    row = v.neg2dlnl[0]
    edge = g[np.argmax(row > 2.706)]
    assert v.best_fit[0] > edge
    assert row[np.argmin(np.abs(g - v.best_fit[0]))] < 2.706
