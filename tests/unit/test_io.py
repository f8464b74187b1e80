"""Artifact writer/reader: metadata contract, atomic writes, schema checks."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from lightmed.errors import ArtifactError
from lightmed.io import SCHEMAS, read_artifact, write_artifact


def _dataset(with_units=True):
    attrs = {"units": "MeV", "long_name": "temperature"} if with_units else {}
    ds = xr.Dataset(
        {
            "temperature": ("shell", np.array([1.0, 2.0]), attrs),
            "r_outer": ("shell", [1.0, 2.0], {"units": "km", "long_name": "r"}),
            "r_inner": ("shell", [0.0, 1.0], {"units": "km", "long_name": "r"}),
            "baryon_density": ("shell", [0.1, 0.2], {"units": "fm-3", "long_name": "n"}),
            "lepton_fraction": ("shell", [0.1, 0.2], {"units": "1", "long_name": "Y"}),
        },
        coords={"shell": ("shell", [1, 2], {"units": "1", "long_name": "shell"})},
    )
    return ds


def test_roundtrip_sets_contract_attrs(tmp_path):
    path = tmp_path / "profiles" / "x.nc"
    write_artifact(
        _dataset(),
        path,
        stage="profiles",
        title="t",
        rule="ingest_profile",
        wildcards={"snapshot": "x"},
        params={"a": 1},
        references=["C21"],
    )
    ds = read_artifact(path, stage="profiles")
    for attr in ("title", "source", "references", "Conventions", "lightmed_schema", "history"):
        assert ds.attrs[attr]
    assert ds.attrs["lightmed_schema"] == SCHEMAS["profiles"]
    assert "rule=ingest_profile" in ds.attrs["history"]
    assert "snapshot=x" in ds.attrs["history"]
    assert "arXiv:2106.11660" in ds.attrs["references"]
    np.testing.assert_array_equal(ds["temperature"], [1.0, 2.0])
    assert [p.name for p in path.parent.iterdir()] == ["x.nc"]  # no temp file left


def test_history_carries_upstream_lines(tmp_path):
    a = tmp_path / "a.nc"
    write_artifact(_dataset(), a, stage="profiles", title="t", rule="r1")
    upstream = read_artifact(a)
    b = tmp_path / "b.nc"
    write_artifact(_dataset(), b, stage="profiles", title="t", rule="r2", inputs=[upstream])
    lines = read_artifact(b).attrs["history"].splitlines()
    assert len(lines) == 2 and "rule=r1" in lines[0] and "rule=r2" in lines[1]


def test_params_change_changes_hash(tmp_path):
    paths = []
    for i, params in enumerate(({"x": 1}, {"x": 2})):
        p = tmp_path / f"{i}.nc"
        write_artifact(_dataset(), p, stage="profiles", title="t", rule="r", params=params)
        paths.append(read_artifact(p).attrs["history"].split("params_sha256=")[1])
    assert paths[0] != paths[1]


def test_missing_units_refused(tmp_path):
    with pytest.raises(ArtifactError, match="temperature.units"):
        write_artifact(
            _dataset(with_units=False), tmp_path / "x.nc", stage="profiles", title="t", rule="r"
        )
    assert not any(tmp_path.iterdir())


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", boom)
    with pytest.raises(OSError):
        write_artifact(_dataset(), tmp_path / "x.nc", stage="profiles", title="t", rule="r")
    assert list(tmp_path.iterdir()) == []


def test_reader_checks_schema_and_variables(tmp_path):
    path = tmp_path / "x.nc"
    write_artifact(_dataset(), path, stage="profiles", title="t", rule="r")
    with pytest.raises(ArtifactError, match="lightmed_schema"):
        read_artifact(path, stage="rmf")
    with pytest.raises(ArtifactError, match="missing required variable.*mu_nu"):
        read_artifact(path, required=["mu_nu"])
    with pytest.raises(ArtifactError, match="not found"):
        read_artifact(tmp_path / "nope.nc")
    (tmp_path / "bad.nc").write_text("not netcdf")
    with pytest.raises(ArtifactError, match="not a readable NetCDF"):
        read_artifact(tmp_path / "bad.nc")


def test_reader_drops_variables_on_request(tmp_path):
    path = tmp_path / "x.nc"
    write_artifact(_dataset(), path, stage="profiles", title="t", rule="r")
    ds = read_artifact(path, stage="profiles", required=("r_outer",), drop=("temperature",))
    assert "temperature" not in ds and "r_outer" in ds
    np.testing.assert_array_equal(read_artifact(path)["temperature"], [1.0, 2.0])


def test_artifacts_get_the_mode_of_an_ordinary_new_file(tmp_path):
    """mkstemp creates 0o600; the renamed artifact (and a store copy) must be 0o666 & ~umask."""
    import os

    from lightmed.store import ArtifactStore

    old = os.umask(0o022)
    try:
        path = tmp_path / "x.nc"
        write_artifact(_dataset(), path, stage="profiles", title="t", rule="r")
        assert path.stat().st_mode & 0o777 == 0o644
        store = ArtifactStore(tmp_path / "store")
        stored = store.publish("ab" * 32, path)
        assert stored.stat().st_mode & 0o777 == 0o644
        os.umask(0o002)
        copy = tmp_path / "copy" / "x.nc"
        assert store.fetch("ab" * 32, copy)
        assert copy.stat().st_mode & 0o777 == 0o664
    finally:
        os.umask(old)


def test_damage_inside_compressed_data_names_the_file_and_the_fix(tmp_path):
    """A header that opens but a damaged data chunk: the start-up check (header only) passes
    it, the reader's one line names the file and what to do."""
    from lightmed.smk.recovery import unreadable_reason

    n = 20000
    rng = np.random.default_rng(1)
    ds = xr.Dataset({"temperature": ("shell", rng.random(n), {"units": "MeV", "long_name": "T"})})
    path = tmp_path / "x.nc"
    write_artifact(ds, path, stage="profiles", title="t", rule="r")
    blob = bytearray(path.read_bytes())
    at = len(blob) // 2
    blob[at : at + 64] = bytes(b ^ 0xFF for b in blob[at : at + 64])
    path.write_bytes(bytes(blob))
    assert unreadable_reason(path) is None
    with pytest.raises(ArtifactError) as err:
        read_artifact(path)
    message = str(err.value)
    assert message.startswith(f"{path}: not a readable NetCDF artifact (")
    assert "delete it and run the same command again" in message


