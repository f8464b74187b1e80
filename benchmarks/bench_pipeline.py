"""Benchmark: the default pipeline cold, which stage costs what, reruns, and a fine-grid projection.

    python benchmarks/bench_pipeline.py [--cores 2] [--reruns [--repeat N]] [--keep DIR]
    python benchmarks/bench_pipeline.py --fine [--fine-config config/fine_grid.yaml]
    python benchmarks/bench_pipeline.py --analyse DIR      # tables of a finished run only

Default mode: copies the repository without results, logs, .snakemake or caches (numba's cache
too: a cold start, as after an install) into a temporary directory, runs ``snakemake --cores N``
there and prints the wall time, the number of jobs, per rule the in-process compute (the rule
code, from the ``timing:`` line ``lightmed.logs.run_rule`` writes to every job log, or the
log's first and last time stamps for older logs), the start-up of each job (interpreter,
Snakemake's script preamble, imports) and the peak memory (``benchmark:`` files), and the
overhead ratio wall / compute, and when the jobs ran (Snakemake alone before the first job
and after the last; job CPU over span x cores). ``--reruns`` then edits the config as a user
would and reruns: a figure-style change (``figures.dpi``) and a detector threshold change
(``detectors.darwin.threshold_kev``); each rerun's wall time and the jobs it ran are printed.
``--repeat N`` times each change N times (undoing it in between, which reruns the same jobs)
and prints the min and median wall: on a shared machine other users' load only adds time.

``--fine``: a cluster-sized config (``config/fine_grid.yaml``: 400 masses x 400 couplings for
every model, 10 snapshots from the Garching profiles of ``../shared/data/sn_profiles``): a dry
run counts the jobs per rule, then a sample (one job of each physics rule on one snapshot,
with what it needs) runs for real; printed: jobs per rule, measured runtime and peak memory
per sampled job, and the projected core-hours (jobs x runtime x threads per rule).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import yaml

from lightmed.workdir import copy_workflow

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LIGHTMED_SHARED_DIR", REPO.parent / "shared"))
STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")
TIMING = re.compile(
    r"timing: compute (?P<compute>[\d.]+) s(?: \(cpu (?P<compute_cpu>[\d.]+) s\))?,"
    r" start-up (?P<startup>[\d.]+|n/a) s(?: \(cpu (?P<startup_cpu>[\d.]+) s\))?"
    r"(?:, peak RSS (?P<rss>[\d.]+|n/a) MB)?"
)
FINISHED = re.compile(r"Finished jobid: \d+ \(Rule: (\w+)\)")


def copy_repo(dest: Path) -> Path:
    """The workflow without results, logs, .snakemake and caches (a cold checkout)."""
    return copy_workflow(REPO, dest)


def job_env(workdir: Path) -> dict[str, str]:
    """Jobs import the copy's lightmed (the code being measured)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(workdir / "workflow")
    env.pop("NUMBA_CACHE_DIR", None)  # the Snakefile points it into the (cold) copy
    return env


#: CPU seconds (user + system) of the last snakemake() call: Snakemake and all its jobs.
LAST_CPU = [0.0]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def snakemake(workdir: Path, *args: str, cores: int = 2) -> tuple[float, str]:
    """Run Snakemake in ``workdir``; (wall seconds, its terminal output)."""
    cmd = [sys.executable, "-m", "snakemake", "--cores", str(cores), *args]
    t0, cpu0 = time.perf_counter(), _children_cpu()
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, env=job_env(workdir))
    wall = time.perf_counter() - t0
    LAST_CPU[0] = _children_cpu() - cpu0
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        sys.exit(f"bench_pipeline: `{' '.join(cmd[2:])}` failed in {workdir}:\n{out[-3000:]}")
    return wall, out


def finished(output: str) -> dict[str, int]:
    """Jobs that ran, per rule (Snakemake's `Finished jobid` lines)."""
    counts: dict[str, int] = defaultdict(int)
    for rule in FINISHED.findall(output):
        counts[rule] += 1
    return dict(counts)


