"""Rosseland means (physics.md §3.8): nodes and weights, kernel moments, convergence."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import zeta
from test_kernels import rmf_dataset

from lightmed import kernels as K
from lightmed import mfp
from lightmed.errors import ConfigError
from lightmed.spectral import basis_coefficients, interpolate_mass, rosseland_nodes


def _eta(s):
    return (1.0 - 2.0 ** (1.0 - s)) * zeta(s)


def test_rosseland_weights_nondegenerate_and_normalised():
    """mu = 0: <E> = Int E^5 f(1-f) / Int E^4 f(1-f) = 5 eta(5)/eta(4) T (Dirichlet eta)."""
    t = 7.0
    e, w = rosseland_nodes(t, 0.0, 24)
    for sp in ("nu", "nubar"):
        assert w[sp].sum() == pytest.approx(1.0, abs=1e-14)
        assert np.all(w[sp] > 0)
        assert (w[sp] * e).sum() / t == pytest.approx(5 * _eta(5) / _eta(4), rel=1e-6)
    # degenerate nu: the weight sits above E ~ mu; nubar (mu -> -mu) is Boltzmann-like
    e, w = rosseland_nodes(20.0, 100.0, 24)
    assert (w["nu"] * e).sum() > 130.0
    assert (w["nubar"] * e).sum() / 20.0 == pytest.approx(5.0, rel=1e-3)  # Boltzmann: 5 T
    with pytest.raises(ConfigError, match="multiple of 8"):
        rosseland_nodes(t, 0.0, 20)


def test_basis_rejects_a_constant_c0():
    with pytest.raises(Exception, match="outside the kernel moments"):
        basis_coefficients(lambda q2: (1.0 + 0 * q2, 0 * q2, 0 * q2))


@pytest.fixture(scope="module")
def spectral_kernels():
    masses = [0.1, 1.0, 3.3, 47.0]  # on and between the spectral mass grid points
    kern = K.compute_kernels(
        rmf_dataset((4,)), nature="dirac", min_mediator_mass_mev=0.1, rosseland_nodes=8
    )
    return kern, masses


def _shell(kern):
    return dict(
        temperature_mev=float(kern["temperature"][0]),
        m_eff_mev=float(kern["effective_mass"][0]),
        mu_eff_mev={"n": float(kern["mu_n_eff"][0]), "p": float(kern["mu_p_eff"][0])},
        mu_nu_mev=float(kern["mu_nu_blocking"][0]),
        settings=K.QuadratureSettings(min_mediator_mass_mev=0.1),
    )


@pytest.mark.parametrize("species", ["nu", "nubar"])
def test_moments_reproduce_the_node_contraction(spectral_kernels, species):
    """The stored moments give, at every energy node, the per-node kernel contraction of
    rate_kernel (SM, B-L interference and new physics, LNC with transport_sink): SM to 1e-10,
    the mass-dependent terms to 1e-5 (cubic interpolation in log m between grid masses)."""
    kern, masses = spectral_kernels
    sm = mfp.sm_rates(kern)
    bl = mfp.model_coefficients(kern, "bl_vector", masses)
    lnc = mfp.model_coefficients(kern, "lnc_scalar", masses)
    for j in (1, 4, 7):
        e = float(kern["spectral_energy"].values[0, j])
        kw = dict(_shell(kern), energy_mev=e, species=species)
        pre = K.shell_kernels(
            energy_mev=e,
            temperature_mev=kw["temperature_mev"],
            m_eff_mev=kw["m_eff_mev"],
            mu_eff_mev=kw["mu_eff_mev"],
            settings=kw["settings"],
        )
        at = dict(shell=4, species=species, energy_node=j)
        for wt in ("total", "transport"):
            ref = mfp.rate_kernel(**kw, precomputed=pre, weighting=wt)
            got = float(sm["spectral_rate_sm"].sel(**at, weighting=wt))
            assert got == pytest.approx(ref, rel=1e-10)
            for term, var in (("int", "spectral_rate_int"), ("np", "spectral_rate_np")):
                ref = mfp.rate_kernel(
                    **kw,
                    precomputed=pre,
                    weighting=wt,
                    model="bl_vector",
                    masses_mev=masses,
                    couplings=[1.0, 2.0],
                    terms=(term,),
                )[:, 0]
                np.testing.assert_allclose(bl[var].sel(**at, weighting=wt), ref, rtol=1e-5)
        for wt in ("transport", "transport_sink"):
            ref = mfp.rate_kernel(
                **kw,
                precomputed=pre,
                weighting=wt,
                model="lnc_scalar",
                masses_mev=masses,
                couplings=[1.0, 2.0],
                terms=("np",),
            )[:, 0]
            np.testing.assert_allclose(
                lnc["spectral_rate_np"].sel(**at, weighting=wt), ref, rtol=1e-5
            )


def test_rosseland_map_is_the_weighted_mean(spectral_kernels):
    kern, masses = spectral_kernels
    coeff = mfp.model_coefficients(kern, "bl_vector", masses)
    g = np.array([1e-6, 1e-4])
    mp = mfp.model_map(coeff, g)
    w = coeff["spectral_weight"]
    a0, a1, a2 = (coeff[f"spectral_rate_{t}"] for t in ("sm", "int", "np"))
    for i, gi in enumerate(g):
        ref = (w / (a0 + a1 * gi**2 + a2 * gi**4)).sum("energy_node")
        got = mp["lambda"].sel(energy_choice="rosseland").isel(coupling=i)
        np.testing.assert_allclose(got.values, ref.transpose(*got.dims).values, rtol=1e-12)
    assert np.isnan(mp["rate_sm"].sel(energy_choice="rosseland")).all()
    assert np.isnan(mp["lambda_vac"].sel(energy_choice="rosseland")).all()
    with pytest.raises(ConfigError, match="spectral grid"):
        mfp.model_coefficients(kern, "bl_vector", [1.0, 2.0e5])


def test_mass_interpolation_of_single_signed_moments():
    """A Stieltjes-like moment Sum_i c_i/(s_i + m^2)^p from a 16/decade grid: < 1e-5."""
    rng = np.random.default_rng(1)
    s, c = rng.uniform(1e-4, 4e4, 500), rng.uniform(0, 1, 500)
    grid = np.geomspace(0.01, 1e5, 113)
    fine = np.geomspace(0.012, 9e4, 200)

    def f(m, p):
        return (c[:, None] / (s[:, None] + m[None, :] ** 2) ** p).sum(0)

    for p in (1, 2):
        np.testing.assert_allclose(interpolate_mass(f(grid, p), grid, fine), f(fine, p), rtol=1e-5)


@pytest.mark.slow
def test_rosseland_converged_in_the_number_of_energies():
    """<lambda_SM> and <lambda_t> with 24 and 48 energy nodes agree to 1e-4 (t ~ 1 s, k=2)."""
    out = []
    for n in (24, 48):
        kern = K.compute_kernels(
            rmf_dataset((2,)),
            nature="dirac",
            min_mediator_mass_mev=0.1,
            rosseland_nodes=n,
        )
        out.append(mfp.sm_rates(kern)["lambda_sm"].sel(energy_choice="rosseland").values)
    np.testing.assert_allclose(out[0], out[1], rtol=1e-4)
