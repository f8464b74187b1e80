"""CEvNS targets as data: elements, isotopes, compounds (docs/targets.md).

A target is a list of nuclear species (A, Z, number of nuclei per formula unit) with a
nuclear-radius (form-factor) convention; a compound is several elements with stoichiometry
(CsI = Cs + I, CaWO4 = Ca + W + 4 O). Rates are sums over the species, each weighted by its
number of nuclei per tonne of target:

    N_T(species) = 1e6 g / M_formula [g/mol] x N_A x (nuclei per formula unit) x abundance,

with M_formula = sum over the formula's nuclei of A (the nucleus mass convention of [ST21]
Eq. 2, m_T = 931.5 MeV A, used throughout lightmed; atomic masses differ by < 0.1 %).

Presets: [ST21]'s single effective nuclei ``Xe`` (A = 131, Z = 54) and ``Pb`` (207, 82) — the
defaults, which reproduce the paper — and natural elements and compounds with the IUPAC/CIAAW
2013 representative isotopic compositions (J. Meija et al., Pure Appl. Chem. 88 (2016) 293):
``Xe_natural``, ``Pb_natural``, ``Ar``, ``Ge``, ``Si``, ``Na``, ``Cs``, ``I``, ``Ca``, ``W``,
``O``, ``CsI``, ``NaI``, ``CaWO4``. A config ``targets:`` block adds user targets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .constants import N_AVOGADRO
from .errors import ConfigError

#: Nuclear form factor conventions (lightmed.cevns implements them).
FORM_FACTORS: tuple[str, ...] = ("helm_st21", "helm_lewin_smith")


@dataclass(frozen=True)
class Nucleus:
    """One nuclear species of a target: mass number, charge, nuclei per formula unit.

    ``per_formula`` = stoichiometric count x isotopic abundance (mole fraction).
    """

    element: str
    A: int
    Z: int
    per_formula: float

    @property
    def N(self) -> int:
        return self.A - self.Z

    @property
    def label(self) -> str:
        return f"{self.A}{self.element}"


@dataclass(frozen=True)
class Target:
    """A CEvNS target: its nuclear species and form-factor convention."""

    name: str
    nuclei: tuple[Nucleus, ...]
    form_factor: str = "helm_st21"
    citation: str = ""
    title: str = ""

    def __post_init__(self):
        if not self.nuclei:
            raise ConfigError(f"targets.{self.name}: no nuclei")
        if self.form_factor not in FORM_FACTORS:
            raise ConfigError(
                f"targets.{self.name}.form_factor = {self.form_factor!r}; "
                f"choose one of {', '.join(FORM_FACTORS)}"
            )
        for nuc in self.nuclei:
            if not (0 < nuc.Z < nuc.A) and not (nuc.A == 1 and nuc.Z == 1):
                raise ConfigError(
                    f"targets.{self.name}: nucleus {nuc.label} needs 0 < Z < A (Z = {nuc.Z})"
                )
            if not nuc.per_formula > 0:
                raise ConfigError(
                    f"targets.{self.name}: nucleus {nuc.label} has a non-positive fraction"
                )

    @property
    def formula_mass(self) -> float:
        """Mass of one formula unit in units of the nucleon number [1] (sum of A)."""
        return sum(n.A * n.per_formula for n in self.nuclei)

    def nuclei_per_tonne(self, nucleus: Nucleus) -> float:
        """Nuclei of one species per metric tonne of target [1/t]."""
        return 1e6 / self.formula_mass * N_AVOGADRO * nucleus.per_formula

    def elements(self) -> list[str]:
        return list(dict.fromkeys(n.element for n in self.nuclei))

    def part(self, element: str) -> Target:
        """The sub-target of one element, keeping its nuclei per tonne of the whole target.

        Rates of the parts sum to the rate of the compound (a test checks CsI = Cs + I).
        """
        keep = tuple(n for n in self.nuclei if n.element == element)
        if not keep:
            raise ConfigError(f"target {self.name} has no element {element!r}")
        share = sum(n.A * n.per_formula for n in keep) / self.formula_mass
        return _Part(
            f"{self.name}:{element}",
            keep,
            self.form_factor,
            self.citation,
            f"{element} in {self.name}",
            share,
        )


@dataclass(frozen=True)
class _Part(Target):
    """An element of a compound, normalised per tonne of the whole compound."""

    mass_share: float = 1.0

    def nuclei_per_tonne(self, nucleus: Nucleus) -> float:
        # per tonne of the part x the part's mass share = per tonne of the whole compound
        return super().nuclei_per_tonne(nucleus) * self.mass_share


_IUPAC = (
    "IUPAC/CIAAW 2013 representative isotopic composition (Meija et al., Pure Appl. "
    "Chem. 88 (2016) 293)"
)
_ST21 = "[ST21] arXiv:2010.14545 single effective nucleus (Eq. 2, m_T = 931.5 A MeV)"

#: Natural isotopic compositions: element -> (Z, ((A, mole fraction), ...)).
ELEMENTS: dict[str, tuple[int, tuple[tuple[int, float], ...]]] = {
    "O": (8, ((16, 0.99757), (17, 0.00038), (18, 0.00205))),
    "Na": (11, ((23, 1.0),)),
    "Si": (14, ((28, 0.92223), (29, 0.04685), (30, 0.03092))),
    "Ar": (18, ((36, 0.003336), (38, 0.000629), (40, 0.996035))),
    "Ca": (
        20,
        ((40, 0.96941), (42, 0.00647), (43, 0.00135), (44, 0.02086), (46, 0.00004), (48, 0.00187)),
    ),
    "Ge": (32, ((70, 0.2057), (72, 0.2745), (73, 0.0775), (74, 0.3650), (76, 0.0773))),
    "I": (53, ((127, 1.0),)),
    "Xe": (
        54,
        (
            (124, 0.000952),
            (126, 0.000890),
            (128, 0.019102),
            (129, 0.264006),
            (130, 0.040710),
            (131, 0.212324),
            (132, 0.269086),
            (134, 0.104357),
            (136, 0.088573),
        ),
    ),
    "Cs": (55, ((133, 1.0),)),
    "W": (74, ((180, 0.0012), (182, 0.2650), (183, 0.1431), (184, 0.3064), (186, 0.2843))),
    "Pb": (82, ((204, 0.014), (206, 0.241), (207, 0.221), (208, 0.524))),
}

#: Compounds: name -> {element: atoms per formula unit}.
COMPOUNDS: dict[str, dict[str, int]] = {
    "CsI": {"Cs": 1, "I": 1},
    "NaI": {"Na": 1, "I": 1},
    "CaWO4": {"Ca": 1, "W": 1, "O": 4},
}


def natural_nuclei(element: str, count: float = 1.0) -> tuple[Nucleus, ...]:
    """The natural isotopes of ``element`` with ``count`` atoms per formula unit."""
    try:
        z, isotopes = ELEMENTS[element]
    except KeyError:
        raise ConfigError(
            f"unknown element {element!r}; known: {', '.join(ELEMENTS)} (or give A and Z)"
        ) from None
    total = sum(f for _, f in isotopes)
    return tuple(Nucleus(element, a, z, count * f / total) for a, f in isotopes)


def _natural(name: str) -> Target:
    return Target(name, natural_nuclei(name), citation=_IUPAC, title=f"natural {name}")


def _compound(name: str) -> Target:
    nuclei = tuple(n for el, k in COMPOUNDS[name].items() for n in natural_nuclei(el, k))
    return Target(name, nuclei, citation=_IUPAC, title=name)


TARGETS: dict[str, Target] = {
    "Xe": Target("Xe", (Nucleus("Xe", 131, 54, 1.0),), citation=_ST21, title="Xe (A = 131)"),
    "Pb": Target("Pb", (Nucleus("Pb", 207, 82, 1.0),), citation=_ST21, title="Pb (A = 207)"),
    "Xe_natural": Target("Xe_natural", natural_nuclei("Xe"), citation=_IUPAC, title="natural Xe"),
    "Pb_natural": Target("Pb_natural", natural_nuclei("Pb"), citation=_IUPAC, title="natural Pb"),
    **{el: _natural(el) for el in ("Ar", "Ge", "Si", "Na", "Cs", "I", "Ca", "W", "O")},
    **{c: _compound(c) for c in COMPOUNDS},
}


def target_from_config(name: str, entry: Mapping[str, Any]) -> Target:
    """A user target from a config ``targets.<name>`` entry.

    Either ``nuclei: [{A, Z, fraction}, ...]`` (fractions by number of nuclei; normalised) or
    ``composition: {element: atoms per formula unit}`` with natural isotopes; optional
    ``form_factor`` and ``title``.
    """
    form = entry.get("form_factor", "helm_st21")
    if "nuclei" in entry and "composition" in entry:
        raise ConfigError(f"targets.{name}: give either nuclei or composition, not both")
    if "nuclei" in entry:
        rows: Sequence[Mapping[str, Any]] = entry["nuclei"]
        total = sum(float(r.get("fraction", 1.0)) for r in rows)
        if not rows or not total > 0:
            raise ConfigError(f"targets.{name}.nuclei: needs entries with positive fractions")
        nuclei = tuple(
            Nucleus(
                str(r.get("element", f"Z{int(r['Z'])}")),
                int(r["A"]),
                int(r["Z"]),
                float(r.get("fraction", 1.0)) / total,
            )
            for r in rows
        )
    elif "composition" in entry:
        nuclei = tuple(
            n for el, k in dict(entry["composition"]).items() for n in natural_nuclei(el, k)
        )
    else:
        raise ConfigError(f"targets.{name}: needs nuclei: [{{A, Z, fraction}}] or composition")
    return Target(
        name,
        nuclei,
        form,
        citation="user-defined in the configuration",
        title=str(entry.get("title", name)),
    )


def get_target(name: str, targets_block: Mapping[str, Any] | None = None) -> Target:
    """The target ``name``: a user target of the config block, else a preset."""
    if targets_block and name in targets_block:
        return target_from_config(name, targets_block[name])
    if name in TARGETS:
        return TARGETS[name]
    known = list(targets_block or {}) + list(TARGETS)
    raise ConfigError(f"unknown CEvNS target {name!r}; known targets: {', '.join(known)}")
