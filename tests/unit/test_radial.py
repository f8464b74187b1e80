"""[ST21] radial SN-core method (physics.md §4.3): cross sections, averages, radii, bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr
from scipy import integrate
from scipy.special import zeta

from lightmed import radial as R
from lightmed.config import validate_config
from lightmed.constants import C_M_PER_S, G_FERMI_MEV2, HBARC_MEV_FM, SIN2_THETA_W
from lightmed.errors import InputError
from lightmed.models import PRESETS, model_from_config

from helpers import REPO

G_A = 1.27
BL, LNC, LNV = PRESETS["bl_vector"], PRESETS["lnc_scalar"], PRESETS["lnv_scalar"]
#: the radial block with the schema's defaults (the schema is their only source)
RADIAL = validate_config(
    {"snapshots": {"x": {"path": "x.csv"}}}, REPO / "workflow" / "schemas" / "config.schema.yaml"
)["radial"]


def settings(**kw):
    return {**RADIAL, **kw}


def shell_profile(r_outer_km, temperature, n_b, y_p, mu_nu=None):
    r_out = np.asarray(r_outer_km, float)
    n = len(r_out)

    def var(x, units):
        return (
            "shell",
            np.broadcast_to(np.asarray(x, float), (n,)).copy(),
            {"units": units, "long_name": "x"},
        )

    data = {
        "r_inner": var(np.concatenate([[0.0], r_out[:-1]]), "km"),
        "r_outer": var(r_out, "km"),
        "temperature": var(temperature, "MeV"),
        "baryon_density": var(n_b, "fm-3"),
        "electron_fraction": var(y_p, "1"),
    }
    if mu_nu is not None:
        data["mu_nu"] = var(mu_nu, "MeV")
    return xr.Dataset(data, coords={"shell": np.arange(1, n + 1)})


def _quad_log(f, x_max, m2, b):
    """int_0^X f(x) dx with the substitution D = b x + m^2 (log-uniform in D) when the
    propagator varies over the range, plain quadrature in x otherwise."""
    if b * x_max < m2:
        return integrate.quad(f, 0.0, x_max, epsrel=1e-13, epsabs=0, limit=400)[0]
    lo, hi = math.log(m2), math.log(b * x_max + m2)

    def g(t):
        d = math.exp(t)
        return f((d - m2) / b) * d / b

    return integrate.quad(g, lo, hi, epsrel=1e-13, epsabs=0, limit=400)[0]


@pytest.mark.parametrize("energy", [3.0, 30.0, 150.0])
@pytest.mark.parametrize("mass", [1e-3, 0.3, 30.0, 3e4])
@pytest.mark.parametrize("nucleon", ["n", "p"])
def test_closed_form_recoil_integrals_match_quadrature(energy, mass, nucleon):
    mn = 939.0
    x_max = 2 * energy**2 / (mn + 2 * energy)
    qw = 1.0 if nucleon == "n" else -(1 - 4 * SIN2_THETA_W)

    def k(x):
        return 1 - mn * x / (2 * energy**2)

    def d(x):
        return 2 * mn * x + mass**2

    sm, c_int, c_np = R.nc_cross_section_coefficients(energy, mass, nucleon, BL, "e")
    _, _, s_np = R.nc_cross_section_coefficients(energy, mass, nucleon, LNC, "e")
    hc2 = HBARC_MEV_FM**2
    b, m2 = 2 * mn, mass**2
    ref_int = (
        G_FERMI_MEV2
        * mn
        * qw
        / (math.sqrt(2) * math.pi)
        * _quad_log(lambda x: k(x) / d(x), x_max, m2, b)
        * hc2
    )
    ref_np = mn / (2 * math.pi) * _quad_log(lambda x: k(x) / d(x) ** 2, x_max, m2, b) * hc2
    qs = 1.0  # [C21]'s Y is nucleon-normalised: c_n = c_p = 1 (registry, sigma terms c21)
    ref_s = (
        qs**2
        * mn**2
        / (4 * math.pi * energy**2)
        * _quad_log(lambda x: x / d(x) ** 2, x_max, m2, b)
        * hc2
    )
    ref_sm = (
        G_FERMI_MEV2**2
        * mn
        / math.pi
        * (qw**2 + 3 * G_A**2)
        / 4
        * (x_max - mn * x_max**2 / (4 * energy**2))
        * hc2
    )
    np.testing.assert_allclose(sm, ref_sm, rtol=1e-12)
    np.testing.assert_allclose(c_int, ref_int, rtol=1e-8)  # B-L: q_nu q_N = -g^2
    np.testing.assert_allclose(c_np, ref_np, rtol=1e-8)
    np.testing.assert_allclose(s_np, ref_s, rtol=1e-8)


def test_bl_interference_signs_and_heavy_nucleon_limit():
    """B-L (nu charge -g, nucleon +g): constructive on n, destructive on p; sigma_SM static."""
    _, int_n, _ = R.nc_cross_section_coefficients(20.0, 1.0, "n", BL, "e")
    _, int_p, _ = R.nc_cross_section_coefficients(20.0, 1.0, "p", BL, "e")
    assert int_n > 0 > int_p
    heavy = R.NucleonPhysics(nucleon_mass_mev=1e9)
    e = 10.0
    sm, _, _ = R.nc_cross_section_coefficients(e, 1.0, "n", BL, "e", heavy)
    expected = G_FERMI_MEV2**2 * e**2 * (1 + 3 * G_A**2) / (4 * math.pi) * HBARC_MEV_FM**2
    np.testing.assert_allclose(sm, expected, rtol=1e-8)


def test_cc_cross_section_threshold_and_value():
    e = np.array([1.0, 1.80, 10.0])
    cc_bar = R.cc_cross_section_fm2(e, "nubar_e")
    assert cc_bar[0] == 0.0 and cc_bar[1] == 0.0 and cc_bar[2] > 0
    ee = 10.0 + R.Q_NP_MEV
    pe = math.sqrt(ee**2 - 0.51099895**2)
    ref = G_FERMI_MEV2**2 * (1 + 3 * G_A**2) * ee * pe / math.pi * HBARC_MEV_FM**2
    np.testing.assert_allclose(R.cc_cross_section_fm2(10.0, "nu_e"), ref, rtol=1e-6)
    assert R.cc_cross_section_fm2(10.0, "nu_x") == 0.0


def test_constant_profile_tau_and_n_closed_form():
    """Uniform star, mu = 0: <sigma_NC> = G_F^2 <E^2> (Q_w^2 + 3 g_A^2)/(4 pi) (heavy nucleon),
    <E^2> = 15 zeta(5)/zeta(3) T^2; tau = kappa (R2^2 - R1^2)/(2c), N = kappa_NP^2 R2^2."""
    t, n_b, y_p = 4.0, 0.01, 0.3
    prof = R.radial_profile_from_shells(shell_profile([30.0], t, n_b, y_p, mu_nu=0.0))
    heavy = R.NucleonPhysics(nucleon_mass_mev=1e9, include_charged_current=False)
    op = R.cell_opacities(prof, [5.0], LNC, heavy, n_per_panel=32)
    e2 = 15 * zeta(5) / zeta(3) * t**2
    qw_p2 = (1 - 4 * SIN2_THETA_W) ** 2
    sigma = {
        nuc: G_FERMI_MEV2**2 * e2 * (q + 3 * G_A**2) / (4 * math.pi) * HBARC_MEV_FM**2
        for nuc, q in (("n", 1.0), ("p", qw_p2))
    }
    kappa = ((1 - y_p) * n_b * sigma["n"] + y_p * n_b * sigma["p"]) * 1e15  # 1/m
    for f in range(3):  # mu = 0 and no CC: all flavours equal
        np.testing.assert_allclose(op["sm"][f, 0], kappa, rtol=1e-9)
    # with the default nucleon mass the recoil correction is O(E/m_N) (~1 % here)
    prof_real = R.cell_opacities(prof, None, None, R.NucleonPhysics(include_charged_current=False))
    assert 0.9 < prof_real["sm"][2, 0] / kappa < 1.0
    # bounds machinery against the closed forms, fixed radii
    r1, r2 = 5.0, 25.0
    b = R.radial_bounds(
        prof, LNC, [5.0], settings(r1_km=r1, r2_km=r2, include_charged_current=False)
    )
    op_d = R.cell_opacities(prof, [5.0], LNC, R.NucleonPhysics(include_charged_current=False))
    w = ((r2 * 1e3) ** 2 - (r1 * 1e3) ** 2) / (2 * C_M_PER_S)
    np.testing.assert_allclose(b["tau_sm"].values, op_d["sm"][:, 0] * w, rtol=1e-12)
    np.testing.assert_allclose(
        b["n_scatter_np"].values[:, 0], op_d["np"][:, 0, 0] ** 2 * (r2 * 1e3) ** 2, rtol=1e-12
    )
    # tau bound: tau_SM + tau_np g^4 = 10 s (scalar: no g^2 term)
    tau0 = 0.5 * (b["tau_sm"].values[0] + b["tau_sm"].values[1])
    tau4 = 0.5 * (b["tau_np"].values[0, 0] + b["tau_np"].values[1, 0])
    g = ((10.0 - tau0) / tau4) ** 0.25
    np.testing.assert_allclose(b["coupling_bound"].sel(criterion="tau_10s").values, g, rtol=1e-10)
    g_n = (1.0 / b["n_scatter_np"].values[0, 0]) ** 0.125
    np.testing.assert_allclose(
        b["coupling_bound"].sel(criterion="n_scatter_1").values, g_n, rtol=1e-10
    )


def test_shared_energy_grid_matches_per_cell_quadrature():
    prof = R.radial_profile_from_shells(
        shell_profile(
            [5, 10, 15, 20],
            [15, 28, 33, 7],
            [0.5, 0.15, 0.06, 0.008],
            [0.25, 0.2, 0.15, 0.05],
            mu_nu=[110, 80, 29, 12],
        )
    )
    masses = [0.05, 5.0, 500.0]
    coarse = R.cell_opacities(prof, masses, BL, n_per_panel=24)
    fine = R.cell_opacities(prof, masses, BL, n_per_panel=64)
    for key in ("sm", "int", "np"):
        np.testing.assert_allclose(coarse[key], fine[key], rtol=1e-8)


def test_r1_r2_on_step_profile():
    # eta = 7, 4, 0.5, 0.5: R1 at the inner edge of the third shell (10 km)
    prof = R.radial_profile_from_shells(
        shell_profile(
            [5, 10, 15, 20],
            [10, 10, 10, 10],
            [0.3, 0.2, 0.05, 1e-6],
            [0.3] * 4,
            mu_nu=[70, 40, 5, 5],
        )
    )
    assert R.find_r1_km(prof, 1.0) == 10.0
    kappa = np.array([10.0, 10.0, 1.0, 1e-5])  # 1/m
    # optical depth of the last shell: 5e3 m * 1e-5 = 0.05; shell 3 adds 1/m
    r2 = R.find_r2_km(prof, kappa, 2 / 3)
    np.testing.assert_allclose(r2, 15.0 - (2 / 3 - 0.05) / 1.0 / 1e3, rtol=1e-12)
    # eta below 1 at the centre: R1 = 0
    flat = R.radial_profile_from_shells(shell_profile([5, 10], 10, 0.1, 0.3, mu_nu=1.0))
    assert R.find_r1_km(flat) == 0.0


def test_profile_without_mu_nu_is_a_clear_error():
    prof = shell_profile([5, 10], 10, 0.1, 0.3)
    with pytest.raises(InputError, match="mu_nu"):
        R.radial_profile_from_shells(prof)
    radial = xr.Dataset(
        {
            "temperature": ("radius", [10.0, 9.0]),
            "baryon_density": ("radius", [0.1, 0.1]),
            "electron_fraction": ("radius", [0.3, 0.3]),
        },
        coords={"radius": [1.0, 2.0]},
    )
    with pytest.raises(InputError, match="needs mu_nu"):
        R.radial_profile_from_garching(radial)
    with pytest.raises(InputError, match="empty mass grid"):
        R.radial_bounds(
            R.radial_profile_from_shells(shell_profile([5, 10], 10, 0.1, 0.3, mu_nu=20.0)),
            BL,
            [],
            settings(r1_km=0.0, r2_km=9.0),
        )


@pytest.mark.requires_shared_data
def test_garching_profile_radii_and_sm_time(shared_data):
    """SFHo-s18.6 at 1 s: eta = 1 at ~8.0 km (data README), neutrinosphere at 15-20 km."""
    from lightmed.profiles import garching_profile

    path = shared_data / "sn_profiles" / "hydro-SFHo-s18.6-MUONS_tpb0.99948092s.txt"
    if not path.exists():
        pytest.skip(f"{path} not present")
    prof = R.radial_profile_from_garching(garching_profile(path), "sfho")
    assert abs(R.find_r1_km(prof) - 8.0) < 0.2
    b = R.radial_bounds(prof, BL, np.geomspace(0.01, 100, 20), settings(), time_s=1.0)
    assert 15.0 < float(b["r2_km"]) < 20.0
    assert bool((b["tau_sm"] > 0.1).all()) and bool((b["tau_sm"] < 10).all())
    bound = b["coupling_bound"].sel(criterion="tau_10s")
    assert bool(np.isfinite(bound).all()) and bool((np.diff(bound) > 0).all())


def test_registry_charges_scale_the_mediator_terms():
    """Per (flavour, nucleon) the interference scales with s = q_alpha c_N and the new
    physics with s^2: a user vector with q_u = 1, q_d = 0 (c_p = 2, c_n = 1) and q_e = 2."""
    user = model_from_config(
        "uv",
        {
            "spin": "vector",
            "quark_charges": {"u": 1, "d": 0},
            "neutrino_charges": {"e": 2, "mu": 1},
            "coupling": {"name": "g_u", "latex": "g_u"},
        },
    )
    ref = model_from_config(
        "ref",
        {
            "spin": "vector",
            "quark_charges": {"u": 1, "d": 1},
            "neutrino_charges": {"e": 1},
            "coupling": {"name": "g", "latex": "g"},
        },
    )  # c_N = 3
    e, m = np.array([5.0, 30.0]), 2.0
    for nuc, c_user in (("p", 2.0), ("n", 1.0)):
        for flav, q in (("e", 2.0), ("mu", 1.0), ("tau", 0.0)):
            _, i_u, n_u = R.nc_cross_section_coefficients(e, m, nuc, user, flav)
            _, i_r, n_r = R.nc_cross_section_coefficients(e, m, nuc, ref, "e")
            np.testing.assert_allclose(i_u, i_r * q * c_user / 3.0, rtol=1e-13)
            np.testing.assert_allclose(n_u, n_r * (q * c_user / 3.0) ** 2, rtol=1e-13)


def test_heavy_flavours_split_and_not_applicable_criteria():
    prof = R.radial_profile_from_shells(
        shell_profile(
            [5, 10, 15, 20],
            [15, 28, 33, 7],
            [0.5, 0.15, 0.06, 0.008],
            [0.25, 0.2, 0.15, 0.05],
            mu_nu=[110, 80, 29, 0.5],
        )
    )
    b3lmu = PRESETS["b3lmu_vector"]
    assert R.radial_species(b3lmu) == ("nu_e", "nubar_e", "nu_mu", "nu_tau")
    assert R.radial_species(BL) == R.FLAVOURS
    b = R.radial_bounds(prof, b3lmu, [1.0, 10.0], settings(r1_km=5.0))
    assert not bool(b["applicable"].any())
    assert "no coupling to nu_e" in str(b["status"].sel(criterion="tau_10s").values)
    assert np.isnan(b["coupling_bound"]).all()
    # the mediator changes the nu_mu opacity only
    assert (b["tau_np"].sel(flavour="nu_mu") > 0).all()
    np.testing.assert_array_equal(b["tau_np"].sel(flavour=["nu_e", "nu_tau"]), 0.0)
    # an LNC-type scalar coupled to nu_mu and nu_e but not nu_tau: N per heavy flavour
    lnc_mu = model_from_config(
        "lnc_mu", {"preset": "lnc_scalar", "neutrino_charges": {"e": 1, "mu": 1}}
    )
    b = R.radial_bounds(prof, lnc_mu, [1.0, 10.0], settings(r1_km=5.0))
    status = b["status"].to_pandas()
    assert list(status.index) == [
        "tau_10s",
        "tau_100s",
        "n_scatter_1",
        "n_scatter_1_numu",
        "n_scatter_1_nutau",
    ]
    assert (status.drop("n_scatter_1_nutau") == "").all()
    assert "no coupling to nu_tau" in status["n_scatter_1_nutau"]
    assert np.isfinite(b["coupling_bound"].sel(criterion="n_scatter_1_numu")).all()


#: Dirac RMF outputs of [C21]'s t ~ 1 s shells (results/rmf/c21_t1s_c21_dirac.nc of the default
#: pipeline): mu_nu [MeV] and Y_p.
C21_T1S_RMF = {
    "mu_nu": [
        105.09935368354445,
        102.74606217599376,
        79.86510349543289,
        28.953734658192275,
        14.40175708262825,
        12.549099611672773,
    ],
    "proton_fraction": [
        0.28774235211453025,
        0.2581641989354179,
        0.21696279232059187,
        0.1754235941258417,
        0.09281458842680233,
        0.04557960049711912,
    ],
}
#: Radial-method bounds at m = 0.01, 1, 1000 MeV on c21_t1s. bl_vector: identical to the
#: artifacts before the registry (commit b4a78f3). Scalars: the registry's c_N = 1 for [C21]'s
#: Y replaces the earlier Q_s/13.8 = 14/13.8 (n), 15.1/13.8 (p); the old values were
#: tau_10s 4.525852597934145e-4, 5.867673920236838e-4, 1.0575768288678709e-2 and
#: n_scatter_1 1.7222829466221533e-5, 2.1214020836841344e-5, 2.9043094579631426e-4, i.e.
#: the bounds move up by 1.1-1.4 % (tau) and 1.6-1.8 % (N): weaker, as s^2 shrinks by
#: (13.8/14)^2 = 0.97 on neutrons and (13.8/15.1)^2 = 0.84 on protons.
PINNED_RADIAL = {
    ("bl_vector", "tau_10s"): [
        1.1153622340133403e-05,
        0.00011130897542038675,
        0.009083767308904228,
    ],
    ("bl_vector", "tau_100s"): [
        2.0559194686259004e-05,
        0.00020552289440432255,
        0.01721084815620743,
    ],
    ("lnc_scalar", "tau_10s"): [0.0004575913263937185, 0.0005934398014633516, 0.010723237542353417],
    ("lnc_scalar", "n_scatter_1"): [
        1.7503297350603174e-05,
        2.15731027070658e-05,
        0.00029561562650804623,
    ],
    ("lnc_scalar", "n_scatter_1_nux"): [
        1.1795418203415513e-05,
        1.5166560483354317e-05,
        0.00034946934674473447,
    ],
}


@pytest.mark.parametrize(("model", "criterion"), list(PINNED_RADIAL))
def test_regression_pinned_radial_bounds(model, criterion):
    from lightmed.profiles import shell_table

    rmf = xr.Dataset({k: ("shell", v) for k, v in C21_T1S_RMF.items()})
    prof = R.radial_profile_from_shells(
        shell_table(REPO / "resources" / "profiles" / "c21_t1s.csv"), rmf, "c21_t1s"
    )
    b = R.radial_bounds(prof, PRESETS[model], [0.01, 1.0, 1000.0], settings(), time_s=1.0)
    np.testing.assert_allclose(
        b["coupling_bound"].sel(criterion=criterion).values,
        PINNED_RADIAL[model, criterion],
        rtol=1e-10,
        atol=0,
    )
    assert "c21_t1s (t_pb = 1 s)" in str(b["criterion_description"].sel(criterion=criterion).values)
