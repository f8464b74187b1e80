"""The timing line of every job log and how benchmarks/bench_pipeline.py reads it back."""

from __future__ import annotations

import importlib.util
import os
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
    """On Linux the age comes from /proc (a parse error would return None and pass)."""
    import time
    from pathlib import Path

    age = process_age_s()
    if not Path("/proc/self/stat").exists():
        assert age is None
        return
    assert age is not None and 0.0 < age < time.monotonic()  # younger than the machine


def _timed_log(path, start, end, startup, compute_cpu, startup_cpu):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"{start} INFO lightmed: rule r wildcards {{}}\n"
        f"{end} INFO lightmed: timing: compute 1.000 s (cpu {compute_cpu} s), start-up"
        f" {startup} s (cpu {startup_cpu} s), peak RSS 200 MB\n"
        f"{end} INFO lightmed: done\n"
    )


def test_job_span_from_the_logs_of_one_run(tmp_path, capsys):
    """First job process start (its first line minus its start-up), last job end, job CPU;
    logs older than the run are not counted."""
    bench = _bench()
    since = bench._stamp("2026-12-03 06:52:00,000 x")
    _timed_log(
        tmp_path / "logs" / "a" / "1.log",
        "2026-12-03 06:52:03,000",
        "2026-12-03 06:52:08,500",
        "1.00",
        "4.50",
        "0.90",
    )
    _timed_log(
        tmp_path / "logs" / "b" / "2.log",
        "2026-12-03 06:52:04,000",
        "2026-12-03 06:52:10,000",
        "1.50",
        "5.00",
        "1.10",
    )
    old = tmp_path / "logs" / "c" / "3.log"
    _timed_log(old, "2026-12-03 06:40:00,000", "2026-12-03 06:59:00,000", "1.0", "9.0", "1.0")
    os.utime(old, (since - 60.0, since - 60.0))
    start, end, cpu = bench.job_span(tmp_path, since)
    assert start == pytest.approx(2.0) and end == pytest.approx(10.0)
    assert cpu == pytest.approx(4.5 + 0.9 + 5.0 + 1.1)
    bench.print_span(tmp_path, since, 11.5, 2)
    out = capsys.readouterr().out
    assert "+2.0 s to +10.0 s" in out and "2.0 s before, 1.5 s after" in out
    assert "11.5 s of job CPU, 2 cores 72% busy" in out
    assert bench.job_span(tmp_path, time.time() + 3600.0) is None  # every log older
