"""CEvNS on a nucleus: kinematics, SM weak charge and the coupling decomposition.

Every differential cross section is returned as its coupling decomposition

    dsigma/dE_r(g, m) = sm + g^2 int(m) + g^4 np(m),

g the model's axis coupling (``MediatorModel.coupling``). For a neutrino of flavour alpha with
charge q_alpha and a nucleus of charge Q' = ``model.nuclear_charge(Z, N)`` ([ST21] Eqs. 5-6
and 9-10 with g_nu g_q Q'_w -> g^2 q_alpha Q'):

* vector: xi = -Q_w/2 + g^2 q_alpha Q' / (sqrt2 G_F (2 m_T E_r + m^2)) and
  dsigma = G_F^2 m_T/pi |xi|^2 (1 - m_T E_r/2E^2) F^2, so int ~ q_alpha, np ~ q_alpha^2;
  [ST21]'s universal vector has Q' = Q'_w = 3A and destructive interference (g_nu g_q > 0);
* scalar: + (g^2 q_alpha Q')^2 m_T^2 E_r F^2 / (4 pi E^2 (2 E_r m_T + m^2)^2), no
  interference; [ST21]'s Q_s = 14A + 1.1Z is the ``st21`` sigma-term preset.

A whole (mass, coupling) map is a contraction of three arrays, which is what the rate stage
stores. Internal units: MeV (energies, masses), fm (radii); recoil energies cross the public
interface in keV and cross sections in cm^2/keV, as their names say. Targets
(``lightmed.targets``) are sums over nuclear species weighted by nuclei per formula unit, each
with the target's form-factor convention (:mod:`lightmed.cevns.form_factors`).
"""

from __future__ import annotations

import math

import numpy as np

from ..constants import G_FERMI_MEV2, HBARC_MEV_FM, M_NUCLEUS_PER_A_MEV, SIN2_THETA_W
from ..errors import ConfigError
from .form_factors import form_factor_sq

#: 1 MeV^-2 in cm^2: (hbar c)^2 with hbar c in MeV cm.
MEV2_TO_CM2: float = (HBARC_MEV_FM * 1e-13) ** 2


def nucleus_mass_mev(A: float) -> float:
    """Nucleus mass m_T = 931.5 MeV x A ([ST21] Eq. 2)."""
    return M_NUCLEUS_PER_A_MEV * A


def weak_charge(A: float, Z: float, sin2_theta_w: float = SIN2_THETA_W) -> float:
    """SM weak charge Q_w = N - Z (1 - 4 sin^2 theta_W) ([ST21] Eq. 2)."""
    return (A - Z) - Z * (1.0 - 4.0 * sin2_theta_w)


def max_recoil_kev(enu_mev, A: float):
    """Maximal recoil E_r^max = 2 E_nu^2 / (m_T + 2 E_nu) [keV] for E_nu [MeV]."""
    enu = np.asarray(enu_mev, dtype=float)
    m_t = nucleus_mass_mev(A)
    return 2.0 * enu**2 / (m_t + 2.0 * enu) * 1e3


def min_neutrino_energy_mev(recoil_kev, A: float):
    """Smallest E_nu [MeV] that can produce a recoil E_r [keV] (inverse of E_r^max)."""
    er = np.asarray(recoil_kev, dtype=float) * 1e-3
    m_t = nucleus_mass_mev(A)
    return 0.5 * (er + np.sqrt(er**2 + 2.0 * m_t * er))


