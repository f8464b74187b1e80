"""[C21] shell-method diffusion time and the SN-core criteria on every snapshot
(physics.md §4.1-4.2; lightmed.diffusion, lightmed.sn_core)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from lightmed.bounds import write_bounds_csv
from lightmed.constants import C_M_PER_S
from lightmed.diffusion import (
    RosselandTime,
    combine_snapshots,
    rate_coefficients,
    snapshot_diffusion,
)
from lightmed.errors import ArtifactError, InputError
from lightmed.models import PRESETS, model_from_config
from lightmed.sn_core import (
    garching_time_s,
    headline_curves,
    not_applicable_bounds,
    sn_core_bounds,
)

SETTINGS = {
    "pairing": {
        "t5": ["dt_10s"],
        "t1": ["dt_2sm", "nur_conversion", "nur_retrapping", "eos_indicative"],
    },
    "headline": {"energy_choice": ["rosseland"], "weighting": "transport"},
    "observed_species": "nubar",
    "dt_max_s": 10.0,
    "dt_sm_factor": 2.0,
    "nur_conversion_max": 1.0,
    "nur_retrapping_min": 100.0,
}
TIMES = {"t1": 1.0, "t5": 5.0}
LNC, BL = PRESETS["lnc_scalar"], PRESETS["bl_vector"]


def make_profile(r_outer_km):
    r_out = np.asarray(r_outer_km, float)
    r_in = np.concatenate([[0.0], r_out[:-1]])
    shell = np.arange(1, len(r_out) + 1)
    return xr.Dataset(
        {
            "r_inner": ("shell", r_in, {"units": "km", "long_name": "inner radius"}),
            "r_outer": ("shell", r_out, {"units": "km", "long_name": "outer radius"}),
        },
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
    ec = xr.DataArray(
        np.ones(len(energy_choices)),
        dims="energy_choice",
        coords={"energy_choice": list(energy_choices)},
    )
    coords = {"shell": np.arange(1, ns + 1), "mass": np.asarray(masses, float)}
    r0 = xr.DataArray(a0, dims="shell", coords={"shell": coords["shell"]}) * sp_scale * ec
    r1 = xr.DataArray(a1, dims=("shell", "mass"), coords=coords) * sp_scale * ec
    r2 = xr.DataArray(a2, dims=("shell", "mass"), coords=coords) * sp_scale * ec
    g = xr.DataArray(
        np.asarray(couplings, float),
        dims="coupling",
        coords={"coupling": np.asarray(couplings, float)},
    )
    order = ("shell", "species", "energy_choice", "mass", "coupling")
    return xr.Dataset(
        {
            "rate_sm": r0.transpose("shell", "species", "energy_choice"),
            "rate_int": r1.transpose("shell", "species", "energy_choice", "mass"),
            "rate_np": r2.transpose("shell", "species", "energy_choice", "mass"),
            "lambda": (1.0 / (r0 + r1 * g**2 + r2 * g**4)).transpose(*order),
            "lambda_np": (1.0 / (r2 * g**4)).transpose(*order),
        }
    )


def make_rosseland_mfp(masses, couplings, n_shell=3, n_node=6, seed=0, sign=-1.0, scale=1.0):
    """Synthetic artifact with energy_choice (mu_nu_plus_pi_T, rosseland) and weighting
    (total, transport): energy-resolved 1/lambda_j = A0_j + A1_j g^2 + A2_j g^4 per node, the
    Rosseland mean lambda = sum_j w_j lambda_j exact (interfaces.md layout)."""
    rng = np.random.default_rng(seed)
    masses = np.asarray(masses, float)
    g = xr.DataArray(
        np.asarray(couplings, float),
        dims="coupling",
        coords={"coupling": np.asarray(couplings, float)},
    )
    base = scale * xr.DataArray(1.0 / np.geomspace(0.3, 20.0, n_shell), dims="shell")
    node = xr.DataArray(np.geomspace(0.5, 2.5, n_node) ** 2, dims="energy_node")
    species = xr.DataArray([1.1, 1.0], dims="species")
    weighting = xr.DataArray([1.0, 0.6], dims="weighting")
    mass = xr.DataArray(masses, dims="mass")
    a0 = base * node * species * weighting
    shape = (n_shell, n_node)
    # interference dip of each node's rate: A1^2/(4 A0 A2) = 0.8 u^2 < 1 (rates stay > 0)
    u = xr.DataArray(rng.uniform(0.5, 1.0, shape), dims=("shell", "energy_node"))
    a1 = sign * 8e6 * a0 * u * np.sqrt(node) / (1.0 + mass**2 / 50.0)
    a2 = 2e13 * a0 * node / (1.0 + mass**2 / 50.0) ** 2
    w = xr.DataArray(
        rng.uniform(0.2, 1.0, (n_shell, 2, n_node)), dims=("shell", "species", "energy_node")
    )
    w = w / w.sum("energy_node")
    lam_r = (w / (a0 + a1 * g**2 + a2 * g**4)).sum("energy_node")
    # the single-energy choice: the middle node
    mid = {"energy_node": n_node // 2}
    s0, s1, s2 = a0.isel(mid), a1.isel(mid), a2.isel(mid)
    lam_e = 1.0 / (s0 + s1 * g**2 + s2 * g**4)
    ec = ["mu_nu_plus_pi_T", "rosseland"]
    nan = np.nan

    def two(single, ross):
        return xr.concat([single, ross], dim="energy_choice").assign_coords(energy_choice=ec)

    coords = {
        "shell": np.arange(1, n_shell + 1),
        "species": ["nu", "nubar"],
        "weighting": ["total", "transport"],
        "mass": masses,
    }
    ds = xr.Dataset(
        {
            "rate_sm": two(s0, s0 * nan),
            "rate_int": two(s1, s1 * nan),
            "rate_np": two(s2, s2 * nan),
            "lambda": two(lam_e, lam_r),
            "spectral_rate_sm": a0,
            "spectral_rate_int": a1,
            "spectral_rate_np": a2,
            "spectral_weight": w,
        }
    ).assign_coords(coords)
    order = ("shell", "species", "energy_choice", "weighting", "mass", "coupling")
    return ds.transpose(*[d for d in order if d in ds.dims], ...)


# Inputs of ``two_snapshot_model``: three shells, 50 masses, 60 couplings.
TWO_SNAP_MASSES = np.geomspace(0.01, 1000.0, 50)
TWO_SNAP_COUPLINGS = np.geomspace(1e-8, 1e-1, 60)
TWO_SNAP_R_OUTER_KM = np.array([5.0, 10.0, 15.0])
TWO_SNAP_A0 = np.array([1 / 0.3, 1 / 0.5, 1 / 20.0])  # [1/m], shell
TWO_SNAP_A1 = np.outer([1e6, 8e5, 1e4], 1.0 / (1.0 + TWO_SNAP_MASSES**2))  # (shell, mass)
TWO_SNAP_A2 = np.outer([1e14, 5e13, 1e12], 1.0 / (1e-2 + TWO_SNAP_MASSES**2) ** 2)
TWO_SNAP_A0_SCALE = {"t1": 1.0, "t5": 0.7}  # A0 of snapshot t5 is 0.7 x that of t1
SPECIES_SCALE = {"nu": 1.1, "nubar": 1.0}  # make_mfp scales every nu rate by 1.1


@pytest.fixture
def two_snapshot_model():
    """Three shells, 50 masses, realistic magnitudes (lambda_SM ~ 0.3-30 m)."""
    a0, a1, a2 = TWO_SNAP_A0, TWO_SNAP_A1, TWO_SNAP_A2
    masses, couplings = TWO_SNAP_MASSES, TWO_SNAP_COUPLINGS
    prof = make_profile(TWO_SNAP_R_OUTER_KM)
    per = {
        snap: snapshot_diffusion(
            make_mfp(scale * a0, a1, a2, masses, couplings), prof, nu_r_sums=True
        )
        for snap, scale in TWO_SNAP_A0_SCALE.items()
    }
    return combine_snapshots(per)


def test_uniform_single_shell_matches_r2_over_c_lambda():
    """One shell of radius R with constant lambda: Delta t = R^2/(c lambda) ([C21] Eq. 21)."""
    lam_m, r_km = 0.4, 12.0
    mfp = make_mfp([1 / lam_m], [[0.0]], [[0.0]], [1.0], [1e-6, 1e-5])
    out = snapshot_diffusion(mfp, make_profile([r_km]))
    expected = (r_km * 1e3) ** 2 / (C_M_PER_S * lam_m)
    dt = out["diffusion_time"].sel(species="nubar").to_numpy()
    np.testing.assert_allclose(dt, expected, rtol=1e-13)
    np.testing.assert_allclose(out["diffusion_time_sm"].sel(species="nubar"), expected, rtol=1e-13)


def test_map_agrees_with_polynomial_and_sm_limit(two_snapshot_model):
    d = two_snapshot_model
    g2 = d["coupling"] ** 2
    poly = d["dt_sm"] + d["dt_int"] * g2 + d["dt_np"] * g2**2
    np.testing.assert_allclose(
        d["diffusion_time"], poly.transpose(*d["diffusion_time"].dims), rtol=1e-12
    )
    smallest = d["diffusion_time"].isel(coupling=0)
    np.testing.assert_allclose(smallest, d["diffusion_time_sm"].broadcast_like(smallest), rtol=1e-9)
    assert bool((d["diffusion_time"].diff("coupling") >= 0).all())


def test_nur_sums(two_snapshot_model):
    """nu_R sums and two-state time against hand sums over the shells (physics.md §4.2):

    S_conv = g^4 sum_k (R_k^2 - R_{k-1}^2) A0_k A2_k          ([C21] Eqs. 24-25)
    S_ret  = g^4 sum_k (R_k - R_{k-1}) A2_k                   ([C21] Eq. 26)
    c Dt_2 = 1/2 sum_k (R_k^2 - R_{k-1}^2) (A2_k g^4 + A0_k)  ([C21] Eq. 27)

    built from the fixture's inputs only (radii in km -> m, rates in 1/m), not from
    lightmed.diffusion. area/width = R_k + R_{k-1} = 5-25 km, so swapping width and area, or
    dropping the 1/2, misses by far more than rtol.
    """
    d = two_snapshot_model
    r_out = TWO_SNAP_R_OUTER_KM * 1e3  # [m]
    r_in = np.concatenate([[0.0], r_out[:-1]])
    area = r_out**2 - r_in**2  # (shell,) [m^2]: 25e6, 75e6, 125e6
    width = r_out - r_in  # (shell,) [m]: 5e3 each
    np.testing.assert_allclose(area, [25e6, 75e6, 125e6], rtol=1e-15)
    np.testing.assert_allclose(width, [5e3, 5e3, 5e3], rtol=1e-15)
    g4 = TWO_SNAP_COUPLINGS**4  # (coupling,)
    for snap, a0_scale in TWO_SNAP_A0_SCALE.items():
        for species, sp in SPECIES_SCALE.items():
            a0 = a0_scale * sp * TWO_SNAP_A0  # (shell,) [1/m]
            a2 = sp * TWO_SNAP_A2  # (shell, mass) [1/m]
            # sums over shells written out: (mass,) per g^4, then outer product with g^4
            conv_per_g4 = np.sum(area[:, None] * a0[:, None] * a2, axis=0)
            retrap_per_g4 = np.sum(width[:, None] * a2, axis=0)
            conv = conv_per_g4[:, None] * g4[None, :]  # (mass, coupling)
            retrap = retrap_per_g4[:, None] * g4[None, :]
            inv_np = a2[:, :, None] * g4[None, None, :]  # 1/lambda^NP: (shell, mass, coupling)
            inv_sm = a0[:, None, None]  # 1/lambda^SM
            dt2 = 0.5 * np.sum(area[:, None, None] * (inv_np + inv_sm), axis=0) / C_M_PER_S
            sel = {"snapshot": snap, "species": species, "energy_choice": "mu_nu_plus_pi_T"}
            got = {
                v: d[v].sel(sel).transpose("mass", "coupling").to_numpy()
                for v in ("nur_conversion_sum", "nur_retrapping_sum", "diffusion_time_two_state")
            }
            np.testing.assert_allclose(got["nur_conversion_sum"], conv, rtol=1e-10)
            np.testing.assert_allclose(got["nur_retrapping_sum"], retrap, rtol=1e-10)
            np.testing.assert_allclose(got["diffusion_time_two_state"], dt2, rtol=1e-10)
    # one hand-checkable number: S_ret at t1, nubar, lightest mass and g = 0.1 is
    # 5e3 m * (1e14 + 5e13 + 1e12) / (1e-2 + 1e-4)^2 m^-1 * 1e-4
    expected = 5e3 * (1e14 + 5e13 + 1e12) / (1e-2 + 0.01**2) ** 2 * 0.1**4
    got_one = d["nur_retrapping_sum"].sel(snapshot="t1", species="nubar").isel(mass=0, coupling=-1)
    np.testing.assert_allclose(float(got_one.squeeze()), expected, rtol=1e-10)


def brute_force_first(fun, couplings):
    """First grid coupling where fun(g) > 0 (grid scan reference)."""
    vals = fun(couplings)
    hit = np.flatnonzero(vals > 0)
    return couplings[hit[0]] if hit.size else np.nan


def test_exact_bounds_match_fine_grid_scan_on_every_snapshot(two_snapshot_model):
    d = two_snapshot_model
    bounds = sn_core_bounds(d, LNC, SETTINGS, TIMES)
    fine = np.geomspace(1e-8, 1e-1, 200_001)
    step = fine[1] / fine[0]
    checked = 0
    for mass in d["mass"].values[::7]:
        for snap in ("t1", "t5"):
            c = d.sel(snapshot=snap, mass=mass, species="nubar", energy_choice="mu_nu_plus_pi_T")
            refs = {
                "dt_10s": lambda g, c=c: (
                    float(c.dt_sm) + float(c.dt_int) * g**2 + float(c.dt_np) * g**4 - 10.0
                ),
                "dt_2sm": lambda g, c=c: (
                    float(c.dt_int) * g**2 + float(c.dt_np) * g**4 - float(c.dt_sm)
                ),
                "nur_conversion": lambda g, c=c: float(c.conv_np) * g**4 - 1.0,
                "nur_retrapping": lambda g, c=c: float(c.retrap_np) * g**4 - 100.0,
            }
            for crit, fun in refs.items():
                exact = float(
                    bounds["coupling_bound"].sel(
                        criterion=crit, snapshot=snap, mass=mass, energy_choice="mu_nu_plus_pi_T"
                    )
                )
                ref = brute_force_first(fun, fine)
                if np.isnan(ref):
                    assert np.isnan(exact), (crit, mass)
                    continue
                assert ref / step <= exact <= ref * (1 + 1e-12), (crit, mass, exact, ref)
                assert fun(exact * (1 + 1e-9)) > 0 > fun(exact * (1 - 1e-9))
                checked += 1
    assert checked > 20


def test_pairing_headline_and_truthful_labels(two_snapshot_model):
    """Every criterion on every snapshot; the pairing picks the quoted ones; labels name the
    snapshot, its time and the configured thresholds."""
    d = combine_snapshots(
        {
            **{s: two_snapshot_model.sel(snapshot=s, drop=True) for s in ("t1", "t5")},
            "mine": two_snapshot_model.sel(snapshot="t1", drop=True),
        }
    )
    settings = {**SETTINGS, "dt_max_s": 7.5}
    b = sn_core_bounds(d, LNC, settings, {**TIMES, "mine": None})
    assert b.sizes["criterion"] == 4 and list(b["snapshot"].values) == ["t1", "t5", "mine"]
    paired = b["paired"].to_pandas()
    assert paired.loc["dt_10s"].tolist() == [False, True, True]
    assert paired.loc["dt_2sm"].tolist() == [True, False, True]
    desc = b["criterion_description"]
    assert (
        str(desc.sel(criterion="dt_10s", snapshot="t5").values)
        == "Delta t > 7.5 s on t5 (t_pb = 5 s) ([C21] Eq. 22)"
    )
    assert "mine (t_pb not given)" in str(desc.sel(criterion="dt_2sm", snapshot="mine").values)
    # no rosseland in these artifacts: every energy choice is quoted, and the attrs say so
    assert "rosseland" in b.attrs["headline_note"]
    curves = headline_curves(b)
    assert {(c["criterion"], c["snapshot"]) for c in curves} == {
        ("dt_10s", "t5"),
        ("dt_2sm", "t1"),
        ("nur_conversion", "t1"),
        ("nur_retrapping", "t1"),
        *[(c, "mine") for c in ("dt_10s", "dt_2sm", "nur_conversion", "nur_retrapping")],
    }
    # same data under another name: identical numbers
    np.testing.assert_array_equal(
        b["coupling_bound"].sel(snapshot="mine"), b["coupling_bound"].sel(snapshot="t1")
    )
    # the nu_R band exists per snapshot
    assert b["nur_band_lower"].dims[0] == "snapshot"


def test_non_monotonic_interference_reports_both_crossings():
    """Destructive interference: Delta t_SM > 10 s dips below 10 s and rises again."""
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
    d = combine_snapshots({s: snapshot_diffusion(mfp, make_profile([r_km])) for s in TIMES})
    b = (
        sn_core_bounds(d, BL, SETTINGS, TIMES)
        .sel(criterion="dt_10s", mass=5.0, snapshot="t5")
        .squeeze()
    )
    assert float(b["coupling_bound"]) == 0.0  # the SM itself violates 10 s here
    assert bool(b["sm_fails"])
    assert int(b["n_intervals"]) == 2
    np.testing.assert_allclose(b["excluded_upper"].values[0], g_lo, rtol=1e-10)
    np.testing.assert_allclose(b["excluded_lower"].values[1], g_hi, rtol=1e-10)
    np.testing.assert_allclose(b["excluded_upper"].values[1], 1e-2, rtol=1e-12)
    np.testing.assert_allclose(float(b["first_crossing"]), g_lo, rtol=1e-10)


# --------------------------------------------------------------------------------------------
# Rosseland means: exact Delta t, general solver
# --------------------------------------------------------------------------------------------
@pytest.fixture
def rosseland():
    masses = np.geomspace(0.1, 300.0, 12)
    couplings = np.geomspace(1e-8, 1e-2, 61)
    prof = make_profile([5.0, 10.0, 15.0])
    per = {
        s: snapshot_diffusion(
            make_rosseland_mfp(masses, couplings, seed=i, scale=40.0), prof, nu_r_sums=True
        )
        for i, s in enumerate(("t1", "t5"))
    }
    return combine_snapshots(per), prof


def test_rosseland_closed_forms_and_exact_map(rosseland):
    d, prof = rosseland
    area = (prof["r_outer"] ** 2 - prof["r_inner"] ** 2).values * 1e6
    s = d.sel(snapshot="t1", species="nubar", weighting="transport")
    w = s["spectral_weight"]
    mean_sm = (w / s["spectral_rate_sm"]).sum("energy_node").transpose("shell").values  # [m]
    np.testing.assert_allclose(
        float(s["dt_sm"].sel(energy_choice="rosseland")),
        (area / mean_sm).sum() / C_M_PER_S,
        rtol=1e-13,
    )
    # <lambda_NP> per g^-4, (shell, mass)
    mean_np = (w / s["spectral_rate_np"]).sum("energy_node").transpose("shell", "mass").values
    np.testing.assert_allclose(
        s["conv_np"].sel(energy_choice="rosseland"),
        (area[:, None] / (mean_sm[:, None] * mean_np)).sum(0),
        rtol=1e-12,
    )
    assert np.isnan(s["dt_int"].sel(energy_choice="rosseland")).all()
    assert np.isnan(s["dt_np"].sel(energy_choice="rosseland")).all()
    # the exact evaluator reproduces the map computed from the artifact's own lambda
    time = RosselandTime(
        d["shell_area"].sel(snapshot="t1"),
        {
            v: s[v]
            for v in (
                "spectral_rate_sm",
                "spectral_rate_int",
                "spectral_rate_np",
                "spectral_weight",
            )
        },
        ["mass"],
    )
    g = np.broadcast_to(d["coupling"].values, (d.sizes["mass"], d.sizes["coupling"]))
    np.testing.assert_allclose(
        time(g),
        s["diffusion_time"].sel(energy_choice="rosseland").transpose("mass", "coupling").values,
        rtol=1e-12,
    )


def test_rosseland_bounds_against_brute_force(rosseland):
    """The bracketing solver on the non-polynomial Rosseland Delta t (destructive
    interference: up to two crossings) against a fine scan of the exact function."""
    d, _ = rosseland
    b = sn_core_bounds(d, BL, SETTINGS, TIMES)
    assert set(b["weighting"].values) == {"total", "transport"}
    head = b["headline"].sel(energy_choice="rosseland", weighting="transport")
    assert bool(head.sel(criterion="dt_10s", snapshot="t5"))
    assert not bool(b["headline"].sel(energy_choice="mu_nu_plus_pi_T").any())
    fine = np.concatenate([[0.0], np.geomspace(1e-11, 1e-2, 100_001)])
    step = fine[2] / fine[1]
    n_two = 0
    for snap in ("t1", "t5"):
        for wt in ("total", "transport"):
            s = d.sel(snapshot=snap, species="nubar", weighting=wt)
            time = RosselandTime(
                d["shell_area"].sel(snapshot=snap),
                {
                    v: s[v]
                    for v in (
                        "spectral_rate_sm",
                        "spectral_rate_int",
                        "spectral_rate_np",
                        "spectral_weight",
                    )
                },
                ["mass"],
            )
            values = time(np.broadcast_to(fine, (d.sizes["mass"], fine.size)))
            sm = float(s["dt_sm"].sel(energy_choice="rosseland"))
            for crit, thr in (("dt_10s", 10.0), ("dt_2sm", 2.0 * sm)):
                lo = (
                    b["excluded_lower"]
                    .sel(criterion=crit, snapshot=snap, weighting=wt, energy_choice="rosseland")
                    .values
                )
                up = (
                    b["excluded_upper"]
                    .sel(criterion=crit, snapshot=snap, weighting=wt, energy_choice="rosseland")
                    .values
                )
                for i in range(d.sizes["mass"]):
                    exc = values[i] > thr
                    edges = list(fine[1:][np.diff(exc.astype(int)) != 0])
                    got = [
                        x
                        for pair in zip(lo[i], up[i], strict=True)
                        for x in pair
                        if np.isfinite(x) and 0 < x < 1e-2
                    ]
                    assert len(got) == len(edges), (snap, wt, crit, i, got, edges)
                    for e, r in zip(got, edges, strict=True):
                        assert r / step <= e <= r * (1 + 1e-12)
                    n_two += len(edges) == 2
    assert n_two > 0, "the synthetic model must exercise two crossings"


def test_rosseland_without_spectra_is_one_clear_error():
    masses, couplings = [1.0, 10.0], np.geomspace(1e-8, 1e-2, 5)
    mfp = make_rosseland_mfp(masses, couplings).drop_vars("spectral_weight")
    with pytest.raises(ArtifactError, match="spectral_weight"):
        snapshot_diffusion(mfp, make_profile([5.0, 10.0, 15.0]))


def test_media_become_a_dimension_with_the_first_as_headline(two_snapshot_model):
    per = {
        (s, m): two_snapshot_model.sel(snapshot=s, drop=True) * (1.0 if m == "c21" else 1.1)
        for s in ("t1", "t5")
        for m in ("c21", "dd2")
    }
    d = combine_snapshots(per)
    b = sn_core_bounds(d, LNC, SETTINGS, TIMES)
    assert list(b["medium"].values) == ["c21", "dd2"]
    assert list(b["headline_medium"].values) == ["c21", "c21"]
    assert not bool(b["headline"].sel(medium="dd2").any())
    # snapshots with their own media (t5 only in dd2, headline dd2): NaN where not computed
    per.pop(("t5", "c21"))
    b = sn_core_bounds(
        combine_snapshots(per), LNC, SETTINGS, TIMES, headline_media={"t1": "c21", "t5": "dd2"}
    )
    assert b["computed"].to_pandas().loc["t5"].tolist() == [False, True]
    assert np.isnan(b["coupling_bound"].sel(snapshot="t5", medium="c21")).all()
    assert list(b["headline_medium"].values) == ["c21", "dd2"]
    head = b["headline"].sel(criterion="dt_10s", snapshot="t5")
    assert head.sel(medium="dd2").all() and not head.sel(medium="c21").any()


# --------------------------------------------------------------------------------------------
# registry, applicability, errors
# --------------------------------------------------------------------------------------------
def test_not_applicable_model_gives_a_status_entry(tmp_path):
    model = PRESETS["b3lmu_vector"]
    reason = model.sn_core_status("e")
    assert reason
    with pytest.raises(InputError, match="not applicable"):
        sn_core_bounds(xr.Dataset(), model, SETTINGS)
    b = not_applicable_bounds(model, reason, ["t1", "t5"], [1.0, 10.0], SETTINGS, TIMES)
    assert np.isnan(b["coupling_bound"]).all() and not bool(b["applicable"].any())
    assert all(
        str(s).startswith("not applicable: b3lmu_vector: no coupling to nu_e")
        for s in b["status"].values
    )
    path = tmp_path / "na.csv"
    write_bounds_csv(b, path, extra=("headline",))
    df = pd.read_csv(path, comment="#")
    assert len(df) == 2 * 2 * 2 and (df["interval"] == -1).all()
    assert df["status"].str.contains("no coupling to nu_e").all()


def test_user_vector_model_uses_registry_criteria(two_snapshot_model):
    model = model_from_config(
        "u_vector",
        {
            "spin": "vector",
            "quark_charges": {"u": 1, "d": 0},
            "neutrino_charges": {"e": 1},
            "coupling": {"name": "g_u", "latex": "g_u"},
        },
    )
    b = sn_core_bounds(two_snapshot_model, model, SETTINGS, TIMES)
    assert list(b["criterion"].values) == ["dt_10s", "dt_2sm"]
    assert b.attrs["coupling_name"] == "g_u"


def test_missing_species(two_snapshot_model):
    with pytest.raises(InputError, match="observed_species"):
        sn_core_bounds(two_snapshot_model, LNC, {**SETTINGS, "observed_species": "x"})


def test_empty_grid_is_a_clear_error():
    mfp = make_mfp([1.0], np.zeros((1, 0)), np.zeros((1, 0)), [], [1e-5, 1e-4])
    with pytest.raises(InputError, match="empty dimension.*mass"):
        snapshot_diffusion(mfp, make_profile([10.0]))


def test_profile_without_radii_and_shell_mismatch():
    mfp = make_mfp([1.0, 2.0], np.zeros((2, 1)), np.ones((2, 1)), [1.0], [1e-5, 1e-4])
    with pytest.raises(InputError, match="missing shell radii r_inner"):
        snapshot_diffusion(mfp, make_profile([5.0, 10.0]).drop_vars("r_inner"))
    with pytest.raises(InputError, match="2 shells but the profile has 3"):
        snapshot_diffusion(mfp, make_profile([5.0, 10.0, 15.0]))


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


def test_garching_header_time(tmp_path):
    f = tmp_path / "hydro.txt"
    f.write_text("# Hydro quantities of SFHo-s18.6-MUONS at time t_pb= 0.99948092s\n")
    assert garching_time_s(f) == pytest.approx(0.99948092, rel=1e-15)
    f.write_text("# no time here\n")
    assert garching_time_s(f) is None


# --------------------------------------------------------------------------------------------
# regression: today's [C21] bounds from today's diffusion coefficients
# --------------------------------------------------------------------------------------------
#: nubar, E = mu_nu + pi T coefficients of the default pipeline's results/diffusion/{model}.nc
#: at m = 0.01, 3.162, 1000 MeV (snapshot order t1, t5), and the bounds of
#: results/bounds/sn_core_{model}.nc before the bounds module existed (lightmed at commit
#: b4a78f3). A change needs a physics justification.
PINNED = {
    "bl_vector": {
        "dt_sm": (1.940024820965744, 1.0516479280759867),
        "dt_int": (
            [39146866.1540488, 14833297.557394775, 27864.139004219724],
            [37594176.84663519, 13472301.799712745, 18567.245645983698],
        ),
        "dt_np": (
            [1.7458095138684142e21, 1.7434768954501652e16, 5759046664.342749],
            [1.796608267257659e21, 1.7904400980687542e16, 3669869604.528041],
        ),
        "conv_np": ([0.0] * 3, [0.0] * 3),
        "retrap_np": ([0.0] * 3, [0.0] * 3),
        "bounds": {
            "dt_10s": [8.400211588299369e-06, 0.00014826601021782534, 0.006849417036037161],
            "dt_2sm": [5.7727077927820555e-06, 0.00010065682938583531, 0.0040116681013940714],
        },
    },
    "lnc_scalar": {
        "dt_sm": (1.940024820965744, 1.0516479280759867),
        "dt_int": ([0.0] * 3, [0.0] * 3),
        "dt_np": (
            [72598792114634.86, 26808714121841.44, 3188102613.1502795],
            [139993755337729.86, 46292339515010.39, 1488193594.088677],
        ),
        "conv_np": (
            [2.7020104726010764e22, 1.1131288752778738e22, 2.5629564984910003e18],
            [3.7089140843125074e22, 1.4075583856312878e22, 9.330415892395978e17],
        ),
        "retrap_np": (
            [1.0254574874117064e18, 4.0745059780389715e17, 57426562567420.24],
            [2.2900462890764334e18, 7.972850715487976e17, 32006965834530.46],
        ),
        "bounds": {
            "dt_10s": [0.0005028154338678619, 0.0006630686323914427, 0.008805842390382968],
            "dt_2sm": [0.00040431464527411834, 0.0005186600835949828, 0.004966709381962621],
            "nur_conversion": [
                2.4664836618476423e-06,
                3.0786735307123752e-06,
                2.4992787191569966e-05,
            ],
            "nur_retrapping": [9.93734996937128e-05, 0.0001251645263300094, 0.0011487401347078775],
        },
    },
}


@pytest.mark.parametrize("name", list(PINNED))
def test_regression_pinned_c21_bounds(name):
    pin = PINNED[name]
    masses = [0.01, 3.1622776601683795, 1000.0]
    coords = {
        "snapshot": ["c21_t1s", "c21_t5s"],
        "species": ["nubar"],
        "energy_choice": ["mu_nu_plus_pi_T"],
        "mass": masses,
    }

    def var(values):
        arr = np.asarray(values, float)
        if arr.ndim == 1:
            return (("snapshot", "species", "energy_choice"), arr[:, None, None])
        return (("snapshot", "species", "energy_choice", "mass"), arr[:, None, None, :])

    d = xr.Dataset(
        {k: var(pin[k]) for k in ("dt_sm", "dt_int", "dt_np", "conv_np", "retrap_np")},
        coords=coords,
    )
    settings = {
        **SETTINGS,
        "pairing": {
            "c21_t5s": ["dt_10s"],
            "c21_t1s": ["dt_2sm", "nur_conversion", "nur_retrapping", "eos_indicative"],
        },
    }
    b = sn_core_bounds(d, PRESETS[name], settings, coupling_max=0.01)
    for crit, expected in pin["bounds"].items():
        snap = "c21_t5s" if crit == "dt_10s" else "c21_t1s"
        got = b["coupling_bound"].sel(criterion=crit, snapshot=snap).squeeze().values
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=0)
        assert bool(b["headline"].sel(criterion=crit, snapshot=snap).all())


# --------------------------------------------------------------------------------------------
# config cross-checks and the stage plan
# --------------------------------------------------------------------------------------------
@pytest.fixture
def config():
    import yaml

    from lightmed.config import validate_config

    from helpers import REPO

    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    return validate_config(cfg, REPO / "workflow" / "schemas" / "config.schema.yaml")


def test_check_references_pairing_and_radial_names(config):
    import copy

    from lightmed.config import check_references
    from lightmed.errors import ConfigError

    check_references(config)
    bad = copy.deepcopy(config)
    bad["diffusion"]["pairing"]["c21_t9s"] = ["dt_10s"]
    with pytest.raises(ConfigError, match="diffusion.pairing.c21_t9s .* not a key of snapshots"):
        check_references(bad)
    bad = copy.deepcopy(config)
    bad["radial"]["garching_profiles"] = {"c21_t1s": "x.txt"}
    with pytest.raises(ConfigError, match="name of a snapshot"):
        check_references(bad)


def test_plan_one_job_every_model_and_not_applicable_entries(config):
    from lightmed.smk import diffusion as smk

    config["models"]["b3lmu_vector"] = {
        "sn_core_grid": config["models"]["bl_vector"]["sn_core_grid"]
    }
    plan = smk.sn_core_plan(config)
    assert "b3lmu_vector" in plan["not_applicable"]
    assert "no coupling to nu_e" in plan["not_applicable"]["b3lmu_vector"]
    assert [k[0] for k in plan["mfp_model"]].count("b3lmu_vector") == 0
    outs = smk.sn_core_outputs(config)
    assert "results/bounds/sn_core_b3lmu_vector.nc" in outs["bounds"]
    assert "results/diffusion/b3lmu_vector.nc" not in outs["diffusion"]
    assert len(outs["bounds"]) == len(outs["radial"]) == 4
    # radial.snapshots: null = every snapshot
    assert plan["radial_shells"] == list(config["snapshots"])
    inputs = smk.sn_core_input(
        config,
        {
            "mfp_model": "{snapshot}_{nature}_{model}",
            "mfp": "{snapshot}_{nature}",
            "profile": "{snapshot}",
            "rmf": "rmf_{snapshot}_{nature}",
        },
    )
    assert len(inputs["mfp_model"]) == len(plan["mfp_model"]) == 6
    assert inputs["rmf"] == ["rmf_c21_t1s_dirac", "rmf_c21_t5s_dirac"]


def test_plan_follows_the_medium_dimension(config):
    """With nuclear media (rmf.media, snapshots.<name>.media) every map is read per medium;
    the radial method and the figures use each snapshot's headline (first) medium."""
    from lightmed.smk import diffusion as smk

    config.setdefault("rmf", {})["media"] = ["c21", "dd2"]
    config["snapshots"]["c21_t5s"]["media"] = ["dd2"]
    plan = smk.sn_core_plan(config)
    assert plan["headline_media"] == {"c21_t1s": "c21", "c21_t5s": "dd2"}
    assert ["bl_vector", "c21_t1s", "dd2"] in plan["mfp_model"]
    assert ["bl_vector", "c21_t5s", "c21"] not in plan["mfp_model"]
    pats = {
        "mfp_model": "{snapshot}_{medium}_{nature}_{model}",
        "mfp": "{snapshot}_{medium}_{nature}",
        "profile": "{snapshot}",
        "rmf": "rmf_{snapshot}_{medium}_{nature}",
    }
    inputs = smk.sn_core_input(config, pats)
    assert "c21_t5s_dd2_dirac_bl_vector" in inputs["mfp_model"]
    assert inputs["rmf"] == ["rmf_c21_t1s_c21_dirac", "rmf_c21_t5s_dd2_dirac"]


def test_combined_snapshots_with_different_shell_counts_say_where_they_are_padded():
    """The outer join NaN-pads a snapshot with fewer shells; the file says so (attribute
    ``shells``), and snapshots with equal shell counts get no such attribute."""
    masses, couplings = [5.0], np.geomspace(1e-6, 1e-2, 5)

    def one(n):
        mfp = make_mfp(np.ones(n), np.ones((n, 1)), np.ones((n, 1)), masses, couplings)
        return snapshot_diffusion(mfp, make_profile(np.arange(1, n + 1) * 2.0))

    d = combine_snapshots({"t1": one(3), "t5": one(2)})
    assert d.attrs["shells"].startswith("t1: 3, t5: 2 (")
    assert np.isnan(d["shell_area"].sel(snapshot="t5", shell=3))
    assert np.isfinite(d["shell_area"].sel(snapshot="t1", shell=3))
    assert "shells" not in combine_snapshots({"t1": one(2), "t5": one(2)}).attrs
