"""Coherent elastic neutrino-nucleus scattering (CEvNS): SM, vector Z' and scalar phi.

Every differential cross section is returned as its coupling decomposition

    dsigma/dE_r(g, m) = sm + g^2 * int(m) + g^4 * np(m),

with g = sqrt(|g_nu g_q|) and g_nu g_q > 0 ([ST21] Sec. II). For the vector mediator
|xi|^2 of [ST21] Eq. 5 expands into SM + g^2 interference + g^4 new physics; the scalar does
not interfere (its g^2 coefficient is identically 0). A whole (mass, coupling) map is therefore a
contraction of three arrays, and the rate stage stores exactly these three coefficients.

Internal units: MeV (energies, masses), fm (radii); recoil energies cross the public
interface in keV and cross sections in cm^2/keV, as their names say.

Targets are named presets (:data:`TARGETS`). The default ``Xe`` and ``Pb`` are the single
effective nuclei of [ST21] (A = 131, Z = 54 and A = 207, Z = 82, m_T = 931.5 A MeV); the
``*_natural`` presets average over the natural isotopic composition (IUPAC/CIAAW 2013,
Meija et al., Pure Appl. Chem. 88 (2016) 293), a ~0.3 % (Xe) / ~0.1 % (Pb) effect on the
SM rate per tonne, kept as an option so that the default reproduces the paper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .constants import G_FERMI_MEV2, HBARC_MEV_FM, M_NUCLEUS_PER_A_MEV, SIN2_THETA_W
from .errors import ConfigError

#: 1 MeV^-2 in cm^2: (hbar c)^2 with hbar c in MeV cm.
MEV2_TO_CM2: float = (HBARC_MEV_FM * 1e-13) ** 2
#: Helm skin thickness s [fm] ([ST21] Eq. 3, their ref. [48]).
HELM_SKIN_FM: float = 0.5
#: Helm radius coefficient: R = 1.2 A^(1/3) fm ([ST21] Eq. 3).
HELM_R_COEFF_FM: float = 1.2
#: vector nucleus charge per nucleon, Q'_w = 3A for a universal quark coupling ([ST21] Eq. 6).
VECTOR_CHARGE_PER_A: float = 3.0
#: scalar nucleus charge Q_s = 14 A + 1.1 Z ([ST21] Eq. 10, from arXiv:1604.01025).
SCALAR_CHARGE_PER_A: float = 14.0
SCALAR_CHARGE_PER_Z: float = 1.1

MODELS: tuple[str, ...] = ("vector", "scalar")


@dataclass(frozen=True)
class Isotope:
    """One isotope of a target: mass number A, neutron number N, mole fraction."""

    A: int
    abundance: float


@dataclass(frozen=True)
class Target:
    """A CEvNS target: element charge Z and one or more isotopes (A, abundance).

    A single-isotope target with abundance 1 is the paper's effective nucleus.
    """

    name: str
    Z: int
    isotopes: tuple[Isotope, ...] = field(default_factory=tuple)
    citation: str = ""

    @property
    def mean_A(self) -> float:
        """Abundance-weighted mass number."""
        return sum(i.A * i.abundance for i in self.isotopes)

    def nuclei_per_tonne(self) -> float:
        """Number of nuclei per metric tonne [1/t], N_T = 1e6 g / (<A> g/mol) * N_A ([ST21])."""
        from .constants import N_AVOGADRO

        return 1e6 / self.mean_A * N_AVOGADRO


def _single(name: str, A: int, Z: int, citation: str) -> Target:
    return Target(name=name, Z=Z, isotopes=(Isotope(A, 1.0),), citation=citation)


_ST21 = "[ST21] arXiv:2010.14545 effective nucleus, m_T = 931.5 A MeV"
_IUPAC = "IUPAC/CIAAW 2013 isotopic composition (Meija et al., Pure Appl. Chem. 88 (2016) 293)"

#: Target presets, chosen by key in a detector's config block.
TARGETS: dict[str, Target] = {
    "Xe": _single("Xe", 131, 54, _ST21),
    "Pb": _single("Pb", 207, 82, _ST21),
    "Xe_natural": Target(
        "Xe_natural",
        54,
        tuple(
            Isotope(a, f)
            for a, f in (
                (124, 0.000952),
                (126, 0.000890),
                (128, 0.019102),
                (129, 0.264006),
                (130, 0.040710),
                (131, 0.212324),
                (132, 0.269086),
                (134, 0.104357),
                (136, 0.088573),
            )
        ),
        _IUPAC,
    ),
    "Pb_natural": Target(
        "Pb_natural",
        82,
        tuple(Isotope(a, f) for a, f in ((204, 0.014), (206, 0.241), (207, 0.221), (208, 0.524))),
        _IUPAC,
    ),
}


def get_target(name: str) -> Target:
    """Return the preset ``name`` or raise :class:`ConfigError` listing the known ones."""
    try:
        return TARGETS[name]
    except KeyError:
        raise ConfigError(
            f"unknown CEvNS target {name!r}; known targets: {', '.join(TARGETS)}"
        ) from None


def nucleus_mass_mev(A: float) -> float:
    """Nucleus mass m_T = 931.5 MeV x A ([ST21] Eq. 2)."""
    return M_NUCLEUS_PER_A_MEV * A


def weak_charge(A: float, Z: float, sin2_theta_w: float = SIN2_THETA_W) -> float:
    """SM weak charge Q_w = N - Z (1 - 4 sin^2 theta_W) ([ST21] Eq. 2)."""
    return (A - Z) - Z * (1.0 - 4.0 * sin2_theta_w)


def scalar_charge(A: float, Z: float) -> float:
    """Scalar nucleus charge Q_s = 14 A + 1.1 Z ([ST21] Eq. 10)."""
    return SCALAR_CHARGE_PER_A * A + SCALAR_CHARGE_PER_Z * Z


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


def _helm_sq(recoil_kev, A: float, r0_fm: float, skin_fm: float):
    """3 j1(q R0)/(q R0) exp(-q^2 s^2/2), squared, at E_r [keV] (q = sqrt(2 m_T E_r) / hbar c)."""
    er_mev = np.asarray(recoil_kev, dtype=float) * 1e-3
    q_fm = np.sqrt(2.0 * nucleus_mass_mev(A) * er_mev) / HBARC_MEV_FM
    x = q_fm * r0_fm
    with np.errstate(invalid="ignore", divide="ignore"):
        j1_over_x = np.where(
            x > 1e-4,
            (np.sin(x) - x * np.cos(x)) / np.where(x > 1e-4, x, 1.0) ** 3,
            1.0 / 3.0 - x**2 / 30.0,
        )
    f = 3.0 * j1_over_x * np.exp(-0.5 * (q_fm * skin_fm) ** 2)
    return f**2


def helm_form_factor_sq(recoil_kev, A: float):
    """Helm form factor squared F^2(Q) at recoil E_r [keV] ([ST21] Eq. 3).

    F(Q) = 3 j1(Q R0)/(Q R0) exp(-Q^2 s^2 / 2), R0 = sqrt(R^2 - 5 s^2), R = 1.2 A^(1/3) fm,
    s = 0.5 fm, Q = sqrt(2 m_T E_r) converted to fm^-1 with hbar c.
    """
    r = HELM_R_COEFF_FM * A ** (1.0 / 3.0)
    return _helm_sq(recoil_kev, A, math.sqrt(r**2 - 5.0 * HELM_SKIN_FM**2), HELM_SKIN_FM)


#: Lewin & Smith, Astropart. Phys. 6 (1996) 87, Sec. 4.1 (Eq. 4.11 and below): c = 1.23 A^(1/3)
#: - 0.60 fm, a = 0.52 fm, s = 0.9 fm, R0^2 = c^2 + (7/3) pi^2 a^2 - 5 s^2.
LEWIN_SMITH_FM: dict[str, float] = {"c_coeff": 1.23, "c_offset": -0.60, "a": 0.52, "s": 0.9}


def helm_lewin_smith_sq(recoil_kev, A: float):
    """Helm F^2 with the Lewin-Smith radius convention (the direct-detection standard).

    R0 = sqrt(c^2 + 7/3 pi^2 a^2 - 5 s^2), c = 1.23 A^(1/3) - 0.60 fm, a = 0.52 fm,
    s = 0.9 fm (Lewin & Smith, Astropart. Phys. 6 (1996) 87, Eq. 4.11).
    """
    p = LEWIN_SMITH_FM
    c = p["c_coeff"] * A ** (1.0 / 3.0) + p["c_offset"]
    r0 = math.sqrt(c**2 + 7.0 / 3.0 * math.pi**2 * p["a"] ** 2 - 5.0 * p["s"] ** 2)
    return _helm_sq(recoil_kev, A, r0, p["s"])


#: Form-factor conventions by the name a target carries (``lightmed.targets.FORM_FACTORS``).
FORM_FACTOR_FUNCTIONS = {"helm_st21": helm_form_factor_sq, "helm_lewin_smith": helm_lewin_smith_sq}


def form_factor_sq(recoil_kev, A: float, convention: str = "helm_st21"):
    """F^2 [1] at E_r [keV] for nucleus A in a named convention (helm_st21, helm_lewin_smith)."""
    try:
        fn = FORM_FACTOR_FUNCTIONS[convention]
    except KeyError:
        raise ConfigError(
            f"unknown form factor {convention!r}; known: {', '.join(FORM_FACTOR_FUNCTIONS)}"
        ) from None
    return fn(recoil_kev, A)


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
    """Recoil-energy factors of dsigma/dE_r per unit neutrino charge, for any nuclear charge.

    The same decomposition as :func:`recoil_coefficients` -- ``(a_sm, a_int, a_np, b_np)`` in
    cm^2/keV with sm = a_sm K, int = a_int K, np = a_np K + b_np / E^2, K = 1 - m_T E_r/(2E^2) --
    for a mediator of ``spin`` coupling to the nucleus with charge Q' [1] per unit axis coupling
    (``MediatorModel.nuclear_charge(Z, N)``). A neutrino of flavour alpha with charge q_alpha
    sees int x q_alpha and np x q_alpha^2 (lightmed.models.spec).

    Notes
    -----
    Vector ([ST21] Eqs. 5-6 with g_nu g_q Q'_w -> g^2 q_alpha Q'):
    xi = -Q_w/2 + g^2 q_alpha Q' / (sqrt2 G_F (2 m_T E_r + m^2)).
    Scalar ([ST21] Eqs. 9-10 with g_nu g_q Q_s -> g^2 q_alpha Q'):
    (g^2 q_alpha Q')^2 m_T^2 E_r F^2 / (4 pi E^2 (2 E_r m_T + m^2)^2). One form factor F (the
    target's convention) for the weak and the mediator charge.
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


def recoil_coefficients(
    recoil_kev, mass_mev, A: float, Z: float, model: str, sin2_theta_w: float = SIN2_THETA_W
):
    """Recoil-energy-only factors of the cross section, independent of E_nu.

    Every term of dsigma/dE_r is ``c0 * (1 - m_T E_r / (2 E_nu^2)) + c2 / E_nu^2`` times
    the kinematic step Theta(E_r^max - E_r). This returns ``(a_sm, a_int, a_np, b_np)`` in
    cm^2/keV such that, for a neutrino of energy E [MeV],

        sm  = a_sm  * (1 - m_T E_r/(2E^2))
        int = a_int * (1 - m_T E_r/(2E^2))
        np  = a_np  * (1 - m_T E_r/(2E^2)) + b_np / E^2

    Vector: b_np = 0; scalar: a_int = a_np = 0. Arrays broadcast over ``recoil_kev`` and
    ``mass_mev``. This factorisation is what makes the rates a cheap contraction.

    Notes
    -----
    Vector ([ST21] Eq. 5-6): dsigma = G_F^2 m_T/pi |xi|^2 (1 - m_T E_r/2E^2) F^2, with
    xi = -Q_w/2 + g^2 Q'_w / (sqrt2 G_F (2 m_T E_r + m^2)), so
    |xi|^2 = Q_w^2/4 - g^2 Q_w Q'_w/(sqrt2 G_F D) + g^4 Q'_w^2/(2 G_F^2 D^2).
    Scalar ([ST21] Eq. 9-10): g^4 Q_s^2 m_T^2 E_r F^2 / (4 pi E^2 D^2).
    """
    if model not in MODELS:
        raise ConfigError(f"unknown mediator model {model!r}; known: {', '.join(MODELS)}")
    charge = VECTOR_CHARGE_PER_A * A if model == "vector" else scalar_charge(A, Z)
    return charge_coefficients(recoil_kev, mass_mev, A, Z, model, charge, "helm_st21", sin2_theta_w)


def dsigma_coefficients(
    enu_mev,
    recoil_kev,
    mass_mev,
    target: str | Target,
    model: str,
    sin2_theta_w: float = SIN2_THETA_W,
):
    """dsigma/dE_r [cm^2/keV] as ``(sm, int, np)``: sigma = sm + g^2 int + g^4 np.

    Parameters
    ----------
    enu_mev : array_like
        Neutrino energy [MeV].
    recoil_kev : array_like
        Nuclear recoil energy [keV].
    mass_mev : array_like
        Mediator mass [MeV].
    target : str or Target
        Preset key (``Xe``, ``Pb``, ``Xe_natural``, ``Pb_natural``) or a :class:`Target`;
        isotope mixtures are abundance-weighted.
    model : {"vector", "scalar"}

    Notes
    -----
    [ST21] Eqs. 2, 5, 6, 9, 10. Zero above the kinematic endpoint E_r^max(E_nu).
    """
    tgt = get_target(target) if isinstance(target, str) else target
    enu = np.asarray(enu_mev, dtype=float)
    out = [0.0, 0.0, 0.0]
    for iso in tgt.isotopes:
        a_sm, a_int, a_np, b_np = recoil_coefficients(
            recoil_kev, mass_mev, iso.A, tgt.Z, model, sin2_theta_w
        )
        m_t = nucleus_mass_mev(iso.A)
        er = np.asarray(recoil_kev, dtype=float) * 1e-3
        kin = 1.0 - m_t * er / (2.0 * enu**2)
        step = np.asarray(recoil_kev, dtype=float) <= max_recoil_kev(enu, iso.A)
        kin = np.where(step, kin, 0.0)
        inv_e2 = np.where(step, 1.0 / enu**2, 0.0)
        terms = (a_sm * kin, a_int * kin, a_np * kin + b_np * inv_e2)
        out = [o + iso.abundance * t for o, t in zip(out, terms, strict=True)]
    return tuple(out)


def dsigma(
    enu_mev,
    recoil_kev,
    coupling,
    mass_mev,
    target: str | Target,
    model: str,
    sin2_theta_w: float = SIN2_THETA_W,
):
    """Full dsigma/dE_r [cm^2/keV] at coupling g (contraction of :func:`dsigma_coefficients`)."""
    sm, c2, c4 = dsigma_coefficients(enu_mev, recoil_kev, mass_mev, target, model, sin2_theta_w)
    g2 = np.asarray(coupling, dtype=float) ** 2
    return sm + g2 * c2 + g2**2 * c4


def sigma_total_sm_cm2(enu_mev: float, target: str | Target = "Xe", n_nodes: int = 400) -> float:
    """Total SM CEvNS cross section [cm^2] at E_nu [MeV] (Gauss-Legendre over E_r)."""
    tgt = get_target(target) if isinstance(target, str) else target
    total = 0.0
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    for iso in tgt.isotopes:
        er_max = float(max_recoil_kev(enu_mev, iso.A))
        er = 0.5 * er_max * (x + 1.0)
        single = Target(tgt.name, tgt.Z, (Isotope(iso.A, 1.0),))
        sm, _, _ = dsigma_coefficients(enu_mev, er, 1.0, single, "vector")
        total += iso.abundance * float(np.sum(w * sm) * 0.5 * er_max)
    return total


def xi_zero_recoil_kev(
    coupling: float, mass_mev: float, A: float, Z: float, sin2_theta_w: float = SIN2_THETA_W
) -> float:
    """Recoil energy [keV] where the vector xi vanishes (the interference dip), NaN if none.

    xi = 0 <=> 2 m_T E_r + m^2 = 2 g^2 Q'_w / (sqrt2 G_F Q_w).
    """
    qw = weak_charge(A, Z, sin2_theta_w)
    qv = VECTOR_CHARGE_PER_A * A
    d = 2.0 * coupling**2 * qv / (math.sqrt(2.0) * G_FERMI_MEV2 * qw)
    er_mev = (d - mass_mev**2) / (2.0 * nucleus_mass_mev(A))
    return er_mev * 1e3 if er_mev > 0 else float("nan")
