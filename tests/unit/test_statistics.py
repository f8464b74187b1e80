"""chi2 sensitivities with a normalisation pull: analytic limits, solver checks, islands.

The synthetic rates mimic the artifact of ``results/rates`` (dims model, recoil_energy, mass):
a vector rate with destructive interference, N_i = sm_i (1 - g^2 k_i(m))^2 with
k_i = K / (2 m_T E_i + m^2), a scalar rate N_i = sm_i (1 + g^4 q_i(m)), and a B-L-like vector
with constructive interference (nuclear charge 1/3, neutrino charge -1 of the vector's).
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from scipy.optimize import brentq, minimize_scalar

from lightmed import statistics as st
from lightmed.errors import ArtifactError, ConfigError, InputError
from lightmed.io import read_artifact, write_artifact
from lightmed.statistics.likelihood import _SERIES_CUT, _kernel_hsum

#: The statistics settings of the default config (schema defaults), passed explicitly.
STATS = {"confidence_level": 0.9, "degrees_of_freedom": 1, "pull": "shared"}

M_T_KEV_MEV = 2 * 120e3 * 1e-3  # 2 m_T [MeV] x E_r [keV] -> MeV^2 (m_T ~ 120 GeV)


def synthetic_rates(
    scale=1.0, k_norm=1e7, q_norm=1e20, n_mass=25, slope=15.0, detector="synth"
) -> xr.Dataset:
    """A rates artifact of the lightmed interface with analytic coefficients."""
    edges = np.arange(1.0, 62.0, 2.0)
    er = 0.5 * (edges[1:] + edges[:-1])
    mass = np.geomspace(0.01, 1000.0, n_mass)
    sm = scale * 800.0 * np.exp(-er / slope) * np.diff(edges)
    q2 = M_T_KEV_MEV * er[:, None] + mass[None, :] ** 2  # (bin, mass) [MeV^2]
    k = k_norm / q2
    q = q_norm * er[:, None] / q2**2
    smb = np.broadcast_to(sm[:, None], q2.shape)
    ev_sm = np.stack([smb, smb, smb])
    ev_int = np.stack([-2 * smb * k, np.zeros_like(q2), 2 / 3 * smb * k])
    ev_np = np.stack([smb * k**2, smb * q, smb * k**2 / 9])
    dims = ("model", "recoil_energy", "mass")
    attrs = {"units": "1", "long_name": "events"}
    return xr.Dataset(
        {
            "events_sm": (dims, ev_sm, attrs),
            "events_int": (dims, ev_int, attrs),
            "events_np": (dims, ev_np, attrs),
        },
        coords={
            "model": ("model", ["vector", "scalar", "bl_vector"], {"units": "1", "long_name": "m"}),
            "coupling_convention": (
                "model",
                ["g = sqrt(g_nu g_q), vector", "g = sqrt(g_nu g_q), scalar", "g_BL"],
                {"units": "1", "long_name": "coupling"},
            ),
            "recoil_energy": ("recoil_energy", er, {"units": "keV", "long_name": "E_r"}),
            "recoil_edges": ("recoil_edge", edges, {"units": "keV", "long_name": "edges"}),
            "mass": ("mass", mass, {"units": "MeV", "long_name": "mediator mass"}),
        },
        attrs={"detector": detector},
    )


def brute_chi2(dets, coupling, mass_index, sigma, pull="shared"):
    """Direct numerical minimisation of [ST21] Eqs. 21-24 (products of Poisson terms)."""

    def chi2_det(d, x):
        n = (d.sm + coupling**2 * d.int_ + coupling**4 * d.np_)[mass_index] * (1 + x)
        data = d.data[mass_index]
        return 2 * np.sum(n - data + np.where(data > 0, data * np.log(data / n), 0.0))

    def total(x, group):
        return sum(chi2_det(d, x) for d in group) + (x / sigma) ** 2

    groups = [dets] if pull == "shared" else [[d] for d in dets]
    out = 0.0
    for group in groups:
        res = minimize_scalar(
            lambda lu, grp=group: total(np.expm1(lu), grp),
            bounds=(np.log(1e-14), np.log(1e14)),
            method="bounded",
            options={"xatol": 1e-13},
        )
        out += res.fun
    return out


@pytest.fixture(scope="module")
def rates():
    return synthetic_rates()


def test_threshold_values():
    assert st.delta_chi2_threshold(0.9, 1) == pytest.approx(2.7055, abs=1e-4)
    assert st.delta_chi2_threshold(0.9, 2) == pytest.approx(4.6052, abs=1e-4)
    assert st.delta_chi2_threshold(0.95, 1) == pytest.approx(3.8415, abs=1e-4)


@pytest.mark.parametrize("dof", [1, 2])
@pytest.mark.parametrize("cl", [0.5, 0.68, 0.9, 0.95, 0.99])
def test_threshold_is_scipy_chi2_ppf(cl, dof):
    """The scipy.special form is scipy.stats.chi2.ppf bit for bit (same numbers as before)."""
    from scipy import stats

    assert st.delta_chi2_threshold(cl, dof) == float(stats.chi2.ppf(cl, dof))


@pytest.mark.parametrize("model", ["vector", "scalar", "bl_vector"])
def test_chi2_zero_at_zero_coupling(rates, model):
    counts = st.counts_from_rates(rates, model)
    fn = st.PullChi2([counts], 0.25)
    assert np.all(fn(0.0, np.arange(counts.n_mass)) == 0.0)


@pytest.mark.parametrize("model", ["scalar", "bl_vector"])
def test_chi2_monotonic_where_rate_monotonic(rates, model):
    """Scalar (g^4 only) and B-L (constructive) rates grow with g in every bin: so does chi2."""
    counts = st.counts_from_rates(rates, model)
    g = np.geomspace(1e-9, 1e-1, 300)
    grid = st.PullChi2([counts], 0.25).grid(g)
    assert np.all(np.diff(grid, axis=1) >= -1e-12 * grid[:, 1:])
    assert grid[0, -1] > 1e3


def test_single_bin_pull_minimum_analytic():
    """One bin: x* solves x^2/s^2 + x (N + 1/s^2) + (N - D) = 0; chi2 from the definition."""
    data, pred, sigma = 100.0, 130.0, 0.2
    a = 1 / sigma**2
    x_star = (-(pred + a) + np.sqrt((pred + a) ** 2 - 4 * a * (pred - data))) / (2 * a)
    direct = 2 * ((1 + x_star) * pred - data + data * np.log(data / ((1 + x_star) * pred)))
    direct += (x_star / sigma) ** 2
    counts = st.BinnedCounts([[data]], [[pred - data]], [[0.0]], data=[[data]])
    # events_int is the g^2 coefficient: at g = 1 the prediction is 130
    chi2 = st.PullChi2([counts], sigma)(1.0, 0)
    assert chi2 == pytest.approx(direct, rel=1e-12)
    parts = counts.terms(1.0, 0)
    chi2_b, x = st.profile_pull(*parts, sigma)
    assert x == pytest.approx(x_star, rel=1e-12)
    assert chi2_b == pytest.approx(direct, rel=1e-12)
    # limits: sigma -> 0 fixes the normalisation, sigma -> inf absorbs it completely
    assert st.profile_pull(*parts, 0.0)[0] == pytest.approx(
        2 * (pred - data + data * np.log(data / pred)), rel=1e-12
    )
    assert st.profile_pull(*parts, np.inf)[0] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("pull", ["shared", "independent"])
@pytest.mark.parametrize("model", ["vector", "scalar"])
def test_profile_matches_brute_force(model, pull):
    dets = [
        st.counts_from_rates(synthetic_rates(), model),
        st.counts_from_rates(synthetic_rates(scale=0.2, k_norm=2e7, slope=8.0), model),
    ]
    fn = st.PullChi2(dets, 0.25, pull)
    for mass_index, g in [(3, 3e-4), (12, 1e-3), (20, 3e-2), (24, 1e-3)]:
        expected = brute_chi2(dets, g, mass_index, 0.25, pull)
        assert fn(g, mass_index) == pytest.approx(expected, rel=1e-7, abs=1e-9)


def test_shared_equals_independent_for_one_detector(rates):
    counts = st.counts_from_rates(rates, "vector")
    g = np.geomspace(1e-7, 1e-1, 200)
    shared = st.PullChi2([counts], 0.1, "shared").grid(g)
    indep = st.PullChi2([counts], 0.1, "independent").grid(g)
    np.testing.assert_array_equal(shared, indep)


@pytest.mark.parametrize("model", ["vector", "scalar"])
def test_bound_solver_matches_dense_scan(rates, model):
    """The exact lower edge lies within one step of a 20x denser grid's first crossing."""
    counts = st.counts_from_rates(rates, model)
    fn = st.PullChi2([counts], 0.25)
    thr = st.delta_chi2_threshold(0.9)
    coarse = np.geomspace(1e-8, 1.0, 120)
    intervals = st.excluded_intervals(fn, coarse, fn.grid(coarse), thr)
    dense = np.geomspace(1e-8, 1.0, 24000)
    dgrid = fn.grid(dense)
    step = dense[1] / dense[0]
    for m, iv in enumerate(intervals):
        first = np.argmax(dgrid[m] > thr)
        assert iv, f"nothing excluded at mass index {m}"
        assert dense[first - 1] <= iv[0][0] * (1 + 1e-12)
        assert iv[0][0] <= dense[first] * (1 + 1e-12)
        assert iv[0][0] / dense[first] > 1 / step
        # and the root is a root
        assert fn(iv[0][0], m) == pytest.approx(thr, rel=1e-9)


