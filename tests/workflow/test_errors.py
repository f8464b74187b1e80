"""Every expected error is exactly one line on the terminal (real Snakemake runs, captured).

The default profile's logger plugin (workflow/snakemake_logger_plugin_lightmed) prints the
``lightmed: ...`` line of a failed job once and drops Snakemake's CalledProcessError block.
"""

from __future__ import annotations

import pytest

from helpers import copy_workflow, run_snakemake

pytestmark = pytest.mark.slow


def _lightmed_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.startswith("lightmed:")]


def _assert_one_line(proc, expected: str) -> None:
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    lines = _lightmed_lines(out)
    assert len(lines) == 1, out
    assert expected in lines[0], out
    for noise in ("CalledProcessError", "Traceback", "RuleException", "WorkflowError"):
        assert noise not in out, out


@pytest.fixture
def workdir(tmp_path):
    return copy_workflow(tmp_path / "wf")


def test_malformed_input_file(workdir):
    table = workdir / "resources/profiles/c21_t1s.csv"
    table.write_text(table.read_text().replace("3,10.0,28,0.15,0.25", "3,10.0,-28,0.15,0.25"))
    proc = run_snakemake(workdir, "results/profiles/c21_t1s.nc", check=False)
    _assert_one_line(proc, "column 'temperature_mev' = -28: must be > 0")


def test_missing_column(workdir):
    table = workdir / "resources/profiles/c21_t1s.csv"
    text = table.read_text().splitlines()
    table.write_text("\n".join(",".join(r.split(",")[:-1]) for r in text) + "\n")
    proc = run_snakemake(workdir, "results/profiles/c21_t1s.nc", check=False)
    _assert_one_line(proc, "missing column(s) lepton_fraction")


def test_config_typo_and_range(workdir):
    cfg = workdir / "config/config.yaml"
    text = cfg.read_text()
    bad = workdir / "typo.yaml"
    bad.write_text(text.replace("  tolerance: 1.0e-10", "  tolerence: 1.0e-10"))
    proc = run_snakemake(workdir, "-n", "--configfile", str(bad), check=False)
    _assert_one_line(proc, "unknown key 'tolerence' under 'rmf'")
    bad.write_text(text.replace("  tolerance: 1.0e-10", "  tolerance: 1.0"))
    proc = run_snakemake(workdir, "-n", "--configfile", str(bad), check=False)
    _assert_one_line(proc, "rmf.tolerance = 1.0 is out of range")


def test_yaml_syntax_error_names_file_and_line(workdir):
    bad = workdir / "broken.yaml"
    bad.write_text("rmf:\n  overrides: {g_rho: 4.7\n")
    proc = run_snakemake(workdir, "-n", "--configfile", str(bad), check=False)
    _assert_one_line(proc, "broken.yaml line 3, column 1")


def test_cross_field_config_errors_stop_before_any_job(workdir):
    """Checks between keys (threshold vs recoil range, min < max, model names, input paths)
    run when the config is validated: one line, no job, no MissingInputException."""
    cases = [
        (
            "detectors:\n  resnova3: {threshold_kev: 150.0}\n",
            "detectors.resnova3.threshold_kev = 150.0 plus bin_width_kev = 2.0 exceeds "
            "rates.recoil_max_kev = 101.0",
        ),
        (
            "rates: {mass_min_mev: 1.0e+5}\n",
            "rates.mass_min_mev = 100000.0 must be below rates.mass_max_mev",
        ),
        (
            "constraints: {models: [vector, vektor]}\n",
            "constraints.models[1] = 'vektor' is not a model preset",
        ),
        (
            "sources:\n  sn_ccsn: {path: ../shared/data/sn_emission/garching_LS220_s27.0c0}\n",
            "sources.sn_ccsn.path = '../shared/data/sn_emission/garching_LS220_s27.0c0': "
            "not found; correct the path",
        ),
    ]
    bad = workdir / "bad.yaml"
    for text, expected in cases:
        bad.write_text(text)
        proc = run_snakemake(workdir, "-n", "--configfile", str(bad), check=False)
        _assert_one_line(proc, expected)
        assert "MissingInputException" not in proc.stdout + proc.stderr


def test_nested_config_override(workdir):
    """`--config 'figures={dpi: 200}'` works (Snakemake passes the nested 200 as a string)."""
    proc = run_snakemake(workdir, "-n", "--config", "figures={dpi: 200}", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run_snakemake(workdir, "-n", "--config", "figures={dpi: abc}", check=False)
    _assert_one_line(proc, "figures.dpi = 'abc' must be of type integer")
