# Stages kernels and mfp: in-medium neutrino-nucleon mean free paths (physics.md §3).
# compute_kernels -> results/kernels/{snapshot}_{medium}_{nature}.nc (mediator-independent
# K0, K1, K2); compute_mfp -> results/mfp/{snapshot}_{medium}_{nature}.nc (SM);
# compute_mfp_model -> results/mfp/{snapshot}_{medium}_{nature}_{model}.nc ((mass, coupling)).

from lightmed.smk.core import PRIORITY, medium_targets
from lightmed.smk.mfp import (
    kernels_input,
    kernels_resources,
    model_kernels,
    model_resources,
    model_targets,
)
from lightmed.smk.models import model_params


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
    # One thread each (numba-parallel up to `threads`): on a few cores the kernels of several
    # snapshots x natures run side by side and no 2-core job waits for two cores to free at
    # once; a cluster or a big workstation raises it with --set-threads (README, SLURM profile).
    threads: 1
    # The SN-core chain (profiles -> rmf -> kernels -> mfp -> bounds) is the longest path of
    # the default pipeline: start it first (README "Performance and scaling").
    priority: PRIORITY["sn_core_chain"]
    resources:
        mem_mb=lambda w, attempt: kernels_resources(config, w.snapshot, w.nature, attempt)[
            "mem_mb"
        ],
        runtime=lambda w, attempt: kernels_resources(config, w.snapshot, w.nature, attempt)[
            "runtime"
        ],
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
    priority: PRIORITY["sn_core_chain"]
    resources:
        mem_mb=lambda w, attempt: 2000 * attempt,
        runtime=lambda w, attempt: 10 * attempt,
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
    threads: 1
    priority: PRIORITY["sn_core_chain"]
    resources:
        mem_mb=lambda w, attempt: model_resources(config, w.snapshot, w.model, attempt)["mem_mb"],
        runtime=lambda w, attempt: model_resources(config, w.snapshot, w.model, attempt)[
            "runtime"
        ],
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/compute_mfp_model.py"


TARGETS.add("kernels", medium_targets(config, rules.compute_kernels.output.kernels))
TARGETS.add(
    "mfp",
    medium_targets(config, rules.compute_mfp.output.mfp),
    model_targets(config, rules.compute_mfp_model.output.mfp),
)
