"""Neutrino scattering on free nucleons: neutral current (any registry model) and CC absorption.

Used by the [ST21] radial SN-core method (physics.md §4.3; ``lightmed.radial``). Per nucleon,
free, no final-state blocking:

* NC: the CEvNS formulas of :mod:`lightmed.cevns.nucleus` for a single nucleon (A = 1,
  F = 1, m_T = m_N) with the SM charge Q_w^2/4 -> (Q_w^2 + 3 g_A^2)/4 so that the axial current
  is included: Q_w = 1 (n), -(1 - 4 sin^2 theta_W) (p). The mediator couples to the vector
  current with strength g^2 s, s = q_alpha c_N = ``model.charge_product(flavour, nucleon)``
  (lightmed.models.spec):

  vector: xi = -Q_w/2 + g^2 s / (sqrt2 G_F (2 m_N E_r + m^2)) in the vector part, the axial
  part untouched (B-L, s = -1: constructive on neutrons, destructive on protons);
  scalar: + (g^2 s)^2 m_N^2 E_r / (4 pi E^2 (2 E_r m_N + m^2)^2), no interference.

  The recoil integrals over 0 <= E_r <= 2E^2/(m_N + 2E) are done in closed form.
* CC (Bruenn 1985, ApJS 58, 771, Eqs. C13-C14 without final-state blocking; also Burrows,
  Reddy & Thompson 2006, NPA 777, 356, Eq. 10 with cos theta_C -> 1):
  sigma = G_F^2 (1 + 3 g_A^2) E_e p_e / pi, E_e = E + Q (nu_e n -> e- p), E - Q
  (nubar_e p -> e+ n), Q = m_n - m_p. Muon and tau flavours: zero (the muon threshold,
  ~110 MeV, lies above the thermal spectra this is used for).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import constants as _sc

from ..constants import G_FERMI_MEV2, HBARC_MEV_FM, M_ELECTRON_MEV, M_NUCLEON_MEV, SIN2_THETA_W
from ..errors import ConfigError

#: neutron - proton mass difference Q [MeV] (CODATA, scipy).
Q_NP_MEV: float = (
    _sc.physical_constants["neutron mass energy equivalent in MeV"][0]
    - _sc.physical_constants["proton mass energy equivalent in MeV"][0]
)
#: nucleon axial coupling g_A used by [ST21]-style estimates (physics.md §4.3).
G_AXIAL: float = 1.27
NUCLEONS: tuple[str, ...] = ("n", "p")


@dataclass(frozen=True)
class NucleonPhysics:
    """Parameters of the nucleon-level cross sections (defaults: physics.md §4.3).

    g_axial [1], sin2_theta_w [1], nucleon_mass_mev [MeV] (m_N of the recoil kinematics),
    q_value_mev [MeV] (m_n - m_p of the CC thresholds), include_charged_current.
    """

    g_axial: float = G_AXIAL
    sin2_theta_w: float = SIN2_THETA_W
    nucleon_mass_mev: float = M_NUCLEON_MEV
    q_value_mev: float = Q_NP_MEV
    include_charged_current: bool = True


def _log1p_ratio_terms(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (log1p(y), log1p(y)/y - 1, log1p(y) - y/(1+y)) accurately for y >= 0."""
    y = np.asarray(y, dtype=float)
    small = y < 1e-4
    ys = np.where(small, y, 0.0)
    yl = np.where(small, 1.0, y)
    l1p = np.log1p(y)
    r1 = np.where(small, -ys / 2 + ys**2 / 3 - ys**3 / 4, np.log1p(yl) / yl - 1.0)
    r2 = np.where(small, ys**2 / 2 - 2 * ys**3 / 3 + 3 * ys**4 / 4, np.log1p(yl) - yl / (1.0 + yl))
    return l1p, r1, r2


