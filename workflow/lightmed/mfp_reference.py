"""Single-shell reference evaluations of the mean free path (tests and benchmarks).

:func:`rate_kernel` contracts one shell's kernels like the pipeline (any subset of terms, one
weighting); :func:`rate_direct` evaluates the same rate by plain nested adaptive quadrature
(no kernels, no analytic phi integral, the scattering angle built from k and k'). Both are
re-exported by :mod:`lightmed.mfp`.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from scipy import LowLevelCallable, integrate
from scipy.special import expit

from . import matrix_elements as me
from .errors import ConfigError, InputError
from .kernels import FLUXES, occupation_cutoff
from .mfp import (
    _MEV_TO_INV_M,
    _RATE_PREFACTOR,
    _Block,
    _check_grid,
    blocking_factor,
    check_model,
    default_form_factors,
    term_blocking,
)
from .transport import changes_species, node_factor


def rate_kernel(
    *,
    energy_mev,
    temperature_mev,
    m_eff_mev,
    mu_eff_mev,
    mu_nu_mev=0.0,
    species="nubar",
    frame="medium",
    flux="pk",
    model=None,
    masses_mev=None,
    couplings=None,
    terms=("sm", "int", "np"),
    form_factors=None,
    variant="physical",
    vacuum_mass_mev=939.0,
    settings=None,
    final_blocking=None,
    neutrino_blocking=True,
    precomputed=None,
    weighting="total",
):
    """1/lambda [1/m] of one shell by the kernel method (same physics as :func:`rate_direct`).

    Returns a scalar (SM only) or an array (mass, coupling) when ``model`` is given. Meant for
    tests and benchmarks; the pipeline uses :func:`sm_rates` and :func:`model_coefficients`.
    ``neutrino_blocking=False`` drops the outgoing-neutrino blocking of every term;
    ``precomputed`` reuses a :func:`lightmed.kernels.shell_kernels` result of the same shell;
    ``weighting`` is ``total``, ``transport`` or ``transport_sink`` (physics.md §3.7).
    """
    from .kernels import shell_kernels

    res = precomputed or shell_kernels(
        energy_mev=energy_mev,
        temperature_mev=temperature_mev,
        m_eff_mev=m_eff_mev,
        mu_eff_mev=mu_eff_mev,
        frame=frame,
        flux=flux,
        settings=settings,
        vacuum_mass_mev=vacuum_mass_mev,
        final_blocking=final_blocking,
    )
    ff = form_factors or default_form_factors()
    nucleons = list(mu_eff_mev)
    blk = _Block(
        q0=res["q0"],
        q2=res["q0"] ** 2 - res["q_abs"] ** 2,
        weight=res["weight"],
        kernels=np.array([[res["kernels"][n] for n in nucleons]]),
        energy=float(energy_mev),
        temperature=float(temperature_mev),
        mu_nu=float(mu_nu_mev),
        m_kin=res["mass_kin"],
    )
    s = me.SPECIES_SIGN[species]
    eff_frame = frame if neutrino_blocking else "vacuum"

    def contract(coeff_fn, blocking, flip=False):
        out = np.zeros_like(blk.q0)
        for a, nucleon in enumerate(nucleons):
            c = coeff_fn(nucleon)
            kn = blk.kernels[0, a]
            out += c[0] * kn[:, 0] + c[1] * kn[:, 1] + c[2] * kn[:, 2]
        if eff_frame == "medium" and blocking == "sm":
            out *= blocking_factor(blk.q0, blk.energy, blk.temperature, s * blk.mu_nu)
        out = out * node_factor(weighting, blk.q0, blk.q2, blk.energy, flip)
        return out * blk.weight * (_RATE_PREFACTOR / blk.energy * _MEV_TO_INV_M)

    rate_sm = 0.0
    if "sm" in terms:
        rate_sm = contract(lambda n: me.sm_coefficients(blk.q2, blk.m_kin, s, *ff[n]), "sm").sum()
    if model is None:
        return rate_sm
    mediator = check_model(model)["mediator"]
    masses = _check_grid("mass [MeV]", masses_mev)
    g = _check_grid("coupling", couplings)
    total = np.full((masses.size, g.size), rate_sm)
    d = 1.0 / (blk.q2[None, :] - masses[:, None] ** 2)
    for term in me.MEDIATOR_TERMS[mediator]:
        if term.name not in terms:
            continue
        r = contract(
            lambda n, t=term: me.term_coefficients(
                mediator, t.name, blk.q2, blk.m_kin, s, *ff[n], variant
            ),
            term_blocking(model, term.name, variant),
            changes_species(mediator, term.name),
        )
        a = (d**term.propagator_power) @ r
        total = total + a[:, None] * g[None, :] ** term.coupling_power
    return total


# --------------------------------------------------------------------------------------------
# direct nested quadrature (reference; slow)
# --------------------------------------------------------------------------------------------


@numba.cfunc("float64(intc, CPointer(float64))", cache=True)
def _phi_integrand(n, xx):
    """Sum|M|^2/Phi at azimuth phi of p around q (explicit vectors, q along z)."""
    phi = xx[0]
    energy, e_n, pc, ps, ck, sk = xx[1], xx[2], xx[3], xx[4], xx[5], xx[6]
    c0, c1, c2, rest = xx[7], xx[8], xx[9], xx[10]
    # k = E (sin theta_kq, 0, cos theta_kq), p = (ps cos phi, ps sin phi, pc)
    pk = energy * e_n - energy * (ps * math.cos(phi) * sk + pc * ck)
    m2 = c0 + c1 * pk + c2 * pk * pk
    if rest > 0.5:
        return m2 / (e_n * energy)
    return m2 / pk


_PHI = LowLevelCallable(_phi_integrand.ctypes)


def _fd(x):
    return float(expit(-x))


def rate_direct(
    *,
    energy_mev,
    temperature_mev,
    m_eff_mev,
    mu_eff_mev,
    mu_nu_mev=0.0,
    species="nubar",
    frame="medium",
    flux="pk",
    model=None,
    mass_mev=None,
    coupling=0.0,
    terms=("sm", "int", "np"),
    form_factors=None,
    variant="physical",
    vacuum_mass_mev=939.0,
    thermal_cutoff=30.0,
    epsrel=1e-8,
    weighting="total",
):
    """1/lambda [1/m] by nested adaptive quadrature over |q|, q0, E_N and phi.

    Parameters
    ----------
    energy_mev, temperature_mev, m_eff_mev : float
        E, T, m* [MeV].
    mu_eff_mev : dict of str to float
        mu*_N per nucleon [MeV]; the rate is summed over the given nucleons.
    mu_nu_mev : float
        Neutrino chemical potential of the blocking (Dirac mu_nu; 0 Majorana) [MeV].
    species : {"nu", "nubar"}
    frame : {"medium", "vacuum"}
    flux : {"pk", "rest_frame"}
    model : str, optional
        Key of :data:`MODELS`; None = SM only.
    mass_mev, coupling : float
        Mediator mass [MeV] and coupling [1].
    terms : tuple of str
        Which of ``sm``, ``int``, ``np`` to include.
    epsrel : float
        Relative tolerance of the innermost integral (outer levels use 10x and 100x).
    weighting : {"total", "transport", "transport_sink"}
        Weight 1 or 1 - cos theta = (|q|^2 - q0^2)/(2 E (E - q0)) per term (physics.md §3.7),
        written here from the angle between k and k' (not from the kernels' expression).

    Notes
    -----
    [C21] Eq. 19 in the form of physics.md §3.2, integrated in the order |q| (outer), q0,
    E_N, phi (inner, numerically, with p and k built as explicit vectors). Used by tests and
    ``benchmarks/bench_mfp.py`` only.
    """
    if flux not in FLUXES:
        raise ConfigError(f"flux = {flux!r} is not allowed")
    ff = form_factors or default_form_factors()
    e, t = float(energy_mev), float(temperature_mev)
    mstar = float(m_eff_mev)
    m_kin = mstar if frame == "medium" else float(vacuum_mass_mev)
    s = me.SPECIES_SIGN[species]
    mediator = None
    if model is not None:
        mediator = check_model(model)["mediator"]
        if mass_mev is None or mass_mev <= 0:
            raise InputError(f"mediator mass = {mass_mev} MeV must be > 0")
        if coupling < 0:
            raise InputError(f"coupling = {coupling} must be >= 0")
    rest = 1.0 if flux == "rest_frame" else 0.0
    cut = float(thermal_cutoff)
    opts = {"epsabs": 0.0, "limit": 200}
    total = 0.0
    for nucleon, mu in mu_eff_mev.items():
        f1, fa = ff[nucleon]
        e_occ_cut = occupation_cutoff(t, mstar, mu, cut)
        p_cut = math.sqrt(e_occ_cut**2 - mstar**2)
        e_cut = math.hypot(p_cut, m_kin)

        def coeffs(q0, q2, f1=f1, fa=fa):
            """c_n of the blocked sum of terms at this (q0, q2)."""
            c = np.zeros(3)
            mu_b = s * mu_nu_mev
            block_sm = 1.0 if frame == "vacuum" else float(blocking_factor(q0, e, t, mu_b))
            # angle between k and k': |q|^2 = E^2 + E'^2 - 2 E E' cos theta
            e_out = e - q0
            cos_t = (e * e + e_out * e_out - (q0 * q0 - q2)) / (2.0 * e * e_out)
            w_t = 1.0 if weighting == "total" else 1.0 - cos_t
            if "sm" in terms:
                c += block_sm * w_t * np.array(me.sm_coefficients(q2, m_kin, s, f1, fa), float)
            if mediator is not None:
                for term in me.MEDIATOR_TERMS[mediator]:
                    if term.name not in terms:
                        continue
                    blk = block_sm
                    if term_blocking(model, term.name, variant) == "none":
                        blk = 1.0
                    dfac = (1.0 / (q2 - mass_mev**2)) ** term.propagator_power
                    red = me.term_coefficients(mediator, term.name, q2, m_kin, s, f1, fa, variant)
                    wt = w_t
                    if weighting == "transport_sink" and changes_species(mediator, term.name):
                        wt = 1.0
                    c += blk * wt * coupling**term.coupling_power * dfac * np.array(red, float)
            return c

        def en_integrand(e_n, q0, qa, ck, sk, c, mu=mu):
            p2 = e_n * e_n - m_kin * m_kin
            pc = (2.0 * e_n * q0 + q0 * q0 - qa * qa) / (2.0 * qa)
            ps = math.sqrt(max(0.0, p2 - pc * pc))
            if frame == "medium":
                occ = _fd((e_n - mu) / t) * _fd(-(e_n + q0 - mu) / t)
            else:
                occ = _fd((math.sqrt(max(p2, 0.0) + mstar**2) - mu) / t)
            if occ == 0.0:
                return 0.0
            args = (e, e_n, pc, ps, ck, sk, c[0], c[1], c[2], rest)
            val, _ = integrate.quad(_PHI, 0.0, math.pi, args=args, epsrel=epsrel, **opts)
            return e_n * occ * 2.0 * val

        def q0_integrand(q0, qa, mu=mu, e_cut=e_cut, en_integrand=en_integrand):
            q2 = q0 * q0 - qa * qa
            e_minus = -0.5 * q0 + 0.5 * qa * math.sqrt(1.0 - 4.0 * m_kin**2 / q2)
            lo = max(e_minus, m_kin)
            if frame == "medium":
                lo = max(lo, mu - q0 - cut * t)
            if lo >= e_cut:
                return 0.0
            ck = (q0 * (2.0 * e - q0) + qa * qa) / (2.0 * e * qa)
            sk = math.sqrt(max(0.0, 1.0 - ck * ck))
            c = coeffs(q0, q2)
            if frame == "medium":
                edges = [mu - q0, mu]
            else:
                edges = [math.sqrt(mu**2 - mstar**2 + m_kin**2)] if mu > mstar else []
            pts = sorted(x for x in edges if lo < x < e_cut)
            val, _ = integrate.quad(
                en_integrand,
                lo,
                e_cut,
                args=(q0, qa, ck, sk, c),
                points=pts or None,
                epsrel=10 * epsrel,
                **opts,
            )
            return val

        def qa_integrand(qa, p_cut=p_cut, q0_integrand=q0_integrand):
            x_cut = math.hypot(p_cut, m_kin)
            lo = max(math.hypot(p_cut - qa, m_kin) - x_cut, -qa, -cut * t)
            hi = min(math.hypot(p_cut + qa, m_kin) - x_cut, qa, 2.0 * e - qa)
            if hi <= lo:
                return 0.0
            pts = [x for x in (0.0,) if lo < x < hi]
            val, _ = integrate.quad(
                q0_integrand, lo, hi, args=(qa,), points=pts or None, epsrel=100 * epsrel, **opts
            )
            return val

        q_max = 2.0 * e + cut * t
        pts = [e, 2.0 * e]
        if mass_mev is not None:
            pts += [x for x in (0.1 * mass_mev, mass_mev, 10.0 * mass_mev) if x < q_max]
        pts = sorted(set(pts))
        val, _ = integrate.quad(qa_integrand, 0.0, q_max, points=pts, epsrel=100 * epsrel, **opts)
        total += val
    return total * _RATE_PREFACTOR / e * _MEV_TO_INV_M


def lambda_direct(**kwargs):
    """Mean free path [m] by :func:`rate_direct` (same keyword arguments)."""
    return 1.0 / rate_direct(**kwargs)
