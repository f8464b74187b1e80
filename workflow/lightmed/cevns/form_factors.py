"""Nuclear form factors of CEvNS: the Helm form in two radius conventions.

F(q) = 3 j1(q R0)/(q R0) exp(-q^2 s^2 / 2), q = sqrt(2 m_T E_r) / hbar c, m_T = 931.5 A MeV
([ST21] Eq. 2-3). A target names its convention (``lightmed.targets.Target.form_factor``):

* ``helm_st21``: R0 = sqrt(R^2 - 5 s^2), R = 1.2 A^(1/3) fm, s = 0.5 fm ([ST21] Eq. 3, their
  ref. [48]); reproduces the F^2 values of physics.md §7 (Xe, Pb);
* ``helm_lewin_smith``: R0 = sqrt(c^2 + 7/3 pi^2 a^2 - 5 s^2), c = 1.23 A^(1/3) - 0.60 fm,
  a = 0.52 fm, s = 0.9 fm (Lewin & Smith, Astropart. Phys. 6 (1996) 87, Eq. 4.11), the
  direct-detection standard.
"""

from __future__ import annotations

import math

import numpy as np

from ..constants import HBARC_MEV_FM, M_NUCLEUS_PER_A_MEV
from ..errors import ConfigError

#: Helm skin thickness s [fm] ([ST21] Eq. 3, their ref. [48]).
HELM_SKIN_FM: float = 0.5
#: Helm radius coefficient: R = 1.2 A^(1/3) fm ([ST21] Eq. 3).
HELM_R_COEFF_FM: float = 1.2
#: Lewin & Smith, Astropart. Phys. 6 (1996) 87, Sec. 4.1 (Eq. 4.11 and below): c = 1.23 A^(1/3)
#: - 0.60 fm, a = 0.52 fm, s = 0.9 fm, R0^2 = c^2 + (7/3) pi^2 a^2 - 5 s^2.
LEWIN_SMITH_FM: dict[str, float] = {"c_coeff": 1.23, "c_offset": -0.60, "a": 0.52, "s": 0.9}


def _helm_sq(recoil_kev, A: float, r0_fm: float, skin_fm: float):
    """3 j1(q R0)/(q R0) exp(-q^2 s^2/2), squared, at E_r [keV] (q = sqrt(2 m_T E_r) / hbar c)."""
    er_mev = np.asarray(recoil_kev, dtype=float) * 1e-3
    q_fm = np.sqrt(2.0 * (M_NUCLEUS_PER_A_MEV * A) * er_mev) / HBARC_MEV_FM
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
    """Helm F^2 [1] at E_r [keV], [ST21] convention (R = 1.2 A^(1/3) fm, s = 0.5 fm; Eq. 3)."""
    r = HELM_R_COEFF_FM * A ** (1.0 / 3.0)
    return _helm_sq(recoil_kev, A, math.sqrt(r**2 - 5.0 * HELM_SKIN_FM**2), HELM_SKIN_FM)


def helm_lewin_smith_sq(recoil_kev, A: float):
    """Helm F^2 [1] at E_r [keV], Lewin-Smith convention (Astropart. Phys. 6 (1996) 87)."""
    p = LEWIN_SMITH_FM
    c = p["c_coeff"] * A ** (1.0 / 3.0) + p["c_offset"]
    r0 = math.sqrt(c**2 + 7.0 / 3.0 * math.pi**2 * p["a"] ** 2 - 5.0 * p["s"] ** 2)
    return _helm_sq(recoil_kev, A, r0, p["s"])


#: Form-factor conventions by the name a target carries (``lightmed.targets.FORM_FACTORS``).
FORM_FACTOR_FUNCTIONS = {"helm_st21": helm_form_factor_sq, "helm_lewin_smith": helm_lewin_smith_sq}


def form_factor_sq(recoil_kev, A: float, convention: str):
    """F^2 [1] at E_r [keV] for mass number A in a named convention."""
    try:
        fn = FORM_FACTOR_FUNCTIONS[convention]
    except KeyError:
        raise ConfigError(
            f"unknown form factor {convention!r}; known: {', '.join(FORM_FACTOR_FUNCTIONS)}"
        ) from None
    return fn(recoil_kev, A)
