"""The timing line of every job log and how benchmarks/bench_pipeline.py reads it back."""

from __future__ import annotations

import importlib.util
import time
from types import SimpleNamespace

import pytest

from lightmed.errors import InputError
from lightmed.logs import TIMING_MARKER, process_age_s, run_rule

from helpers import REPO


def _bench():
    spec = importlib.util.spec_from_file_location(
        "bench_pipeline", REPO / "benchmarks" / "bench_pipeline.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _job(tmp_path, rule="compute_x"):
    log = tmp_path / "logs" / rule / "a.log"
    return SimpleNamespace(log=[str(log)], rule=rule, wildcards={}), log


def test_run_rule_logs_compute_and_startup_read_back_by_the_benchmark(tmp_path):
    job, log = _job(tmp_path)
    run_rule(lambda snakemake, logger: time.sleep(0.05), job)
    lines = log.read_text().splitlines()
    assert TIMING_MARKER in lines[-2] and lines[-1].endswith(" done")
    timing = _bench().log_timing(log)
    assert 0.05 <= timing["compute"] < 5.0
    assert 0.0 <= timing["compute_cpu"] < 0.05  # sleeping costs no CPU
    assert timing["startup"] >= 0.0 and timing["startup_cpu"] > 0.0
    assert 10.0 < timing["rss"] < 100_000.0
    compute = timing["compute"]
    table = _bench().per_rule(tmp_path)
    assert table["compute_x"]["jobs"] == 1
    assert table["compute_x"]["compute"] == pytest.approx(compute)


def test_failed_job_has_no_timing(tmp_path):
    job, log = _job(tmp_path)

    def fail(snakemake, logger):
        raise InputError("bad.csv: row 1: broken")

    with pytest.raises(SystemExit):
        run_rule(fail, job)
    assert _bench().log_timing(log) is None


def test_log_without_timing_line_uses_time_stamps(tmp_path):
    log = tmp_path / "old.log"
    log.write_text(
        "2026-12-03 06:52:01,309 INFO lightmed: rule r wildcards {}\n"
        "2026-12-03 06:52:08,133 INFO lightmed: done\n"
    )
    assert _bench().log_timing(log) == {"compute": pytest.approx(6.824)}


def test_dry_run_job_stats_parsed():
    out = (
        "Building DAG of jobs...\nJob stats:\njob                count\n"
        "---------------  -------\nall                  1\ncompute_rates        4\n"
        "total                5\n\n"
    )
    assert _bench().job_stats(out) == {"all": 1, "compute_rates": 4}


def test_process_age_is_positive():
    age = process_age_s()
    assert age is None or age > 0.0
