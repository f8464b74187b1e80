"""Scalar couplings of nucleons from quark couplings: cited sigma-term presets.

A scalar phi coupling to quarks with Lagrangian couplings g_q = g q_q (axis coupling g, charge
q_q) couples to a nucleon N with

    g_N = g c_N,   c_N = m_N [ sum_{q=u,d,s} q_q f_Tq^N / m_q
                             + (2/27) f_TG^N sum_{Q=c,b,t} q_Q / m_Q ],   f_TG = 1 - sum f_Tq,

the heavy quarks entering through the gluon trace anomaly (Shifman, Vainshtein, Zakharov 1978).
A preset either tabulates f_Tq^N and the quark masses (any quark charges), or gives the nucleon
charges of published analyses for *universal* quark couplings only (q_q = 1 for every quark);
those are what the papers printed and what reproduces them:

* ``st21``: [ST21] Eq. 10 uses Q_s = 14 A + 1.1 Z, i.e. c_n = 14.0, c_p = 15.1, quoted from
  Cerdeño et al., JHEP 05 (2016) 118, arXiv:1604.01025.
* ``c21``: [C21] Sec. II, C_N = m_N sum_q f_q^N C_q / m_q = 13.8 C_q for both nucleons.
* ``eos2008_pdg2022``: f_Tq of Ellis, Olive, Savage, PRD 77 (2008) 065026 (Sigma_piN = 64 MeV),
  running masses of the PDG 2022 review (MSbar at 2 GeV for u, d, s; m_c(m_c), m_b(m_b), pole
  m_t), m_N = 939 MeV. For universal couplings it gives c_p = 15.17, c_n = 14.57, i.e.
  Q_s = 14.57 A + 0.60 Z: the proton value agrees with [ST21]'s 15.1, the neutron value is 4 %
  higher than its 14 (docs/models.md discusses the difference; we do not adjust either).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..constants import M_NUCLEON_MEV
from ..errors import ConfigError

#: Quarks a scalar can couple to, lightest first.
QUARKS: tuple[str, ...] = ("u", "d", "s", "c", "b", "t")
LIGHT_QUARKS: tuple[str, ...] = ("u", "d", "s")
HEAVY_QUARKS: tuple[str, ...] = ("c", "b", "t")
NUCLEONS: tuple[str, ...] = ("p", "n")


@dataclass(frozen=True)
class SigmaTerms:
    """A cited way of turning scalar quark charges into nucleon charges c_p, c_n.

    Attributes
    ----------
    name, citation : str
    f_tq : mapping nucleon -> {u, d, s: f_Tq}, optional
        Light-quark mass fractions; with ``quark_mass_mev`` they give c_N for any charges.
    quark_mass_mev : mapping quark -> mass [MeV], optional
    universal_charges : mapping nucleon -> c_N, optional
        Printed nucleon charges for universal quark couplings (only those are supported).
    """

    name: str
    citation: str
    f_tq: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    quark_mass_mev: Mapping[str, float] = field(default_factory=dict)
    universal_charges: Mapping[str, float] = field(default_factory=dict)
    nucleon_mass_mev: float = M_NUCLEON_MEV

    def nucleon_charges(self, quark_charges: Mapping[str, float]) -> dict[str, float]:
        """c_p, c_n [1] per unit axis coupling for the given quark charges."""
        q = {k: float(quark_charges.get(k, 0.0)) for k in QUARKS}
        if self.f_tq:
            out = {}
            for nuc in NUCLEONS:
                f = self.f_tq[nuc]
                light = sum(q[k] * f[k] / self.quark_mass_mev[k] for k in LIGHT_QUARKS)
                f_tg = 1.0 - sum(f[k] for k in LIGHT_QUARKS)
                heavy = 2.0 / 27.0 * f_tg * sum(q[k] / self.quark_mass_mev[k] for k in HEAVY_QUARKS)
                out[nuc] = self.nucleon_mass_mev * (light + heavy)
            return out
        values = set(q.values())
        if len(values) != 1:
            raise ConfigError(
                f"sigma_terms {self.name!r} gives nucleon charges for universal quark couplings "
                f"only, but the model has quark charges {q}; use sigma_terms eos2008_pdg2022"
            )
        scale = values.pop()
        return {nuc: scale * self.universal_charges[nuc] for nuc in NUCLEONS}


#: PDG 2022 (R.L. Workman et al., PTEP 2022 083C01) quark masses [MeV]: MSbar at 2 GeV for
#: u, d, s; m_c(m_c), m_b(m_b); top pole mass.
PDG2022_QUARK_MASS_MEV: dict[str, float] = {
    "u": 2.16,
    "d": 4.67,
    "s": 93.4,
    "c": 1270.0,
    "b": 4180.0,
    "t": 172690.0,
}

SIGMA_TERMS: dict[str, SigmaTerms] = {
    "st21": SigmaTerms(
        "st21",
        "[ST21] arXiv:2010.14545 Eq. 10 (Q_s = 14A + 1.1Z), from Cerdeno et al. "
        "arXiv:1604.01025; universal quark couplings",
        universal_charges={"p": 15.1, "n": 14.0},
    ),
    "c21": SigmaTerms(
        "c21",
        "[C21] arXiv:2106.11660 Sec. II: C_N = 13.8 C_q for universal quark couplings",
        universal_charges={"p": 13.8, "n": 13.8},
    ),
    "eos2008_pdg2022": SigmaTerms(
        "eos2008_pdg2022",
        "f_Tq: Ellis, Olive, Savage, PRD 77 (2008) 065026; quark masses: PDG 2022",
        f_tq={
            "p": {"u": 0.020, "d": 0.026, "s": 0.118},
            "n": {"u": 0.014, "d": 0.036, "s": 0.118},
        },
        quark_mass_mev=PDG2022_QUARK_MASS_MEV,
    ),
}


def get_sigma_terms(name: str) -> SigmaTerms:
    """The sigma-term preset ``name`` or a ConfigError listing the known ones."""
    try:
        return SIGMA_TERMS[name]
    except KeyError:
        raise ConfigError(
            f"unknown sigma_terms preset {name!r}; known: {', '.join(SIGMA_TERMS)}"
        ) from None
