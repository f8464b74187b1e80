"""Key bound tables of the report (lightmed.report_tables) on synthetic artifacts."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from lightmed.report_tables import at_masses, detector_table, sn_core_table


def test_log_interpolation_and_grid_edges():
    mass = np.array([0.1, 1.0, 10.0])
    bound = np.array([1e-5, 1e-4, np.nan])
    out = at_masses(mass, bound, [0.01, 0.1, np.sqrt(0.1), 1.0, 3.0, 10.0, 100.0])
    assert np.isnan(out[0]) and np.isnan(out[-1])  # off the grid
    assert out[1] == 1e-5 and out[3] == 1e-4
    assert out[2] == pytest.approx(np.sqrt(1e-5 * 1e-4))  # straight line in log-log
    assert np.isnan(out[4]) and np.isnan(out[5])  # undefined neighbour: no number invented


def test_tables_name_their_rows():
    mass = np.geomspace(0.01, 1000, 11)
    sens = xr.Dataset(
        {"coupling_bound": (("sigma_norm", "mass"), [2e-6 * (1 + mass / 10)])},
        coords={"sigma_norm": [0.1], "mass": mass},
        attrs={"neutrino_source": "solar", "combo": "resnova3+darwin"},
    )
    df = detector_table({"scalar": [sens]})
    assert list(df.iloc[0][:4]) == ["scalar", "solar", "resnova3+darwin", "10%"]
    assert df.iloc[0]["m = 10 MeV"] == pytest.approx(4e-6)
    na = xr.Dataset(coords={"mass": mass}, attrs={"model": "b3lmu_vector", "not_applicable": "x"})
    rows = sn_core_table([na])
    assert rows.iloc[0]["bound"] == "not applicable: x" and rows.iloc[0]["model"] == "b3lmu_vector"
