"""The ``lightmed`` console command: list registries and config entries, summarise artifacts.

Artifacts are real: written by :func:`lightmed.io.write_artifact` (the pipeline's writer) and
read back by ``lightmed show``; configs are real files merged over config/config.yaml the way
Snakemake merges ``--configfile``.
"""

from __future__ import annotations

import io
import math
import subprocess
import sys
import tomllib

import numpy as np
import pytest
import xarray as xr

from lightmed import __version__, cli
from lightmed.io import SCHEMAS, with_attrs, write_artifact
from lightmed.models import ALL_CRITERIA, PRESETS
from lightmed.targets import TARGETS

from helpers import REPO

MASSES = np.geomspace(0.01, 1000.0, 11)  # 0.01 ... 1000 MeV, two points per decade


def run(argv, capsys):
    """main(argv) -> (exit status, stdout, stderr)."""
    status = cli.main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def line_of(text: str, first_word: str) -> str:
    """The output line whose first column is ``first_word``."""
    for line in text.splitlines():
        if line.split() and line.split()[0] == first_word:
            return line
    raise AssertionError(f"no line starting with {first_word!r} in:\n{text}")


def write_bounds(path, *, schema_stage="bounds"):
    """A small SN-core-bounds-like artifact: coupling_bound on (criterion, mass) + intervals."""
    bound = np.array([1e-5 * (1 + MASSES / 10.0), 3e-4 * np.ones_like(MASSES)])
    bound[1, -1] = np.nan  # nothing excluded at the heaviest mass
    n_int = np.ones(bound.shape, dtype=int)
    n_int[0, 4] = 2  # an island at the fifth mass (1 MeV)
    ds = xr.Dataset(
        {
            "coupling_bound": with_attrs(
                xr.DataArray(bound, dims=("criterion", "mass")),
                "1",
                "smallest coupling violating the criterion",
            ),
            "n_intervals": with_attrs(
                xr.DataArray(n_int, dims=("criterion", "mass")), "1", "number of intervals"
            ),
        },
        coords={
            "criterion": with_attrs(
                xr.DataArray(["dt_10s", "dt_2sm"], dims="criterion"), "1", "criterion"
            ),
            "mass": with_attrs(xr.DataArray(MASSES, dims="mass"), "MeV", "mediator mass"),
        },
        attrs={"model": "bl_vector", "coupling_name": "g_BL"},
    )
    upstream = xr.Dataset(attrs={"history": "2026-01-01T00:00:00Z lightmed 0.1.0 rule=solve_rmf"})
    return write_artifact(
        ds,
        path,
        stage=schema_stage,
        title="SN-core bounds (test): bl_vector",
        rule="compute_sn_core_bounds",
        wildcards={"model": "bl_vector"},
        params={"dt_max_s": 10.0},
        references=["C21"],
        inputs=[upstream],
    )


# ---------------------------------------------------------------------------------------- show
def test_show_bound_artifact(tmp_path, capsys):
    path = write_bounds(tmp_path / "sn_core_bl_vector.nc")
    status, out, err = run(["show", str(path)], capsys)
    assert status == 0 and err == ""
    assert f"schema {SCHEMAS['bounds']}" in out and "stage   : bounds" in out
    assert "SN-core bounds (test): bl_vector" in out
    assert f"lightmed {__version__}" in out and "arXiv:2106.11660" in out
    assert "dimensions: criterion=2, mass=11" in out
    assert "0.01 ... 1000 (log-spaced)" in line_of(out, "mass")
    assert "[MeV]" in line_of(out, "mass")
    assert "smallest coupling violating the criterion" in line_of(out, "coupling_bound")
    assert "model = bl_vector" in out
    # history: the upstream line carried forward, then this rule's own line
    assert "history (2 lines" in out
    assert "rule=solve_rmf" in out and "rule=compute_sn_core_bounds" in out
    # the bound table: columns at the decades 0.01 ... 1000 MeV, one row per criterion
    head = out[out.index("bound: coupling_bound") :]
    assert "g_BL" in head.splitlines()[0]
    assert line_of(head, "criterion").split()[1:] == ["0.01", "0.1", "1", "10", "100", "1000"]
    row = line_of(head, "dt_10s").split()[1:]
    expected = [f"{1e-5 * (1 + m / 10.0):.3g}" for m in (0.01, 0.1, 1, 10, 100, 1000)]
    expected[2] += "*"  # the island at 1 MeV
    assert row == expected
    assert line_of(head, "dt_2sm").split()[-1] == "none"


def test_show_plain_artifact_has_no_bound_table(tmp_path, capsys):
    ds = xr.Dataset(
        {"temperature": with_attrs(xr.DataArray([15.0, 20.0], dims="shell"), "MeV", "T")},
        coords={"shell": with_attrs(xr.DataArray([1, 2], dims="shell"), "1", "shell index")},
    )
    path = write_artifact(ds, tmp_path / "p.nc", stage="profiles", title="profile", rule="r")
    status, out, _ = run(["show", str(path)], capsys)
    assert status == 0
    assert "stage   : profiles" in out and "bound:" not in out
    assert "shell" in out and "1, 2" in line_of(out, "shell")
    assert "history (1 line," in out


