"""Real Snakemake runs of the default pipeline in a temporary copy of the workflow."""

from __future__ import annotations

import re

import pytest
import xarray as xr

from lightmed.io import SCHEMAS, read_artifact

from helpers import REPO, SHARED_DATA, copy_workflow, run_snakemake

pytestmark = pytest.mark.slow


def _check_contract(ds: xr.Dataset, stage: str) -> None:
    for attr in ("title", "source", "references", "Conventions", "lightmed_schema", "history"):
        assert ds.attrs.get(attr), f"missing dataset attribute {attr}"
    assert ds.attrs["lightmed_schema"] == SCHEMAS[stage]
    for name, var in {**ds.coords, **ds.data_vars}.items():
        assert "units" in var.attrs and "long_name" in var.attrs, name


def test_profiles_and_rmf_artifacts(pipeline):
    for snapshot, n_shells in (("c21_t1s", 6), ("c21_t5s", 5)):
        profile = read_artifact(pipeline / f"results/profiles/{snapshot}.nc", stage="profiles")
        _check_contract(profile, "profiles")
        assert profile.sizes["shell"] == n_shells
        for nature in ("dirac", "majorana"):
            rmf = read_artifact(pipeline / f"results/rmf/{snapshot}_c21_{nature}.nc", stage="rmf")
            _check_contract(rmf, "rmf")
            assert rmf.sizes["shell"] == n_shells
            assert float(rmf["solver_residual"].max()) < 1e-8
            assert "rule=solve_rmf" in rmf.attrs["history"]
            assert "rule=ingest_profile" in rmf.attrs["history"]
            assert rmf.attrs["medium"] == "c21"
            assert (rmf["effective_mass_n"] == rmf["effective_mass"]).all()
            if nature == "majorana":
                assert abs(rmf["mu_nu"]).max() < 1e-9


def test_second_run_has_nothing_to_do(pipeline):
    proc = run_snakemake(pipeline, "-n")
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_report_is_self_contained_and_captions_every_figure(pipeline):
    """`snakemake --report report.html` (README): one HTML file, no external resource, every
    png figure and both key tables in it, every caption rendered."""
    proc = run_snakemake(pipeline, "--report", "report.html")
    html = (pipeline / "report.html").read_text()
    assert "Report created" in proc.stdout + proc.stderr
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    figures = sorted((pipeline / "results" / "figures").glob("*.png"))
    assert len(figures) >= 15
    for png in figures:
        assert png.name in html, f"{png.name} not in the report"
    for table in ("sn_core_bounds.csv", "detector_bounds.csv"):
        assert table in html
    for caption in ("Inputs: ``results/fluxes", "Projected CEvNS bounds of the summary"):
        assert caption.split("``")[0].strip() in html
    tables = pipeline / "results" / "tables"
    head = (tables / "sn_core_bounds.csv").read_text().splitlines()[0]
    assert head.startswith("model,coupling,bound,m = 0.01 MeV")


