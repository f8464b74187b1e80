"""Relativistic mean field (TM1, NL3, DD2) for hot, uniform supernova-core matter (stage ``rmf``).

Uniform matter of neutrons, protons, electrons, positrons and, in the Dirac case, trapped
electron neutrinos at temperature T and baryon density n_B. Nucleons are Dirac quasiparticles
(antinucleons included) in the classical meson fields sigma, omega = <omega^0> and
rho = <rho^3_0>; the equations, parameters and reference numbers are those of
``docs/physics.md`` section 2 ([C21] arXiv:2106.11660; TM1: Sugahara & Toki 1994,
Nucl. Phys. A 579, 557).

Conventions (checked against the TM1, NL3 and DD2 saturation properties, see
:func:`saturation_properties`; details in :mod:`.fields`):

- sigma < 0 and m*_N = m_N + g_sigma sigma; the scalar self-interaction is
  U(sigma) = 1/2 m_sigma^2 sigma^2 + 1/3 g2 sigma^3 + 1/4 g3 sigma^4 with the printed
  g2 = -7.2325 fm^-1, so the field equation m_sigma^2 sigma + g2 sigma^2 + g3 sigma^3 =
  -g_sigma n_s is used exactly as printed (flipping the sign of the g2 term gives
  E/A = -128 MeV at n = 0.25 fm^-3, i.e. no TM1 saturation at all).
- The isovector coupling multiplies tau_3 = +1 (p), -1 (n): m_rho^2 rho = g_rho (n_p - n_n).
- All chemical potentials include rest masses; mu_p = mu*_p + g_omega omega + g_rho rho
  + Sigma_R, mu_n = mu*_n + g_omega omega - g_rho rho + Sigma_R (Sigma_R: rearrangement
  self-energy of density-dependent couplings, 0 otherwise).

Internal units: MeV throughout (densities in MeV^3, energy densities in MeV^4); public inputs
and outputs carry their unit in their name or docstring and use fm^-3 / MeV fm^-3.

Numerics: Fermi integrals by Gauss-Legendre quadrature on momentum panels whose edges are
placed at fixed multiples of T around the Fermi energy mu* and around the rest mass, up to
E = max(|mu*|, m) + 50 T. The composition is found by nested, bracketed one-dimensional
solves (every one of them monotone, hence globally convergent): for a given proton fraction
the densities fix omega and rho directly, mu*_n, mu*_p and mu_e follow by inverting the
monotone n(mu) at fixed m*, and m* is the unique root of the scalar field equation; the
proton fraction is then the root of the monotone lepton constraint (Dirac) or beta-equilibrium
condition (Majorana).

Modules, by job: :mod:`.presets` (parameter sets and citations), :mod:`.fermi` (Fermi
integrals, numba kernels, density inversion), :mod:`.fields` (field equations, composition at
fixed Y_p and thermodynamics), :mod:`.solver` (per-shell solve, lepton modes),
:mod:`.saturation` (T = 0 saturation properties), :mod:`.frontend` (the xarray front end:
``solve_profile`` and the media dispatcher ``solve_medium``) and :mod:`.medium` (the
simulation's own medium).
"""

from .fields import thermodynamics
from .frontend import MEDIA, RMF_VARIABLES, solve_medium, solve_profile
from .medium import density_residuals, profile_medium
from .presets import PRESETS, RMFParameters, get_preset
from .saturation import cold_matter, saturation_properties
from .solver import (
    LEPTON_MODES,
    RMFConvergenceError,
    ShellSolution,
    solve_shell,
    solve_shells,
)

__all__ = [
    "LEPTON_MODES",
    "MEDIA",
    "PRESETS",
    "RMF_VARIABLES",
    "RMFConvergenceError",
    "RMFParameters",
    "ShellSolution",
    "cold_matter",
    "density_residuals",
    "get_preset",
    "profile_medium",
    "saturation_properties",
    "solve_medium",
    "solve_profile",
    "solve_shell",
    "solve_shells",
    "thermodynamics",
]
