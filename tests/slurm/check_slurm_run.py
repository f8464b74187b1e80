#!/usr/bin/env python3
"""Verify that a Snakemake run with the SLURM executor really used SLURM.

Used by tests/slurm/run_slurm_test.sh (not collected by pytest). Evidence:

1. the dry-run "Job stats" table (rule -> number of jobs) taken *before* the run;
2. the log of the real run: every job block (``rule X:`` / ``localrule X:`` with
   ``jobid: N``) and every ``Job N has been submitted with SLURM jobid M (log: P)``;
3. SLURM itself: ``scontrol show job M`` (JobState=COMPLETED, ExitCode=0:0) and the
   per-job log file P written by slurmstepd (``sbatch --output``).

Checks: every job of the dry run was executed; every job that Snakemake did not
treat as local (i.e. every rule not in ``localrules``) was submitted to SLURM,
completed there with exit code 0 and left its SLURM log; at least one job ran in
SLURM (otherwise the test would prove nothing); no SLURM job held more CPUs than the
most threads one of its jobs asks for (the executor plugin runs the members of a group
job one after another, so a wider request would idle the extra CPUs).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

RULE_RE = re.compile(r"^(\s*)(local)?(?:rule|checkpoint) (\S+):\s*$")
JOBID_RE = re.compile(r"^\s+jobid: (\d+)\s*$")
GROUP_RE = re.compile(r"Group job (\S+) \(jobs in lexicogr\. order\):\s*$")
SUBMIT_RE = re.compile(r"Job (\S+) has been submitted with SLURM jobid (\d+) \(log: (.+?)\)\.?\s*$")
FINISHED_RE = re.compile(r"Finished job(?:id)?:? (\d+)")
THREADS_RE = re.compile(r"^\s+threads: (\d+)\s*$")


def parse_job_stats(text: str) -> Counter:
    """Parse the 'Job stats:' table of a (dry-)run log into rule -> count."""
    counts: Counter = Counter()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() != "Job stats:":
            continue
        counts.clear()
        for row in lines[i + 1 :]:
            row = row.strip()
            if not row or row.startswith("job ") or set(row) <= {"-", " "}:
                continue
            m = re.match(r"^(\S+)\s+(\d+)$", row)
            if not m:
                break
            if m.group(1) == "total":
                break
            counts[m.group(1)] = int(m.group(2))
        break  # the first table is the plan of the whole run
    return counts


def parse_run_log(text: str):
    """Return ({jobid: (rule, is_local)}, {jobid: (slurm_id, logfile)}, finished, threads).

    ``threads`` maps a job to its ``threads:`` line (Snakemake prints it after ``jobid:``,
    only when above 1).

    A group job (the SLURM profile's ``groups:``) is logged as ``Group job NAME (jobs in
    lexicogr. order):`` with its members' rule blocks indented, then submitted once as
    ``Job <uuid> has been submitted ... (log: .../group_NAME/...)``: every member gets that
    submission (instances of one group name pair up in the order they were logged)."""
    jobs: dict[int, tuple[str, bool]] = {}
    submitted: dict[int, tuple[str, str]] = {}
    finished: set[int] = set()
    threads: dict[int, int] = {}
    last_job: int | None = None
    pending_groups: dict[str, list[list[int]]] = defaultdict(list)
    current: tuple[str, bool] | None = None
    current_group: list[int] | None = None
    for line in text.splitlines():
        m = GROUP_RE.search(line)
        if m:
            current_group = []
            pending_groups[m.group(1)].append(current_group)
            continue
        m = RULE_RE.match(line)
        if m:
            current = (m.group(3), bool(m.group(2)))
            if not m.group(1):  # a top-level job ends the group block
                current_group = None
            continue
        m = THREADS_RE.match(line)
        if m and last_job is not None:
            threads[last_job] = int(m.group(1))
            continue
        m = JOBID_RE.match(line)
        if m and current is not None:
            last_job = int(m.group(1))
            jobs[last_job] = current
            if current_group is not None:
                current_group.append(last_job)
            current = None
            continue
        m = SUBMIT_RE.search(line)
        if m:
            job, slurm_id, logfile = m.groups()
            if job.isdigit():
                submitted[int(job)] = (slurm_id, logfile)
            else:
                # the plugin names the log directory group_<group>_<rules of the group job>
                parts = [p for p in Path(logfile).parts if p.startswith("group_")]
                names = [
                    name
                    for name in pending_groups
                    if pending_groups[name]
                    and any(p == f"group_{name}" or p.startswith(f"group_{name}_") for p in parts)
                ]
                if names:
                    for member in pending_groups[max(names, key=len)].pop(0):
                        submitted[member] = (slurm_id, logfile)
            current_group = None
            continue
        m = FINISHED_RE.search(line)
        if m:
            finished.add(int(m.group(1)))
    return jobs, submitted, finished, threads


def scontrol_job(slurm_id: str) -> dict[str, str]:
    """Key=value fields of `scontrol show job -o ID` ({} if purged/unknown)."""
    res = subprocess.run(
        ["scontrol", "show", "job", "-o", slurm_id],
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode != 0:
        return {}
    fields = {}
    for tok in res.stdout.split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            fields.setdefault(k, v)
    return fields


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dryrun-log", required=True, type=Path)
    ap.add_argument("--run-log", required=True, type=Path)
    ap.add_argument("--workdir", required=True, type=Path)
    ap.add_argument("--partition", default=None)
    args = ap.parse_args(argv)

    expected = parse_job_stats(args.dryrun_log.read_text(errors="replace"))
    jobs, submitted, finished, threads = parse_run_log(args.run_log.read_text(errors="replace"))
    errors: list[str] = []

    if not expected:
        errors.append("no 'Job stats' table in the dry-run log (nothing to run?)")

    ran = Counter(rule for rule, _ in jobs.values())
    if ran != expected:
        errors.append(
            f"jobs executed per rule {dict(ran)} differ from the dry-run plan {dict(expected)}"
        )

    per_rule = defaultdict(lambda: {"local": 0, "slurm": [], "problems": []})
    for jobid, (rule, is_local) in sorted(jobs.items()):
        entry = per_rule[rule]
        if finished and jobid not in finished:
            errors.append(f"job {jobid} (rule {rule}) never reported as finished")
        if is_local:
            entry["local"] += 1
            if jobid in submitted:
                errors.append(f"local job {jobid} (rule {rule}) was submitted to SLURM?")
            continue
        if jobid not in submitted:
            errors.append(f"non-local job {jobid} (rule {rule}) was NOT submitted to SLURM")
            continue
        slurm_id, logfile = submitted[jobid]
        entry["slurm"].append(slurm_id)
        log = Path(logfile)
        if not log.is_absolute():
            log = args.workdir / log
        if f"rule_{rule}" not in log.parts and not any(p.startswith("group_") for p in log.parts):
            errors.append(f"SLURM log {log} of job {jobid} is not under rule_{rule}/ or group_*/")
        if not log.is_file():
            errors.append(f"SLURM log {log} of job {jobid} (rule {rule}) missing")
        info = scontrol_job(slurm_id)
        if info:
            state, code = info.get("JobState"), info.get("ExitCode")
            if state != "COMPLETED" or code != "0:0":
                errors.append(
                    f"SLURM job {slurm_id} (rule {rule}): JobState={state} ExitCode={code}"
                )
            if args.partition and info.get("Partition") != args.partition:
                errors.append(
                    f"SLURM job {slurm_id} ran in partition {info.get('Partition')}, "
                    f"expected {args.partition}"
                )
        elif not (log.is_file() and "Finished job" in log.read_text(errors="replace")):
            errors.append(
                f"SLURM job {slurm_id} (rule {rule}) unknown to scontrol and its log "
                "does not show a finished job"
            )

    members = defaultdict(list)
    for jobid, (slurm_id, _) in submitted.items():
        members[slurm_id].append(jobid)
    for slurm_id, ids in sorted(members.items(), key=lambda item: int(item[0])):
        cpus = scontrol_job(slurm_id).get("NumCPUs")
        widest = max(threads.get(jobid, 1) for jobid in ids)
        if cpus is not None and int(cpus) > widest:
            rules = sorted({jobs[jobid][0] for jobid in ids if jobid in jobs})
            errors.append(
                f"SLURM job {slurm_id} ({', '.join(rules)}) held {cpus} CPUs, but its jobs run "
                f"one after another and ask for at most {widest} thread(s): set `cores` in "
                "the SLURM profile to the most threads a grouped rule asks for"
            )

    n_slurm = len({sid for e in per_rule.values() for sid in e["slurm"]})
    if n_slurm == 0:
        errors.append("no job ran inside SLURM")

    print(f"{'rule':<32} {'planned':>7} {'local':>5} {'slurm':>5}  slurm job ids")
    for rule in sorted(set(expected) | set(per_rule)):
        e = per_rule[rule]
        ids = ",".join(sorted(set(e["slurm"]), key=int))
        print(f"{rule:<32} {expected.get(rule, 0):>7} {e['local']:>5} {len(e['slurm']):>5}  {ids}")
    n_in = sum(len(e["slurm"]) for e in per_rule.values())
    print(
        f"total: {sum(expected.values())} planned, {len(jobs)} executed, {n_in} in SLURM"
        f" ({n_slurm} SLURM jobs)"
    )

    if errors:
        print("\nSLURM CHECK FAILED:", file=sys.stderr)
        for err in errors:
            print(f"  - {err}", file=sys.stderr)
        return 1
    print("SLURM check passed: every non-local job ran (and completed) inside SLURM.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