def test_show_flags_stale_schema_and_foreign_files(tmp_path, capsys):
    stale = xr.Dataset(attrs={"lightmed_schema": "lightmed.bounds/0", "title": "old"})
    stale.to_netcdf(tmp_path / "stale.nc")
    status, out, _ = run(["show", str(tmp_path / "stale.nc")], capsys)
    assert status == 0 and f"this lightmed writes {SCHEMAS['bounds']}" in out
    xr.Dataset({"x": ("a", [1.0, 2.0])}).to_netcdf(tmp_path / "foreign.nc")
    status, out, _ = run(["show", str(tmp_path / "foreign.nc")], capsys)
    assert status == 0 and "not a lightmed artifact" in out and "[?]" in line_of(out, "x")


def test_show_all_prints_every_history_line(tmp_path, capsys):
    path = write_bounds(tmp_path / "b.nc")
    lines = "\n".join(f"2026-01-01T00:00:0{i}Z lightmed 0.1.0 rule=step{i}" for i in range(9))
    with xr.open_dataset(path) as ds:
        ds = ds.load()
    ds.attrs["history"] = lines
    ds.to_netcdf(tmp_path / "long.nc")
    _, short, _ = run(["show", str(tmp_path / "long.nc")], capsys)
    _, full, _ = run(["show", "--all", str(tmp_path / "long.nc")], capsys)
    assert "rule=step0" not in short and "rule=step8" in short and "last 6 shown" in short
    assert all(f"rule=step{i}" in full for i in range(9))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: d / "missing.nc", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: (d / "t.txt").write_text("not netcdf") and d / "t.txt", "not a readable"),
        (lambda d: (d / "b.csv").write_text("mass_mev,coupling\n") and d / "b.csv", "CSV table"),
    ],
)
def test_show_errors_are_one_line(tmp_path, capsys, make, message):
    path = make(tmp_path)
    status, out, err = run(["show", str(path)], capsys)
    assert status == cli.EXIT_ERROR and out == ""
    assert err.count("\n") == 1 and err.startswith("lightmed: error: ") and message in err


# ---------------------------------------------------------------------------------------- list
def test_list_models_presets_without_config(capsys):
    status, out, _ = run(["list", "models", "--no-default-config"], capsys)
    assert status == 0 and "config: none" in out
    for name in PRESETS:
        assert line_of(out, name)
    bl = line_of(out, "bl_vector").split()
    # B-L: quark charge 1/3, lepton charge -1, nucleon charges 1, coupling g_BL, Dirac
    assert bl[:7] == ["bl_vector", "preset", "vector", "u,d=1/3", "1,", "1", "e,mu,tau=-1"]
    assert "g_BL" in bl and "dirac" in bl and "dt_10s," in bl
    scalar = line_of(out, "scalar")
    assert "15.1, 14 [st21]" in scalar and "n/a:" in scalar  # [ST21]'s Q_s = 14A + 1.1Z
    assert "majorana/lnv" in line_of(out, "lnv_scalar")
    assert "no coupling to nu_e" in line_of(out, "b3lmu_vector")


def test_list_with_user_config_merged_like_snakemake(tmp_path, capsys, monkeypatch):
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "models:\n"
        "  u_vector:\n"
        "    spin: vector\n"
        "    quark_charges: {u: 1, d: 0}\n"
        "    neutrino_charges: {e: 1}\n"
        "    coupling: {name: g_u, latex: g_u}\n"
        "targets:\n"
        "  ar40: {nuclei: [{A: 40, Z: 18}]}\n"
        "detectors:\n"
        "  argon: {target: ar40, mass_t: 3.5, threshold_kev: 5.0}\n"
    )
    monkeypatch.chdir(REPO)
    status, out, _ = run(["list", "models", "--configfile", str(extra)], capsys)
    assert status == 0 and f"config: config/config.yaml + {extra}" in out
    user = line_of(out, "u_vector").split()
    # c_p = 2 q_u + q_d = 2, c_n = q_u + 2 q_d = 1; the default config's models are kept
    assert user[:7] == ["u_vector", "config", "vector", "u=1", "2,", "1", "e=1"]
    assert "sn_core detectors" in line_of(out, "u_vector")
    assert "sn_core detectors" in line_of(out, "bl_vector")
    _, out, _ = run(["list", "targets", "--configfile", str(extra)], capsys)
    assert line_of(out, "ar40").split()[:5] == ["ar40", "config", "40.00", "helm_st21", "argon"]
    _, out, _ = run(["list", "detectors", "--configfile", str(extra)], capsys)
    assert line_of(out, "argon").split()[:6] == ["argon", "ar40", "[Z18", "(Z=18):", "A=40]", "3.5"]
    assert line_of(out, "resnova3").split()[-5:] == ["456", "1", "2", "1", "-"]


