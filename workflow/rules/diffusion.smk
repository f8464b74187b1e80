# Stage diffusion: [C21] shell-method diffusion times and SN-core bounds (physics.md §4.1-4.2),
# the [ST21]-style radial method (§4.3) and the SN-core figures.


rule compute_diffusion:
    input:
        unpack(
            lambda w: diffusion_input(
                config,
                w.model,
                rules.compute_mfp_model.output.mfp,
                rules.compute_mfp.output.mfp,
                rules.ingest_profile.output.profile,
            )
        ),
    output:
        diffusion="results/diffusion/{model}.nc",
    params:
        snapshots=diffusion_snapshots(config),
    log:
        "logs/compute_diffusion/{model}.log",
    benchmark:
        "benchmarks/results/compute_diffusion/{model}.tsv"
    wildcard_constraints:
        model="|".join(SN_CORE_MODELS),
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/compute_diffusion.py"


rule compute_sn_core_bounds:
    input:
        diffusion=rules.compute_diffusion.output.diffusion,
    output:
        bounds="results/bounds/sn_core_{model}.nc",
        table="results/bounds/sn_core_{model}.csv",
    params:
        diffusion=diffusion_physics(config),
    log:
        "logs/compute_sn_core_bounds/{model}.log",
    benchmark:
        "benchmarks/results/compute_sn_core_bounds/{model}.tsv"
    wildcard_constraints:
        model="|".join(SN_CORE_MODELS),
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/compute_sn_core_bounds.py"


rule compute_sn_core_radial_bounds:
    input:
        profiles=expand(
            rules.ingest_profile.output.profile, snapshot=config["radial"]["snapshots"]
        ),
        rmf=[
            rules.solve_rmf.output.rmf.format(
                snapshot=s, medium=headline_medium(config, s), nature="dirac"
            )
            for s in config["radial"]["snapshots"]
        ],
        radial=list(config["radial"]["garching_profiles"].values()),
    output:
        bounds="results/bounds/sn_core_radial_{model}.nc",
        table="results/bounds/sn_core_radial_{model}.csv",
    params:
        radial=config["radial"],
    log:
        "logs/compute_sn_core_radial_bounds/{model}.log",
    benchmark:
        "benchmarks/results/compute_sn_core_radial_bounds/{model}.tsv"
    wildcard_constraints:
        model="|".join(SN_CORE_MODELS),
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/compute_sn_core_radial_bounds.py"


rule plot_sn_core_mfp_ratio:
    input:
        bl_vector=expand(
            rules.compute_mfp_model.output.mfp,
            snapshot=config["diffusion"]["plot_snapshot"],
            medium=headline_medium(config, config["diffusion"]["plot_snapshot"]),
            nature="dirac",
            model="bl_vector",
        ),
        lnc_scalar=expand(
            rules.compute_mfp_model.output.mfp,
            snapshot=config["diffusion"]["plot_snapshot"],
            medium=headline_medium(config, config["diffusion"]["plot_snapshot"]),
            nature="dirac",
            model="lnc_scalar",
        ),
        mfp_sm=expand(
            rules.compute_mfp.output.mfp,
            snapshot=config["diffusion"]["plot_snapshot"],
            medium=headline_medium(config, config["diffusion"]["plot_snapshot"]),
            nature="dirac",
        ),
    output:
        ratio=expand("results/figures/c21_mfp_ratio.{ext}", ext=config["figures"]["formats"]),
        contributions=expand(
            "results/figures/c21_mfp_ratio_contributions.{ext}",
            ext=config["figures"]["formats"],
        ),
    params:
        figures=config["figures"],
        couplings=config["diffusion"]["plot_couplings"],
        species=config["diffusion"]["observed_species"],
        snapshot=config["diffusion"]["plot_snapshot"],
    log:
        "logs/plot_sn_core_mfp_ratio/plot_sn_core_mfp_ratio.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/plot_sn_core_mfp_ratio.py"


rule plot_sn_core_bounds:
    input:
        bounds=rules.compute_sn_core_bounds.output.bounds,
        radial=rules.compute_sn_core_radial_bounds.output.bounds,
    output:
        figure=expand(
            "results/figures/sn_core_bounds_{{model}}.{ext}", ext=config["figures"]["formats"]
        ),
    params:
        figures=config["figures"],
    log:
        "logs/plot_sn_core_bounds/{model}.log",
    wildcard_constraints:
        model="|".join(SN_CORE_MODELS),
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../envs/lightmed.yaml"
    script:
        "../scripts/plot_sn_core_bounds.py"
