"""A mediator model as data, and everything derived from it (docs/models.md).

Conventions. A model couples a new boson (spin 1 "vector" or spin 0 "scalar") of mass m to
quarks and neutrinos with Lagrangian couplings

    g_q = k g q_q  (quark q),      g_nu_alpha = g q_alpha  (neutrino flavour alpha),

where g is the coupling drawn on the axes (``coupling.name``), q_q and q_alpha are the model's
charges and k the axis normalisation (1 for a quark-level coupling such as [ST21]'s
g = sqrt(g_nu g_q); 1/c_ref for a nucleon-level coupling such as [C21]'s Y = sqrt(C_nu C_N)).
Every physical rate depends on the products

    s_{alpha,N} = q_alpha c_N   (per unit g^2),

with c_N the model's nucleon charge: vector c_p = k(2 q_u + q_d), c_n = k(q_u + 2 q_d) (the
valence count; sea quarks carry no net vector charge); scalar c_N from a sigma-term preset
(:mod:`lightmed.models.sigma_terms`). A nucleus (Z, N) has charge Q' = Z c_p + N c_n (the
vector charge Q'_w = 3A of [ST21] for q_u = q_d = 1; the scalar Q_s = 14A + 1.1Z for the
[ST21] sigma terms).

Matrix elements of nu N -> nu N and of CEvNS are the SM plus, per (alpha, N),

    interference  ~ g^2 s_{alpha,N} D(q^2),      new physics ~ g^4 s_{alpha,N}^2 D(q^2)^2,

D = 1/(q^2 - m^2); a scalar has no interference with the SM (helicity flip). The per-unit-charge
coefficient functions live in :mod:`lightmed.matrix_elements` and :mod:`lightmed.cevns`; the
registry only says which terms exist, how large their charge weight is and how the outgoing
neutrino of each term is Pauli-blocked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import ConfigError
from .sigma_terms import QUARKS, get_sigma_terms

SPINS: tuple[str, ...] = ("vector", "scalar")
#: Neutrino flavours a model can couple to.
FLAVOURS: tuple[str, ...] = ("e", "mu", "tau")
NUCLEONS: tuple[str, ...] = ("p", "n")
#: Lepton-number structure of a scalar coupling to neutrinos ([C21] Sec. II).
LEPTON_NUMBER: tuple[str, ...] = ("lnc", "lnv")
NORMALISATIONS: tuple[str, ...] = ("quark", "nucleon")
#: SN-core criteria of the [C21] shell method (lightmed.diffusion) by what they need.
DIFFUSION_CRITERIA: tuple[str, ...] = ("dt_10s", "dt_2sm")
LNC_CRITERIA: tuple[str, ...] = ("nur_conversion", "nur_retrapping")
LNV_CRITERIA: tuple[str, ...] = ("eos_indicative",)
ALL_CRITERIA: tuple[str, ...] = DIFFUSION_CRITERIA + LNC_CRITERIA + LNV_CRITERIA
#: Matrix-element variants (docs/physics.md §3.4).
VARIANTS: tuple[str, ...] = ("physical", "paper")


@dataclass(frozen=True)
class Coupling:
    """The coupling drawn on the axes.

    Attributes
    ----------
    name : str
        ASCII key used in artifacts and CSV headers (``g``, ``Y``, ``g_BL``).
    latex : str
        Mathtext label without dollars (``g_{B-L}``).
    normalisation : {"quark", "nucleon"}
        ``quark``: g_nu g_q = g^2 q_alpha q_q. ``nucleon``: g^2 = C_nu C_N with C_N the
        nucleon coupling of the reference nucleon (the neutron) for the model's quark charges,
        so c_n = 1 per unit g^2 ([C21]'s Y).
    """

    name: str
    latex: str
    normalisation: str = "quark"


@dataclass(frozen=True)
class Term:
    """One additive piece of a squared amplitude beyond the SM.

    ``name`` is ``int`` (SM x new physics) or ``np`` (new physics squared); the piece is
    g^coupling_power D^propagator_power times a charge weight (s or s^2) times the
    per-unit-charge coefficients of the spin.
    """

    name: str
    coupling_power: int
    propagator_power: int
    charge_power: int


_VECTOR_TERMS = (Term("int", 2, 1, 1), Term("np", 4, 2, 2))
_SCALAR_TERMS = (Term("np", 4, 2, 2),)


@dataclass(frozen=True)
class MediatorModel:
    """One mediator model, defined by its charges (the registry's unit of data).

    Attributes
    ----------
    name : str
        Registry key; the ``{model}`` wildcard.
    title : str
        Human label for legends and titles.
    spin : {"vector", "scalar"}
    quark_charges : mapping
        q_q per quark (u, d for a vector; u, d, s, c, b, t for a scalar); missing = 0.
    neutrino_charges : mapping
        q_alpha per flavour (e, mu, tau); missing = 0. The same for neutrinos and antineutrinos
        (the antineutrino's opposite vector charge is in the SM-like Dirac algebra).
    coupling : Coupling
    lepton_number : {"lnc", "lnv"} or None
        Scalars only: lepton-number conserving (Dirac nu, light nu_R produced, not blocked) or
        violating (Majorana nu, helicity-flipped state blocked). None: not specified, so the
        SN-core criteria, which depend on it, do not apply.
    sigma_terms : str
        Scalars: key of :data:`lightmed.models.sigma_terms.SIGMA_TERMS`.
    sn_core_criteria : tuple of str, optional
        Overrides the derived list (:attr:`criteria`).
    citation : str
    """

    name: str
    title: str
    spin: str
    quark_charges: Mapping[str, float]
    neutrino_charges: Mapping[str, float]
    coupling: Coupling
    lepton_number: str | None = None
    sigma_terms: str = "st21"
    sn_core_criteria: tuple[str, ...] | None = None
    citation: str = ""
    _nucleon: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        where = f"models.{self.name}"
        if self.spin not in SPINS:
            raise ConfigError(f"{where}.spin = {self.spin!r}; choose one of {', '.join(SPINS)}")
        bad_q = sorted(set(self.quark_charges) - set(QUARKS))
        if bad_q:
            raise ConfigError(f"{where}.quark_charges: unknown quark(s) {bad_q}; use {QUARKS}")
        bad_f = sorted(set(self.neutrino_charges) - set(FLAVOURS))
        if bad_f:
            raise ConfigError(
                f"{where}.neutrino_charges: unknown flavour(s) {bad_f}; use {FLAVOURS}"
            )
        for kind, charges in (("quark", self.quark_charges), ("neutrino", self.neutrino_charges)):
            for key, value in charges.items():
                if not math.isfinite(float(value)):
                    raise ConfigError(f"{where}.{kind}_charges.{key} = {value} is not finite")
        if self.spin == "vector" and self.lepton_number is not None:
            raise ConfigError(f"{where}.lepton_number applies to scalars only")
        if self.lepton_number not in (None, *LEPTON_NUMBER):
            raise ConfigError(
                f"{where}.lepton_number = {self.lepton_number!r}; choose lnc, lnv or null"
            )
        if self.coupling.normalisation not in NORMALISATIONS:
            raise ConfigError(
                f"{where}.coupling.normalisation = {self.coupling.normalisation!r}; "
                f"choose one of {', '.join(NORMALISATIONS)}"
            )
        if not any(float(v) for v in self.quark_charges.values()):
            raise ConfigError(f"{where}: every quark charge is 0 (the model does not couple)")
        if not any(float(v) for v in self.neutrino_charges.values()):
            raise ConfigError(f"{where}: every neutrino charge is 0 (the model does not couple)")
        if self.sn_core_criteria is not None:
            bad = [c for c in self.sn_core_criteria if c not in ALL_CRITERIA]
            if bad:
                raise ConfigError(f"{where}.sn_core_criteria: unknown {bad}; use {ALL_CRITERIA}")
        self._nucleon.update(self._derive_nucleon_charges())

    # ---------------------------------------------------------------------------- charges
    def quark_charge(self, quark: str) -> float:
        return float(self.quark_charges.get(quark, 0.0))

    def neutrino_charge(self, flavour: str) -> float:
        """q_alpha [1] of flavour ``e``, ``mu`` or ``tau`` (accepts ``nue``, ``numubar``...)."""
        return float(self.neutrino_charges.get(flavour_key(flavour), 0.0))

    def couples_to(self, flavour: str) -> bool:
        return self.neutrino_charge(flavour) != 0.0

    def _quark_level_nucleon_charges(self) -> dict[str, float]:
        if self.spin == "vector":
            qu, qd = self.quark_charge("u"), self.quark_charge("d")
            return {"p": 2.0 * qu + qd, "n": qu + 2.0 * qd}
        return get_sigma_terms(self.sigma_terms).nucleon_charges(self.quark_charges)

    def _derive_nucleon_charges(self) -> dict[str, float]:
        raw = self._quark_level_nucleon_charges()
        k = self.normalisation_factor(raw)
        return {nuc: k * raw[nuc] for nuc in NUCLEONS}

    def normalisation_factor(self, raw: Mapping[str, float] | None = None) -> float:
        """k in g_q = k g q_q: 1 (quark level) or 1/c_n at quark level (nucleon level)."""
        if self.coupling.normalisation == "quark":
            return 1.0
        raw = raw or self._quark_level_nucleon_charges()
        if raw["n"] == 0:
            raise ConfigError(
                f"models.{self.name}: nucleon normalisation needs a non-zero neutron coupling"
            )
        return 1.0 / raw["n"]

    @property
    def nucleon_charges(self) -> dict[str, float]:
        """c_p, c_n [1]: nucleon charges per unit axis coupling."""
        return dict(self._nucleon)

    def nucleon_charge(self, nucleon: str) -> float:
        return self._nucleon[nucleon]

    def nuclear_charge(self, z: float, n: float) -> float:
        """Q' = Z c_p + N c_n [1] of a nucleus (coherent sum over nucleons)."""
        return z * self._nucleon["p"] + n * self._nucleon["n"]

    def charge_product(self, flavour: str, nucleon: str) -> float:
        """s = q_alpha c_N [1]: strength of the nu_alpha-N coupling per unit g^2."""
        return self.neutrino_charge(flavour) * self._nucleon[nucleon]

    # ------------------------------------------------------------- matrix-element structure
    @property
    def terms(self) -> tuple[Term, ...]:
        """The pieces beyond the SM (vector: int and np; scalar: np)."""
        return _VECTOR_TERMS if self.spin == "vector" else _SCALAR_TERMS

    def term_blocking(self, term: str, variant: str = "physical") -> str:
        """Outgoing-neutrino Pauli blocking of a term: ``sm`` (Fermi-Dirac) or ``none``.

        The LNC scalar's new-physics term produces a light nu_R that is not thermally
        populated, so it is not blocked; [C21] blocked it like the SM (``paper`` variant).
        Everything else leaves a neutrino state of the thermal bath (docs/physics.md §3.4).
        """
        if variant not in VARIANTS:
            raise ConfigError(f"matrix_elements = {variant!r}; choose one of {VARIANTS}")
        if term == "np" and self.lepton_number == "lnc" and variant == "physical":
            return "none"
        return "sm"

    @property
    def nature(self) -> str:
        """Neutrino nature the model implies: majorana (LNV scalar) or dirac."""
        return "majorana" if self.lepton_number == "lnv" else "dirac"

    @property
    def criteria(self) -> tuple[str, ...]:
        """[C21] shell-method criteria that apply (empty: SN core not applicable)."""
        if self.sn_core_criteria is not None:
            return tuple(self.sn_core_criteria)
        if self.spin == "vector":
            return DIFFUSION_CRITERIA
        if self.lepton_number == "lnc":
            return DIFFUSION_CRITERIA + LNC_CRITERIA
        if self.lepton_number == "lnv":
            return DIFFUSION_CRITERIA + LNV_CRITERIA
        return ()

    def sn_core_status(self, observed_flavour: str = "e") -> str:
        """'' if the SN-core method applies, else the reason it does not (one sentence)."""
        if not self.criteria:
            return (
                f"{self.name}: the scalar's lepton-number structure (lnc/lnv) is not specified, "
                "and the SN-core criteria depend on it"
            )
        if not self.couples_to(observed_flavour):
            return (
                f"{self.name}: no coupling to nu_{observed_flavour}, the species whose diffusion "
                "the SN-core criteria constrain"
            )
        return ""

    # ------------------------------------------------------------------------------ labels
    @property
    def mass_symbol(self) -> str:
        """Mathtext symbol of the mediator mass (no dollars)."""
        return "m_{Z'}" if self.spin == "vector" else r"m_\phi"

    @property
    def axis_label(self) -> str:
        return f"${self.coupling.latex}$"

    def quark_products(self) -> dict[tuple[str, str], float]:
        """q_alpha q_q for every flavour and quark (the Lagrangian-level coupling pattern)."""
        quarks = ("u", "d") if self.spin == "vector" else QUARKS
        return {
            (f, q): self.neutrino_charge(f) * self.quark_charge(q) for f in FLAVOURS for q in quarks
        }


def flavour_key(flavour: str) -> str:
    """``e``/``mu``/``tau`` of a flavour label (``nue``, ``nu_e``, ``numubar``, ``nux``...)."""
    key = flavour.lower().replace("_", "")
    if key.startswith("nu"):
        key = key[2:]
    key = key.removesuffix("bar")
    if key not in FLAVOURS:
        raise ConfigError(f"unknown neutrino flavour {flavour!r}; use e, mu or tau")
    return key


def axis_factor(source: MediatorModel, target: MediatorModel) -> float | None:
    """f with g_target = f g_source for the same physics, or None when not comparable.

    Two models describe the same interaction strength up to the coupling's size when they have
    the same spin and proportional quark-level coupling
    patterns q_alpha q_q with a positive ratio r: then g_nu g_q equal means
    k_t g_t^2 P_t = k_s g_s^2 P_s, i.e. f = sqrt(r k_s / k_t) with P_s = r P_t. For example
    [C21]'s Y (nucleon level, c_n = 13.8 per universal quark coupling) and [ST21]'s scalar g
    give Y = sqrt(13.8) g. Different sigma-term presets do not break comparability: the
    mapping is at the Lagrangian (quark) level. The lepton-number structure (which changes the
    SN-core physics, not the coupling strength) is not compared; figures say which is which.
    """
    if source.spin != target.spin:
        return None
    ps, pt = source.quark_products(), target.quark_products()
    ratio = None
    for key in ps:
        a, b = ps[key], pt[key]
        if (a == 0) != (b == 0):
            return None
        if a == 0:
            continue
        r = a / b
        if ratio is None:
            ratio = r
        elif not math.isclose(r, ratio, rel_tol=1e-12):
            return None
    if ratio is None or ratio <= 0:
        return None
    return math.sqrt(ratio * source.normalisation_factor() / target.normalisation_factor())
