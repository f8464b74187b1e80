"""Medium ``profile`` (the simulation's own m*, U), the media dimension and its config."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import xarray as xr
import yaml

from lightmed import rmf
from lightmed.config import check_references, load_schema, validate_config
from lightmed.constants import M_NEUTRON_MEV, M_PROTON_MEV
from lightmed.errors import ConfigError, InputError
from lightmed.profiles import garching_profile, load_snapshot, shell_table
from lightmed.smk import core

from helpers import REPO

SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
GARCHING = {
    "sfho_s18p6": "hydro-SFHo-s18.6-MUONS_tpb0.99948092s.txt",
    "sfho_s18p8": "hydro-SFHo-s18.80-MUONS_tpb1.0001996s.txt",
    "sfho_s20p0": "hydro-SFHo-s20.0-MUONS_tpb1.0010874s.txt",
    "ls220_s20p0": "hydro-LS220-s20.0-MUONS_tpb1.0001464s.txt",
}
RADII_KM = [5.0, 7.5, 10.0, 15.0, 17.5, 20.0]


def _shells(shared_data, key="sfho_s18p6", g_nu=2.0):
    spec = {
        "format": "garching_profile",
        "path": str(shared_data / "sn_profiles" / GARCHING[key]),
        "shells": {"radii_km": RADII_KM},
    }
    return load_snapshot(spec, neutrino_degeneracy=g_nu)


def _pointwise(shared_data, key):
    """The radial file's own rows (r < 20 km) as 'shells', for a point-by-point check."""
    radial = garching_profile(shared_data / "sn_profiles" / GARCHING[key])
    core_rows = radial.where(radial["radius"] < 20.0, drop=True)
    return core_rows.rename({"radius": "shell"})


# --- convention check against the simulation's own numbers ----------------------------
@pytest.mark.requires_shared_data
@pytest.mark.parametrize("key", ["sfho_s18p6", "sfho_s18p8", "sfho_s20p0"])
def test_sfho_densities_follow_from_potentials(shared_data, key):
    """mu*_N = mu_N - m_N - U_N + m*_N: the Dirac gas (m*_N, T) holds the file's free-nucleon
    density n_B X_N to < 1 % wherever nucleons are free (X_n + X_p > 0.99), point by point
    (0.45-0.67 % max; <= 0.35 % inside 8 km; ~3 % where light clusters appear, which the
    excluded-volume treatment of the SFHo tables does not give a free Fermi gas).

    SFHo is a relativistic mean-field EoS, so this is exact up to the file's rounding; the
    alternative readings are far off (mu_N - U_N with U_N a vector potential: x 10-30).
    """
    rows = _pointwise(shared_data, key)
    check = rmf.density_residuals(rows)
    free = (rows["free_neutron_fraction"] + rows["free_proton_fraction"]).to_numpy() > 0.99
    assert free.sum() > 50
    for nucleon in ("n", "p"):
        assert np.abs(check[f"density_residual_{nucleon}"][free]).max() < 1e-2
    wrong = rows.copy()
    wrong["potential_n"] = rows["potential_n"] + rows["effective_mass_n"] - M_NEUTRON_MEV
    assert np.abs(rmf.density_residuals(wrong)["density_residual_n"][free]).min() > 1.0


@pytest.mark.requires_shared_data
def test_ls220_is_non_relativistic(shared_data):
    """LS220 (Skyrme-type, m* = m): the Dirac gas overestimates its densities by ~10 % in the
    core; documented, not corrected (docs/physics.md section 2)."""
    rows = _pointwise(shared_data, "ls220_s20p0")
    np.testing.assert_allclose(rows["effective_mass_n"], M_NEUTRON_MEV, atol=0.01)
    check = rmf.density_residuals(rows)
    inner = rows["shell"].to_numpy() < 8.0
    assert 0.05 < check["density_residual_n"][inner].min() < 0.2


