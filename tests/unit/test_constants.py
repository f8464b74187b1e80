"""lightmed.constants: the CODATA edition of the installed scipy.constants is the cited one."""

from __future__ import annotations

import pytest

from lightmed import constants as lc

#: CODATA 2022 (NIST, physics.nist.gov/constants), MeV; CODATA 2018 differs in every one.
CODATA_2022 = {
    "M_ELECTRON_MEV": 0.51099895069,
    "M_NEUTRON_MEV": 939.56542194,
    "M_PROTON_MEV": 938.27208943,
    "M_U_MEV": 931.49410372,
}


@pytest.mark.parametrize(("name", "value"), sorted(CODATA_2022.items()))
def test_constants_are_codata_2022(name, value):
    assert getattr(lc, name) == value, (
        f"lightmed.constants.{name} = {getattr(lc, name)!r} is not CODATA 2022 ({value!r}): the "
        "installed SciPy ships another CODATA edition; lightmed cites CODATA 2022 (SciPy >= 1.15)"
    )


def test_hbarc_is_exact_in_the_si():
    # hbar, c and e are exact since the 2019 SI: hbar c = 197.326980459... MeV fm
    assert lc.HBARC_MEV_FM == pytest.approx(197.3269804593025, rel=1e-15)
