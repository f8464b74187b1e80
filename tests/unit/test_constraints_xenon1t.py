"""XENON1T S2-only likelihood and the [ST21] rate cap (docs/physics.md §7) on ../shared/data."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from lightmed.constraints import xenon1t_s2only as s2
from lightmed.constraints import xenon1t_st21 as st21
from lightmed.errors import ConfigError, InputError
from lightmed.models import get_model

from helpers import assert_as_printed

MASSES = np.array([0.01, 0.1, 1.0, 10.0, 100.0, 1000.0])
COUPLINGS = np.geomspace(1e-7, 1e-2, 241)


def lowest_excluded(scan, threshold=2.706):
    """Lower edge of the excluded region per mass, log-interpolated on the grid."""
    out = []
    for row in scan.neg2dlnl:
        k = int(np.argmax(row > threshold))
        if row[k] <= threshold:
            out.append(np.nan)
            continue
        lg = np.log(scan.coupling[k - 1 : k + 1])
        out.append(np.exp(np.interp(threshold, row[k - 1 : k + 1], lg)))
    return np.array(out)


@pytest.fixture(scope="module")
def s2_dir(shared_data):
    return shared_data / "detectors/xenon1t_s2only_2019"


@pytest.fixture(scope="module")
def s2_data(s2_dir):
    return s2.load(s2_dir, {})


@pytest.fixture(scope="module")
def st21_data(shared_data):
    return st21.load(shared_data / "detectors/xenon1t_2018", {})


# --- S2-only -------------------------------------------------------------------------------


def test_roi_and_observed_events(s2_data):
    """The 6 GeV ROI of the release: 16 observed events (limits file), ER 0.15 events."""
    lo, hi = s2_data.roi_pe
    assert lo == pytest.approx(165.301, abs=1e-3) and hi == pytest.approx(275.552, abs=1e-3)
    assert s2_data.n_observed == 16
    assert s2_data.er_events @ s2_data.roi_weight == pytest.approx(0.156, abs=0.01)
    assert s2_data.er_uncertainty == pytest.approx(0.5919936 / 3.9898954, rel=1e-6)


def test_release_8b_cevns_expectation(s2_data):
    """Validation: 3.84 expected 8B CEvNS events in the search data (release column sum).

    lightmed folds its 8B spectrum (phi = 5.16e6 cm^-2 s^-1, no hep) with the interpolated
    response: 3.80 (-1.0 %); the residual is XENON's own signal model (cross-section
    conventions, isotopes), not tuned. Per S2 bin: -2.5 % at 90 PE to +8 % in the tail.
    """
    ours = s2.sm_cevns_events(s2_data, b8_flux=5.16e6, with_hep=False)
    release = s2_data.release_cevns
    assert release.sum() == pytest.approx(3.842, abs=1e-3)
    assert ours.sum() == pytest.approx(release.sum(), rel=0.02)
    big = release > 0.01 * release.max()
    np.testing.assert_allclose(ours[big], release[big], rtol=0.10)
    natural = s2.sm_cevns_events(
        s2.load(s2_data.response.path, {"target": "Xe_natural"}), 5.16e6, False
    )
    assert natural.sum() == pytest.approx(ours.sum(), rel=0.005)  # isotopes: not the residual
    # the default flux (B16-GS98 8B + hep) is 5.46/5.16 higher, plus hep
    default = s2.sm_cevns_events(s2_data)
    assert default.sum() / ours.sum() == pytest.approx(5.46 / 5.16, rel=0.01)


@pytest.mark.parametrize("mass", [6.0, 10.0, 20.0, 100.0])
def test_release_wimp_signal_at_its_limit(s2_dir, mass):
    """End to end (response interpolation, ROI edges, exposure, wimprates halo): the SI WIMP
    signal at the release's own limit reproduces its n_expected_signal_mean to 2 %."""
    row = pd.read_csv(s2_dir / "limits/5a_results_si_nr.csv").set_index("mass_gev").loc[mass]
    data = s2.load(s2_dir, {"roi_wimp_mass_gev": mass})
    grid = np.geomspace(0.4, 50.0, 200)
    rate = st21.wimp_rate(grid, mass, row["limit_cm2"], st21.resolve_settings({}, st21.NAME)) / (
        1e3 * 365.25
    )
    counts = s2.fold(data.response, lambda e: np.interp(e, grid, rate, right=0.0), 0.7)
    signal = counts @ data.roi_weight * s2.EXPOSURE_KG_DAY
    assert signal == pytest.approx(row["n_expected_signal_mean"], rel=0.02)


