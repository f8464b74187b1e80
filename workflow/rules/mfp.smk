# Stages kernels and mfp: in-medium neutrino-nucleon mean free paths (physics.md §3).
# compute_kernels -> results/kernels/{snapshot}_{medium}_{nature}.nc (mediator-independent
# K0, K1, K2); compute_mfp -> results/mfp/{snapshot}_{medium}_{nature}.nc (SM);
# compute_mfp_model -> results/mfp/{snapshot}_{medium}_{nature}_{model}.nc ((mass, coupling)).


# compute_kernels is eligible for between-workflow caching (--cache), which Snakemake refuses
# on rules with a benchmark: directive; its log records the run time instead.
rule compute_kernels:
    input:
        unpack(
            lambda w: kernels_input(
                config, w.snapshot, w.medium, w.nature, rules.solve_rmf.output.rmf
            )
        ),
    output:
        kernels="results/kernels/{snapshot}_{medium}_{nature}.nc",
    params:
        kernels=config["kernels"],
    log:
        "logs/compute_kernels/{snapshot}_{medium}_{nature}.log",
    threads: 2
    resources:
        mem_mb=lambda w: 3000 if w.nature == "majorana" else 2000,
        runtime=lambda w: 20 if w.nature == "majorana" else 10,
    cache: "omit-software"
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/compute_kernels.py"


rule compute_mfp:
    input:
        kernels=rules.compute_kernels.output.kernels,
    output:
        mfp="results/mfp/{snapshot}_{medium}_{nature}.nc",
    params:
        mfp=config["mfp"],
    log:
        "logs/compute_mfp/{snapshot}_{medium}_{nature}.log",
    benchmark:
        "benchmarks/results/compute_mfp/{snapshot}_{medium}_{nature}.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/compute_mfp.py"


rule compute_mfp_model:
    input:
        kernels=lambda w: model_kernels(
            config,
            w.snapshot,
            w.medium,
            w.nature,
            w.model,
            rules.compute_kernels.output.kernels,
        ),
    output:
        mfp="results/mfp/{snapshot}_{medium}_{nature}_{model}.nc",
    params:
        mfp=config["mfp"],
        model=lambda w: model_params(config, w.model),
    log:
        "logs/compute_mfp_model/{snapshot}_{medium}_{nature}_{model}.log",
    benchmark:
        "benchmarks/results/compute_mfp_model/{snapshot}_{medium}_{nature}_{model}.tsv"
    wildcard_constraints:
        model="|".join(SN_CORE_MODELS),
    threads: 2
    resources:
        mem_mb=lambda w: model_mem_mb(config, w.model),
        runtime=10,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/compute_mfp_model.py"