def test_list_targets_sources_criteria_of_the_default_config(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    _, out, _ = run(["list", "targets"], capsys)
    for name in TARGETS:
        assert line_of(out, name)
    assert "resnova1, resnova3" in line_of(out, "Pb")
    assert "Cs (Z=55): A=133; I (Z=53): A=127" in line_of(out, "CsI")
    assert "O (Z=8) x4: 3 isotopes A=16-18" in line_of(out, "CaWO4")
    _, out, _ = run(["list", "sources"], capsys)
    assert "embedded: garching_s27.0co_14s" in line_of(out, "sn_ccsn")
    assert "weaker bound of sn_ccsn, sn_failed" in line_of(out, "sn_marginalised")
    assert "8B 5.46e+06" in line_of(out, "B16-GS98")
    _, out, _ = run(["list", "criteria"], capsys)
    for crit in ALL_CRITERIA:
        fields = line_of(out, crit)
        assert "docs/physics.md §4." in fields and not fields.rstrip().endswith(" -")
    assert "bl_vector, lnc_scalar, lnv_scalar" in line_of(out, "dt_10s")
    assert line_of(out, "nur_conversion").split()[5] == "lnc_scalar"
    assert "[ST21] radial" in line_of(out, "tau_10s")


def test_yaml_errors_name_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n  vector: {}\n  scalar: [oops\n")
    status, out, err = run(
        ["list", "models", "--no-default-config", "--configfile", str(bad)], capsys
    )
    assert status == cli.EXIT_ERROR and out == "" and err.count("\n") == 1
    assert f"{bad}:" in err and "YAML syntax error" in err
    line = int(err.split(f"{bad}:")[1].split(":")[0])
    assert line in (3, 4)  # the unclosed flow sequence starts on line 3


@pytest.mark.parametrize(
    "text, message",
    [
        ("rmf: {tolerence: 1e-10}\n", "unknown key 'tolerence' under 'rmf'"),
        ("detectors:\n  x: {target: Unobtainium, mass_t: 1}\n", "detectors.x.target"),
        ("models:\n  m: {spin: vector}\n", "models.m: a new model needs"),
        ("- a list\n", "must be a YAML mapping"),
    ],
)
def test_config_errors_are_one_line(tmp_path, capsys, text, message):
    bad = tmp_path / "c.yaml"
    bad.write_text(text)
    status, out, err = run(
        ["list", "models", "--no-default-config", "--configfile", str(bad)], capsys
    )
    assert status == cli.EXIT_ERROR and out == ""
    assert err.count("\n") == 1 and message in err, err


def test_missing_configfile_and_usage_errors(tmp_path, capsys):
    status, _, err = run(["list", "models", "--configfile", str(tmp_path / "no.yaml")], capsys)
    assert status == cli.EXIT_ERROR and "config file not found" in err and err.count("\n") == 1
    for argv in (["list", "nonsense"], [], ["show"]):
        with pytest.raises(SystemExit) as stop:
            cli.main(argv)
        err = capsys.readouterr().err
        assert stop.value.code == cli.EXIT_ERROR and err.count("\n") == 1, err


# ------------------------------------------------------------------------- the installed command
def test_console_script_is_declared():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, func = scripts["lightmed"].partition(":")
    assert module == "lightmed.cli" and callable(getattr(cli, func))


def test_command_line_errors_have_no_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "lightmed", "show", str(tmp_path / "missing.nc")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == cli.EXIT_ERROR
    assert proc.stderr == f"lightmed: error: {tmp_path / 'missing.nc'}: no such file\n"
    assert "Traceback" not in proc.stdout + proc.stderr


def test_list_starts_without_heavy_imports():
    """Fast start-up: listing models/targets/detectors imports neither xarray nor numba."""
    code = (
        "import sys\n"
        "from lightmed.cli import main\n"
        "for what in ('models', 'targets', 'detectors', 'sources'):\n"
        "    assert main(['list', what]) == 0\n"
        "heavy = {'xarray', 'numba', 'matplotlib', 'snakemake', 'pandas'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr


def test_number_format():
    assert cli._fmt(1 / 3, fractions=True) == "1/3"
    assert cli._fmt(-3.0) == "-3" and cli._fmt(15.1, fractions=True) == "15.1"
    assert cli._fmt(2.4) == "2.4" and cli._fmt(1e-5) == "1e-05"
    assert cli._charges({"u": 1 / 3, "d": 1 / 3, "s": 0.0}, ("u", "d", "s")) == "u,d=1/3"
    assert math.isclose(float(cli._fmt(math.pi)), 3.142)


def test_show_reads_from_stdout_object(tmp_path):
    """show writes to the given stream (used by the report and tests)."""
    path = write_bounds(tmp_path / "b.nc")
    buffer = io.StringIO()
    cli.show_artifact(path, buffer)
    assert buffer.getvalue().startswith(f"{path}\n")