# --- the profile medium ------------------------------------------------------------------
@pytest.mark.requires_shared_data
def test_profile_medium_takes_the_simulations_medium(shared_data):
    shells = _shells(shared_data)
    dirac = rmf.solve_medium(
        shells, medium="profile", lepton_mode="fixed_lepton_fraction", neutrino_degeneracy=2.0
    )
    assert set(rmf.RMF_VARIABLES) <= set(dirac.data_vars)
    np.testing.assert_array_equal(dirac["effective_mass_n"], shells["effective_mass_n"])
    np.testing.assert_array_equal(dirac["effective_mass"], shells["effective_mass_n"])
    np.testing.assert_allclose(
        dirac["mu_p_eff"],
        shells["mu_p"] - M_PROTON_MEV - shells["potential_p"] + shells["effective_mass_p"],
        rtol=1e-15,
    )
    np.testing.assert_array_equal(dirac["mu_nu"], shells["mu_nu"])
    np.testing.assert_array_equal(dirac["mu_nu_profile"], shells["mu_nu"])
    np.testing.assert_allclose(
        dirac["neutrino_fraction"], shells["lepton_fraction"] - shells["electron_fraction"]
    )
    np.testing.assert_allclose(
        dirac["proton_fraction"], shells["electron_fraction"] + shells["muon_fraction"]
    )
    assert float(dirac["solver_residual"].max()) == 0.0
    assert np.isnan(dirac["sigma_mev"]).all()
    assert (np.abs(dirac["density_residual_n"][:3]) < 0.02).all()  # inner, uniform shells
    for name, var in {**dirac.coords, **dirac.data_vars}.items():
        assert var.attrs.get("units") is not None and var.attrs.get("long_name"), name
    majorana = rmf.solve_medium(
        shells, medium="profile", lepton_mode="beta_equilibrium_zero_mu_nu", neutrino_degeneracy=2.0
    )
    assert float(abs(majorana["mu_nu"]).max()) == 0.0
    np.testing.assert_array_equal(majorana["mu_n_eff"], dirac["mu_n_eff"])
    # Y_nu = 0 in the Majorana medium: the copied Y_L is the profile's, not the medium's
    assert "not imposed" in majorana["lepton_fraction"].attrs["long_name"]
    assert "not imposed" not in dirac["lepton_fraction"].attrs["long_name"]
    assert "not imposed" not in majorana["electron_fraction"].attrs["long_name"]


@pytest.mark.requires_shared_data
def test_density_matched_profile_medium(shared_data):
    """profile_mu_eff = densities: the Dirac gas holds n_B X_N exactly in every shell."""
    shells = _shells(shared_data)
    ds = rmf.profile_medium(
        shells, lepton_mode="fixed_lepton_fraction", neutrino_degeneracy=2.0, mu_eff="densities"
    )
    check = rmf.density_residuals(
        shells.assign(
            potential_n=shells["mu_n"] - M_NEUTRON_MEV - ds["mu_n_eff"] + ds["effective_mass_n"],
            potential_p=shells["mu_p"] - M_PROTON_MEV - ds["mu_p_eff"] + ds["effective_mass_p"],
        )
    )
    assert np.abs(check["density_residual_n"]).max() < 1e-10
    assert np.abs(check["density_residual_p"]).max() < 1e-10


@pytest.mark.requires_shared_data
def test_rmf_media_report_the_profiles_own_mu_nu(shared_data):
    """RMF media solve with the profile's Y_L and keep the profile's mu_nu as mu_nu_profile."""
    shells = _shells(shared_data)
    for medium in ("c21", "dd2"):
        ds = rmf.solve_medium(
            shells, medium=medium, lepton_mode="fixed_lepton_fraction", neutrino_degeneracy=2.0
        )
        np.testing.assert_array_equal(ds["mu_nu_profile"], shells["mu_nu"])
        np.testing.assert_array_equal(ds["effective_mass_n_profile"], shells["effective_mass_n"])
        assert "profile's own" in ds["mu_nu_profile"].attrs["long_name"]
        assert ds.attrs["medium"] == medium
        assert float(ds["solver_residual"].max()) < 1e-10


def test_profile_medium_needs_the_simulations_medium():
    table = shell_table(REPO / "resources/profiles/c21_t1s.csv")
    with pytest.raises(InputError) as info:
        rmf.solve_medium(
            table, medium="profile", lepton_mode="fixed_lepton_fraction", neutrino_degeneracy=2
        )
    message = str(info.value)
    assert "c21_t1s.csv" in message and "effective_mass_n" in message and "\n" not in message


# --- media keys, schema and rule helpers ------------------------------------------------
def test_media_keys_agree_everywhere():
    """rmf.MEDIA = the schema's medium enum = lightmed.smk.core.MEDIA (the wildcard)."""
    schema = load_schema(SCHEMA)
    enum = schema["definitions"]["medium"]["enum"]
    assert set(rmf.MEDIA) == set(enum) == set(core.MEDIA)
    assert {m.upper() for m in rmf.MEDIA if m != "profile"} == set(rmf.PRESETS)


@pytest.fixture()
def config():
    cfg = yaml.safe_load((REPO / "config/config.yaml").read_text())
    return validate_config(cfg, SCHEMA)