def test_bound_agrees_with_brentq(rates):
    counts = st.counts_from_rates(rates, "scalar")
    fn = st.PullChi2([counts], 0.25)
    thr = st.delta_chi2_threshold(0.9)
    g = np.geomspace(1e-8, 1.0, 80)
    intervals = st.excluded_intervals(fn, g, fn.grid(g), thr)
    for m in (0, 10, 24):
        root = np.exp(
            brentq(lambda lg, m=m: fn(np.exp(lg), m) - thr, np.log(1e-8), 0.0, xtol=1e-14)
        )
        assert intervals[m][0][0] == pytest.approx(root, rel=1e-10)


def test_islands_detected_for_destructive_interference():
    """High mass: N = (1 - g^2 k)^2 N_SM is nearly a pure normalisation change, so near
    g^2 k = 2 (where N returns to the SM) there is an allowed island above the bound."""
    rates = synthetic_rates(k_norm=1e7)
    counts = st.counts_from_rates(rates, "vector")
    fn = st.PullChi2([counts], 0.25)
    thr = st.delta_chi2_threshold(0.9)
    g = np.geomspace(1e-8, 1.0, 400)
    intervals = st.excluded_intervals(fn, g, fn.grid(g), thr)
    mass = rates["mass"].values
    heavy = mass > 900.0  # m^2 >> 2 m_T E_r: k almost bin-independent
    assert heavy.any()
    for m in np.nonzero(heavy)[0]:
        iv = intervals[m]
        assert len(iv) >= 2, f"no island at m = {mass[m]:.3g} MeV: {iv}"
        gap_lo, gap_hi = iv[0][1], iv[1][0]
        # the allowed gap brackets the SM-recovery point g^2 k = 2 (k at the bins' mean q^2)
        k_mid = 1e7 / (M_T_KEV_MEV * 10.0 + mass[m] ** 2)
        assert gap_lo < np.sqrt(2.0 / k_mid) * 1.2 and gap_hi > np.sqrt(2.0 / k_mid) * 0.8
        assert fn(np.sqrt(gap_lo * gap_hi), m) < thr
        assert np.isinf(iv[-1][1])


