# Stage 2 (rmf): the nuclear medium per shell, for every snapshot x medium x nature: a
# finite-temperature relativistic mean field (c21, tm1, nl3, dd2) or the snapshot's own
# effective masses and potentials (profile).

from lightmed.smk.core import medium_targets, rmf_params


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
    resources:
        mem_mb=1000,
        runtime=10,
    cache: "omit-software"
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/solve_rmf.py"


TARGETS.add("rmf", medium_targets(config, rules.solve_rmf.output.rmf))
