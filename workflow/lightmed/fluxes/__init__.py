"""Neutrino fluxes and fluences for the detector rates: one loader per external format, and
the flavour content at Earth.

Modules:

* :mod:`~lightmed.fluxes.schema` -- the common dataset schema (dims ``flavour``, ``energy``;
  ``fluence`` [cm^-2 MeV^-1] or ``flux`` [cm^-2 s^-1 MeV^-1]; ``multiplicity``) and
  :func:`all_flavour_spectrum`;
* :mod:`~lightmed.fluxes.supernova` -- :func:`garching_emission` (Garching archive time
  series) and :func:`pinched_sn` (embedded default);
* :mod:`~lightmed.fluxes.solar` -- :func:`solar_spectra` (Winter 2006 8B, Bahcall hep tables)
  and :func:`solar_beta_spectra` (embedded beta-decay shapes), SSM-normalised;
* :mod:`~lightmed.fluxes.atmospheric` -- :func:`fluka_atmospheric` (FLUKA sub-GeV tables)
  and :func:`atmospheric_parametrisation` (embedded fit);
* :mod:`~lightmed.fluxes.earth` -- :func:`load_source`: one ``sources:`` block -> the six
  species at Earth after the configured flavour conversion (:mod:`lightmed.oscillations`),
  the content of ``results/fluxes/{source}.nc``; :func:`read_flux` reads that artifact.

Loaders return the emitted flavours (SN ``nux`` is ONE heavy-lepton species, multiplicity 4);
:func:`load_source` returns ``nue, nuebar, numu, numubar, nutau, nutaubar``. Both give the same
:func:`all_flavour_spectrum` (what a flavour-blind cross section sees).
"""

from __future__ import annotations

from .atmospheric import (
    ATM_ENERGY_GRID_MEV,
    FLUKA_FILES,
    atmospheric_parametrisation,
    fluka_atmospheric,
)
from .earth import (
    LOADERS,
    OSCILLATIONS,
    atmospheric_at_earth,
    input_digests,
    load_emitted,
    load_source,
    read_flux,
    solar_at_earth,
    supernova_at_earth,
)
from .schema import (
    ATM_FLAVOURS,
    EARTH_FLAVOURS,
    SN_FLAVOURS,
    SN_MULTIPLICITY,
    all_flavour_spectrum,
    check_earth_flavours,
    make_spectrum_dataset,
)
from .solar import (
    SOLAR_ENERGY_GRID_MEV,
    b8_beta_shape,
    bahcall_hep,
    beta_plus_spectrum,
    hep_beta_shape,
    solar_beta_spectra,
    solar_spectra,
    winter2006_8b,
)
from .supernova import (
    SN_ENERGY_GRID_MEV,
    garching_emission,
    pinched_sn,
    pinched_spectrum,
    pinching_alpha,
    read_garching_file,
)

__all__ = [
    "ATM_ENERGY_GRID_MEV",
    "ATM_FLAVOURS",
    "EARTH_FLAVOURS",
    "FLUKA_FILES",
    "LOADERS",
    "OSCILLATIONS",
    "SN_ENERGY_GRID_MEV",
    "SN_FLAVOURS",
    "SN_MULTIPLICITY",
    "SOLAR_ENERGY_GRID_MEV",
    "all_flavour_spectrum",
    "atmospheric_at_earth",
    "atmospheric_parametrisation",
    "b8_beta_shape",
    "bahcall_hep",
    "beta_plus_spectrum",
    "check_earth_flavours",
    "fluka_atmospheric",
    "garching_emission",
    "hep_beta_shape",
    "input_digests",
    "load_emitted",
    "load_source",
    "make_spectrum_dataset",
    "pinched_sn",
    "pinched_spectrum",
    "pinching_alpha",
    "read_flux",
    "read_garching_file",
    "solar_at_earth",
    "solar_beta_spectra",
    "solar_spectra",
    "supernova_at_earth",
    "winter2006_8b",
]