def test_interval_open_at_the_grid_top_is_followed_above_it():
    """A grid that stops inside the first excluded interval, below the vector model's island:
    excluded at its top is not excluded for every larger g. Followed above the grid (up to
    where the g^4 term dominates), the interval ends where the full grid ends it; where no
    island follows, it stays open (inf), as on the full grid."""
    rates = synthetic_rates(k_norm=1e7)
    counts = st.counts_from_rates(rates, "vector")
    fn = st.PullChi2([counts], 0.25)
    thr = st.delta_chi2_threshold(0.9)
    g_full = np.geomspace(1e-8, 1.0, 400)
    asymptote = fn.asymptotic_coupling()
    full = st.excluded_intervals(fn, g_full, fn.grid(g_full), thr, asymptote=asymptote)
    island = [m for m, iv in enumerate(full) if len(iv) >= 2]
    assert island
    top = np.sqrt(full[island[0]][0][0] * full[island[0]][0][1])  # inside its first interval
    g = g_full[g_full < top]
    values = fn.grid(g)
    unchecked = st.excluded_intervals(fn, g, values, thr)
    followed = st.excluded_intervals(fn, g, values, thr, asymptote=asymptote)
    n_closed = 0
    for m in range(counts.n_mass):
        if not followed[m] or full[m][0][0] >= g[-1]:
            continue
        assert np.isinf(unchecked[m][-1][1])  # the old claim: excluded for every larger g
        assert followed[m][-1][0] == unchecked[m][-1][0]
        upper = followed[m][-1][1]
        reference = next(hi for lo, hi in full[m] if lo <= g[-1] <= hi)
        if np.isinf(reference):
            assert np.isinf(upper)
        else:
            assert upper == pytest.approx(reference, rel=1e-9)
            n_closed += 1
    assert n_closed >= 1


