"""Kernels K0, K1, K2 (physics.md §3.3): analytic limits, densities, convergence, API."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr
from scipy import integrate

from lightmed import kernels as K
from lightmed import matrix_elements as me
from lightmed import mfp
from lightmed.constants import G_FERMI_MEV2, HBARC_MEV_FM, M_TO_FM
from lightmed.errors import ConfigError, InputError

#: [C21] Table I, t ~ 1 s, Dirac: (T, m*, mu*_n, mu*_p, mu_nu, n_B) per shell k.
SHELLS = {
    1: (15.0, 249.6, 496.6, 405.4, 114.6, 0.5),
    2: (20.0, 384.9, 530.0, 458.3, 102.7, 0.3),
    3: (28.0, 599.4, 656.5, 601.9, 79.9, 0.15),
    4: (33.0, 786.0, 779.8, 723.0, 29.0, 0.06),
    5: (18.0, 857.0, 858.7, 813.1, 14.4, 0.03),
    6: (7.0, 915.9, 917.2, 893.9, 12.5, 0.008),
}


def rmf_dataset(shells=(1, 2, 3, 4, 5, 6), majorana=False):
    """An rmf-like artifact built from the Table I numbers (Majorana: mu_nu = 0)."""
    rows = np.array([SHELLS[k] for k in shells])
    data = {
        "temperature": rows[:, 0],
        "effective_mass": rows[:, 1],
        "mu_n_eff": rows[:, 2],
        "mu_p_eff": rows[:, 3],
        "mu_nu": 0.0 * rows[:, 4] if majorana else rows[:, 4],
        "baryon_density": rows[:, 5],
    }
    ds = xr.Dataset({k: ("shell", v) for k, v in data.items()}, coords={"shell": list(shells)})
    for name in ds.data_vars:
        ds[name].attrs.update(units="MeV", long_name=name)
    ds["baryon_density"].attrs["units"] = "fm-3"
    return ds


def shell_kwargs(k, species="nubar"):
    t, m, mun, mup, munu, _ = SHELLS[k]
    return dict(
        energy_mev=munu + math.pi * t,
        temperature_mev=t,
        m_eff_mev=m,
        mu_eff_mev={"n": mun, "p": mup},
        mu_nu_mev=munu,
        species=species,
    )


def _at_rest_sigma(energy, mass, nucleon, s):
    """Exact T = 0 cross section on a nucleon at rest [MeV^-2] (1D quadrature in cos theta)."""
    f1, fa = me.FORM_FACTORS_C21[nucleon]

    def dsig(c):
        ep = energy / (1.0 + energy * (1.0 - c) / mass)
        q2 = -2.0 * energy * ep * (1.0 - c)
        msq = me.squared_amplitude(mass * energy, q2, mass, s, f1, fa) / 2.0
        return 2.0 * math.pi * msq / (64.0 * math.pi**2 * mass**2) * (ep / energy) ** 2

    return integrate.quad(dsig, -1.0, 1.0, epsabs=0.0, epsrel=1e-12)[0]


@pytest.mark.parametrize("nucleon", ["n", "p"])
@pytest.mark.parametrize("species", ["nu", "nubar"])
def test_static_limit(nucleon, species):
    """Dilute, non-degenerate, heavy-nucleon gas without blocking (physics.md §3.2).

    sigma/V -> n G_F^2 E^2 (F1^2 + 3 F_A^2)/pi x (1 - O(E/m)). At E = 5 MeV, m = 939 MeV the
    O(E/m) recoil term is -1.2% to -2.1% (checked below against the exact at-rest cross
    section, which the kernels reproduce to < 1e-3 at T = 0.03 MeV); at E = 0.5 MeV the leading
    formula itself holds to 0.3%.
    """
    f1, fa = me.FORM_FACTORS_C21[nucleon]
    s = me.SPECIES_SIGN[species]
    t, m = 0.03, 939.0
    mu = m - 15.0 * t
    n_fm3 = K.nucleon_density(mu, m, t)
    for energy, tol_leading in ((5.0, 0.025), (0.5, 0.003)):
        rate = mfp.rate_kernel(
            energy_mev=energy,
            temperature_mev=t,
            m_eff_mev=m,
            mu_eff_mev={nucleon: mu},
            species=species,
            final_blocking=False,
            neutrino_blocking=False,
        )
        to_inv_m = HBARC_MEV_FM**2 * M_TO_FM  # n [fm^-3] sigma [MeV^-2] -> [1/m]
        leading = n_fm3 * G_FERMI_MEV2**2 * energy**2 * (f1**2 + 3 * fa**2) / math.pi * to_inv_m
        exact = n_fm3 * _at_rest_sigma(energy, m, nucleon, s) * to_inv_m
        assert abs(rate / leading - 1.0) < tol_leading
        assert abs(rate / exact - 1.0) < 1e-3


@pytest.mark.parametrize("k", [2, 4, 6])
def test_density_integral_matches_quad(k):
    """Densities implied by (mu*, m*, T) (physics.md §2) against an independent scipy.quad.

    The sum n_n + n_p must reproduce [C21]'s n_B; with the printed (0.1 MeV rounded) mu* the
    agreement is 1e-4 (k=2), 6e-4 (k=4), 1.0e-3 (k=6; dn/n ~ dmu/T ~ 0.7% per 0.05 MeV there).
    """
    t, m, mun, mup, _, n_b = SHELLS[k]
    total = 0.0
    for mu in (mun, mup):
        n = K.nucleon_density(mu, m, t)

        def integrand(p, mu=mu):
            e = math.hypot(p, m)
            return (
                p
                * p
                * (
                    1.0 / (1.0 + math.exp(min((e - mu) / t, 700.0)))
                    - 1.0 / (1.0 + math.exp(min((e + mu) / t, 700.0)))
                )
            )

        ref = integrate.quad(integrand, 0.0, np.inf, epsabs=0.0, epsrel=1e-12, limit=200)[0]
        ref /= math.pi**2 * HBARC_MEV_FM**3
        assert n == pytest.approx(ref, rel=1e-9)
        total += n
    assert total == pytest.approx(n_b, rel=2e-3)


def test_transfer_angles_put_final_states_on_shell():
    """cos theta_0 ([C21] Eq. 16) and cos theta_kq of physics.md §3.1 give p'^2 = m^2, k'^2 = 0."""
    rng = np.random.default_rng(3)
    m, e = 600.0, 120.0
    for _ in range(20):
        qa = rng.uniform(1.0, 2.0 * e)
        q0 = rng.uniform(-qa, min(qa, 2.0 * e - qa))
        e_n = rng.uniform(m + 1.0, m + 400.0)
        p = math.sqrt(e_n**2 - m**2)
        c0 = (q0**2 + 2 * q0 * e_n - qa**2) / (2 * qa * p)
        ck = (q0 * (2 * e - q0) + qa**2) / (2 * e * qa)
        if abs(c0) > 1:
            continue
        phi = rng.uniform(0, 2 * math.pi)
        s0 = math.sqrt(1 - c0 * c0)
        pv = p * np.array([s0 * math.cos(phi), s0 * math.sin(phi), c0])
        kv = e * np.array([math.sqrt(1 - ck * ck), 0.0, ck])
        qv = np.array([0.0, 0.0, qa])
        assert (e_n + q0) ** 2 - np.sum((pv + qv) ** 2) == pytest.approx(m * m, rel=1e-10)
        assert (e - q0) ** 2 == pytest.approx(np.sum((kv - qv) ** 2), rel=1e-9, abs=1e-7)


@pytest.mark.parametrize("k", [1, 2, 4, 6])
def test_refinement_doubling_changes_lambda_below_1e4(k):
    """kernels.refinement = 2 doubles every grid (|q|, q0, E_N); lambda moves by < 1e-4."""
    coarse = K.QuadratureSettings(refinement=1, min_mediator_mass_mev=0.1)
    fine = K.QuadratureSettings(refinement=2, min_mediator_mass_mev=0.1)
    kw = shell_kwargs(k)
    state = {key: kw[key] for key in ("energy_mev", "temperature_mev", "m_eff_mev", "mu_eff_mev")}
    for frame in ("medium", "vacuum"):
        pre = {
            name: K.shell_kernels(**state, frame=frame, settings=st)
            for name, st in (("coarse", coarse), ("fine", fine))
        }
        for species in ("nu", "nubar"):
            kw = shell_kwargs(k, species)
            a, b = (mfp.rate_kernel(**kw, frame=frame, precomputed=pre[n]) for n in pre)
            assert abs(a / b - 1.0) < 1e-4, (species, frame)
            for model, g in (("bl_vector", [5e-5, 1.0]), ("lnc_scalar", [3e-3, 1.0])):
                a, b = (
                    mfp.rate_kernel(
                        **kw,
                        frame=frame,
                        model=model,
                        couplings=g,
                        masses_mev=[0.1, 1.0, 100.0],
                        terms=("int", "np"),
                        precomputed=pre[n],
                    )
                    for n in pre
                )
                np.testing.assert_allclose(a, b, rtol=1e-4, err_msg=f"{species} {frame} {model}")


_NOJIT_SCRIPT = """
import json, numpy as np
from lightmed import kernels as K
gx, gw = K._gl(8)
q0 = np.array([1.0, -2.0, 30.0, 0.001])
qa = np.array([30.0, 40.0, 200.0, 0.002])
out = []
for args in [(100.0, 20.0, 384.9, 384.9, 530.0, 1130.0, 30.0, True, False, 80.0),
             (100.0, 20.0, 939.0, 384.9, 530.0, 1300.0, 30.0, False, False, 80.0),
             (100.0, 20.0, 384.9, 384.9, 458.3, 1130.0, 30.0, True, True, 80.0)]:
    out.append(K._kernel_nodes(q0, qa, *args, gx, gw).tolist())