def charge_coefficients(
    recoil_kev,
    mass_mev,
    A: float,
    Z: float,
    spin: str,
    nuclear_charge: float,
    form_factor: str = "helm_st21",
    sin2_theta_w: float = SIN2_THETA_W,
):
    """Recoil-energy factors of dsigma/dE_r per unit neutrino charge, independent of E_nu.

    Every term of dsigma/dE_r is ``c0 * (1 - m_T E_r / (2 E_nu^2)) + c2 / E_nu^2`` times the
    kinematic step Theta(E_r^max - E_r). Returns ``(a_sm, a_int, a_np, b_np)`` in cm^2/keV:

        sm  = a_sm  K,   int = q_alpha a_int K,   np = q_alpha^2 (a_np K + b_np / E^2),

    K = 1 - m_T E_r/(2E^2), for a mediator of ``spin`` coupling to the nucleus with charge
    Q' [1] per unit axis coupling (``MediatorModel.nuclear_charge(Z, N)``). Vector: b_np = 0;
    scalar: a_int = a_np = 0. Arrays broadcast over ``recoil_kev`` and ``mass_mev``.

    Notes
    -----
    Vector ([ST21] Eqs. 5-6): |xi|^2 = Q_w^2/4 - g^2 q Q_w Q'/(sqrt2 G_F D)
    + g^4 q^2 Q'^2/(2 G_F^2 D^2), D = 2 m_T E_r + m^2. Scalar ([ST21] Eqs. 9-10):
    g^4 q^2 Q'^2 m_T^2 E_r F^2 / (4 pi E^2 D^2). One form factor F (the target's convention)
    for the weak and the mediator charge.
    """
    if spin not in ("vector", "scalar"):
        raise ConfigError(f"unknown mediator spin {spin!r}; use vector or scalar")
    er_kev = np.asarray(recoil_kev, dtype=float)
    mass = np.asarray(mass_mev, dtype=float)
    er = er_kev * 1e-3
    m_t = nucleus_mass_mev(A)
    f2 = form_factor_sq(er_kev, A, form_factor)
    denom = 2.0 * m_t * er + mass**2  # MeV^2
    per_kev = MEV2_TO_CM2 * 1e-3  # MeV^-3 -> cm^2/keV
    qw = weak_charge(A, Z, sin2_theta_w)
    k = G_FERMI_MEV2**2 * m_t / math.pi * f2 * per_kev
    a_sm = k * qw**2 / 4.0 * np.ones_like(denom)
    zero = np.zeros_like(denom)
    q = float(nuclear_charge)
    if spin == "vector":
        a_int = -k * qw * q / (math.sqrt(2.0) * G_FERMI_MEV2 * denom)
        a_np = k * q**2 / (2.0 * G_FERMI_MEV2**2 * denom**2)
        return a_sm, a_int, a_np, zero
    b_np = q**2 * m_t**2 * er * f2 / (4.0 * math.pi * denom**2) * per_kev
    return a_sm, zero, zero, b_np


def _resolve(target, model):
    from ..models import MediatorModel, get_model
    from ..targets import Target, get_target

    tgt = target if isinstance(target, Target) else get_target(str(target))
    mod = model if isinstance(model, MediatorModel) else get_model(str(model))
    return tgt, mod


def neutrino_charge_of(model, flavour: str | None) -> float:
    """q_alpha of ``flavour``; without a flavour only a flavour-blind model is accepted."""
    if flavour is not None:
        return model.neutrino_charge(flavour)
    charges = {model.neutrino_charge(f) for f in ("e", "mu", "tau")}
    if len(charges) != 1:
        raise ConfigError(
            f"model {model.name} couples differently to e, mu, tau: pass flavour='e'|'mu'|'tau'"
        )
    return charges.pop()


