"""Flux loaders: schema, analytic limits, embedded defaults, bad-input errors (no shared data)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lightmed import flux_presets, fluxes
from lightmed.constants import FOE_TO_MEV, KPC_CM, MEV_TO_ERG
from lightmed.errors import ConfigError, InputError
from lightmed.fluxes import supernova


def test_pinched_spectrum_normalisation_and_moments():
    e = np.linspace(0.01, 300, 30000)
    for mean, alpha in ((12.0, 2.3), (15.0, 3.0), (20.0, 1.2)):
        phi = fluxes.pinched_spectrum(e, mean, alpha)
        assert np.trapezoid(phi, e) == pytest.approx(1.0, rel=1e-6)
        m1 = np.trapezoid(e * phi, e)
        m2 = np.trapezoid(e * e * phi, e)
        assert m1 == pytest.approx(mean, rel=1e-6)
        assert fluxes.pinching_alpha(m1, m2) == pytest.approx(alpha, rel=1e-5)


def _write_garching(path, t, lum, mean, mean_sq):
    rows = np.column_stack([t, lum, mean, mean_sq])
    np.savetxt(path, rows, header="time luminosity <e> <e^2>\n s foe/s MeV MeV^2")


@pytest.mark.parametrize("layout", ["three-file", "four-file"])
def test_garching_constant_emission_matches_analytic(tmp_path, layout):
    """Constant L, <E>, alpha: psi = L t_max / (4 pi D^2 <E>) phi(E)."""
    t = np.linspace(-0.1, 2.0, 50)
    mean, alpha = 12.0, 2.5
    mean_sq = mean**2 * (2 + alpha) / (1 + alpha)
    lum = np.full_like(t, 3.0)
    names = (
        ["nu_e.txt", "nubar_e.txt", "nu_x.txt", "nubar_x.txt"]
        if layout == "four-file"
        else ["m_LS220_nue", "m_LS220_nuebar", "m_LS220_nux"]
    )
    for n in names:
        _write_garching(tmp_path / n, t, lum, np.full_like(t, mean), np.full_like(t, mean_sq))
    ds = fluxes.garching_emission(tmp_path, t_max_s=1.5, distance_kpc=5.0)
    assert ds.attrs["layout"] == layout
    expected = (
        3.0
        * FOE_TO_MEV
        * 1.5
        / (4 * math.pi * (5 * KPC_CM) ** 2)
        / mean
        * fluxes.pinched_spectrum(ds.energy.values, mean, alpha)
    )
    for f in fluxes.SN_FLAVOURS:
        np.testing.assert_allclose(ds.fluence.sel(flavour=f).values, expected, rtol=1e-10)
    assert list(ds.multiplicity.values) == [1, 1, 4]
    assert ds.fluence.attrs["units"] == "cm-2 MeV-1" and ds.energy.attrs["units"] == "MeV"


def test_trapezoid_weights_partial_interval():
    t = np.array([0.0, 1.0, 2.0, 3.0])
    w, _ = supernova._trapezoid_weights(t, 0.0, 2.5)
    f = 1.0 + 2.0 * t  # linear: exact
    assert np.sum(w * f) == pytest.approx(2.5 + 2.5**2)


def test_kernel_python_path_matches_jit():
    """Covers the numba kernel's Python logic (NUMBA_DISABLE_JIT equivalent)."""
    e = np.linspace(0.1, 80, 200)
    args = (
        e,
        np.array([0.1, 0.2, 0.0]),
        np.array([1e55, 2e55, 1e55]),
        np.array([10.0, 12.0, 1.0]),
        np.array([2.0, 3.0, 2.0]),
    )
    jit = supernova._kernel_time_integrated_pinched(*args)
    py = supernova._kernel_time_integrated_pinched.py_func(*args)
    np.testing.assert_allclose(jit, py, rtol=1e-12)


def test_garching_bad_inputs(tmp_path):
    good = np.array([[0.0, 1.0, 10.0, 140.0], [0.1, 1.0, 10.0, 140.0]])
    for n in ("x_nuebar", "x_nux"):
        np.savetxt(tmp_path / n, good)
    np.savetxt(tmp_path / "x_nue", good[:, :3])
    with pytest.raises(InputError, match=r"x_nue: Garching emission .* needs 4 columns"):
        fluxes.garching_emission(tmp_path / "x", 1.0)
    bad = good.copy()
    bad[1, 1] = -2.0
    np.savetxt(tmp_path / "x_nue", bad)
    with pytest.raises(InputError, match=r"x_nue: negative luminosity"):
        fluxes.garching_emission(tmp_path / "x", 1.0)
    bad = good[::-1].copy()
    np.savetxt(tmp_path / "x_nue", bad)
    with pytest.raises(InputError, match="time column decreases"):
        fluxes.garching_emission(tmp_path / "x", 1.0)
    with pytest.raises(InputError, match="not found"):
        fluxes.garching_emission(tmp_path / "nothing_here", 1.0)


