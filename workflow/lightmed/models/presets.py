"""Built-in mediator models (presets), each with its source (docs/models.md).

Keys are the ``{model}`` wildcard values. ``vector`` and ``scalar`` are [ST21]'s generic
models (coupling g = sqrt(g_nu g_q), universal quark and neutrino couplings); ``bl_vector``,
``lnc_scalar``, ``lnv_scalar`` are [C21]'s SN-core models; ``b3le_vector`` and
``b3lmu_vector`` are the anomaly-free gauged U(1)_{B-3L_alpha} (one lepton flavour).
"""

from __future__ import annotations

from .spec import Coupling, MediatorModel

_UNIVERSAL_NU = {"e": 1.0, "mu": 1.0, "tau": 1.0}
_UNIVERSAL_Q = {q: 1.0 for q in ("u", "d", "s", "c", "b", "t")}
_BARYON = {"u": 1.0 / 3.0, "d": 1.0 / 3.0}

PRESETS: dict[str, MediatorModel] = {
    "vector": MediatorModel(
        name="vector",
        title="universal vector",
        spin="vector",
        quark_charges={"u": 1.0, "d": 1.0},
        neutrino_charges=_UNIVERSAL_NU,
        coupling=Coupling("g", "g", "quark"),
        citation="[ST21] arXiv:2010.14545 Eqs. 5-6 (Q'_w = 3A, g = sqrt(g_nu g_q))",
    ),
    "scalar": MediatorModel(
        name="scalar",
        title="universal scalar",
        spin="scalar",
        quark_charges=_UNIVERSAL_Q,
        neutrino_charges=_UNIVERSAL_NU,
        coupling=Coupling("g", "g", "quark"),
        sigma_terms="st21",
        citation="[ST21] arXiv:2010.14545 Eqs. 9-10 (Q_s = 14A + 1.1Z, g = sqrt(g_nu g_q))",
    ),
    "bl_vector": MediatorModel(
        name="bl_vector",
        title="U(1)$_{B-L}$ vector",
        spin="vector",
        quark_charges=_BARYON,
        neutrino_charges={"e": -1.0, "mu": -1.0, "tau": -1.0},
        coupling=Coupling("g_BL", "g_{B-L}", "quark"),
        citation="[C21] arXiv:2106.11660 Sec. II (quark charge g/3, lepton charge -g)",
    ),
    "lnc_scalar": MediatorModel(
        name="lnc_scalar",
        title="LNC scalar (light $\\nu_R$)",
        spin="scalar",
        quark_charges=_UNIVERSAL_Q,
        neutrino_charges=_UNIVERSAL_NU,
        coupling=Coupling("Y", "Y", "nucleon"),
        lepton_number="lnc",
        sigma_terms="c21",
        citation="[C21] arXiv:2106.11660 Sec. II (Y = sqrt(C_nu C_N), C_N = 13.8 C_q)",
    ),
    "lnv_scalar": MediatorModel(
        name="lnv_scalar",
        title="LNV scalar (Majorana $\\nu$)",
        spin="scalar",
        quark_charges=_UNIVERSAL_Q,
        neutrino_charges=_UNIVERSAL_NU,
        coupling=Coupling("Y", "Y", "nucleon"),
        lepton_number="lnv",
        sigma_terms="c21",
        citation="[C21] arXiv:2106.11660 Sec. II (Y = sqrt(C_nu C_N), C_N = 13.8 C_q)",
    ),
    "b3le_vector": MediatorModel(
        name="b3le_vector",
        title="U(1)$_{B-3L_e}$ vector",
        spin="vector",
        quark_charges=_BARYON,
        neutrino_charges={"e": -3.0},
        coupling=Coupling("g_B3Le", "g_{B-3L_e}", "quark"),
        citation="anomaly-free U(1)_{B-3L_e}: E. Ma, PLB 433 (1998) 74 [hep-ph/9709474]; "
        "M. Bauer, P. Foldenauer, J. Jaeckel, JHEP 07 (2018) 094 [arXiv:1803.05466]",
    ),
    "b3lmu_vector": MediatorModel(
        name="b3lmu_vector",
        title="U(1)$_{B-3L_\\mu}$ vector",
        spin="vector",
        quark_charges=_BARYON,
        neutrino_charges={"mu": -3.0},
        coupling=Coupling("g_B3Lmu", "g_{B-3L_\\mu}", "quark"),
        citation="anomaly-free U(1)_{B-3L_mu}: E. Ma, PLB 433 (1998) 74 [hep-ph/9709474]; "
        "M. Bauer, P. Foldenauer, J. Jaeckel, JHEP 07 (2018) 094 [arXiv:1803.05466]",
    ),
}
