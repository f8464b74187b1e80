# Stage 1 (profiles): ingest SN shell tables or radial snapshots into results/profiles/.


def _snapshot_file(wildcards):
    path = config["snapshots"][wildcards.snapshot]["path"]
    return path if os.path.isabs(path) else os.path.join(workflow.basedir, path)


rule ingest_profile:
    input:
        source=_snapshot_file,
    output:
        profile="results/profiles/{snapshot}.nc",
    params:
        snapshot=lambda wildcards: config["snapshots"][wildcards.snapshot],
    log:
        "logs/ingest_profile/{snapshot}.log",
    benchmark:
        "benchmarks/results/ingest_profile/{snapshot}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/ingest_profile.py"
