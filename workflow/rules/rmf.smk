# Stage 2 (rmf): per-shell TM1 relativistic mean field at finite temperature.


def _rmf_params(wildcards):
    """Only what the solve of this nature depends on (so other edits do not rerun it)."""
    rmf = config["rmf"]
    return {
        "preset": rmf["preset"],
        "overrides": rmf["overrides"],
        "neutrino_degeneracy": rmf["neutrino_degeneracy"],
        "lepton_mode": rmf["lepton_mode"][wildcards.nature],
        "tolerance": rmf["tolerance"],
    }


rule solve_rmf:
    input:
        profile=rules.ingest_profile.output.profile,
    output:
        rmf="results/rmf/{snapshot}_{nature}.nc",
    params:
        rmf=_rmf_params,
    log:
        "logs/solve_rmf/{snapshot}_{nature}.log",
    benchmark:
        "benchmarks/results/solve_rmf/{snapshot}_{nature}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    cache: "omit-software"
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/solve_rmf.py"
