"""Coherent elastic neutrino-nucleus scattering (CEvNS) and free-nucleon cross sections.

* :mod:`lightmed.cevns.form_factors` -- Helm form factors, [ST21] and Lewin-Smith radii;
* :mod:`lightmed.cevns.nucleus` -- kinematics and the coupling decomposition
  dsigma/dE_r = sm + g^2 int + g^4 np for a registry model (``lightmed.models``) on a
  target (``lightmed.targets``), per unit neutrino charge (:func:`charge_coefficients`) and
  per flavour (:func:`dsigma_coefficients`);
* :mod:`lightmed.cevns.nucleon` -- neutral-current scattering on free nucleons for a model
  and flavour, and charged-current absorption (the [ST21] radial SN-core method).

Detector rates integrate these over fluxes in :mod:`lightmed.rates`.
"""

from __future__ import annotations

from .form_factors import (
    FORM_FACTOR_FUNCTIONS,
    form_factor_sq,
    helm_form_factor_sq,
    helm_lewin_smith_sq,
)
from .nucleon import NucleonPhysics, cc_cross_section_fm2, nc_cross_section_coefficients
from .nucleus import (
    MEV2_TO_CM2,
    charge_coefficients,
    dsigma,
    dsigma_coefficients,
    max_recoil_kev,
    min_neutrino_energy_mev,
    nucleus_mass_mev,
    sigma_total_sm_cm2,
    weak_charge,
    xi_zero_recoil_kev,
)

__all__ = [
    "FORM_FACTOR_FUNCTIONS",
    "MEV2_TO_CM2",
    "NucleonPhysics",
    "cc_cross_section_fm2",
    "charge_coefficients",
    "dsigma",
    "dsigma_coefficients",
    "form_factor_sq",
    "helm_form_factor_sq",
    "helm_lewin_smith_sq",
    "max_recoil_kev",
    "min_neutrino_energy_mev",
    "nc_cross_section_coefficients",
    "nucleus_mass_mev",
    "sigma_total_sm_cm2",
    "weak_charge",
    "xi_zero_recoil_kev",
]
