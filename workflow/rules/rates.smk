# Stage rates: CEvNS recoil spectra per source and detector, SM + g^2 + g^4 coefficients
# ([ST21] Secs. III-VI, physics.md §5), and the recoil-spectrum figures.


rule compute_rates:
    input:
        flux=rules.ingest_flux.output.flux,
    output:
        rates="results/rates/{source}_{detector}.nc",
    params:
        rates=lambda w: rates_params(config, w.source, w.detector),
    log:
        "logs/compute_rates/{source}_{detector}.log",
    benchmark:
        "benchmarks/results/compute_rates/{source}_{detector}.tsv"
    wildcard_constraints:
        source="|".join(config["sources"]),
        detector="|".join(config["detectors"]),
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/compute_rates.py"


rule plot_rates:
    input:
        rates=expand(
            rules.compute_rates.output.rates,
            source=config["sources"],
            detector=config["detectors"],
        ),
    output:
        spectra=expand(
            "results/figures/rates_spectra.{ext}", ext=config["figures"]["formats"]
        ),
        regimes=expand(
            "results/figures/rates_mass_regimes.{ext}", ext=config["figures"]["formats"]
        ),
    params:
        figures=config["figures"],
        masses_mev=config["rates"]["plot_masses_mev"],
        coupling=config["rates"]["plot_coupling"],
    log:
        "logs/plot_rates/plot_rates.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/plot_rates.py"
