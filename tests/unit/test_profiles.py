"""Shell-table and Garching radial-profile loaders, discretisation and validation errors."""

from __future__ import annotations

import numpy as np
import pytest

from lightmed.errors import InputError
from lightmed.profiles import (
    MEDIUM_VARIABLES,
    baryon_mass_msun,
    discretise_profile,
    garching_profile,
    load_snapshot,
    neutrino_number_density_fm3,
    shell_table,
)

from helpers import REPO

HEADER = "shell,r_outer_km,temperature_mev,baryon_density_fm3,lepton_fraction\n"
GARCHING = "hydro-SFHo-s18.6-MUONS_tpb0.99948092s.txt"


def _write(tmp_path, body, header=HEADER, name="p.csv"):
    path = tmp_path / name
    path.write_text("# comment line\n" + header + body)
    return path


def test_shipped_tables_match_c21_table_i():
    """[C21] Table I inputs; changing them needs a citation (resources/profiles/REFERENCE.md)."""
    t1 = shell_table(REPO / "resources/profiles/c21_t1s.csv")
    np.testing.assert_allclose(t1["r_outer"], [5.0, 7.5, 10.0, 15.0, 17.5, 20.0])
    np.testing.assert_allclose(t1["temperature"], [15, 20, 28, 33, 18, 7])
    np.testing.assert_allclose(t1["baryon_density"], [0.5, 0.3, 0.15, 0.06, 0.03, 0.008])
    np.testing.assert_allclose(t1["lepton_fraction"], [0.30, 0.28, 0.25, 0.20, 0.10, 0.05])
    np.testing.assert_allclose(t1["r_inner"], [0.0, 5.0, 7.5, 10.0, 15.0, 17.5])
    t5 = shell_table(REPO / "resources/profiles/c21_t5s.csv")
    np.testing.assert_allclose(t5["temperature"], [25, 28, 32, 25, 10])
    np.testing.assert_allclose(t5["lepton_fraction"], [0.25, 0.23, 0.20, 0.13, 0.035])
    for ds in (t1, t5):
        for name, var in {**ds.coords, **ds.data_vars}.items():
            assert var.attrs["units"] and var.attrs["long_name"], name


@pytest.mark.parametrize(
    ("body", "header", "message"),
    [
        (
            "1,5,15,0.5,0.3\n2,4,20,0.3,0.28\n",
            HEADER,
            "row 4, column 'r_outer_km' = 4: radii must increase",
        ),
        ("1,5,-15,0.5,0.3\n", HEADER, "row 3, column 'temperature_mev' = -15: must be > 0"),
        ("1,5,15,0,0.3\n", HEADER, "row 3, column 'baryon_density_fm3' = 0: must be > 0"),
        ("1,5,15,0.5,1.3\n", HEADER, "row 3, column 'lepton_fraction' = 1.3: must lie in (0, 1)"),
        ("1,5,15,,0.3\n", HEADER, "row 3, column 'baryon_density_fm3': value is NaN"),
        ("1,5,15,abc,0.3\n", HEADER, "row 3, column 'baryon_density_fm3': 'abc' is not a number"),
        (
            "1,5,15,0.5\n",
            "shell,r_outer_km,temperature_mev,baryon_density_fm3\n",
            "missing column(s) lepton_fraction",
        ),
        ("1,5,15,0.5,0.3,1\n", HEADER.strip() + ",density\n", "unknown column(s) density"),
        # radii in cm (the C21 t = 1 s core, 5e5 cm = 5 km): ~1e15 solar masses
        (
            "1,5e5,15,0.5,0.3\n2,1e6,20,0.3,0.28\n",
            HEADER,
            "solar masses of baryons (a proto-neutron star holds ~1-2",
        ),
        # densities in g/cm^3 instead of fm^-3
        ("1,5,15,8.3e14,0.3\n", HEADER, "give r_outer_km in km (not cm)"),
    ],
)
def test_bad_shell_tables(tmp_path, body, header, message):
    path = _write(tmp_path, body, header)
    with pytest.raises(InputError) as info:
        shell_table(path)
    text = str(info.value)
    assert message in text
    assert str(path) in text
    assert "\n" not in text


def test_shell_table_baryon_mass():
    """The [C21] t = 1 s shells hold 1.61 solar masses of baryons: sum of n_B 4 pi/3
    (r_out^3 - r_in^3) = 4 pi/3 x 461.4375 km^3 fm^-3 = 1.9329e57 baryons x 1.66054e-24 g
    / 1.98841e33 g (by hand), a proto-neutron star's mass; radii in cm would give ~1e15."""
    t1 = shell_table(REPO / "resources/profiles/c21_t1s.csv")
    mass = baryon_mass_msun(t1["r_outer"].values, t1["baryon_density"].values)
    assert mass == pytest.approx(1.9329e57 * 1.66054e-24 / 1.98841e33, rel=1e-4)
    assert baryon_mass_msun(t1["r_outer"].values * 1e5, t1["baryon_density"].values) > 1e14


def test_missing_file_is_clear(tmp_path):
    with pytest.raises(InputError, match="shell table not found"):
        shell_table(tmp_path / "nope.csv")