def nc_cross_section_coefficients(
    energy_mev,
    mass_mev,
    nucleon: str,
    model,
    flavour: str,
    physics: NucleonPhysics = NucleonPhysics(),
):
    """Neutral-current nu-nucleon cross section as sigma = sm + int g^2 + np g^4 [fm^2].

    Parameters
    ----------
    energy_mev : array_like
        Neutrino energy E [MeV].
    mass_mev : array_like
        Mediator mass m [MeV] (broadcast against ``energy_mev``).
    nucleon : {"n", "p"}
    model : lightmed.models.MediatorModel
        g is the model's axis coupling; s = q_alpha c_N its charge product.
    flavour : str
        ``e``, ``mu``, ``tau`` or a label such as ``nuebar`` (antineutrinos carry the
        neutrino's charge).
    physics : NucleonPhysics

    Notes
    -----
    With D = 2 m_N E_r + m^2, K = 1 - m_N E_r / (2E^2) and E_r in [0, X], X = 2E^2/(m_N + 2E):
    sm = G_F^2 m_N/pi (Q_w^2 + 3g_A^2)/4 int K; vector int = -G_F m_N Q_w s/(sqrt2 pi) int K/D,
    np = s^2 m_N/(2 pi) int K/D^2; scalar np = s^2 m_N^2/(4 pi E^2) int E_r / D^2. The
    integrals are elementary (closed form, series for small X/m^2).
    """
    if nucleon not in NUCLEONS:
        raise ConfigError(f"unknown nucleon {nucleon!r}; use n or p")
    s = model.charge_product(flavour, nucleon)
    e, m = np.broadcast_arrays(np.asarray(energy_mev, float), np.asarray(mass_mev, float))
    mn = physics.nucleon_mass_mev
    gf = G_FERMI_MEV2
    qw = 1.0 if nucleon == "n" else -(1.0 - 4.0 * physics.sin2_theta_w)
    x_max = 2.0 * e**2 / (mn + 2.0 * e)
    a = mn / (2.0 * np.where(e > 0, e, 1.0) ** 2)
    b = 2.0 * mn
    m2 = np.maximum(m**2, 1e-300)
    y = b * x_max / m2
    l1p, r1, r2 = _log1p_ratio_terms(y)
    int_k = x_max - 0.5 * a * x_max**2
    # int K/D dx = (1/b)[log1p(y) + a X (log1p(y)/y - 1)]
    int_k_d = (l1p + a * x_max * r1) / b
    # int K/D^2 dx = X/(m^2 D1) - (a/b^2)(log1p(y) - y/(1+y)),  D1 = m^2 (1+y)
    int_k_d2 = x_max / (m2 * m2 * (1.0 + y)) - a / b**2 * r2
    # int x/D^2 dx = (1/b^2)(log1p(y) - y/(1+y))
    int_x_d2 = r2 / b**2
    to_fm2 = HBARC_MEV_FM**2
    sm = gf**2 * mn / math.pi * (qw**2 + 3.0 * physics.g_axial**2) / 4.0 * int_k * to_fm2
    if model.spin == "vector":
        c_int = -gf * mn * qw * s / (math.sqrt(2.0) * math.pi) * int_k_d * to_fm2
        c_np = s**2 * mn / (2.0 * math.pi) * int_k_d2 * to_fm2
    else:
        c_int = np.zeros_like(sm)
        c_np = s**2 * mn**2 / (4.0 * math.pi * np.where(e > 0, e, 1.0) ** 2) * int_x_d2 * to_fm2
    zero = e <= 0
    return (np.where(zero, 0.0, sm), np.where(zero, 0.0, c_int), np.where(zero, 0.0, c_np))


def _cc_species(flavour: str) -> tuple[str, bool]:
    """(e|mu|tau|x, antineutrino?) of a label: nu_e, nubar_e, nue, nuebar, numu, nu_x, ..."""
    key = flavour.lower().replace("_", "")
    if key in ("nux", "nuxbar", "nubarx"):
        return "x", key != "nux"
    bar = "bar" in key
    key = key.replace("bar", "")
    key = key[2:] if key.startswith("nu") else key
    if key not in ("e", "mu", "tau"):
        raise ConfigError(f"unknown neutrino species {flavour!r}; use e.g. nu_e, nubar_e, numu")
    return key, bar


def cc_cross_section_fm2(energy_mev, flavour: str, physics: NucleonPhysics = NucleonPhysics()):
    """Charged-current absorption cross section on free nucleons [fm^2].

    nu_e n -> e- p (on neutrons) and nubar_e p -> e+ n (on protons); zero for mu, tau and the
    heavy-lepton label nu_x. sigma = G_F^2 (1 + 3 g_A^2) E_e p_e / pi with E_e = E +- Q, no
    final-state blocking (Bruenn 1985, ApJS 58, 771, App. C; cos theta_C -> 1 as there).
    """
    e = np.asarray(energy_mev, dtype=float)
    key, bar = _cc_species(flavour)
    if key != "e" or not physics.include_charged_current:
        return np.zeros_like(e)
    ee = e - physics.q_value_mev if bar else e + physics.q_value_mev
    me = M_ELECTRON_MEV
    pe = np.sqrt(np.clip(ee**2 - me**2, 0.0, None))
    sigma = G_FERMI_MEV2**2 * (1.0 + 3.0 * physics.g_axial**2) * ee * pe / math.pi
    return np.where((ee > me) & (e > 0), sigma, 0.0) * HBARC_MEV_FM**2