def test_interval_excluded_at_the_grid_bottom_is_followed_below_it(rates):
    """A grid that starts inside the lowest excluded interval would report its first coupling
    as the bound; followed below the grid (Asimov: Delta chi2 -> 0 as g -> 0), the interval
    starts where the full grid starts it."""
    counts = st.counts_from_rates(rates, "scalar")
    fn = st.PullChi2([counts], 0.25)
    thr = st.delta_chi2_threshold(0.9)
    g_full = np.geomspace(1e-8, 1.0, 400)
    full = st.excluded_intervals(fn, g_full, fn.grid(g_full), thr)
    bounds = np.array([iv[0][0] for iv in full if iv])
    start = 10.0 ** np.ceil(np.log10(bounds.max()))  # above every bound: all start at g[0]
    g = np.geomspace(start, 1.0, 100)
    values = fn.grid(g)
    truncated = st.excluded_intervals(fn, g, values, thr)
    followed = st.excluded_intervals(fn, g, values, thr, follow_below=True)
    for m, iv in enumerate(full):
        if not iv:
            continue
        assert truncated[m][0][0] == g[0]  # the old bound: the grid's first coupling
        assert followed[m][0][0] == pytest.approx(iv[0][0], rel=1e-9)
        assert followed[m][0][1] == truncated[m][0][1]


def test_asymptotic_coupling_single_bin():
    # N = 100 - 200 g^2 + 100 g^4, D = 100: g^2 >= 1e3 * 200/100 and g^4 >= 1e3 * 200/100
    counts = st.BinnedCounts([[100.0]], [[-200.0]], [[100.0]])
    assert counts.asymptotic_coupling() == pytest.approx(np.sqrt(2000.0), rel=1e-12)
    assert st.BinnedCounts([[100.0]], [[0.0]], [[0.0]]).asymptotic_coupling() == 0.0


def test_sub_grid_island_found_by_extremum_refinement():
    """An island narrower than the grid step is still reported (golden-section refinement)."""
    rates = synthetic_rates(k_norm=1e7)
    counts = st.counts_from_rates(rates, "vector")
    fn = st.PullChi2([counts], 0.25)
    thr = st.delta_chi2_threshold(0.9)
    g_fine = np.geomspace(1e-6, 1.0, 4000)
    g_coarse = np.geomspace(1e-6, 1.0, 25)
    m = counts.n_mass - 1
    fine = st.excluded_intervals(fn, g_fine, fn.grid(g_fine), thr)[m]
    coarse = st.excluded_intervals(fn, g_coarse, fn.grid(g_coarse), thr)[m]
    assert len(coarse) == len(fine)
    np.testing.assert_allclose(np.array(coarse)[:, 0], np.array(fine)[:, 0], rtol=1e-9)


def test_marginalised_bound_is_weaker_member(rates):
    other = synthetic_rates(scale=0.3, k_norm=3e7)
    g = np.geomspace(1e-8, 1.0, 200)
    ds = st.sensitivity({"a": [rates], "b": [other]}, "scalar", [0.25], g, **STATS)
    a = st.sensitivity([rates], "scalar", [0.25], g, **STATS)
    b = st.sensitivity([other], "scalar", [0.25], g, **STATS)
    expected = np.maximum(a["coupling_bound"], b["coupling_bound"])
    np.testing.assert_allclose(ds["coupling_bound"], expected, rtol=1e-10)
    assert ds.attrs["marginalised_over"] == "a,b"


def test_sensitivity_dataset_and_artifact(tmp_path, rates):
    g = np.geomspace(1e-8, 1.0, 150)
    ds = st.sensitivity(
        [rates, synthetic_rates(scale=0.1, detector="small")],
        "vector",
        [0.25, 0.10],
        g,
        **STATS,
    )
    assert ds["delta_chi2"].dims == ("sigma_norm", "mass", "coupling")
    assert ds["excluded_lower"].dims == ("sigma_norm", "mass", "interval")
    # a tighter normalisation prior never weakens the bound
    b25, b10 = ds["coupling_bound"].sel(sigma_norm=0.25), ds["coupling_bound"].sel(sigma_norm=0.1)
    assert np.all(b10 <= b25 * (1 + 1e-12))
    np.testing.assert_array_equal(ds["coupling_bound"], ds["excluded_lower"].isel(interval=0))
    path = write_artifact(ds, tmp_path / "s.nc", stage="sensitivity", title="t", rule="test")
    back = read_artifact(path, stage="sensitivity", required=("delta_chi2", "coupling_bound"))
    np.testing.assert_array_equal(back["excluded_upper"], ds["excluded_upper"])
    st.write_bounds_csv(ds, tmp_path / "s.csv", "test")
    assert (tmp_path / "s.csv").read_text().startswith("# test: g = sqrt(g_nu g_q), vector")
    table = st.bounds_table(ds)
    assert set(table["sigma_norm"]) == {0.25, 0.1}
    assert (table.groupby(["sigma_norm", "mass_mev"]).size() >= 1).all()