def test_neutrino_density_massless_limit():
    """n = g(mu^3 + pi^2 T^2 mu)/(6 pi^2): at T = 0 the degenerate gas n = g mu^3/(6 pi^2)."""
    n = neutrino_number_density_fm3(100.0, 0.0, 1.0)
    assert n == pytest.approx(100.0**3 / (6 * np.pi**2) / 197.3269804**3, rel=1e-9)


@pytest.mark.requires_shared_data
def test_garching_profile_loader(shared_data):
    radial = garching_profile(shared_data / "sn_profiles" / GARCHING, neutrino_degeneracy=1.0)
    # README indicative values at 5, 10, 15 km (SFHo-s18.6, 1 s).
    at = radial.sel(radius=[5.0, 10.0, 15.0], method="nearest")
    np.testing.assert_allclose(at["temperature"], [28.5, 39.8, 17.3], atol=0.1)
    np.testing.assert_allclose(at["electron_fraction"], [0.22, 0.13, 0.09], atol=0.01)
    np.testing.assert_allclose(at["density"], [5.3e14, 2.3e14, 5.7e13], rtol=0.03)
    eta = (radial["mu_nu"] / radial["temperature"]).to_numpy()
    r = radial["radius"].to_numpy()
    first_below = r[np.argmax(eta < 1)]
    assert 7.5 < first_below < 8.5  # README: eta = 1 at 8.0 km
    np.testing.assert_allclose(
        radial["lepton_fraction"], radial["electron_fraction"] + radial["neutrino_fraction"]
    )
    # Y_nu_e from mu_nu: at 5 km, mu = 138.5 MeV, T = 28.5 MeV, n_B = 0.319 fm^-3, g_nu = 1.
    assert float(at["neutrino_fraction"][0]) == pytest.approx(0.0260, abs=5e-4)


@pytest.mark.requires_shared_data
def test_garching_chemical_potentials_carry_rest_masses(shared_data):
    """The file's mu_n, mu_p are measured from the vacuum masses (README: mu_nu = mu_e + mu_p
    - mu_n - 1.29 MeV to 0.01 MeV); with CODATA m_n, m_p added beta equilibrium is
    mu_nu = mu_e + mu_p - mu_n. The medium columns come through with their units."""
    radial = garching_profile(shared_data / "sn_profiles" / GARCHING)
    core = radial.where(radial["radius"] < 20.0, drop=True)
    beta = core["mu_e"] + core["mu_p"] - core["mu_n"]
    assert float(abs(beta - core["mu_nu"]).max()) < 0.011
    assert float(core["mu_n"][0]) == pytest.approx(939.565 + 120.0, abs=0.1)  # 0.12 km row
    assert float(core["effective_mass_n"][0]) == pytest.approx(516.92, abs=0.01)
    assert float(core["potential_p"][0]) < float(core["potential_n"][0]) < 0.0
    assert "lepton_fraction" not in radial  # no g_nu given: no Y_nu (one default, the rmf one)
    for name in ("potential_n", "effective_mass_p", "free_neutron_fraction", "muon_fraction"):
        assert radial[name].attrs["units"] and radial[name].attrs["long_name"]


@pytest.mark.requires_shared_data
def test_neutrino_degeneracy_scales_y_nu(shared_data):
    """Y_nu is linear in g_nu: Y_L(g = 2) - Y_L(g = 1) = Y_nu(g = 1)."""
    path = shared_data / "sn_profiles" / GARCHING
    one = garching_profile(path, neutrino_degeneracy=1.0)
    two = garching_profile(path, neutrino_degeneracy=2.0)
    diff = (two["lepton_fraction"] - one["lepton_fraction"]).to_numpy()
    np.testing.assert_allclose(diff, one["neutrino_fraction"].to_numpy(), rtol=1e-12, atol=0)
    assert two.attrs["neutrino_degeneracy"] == 2.0


@pytest.mark.requires_shared_data
def test_discretisation_conserves_baryons_and_leptons(shared_data):
    radial = garching_profile(shared_data / "sn_profiles" / GARCHING, neutrino_degeneracy=1.0)
    shells = discretise_profile(radial, n_shells=8, r_max_km=20.0)
    assert shells.sizes["shell"] == 8
    np.testing.assert_allclose(shells["r_outer"][-1], 20.0)
    r = radial["radius"].to_numpy()
    sel = r <= 20.0
    grid = np.append(r[sel], 20.0)
    nb = np.interp(grid, r, radial["baryon_density"].to_numpy())
    yl = np.interp(grid, r, radial["lepton_fraction"].to_numpy())
    baryons = np.trapezoid(grid**2 * nb, grid)
    leptons = np.trapezoid(grid**2 * nb * yl, grid)
    vol = (shells["r_outer"] ** 3 - shells["r_inner"] ** 3) / 3
    assert float((vol * shells["baryon_density"]).sum()) == pytest.approx(baryons, rel=2e-3)
    assert float((vol * shells["baryon_density"] * shells["lepton_fraction"]).sum()) == (
        pytest.approx(leptons, rel=2e-3)
    )
    explicit = discretise_profile(radial, radii_km=[5, 10, 15, 20])
    np.testing.assert_allclose(explicit["r_inner"], [0, 5, 10, 15])


