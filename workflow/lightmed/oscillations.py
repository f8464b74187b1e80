"""Three-flavour neutrino mixing: cited parameter presets and the flavour content at Earth.

Everything here maps a source's emitted (or produced) spectra onto the six species at Earth
(``nue, nuebar, numu, numubar, nutau, nutaubar``) with probabilities that sum to one over the
final flavours, so the all-flavour spectrum, and with it every flavour-blind CEvNS rate, is
unchanged to round-off by any option.

* :data:`OSCILLATION_PRESETS` -- NuFIT 5.2 (2022) global-fit best fits, normal and inverted
  ordering, with Super-Kamiokande atmospheric data (Esteban et al., JHEP 09 (2020) 178,
  arXiv:2007.14792, updated as NuFIT 5.2, www.nu-fit.org);
* :func:`pmns_matrix` -- PDG parametrisation with delta_CP (Majorana phases do not enter);
* :func:`solar_transition_probabilities` -- adiabatic MSW-LMA (day-time) P(nu_e -> nu_alpha)
  for a neutrino produced at electron density n_e;
* :func:`supernova_msw_mass_spectra` -- adiabatic MSW conversion in the SN envelope
  (Dighe & Smirnov, PRD 62 (2000) 033007): which mass eigenstate each emitted flavour leaves
  the star as;
* :func:`averaged_transition_matrix` -- fully averaged vacuum oscillations,
  P(alpha -> beta) = sum_i |U_alpha i|^2 |U_beta i|^2.

Not included (by design, stated in every artifact that uses them): collective
(neutrino-neutrino) effects and shock propagation in the SN envelope, Earth-matter
regeneration (day-night effect, up-going atmospheric neutrinos), decoherence subtleties
beyond the incoherent arrival of mass eigenstates.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from .constants import G_FERMI_MEV2, HBARC_MEV_FM, N_AVOGADRO
from .errors import ConfigError

#: Lepton flavours (rows of the PMNS matrix) and the six species at Earth.
LEPTON_FLAVOURS: tuple[str, ...] = ("e", "mu", "tau")
EARTH_FLAVOURS: tuple[str, ...] = ("nue", "nuebar", "numu", "numubar", "nutau", "nutaubar")

#: (N_A cm^-3) expressed in MeV^3: N_A (hbar c [MeV cm])^3.
_MOL_CM3_TO_MEV3: float = N_AVOGADRO * (HBARC_MEV_FM * 1e-13) ** 3
_MEV2_TO_EV2: float = 1e12


@dataclass(frozen=True)
class OscillationParameters:
    """One set of three-flavour oscillation parameters (a global-fit best fit).

    Attributes
    ----------
    name : str
        Preset key (``nufit52``).
    ordering : str
        ``normal`` (m1 < m2 < m3) or ``inverted`` (m3 < m1 < m2).
    sin2_theta12, sin2_theta13, sin2_theta23 : float
        Mixing angles as sin^2 [1].
    delta_cp_deg : float
        Dirac CP phase [deg].
    dm2_21_ev2 : float
        Delta m^2_21 [eV^2].
    dm2_3l_ev2 : float
        Delta m^2_3l [eV^2]: Delta m^2_31 > 0 (normal), Delta m^2_32 < 0 (inverted), NuFIT's
        convention.
    citation : str
        Where the numbers come from.
    """

    name: str
    ordering: str
    sin2_theta12: float
    sin2_theta13: float
    sin2_theta23: float
    delta_cp_deg: float
    dm2_21_ev2: float
    dm2_3l_ev2: float
    citation: str

    def describe(self) -> str:
        """One line with every number, for artifact attributes."""
        d = asdict(self)
        cite = d.pop("citation")
        return ", ".join(f"{k}={v}" for k, v in d.items()) + f" ({cite})"


_NUFIT52 = (
    "NuFIT 5.2 (2022), www.nu-fit.org, with SK atmospheric data; Esteban, Gonzalez-Garcia, "
    "Maltoni, Schwetz, Zhou, JHEP 09 (2020) 178, arXiv:2007.14792"
)

#: Cited presets: family -> ordering -> parameters (best fits of NuFIT 5.2 including the SK
#: atmospheric chi^2 table; normal ordering is the global best fit).
OSCILLATION_PRESETS: dict[str, dict[str, OscillationParameters]] = {
    "nufit52": {
        "normal": OscillationParameters(
            "nufit52", "normal", 0.303, 0.02225, 0.451, 232.0, 7.41e-5, 2.507e-3, _NUFIT52
        ),
        "inverted": OscillationParameters(
            "nufit52", "inverted", 0.303, 0.02223, 0.569, 276.0, 7.41e-5, -2.486e-3, _NUFIT52
        ),
    },
}


def get_parameters(family: str = "nufit52", ordering: str = "normal") -> OscillationParameters:
    """Return a preset; unknown names raise a one-line :class:`ConfigError`."""
    try:
        fam = OSCILLATION_PRESETS[family]
    except KeyError:
        known = ", ".join(OSCILLATION_PRESETS)
        raise ConfigError(f"unknown oscillation preset {family!r}; known: {known}") from None
    if ordering not in fam:
        raise ConfigError(f"mass ordering {ordering!r} is not one of {', '.join(fam)}")
    return fam[ordering]


def pmns_matrix(p: OscillationParameters) -> np.ndarray:
    """Leptonic mixing matrix U (rows e, mu, tau; columns mass states 1, 2, 3), complex.

    PDG parametrisation U = R23 U13(delta) R12 (PDG Review of Particle Physics, "Neutrino
    masses, mixing and oscillations");
    nu_alpha = sum_i U_alpha i nu_i. Antineutrinos mix with U*, which has the same |U|^2.
    """
    s12, s13, s23 = (math.sqrt(x) for x in (p.sin2_theta12, p.sin2_theta13, p.sin2_theta23))
    c12, c13, c23 = (math.sqrt(1.0 - x) for x in (p.sin2_theta12, p.sin2_theta13, p.sin2_theta23))
    eid = complex(math.cos(math.radians(p.delta_cp_deg)), math.sin(math.radians(p.delta_cp_deg)))
    return np.array(
        [
            [c12 * c13, s12 * c13, s13 / eid],
            [-s12 * c23 - c12 * s23 * s13 * eid, c12 * c23 - s12 * s23 * s13 * eid, s23 * c13],
            [s12 * s23 - c12 * c23 * s13 * eid, -c12 * s23 - s12 * c23 * s13 * eid, c23 * c13],
        ]
    )


def pmns_abs2(p: OscillationParameters) -> np.ndarray:
    """|U_alpha i|^2, shape (3 flavours, 3 mass states); rows and columns sum to 1."""
    return np.abs(pmns_matrix(p)) ** 2


def matter_term_ev2(energy_mev, electron_density_mol_cm3: float) -> np.ndarray:
    """MSW term A = 2 sqrt2 G_F n_e E [eV^2] for n_e in N_A cm^-3 and E in MeV.

    Numerically A = 1.526e-7 eV^2 (n_e / N_A cm^-3)(E / MeV), the standard
    (Y_e rho / g cm^-3)(E / MeV) form.
    """
    n_e_mev3 = electron_density_mol_cm3 * _MOL_CM3_TO_MEV3
    return (
        2.0
        * math.sqrt(2.0)
        * G_FERMI_MEV2
        * n_e_mev3
        * np.asarray(energy_mev, float)
        * (_MEV2_TO_EV2)
    )


def solar_mass_fractions(
    energy_mev, electron_density_mol_cm3: float, p: OscillationParameters
) -> np.ndarray:
    """Mass-eigenstate fractions p_i(E) of a solar nu_e at Earth (adiabatic MSW-LMA).

    Parameters
    ----------
    energy_mev : array_like
        Neutrino energy [MeV].
    electron_density_mol_cm3 : float
        Electron density at production [N_A cm^-3].
    p : OscillationParameters
        Mixing parameters.

    Returns
    -------
    numpy.ndarray
        Shape (3, n): p_1 = c13^2 cos^2 theta12^m, p_2 = c13^2 sin^2 theta12^m, p_3 = s13^2.

    Notes
    -----
    The nu_e produced at density n_e is the matter state mixture with the (1-2) matter angle
    cos 2 theta12^m = (cos 2 theta12 - beta) / sqrt((cos 2 theta12 - beta)^2 + sin^2 2 theta12),
    beta = c13^2 A / Delta m^2_21 (A from :func:`matter_term_ev2`); the evolution to the
    surface is adiabatic for LMA, and the matter correction to theta13 (of order
    A / Delta m^2_31 < 1 %) is neglected. This is the standard day-time formula (PDG Review
    of Particle Physics, "Neutrino masses, mixing and oscillations", solar-neutrino section),
    P_ee = c13^4 (1/2 + 1/2 cos 2 theta12 cos 2 theta12^m) + s13^4.
    """
    e = np.asarray(energy_mev, float)
    c13sq = 1.0 - p.sin2_theta13
    cos2t = 1.0 - 2.0 * p.sin2_theta12
    sin2t_sq = 1.0 - cos2t**2
    beta = c13sq * matter_term_ev2(e, electron_density_mol_cm3) / p.dm2_21_ev2
    cos2m = (cos2t - beta) / np.sqrt((cos2t - beta) ** 2 + sin2t_sq)
    return np.array(
        [
            c13sq * 0.5 * (1.0 + cos2m),
            c13sq * 0.5 * (1.0 - cos2m),
            np.full_like(e, p.sin2_theta13),
        ]
    )


def solar_transition_probabilities(
    energy_mev, electron_density_mol_cm3: float, p: OscillationParameters
) -> np.ndarray:
    """P(nu_e -> nu_alpha)(E) at Earth, alpha = e, mu, tau: sum_i p_i |U_alpha i|^2.

    Shape (3, n); the three rows sum to one (unitarity). Day-time: no Earth matter.
    See :func:`solar_mass_fractions` for the physics.
    """
    return pmns_abs2(p) @ solar_mass_fractions(energy_mev, electron_density_mol_cm3, p)


#: Mass eigenstate (0-based) that the emitted nu_e / nubar_e leave an SN envelope as, for an
#: adiabatic MSW conversion (Dighe & Smirnov, PRD 62 (2000) 033007): normal ordering nu_e -> nu_3,
#: nubar_e -> nubar_1; inverted ordering nu_e -> nu_2, nubar_e -> nubar_3.
SN_ELECTRON_STATE: dict[str, dict[str, int]] = {
    "normal": {"nu": 2, "nubar": 0},
    "inverted": {"nu": 1, "nubar": 2},
}


def supernova_msw_mass_spectra(
    nue: np.ndarray, nuebar: np.ndarray, nux: np.ndarray, ordering: str
) -> tuple[np.ndarray, np.ndarray]:
    """Spectra of the mass eigenstates leaving the SN envelope (adiabatic MSW).

    Parameters
    ----------
    nue, nuebar, nux : numpy.ndarray
        Emitted spectra per species (any common unit); ``nux`` is ONE heavy-lepton species
        (nu_mu, nubar_mu, nu_tau and nubar_tau each carry it).
    ordering : str
        ``normal`` or ``inverted``.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Neutrino and antineutrino mass-state spectra, each shape (3, n).

    Notes
    -----
    Deep in the star nu_e (nubar_e) is the heaviest (lightest) matter state of its channel; the
    H and L resonances are crossed adiabatically, so it leaves as the mass state of
    :data:`SN_ELECTRON_STATE`, and the two other mass states carry the heavy-lepton species
    (Dighe & Smirnov, PRD 62 (2000) 033007). No collective effects, no shock effects.
    """
    if ordering not in SN_ELECTRON_STATE:
        raise ConfigError(f"mass ordering {ordering!r} is not one of normal, inverted")
    out = []
    for channel, electron in (("nu", nue), ("nubar", nuebar)):
        states = np.repeat(np.asarray(nux, float)[None, :], 3, axis=0)
        states[SN_ELECTRON_STATE[ordering][channel]] = electron
        out.append(states)
    return out[0], out[1]


def averaged_transition_matrix(p: OscillationParameters) -> np.ndarray:
    """Fully averaged oscillation probabilities P(alpha -> beta) = sum_i |U_ai|^2 |U_bi|^2.

    Shape (3, 3) indexed [alpha, beta]; the same for antineutrinos (|U*|^2 = |U|^2). Valid when
    L/E averages every oscillation phase (in vacuum; for sub-GeV atmospheric neutrinos only
    the up-going ones come close, see resources/fluxes/REFERENCE.md).
    """
    u2 = pmns_abs2(p)
    return u2 @ u2.T
