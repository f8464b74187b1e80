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


# The SN (ST21 Figs. 5-6), detector-size (Fig. 7) and solar-vs-atmospheric (Fig. 11) figures.
rule plot_sensitivity_comparison:
    input:
        sensitivities=lambda w: sens_smk.sensitivity_files(
            sens_smk.comparison_params(config, w.comparison)["sources"],
            sens_smk.comparison_params(config, w.comparison)["combos"],
            w.model,
        ),
    output:
        figure=report_smk.figures(
            sens_smk.figure_paths(
                "sensitivity_{comparison}_{model}", config["figures"]["formats"]
            ),
            "sensitivity_comparison.rst",
            "sensitivity",
        ),
    params:
        style=sens_smk.plot_style(config),
        comparison=lambda w: sens_smk.comparison_params(config, w.comparison),
    log:
        "logs/plot_sensitivity_comparison/{comparison}_{model}.log",
    benchmark:
        "benchmarks/results/plot_sensitivity_comparison/{comparison}_{model}.tsv"
    wildcard_constraints:
        comparison="|".join(sens_smk.COMPARISONS),
        model=SENS_WILDCARDS["model"],
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/plot_sensitivity_comparison.py"


rule plot_sensitivity_normalisation:
    input:
        sensitivities=lambda w: sens_smk.sensitivity_files(
            [s for s in sens_smk.NORMALISATION_SOURCES if s in SENS_PLAN.sources],
            [SENS_FIG["norm_combo"]],
            w.model,
        ),
    output:
        figure=report_smk.figures(
            sens_smk.figure_paths(
                "sensitivity_normalisation_{model}", config["figures"]["formats"]
            ),
            "sensitivity_normalisation.rst",
            "sensitivity",
        ),
    params:
        style=sens_smk.plot_style(config),
    log:
        "logs/plot_sensitivity_normalisation/{model}.log",
    benchmark:
        "benchmarks/results/plot_sensitivity_normalisation/{model}.tsv"
    wildcard_constraints:
        model=SENS_WILDCARDS["model"],
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/plot_sensitivity_normalisation.py"


rule plot_summary:
    input:
        unpack(
            lambda w: sens_smk.sn_core_inputs(
                config, w.model, rules.has
            )
        ),
        sensitivities=lambda w: sens_smk.sensitivity_files(
            SENS_FIG["summary_sources"], [SENS_FIG["summary_combo"]], w.model
        ),
        external=lambda w: sens_smk.external_limit_files(config, w.model),
        constraints=lambda w: cons_smk.model_artifacts(CONSTRAINTS_PLAN, w.model),
    output:
        figure=report_smk.figures(
            sens_smk.figure_paths("summary_{model}", config["figures"]["formats"]),
            "summary.rst",
            "summary",
        ),
    params:
        style=sens_smk.plot_style(config),
        external=lambda w: sens_smk.external_limits(config, w.model),
        labels=lambda w: sens_smk.model_labels(config, w.model),
        scalar_cn_over_cq=config["radial"]["scalar_cn_over_cq"],
    log:
        "logs/plot_summary/{model}.log",
    benchmark:
        "benchmarks/results/plot_summary/{model}.tsv"
    wildcard_constraints:
        model=SENS_WILDCARDS["model"],
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/plot_summary.py"


TARGETS.add("sensitivity", SENSITIVITY_TARGETS)
