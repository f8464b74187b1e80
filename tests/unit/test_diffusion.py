"""[C21] shell-method diffusion time and the exact SN-core bound solver (physics.md §4.1-4.2)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from lightmed.constants import C_M_PER_S
from lightmed.diffusion import (
    combine_snapshots,
    quadratic_exceedance,
    rate_coefficients,
    sn_core_bounds,
    snapshot_diffusion,
    write_bounds_csv,
)
from lightmed.errors import ArtifactError, ConfigError, InputError

SETTINGS = {
    "snapshot_dt_10s": "t5",
    "snapshot_dt_2sm": "t1",
    "snapshot_nur": "t1",
    "observed_species": "nubar",
    "dt_max_s": 10.0,
    "dt_sm_factor": 2.0,
    "nur_conversion_max": 1.0,
    "nur_retrapping_min": 100.0,
}


def make_profile(r_outer_km):
    r_out = np.asarray(r_outer_km, float)
    r_in = np.concatenate([[0.0], r_out[:-1]])
    shell = np.arange(1, len(r_out) + 1)
    return xr.Dataset(
        {"r_inner": ("shell", r_in, {"units": "km", "long_name": "inner radius"}),
         "r_outer": ("shell", r_out, {"units": "km", "long_name": "outer radius"})},
        coords={"shell": shell},
    )


def make_mfp(a0, a1, a2, masses, couplings, energy_choices=("mu_nu_plus_pi_T",)):
    """Synthetic mfp model artifact with 1/lambda = a0 + a1 g^2 + a2 g^4.

    a0: (shell,), a1 and a2: (shell, mass); identical for both species and energy choices
    (nu scaled by 1.1 to tell them apart).
    """
    a0 = np.asarray(a0, float)
    a1 = np.asarray(a1, float)
    a2 = np.asarray(a2, float)
    ns, nm = a1.shape
    species = ["nu", "nubar"]
    sp_scale = xr.DataArray([1.1, 1.0], dims="species", coords={"species": species})
    ec = xr.DataArray(np.ones(len(energy_choices)), dims="energy_choice",
                      coords={"energy_choice": list(energy_choices)})
    coords = {"shell": np.arange(1, ns + 1), "mass": np.asarray(masses, float)}
    r0 = xr.DataArray(a0, dims="shell", coords={"shell": coords["shell"]}) * sp_scale * ec
    r1 = xr.DataArray(a1, dims=("shell", "mass"), coords=coords) * sp_scale * ec
    r2 = xr.DataArray(a2, dims=("shell", "mass"), coords=coords) * sp_scale * ec
    g = xr.DataArray(np.asarray(couplings, float), dims="coupling",
                     coords={"coupling": np.asarray(couplings, float)})
    order = ("shell", "species", "energy_choice", "mass", "coupling")
    ds = xr.Dataset({
        "rate_sm": r0.transpose("shell", "species", "energy_choice"),
        "rate_int": r1.transpose("shell", "species", "energy_choice", "mass"),
        "rate_np": r2.transpose("shell", "species", "energy_choice", "mass"),
        "lambda": (1.0 / (r0 + r1 * g**2 + r2 * g**4)).transpose(*order),
        "lambda_np": (1.0 / (r2 * g**4)).transpose(*order),
    })
    return ds


@pytest.fixture
def two_snapshot_model():
    """Three shells, 50 masses, realistic magnitudes (lambda_SM ~ 0.3-30 m)."""
    masses = np.geomspace(0.01, 1000.0, 50)
    couplings = np.geomspace(1e-8, 1e-1, 60)
    a0 = np.array([1 / 0.3, 1 / 0.5, 1 / 20.0])
    a1 = np.outer([1e6, 8e5, 1e4], 1.0 / (1.0 + masses**2))
    a2 = np.outer([1e14, 5e13, 1e12], 1.0 / (1e-2 + masses**2) ** 2)
    prof = make_profile([5.0, 10.0, 15.0])
    per = {
        "t1": snapshot_diffusion(make_mfp(a0, a1, a2, masses, couplings), prof, "lnc_scalar"),
        "t5": snapshot_diffusion(make_mfp(0.7 * a0, a1, a2, masses, couplings), prof,
                                 "lnc_scalar"),
    }
    return combine_snapshots(per)


def test_uniform_single_shell_matches_r2_over_c_lambda():
    """One shell of radius R with constant lambda: Delta t = R^2/(c lambda) ([C21] Eq. 21)."""
    lam_m, r_km = 0.4, 12.0
    mfp = make_mfp([1 / lam_m], [[0.0]], [[0.0]], [1.0], [1e-6, 1e-5])
    out = snapshot_diffusion(mfp, make_profile([r_km]), "bl_vector")
    expected = (r_km * 1e3) ** 2 / (C_M_PER_S * lam_m)
    dt = out["diffusion_time"].sel(species="nubar").to_numpy()
    np.testing.assert_allclose(dt, expected, rtol=1e-13)
    np.testing.assert_allclose(out["diffusion_time_sm"].sel(species="nubar"), expected,
                               rtol=1e-13)


def test_map_agrees_with_polynomial_and_sm_limit(two_snapshot_model):
    d = two_snapshot_model
    g2 = d["coupling"] ** 2
    poly = d["dt_sm"] + d["dt_int"] * g2 + d["dt_np"] * g2**2
    np.testing.assert_allclose(d["diffusion_time"], poly.transpose(*d["diffusion_time"].dims),
                               rtol=1e-12)
    # g -> 0: the smallest coupling reproduces Delta t_SM
    smallest = d["diffusion_time"].isel(coupling=0)
    np.testing.assert_allclose(smallest, d["diffusion_time_sm"].broadcast_like(smallest),
                               rtol=1e-9)
    # with A1, A2 >= 0 Delta t grows monotonically with g
    assert bool((d["diffusion_time"].diff("coupling") >= 0).all())


def test_nur_sums(two_snapshot_model):
    d = two_snapshot_model
    g4 = d["coupling"] ** 4
    np.testing.assert_allclose(d["nur_conversion_sum"], d["conv_np"] * g4, rtol=1e-12)
    assert bool((d["diffusion_time_two_state"] > 0).all())


def brute_force_first(fun, couplings):
    """First grid coupling where fun(g) > 0 (grid scan reference)."""
    vals = fun(couplings)
    hit = np.flatnonzero(vals > 0)
    return couplings[hit[0]] if hit.size else np.nan


def test_exact_bounds_match_fine_grid_scan(two_snapshot_model):
    d = two_snapshot_model
    bounds = sn_core_bounds(d, "lnc_scalar", SETTINGS)
    fine = np.geomspace(1e-8, 1e-1, 200_001)
    step = fine[1] / fine[0]
    checked = 0
    for mass in d["mass"].values[::7]:
        sel = {"mass": mass, "species": "nubar", "energy_choice": "mu_nu_plus_pi_T"}
        t5 = d.sel(snapshot="t5", **sel)
        t1 = d.sel(snapshot="t1", **sel)

        def dt(g, c=t5):
            return float(c.dt_sm) + float(c.dt_int) * g**2 + float(c.dt_np) * g**4

        refs = {
            "dt_10s": lambda g, dt=dt: dt(g) - 10.0,
            "dt_2sm": lambda g, c=t1: (float(c.dt_int) * g**2 + float(c.dt_np) * g**4
                                       - float(c.dt_sm)),
            "nur_conversion": lambda g, c=t1: float(c.conv_np) * g**4 - 1.0,
            "nur_retrapping": lambda g, c=t1: float(c.retrap_np) * g**4 - 100.0,
        }
        for crit, fun in refs.items():
            exact = float(bounds["coupling_bound"].sel(criterion=crit, mass=mass,
                                                       energy_choice="mu_nu_plus_pi_T"))
            ref = brute_force_first(fun, fine)
            if np.isnan(ref):
                assert np.isnan(exact), (crit, mass)
                continue
            # the exact root lies within one grid step below the first failing grid point
            assert ref / step <= exact <= ref * (1 + 1e-12), (crit, mass, exact, ref)
            assert fun(exact * (1 + 1e-9)) > 0 > fun(exact * (1 - 1e-9))
            checked += 1
    assert checked > 10


def test_non_monotonic_interference_reports_both_crossings():
    """Destructive interference: Delta t_SM > 10 s dips below 10 s and rises again."""
    # c Delta t = a0 + a1 x + a2 x^2 on one shell; choose the dip to cross 10 s twice.
    r_km = 10.0
    area = (r_km * 1e3) ** 2
    dt_sm, g_lo, g_hi = 12.0, 1e-4, 3e-4  # Delta t - 10 = k (x - x_lo)(x - x_hi)
    x_lo, x_hi = g_lo**2, g_hi**2
    k = (dt_sm - 10.0) / (x_lo * x_hi)
    a0 = dt_sm * C_M_PER_S / area
    a1 = -k * (x_lo + x_hi) * C_M_PER_S / area
    a2 = k * C_M_PER_S / area
    couplings = np.geomspace(1e-6, 1e-2, 41)
    mfp = make_mfp([a0], [[a1]], [[a2]], [5.0], couplings)
    d = combine_snapshots({
        "t5": snapshot_diffusion(mfp, make_profile([r_km]), "bl_vector"),
        "t1": snapshot_diffusion(mfp, make_profile([r_km]), "bl_vector"),
    })
    b = sn_core_bounds(d, "bl_vector", SETTINGS).sel(criterion="dt_10s", mass=5.0).squeeze()
    assert float(b["coupling_bound"]) == 0.0  # the SM itself violates 10 s here
    assert bool(b["sm_fails"])
    assert int(b["n_intervals"]) == 2
    np.testing.assert_allclose(b["exceeded_upper"].values[0], g_lo, rtol=1e-10)
    np.testing.assert_allclose(b["exceeded_lower"].values[1], g_hi, rtol=1e-10)
    np.testing.assert_allclose(b["exceeded_upper"].values[1], 1e-2, rtol=1e-12)
    np.testing.assert_allclose(float(b["first_crossing"]), g_lo, rtol=1e-10)
    # brute-force scan of the sign changes
    fine = np.geomspace(1e-6, 1e-2, 400_001)
    x = fine**2
    fails = a0 + a1 * x + a2 * x * x > 10.0 * C_M_PER_S / area
    changes = fine[np.flatnonzero(np.diff(fails.astype(int)))]
    np.testing.assert_allclose(changes, [g_lo, g_hi], rtol=1e-4)


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


def test_missing_snapshot_for_criterion_names_it(two_snapshot_model):
    bad = {**SETTINGS, "snapshot_dt_10s": "c21_t5s"}
    with pytest.raises(InputError, match="dt_10s needs snapshot 'c21_t5s'"):
        sn_core_bounds(two_snapshot_model, "lnc_scalar", bad)


def test_missing_species_and_unknown_model(two_snapshot_model):
    with pytest.raises(InputError, match="observed_species"):
        sn_core_bounds(two_snapshot_model, "lnc_scalar", {**SETTINGS, "observed_species": "x"})
    with pytest.raises(ConfigError, match="unknown SN-core model"):
        sn_core_bounds(two_snapshot_model, "axion", SETTINGS)


def test_empty_grid_is_a_clear_error():
    mfp = make_mfp([1.0], np.zeros((1, 0)), np.zeros((1, 0)), [], [1e-5, 1e-4])
    with pytest.raises(InputError, match="empty dimension.*mass"):
        snapshot_diffusion(mfp, make_profile([10.0]), "bl_vector")


def test_profile_without_radii_and_shell_mismatch():
    mfp = make_mfp([1.0, 2.0], np.zeros((2, 1)), np.ones((2, 1)), [1.0], [1e-5, 1e-4])
    with pytest.raises(InputError, match="missing shell radii r_inner"):
        snapshot_diffusion(mfp, make_profile([5.0, 10.0]).drop_vars("r_inner"), "bl_vector")
    with pytest.raises(InputError, match="2 shells but the profile has 3"):
        snapshot_diffusion(mfp, make_profile([5.0, 10.0, 15.0]), "bl_vector")


def test_coefficients_reconstructed_from_lambda_only():
    masses = np.array([0.1, 1.0, 10.0])
    a0 = [3.0, 0.5]
    a1 = np.array([[-2e5, 4e4, 1e3], [5e4, 1e4, 2e2]])
    a2 = np.array([[1e15, 1e12, 1e8], [3e14, 2e11, 1e7]])
    mfp = make_mfp(a0, a1, a2, masses, np.geomspace(1e-7, 1e-3, 30))
    sm = xr.Dataset({"lambda_sm": 1.0 / mfp["rate_sm"]})
    rec = rate_coefficients(mfp.drop_vars(["rate_sm", "rate_int", "rate_np"]), sm)
    np.testing.assert_allclose(rec["rate_np"], mfp["rate_np"], rtol=1e-10)
    np.testing.assert_allclose(rec["rate_int"], mfp["rate_int"], rtol=1e-6)
    with pytest.raises(ArtifactError, match="lambda_sm"):
        rate_coefficients(mfp.drop_vars(["rate_sm", "rate_int", "rate_np"]))


def test_bounds_csv_roundtrip(tmp_path, two_snapshot_model):
    import pandas as pd

    b = sn_core_bounds(two_snapshot_model, "lnc_scalar", SETTINGS)
    path = tmp_path / "b.csv"
    write_bounds_csv(b, path, ["test"])
    df = pd.read_csv(path, comment="#")
    assert list(df.columns) == ["model", "criterion", "energy_choice", "mass_mev",
                                "coupling_bound"]
    assert len(df) == b["coupling_bound"].size
    assert {"nur_band_lower", "nur_band_upper"} <= set(b.data_vars)
