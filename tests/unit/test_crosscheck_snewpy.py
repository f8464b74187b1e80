"""Cross-check against snewpy (PyPI): the time-integrated s40s7b2c fluence from the same file.

snewpy 1.6 ``GarchingArchiveModel`` reads the Garching ``<prefix>_LS220_{nue,nuebar,nux}``
files and returns the pinched initial spectra dN/dE dt per flavour (its nu_x and nu_x_bar are
each one heavy species). Integrated over 0 - 0.568 s and divided by 4 pi (10 kpc)^2, they
must match lightmed's ``garching_emission`` fluence. Recorded agreement: see REFERENCE.md.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lightmed import fluxes, rates
from lightmed.constants import KPC_CM
from lightmed.models import PRESETS

from helpers import SHARED_DATA as SHARED

pytestmark = [
    pytest.mark.crosscheck,
    pytest.mark.requires_shared_data,
    pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data not found at {SHARED}"),
]


def test_snewpy_fluence_s40s7b2c():
    pytest.importorskip("snewpy")
    u = pytest.importorskip("astropy.units")
    from snewpy.models.ccsn_loaders import GarchingArchiveModel
    from snewpy.neutrino import Flavor

    prefix = SHARED / "sn_emission/garching_LS220_s40s7b2c/s40s7b2c"
    model = GarchingArchiveModel(str(prefix), eos="LS220")
    t = np.linspace(0.0, 0.5679, 4000)
    e = np.linspace(0.1, 150.0, 750)
    spectra = model.get_initial_spectra(t * u.s, e * u.MeV)
    area = 4.0 * math.pi * (10.0 * KPC_CM) ** 2

    def fluence(flavor):
        dn = spectra[flavor].to_value(1 / (u.MeV * u.s))  # (time, energy)
        return np.trapezoid(dn, t, axis=0) / area

    ours = fluxes.garching_emission(prefix, None, 10.0, energy_mev=e)
    pairs = {
        "nue": fluence(Flavor.NU_E),
        "nuebar": fluence(Flavor.NU_E_BAR),
        "nux": 0.5 * (fluence(Flavor.NU_X) + fluence(Flavor.NU_X_BAR)),
    }
    for f, theirs in pairs.items():
        mine = ours.fluence.sel(flavour=f).values
        assert np.trapezoid(mine, e) == pytest.approx(np.trapezoid(theirs, e), rel=5e-3), f
        peak = mine > 0.05 * mine.max()
        np.testing.assert_allclose(mine[peak], theirs[peak], rtol=0.01)
    # and the resulting CEvNS counts per tonne (Xe, > 1 keV)
    snew = fluxes.make_spectrum_dataset(
        e,
        np.array(list(pairs.values())),
        fluxes.SN_FLAVOURS,
        fluxes.SN_MULTIPLICITY,
        "fluence",
        "snewpy",
    )
    det = rates.Detector("t", "Xe", 1.0, 1.0, 2.0, "1")
    grid = {"exposure_years": 1.0, "recoil_max_kev": 201.0, "nodes_per_bin": 8}
    vec = [PRESETS["vector"]]
    n_ours = rates.total_events(rates.compute_rates(ours, det, vec, [1.0], **grid))
    n_snew = rates.total_events(rates.compute_rates(snew, det, vec, [1.0], **grid))
    assert n_ours == pytest.approx(n_snew, rel=5e-3)
