"""Physical constants and the internal unit system.

Internal units: energies in MeV, lengths in fm, hbar = c = k_B = 1. Convert at the edges with
``HBARC_MEV_FM``. The measured constants are CODATA 2022, as :mod:`scipy.constants` gives them
(SciPy >= 1.15); a unit test checks every value against the installed SciPy, so a SciPy with
another CODATA edition fails there instead of changing results unannounced. They are written
out so that importing lightmed (every Snakemake run and job) does not import SciPy (~0.1 s)
where nothing else needs it. Where another source is named, that source is used; the numbers
that define the physics specification (G_F, sin^2 theta_W, nucleon and nucleus masses) are the
ones of ``docs/physics.md`` and the papers it anchors ([C21] arXiv:2106.11660,
[ST21] arXiv:2010.14545).
"""

from __future__ import annotations

import math

# SI-exact: speed of light [m/s], Planck constant [J s], elementary charge [C], Avogadro [1/mol];
# the reduced Planck constant as scipy.constants.hbar (h / 2 pi).
_C = 299792458.0
_H = 6.62607015e-34
_E = 1.602176634e-19
_N_A = 6.02214076e23
_HBAR = _H / (2 * math.pi)
# CODATA 2022: Newtonian constant of gravitation [m^3 kg^-1 s^-2], atomic mass constant [kg].
_G = 6.67430e-11
_ATOMIC_MASS_KG = 1.66053906892e-27
# Astronomical unit [m] (IAU 2012, exact) and the parsec from it (IAU 2015: 1 au / 1 arcsec).
_AU_M = 149597870700.0
_PARSEC_M = _AU_M / (math.pi / 180 / 3600)

#: hbar*c [MeV fm] (exact in the SI: 197.3269804 MeV fm).
HBARC_MEV_FM: float = _HBAR * _C / (_E * 1e6) * 1e15
#: speed of light [m/s] (exact).
C_M_PER_S: float = _C
#: speed of light [km/s].
C_KM_PER_S: float = _C / 1e3
#: electron mass [MeV] (CODATA 2022).
M_ELECTRON_MEV: float = 0.51099895069
#: Fermi constant [MeV^-2] (PDG 2022: 1.1663788e-5 GeV^-2).
G_FERMI_MEV2: float = 1.1663788e-11
#: weak mixing angle used by [ST21] (below their Eq. 2).
SIN2_THETA_W: float = 0.231
#: neutron and proton masses [MeV] (CODATA 2022): the vacuum masses of the Garching profiles'
#: chemical potentials (measured from each nucleon's rest mass).
M_NEUTRON_MEV: float = 939.56542194
M_PROTON_MEV: float = 938.27208943
#: nucleon mass [MeV] used by the mean-free-path vacuum reference and [ST21]'s CEvNS (physics.md).
M_NUCLEON_MEV: float = 939.0
#: nucleus mass per nucleon [MeV] (m_T = 931.5 A MeV, [ST21] Eq. 2).
M_NUCLEUS_PER_A_MEV: float = 931.5
#: atomic mass unit [MeV] (CODATA 2022).
M_U_MEV: float = 931.49410372
#: Avogadro constant [1/mol].
N_AVOGADRO: float = _N_A
#: atomic mass constant [g].
M_U_G: float = _ATOMIC_MASS_KG * 1e3
#: 1 MeV in erg.
MEV_TO_ERG: float = _E * 1e6 * 1e7
#: 1 foe (1e51 erg) in MeV.
FOE_TO_MEV: float = 1e51 / MEV_TO_ERG
#: kiloparsec [cm] (IAU 2015 parsec).
KPC_CM: float = _PARSEC_M * 1e3 * 1e2
#: 1 km in fm.
KM_TO_FM: float = 1e18
#: 1 m in fm.
M_TO_FM: float = 1e15
#: year [s] (Julian year, 365.25 d).
YEAR_S: float = 365.25 * 86400.0
#: day [s].
DAY_S: float = 86400.0
#: 1 g/cm^3 of baryons expressed as a number density [fm^-3] with the atomic mass unit.
GRAM_CM3_TO_FM3: float = 1.0 / M_U_G * 1e-39
#: solid angle of a full sphere.
FOUR_PI: float = 4.0 * math.pi
#: nominal solar mass [g]: IAU 2015 Resolution B3 GM_sun = 1.3271244e20 m^3 s^-2 over CODATA G.
M_SUN_G: float = 1.3271244e20 / _G * 1e3