def test_media_default_and_per_snapshot(config):
    assert core.snapshot_media(config, "c21_t1s") == ["c21"]
    config["rmf"]["media"] = ["dd2", "c21"]
    config["snapshots"]["c21_t5s"]["media"] = ["nl3"]
    assert core.headline_medium(config, "c21_t1s") == "dd2"
    assert core.snapshot_media(config, "c21_t5s") == ["nl3"]
    files = core.medium_targets(config, "{snapshot}_{medium}_{nature}", natures=["dirac"])
    assert files == ["c21_t1s_dd2_dirac", "c21_t1s_c21_dirac", "c21_t5s_nl3_dirac"]


def test_rmf_params_carry_only_what_the_medium_depends_on(config):
    rmf_block = core.rmf_params(config, "nl3", "dirac")
    assert rmf_block["medium"] == "nl3" and "overrides" in rmf_block
    assert "profile_mu_eff" not in rmf_block
    prof = core.rmf_params(config, "profile", "majorana")
    assert "overrides" not in prof and "tolerance" not in prof
    assert prof["lepton_mode"] == "beta_equilibrium_zero_mu_nu"
    assert core.ingest_params(config, "c21_t1s")["neutrino_degeneracy"] is None


def test_profile_medium_for_a_shell_table_is_one_config_error(config, monkeypatch):
    monkeypatch.chdir(REPO)
    bad = copy.deepcopy(config)
    bad["snapshots"]["c21_t1s"]["media"] = ["profile", "c21"]
    with pytest.raises(ConfigError) as info:
        check_references(bad)
    message = str(info.value)
    assert "snapshots.c21_t1s.media" in message and "resources/profiles/c21_t1s.csv" in message
    assert "\n" not in message
    radial = copy.deepcopy(config)
    radial["snapshots"]["sfho"] = {"format": "garching_profile", "path": "x.txt"}
    radial["rmf"]["media"] = ["profile"]
    radial["snapshots"]["c21_t1s"]["media"] = ["c21"]
    radial["snapshots"]["c21_t5s"]["media"] = ["c21"]
    check_references(radial)  # radial snapshots always carry their own medium


def test_snapshot_neutrino_degeneracy_key_is_gone(config):
    """One g_nu: rmf.neutrino_degeneracy; the old per-snapshot key is an unknown key."""
    bad = copy.deepcopy(config)
    bad["snapshots"]["c21_t1s"]["neutrino_degeneracy"] = 1
    with pytest.raises(ConfigError, match="unknown key 'neutrino_degeneracy'"):
        validate_config(bad, SCHEMA)


def test_profile_dataset_without_variables_is_refused():
    ds = xr.Dataset(
        {"temperature": ("shell", [10.0]), "baryon_density": ("shell", [0.1])},
        coords={"shell": [1]},
    )
    with pytest.raises(InputError, match="missing lepton_fraction"):
        rmf.profile_medium(ds, lepton_mode="fixed_lepton_fraction", neutrino_degeneracy=2.0)


def test_rmf_parameters_attribute_is_json():
    """The preset's couplings travel with the file as JSON (any NetCDF tool or json.loads reads
    them), not as a Python repr."""
    import json

    profile = shell_table(REPO / "resources/profiles/c21_t1s.csv")
    out = rmf.solve_profile(profile, preset="C21", lepton_mode="fixed_lepton_fraction")
    params = json.loads(out.attrs["rmf_parameters"])
    assert params["name"] == "C21"
    assert params["nucleon_mass_mev"] == 939.0


@pytest.mark.parametrize(
    ("mode", "flagged"),
    [("fixed_lepton_fraction", False), ("beta_equilibrium_zero_mu_nu", True)],
)
def test_a_copied_fraction_the_lepton_mode_does_not_impose_says_so(mode, flagged):
    """Majorana media (beta equilibrium, mu_nu = 0) do not keep the profile's Y_L: the copied
    lepton_fraction's long_name says it is the profile's and not imposed; where the mode
    imposes it, it is the medium's too and keeps its name."""
    profile = shell_table(REPO / "resources/profiles/c21_t1s.csv")
    out = rmf.solve_profile(profile, preset="C21", lepton_mode=mode)
    name = out["lepton_fraction"].attrs["long_name"]
    assert ("not imposed" in name) is flagged
    assert name.startswith(profile["lepton_fraction"].attrs["long_name"])
    np.testing.assert_array_equal(out["lepton_fraction"], profile["lepton_fraction"])
