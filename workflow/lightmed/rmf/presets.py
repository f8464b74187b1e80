"""RMF parameter sets: named, cited presets (stage ``rmf``, ``docs/physics.md`` section 2)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PRESETS", "RMFParameters", "get_preset"]


@dataclass(frozen=True)
class RMFParameters:
    """A TM1-type RMF parameter set.

    Parameters
    ----------
    name : str
        Preset key.
    nucleon_mass_mev : float
        Vacuum nucleon mass M [MeV].
    m_sigma_mev, m_omega_mev, m_rho_mev : float
        Meson masses [MeV].
    g_sigma, g_omega, g_rho : float
        Meson-nucleon couplings [1]; ``g_rho`` multiplies tau_3 = +-1.
    g2_fm_inv : float
        Cubic sigma self-coupling g2 [fm^-1] as printed (converted to MeV internally).
    g3 : float
        Quartic sigma self-coupling [1].
    c3 : float
        Quartic omega self-coupling [1].
    reference : str
        Citation of the parameter set.
    """

    name: str
    nucleon_mass_mev: float
    m_sigma_mev: float
    m_omega_mev: float
    m_rho_mev: float
    g_sigma: float
    g_omega: float
    g_rho: float
    g2_fm_inv: float
    g3: float
    c3: float
    reference: str


_TM1_COUPLINGS = dict(
    m_sigma_mev=511.198,
    m_omega_mev=783.0,
    m_rho_mev=770.0,
    g_sigma=10.0289,
    g_omega=12.6139,
    g_rho=4.6322,
    g2_fm_inv=-7.2325,
    g3=0.6183,
    c3=71.3075,
)

#: Named, cited parameter sets (``docs/physics.md`` section 2).
PRESETS: dict[str, RMFParameters] = {
    "TM1": RMFParameters(
        name="TM1",
        nucleon_mass_mev=938.0,
        reference="Y. Sugahara, H. Toki, Nucl. Phys. A 579, 557 (1994)",
        **_TM1_COUPLINGS,
    ),
    "C21": RMFParameters(
        name="C21",
        nucleon_mass_mev=939.0,
        reference=(
            "TM1 couplings with M = 939 MeV as used by D. G. Cerdeno et al., "
            "Phys. Rev. D 104, 063013 (2021), arXiv:2106.11660 [C21]"
        ),
        **_TM1_COUPLINGS,
    ),
}


def get_preset(name: str) -> RMFParameters:
    """Return the RMF parameter preset called ``name``.

    Raises
    ------
    ValueError
        If ``name`` is not a key of :data:`PRESETS` (the message lists the allowed keys).
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(
            f"unknown RMF preset {name!r}; allowed: {', '.join(sorted(PRESETS))}"
        ) from None
