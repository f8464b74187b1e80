"""Neutrino fluxes and fluences for the detector rates: one loader per external format, and
the flavour content at Earth.

Modules:

* :mod:`~lightmed.fluxes.schema` -- the common dataset schema (dims ``flavour``, ``energy``;
  ``fluence`` [cm^-2 MeV^-1] or ``flux`` [cm^-2 s^-1 MeV^-1]; ``multiplicity``),
  :func:`all_flavour_spectrum` and :func:`read_flux` (reads a ``results/fluxes`` artifact);
* :mod:`~lightmed.fluxes.supernova` -- :func:`garching_emission` (Garching archive time
  series) and :func:`pinched_sn` (embedded default);
* :mod:`~lightmed.fluxes.solar` -- :func:`solar_spectra` (Winter 2006 8B, Bahcall hep tables)
  and :func:`solar_beta_spectra` (embedded beta-decay shapes), SSM-normalised;
* :mod:`~lightmed.fluxes.atmospheric` -- :func:`fluka_atmospheric` (FLUKA sub-GeV tables)
  and :func:`atmospheric_parametrisation` (embedded fit);
* :mod:`~lightmed.fluxes.earth` -- :func:`load_source`: one ``sources:`` block -> the six
  species at Earth after the configured flavour conversion (:mod:`lightmed.oscillations`),
  the content of ``results/fluxes/{source}.nc``.

Loaders return the emitted flavours (SN ``nux`` is ONE heavy-lepton species, multiplicity 4);
:func:`load_source` returns ``nue, nuebar, numu, numubar, nutau, nutaubar``. Both give the same
:func:`all_flavour_spectrum` (what a flavour-blind cross section sees).
"""

from __future__ import annotations

from ..lazy import lazy_exports

#: public name -> submodule, imported on first use (:mod:`lightmed.lazy`): the flux figure
#: needs only :mod:`~lightmed.fluxes.schema`, not the loaders' numba and SciPy.
_EXPORTS = {
    "ATM_ENERGY_GRID_MEV": "atmospheric",
    "FLUKA_FILES": "atmospheric",
    "atmospheric_parametrisation": "atmospheric",
    "fluka_atmospheric": "atmospheric",
    "LOADERS": "earth",
    "OSCILLATIONS": "earth",
    "atmospheric_at_earth": "earth",
    "input_digests": "earth",
    "load_emitted": "earth",
    "load_source": "earth",
    "solar_at_earth": "earth",
    "supernova_at_earth": "earth",
    "ATM_FLAVOURS": "schema",
    "EARTH_FLAVOURS": "schema",
    "SN_FLAVOURS": "schema",
    "SN_MULTIPLICITY": "schema",
    "all_flavour_spectrum": "schema",
    "check_earth_flavours": "schema",
    "make_spectrum_dataset": "schema",
    "read_flux": "schema",
    "SOLAR_ENERGY_GRID_MEV": "solar",
    "b8_beta_shape": "solar",
    "bahcall_hep": "solar",
    "beta_plus_spectrum": "solar",
    "hep_beta_shape": "solar",
    "solar_beta_spectra": "solar",
    "solar_spectra": "solar",
    "winter2006_8b": "solar",
    "SN_ENERGY_GRID_MEV": "supernova",
    "garching_emission": "supernova",
    "pinched_sn": "supernova",
    "pinched_spectrum": "supernova",
    "pinching_alpha": "supernova",
    "read_garching_file": "supernova",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