def _stamp(line: str) -> float | None:
    found = STAMP.match(line)
    if not found:
        return None
    return datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()


def log_timing(path: Path) -> dict[str, float] | None:
    """What one job log says: compute and start-up [s] (wall and cpu) and peak RSS [MB]; keys
    the log does not give are missing (older logs: compute from the time stamps). None if
    the job did not finish."""
    return _timing(path.read_text(errors="replace").splitlines())


def _timing(lines: list[str]) -> dict[str, float] | None:
    for line in reversed(lines):
        found = TIMING.search(line)
        if found:
            return {k: float(v) for k, v in found.groupdict().items() if v not in (None, "n/a")}
    stamps = [s for s in map(_stamp, lines) if s is not None]
    if len(stamps) < 2 or not lines[-1].endswith(" done"):
        return None
    return {"compute": stamps[-1] - stamps[0]}


def benchmark_row(path: Path) -> dict[str, float]:
    """Snakemake's benchmark TSV: s (job process wall), max_rss (MB), ..."""
    head, row = path.read_text().splitlines()[:2]
    out = {}
    for key, value in zip(head.split("\t"), row.split("\t"), strict=True):
        try:
            out[key] = float(value)
        except ValueError:
            pass
    return out


def run_logs(workdir: Path, since: float = 0.0):
    """(path, lines, timing) of every finished job's log written after ``since``, in path order."""
    for log in sorted((workdir / "logs").rglob("*.log")):
        if log.stat().st_mtime < since:
            continue
        lines = log.read_text(errors="replace").splitlines()
        timing = _timing(lines)
        if timing is not None:
            yield log, lines, timing


def per_rule(workdir: Path, since: float = 0.0) -> dict[str, dict[str, float]]:
    """Per rule: jobs, compute, start-up and process-wall sums, peak RSS; only files written
    after ``since`` (a rerun)."""
    table: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for log, _, timing in run_logs(workdir, since):
        rule = log.relative_to(workdir / "logs").parts[0]
        row = table[rule]
        row["jobs"] += 1
        for key in ("compute", "compute_cpu", "startup", "startup_cpu"):
            if key in timing:
                row[key] += timing[key]
                row[f"n_{key}"] += 1
        row["max_rss"] = max(row["max_rss"], timing.get("rss", 0.0))
        bench = workdir / "benchmarks" / "results" / log.relative_to(workdir / "logs")
        bench = bench.with_suffix(".tsv")
        if bench.exists():
            b = benchmark_row(bench)
            row["process"] += b.get("s", 0.0)
            row["max_rss"] = max(row["max_rss"], b.get("max_rss", 0.0))
            row["benchmarked"] += 1
    return {k: dict(v) for k, v in table.items()}


def job_span(workdir: Path, since: float) -> tuple[float, float, float] | None:
    """When the jobs of a run (logs written after ``since``) ran: the first job process's
    start and the last job's end, in seconds after ``since``, and the jobs' CPU (compute +
    start-up); None if no finished job. A job's process starts its start-up before its log's
    first line."""
    first, last, cpu = float("inf"), float("-inf"), 0.0
    for _, lines, timing in run_logs(workdir, since):
        stamps = [t for t in map(_stamp, lines) if t is not None]
        if not stamps:
            continue
        first = min(first, stamps[0] - timing.get("startup", 0.0))
        last = max(last, stamps[-1])
        cpu += timing.get("compute_cpu", timing["compute"]) + timing.get("startup_cpu", 0.0)
    if cpu == 0.0:
        return None
    return first - since, last - since, cpu


def print_span(workdir: Path, since: float, wall: float, cores: int) -> None:
    """Where a run's wall time went: Snakemake alone before the first job and after the last,
    and how busy the cores were in between (job CPU / (span x cores))."""
    span = job_span(workdir, since)
    if span is None:
        return
    start, end, cpu = span
    busy = cpu / ((end - start) * cores) if end > start else float("nan")
    print(
        f"jobs from +{start:.1f} s to +{end:.1f} s (Snakemake alone: {start:.1f} s before,"
        f" {wall - end:.1f} s after); {cpu:.1f} s of job CPU, {cores} cores {busy:.0%} busy"
    )


