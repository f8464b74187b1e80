"""RMF parameter sets: named, cited presets (stage ``rmf``, ``docs/physics.md`` section 2).

Three families share one :class:`RMFParameters` record:

- non-linear sigma-omega models with constant couplings: TM1 (sigma^3, sigma^4 and omega^4
  self-interactions; Sugahara & Toki 1994) and NL3 (no omega^4 term; Lalazissis, Koenig &
  Ring 1997);
- density-dependent (DD) couplings Gamma_i(n_B) = Gamma_i(n_sat) f_i(n_B / n_sat) in the
  Typel-Wolter form (Nucl. Phys. A 656, 331 (1999)): DD2 (Typel et al. 2010), with its own
  neutron and proton masses.

Every isovector coupling multiplies tau_3 = +1 (p), -1 (n); a set published in the
t_3 = +-1/2 convention enters with half its printed g_rho.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DENSITY_DEPENDENCE", "PRESETS", "RMFParameters", "get_preset"]

#: Forms of the meson-nucleon couplings: constant, or Typel-Wolter Gamma_i(n_B).
DENSITY_DEPENDENCE: tuple[str, ...] = ("none", "typel_wolter")


@dataclass(frozen=True)
class RMFParameters:
    """An RMF parameter set (non-linear or density-dependent).

    Parameters
    ----------
    name : str
        Preset key.
    nucleon_mass_mev : float
        Vacuum nucleon mass M [MeV]; with a mass splitting, the isospin average
        (m_n + m_p)/2.
    m_sigma_mev, m_omega_mev, m_rho_mev : float
        Meson masses [MeV].
    g_sigma, g_omega, g_rho : float
        Meson-nucleon couplings [1] (density-dependent sets: their values Gamma_i(n_sat) at
        saturation); ``g_rho`` multiplies tau_3 = +-1.
    g2_fm_inv : float
        Cubic sigma self-coupling g2 [fm^-1] as printed (converted to MeV internally).
    g3 : float
        Quartic sigma self-coupling [1].
    c3 : float
        Quartic omega self-coupling [1].
    reference : str
        Citation of the parameter set.
    mass_splitting_mev : float
        m_n - m_p [MeV]; 0 for sets with one nucleon mass. m_n = M + splitting/2,
        m_p = M - splitting/2.
    density_dependence : {"none", "typel_wolter"}
        Constant couplings, or Gamma_i(n_B) = Gamma_i(n_sat) f_i(x), x = n_B / n_sat, with
        f_i(x) = a_i (1 + b_i (x + d_i)^2) / (1 + c_i (x + d_i)^2) for sigma and omega and
        f_rho(x) = exp(-a_rho (x - 1)) (Typel & Wolter 1999, Eqs. 5-6).
    saturation_density_fm3 : float
        n_sat [fm^-3] of the density dependence (ignored for ``none``).
    a_sigma, b_sigma, c_sigma, d_sigma, a_omega, b_omega, c_omega, d_omega, a_rho : float
        Shape coefficients of f_sigma, f_omega, f_rho [1] (ignored for ``none``).
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
    mass_splitting_mev: float = 0.0
    density_dependence: str = "none"
    saturation_density_fm3: float = 0.0
    a_sigma: float = 0.0
    b_sigma: float = 0.0
    c_sigma: float = 0.0
    d_sigma: float = 0.0
    a_omega: float = 0.0
    b_omega: float = 0.0
    c_omega: float = 0.0
    d_omega: float = 0.0
    a_rho: float = 0.0

    def __post_init__(self) -> None:
        if self.density_dependence not in DENSITY_DEPENDENCE:
            raise ValueError(
                f"RMF parameter set {self.name}: density_dependence = "
                f"{self.density_dependence!r}; allowed: {', '.join(DENSITY_DEPENDENCE)}"
            )
        if self.density_dependence != "none" and not self.saturation_density_fm3 > 0.0:
            raise ValueError(
                f"RMF parameter set {self.name}: a density-dependent set needs "
                "saturation_density_fm3 > 0"
            )

    @property
    def neutron_mass_mev(self) -> float:
        """m_n [MeV]."""
        return self.nucleon_mass_mev + 0.5 * self.mass_splitting_mev

    @property
    def proton_mass_mev(self) -> float:
        """m_p [MeV]."""
        return self.nucleon_mass_mev - 0.5 * self.mass_splitting_mev


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

#: DD2's own nucleon masses [MeV] (Typel et al. 2010, rounded CODATA values).
_DD2_NEUTRON_MASS_MEV = 939.56536
_DD2_PROTON_MASS_MEV = 938.27203

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
    # Lalazissis, Koenig, Ring 1997, Table I (g_rho there multiplies the Pauli tau: +-1).
    "NL3": RMFParameters(
        name="NL3",
        nucleon_mass_mev=939.0,
        m_sigma_mev=508.194,
        m_omega_mev=782.501,
        m_rho_mev=763.0,
        g_sigma=10.217,
        g_omega=12.868,
        g_rho=4.474,
        g2_fm_inv=-10.431,
        g3=-28.885,
        c3=0.0,
        reference="G. A. Lalazissis, J. Koenig, P. Ring, Phys. Rev. C 55, 540 (1997), Table I",
    ),
    # Typel, Roepke, Klaehn, Blaschke, Wolter 2010, Table III; functional form of Typel &
    # Wolter 1999. Gamma_rho = 3.626940 is the tau_3 = +-1 value (J = 31.67 MeV with it).
    "DD2": RMFParameters(
        name="DD2",
        nucleon_mass_mev=0.5 * (_DD2_NEUTRON_MASS_MEV + _DD2_PROTON_MASS_MEV),
        mass_splitting_mev=_DD2_NEUTRON_MASS_MEV - _DD2_PROTON_MASS_MEV,
        m_sigma_mev=546.212459,
        m_omega_mev=783.0,
        m_rho_mev=763.0,
        g_sigma=10.686681,
        g_omega=13.342362,
        g_rho=3.626940,
        g2_fm_inv=0.0,
        g3=0.0,
        c3=0.0,
        density_dependence="typel_wolter",
        saturation_density_fm3=0.149065,
        a_sigma=1.357630,
        b_sigma=0.634442,
        c_sigma=1.005358,
        d_sigma=0.575810,
        a_omega=1.369718,
        b_omega=0.496475,
        c_omega=0.817753,
        d_omega=0.638452,
        a_rho=0.518903,
        reference=(
            "S. Typel, G. Roepke, T. Klaehn, D. Blaschke, H. H. Wolter, Phys. Rev. C 81, "
            "015803 (2010), Table III; form of S. Typel, H. H. Wolter, Nucl. Phys. A 656, "
            "331 (1999)"
        ),
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