def test_solar_tables_bad_inputs(tmp_path):
    p = tmp_path / "b8.csv"
    p.write_text("1.0, 2.0\n0.5, 3.0\n")
    with pytest.raises(InputError, match="b8.csv: 8B spectrum: energies must be strictly"):
        fluxes.winter2006_8b(p)
    p.write_text("1.0\n2.0\n")
    with pytest.raises(InputError, match="needs 2 columns"):
        fluxes.winter2006_8b(p)
    with pytest.raises(ConfigError, match="unknown solar model"):
        fluxes.solar_beta_spectra("SSM-1990")


def test_solar_table_errors_name_the_line_and_the_fix(tmp_path):
    """Lines of the file (comments and blanks counted), no numpy wording (``usecols``)."""
    p = tmp_path / "b8.csv"
    head = "\n# From Winter et al.\n\n"
    p.write_text(head + "0.0, 0.0, 0\n0.1, 0.2, 0\n0.2; 0.7; 0\n")
    with pytest.raises(InputError) as err:
        fluxes.winter2006_8b(p)
    message = str(err.value)
    assert "line 6, column 1: '0.2; 0.7; 0' is not a number" in message
    assert "separated by ',', not ';'" in message and "usecols" not in message
    p.write_text(head + "0.0, 0.0, 0\n0.1, 0.2, 0\n0.2, 0.7\n")
    with pytest.raises(InputError, match="line 6 has 2 column.s. where line 4 has 3"):
        fluxes.winter2006_8b(p)
    p.write_text(head + "0.0, 0.0, 0\n# c\n0.1, -0.2, 0\n")
    with pytest.raises(InputError, match=r"negative spectral density -0.2 on line 6, column 2"):
        fluxes.winter2006_8b(p)
    p.write_text(head + "0.0, 0.0, 0\n0.2, 0.2, 0\n0.1, 0.7, 0\n")
    with pytest.raises(
        InputError, match=r"increasing \(line 6: E = 0.1 MeV after 0.2 MeV on line 5"
    ):
        fluxes.winter2006_8b(p)


def test_atmospheric_bad_inputs(tmp_path):
    for n in fluxes.FLUKA_FILES.values():
        (tmp_path / n).write_text("20.0,0.01\n30.0,0.009\n")
    (tmp_path / "AtmNu_mu.txt").write_text("20.0,0.01\n20.0,0.009\n")
    with pytest.raises(InputError, match="AtmNu_mu.txt: FLUKA table: energies must be strictly"):
        fluxes.fluka_atmospheric(tmp_path)


def test_embedded_sn_presets_conserve_energy():
    d = 10.0
    for key, p in flux_presets.SN_PINCHED.items():
        ds = fluxes.pinched_sn(key, d)
        e = ds.energy.values
        area = 4 * math.pi * (d * KPC_CM) ** 2
        for f in fluxes.SN_FLAVOURS:
            emitted = np.trapezoid(e * ds.fluence.sel(flavour=f).values, e) * area * MEV_TO_ERG
            assert emitted == pytest.approx(p[f]["energy_erg"], rel=2e-3), (key, f)
    # total emitted energy of the 27 Msun model to 14 s: ~3.3e53 erg (sn_emission README)
    p = flux_presets.SN_PINCHED["garching_s27.0co_14s"]
    total = p["nue"]["energy_erg"] + p["nuebar"]["energy_erg"] + 4 * p["nux"]["energy_erg"]
    assert 3.0e53 < total < 3.5e53


def test_embedded_solar_normalisation_and_endpoints():
    ds = fluxes.solar_beta_spectra("B16-GS98")
    e = ds.energy.values
    comp = ds.flux_component
    assert np.trapezoid(comp.sel(component="8B").values, e) == pytest.approx(5.46e6, rel=1e-6)
    assert np.trapezoid(comp.sel(component="hep").values, e) == pytest.approx(7.98e3, rel=1e-6)
    assert np.all(comp.sel(component="hep").values[e > 18.8] == 0)
    # 8B peaks near 6.4 MeV (Winter et al. 2006)
    assert 5.8 < e[np.argmax(comp.sel(component="8B").values)] < 7.0


def test_embedded_atmospheric_total_flux():
    ds = fluxes.atmospheric_parametrisation()
    e, total, kind = fluxes.all_flavour_spectrum(ds)
    assert kind == "flux"
    assert np.trapezoid(total, e) == pytest.approx(10.55, rel=0.01)


def test_load_source_dispatch_and_errors():
    ds = fluxes.load_source(
        "sn_failed",
        {
            "loader": "garching_emission",
            "path": "embedded",
            "embedded_preset": "garching_s40s7b2c_bh",
            "oscillation": "none",
        },
    )
    assert ds.attrs["spectrum_kind"] == "fluence"
    assert list(ds.flavour.values) == list(fluxes.EARTH_FLAVOURS)
    with pytest.raises(ConfigError, match="sources.x.loader"):
        fluxes.load_source("x", {"loader": "nope"})
    with pytest.raises(ConfigError, match="does not match embedded_preset"):
        fluxes.load_source(
            "sn",
            {
                "loader": "garching_emission",
                "path": "embedded",
                "embedded_preset": "garching_s40s7b2c_bh",
                "t_max_s": 0.2,
            },
        )