def test_threshold_removes_low_energies(s2_data):
    base = s2.sm_cevns_events(s2_data, 5.16e6, False).sum()
    s2_data.settings["threshold_kev"] = 0.4
    try:
        lower = s2.sm_cevns_events(s2_data, 5.16e6, False).sum()
    finally:
        s2_data.settings["threshold_kev"] = 0.7
    assert lower > base


def test_profiled_likelihood_matches_brute_force():
    """Closed-form profile over the Gaussian shift against a dense numerical minimisation."""
    n = 16
    mu0 = np.array([5.0, 16.0, 20.0, 30.0, 60.0])
    var = np.array([1.0, 2.0, 4.0, 9.0, 25.0])
    got = s2.profiled_neg2lnl(mu0, n, var)
    delta = np.linspace(-40, 10, 400001)
    for m, v, q in zip(mu0, var, got, strict=True):
        mu = np.maximum(m + delta, 1e-9)
        f = np.where(mu > n, 2 * (mu - n - n * np.log(mu / n)), 0.0)
        assert q == pytest.approx(np.min(f + delta**2 / v), abs=1e-6)
    assert got[0] == 0.0 and got[1] == 0.0
    # no nuisance: the plain Poisson ratio with the free background
    assert s2.profiled_neg2lnl(30.0, n, 1e-12) == pytest.approx(2 * (14 - 16 * np.log(30 / 16)))


def test_sm_coefficient_is_model_independent(s2_data):
    a = s2.EXPERIMENT.roi_coefficients(s2_data, get_model("vector"), [1.0])
    b = s2.EXPERIMENT.roi_coefficients(s2_data, get_model("scalar"), [1.0])
    assert a[0] == pytest.approx(b[0], rel=1e-12)
    assert a[1][0] < 0 < a[2][0]  # destructive vector interference, then g^4
    assert b[1][0] == 0 < b[2][0]  # the scalar does not interfere


@pytest.fixture(scope="module")
def s2_scans(s2_data):
    return {
        m: s2.EXPERIMENT.scan(s2_data, get_model(m), MASSES, COUPLINGS)
        for m in ("vector", "scalar")
    }


def test_s2only_scan_contract(s2_scans):
    for scan in s2_scans.values():
        assert scan.neg2dlnl.shape == (MASSES.size, COUPLINGS.size)
        assert np.all(scan.neg2dlnl >= 0)
        assert np.all(scan.best_fit == 0) and np.all(scan.neg2dlnl_sm == 0)
        assert scan.attrs["n_observed"] == 16
        for key in ("statistic", "test_statistic", "reference_point", "nuisances", "title"):
            assert scan.attrs[key]


def test_s2only_limits_scale(s2_scans):
    """Light regime flat in m; heavy regime g ∝ m; the scalar (no interference) is stronger."""
    lim = {m: lowest_excluded(s) for m, s in s2_scans.items()}
    for g in lim.values():
        assert np.all(np.isfinite(g))
        assert g[0] == pytest.approx(g[1], rel=0.01)
        assert g[5] / g[4] == pytest.approx(10.0, rel=0.05)
    assert np.all(lim["scalar"] < lim["vector"])
    assert 1e-5 < lim["vector"][0] < 1e-4


def test_s2only_limits_as_documented(s2_scans):
    """docs/physics.md §7.3 table, S2-only likelihood rows (0.01 ... 1000 MeV)."""
    documented = {
        "vector": "4.15e-5 4.15e-5 4.16e-5 4.95e-5 2.63e-4 2.60e-3",
        "scalar": "1.33e-5 1.33e-5 1.33e-5 1.56e-5 7.93e-5 7.80e-4",
    }
    for model, printed in documented.items():
        assert_as_printed(lowest_excluded(s2_scans[model]), printed, f"S2-only {model}")


