# Stage sensitivity: binned Poisson chi2 with a flux-normalisation pull per source and detector
# combination ([ST21] Sec. VI, physics.md §6), the 90 % CL bound curves with every excluded
# interval, and the bound figures ([ST21] Figs. 5-7, 11 and the combined summaries).
#
# Inputs: the rates artifacts (rates.smk, RATES_PATTERN) and, for the summary figures, rule
# compute_sn_core (diffusion.smk) when that rule is in the workflow. All are resolved lazily
# (input functions), so the include order is free.
# Helpers: lightmed/smk/sensitivity.py. Every product: SENSITIVITY_TARGETS (for `rule all`).

from lightmed.errors import ConfigError
from lightmed.smk import rates as rates_smk
from lightmed.smk import report as report_smk
from lightmed.smk import sensitivity as sens_smk
from lightmed.smk.core import PRIORITY

try:
    SENS_PLAN = sens_smk.sensitivity_plan(config)
except ConfigError as _exc:
    sys.exit(f"lightmed: config: {_exc}")

SENS_FIG = config["sensitivity"]["figures"]
SENS_WILDCARDS = sens_smk.wildcard_constraints(SENS_PLAN)
SENSITIVITY_TARGETS = sens_smk.sensitivity_targets(config, SENS_PLAN)


# One job per sensitivity source (a source or a marginalised group) writes every
# (combination x model) file of that source; the per-file contract is unchanged.
rule compute_sensitivity:
    input:
        rates=lambda w: sens_smk.rates_input(SENS_PLAN, w.source, rates_smk.RATES_PATTERN),
    output:
        sensitivity=sens_smk.sensitivity_outputs(SENS_PLAN, "nc"),
        table=sens_smk.sensitivity_outputs(SENS_PLAN, "csv"),
    params:
        sensitivity=lambda w: sens_smk.sensitivity_params(config, SENS_PLAN, w.source),
    log:
        "logs/compute_sensitivity/{source}.log",
    benchmark:
        "benchmarks/results/compute_sensitivity/{source}.tsv"
    wildcard_constraints:
        source=SENS_WILDCARDS["source"],
    threads: 1
    resources:
        mem_mb=lambda w, attempt: attempt
        * sens_smk.sensitivity_resources(config, SENS_PLAN, w.source)["mem_mb"],
        runtime=lambda w, attempt: attempt
        * sens_smk.sensitivity_resources(config, SENS_PLAN, w.source)["runtime"],
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/compute_sensitivity.py"


# The SN (ST21 Figs. 5-6), detector-size (Fig. 7) and solar-vs-atmospheric (Fig. 11) figures
# of every detector model, in one job (lightmed/smk/sensitivity.py: the figure "panels").
SENS_COMPARISON = sens_smk.comparison_panels(config, SENS_PLAN)
SENS_NORMALISATION = sens_smk.normalisation_panels(config, SENS_PLAN)


rule plot_sensitivity_comparison:
    input:
        sensitivities=sens_smk.panel_inputs(SENS_COMPARISON),
    output:
        figure=report_smk.figures(
            sens_smk.panel_outputs(SENS_COMPARISON), "sensitivity_comparison.rst", "sensitivity"
        ),
    params:
        style=sens_smk.plot_style(config),
        panels=SENS_COMPARISON,
    log:
        "logs/plot_sensitivity_comparison/plot_sensitivity_comparison.log",
    benchmark:
        "benchmarks/results/plot_sensitivity_comparison/plot_sensitivity_comparison.tsv"
    priority: PRIORITY["figure_long"]
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/plot_sensitivity_comparison.py"


# Bounds for every flux-normalisation uncertainty, every detector model, in one job.
rule plot_sensitivity_normalisation:
    input:
        sensitivities=sens_smk.panel_inputs(SENS_NORMALISATION),
    output:
        figure=report_smk.figures(
            sens_smk.panel_outputs(SENS_NORMALISATION),
            "sensitivity_normalisation.rst",
            "sensitivity",
        ),
    params:
        style=sens_smk.plot_style(config),
        panels=SENS_NORMALISATION,
    log:
        "logs/plot_sensitivity_normalisation/plot_sensitivity_normalisation.log",
    benchmark:
        "benchmarks/results/plot_sensitivity_normalisation/plot_sensitivity_normalisation.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/plot_sensitivity_normalisation.py"


# Every lightmed bound of each model on one figure per model, all models in one job.
rule plot_summary:
    input:
        lambda w: sens_smk.panel_inputs(sens_smk.summary_panels(config, SENS_PLAN, rules.has)),
    output:
        figure=report_smk.figures(
            sens_smk.summary_outputs(config, SENS_PLAN), "summary.rst", "summary"
        ),
    params:
        style=sens_smk.plot_style(config),
        panels=lambda w: sens_smk.summary_panels(config, SENS_PLAN, rules.has),
        scalar_cn_over_cq=config["radial"]["scalar_cn_over_cq"],
    log:
        "logs/plot_summary/plot_summary.log",
    benchmark:
        "benchmarks/results/plot_summary/plot_summary.tsv"
    priority: PRIORITY["figure_long"]
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/plot_summary.py"


TARGETS.add("sensitivity", SENSITIVITY_TARGETS)
