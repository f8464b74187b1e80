# Stage 1 (profiles): ingest SN shell tables or radial snapshots into results/profiles/.

from lightmed.smk.core import PRIORITY, ingest_params, snapshot_file


rule ingest_profile:
    input:
        source=lambda w: snapshot_file(config, w.snapshot),
    output:
        profile="results/profiles/{snapshot}.nc",
    params:
        ingest=lambda w: ingest_params(config, w.snapshot),
    log:
        "logs/ingest_profile/{snapshot}.log",
    benchmark:
        "benchmarks/results/ingest_profile/{snapshot}.tsv"
    threads: 1
    priority: PRIORITY["sn_core_chain"]
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/ingest_profile.py"


TARGETS.add("profiles", expand(rules.ingest_profile.output.profile, snapshot=config["snapshots"]))
