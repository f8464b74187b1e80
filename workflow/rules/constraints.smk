# Stage constraints: limits on light mediators from real data sets (issue 11, physics.md §7).
# One job per experiment with a release path (constraints.<experiment>.path) writes
# results/constraints/{experiment}_{model}.{nc,csv} for every model of constraints.models;
# an experiment with a null path is skipped with one line saying where to get its release.
# Figures: results/figures/constraints_{model} (the data limits compared); the summary
# figures (sensitivity.smk) shade them via CONSTRAINT_ARTIFACTS.
# Helpers: lightmed/smk/constraints.py. Every product: CONSTRAINTS_TARGETS (for `rule all`).

from lightmed.smk import constraints as cons_smk
from lightmed.smk import report as report_smk
from lightmed.smk.core import PRIORITY

try:
    CONSTRAINTS_PLAN, _cons_skipped = cons_smk.constraints_plan(config)
except ConfigError as _exc:
    sys.exit(f"lightmed: config: {_exc}")
if workflow.is_main_process:
    for _line in _cons_skipped:
        print(_line, file=sys.stderr)

CONSTRAINTS_PANELS = cons_smk.figure_panels(CONSTRAINTS_PLAN, config)
CONSTRAINTS_TARGETS = cons_smk.targets(CONSTRAINTS_PLAN) + cons_smk.figure_targets(
    CONSTRAINTS_PLAN, config
)


# Constraints artifacts of one model: cons_smk.model_artifacts(CONSTRAINTS_PLAN, model), also
# the extra input of the summary figures (sensitivity.smk); no function here (snakemake --lint).


if CONSTRAINTS_PLAN:

    rule compute_constraints:
        input:
            release=lambda w: cons_smk.release_files(CONSTRAINTS_PLAN[w.experiment]["path"]),
        output:
            constraints=cons_smk.outputs(CONSTRAINTS_PLAN, "nc"),
            table=cons_smk.outputs(CONSTRAINTS_PLAN, "csv"),
        params:
            plan=lambda w: CONSTRAINTS_PLAN[w.experiment],
            models_block=lambda w: {
                m: cons_smk.model_block(config["models"][m])
                for m in CONSTRAINTS_PLAN[w.experiment]["models"]
                if m in config["models"]
            },
        log:
            "logs/compute_constraints/{experiment}.log",
        benchmark:
            "benchmarks/results/compute_constraints/{experiment}.tsv"
        wildcard_constraints:
            experiment="|".join(CONSTRAINTS_PLAN),
        threads: 1
        priority: PRIORITY["constraints"]
        resources:
            mem_mb=2000,
            runtime=30,
        conda:
            "../../envs/lightmed.yaml"
        script:
            "../scripts/compute_constraints.py"

    # The data limits of every model compared, one figure per model, all in one job.
    rule plot_constraints:
        input:
            constraints=cons_smk.panel_inputs(CONSTRAINTS_PANELS),
        output:
            figure=report_smk.figures(
                [path for panel in CONSTRAINTS_PANELS for path in panel["outputs"]],
                "constraints.rst",
                "constraints",
            ),
        params:
            figures=config["figures"],
            panels=CONSTRAINTS_PANELS,
        log:
            "logs/plot_constraints/plot_constraints.log",
        benchmark:
            "benchmarks/results/plot_constraints/plot_constraints.tsv"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=5,
        conda:
            "../../envs/lightmed.yaml"
        script:
            "../scripts/plot_constraints.py"


TARGETS.add("constraints", CONSTRAINTS_TARGETS)