def test_vector_deficit_never_excluded(s2_data, s2_scans):
    """Where the interference lowers the CEvNS count the statistic is 0 (free background)."""
    s0, s1, s2c, _ = s2.EXPERIMENT.roi_coefficients(s2_data, get_model("vector"), MASSES)
    g2 = COUPLINGS**2
    counts = s0 + g2[None, :] * s1[:, None] + g2[None, :] ** 2 * s2c[:, None]
    assert np.any(counts < s0)
    assert np.all(s2_scans["vector"].neg2dlnl[counts < s0] == 0)


# --- bad input -----------------------------------------------------------------------------


def _copy(src, tmp_path):
    dest = tmp_path / "release"
    shutil.copytree(src, dest)
    for p in dest.rglob("*"):
        p.chmod(0o644 if p.is_file() else 0o755)
    dest.chmod(0o755)
    return dest


@pytest.mark.parametrize("name", [f for f, _ in s2.FILES.values()])
def test_missing_file_names_it(s2_dir, tmp_path, name):
    dest = _copy(s2_dir, tmp_path)
    (dest / name).unlink()
    with pytest.raises(InputError, match=name.split("/")[-1]) as err:
        s2.load(dest, {})
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("key", list(s2.FILES))
def test_missing_column_names_the_file(s2_dir, tmp_path, key):
    dest = _copy(s2_dir, tmp_path)
    name, cols = s2.FILES[key]
    df = pd.read_csv(dest / name)
    df.drop(columns=[cols[-1]]).to_csv(dest / name, index=False)
    with pytest.raises(InputError, match=f"{name.split('/')[-1]}: missing column") as err:
        s2.load(dest, {})
    assert "\n" not in str(err.value)


def test_wrong_shape_names_the_file(s2_dir, tmp_path):
    """A background table or response matrix that does not match the S2 binning."""
    dest = _copy(s2_dir, tmp_path)
    name = "er_and_cevns_background.csv"
    pd.read_csv(dest / name).iloc[:-3].to_csv(dest / name, index=False)
    with pytest.raises(InputError, match=f"{name}: 196 rows but the response has 199"):
        s2.load(dest, {})
    dest = _copy(s2_dir, tmp_path / "b")
    resp = pd.read_csv(dest / "s2_response_nr.csv")
    resp.drop(columns=["s2_bin_198"]).to_csv(dest / "s2_response_nr.csv", index=False)
    with pytest.raises(InputError, match="s2_response_nr.csv: 198 s2_bin_"):
        s2.load(dest, {})


def test_missing_release_directory(tmp_path):
    with pytest.raises(InputError, match="release directory not found"):
        s2.load(tmp_path / "nope", {})


def test_unknown_setting_and_roi_mass(s2_dir):
    with pytest.raises(
        ConfigError, match="unknown key 'treshold' under 'constraints.xenon1t_s2only'"
    ):
        s2.load(s2_dir, {"treshold": 1.0})
    with pytest.raises(ConfigError, match="roi_wimp_mass_gev"):
        s2.load(s2_dir, {"roi_wimp_mass_gev": 6.1})


def test_roi_from_config(s2_dir, s2_data):
    same = s2.load(s2_dir, {"roi_pe": list(s2_data.roi_pe)})
    assert same.n_observed == 16 and same.er_uncertainty == s2_data.er_uncertainty
    with pytest.raises(ConfigError, match="er_uncertainty: needed"):
        s2.load(s2_dir, {"roi_pe": [150.0, 300.0]})
    wide = s2.load(s2_dir, {"roi_pe": [150.0, 300.0], "er_uncertainty": 0.2})
    assert wide.n_observed > 16 and wide.roi_weight.sum() > s2_data.roi_weight.sum()


