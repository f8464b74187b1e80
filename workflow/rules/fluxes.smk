# Stage fluxes: each source's neutrino spectra at Earth, six species after the configured
# flavour conversion (lightmed.fluxes, lightmed.oscillations), made once per source and read by
# the rates; plus a figure of every source's spectra per flavour.
# Helpers: lightmed/smk/fluxes.py. Products: FLUX_TARGETS (for `rule all`).

from lightmed.smk import fluxes as flux_smk
from lightmed.smk import report as report_smk
from lightmed.smk.core import PRIORITY

FLUX_TARGETS = flux_smk.flux_targets(config)


rule ingest_flux:
    input:
        files=lambda w: flux_smk.flux_input(config, w.source),
    output:
        flux=flux_smk.FLUX_PATTERN,
    params:
        source=lambda w: flux_smk.flux_params(config, w.source),
    log:
        "logs/ingest_flux/{source}.log",
    benchmark:
        "benchmarks/results/ingest_flux/{source}.tsv"
    wildcard_constraints:
        source="|".join(config["sources"]),
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/ingest_flux.py"


rule plot_fluxes:
    input:
        fluxes=FLUX_TARGETS,
    output:
        figure=report_smk.figures(
            expand("results/figures/fluxes.{ext}", ext=config["figures"]["formats"]),
            "fluxes.rst",
            "inputs",
        ),
    params:
        figures=config["figures"],
    log:
        "logs/plot_fluxes/plot_fluxes.log",
    benchmark:
        "benchmarks/results/plot_fluxes/plot_fluxes.tsv"
    priority: PRIORITY["figure_medium"]
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/plot_fluxes.py"


TARGETS.add("fluxes", FLUX_TARGETS, rules.plot_fluxes.output)
