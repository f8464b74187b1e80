# Stage 2 (rmf): the nuclear medium per shell, for every snapshot x medium x nature: a
# finite-temperature relativistic mean field (c21, tm1, nl3, dd2) or the snapshot's own
# effective masses and potentials (profile).

from lightmed.smk.core import PRIORITY, medium_targets, rmf_params, snapshot_shells


# No benchmark: directive here: Snakemake refuses it on rules eligible for between-workflow
# caching (a cached result has no run time); the log records the solve time instead.
rule solve_rmf:
    input:
        profile=rules.ingest_profile.output.profile,
    output:
        rmf="results/rmf/{snapshot}_{medium}_{nature}.nc",
    params:
        rmf=lambda w: rmf_params(config, w.medium, w.nature),
    log:
        "logs/solve_rmf/{snapshot}_{medium}_{nature}.log",
    threads: 1
    priority: PRIORITY["sn_core_chain"]
    resources:
        mem_mb=lambda w, attempt: 1000 * attempt,
        # a few s per shell (more for steep Garching shells); twice the request on a retry
        runtime=lambda w, attempt: attempt * (10 + snapshot_shells(config, w.snapshot)),
    cache: "omit-software"
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/solve_rmf.py"


TARGETS.add("rmf", medium_targets(config, rules.solve_rmf.output.rmf))