def test_lint_is_clean(pipeline):
    proc = run_snakemake(pipeline, "--lint", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("config", sorted((REPO / "config").glob("*.yaml")), ids=lambda p: p.name)
def test_dry_run_of_every_shipped_config(tmp_path, config):
    """Configs that read ../shared (config/fine_grid.yaml: Garching profiles) get it beside
    the copy, as beside a clone; without ../shared they are skipped."""
    workdir = copy_workflow(tmp_path / "main")
    if "../shared/" in config.read_text():
        if not SHARED_DATA.is_dir():
            pytest.skip(f"{config.name} reads ../shared, not found at {SHARED_DATA}")
        (tmp_path / "shared").symlink_to(SHARED_DATA.parent, target_is_directory=True)
    run_snakemake(workdir, "-n", "--configfile", str(workdir / "config" / config.name))


def test_config_typo_stops_before_any_job(tmp_path):
    workdir = copy_workflow(tmp_path)
    bad = workdir / "config" / "bad.yaml"
    bad.write_text(
        (workdir / "config" / "config.yaml")
        .read_text()
        .replace("  tolerance: 1.0e-10", "  tolerence: 1.0e-10")
    )
    proc = run_snakemake(workdir, "-n", "--configfile", str(bad), check=False)
    assert proc.returncode != 0
    assert "lightmed: config: unknown key 'tolerence' under 'rmf'" in proc.stderr
    assert not (workdir / "results").exists()


def test_malformed_profile_fails_with_one_line(tmp_path):
    workdir = copy_workflow(tmp_path)
    table = workdir / "resources/profiles/c21_t1s.csv"
    table.write_text(table.read_text().replace("3,10.0,28,0.15,0.25", "3,10.0,-28,0.15,0.25"))
    proc = run_snakemake(workdir, "results/profiles/c21_t1s.nc", check=False)
    assert proc.returncode != 0
    assert "column 'temperature_mev' = -28: must be > 0" in proc.stderr
    assert not (workdir / "results/profiles/c21_t1s.nc").exists()


@pytest.mark.requires_shared_data
def test_garching_snapshot_in_its_own_medium(tmp_path, shared_data):
    """A garching_profile snapshot with media [profile, dd2]: both rmf artifacts, one set of
    variables, the profile's mu_nu beside the solved one; g_nu from rmf.neutrino_degeneracy."""
    workdir = copy_workflow(tmp_path)
    path = shared_data / "sn_profiles" / "hydro-SFHo-s18.6-MUONS_tpb0.99948092s.txt"
    extra = workdir / "config" / "garching.yaml"
    extra.write_text(
        "snapshots:\n"
        f"  sfho:\n    format: garching_profile\n    path: {path}\n"
        "    shells: {radii_km: [5.0, 7.5, 10.0, 15.0, 17.5, 20.0]}\n"
        "    media: [profile, dd2]\n"
    )
    targets = [f"results/rmf/sfho_{m}_dirac.nc" for m in ("profile", "dd2")]
    run_snakemake(workdir, *targets, "--configfile", str(extra))
    profile = read_artifact(workdir / targets[0], stage="rmf")
    dd2 = read_artifact(workdir / targets[1], stage="rmf")
    _check_contract(profile, "rmf")
    _check_contract(dd2, "rmf")
    assert set(dd2.data_vars) <= set(profile.data_vars)
    xr.testing.assert_equal(profile["mu_nu"], profile["mu_nu_profile"])
    xr.testing.assert_equal(dd2["mu_nu_profile"], profile["mu_nu_profile"])
    assert float(abs(dd2["effective_mass_n"] - dd2["effective_mass_p"] - 1.29333).max()) < 1e-4
    assert profile.attrs["neutrino_degeneracy"] == 2.0


def test_no_coordinate_variable_of_any_artifact_declares_a_fill_value(pipeline):
    """CF-1.10 §5 (docs/artifacts.md "Coordinates"): every artifact of the default run, every
    stage, writes its dimension coordinates without ``_FillValue`` and with finite values."""
    import netCDF4
    import numpy as np

    files = sorted((pipeline / "results").glob("*/*.nc"))
    assert len(files) > 100
    for path in files:
        with netCDF4.Dataset(path) as nc:
            for dim in nc.dimensions:
                if dim in nc.variables:
                    var = nc.variables[dim]
                    assert "_FillValue" not in var.ncattrs(), f"{path.name}: {dim}"
                    if np.dtype(var.dtype).kind == "f":
                        assert np.isfinite(var[:]).all(), f"{path.name}: {dim}"


def test_structured_attributes_are_json(pipeline):
    """Parameter sets and upstream attributes stored as text are JSON, not Python reprs."""
    import json

    rates = read_artifact(pipeline / "results/rates/solar_xenonnt.nc", stage="rates")
    assert json.loads(rates.attrs["flux_attrs"])["spectrum_kind"] == "flux"
    rmf = read_artifact(pipeline / "results/rmf/c21_t1s_c21_dirac.nc", stage="rmf")
    assert json.loads(rmf.attrs["rmf_parameters"])["name"] == "C21"
