# Key bound tables of `snakemake --report report.html` (the figures are flagged in their own
# rules; captions in workflow/report/).
from lightmed.smk import report as report_smk


rule bound_tables:
    input:
        sn_core=SN_CORE_OUTPUTS["bounds"],
        sensitivities=[
            f
            for m in SENS_PLAN.models
            for f in sens_smk.sensitivity_files(
                SENS_FIG["summary_sources"], [SENS_FIG["summary_combo"]], m
            )
        ],
    output:
        sn_core=report_smk.table(
            "results/tables/sn_core_bounds.csv", "table_sn_core.rst", "SN-core bounds"
        ),
        detectors=report_smk.table(
            "results/tables/detector_bounds.csv", "table_detectors.rst", "CEvNS projections"
        ),
    params:
        models=[
            m
            for m in SENS_PLAN.models
            for _ in sens_smk.sensitivity_files(
                SENS_FIG["summary_sources"], [SENS_FIG["summary_combo"]], m
            )
        ],
    log:
        "logs/bound_tables/bound_tables.log",
    benchmark:
        "benchmarks/results/bound_tables/bound_tables.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/report_tables.py"

TARGETS.add("report", rules.bound_tables.output)
