# Stage rates: CEvNS recoil spectra, SM + g^2 + g^4 coefficients per registry model, for every
# source x detector ([ST21] Secs. III-VI, physics.md §5), and the recoil-spectrum figures.
# One job per source writes every detector's file (results/rates/{source}_{detector}.nc):
# the flux is built once and the job lasts long enough to be worth a process.
# Helpers: lightmed/smk/rates.py.

from lightmed.smk import rates as rates_smk
from lightmed.smk import report as report_smk
from lightmed.smk.core import PRIORITY


rule compute_rates:
    input:
        flux=rules.ingest_flux.output.flux,
    output:
        rates=rates_smk.rates_outputs(config),
    params:
        rates=lambda w: rates_smk.rates_params(config, w.source),
    log:
        "logs/compute_rates/{source}.log",
    benchmark:
        "benchmarks/results/compute_rates/{source}.tsv"
    wildcard_constraints:
        source="|".join(config["sources"]),
    threads: 1
    resources:
        mem_mb=lambda w, attempt: attempt * rates_smk.rates_resources(config)["mem_mb"],
        runtime=lambda w, attempt: attempt * rates_smk.rates_resources(config)["runtime"],
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/compute_rates.py"


rule plot_rates:
    input:
        rates=expand(
            rates_smk.RATES_PATTERN,
            source=config["sources"],
            detector=config["detectors"],
        ),
    output:
        spectra=report_smk.figures(
            expand("results/figures/rates_spectra.{ext}", ext=config["figures"]["formats"]),
            "rates_spectra.rst",
            "rates",
        ),
        regimes=report_smk.figures(
            expand(
                "results/figures/rates_mass_regimes.{ext}", ext=config["figures"]["formats"]
            ),
            "rates_mass_regimes.rst",
            "rates",
        ),
    params:
        figures=config["figures"],
        masses_mev=config["rates"]["plot_masses_mev"],
        coupling=config["rates"]["plot_coupling"],
    log:
        "logs/plot_rates/plot_rates.log",
    benchmark:
        "benchmarks/results/plot_rates/plot_rates.tsv"
    priority: PRIORITY["figure_long"]
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/plot_rates.py"


TARGETS.add("rates", rules.plot_rates.input.rates, rules.plot_rates.output)
