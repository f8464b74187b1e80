"""CEvNS targets as data (lightmed.targets): presets, compounds, user targets."""

from __future__ import annotations

import pytest

from lightmed.constants import N_AVOGADRO
from lightmed.errors import ConfigError
from lightmed.targets import TARGETS, get_target, target_from_config


def test_st21_effective_nuclei():
    xe = TARGETS["Xe"]
    (nuc,) = xe.nuclei
    assert (nuc.A, nuc.Z, nuc.N) == (131, 54, 77)
    assert xe.nuclei_per_tonne(nuc) == pytest.approx(1e6 / 131 * N_AVOGADRO, rel=1e-15)


def test_natural_abundances_sum_to_one_and_mean_mass():
    """IUPAC 2013 compositions; mean mass numbers Xe 131.39, Ge 72.71, Ar 39.99, Pb 207.24."""
    for name, mean_a in (
        ("Xe_natural", 131.39),
        ("Ge", 72.71),
        ("Ar", 39.985),
        ("Pb_natural", 207.24),
    ):
        t = TARGETS[name]
        assert sum(n.per_formula for n in t.nuclei) == pytest.approx(1.0, abs=1e-9)
        assert t.formula_mass == pytest.approx(mean_a, abs=0.05)


def test_compound_parts_add_up():
    csi = TARGETS["CsI"]
    assert csi.elements() == ["Cs", "I"]
    whole = {n.label: csi.nuclei_per_tonne(n) for n in csi.nuclei}
    parts = {}
    for el in csi.elements():
        part = csi.part(el)
        parts.update({n.label: part.nuclei_per_tonne(n) for n in part.nuclei})
    assert parts == pytest.approx(whole, rel=1e-15)
    # one formula unit of CsI weighs 133 + 127 = 260 nucleon masses
    assert whole["133Cs"] == pytest.approx(1e6 / 260 * N_AVOGADRO, rel=1e-15)
    assert TARGETS["CaWO4"].elements() == ["Ca", "W", "O"]


def test_user_targets():
    t = target_from_config("ar40", {"nuclei": [{"A": 40, "Z": 18, "fraction": 2.0}]})
    assert t.nuclei[0].per_formula == 1.0
    c = get_target("mine", {"mine": {"composition": {"Na": 1, "I": 1}}})
    assert c.formula_mass == pytest.approx(TARGETS["NaI"].formula_mass)
    with pytest.raises(ConfigError, match="unknown element"):
        target_from_config("x", {"composition": {"Xx": 1}})
    with pytest.raises(ConfigError, match="needs 0 < Z < A"):
        target_from_config("x", {"nuclei": [{"A": 10, "Z": 12}]})
    with pytest.raises(ConfigError, match="unknown CEvNS target"):
        get_target("Unobtainium")
