"""Spin-summed squared matrix elements of nu N -> nu N as polynomials in P = p.k.

Every term is written as

    Sum|M|^2 = coupling^n_g * D(q^2, m)^n_D * (c0 + c1 P + c2 P^2),   D = 1/(q^2 - m^2),

with ``c_i`` functions of (q^2, m*) only (physics.md §3.3-3.4). The coupling and mediator-mass
dependence is thereby separated from the medium: a kernel contraction over (q0, |q|) nodes is
done once per term, and a whole (mass, coupling) map follows from matrix products with
``D(q^2_node, m)^n_D`` and powers of the coupling.

Kinematics (physics.md §3.1): massless neutrinos k -> k', nucleon p -> p' = p + q with mass
m*, q = k - k', P = p.k, and k.k' = -q^2/2, p.q = -q^2/2, p.k' = P + q^2/2, p'.k' = P.

Units: MeV. ``c_i`` carries MeV^-2i for the SM (which includes G_F^2); for the new-physics
terms the returned ``c_i`` are the *reduced* coefficients (coupling and propagator stripped).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .constants import G_FERMI_MEV2
from .errors import ConfigError, InputError

#: Nucleon weak form factors at q^2 = 0 as used by [C21] (below their Eq. 5): (F1, F_A).
FORM_FACTORS_C21: dict[str, tuple[float, float]] = {
    "n": (-0.5, -1.47 / 2.0),
    "p": (0.075 / 2.0, -1.47 / 2.0),
}

#: Matrix-element variants (physics.md §3.4): ``physical`` = the full spin sums derived from
#: the Lagrangians; ``paper`` = [C21]'s printed Eq. 6 (scalar, 1/2 of physical) and Eqs. 8/10/11
#: (interference, -1/2 x physical with nu <-> nubar).
VARIANTS: tuple[str, ...] = ("physical", "paper")

#: Helicity sign per species: s = +1 for nu (left-handed), -1 for nubar (right-handed).
SPECIES_SIGN: dict[str, int] = {"nu": +1, "nubar": -1}


@dataclass(frozen=True)
class Term:
    """One additive piece of Sum|M|^2 for a mediator model.

    Attributes
    ----------
    name : str
        ``sm``, ``int`` (SM x new-physics interference) or ``np`` (new physics squared).
    coupling_power : int
        Power of the scanned coupling (0, 2, 4).
    propagator_power : int
        Power of D = 1/(q^2 - m^2) (0, 1, 2).
    """

    name: str
    coupling_power: int
    propagator_power: int


#: Terms per mediator (besides the SM term, which every model has).
MEDIATOR_TERMS: dict[str, tuple[Term, ...]] = {
    "vector_bl": (Term("int", 2, 1), Term("np", 4, 2)),
    "scalar": (Term("np", 4, 2),),
}


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise ConfigError(
            f"matrix_elements = {variant!r} is not allowed; choose one of {', '.join(VARIANTS)}"
        )


def _full(x, shape_like):
    return np.zeros(np.shape(shape_like)) + x


def sm_coefficients(q2, m_eff, s, f1, fa):
    """SM neutral-current Sum|M|^2 = c0 + c1 P + c2 P^2.

    Parameters
    ----------
    q2 : float or ndarray
        Four-momentum transfer squared q^2 = q0^2 - |q|^2 [MeV^2] (< 0).
    m_eff : float
        Nucleon (effective) mass [MeV].
    s : int
        +1 for nu, -1 for nubar.
    f1, fa : float
        Vector and axial form factors [1].

    Returns
    -------
    c0, c1, c2 : ndarray
        [1], [MeV^-2], [MeV^-4].

    Notes
    -----
    physics.md §3.4: 32 G_F^2 [(F1 + s FA)^2 P^2 + (F1 - s FA)^2 (P + q^2/2)^2
    + (F1^2 - FA^2) m*^2 q^2/2], from L = -(G_F/sqrt2)[nu g^mu (1-g5) nu][N g_mu (F1 - FA g5) N].
    """
    q2 = np.asarray(q2, dtype=float)
    pref = 32.0 * G_FERMI_MEV2**2
    lp = (f1 + s * fa) ** 2
    lm = (f1 - s * fa) ** 2
    c2 = _full(pref * (lp + lm), q2)
    c1 = pref * lm * q2
    c0 = pref * (lm * q2 * q2 / 4.0 + (f1 * f1 - fa * fa) * m_eff * m_eff * q2 / 2.0)
    return c0, c1, c2


def vector_bl_coefficients(q2, m_eff):
    """Reduced pure-Z' (U(1)_B-L) coefficients: Sum|M|^2 = g^4 D^2 (c0 + c1 P + c2 P^2).

    Returns c0 [MeV^4], c1 [MeV^2], c2 [1]. Notes: [C21] Eq. 9, physics.md §3.4:
    4 g^4/(q^2 - m^2)^2 [8 P^2 + q^2 (2 m*^2 + q^2 + 4 P)]. Identical for nu and nubar.
    """
    q2 = np.asarray(q2, dtype=float)
    c2 = _full(32.0, q2)
    c1 = 16.0 * q2
    c0 = 4.0 * q2 * (2.0 * m_eff * m_eff + q2)
    return c0, c1, c2


def interference_bl_coefficients(q2, m_eff, s, f1, fa, variant="physical"):
    """Reduced Z-Z' interference: Sum 2Re(M_BL M_SM^*) = g^2 D (c0 + c1 P + c2 P^2).

    Returns c0 [MeV^2], c1 [1], c2 [MeV^-2] (they include G_F).

    Notes
    -----
    physics.md §3.4 with B-L charges C_nu = -g, C_N = +g:
    32 sqrt2 G_F g^2/(q^2 - m^2) [2 F1 P^2 + (F1 - s FA) q^2 P + (F1 - s FA) q^4/4
    + F1 m*^2 q^2/2]. Constructive for neutrons, destructive for protons. The ``paper``
    variant is [C21] Eqs. 8/10/11 as printed: -1/2 x this with s -> -s.
    """
    _check_variant(variant)
    q2 = np.asarray(q2, dtype=float)
    factor = 1.0
    if variant == "paper":
        factor, s = -0.5, -s
    pref = factor * 32.0 * math.sqrt(2.0) * G_FERMI_MEV2
    c2 = _full(pref * 2.0 * f1, q2)
    c1 = pref * (f1 - s * fa) * q2
    c0 = pref * ((f1 - s * fa) * q2 * q2 / 4.0 + f1 * m_eff * m_eff * q2 / 2.0)
    return c0, c1, c2


def scalar_coefficients(q2, m_eff, variant="physical"):
    """Reduced scalar coefficients: Sum|M|^2 = Y^4 D^2 c0 (c1 = c2 = 0).

    Returns c0 [MeV^4], c1 [MeV^2], c2 [1]. Notes: physics.md §3.4,
    -2 Y^4 q^2 (4 m*^2 - q^2)/(q^2 - m^2)^2 (helicity flip, no SM interference); the ``paper``
    variant is [C21]'s printed Eq. 6, i.e. half of it.
    """
    _check_variant(variant)
    q2 = np.asarray(q2, dtype=float)
    factor = 0.5 if variant == "paper" else 1.0
    c0 = factor * (-2.0) * q2 * (4.0 * m_eff * m_eff - q2)
    return c0, _full(0.0, q2), _full(0.0, q2)


def term_coefficients(mediator, term, q2, m_eff, s, f1, fa, variant="physical"):
    """Reduced (c0, c1, c2) of ``term`` (``int`` or ``np``) for ``mediator``."""
    if mediator == "vector_bl":
        if term == "int":
            return interference_bl_coefficients(q2, m_eff, s, f1, fa, variant)
        if term == "np":
            return vector_bl_coefficients(q2, m_eff)
    elif mediator == "scalar":
        if term == "np":
            return scalar_coefficients(q2, m_eff, variant)
    raise ConfigError(
        f"no term {term!r} for mediator {mediator!r}; mediators: {', '.join(MEDIATOR_TERMS)}"
    )


def propagator(q2, mass_mev):
    """D = 1/(q^2 - m^2) [MeV^-2] for q^2 [MeV^2] and mediator mass [MeV]."""
    return 1.0 / (np.asarray(q2, dtype=float) - float(mass_mev) ** 2)


def squared_amplitude(
    p_dot_k,
    q2,
    m_eff,
    s,
    f1,
    fa,
    *,
    mediator=None,
    mass_mev=None,
    coupling=0.0,
    variant="physical",
    terms=("sm", "int", "np"),
):
    """Total Sum|M|^2 [1] at P = p.k [MeV^2] (direct evaluation, for checks and quadrature).

    ``terms`` selects which pieces are summed (``sm``, ``int``, ``np``).
    """
    if coupling < 0:
        raise InputError(f"coupling = {coupling} must be >= 0")
    P = np.asarray(p_dot_k, dtype=float)
    total = np.zeros(np.broadcast(P, np.asarray(q2)).shape)
    if "sm" in terms:
        c0, c1, c2 = sm_coefficients(q2, m_eff, s, f1, fa)
        total = total + c0 + c1 * P + c2 * P * P
    if mediator is not None:
        if mass_mev is None or mass_mev < 0:
            raise InputError(f"mediator mass = {mass_mev} MeV must be >= 0")
        for t in MEDIATOR_TERMS[mediator]:
            if t.name not in terms:
                continue
            c0, c1, c2 = term_coefficients(mediator, t.name, q2, m_eff, s, f1, fa, variant)
            weight = coupling**t.coupling_power * propagator(q2, mass_mev) ** t.propagator_power
            total = total + weight * (c0 + c1 * P + c2 * P * P)
    return total
