# Stage 2 (rmf): per-shell TM1 relativistic mean field at finite temperature.


# No benchmark: directive here: Snakemake refuses it on rules eligible for between-workflow
# caching (a cached result has no run time); the log records the solve time instead.
rule solve_rmf:
    input:
        profile=rules.ingest_profile.output.profile,
    output:
        rmf="results/rmf/{snapshot}_{nature}.nc",
    params:
        rmf=lambda w: rmf_params(config, w.nature),
    log:
        "logs/solve_rmf/{snapshot}_{nature}.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    cache: "omit-software"
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/solve_rmf.py"
