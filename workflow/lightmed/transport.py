"""Mean-free-path weightings: total rate and transport (momentum-transfer) rate.

physics.md §3.7. For scattering nu(k) N -> nu'(k') N' with energy transfer q0 = E - E' and
three-momentum transfer |q| the scattering angle obeys |q|^2 = E^2 + E'^2 - 2 E E' cos theta,
so with q^2 = q0^2 - |q|^2 < 0

    1 - cos theta = (|q|^2 - q0^2) / (2 E E') = -q^2 / (2 E (E - q0)),

a function of the kernel node (q0, |q|) and E only: the transport rate
1/lambda_t = Int dGamma (1 - cos theta) is the same kernel contraction with one more per-node
factor. Weightings (the ``weighting`` coordinate of the mfp products):

* ``total``: every term with weight 1 ([C21] Eq. 19).
* ``transport``: every term with weight 1 - cos theta.
* ``transport_sink``: terms whose outgoing neutrino is the same species get 1 - cos theta;
  a term whose outgoing neutrino is another species (the helicity-flipping scalar term:
  LNC nu_L -> nu_R, LNV nu -> nubar) counts fully (weight 1): it removes the neutrino from
  the diffusing species whatever the angle.
"""

from __future__ import annotations

import numpy as np

from .errors import ConfigError

#: Weightings of the mfp products (physics.md §3.7).
WEIGHTINGS: tuple[str, ...] = ("total", "transport", "transport_sink")
#: long_name of a ``weighting`` coordinate (mfp, diffusion and bounds artifacts).
WEIGHTING_LONG_NAME = (
    "mean free path weighting, one of: total rate, transport (1 - cos theta), "
    "transport_sink (species-changing terms count fully; physics.md §3.7)"
)


def check_weighting(weighting: str) -> str:
    if weighting not in WEIGHTINGS:
        raise ConfigError(f"weighting = {weighting!r}; choose one of {', '.join(WEIGHTINGS)}")
    return weighting


def transport_factor(q0_mev, q2_mev2, energy_mev):
    """1 - cos theta_nu nu' = -q^2 / (2 E (E - q0)) [1] at kernel nodes."""
    q0 = np.asarray(q0_mev, dtype=float)
    return -np.asarray(q2_mev2, dtype=float) / (2.0 * energy_mev * (energy_mev - q0))


def changes_species(mediator: str, term: str) -> bool:
    """True if the term's outgoing neutrino is another species (helicity flip).

    The scalar couples nu_L to the opposite helicity: the new-physics term of the LNC scalar
    produces nu_R, that of the LNV (Majorana) scalar the antineutrino. SM, vector and
    interference terms keep the helicity (physics.md §3.4, §3.7).
    """
    return mediator == "scalar" and term == "np"


def weightings_for(mediator: str | None, terms=()) -> tuple[str, ...]:
    """Weightings an mfp product carries: ``transport_sink`` only when it differs.

    The SM product (``mediator`` None) carries all three (its ``transport_sink`` equals
    ``transport``), so every model product can select its weightings from it.
    """
    if mediator is None or any(changes_species(mediator, t) for t in terms):
        return WEIGHTINGS
    return WEIGHTINGS[:2]


def node_factor(weighting, q0_mev, q2_mev2, energy_mev, species_changing=False):
    """Per-node weight of a term under ``weighting`` (1 or 1 - cos theta)."""
    check_weighting(weighting)
    if weighting == "total" or (weighting == "transport_sink" and species_changing):
        return 1.0
    return transport_factor(q0_mev, q2_mev2, energy_mev)