def _cell(row: dict[str, float], key: str, width: int, fmt: str = ".1f") -> str:
    """Sum of ``key`` over the rule's jobs, '-' when no job reported it."""
    count = row.get(f"n_{key}")
    if key == "process":
        count = row.get("benchmarked")
    if key == "max_rss":
        count = row.get("max_rss")
    return f"{row[key]:{width}{fmt}}" if count else f"{'-':>{width}s}"


def print_table(table: dict[str, dict[str, float]], wall: float | None, jobs: int | None) -> None:
    """Per rule: jobs; compute = the rule code (wall, cpu); start-up = interpreter, Snakemake
    preamble and imports (wall, cpu); job = the job's process wall (benchmark file); peak RSS.
    (The benchmark files' cpu_time is not used: Snakemake samples it every few seconds, so
    it misses most of a short job.)"""
    print(
        f"{'rule':31s} {'jobs':>4s} {'compute':>8s} {'cpu':>7s} {'start-up':>8s} {'cpu':>6s}"
        f" {'job s':>7s} {'max MB':>6s}"
    )
    total: dict[str, float] = defaultdict(float)
    for rule, row in sorted(table.items(), key=lambda kv: -kv[1].get("compute", 0.0)):
        row = defaultdict(float, row)
        print(
            f"{rule:31s} {int(row['jobs']):4d} {_cell(row, 'compute', 8, '.2f')}"
            f" {_cell(row, 'compute_cpu', 7)} {_cell(row, 'startup', 8)}"
            f" {_cell(row, 'startup_cpu', 6)} {_cell(row, 'process', 7)}"
            f" {_cell(row, 'max_rss', 6, '.0f')}"
        )
        for key in ("jobs", "compute", "compute_cpu", "startup", "startup_cpu"):
            total[key] += row[key]
    print(
        f"{'sum':31s} {int(total['jobs']):4d} {total['compute']:8.2f} {total['compute_cpu']:7.1f}"
        f" {total['startup']:8.1f} {total['startup_cpu']:6.1f}"
    )
    if wall is not None:
        ratio = wall / total["compute"] if total["compute"] else float("nan")
        njobs = jobs if jobs is not None else int(total["jobs"])
        print(
            f"wall {wall:.1f} s, {njobs} jobs, compute {total['compute']:.1f} s"
            f" (cpu {total['compute_cpu']:.1f} s), overhead ratio wall/compute {ratio:.2f}"
        )


def load_line() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load average n/a"


def edited_config(workdir: Path, name: str, edit) -> Path:
    """A full copy of config/config.yaml with ``edit`` applied (for --configfile)."""
    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text())
    edit(config)
    path = workdir / "config" / f"bench_{name}.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def rerun(workdir: Path, label: str, configfile: Path, cores: int) -> float:
    """Rerun with ``configfile``; print the wall time, the jobs and their table; the wall."""
    since = time.time()
    wall, out = snakemake(workdir, "--configfile", str(configfile), cores=cores)
    ran = finished(out)
    ran_s = ", ".join(f"{rule} {n}" for rule, n in sorted(ran.items()))
    njobs = sum(ran.values())
    print(
        f"\nrerun after {label}: wall {wall:.1f} s (CPU {LAST_CPU[0]:.1f} s), {njobs} jobs"
        f" ({ran_s}); {load_line()}"
    )
    print_table(per_rule(workdir, since), None, None)
    print_span(workdir, since, wall, cores)
    return wall