def test_sensitivity_names_the_model_coupling(rates):
    """The coupling axis and the bound name the model's coupling (``coupling_name``, from the
    rates artifact, as SN-core bounds and data limits do); the full convention stays in
    ``coupling_convention``. A rates artifact without names gives the generic ``g``."""
    named = rates.assign_coords(
        coupling_name=("model", ["g", "g", "g_BL"], {"units": "1", "long_name": "name"})
    )
    g = np.geomspace(1e-8, 1.0, 40)
    ds = st.sensitivity([named], "bl_vector", [0.1], g, **STATS)
    assert ds.attrs["coupling_name"] == "g_BL"
    assert ds["coupling"].attrs["long_name"] == "coupling g_BL"
    assert ds["coupling_bound"].attrs["long_name"] == "smallest excluded coupling g_BL at 90% CL"
    assert ds.attrs["coupling_convention"] == "g_BL"
    assert st.sensitivity([rates], "vector", [0.1], g, **STATS).attrs["coupling_name"] == "g"
    assert "the first is the one the figures" in ds["sigma_norm"].attrs["comment"]


def test_counts_select_the_model_of_the_artifact(rates):
    vec = st.counts_from_rates(rates, "vector")
    bl = st.counts_from_rates(rates, "bl_vector")
    np.testing.assert_allclose(bl.int_, -vec.int_ / 3)
    np.testing.assert_allclose(bl.np_, vec.np_ / 9)
    with pytest.raises(ArtifactError, match="has no model 'b3le_vector'.*rerun compute_rates"):
        st.counts_from_rates(rates, "b3le_vector")


def test_kernel_python_path_matches_jit(rates):
    """The numba kernel's Python logic (as with NUMBA_DISABLE_JIT=1) gives the same sums."""
    counts = st.counts_from_rates(rates, "vector")
    g2 = np.geomspace(1e-16, 1.0, 50)
    mi = np.arange(50) % counts.n_mass
    args = (g2, mi, counts._r0, counts._a, counts._b, counts._d, _SERIES_CUT)
    np.testing.assert_allclose(_kernel_hsum.py_func(*args), _kernel_hsum(*args), rtol=1e-13, atol=0)


def test_bad_inputs():
    with pytest.raises(ConfigError, match="pull"):
        st.PullChi2([st.BinnedCounts([[1.0]], [[0.0]], [[0.0]])], 0.1, "both")
    with pytest.raises(InputError, match=">= 0"):
        st.BinnedCounts([[-1.0]], [[0.0]], [[0.0]])
    with pytest.raises(ConfigError, match="confidence_level"):
        st.delta_chi2_threshold(1.2)


def test_no_scipy_stats_at_import():
    """Importing the statistics package must not import scipy.stats (issue 14: start-up)."""
    import subprocess
    import sys

    code = "import sys, lightmed.statistics; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    code = (
        "import sys, lightmed.statistics as st; st.delta_chi2_threshold(0.9, 1); "
        "print('scipy.stats' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"  # nor does computing a threshold


def test_plan_defaults_come_from_the_schema():
    block = {"sigma_norm": {"sn": [0.25]}, "marginalised": {}, "combos": []}
    plan = st.SensitivityPlan.from_config(block, ["sn"], ["a", "b"], ["vector"])
    assert plan.combos == ("a", "b")  # single_detectors: true from the schema
    with pytest.raises(ConfigError, match="config: sensitivity.pull = 'both' is not allowed"):
        st.SensitivityPlan.from_config({**block, "pull": "both"}, ["sn"], ["a"], ["vector"])
    with pytest.raises(ConfigError, match="no detector models"):
        st.SensitivityPlan.from_config(block, ["sn"], ["a"], [])
