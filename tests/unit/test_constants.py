"""lightmed.constants: the written-out CODATA values are those of the installed scipy.constants."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from scipy import constants as sc

from lightmed import constants as lc

PC = sc.physical_constants


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("HBARC_MEV_FM", sc.hbar * sc.c / (sc.e * 1e6) * 1e15),
        ("C_M_PER_S", sc.c),
        ("C_KM_PER_S", sc.c / 1e3),
        ("M_ELECTRON_MEV", PC["electron mass energy equivalent in MeV"][0]),
        ("M_NEUTRON_MEV", PC["neutron mass energy equivalent in MeV"][0]),
        ("M_PROTON_MEV", PC["proton mass energy equivalent in MeV"][0]),
        ("M_U_MEV", PC["atomic mass constant energy equivalent in MeV"][0]),
        ("N_AVOGADRO", sc.N_A),
        ("M_U_G", sc.atomic_mass * 1e3),
        ("MEV_TO_ERG", sc.e * 1e6 * 1e7),
        ("KPC_CM", sc.parsec * 1e3 * 1e2),
        ("YEAR_S", sc.Julian_year),
        ("DAY_S", sc.day),
        ("M_SUN_G", 1.3271244e20 / sc.G * 1e3),
    ],
)
def test_constant_is_scipys_codata_value(name, expected):
    # Equal to the last bit: a SciPy with another CODATA edition fails here, by name.
    assert getattr(lc, name) == expected, (
        f"{name}: lightmed {getattr(lc, name)!r} != scipy.constants {expected!r}; "
        "lightmed.constants holds CODATA 2022: update it deliberately for another edition"
    )


def test_hbarc_in_mev_fm():
    assert math.isclose(lc.HBARC_MEV_FM, PC["reduced Planck constant times c in MeV fm"][0])


def test_import_does_not_load_scipy():
    code = "import sys, lightmed.constants, lightmed.models; print('scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