def rerun_series(
    workdir: Path, label: str, edited: Path, before: Path, cores: int, repeat: int
) -> None:
    """``repeat`` reruns of the same change: edited, back, edited, ... (each way reruns the same
    jobs), ending on ``edited``; with more than one, the min and median wall (a shared
    machine's load only ever adds time)."""
    walls = []
    for i in range(2 * repeat - 1):
        back = i % 2 == 1
        configfile, what = (before, f"{label}, undone") if back else (edited, label)
        walls.append(rerun(workdir, what, configfile, cores))
    if len(walls) > 1:
        print(
            f"\n{label}: {len(walls)} reruns, wall min {min(walls):.1f} s, median "
            f"{statistics.median(walls):.1f} s ({', '.join(f'{w:.1f}' for w in walls)})"
        )


def bench_default(args: argparse.Namespace, workdir: Path) -> None:
    print(f"cold run in {workdir}: snakemake --cores {args.cores}; before: {load_line()}")
    since = time.time()
    wall, out = snakemake(workdir, cores=args.cores)
    ran = finished(out)
    print(f"after: {load_line()}; CPU of the whole run (Snakemake + jobs) {LAST_CPU[0]:.1f} s")
    print_table(per_rule(workdir), wall, sum(ran.values()))
    print_span(workdir, since, wall, args.cores)
    if not args.reruns:
        return

    def style(config):
        config["figures"]["dpi"] += 1

    def threshold(config):
        style(config)
        config["detectors"]["darwin"]["threshold_kev"] += 0.5

    base = edited_config(workdir, "base", lambda config: None)
    styled = edited_config(workdir, "style", style)
    rerun_series(
        workdir, "a figure-style change (figures.dpi)", styled, base, args.cores, args.repeat
    )
    rerun_series(
        workdir,
        "a detector threshold change (detectors.darwin.threshold_kev)",
        edited_config(workdir, "threshold", threshold),
        styled,
        args.cores,
        args.repeat,
    )


def fine_config(workdir: Path, source: Path, shared: Path) -> Path:
    """The fine config with ``../shared/`` paths pointing at ``shared`` (the copy lives
    elsewhere)."""
    text = source.read_text().replace("../shared/", f"{shared.resolve()}/")
    path = workdir / "config" / "bench_fine.yaml"
    path.write_text(text)
    return path


def job_stats(output: str) -> dict[str, int]:
    """The `Job stats` table of a dry run: rule -> number of jobs."""
    counts = {}
    block = output.split("Job stats:", 1)[1] if "Job stats:" in output else ""
    for line in block.splitlines()[3:]:
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit():
            break
        if parts[0] != "total":
            counts[parts[0]] = int(parts[1])
    return counts


def merged(base: dict, overlay: dict) -> dict:
    """``overlay`` merged into ``base`` as Snakemake merges a --configfile (mappings deep)."""
    out = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def sample_targets(config: dict, overlay: dict) -> list[str]:
    """One job of every physics rule: the overlay's first snapshot (both natures, headline
    medium) with every SN-core model's map on it, and one source's flux, rates and
    sensitivities."""
    snap = next(iter(overlay.get("snapshots") or config["snapshots"]))
    medium = (config["snapshots"][snap].get("media") or config["rmf"]["media"])[0]
    targets = [f"results/mfp/{snap}_{medium}_{nature}.nc" for nature in config["natures"]]
    for model, spec in config["models"].items():
        if (spec or {}).get("sn_core", True):
            nature = "majorana" if model == "lnv_scalar" else "dirac"
            targets.append(f"results/mfp/{snap}_{medium}_{nature}_{model}.nc")
    source = next(iter(config["sensitivity"]["sigma_norm"]))
    combo = config["sensitivity"]["figures"]["summary_combo"]
    targets.append(f"results/sensitivity/{source}_{combo}_vector.nc")
    return targets


def bench_fine(args: argparse.Namespace, workdir: Path) -> None:
    configfile = fine_config(workdir, Path(args.fine_config), Path(args.shared))
    _, out = snakemake(workdir, "-n", "-F", "--configfile", str(configfile), cores=args.cores)
    stats = job_stats(out)
    print(f"fine grid ({args.fine_config}): {sum(stats.values())} jobs planned")
    overlay = yaml.safe_load(configfile.read_text())
    config = merged(yaml.safe_load((workdir / "config" / "config.yaml").read_text()), overlay)
    targets = args.targets or sample_targets(config, overlay)
    print(f"sample: {len(targets)} targets; before: {load_line()}")
    wall, out = snakemake(workdir, *targets, "--configfile", str(configfile), cores=args.cores)
    print(f"sample wall {wall:.1f} s; after: {load_line()}")
    fine_table(stats, per_rule(workdir), rule_threads(workdir))


