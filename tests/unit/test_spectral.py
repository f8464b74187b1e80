"""Rosseland means (physics.md §3.8): nodes and weights, kernel moments, convergence."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import zeta
from test_kernels import rmf_dataset

from lightmed import kernels as K
from lightmed import mfp
from lightmed.errors import ArtifactError, ConfigError
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
    with pytest.raises(ArtifactError, match="outside the kernel moments"):
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
    """The stored moments give, at every energy node, the per-node kernel contraction (on the
    shell's shared grid of all energies) of rate_kernel (SM, B-L interference and new
    physics, LNC with transport_sink): SM to 1e-10, the mass-dependent terms to 1e-5 (cubic
    interpolation in log m between grid masses)."""
    kern, masses = spectral_kernels
    sm = mfp.sm_rates(kern)
    shell = _shell(kern)
    shared = K.spectral_shell_kernels(
        energies_mev=kern["spectral_energy"].values[0],
        temperature_mev=shell["temperature_mev"],
        m_eff_mev=shell["m_eff_mev"],
        mu_eff_mev=shell["mu_eff_mev"],
        settings=shell["settings"],
    )
    bl = mfp.model_coefficients(kern, "bl_vector", masses)
    lnc = mfp.model_coefficients(kern, "lnc_scalar", masses)
    for j in (1, 4, 7):
        e = float(kern["spectral_energy"].values[0, j])
        kw = dict(_shell(kern), energy_mev=e, species=species)
        pre = K.energy_slice(shared, j)
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


@pytest.mark.parametrize("flux", ["pk", "rest_frame"])
def test_multi_energy_kernel_equals_single_energy_kernel(flux):
    """One E_N integral for many energies (K1, K2 from E-independent sums; the p.k K0 through
    the Chebyshev series of its E-dependent factor) gives, node by node, the kernels of the
    one-energy evaluation (1e-12; K0 with p.k 1e-9); nodes outside an energy's region stay
    zero."""
    gx, gw = K._gl(8)
    q0 = np.array([1.0, -2.0, 30.0, 0.5, 60.0])
    qa = np.array([30.0, 40.0, 200.0, 0.9, 70.0])
    energies = np.array([40.0, 100.0, 250.0])
    count = np.array([2, 4, 5])
    args = (20.0, 384.9, 384.9, 530.0, 1130.0, 30.0, True, flux == "rest_frame", 80.0, gx, gw)
    multi = K._kernel_nodes_multi(q0, qa, energies, count, *args)
    for j, e in enumerate(energies):
        single = K._kernel_nodes(q0, qa, e, *args)
        n = count[j]
        np.testing.assert_allclose(multi[:n, j, 1:], single[:n, 1:], rtol=1e-12, atol=0)
        rtol = 1e-9 if flux == "pk" else 1e-12
        np.testing.assert_allclose(multi[:n, j, 0], single[:n, 0], rtol=rtol, atol=0)
        assert not multi[n:, j].any()


@pytest.mark.parametrize(
    "shell",
    [
        dict(temperature_mev=30.0, m_eff_mev=600.0, mu_eff_mev={"n": 620.0, "p": 560.0}, mu=50.0),
        dict(temperature_mev=10.0, m_eff_mev=800.0, mu_eff_mev={"n": 830.0, "p": 780.0}, mu=100.0),
    ],
    ids=["hot", "degenerate"],
)
def test_shared_grid_converges_to_the_per_energy_quadrature(shell):
    """The shared (u = q0 + |q|, |q|) grid of all Rosseland energies reproduces the converged
    per-energy quadrature (refinement 2) to <= 2e-5: SM total and transport rates and the B-L
    new-physics rate from a light (0.01 MeV) to a heavy (100 MeV) mediator."""
    shell = dict(shell)
    mu_nu = shell.pop("mu")
    energies, _ = rosseland_nodes(shell["temperature_mev"], mu_nu, 24)
    res = K.spectral_shell_kernels(energies_mev=energies, **shell)
    fine = K.QuadratureSettings(refinement=2)
    masses = [0.01, 1.0, 100.0]
    for j in (0, 9, 23):
        kw = dict(shell, energy_mev=float(energies[j]), mu_nu_mev=mu_nu)
        pre = K.energy_slice(res, j)
        for wt in ("total", "transport"):
            got = mfp.rate_kernel(**kw, precomputed=pre, weighting=wt)
            ref = mfp.rate_kernel(**kw, settings=fine, weighting=wt)
            assert got == pytest.approx(ref, rel=2e-5)
        bl = dict(model="bl_vector", masses_mev=masses, couplings=[1e-4, 2e-4], terms=("np",))
        got = mfp.rate_kernel(**kw, precomputed=pre, **bl)
        ref = mfp.rate_kernel(**kw, settings=fine, **bl)
        np.testing.assert_allclose(got, ref, rtol=2e-5)


def test_q2_projection_is_exact_to_1e7():
    """shell_moments' ln|q^2|-grid projection against the direct node sums with D(q^2, m)^p."""
    from lightmed.spectral import BLOCKINGS, MOMENTS, rate_prefactor, shell_moments

    t, mu_nu = 20.0, 40.0
    mu = {"n": 700.0, "p": 650.0}
    energies, _ = rosseland_nodes(t, mu_nu, 8)
    res = K.spectral_shell_kernels(
        energies_mev=energies, temperature_mev=t, m_eff_mev=680.0, mu_eff_mev=mu
    )
    masses = np.array([0.01, 0.3, 7.0, 200.0, 5e4])
    m0, m1, m2 = shell_moments(res, energies, t, mu_nu, masses)
    for j in (0, 5):
        n = res["count"][j]
        e = energies[j]
        q0, qa, w = res["q0"][:n], res["q_abs"][:n], res["weight"][:n]
        q2 = q0**2 - qa**2
        d = 1.0 / (q2[:, None] - masses[None, :] ** 2)
        for b, blocking in enumerate(BLOCKINGS):
            sign = {"nu": 1.0, "nubar": -1.0, "none": None}[blocking]
            blk = 1.0 if sign is None else 1.0 / (1.0 + np.exp(-(e - q0 - sign * mu_nu) / t))
            for wi, wt in enumerate((1.0, -q2 / (2 * e * (e - q0)))):
                for a, nucleon in enumerate(("n", "p")):
                    kern = res["kernels"][nucleon][:n, j]
                    for c, (kn, k) in enumerate(MOMENTS):
                        v = rate_prefactor(e) * w * blk * wt * q2**k * kern[:, kn]
                        assert m0[j, b, wi, a, c] == pytest.approx(v.sum(), rel=1e-12)
                        np.testing.assert_allclose(m1[j, b, wi, a, c], v @ d, rtol=1e-7)
                        np.testing.assert_allclose(m2[j, b, wi, a, c], v @ (d * d), rtol=1e-7)
