"""Cited, versioned flux presets: SSM normalisations and the embedded analytic defaults.

The embedded defaults were derived by ``resources/fluxes/derive_defaults.py`` from the
public tables named in each entry; ``resources/fluxes/REFERENCE.md`` records the derivation
and the residuals against the tables. A change to any number here needs a physics
justification and a rerun of that script.
"""

from __future__ import annotations

#: fine-structure constant (CODATA 2018, scipy.constants.fine_structure).
ALPHA_EM: float = 7.2973525693e-3

#: Standard-solar-model total fluxes [cm^-2 s^-1] (Vinyoles et al., ApJ 835 (2017) 202,
#: arXiv:1611.09867, Table 6). ``B16-GS98`` is the default (high-metallicity composition).
SSM_PRESETS: dict[str, dict[str, float]] = {
    "B16-GS98": {"8B": 5.46e6, "hep": 7.98e3},
    "B16-AGSS09met": {"8B": 4.50e6, "hep": 8.25e3},
}

#: Electron density at production [N_A cm^-3], averaged over each branch's production
#: distribution: <n_e> = sum_r f(r) n_e(r) / sum_r f(r) over the radial tables of the same B16
#: models (Vinyoles et al. 2017, files nudistr_b16_{gs98,agss09}.dat: columns R/R_sun,
#: log10(n_e / N_A cm^-3) and the fraction f of each branch produced per zone), derived by
#: ``resources/fluxes/derive_solar_density.py`` (REFERENCE.md). Used by the MSW-LMA survival
#: probability (lightmed.oscillations.solar_transition_probabilities).
SSM_PRODUCTION_DENSITY: dict[str, dict[str, float]] = {
    "B16-GS98": {"8B": 87.933, "hep": 51.393},
    "B16-AGSS09met": {"8B": 88.153, "hep": 51.925},
}

#: Daughter charges for the beta+ Fermi function.
Z_BE8: int = 4
Z_HE4: int = 2
#: hep neutrino endpoint [MeV] (Bahcall, PRC 56 (1997) 3391: 18.77 MeV).
HEP_ENDPOINT_MEV: float = 18.773

#: 8B -> 8Be(2+) fold. q_nu_gs_mev is the neutrino endpoint for a decay to E_x = 0:
#: Q_EC - 2 m_e = 17.979 - 1.022 MeV (Q_EC from AME2020, Wang et al., Chin. Phys. C 45 (2021)
#: 030003). log_rho_poly: ln rho(E_x) = polyval(log_rho_poly + [0], (E_x - 3 MeV)/3 MeV),
#: fitted (derive_defaults.py) so that the fold reproduces Winter et al., PRC 73 (2006) 025503.
B8_FOLD: dict = {
    "q_nu_gs_mev": 16.957,
    "ex_min_mev": 0.10,
    "ex_max_mev": 14.0,
    "n_ex": 600,
    "ex_ref_mev": 3.0,
    "ex_scale_mev": 3.0,
    "log_rho_poly": [-0.124699, 1.364296, -5.541764, 10.196421, -7.696782, 0.734629],
}

#: Time-integrated pinched SN spectra per species: emitted energy [erg], mean energy [MeV],
#: pinching alpha of the time-integrated fluence (derive_defaults.py, moment matching plus
#: a CEvNS-weighted alpha; see REFERENCE.md). ``nux`` is ONE heavy-lepton species.
SN_PINCHED: dict[str, dict] = {
    # Garching LS220 27 Msun, 0-14 s ([ST21] CC-SN, t_max = 14 s)
    "garching_s27.0co_14s": {
        "derived_from": "garching_LS220_s27.0co t_max=14.0 s",
        "t_max_s": 14.0,
        "nue": {"energy_erg": 5.86118e52, "mean_mev": 11.0443, "alpha": 2.1430},
        "nuebar": {"energy_erg": 5.70865e52, "mean_mev": 13.7181, "alpha": 2.2241},
        "nux": {"energy_erg": 5.35119e52, "mean_mev": 13.1549, "alpha": 1.8003},
    },
    # Garching LS220 40 Msun s40s7b2c, 0 s to black-hole formation (0.568 s): the default
    "garching_s40s7b2c_bh": {
        "derived_from": "garching_LS220_s40s7b2c t_max=BH (0.568 s)",
        "t_max_s": 0.5679,
        "nue": {"energy_erg": 5.32122e52, "mean_mev": 14.6581, "alpha": 2.1896},
        "nuebar": {"energy_erg": 4.48809e52, "mean_mev": 17.6328, "alpha": 2.5162},
        "nux": {"energy_erg": 2.80932e52, "mean_mev": 18.8397, "alpha": 1.5924},
    },
    # the same model truncated at the 0.2 s printed in [ST21] Sec. IV B (paper option)
    "garching_s40s7b2c_0.2s": {
        "derived_from": "garching_LS220_s40s7b2c t_max=0.2 s",
        "t_max_s": 0.2,
        "nue": {"energy_erg": 1.95035e52, "mean_mev": 11.4305, "alpha": 3.0871},
        "nuebar": {"energy_erg": 1.29197e52, "mean_mev": 14.1249, "alpha": 3.1575},
        "nux": {"energy_erg": 8.43264e51, "mean_mev": 15.0633, "alpha": 2.4373},
    },
}

#: ln(dPhi/dE [cm^-2 s^-1 MeV^-1]) = polyval(coefficients, ln(E / e0_mev)), per flavour,
#: fitted to the FLUKA sub-GeV all-sky tables (Battistoni et al., Astropart. Phys. 23 (2005)
#: 526) by derive_defaults.py.
ATM_LOGPOLY: dict = {
    "e0_mev": 100.0,
    "e_min_mev": 13.183,
    "e_max_mev": 981.75,
    "coefficients": {
        "nue": [
            -8.611427e-03,
            -2.080755e-02,
            8.038612e-02,
            -2.785038e-01,
            -1.172273e00,
            -5.046036e00,
        ],
        "nuebar": [
            -8.967741e-03,
            -2.143271e-02,
            8.765839e-02,
            -2.848009e-01,
            -1.225621e00,
            -5.147914e00,
        ],
        "numu": [
            -1.770608e-02,
            2.510099e-03,
            1.213740e-01,
            -4.095408e-01,
            -1.171385e00,
            -4.317842e00,
        ],
        "numubar": [
            -1.478208e-02,
            -4.915855e-03,
            1.117534e-01,
            -3.808117e-01,
            -1.180325e00,
            -4.328175e00,
        ],
    },
}