def test_damage_inside_an_uncompressed_coordinate_is_detected(tmp_path):
    """Coordinates are stored uncompressed: without a checksum a flipped byte there read back
    as a silently wrong radius. With Fletcher-32 the reader refuses the file."""
    radii = np.linspace(1.0, 2.0, 4000)
    ds = xr.Dataset(
        {"temperature": ("shell", np.ones(radii.size), {"units": "MeV", "long_name": "T"})},
        coords={"shell": ("shell", radii, {"units": "km", "long_name": "radius"})},
    )
    path = tmp_path / "x.nc"
    write_artifact(ds, path, stage="profiles", title="t", rule="r")
    blob = bytearray(path.read_bytes())
    at = blob.find(radii[2000:2002].tobytes())
    assert at > 0  # the coordinate's raw bytes are in the file
    blob[at] ^= 0x01
    path.write_bytes(bytes(blob))
    with pytest.raises(ArtifactError, match="delete it and run the same command again"):
        read_artifact(path)


def test_every_numeric_and_boolean_array_carries_a_checksum(tmp_path):
    """Boolean flags (int8 on disk, e.g. the bounds' `headline`) are checked like the rest."""
    import netCDF4

    ds = xr.Dataset(
        {
            "temperature": ("shell", [1.0, 2.0], {"units": "MeV", "long_name": "T"}),
            "headline": ("shell", [True, False], {"units": "1", "long_name": "quoted"}),
        },
        coords={"shell": ("shell", [1, 2], {"units": "1", "long_name": "shell"})},
    )
    path = tmp_path / "x.nc"
    write_artifact(ds, path, stage="profiles", title="t", rule="r")
    with netCDF4.Dataset(path) as nc:
        for name in ("temperature", "headline", "shell"):
            assert nc[name].filters()["fletcher32"], name
    assert read_artifact(path)["headline"].dtype == bool


def test_float_coordinate_variables_carry_no_fill_value(tmp_path):
    """CF-1.10 §5: a coordinate variable has no missing values, so no _FillValue either
    (xarray declares NaN as the fill of every float variable unless told otherwise); data
    variables keep theirs, and the values read back unchanged."""
    import netCDF4

    ds = xr.Dataset(
        {"rate": (("mass",), [1.0, np.nan], {"units": "1", "long_name": "rate"})},
        coords={"mass": ("mass", [0.1, 10.0], {"units": "MeV", "long_name": "mediator mass"})},
    )
    path = tmp_path / "x.nc"
    write_artifact(ds, path, stage="profiles", title="t", rule="r")
    with netCDF4.Dataset(path) as nc:
        assert "_FillValue" not in nc["mass"].ncattrs()
        assert "_FillValue" in nc["rate"].ncattrs()
    back = read_artifact(path)
    np.testing.assert_array_equal(back["mass"], [0.1, 10.0])
    assert np.isnan(back["rate"].values[1])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_coordinate_with_missing_values_is_refused(tmp_path, bad):
    ds = xr.Dataset(
        {"rate": (("mass",), [1.0, 2.0], {"units": "1", "long_name": "rate"})},
        coords={"mass": ("mass", [0.1, bad], {"units": "MeV", "long_name": "mediator mass"})},
    )
    with pytest.raises(ArtifactError, match=r"coordinate mass has NaN or infinite values"):
        write_artifact(ds, tmp_path / "x.nc", stage="profiles", title="t", rule="r")
    assert not any(tmp_path.iterdir())