def fine_table(
    stats: dict[str, int], table: dict[str, dict[str, float]], threads: dict[str, int]
) -> None:
    """Jobs per rule, measured wall and CPU seconds per sampled job (start-up included), peak
    memory, and core-hours = jobs x CPU seconds per job (wall x threads where no CPU time)."""
    print(
        f"\n{'rule':28s} {'jobs':>5s} {'sampled':>7s} {'wall/job':>8s} {'cpu/job':>8s}"
        f" {'max MB':>7s} {'threads':>7s} {'core-h':>8s}"
    )
    total = 0.0
    for rule, n in sorted(stats.items()):
        row = table.get(rule)
        if rule == "all" or row is None:
            print(f"{rule:28s} {n:5d} {'-':>7s}")
            continue
        row = defaultdict(float, row)
        wall = (row["compute"] + row["startup"]) / row["jobs"]
        if row["n_compute_cpu"]:
            cpu = (row["compute_cpu"] + row["startup_cpu"]) / row["jobs"]
        else:
            cpu = wall * threads.get(rule, 1)
        core_h = n * cpu / 3600
        total += core_h
        rss = f"{row['max_rss']:7.0f}" if row["max_rss"] else f"{'-':>7s}"
        print(
            f"{rule:28s} {n:5d} {int(row['jobs']):7d} {wall:8.1f} {cpu:8.1f} {rss}"
            f" {threads.get(rule, 1):7d} {core_h:8.3f}"
        )
    print(f"projected: {total:.2f} core-hours for the sampled rules (unsampled rules: '-')")


def rule_threads(workdir: Path) -> dict[str, int]:
    """`threads:` of every rule (parsed from the rule files)."""
    out = {}
    for smk in (workdir / "workflow" / "rules").glob("*.smk"):
        rule = None
        for line in smk.read_text().splitlines():
            head = re.match(r"\s*rule (\w+):", line)
            if head:
                rule = head.group(1)
            found = re.match(r"\s*threads: (\d+)", line)
            if found and rule:
                out[rule] = int(found.group(1))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--reruns", action="store_true", help="also time the two reruns")
    parser.add_argument(
        "--repeat", type=int, default=1, help="--reruns: time each change N times (min, median)"
    )
    parser.add_argument("--keep", help="run in this directory and keep it (default: a temp dir)")
    parser.add_argument("--analyse", help="only print the tables of a finished run in DIR")
    parser.add_argument("--fine", action="store_true", help="fine-grid dry run + sample")
    parser.add_argument("--fine-config", default=str(REPO / "config" / "fine_grid.yaml"))
    parser.add_argument("--shared", default=str(SHARED), help="the shared directory (../shared)")
    parser.add_argument("--targets", nargs="*", help="--fine: sample these outputs instead")
    args = parser.parse_args(argv)
    if args.analyse and args.fine:  # the fine table of an earlier --fine --keep DIR
        workdir = Path(args.analyse)
        configfile = workdir / "config" / "bench_fine.yaml"
        _, out = snakemake(workdir, "-n", "-F", "--configfile", str(configfile), cores=1)
        fine_table(job_stats(out), per_rule(workdir), rule_threads(workdir))
        return
    if args.analyse:
        print_table(per_rule(Path(args.analyse)), None, None)
        return
    tmp = None
    if args.keep:
        workdir = copy_repo(Path(args.keep))
    else:
        tmp = tempfile.TemporaryDirectory(prefix="lightmed-bench-")
        workdir = copy_repo(Path(tmp.name))
    try:
        (bench_fine if args.fine else bench_default)(args, workdir)
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
