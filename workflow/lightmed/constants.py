"""Physical constants and the internal unit system.

Internal units: energies in MeV, lengths in fm, hbar = c = k_B = 1. Convert at the edges with
``HBARC_MEV_FM``. Values come from :mod:`scipy.constants`, CODATA 2022 (SciPy >= 1.15; a unit
test fails by name if the installed SciPy ships another edition), except where a source is
named; the numbers that define the physics specification (G_F, sin^2 theta_W, nucleon and
nucleus masses) are the ones of ``docs/physics.md`` and the papers it anchors
([C21] arXiv:2106.11660, [ST21] arXiv:2010.14545).
"""

from __future__ import annotations

import math

from scipy import constants as _sc

#: hbar*c [MeV fm] (CODATA; 197.3269804 MeV fm).
HBARC_MEV_FM: float = _sc.hbar * _sc.c / (_sc.e * 1e6) * 1e15
#: speed of light [m/s] (exact).
C_M_PER_S: float = _sc.c
#: speed of light [km/s].
C_KM_PER_S: float = _sc.c / 1e3
#: electron mass [MeV] (CODATA 2022).
M_ELECTRON_MEV: float = _sc.physical_constants["electron mass energy equivalent in MeV"][0]
#: Fermi constant [MeV^-2] (PDG 2022: 1.1663788e-5 GeV^-2).
G_FERMI_MEV2: float = 1.1663788e-11
#: weak mixing angle used by [ST21] (below their Eq. 2).
SIN2_THETA_W: float = 0.231
#: neutron and proton masses [MeV] (CODATA 2022): the vacuum masses of the Garching profiles'
#: chemical potentials (measured from each nucleon's rest mass).
M_NEUTRON_MEV: float = _sc.physical_constants["neutron mass energy equivalent in MeV"][0]
M_PROTON_MEV: float = _sc.physical_constants["proton mass energy equivalent in MeV"][0]
#: nucleon mass [MeV] used by the mean-free-path vacuum reference and [ST21]'s CEvNS (physics.md).
M_NUCLEON_MEV: float = 939.0
#: nucleus mass per nucleon [MeV] (m_T = 931.5 A MeV, [ST21] Eq. 2).
M_NUCLEUS_PER_A_MEV: float = 931.5
#: atomic mass unit [MeV] (CODATA 2022).
M_U_MEV: float = _sc.physical_constants["atomic mass constant energy equivalent in MeV"][0]
#: Avogadro constant [1/mol].
N_AVOGADRO: float = _sc.N_A
#: atomic mass constant [g].
M_U_G: float = _sc.atomic_mass * 1e3
#: 1 MeV in erg.
MEV_TO_ERG: float = _sc.e * 1e6 * 1e7
#: 1 foe (1e51 erg) in MeV.
FOE_TO_MEV: float = 1e51 / MEV_TO_ERG
#: kiloparsec [cm] (IAU 2015 parsec from scipy).
KPC_CM: float = _sc.parsec * 1e3 * 1e2
#: 1 km in fm.
KM_TO_FM: float = 1e18
#: 1 m in fm.
M_TO_FM: float = 1e15
#: year [s] (Julian year, 365.25 d).
YEAR_S: float = _sc.Julian_year
#: day [s].
DAY_S: float = _sc.day
#: 1 g/cm^3 of baryons expressed as a number density [fm^-3] with the atomic mass unit.
GRAM_CM3_TO_FM3: float = 1.0 / M_U_G * 1e-39
#: solid angle of a full sphere.
FOUR_PI: float = 4.0 * math.pi
#: nominal solar mass [g]: IAU 2015 Resolution B3 GM_sun = 1.3271244e20 m^3 s^-2 over CODATA G.
M_SUN_G: float = 1.3271244e20 / _sc.G * 1e3
