"""The readable-artifact record of the start-up check (lightmed/smk/recovery.py).

An artifact found readable is not opened again while its size and modification time are
unchanged; a file truncated or rewritten after it was recorded is still caught.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from lightmed.smk import recovery


def _artifact(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    xr.Dataset({"x": ("i", np.arange(1000.0))}).to_netcdf(path)


def test_recorded_file_is_not_reopened_and_truncation_is_caught(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good, other = tmp_path / "results/a/good.nc", tmp_path / "results/b/other.nc"
    _artifact(good)
    _artifact(other)
    opened = []
    real = recovery.unreadable_reason
    monkeypatch.setattr(recovery, "unreadable_reason", lambda p: opened.append(str(p)) or real(p))

    assert recovery.quarantine_unreadable("results") == []
    assert sorted(opened) == ["results/a/good.nc", "results/b/other.nc"]
    assert recovery.CHECKED_RECORD.exists()

    opened.clear()
    assert recovery.quarantine_unreadable("results") == []
    assert opened == []  # both recorded, unchanged

    good.write_bytes(good.read_bytes()[:2000])  # truncated after it was recorded
    lines = recovery.quarantine_unreadable("results")
    assert opened == ["results/a/good.nc"]
    assert len(lines) == 1 and "good.nc was not readable NetCDF" in lines[0]
    assert not good.exists() and good.with_name("good.nc.unreadable").exists()

    opened.clear()
    _artifact(good)  # regenerated: a new file, checked once
    assert recovery.quarantine_unreadable("results") == []
    assert opened == ["results/a/good.nc"]


def test_dry_run_reports_without_moving_and_a_damaged_record_is_ignored(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "results/c/bad.nc"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"not netcdf")
    recovery.CHECKED_RECORD.parent.mkdir(parents=True)
    recovery.CHECKED_RECORD.write_text("{truncated json")
    lines = recovery.quarantine_unreadable("results", dry_run=True)
    assert len(lines) == 1 and "a real run moves it aside" in lines[0]
    assert bad.exists()
    # an unreadable file is never recorded as checked
    assert recovery.quarantine_unreadable("results", dry_run=True) == lines