print(json.dumps(out))
"""


def test_kernel_without_jit_matches_jit():
    """Run the private numba kernel with NUMBA_DISABLE_JIT=1 (Python-level logic covered)."""
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    proc = subprocess.run(
        [sys.executable, "-c", _NOJIT_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    nojit = np.array(json.loads(proc.stdout.strip().splitlines()[-1]))
    ns = {}
    exec(_NOJIT_SCRIPT.replace("print(json.dumps(out))", ""), ns)  # noqa: S102 - same code, JIT on
    np.testing.assert_allclose(nojit, np.array(ns["out"]), rtol=1e-12)
    assert np.all(nojit[:, :3] > 0)


def test_compute_kernels_dataset_and_energy_choices():
    dirac = rmf_dataset((2, 6))
    ds = K.compute_kernels(dirac, nature="dirac", min_mediator_mass_mev=0.1)
    assert dict(ds.sizes)["species"] == 2 and dict(ds.sizes)["nucleon"] == 2
    assert list(ds["energy_choice"].values) == ["mu_nu_plus_pi_T"]
    for name, var in {**ds.coords, **ds.data_vars}.items():
        assert "units" in var.attrs and "long_name" in var.attrs, name
    np.testing.assert_allclose(
        ds["neutrino_energy"].values[:, 0], [102.7 + math.pi * 20.0, 12.5 + math.pi * 7.0]
    )
    np.testing.assert_array_equal(
        ds["K1"].sel(species="nu").values, ds["K1"].sel(species="nubar").values
    )
    majorana = rmf_dataset((2, 6), majorana=True)
    with pytest.raises(InputError, match="dirac rmf"):
        K.compute_kernels(majorana, nature="majorana")
    dm = K.compute_kernels(majorana, nature="majorana", rmf_dirac=dirac, min_mediator_mass_mev=0.1)
    assert list(dm["energy_choice"].values) == ["pi_T", "mu_dirac_plus_pi_T"]
    np.testing.assert_allclose(
        dm["neutrino_energy"].values[:, 1], ds["neutrino_energy"].values[:, 0]
    )
    assert np.all(dm["mu_nu_blocking"].values == 0.0)


def test_bad_kernel_inputs():
    with pytest.raises(ConfigError, match="refinement"):
        K.QuadratureSettings(refinement=0)
    with pytest.raises(ConfigError, match="min_mediator_mass"):
        K.QuadratureSettings(min_mediator_mass_mev=-1.0)
    with pytest.raises(ConfigError, match="flux"):
        K.shell_kernels(
            energy_mev=10.0,
            temperature_mev=5.0,
            m_eff_mev=900.0,
            mu_eff_mev={"n": 900.0},
            flux="lab",
        )
    with pytest.raises(InputError, match="temperature"):
        K.shell_kernels(
            energy_mev=10.0, temperature_mev=-5.0, m_eff_mev=900.0, mu_eff_mev={"n": 900.0}
        )
    with pytest.raises(ConfigError, match="nature"):
        K.compute_kernels(rmf_dataset((2,)), nature="weyl")