def test_st21_missing_or_short_limit_table(shared_data, tmp_path):
    dest = tmp_path / "xenon1t_2018"
    dest.mkdir()
    with pytest.raises(InputError, match="xenon1t_1ty.csv: file not found"):
        st21.load(dest, {"s2only_path": str(shared_data / "detectors/xenon1t_s2only_2019")})
    (dest / "xenon1t_1ty.csv").write_text("# mass only\n6\n8\n10\n")
    with pytest.raises(InputError, match="xenon1t_1ty.csv: missing column") as err:
        st21.load(dest, {"s2only_path": str(shared_data / "detectors/xenon1t_s2only_2019")})
    assert "\n" not in str(err.value)


# --- [ST21] rate cap -----------------------------------------------------------------------


def test_caps_follow_the_limit(st21_data):
    """Heavy WIMPs: rate ∝ σ/M, so the caps at 1 and 10 TeV agree; the minimum is at 30 GeV;
    the default cap is the 6 GeV one (the WIMP that mimics solar 8B)."""
    caps = dict(zip(st21_data.wimp_mass_gev, st21_data.cap_events, strict=True))
    assert caps[10000.0] == pytest.approx(caps[1000.0] * (8.21e-45 / 8.24e-46) / 10, rel=0.01)
    assert st21_data.cap_mass_gev == 6.0 and st21_data.cap == caps[6.0]
    assert min(caps, key=caps.get) == 30.0 and 0.5 < caps[30.0] < 1.5
    assert caps[6.0] > 10 * caps[30.0]
    assert_as_printed([caps[6.0], caps[30.0]], "24.5 0.78", "caps (docs/physics.md §7.3)")


def test_st21_cap_limits_as_documented(st21_data):
    """docs/physics.md §7.3 table, [ST21] cap rows with the default 6 GeV cap."""
    documented = {
        "vector": "3.79e-5 3.79e-5 3.80e-5 4.52e-5 2.39e-4 2.35e-3",
        "scalar": "1.15e-5 1.15e-5 1.16e-5 1.35e-5 6.74e-5 6.62e-4",
    }
    for model, printed in documented.items():
        scan = st21.EXPERIMENT.scan(st21_data, get_model(model), MASSES, COUPLINGS)
        assert_as_printed(lowest_excluded(scan), printed, f"[ST21] cap {model}")


def test_st21_crosses_at_the_cap(st21_data):
    """The first excluded coupling is where the excess over the SM passes the cap."""
    exp = st21.EXPERIMENT
    for name in ("vector", "scalar"):
        scan = exp.scan(st21_data, get_model(name), MASSES, COUPLINGS)
        n0, n1, n2 = exp.event_coefficients(st21_data, get_model(name), MASSES)
        g2 = COUPLINGS[None, :] ** 2
        excess = g2 * n1[:, None] + g2**2 * n2[:, None]
        np.testing.assert_array_equal(scan.neg2dlnl > st21.THRESHOLD_90, excess > st21_data.cap)
        assert "rate cap" in scan.attrs["statistic"]
    # the scalar (smooth in g) interpolates onto the cap
    g = lowest_excluded(
        exp.scan(st21_data, get_model("scalar"), MASSES, COUPLINGS), st21.THRESHOLD_90
    )
    np.testing.assert_allclose(g**4 * n2, st21_data.cap, rtol=0.02)


def test_st21_min_cap(shared_data):
    data = st21.load(shared_data / "detectors/xenon1t_2018", {"wimp_mass_gev": "min"})
    assert data.cap_mass_gev == 30.0
    with pytest.raises(ConfigError, match="wimp_mass_gev"):
        st21.load(shared_data / "detectors/xenon1t_2018", {"wimp_mass_gev": 7.0})


def test_st21_halo_is_the_2018_analysis(st21_data):
    """v0 = 220 km/s (XENON1T 2018), not wimprates' 238 km/s default: fewer fast WIMPs."""
    e = np.array([20.0, 40.0])
    slow = st21.wimp_rate(e, 30.0, 1e-46, st21_data.settings)
    fast = st21.wimp_rate(e, 30.0, 1e-46, {**st21_data.settings, "halo_v0_km_s": 238.0})
    assert np.all(slow < fast)