@pytest.mark.requires_shared_data
def test_discretisation_weights_every_intensive_quantity_by_baryon_number(shared_data):
    """<q> = Int r^2 n_B q dr / Int r^2 n_B dr for T, mu's, U, m* (independent quadrature);
    linear relations such as beta equilibrium survive the averaging."""
    radial = garching_profile(shared_data / "sn_profiles" / GARCHING, neutrino_degeneracy=1.0)
    shells = discretise_profile(radial, radii_km=[5, 7.5, 10, 15, 17.5, 20])
    r = radial["radius"].to_numpy()
    grid = np.union1d(r[r < 10.0], [7.5, 10.0])
    grid = grid[grid >= 7.5]
    nb = np.interp(grid, r, radial["baryon_density"].to_numpy())
    for name in ("temperature", "mu_nu", "mu_n", "potential_p", "effective_mass_n"):
        q = np.interp(grid, r, radial[name].to_numpy())
        expected = np.trapezoid(grid**2 * nb * q, grid) / np.trapezoid(grid**2 * nb, grid)
        assert float(shells[name].sel(shell=3)) == pytest.approx(expected, rel=1e-12), name
    beta = shells["mu_e"] + shells["mu_p"] - shells["mu_n"]
    np.testing.assert_allclose(beta, shells["mu_nu"], atol=0.011)
    assert "baryon-number weighted" in shells.attrs["shell_averaging"]


@pytest.mark.requires_shared_data
def test_load_snapshot_garching(shared_data):
    spec = {
        "format": "garching_profile",
        "path": str(shared_data / "sn_profiles" / GARCHING),
        "shells": {"radii_km": [5, 7.5, 10, 15, 17.5, 20]},
    }
    ds = load_snapshot(spec, neutrino_degeneracy=2.0)
    assert ds.sizes["shell"] == 6
    assert {"mu_nu", "electron_fraction"} <= set(ds.data_vars)
    assert set(MEDIUM_VARIABLES) <= set(ds.data_vars)
    for name in ds.data_vars:
        assert ds[name].attrs["units"] and ds[name].attrs["long_name"], name
    with pytest.raises(InputError, match="needs the neutrino degeneracy"):
        load_snapshot(spec)


def test_shell_table_may_carry_a_simulation_medium(tmp_path):
    """Optional medium columns of a shell table become profile variables with units."""
    header = HEADER.strip() + ",mu_n_mev,effective_mass_n_mev\n"
    table = shell_table(_write(tmp_path, "1,5,15,0.5,0.3,1000.0,600.0\n", header))
    assert float(table["mu_n"][0]) == 1000.0
    assert table["effective_mass_n"].attrs["units"] == "MeV"
    bad = _write(tmp_path, "1,5,15,0.5,0.3,1000.0,-1\n", header, name="bad.csv")
    with pytest.raises(InputError, match="'effective_mass_n_mev' = -1: must be > 0 MeV"):
        shell_table(bad)


def test_garching_format_errors(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("# h\nshock\n# cols\n# names\n# units\n1 2 3\n")
    with pytest.raises(InputError, match="expected 25 columns"):
        garching_profile(path)


def test_garching_errors_name_the_file_line_without_numpy_hints(tmp_path):
    """A cut file: the error names the line of the file (numpy counts data rows) and the fix,
    not numpy's ``usecols`` hint; unphysical values name their line too."""
    header = "# h\nshock radius= 1\n# cols\n# names\n# units\n"
    row = " ".join(["1.0"] * 25)
    path = tmp_path / "g.txt"
    path.write_text(header + f"{row}\n\n# a comment\n{row.replace('1.0', '2.0', 1)}\n3.0 1\n")
    with pytest.raises(InputError) as err:
        garching_profile(path)
    message = str(err.value)
    assert "line 10 has 2 column(s) where line 6 has 25" in message
    assert "usecols" not in message and "row" not in message
    assert "restore the original file" in message
    path.write_text(header + f"{row}\n\n{row.replace('1.0', '2.0', 1)}\n{row}\n")
    with pytest.raises(InputError, match="line 9, column 'radius': radii must increase"):
        garching_profile(path)
    negative = row.split()
    negative[0], negative[2] = "2.0", "-1.0"  # radius, density
    path.write_text(header + f"{row}\n# c\n{' '.join(negative)}\n")
    with pytest.raises(InputError, match="line 8, column 'density_g_cm3' = -1: must be > 0"):
        garching_profile(path)


def test_discretise_beyond_profile_is_clear(tmp_path):
    import xarray as xr

    radial = xr.Dataset(
        {
            k: ("radius", np.ones(3))
            for k in (
                "baryon_density",
                "temperature",
                "lepton_fraction",
                "electron_fraction",
                "mu_nu",
            )
        },
        coords={"radius": [1.0, 2.0, 3.0]},
    )
    with pytest.raises(InputError, match="beyond the profile"):
        discretise_profile(radial, radii_km=[5.0])