def dsigma_coefficients(
    enu_mev,
    recoil_kev,
    mass_mev,
    target,
    model,
    flavour: str | None = None,
    sin2_theta_w: float = SIN2_THETA_W,
):
    """dsigma/dE_r [cm^2/keV] per nucleus (per formula unit of a compound) as (sm, int, np).

    Parameters
    ----------
    enu_mev : array_like
        Neutrino energy [MeV].
    recoil_kev : array_like
        Nuclear recoil energy [keV].
    mass_mev : array_like
        Mediator mass [MeV].
    target : str or lightmed.targets.Target
        Target preset or user target; species weighted by nuclei per formula unit.
    model : str or lightmed.models.MediatorModel
        Registry model (a preset name or a model object).
    flavour : {"e", "mu", "tau"} or label such as ``numubar``, optional
        Neutrino flavour; may be omitted for flavour-blind models.

    Notes
    -----
    [ST21] Eqs. 2, 5, 6, 9, 10 (module docstring). Zero above the kinematic endpoint.
    """
    tgt, mod = _resolve(target, model)
    q = neutrino_charge_of(mod, flavour)
    enu = np.asarray(enu_mev, dtype=float)
    er_kev = np.asarray(recoil_kev, dtype=float)
    out = [0.0, 0.0, 0.0]
    for nuc in tgt.nuclei:
        a_sm, a_int, a_np, b_np = charge_coefficients(
            er_kev,
            mass_mev,
            nuc.A,
            nuc.Z,
            mod.spin,
            mod.nuclear_charge(nuc.Z, nuc.N),
            tgt.form_factor,
            sin2_theta_w,
        )
        m_t = nucleus_mass_mev(nuc.A)
        step = er_kev <= max_recoil_kev(enu, nuc.A)
        kin = np.where(step, 1.0 - m_t * er_kev * 1e-3 / (2.0 * enu**2), 0.0)
        inv_e2 = np.where(step, 1.0 / enu**2, 0.0)
        terms = (a_sm * kin, q * a_int * kin, q**2 * (a_np * kin + b_np * inv_e2))
        out = [o + nuc.per_formula * t for o, t in zip(out, terms, strict=True)]
    return tuple(out)


def dsigma(
    enu_mev,
    recoil_kev,
    coupling,
    mass_mev,
    target,
    model,
    flavour: str | None = None,
    sin2_theta_w: float = SIN2_THETA_W,
):
    """Full dsigma/dE_r [cm^2/keV] at coupling g (contraction of :func:`dsigma_coefficients`)."""
    sm, c2, c4 = dsigma_coefficients(
        enu_mev, recoil_kev, mass_mev, target, model, flavour, sin2_theta_w
    )
    g2 = np.asarray(coupling, dtype=float) ** 2
    return sm + g2 * c2 + g2**2 * c4


def sigma_total_sm_cm2(enu_mev: float, target="Xe", n_nodes: int = 400) -> float:
    """Total SM CEvNS cross section [cm^2] per formula unit at E_nu [MeV] (Gauss-Legendre)."""
    from ..targets import Target, get_target

    tgt = target if isinstance(target, Target) else get_target(str(target))
    total = 0.0
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    for nuc in tgt.nuclei:
        er_max = float(max_recoil_kev(enu_mev, nuc.A))
        er = 0.5 * er_max * (x + 1.0)
        a_sm = charge_coefficients(er, 1.0, nuc.A, nuc.Z, "vector", 0.0, tgt.form_factor)[0]
        kin = 1.0 - nucleus_mass_mev(nuc.A) * er * 1e-3 / (2.0 * enu_mev**2)
        total += nuc.per_formula * float(np.sum(w * a_sm * kin) * 0.5 * er_max)
    return total


def xi_zero_recoil_kev(
    coupling: float,
    mass_mev: float,
    A: float,
    Z: float,
    model="vector",
    flavour: str | None = None,
    sin2_theta_w: float = SIN2_THETA_W,
) -> float:
    """Recoil energy [keV] where the vector xi vanishes (the interference dip), NaN if none.

    xi = 0 <=> 2 m_T E_r + m^2 = 2 g^2 q_alpha Q' / (sqrt2 G_F Q_w); only destructive
    interference (q_alpha Q' Q_w > 0) has a dip.
    """
    from ..models import MediatorModel, get_model

    mod = model if isinstance(model, MediatorModel) else get_model(str(model))
    if mod.spin != "vector":
        raise ConfigError(f"model {mod.name}: the xi dip exists for vector mediators only")
    qw = weak_charge(A, Z, sin2_theta_w)
    charge = neutrino_charge_of(mod, flavour) * mod.nuclear_charge(Z, A - Z)
    d = 2.0 * coupling**2 * charge / (math.sqrt(2.0) * G_FERMI_MEV2 * qw)
    er_mev = (d - mass_mev**2) / (2.0 * nucleus_mass_mev(A))
    return er_mev * 1e3 if er_mev > 0 else float("nan")
