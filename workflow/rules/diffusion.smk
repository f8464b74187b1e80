# Stage SN core: [C21] shell-method diffusion times and bounds (physics.md §4.1-4.2) and the
# [ST21]-style radial method (§4.3), for every model with sn_core: true, in one job (the
# physics takes well under a second per model); the SN-core figures in one plot job.
# Helpers: lightmed/smk/diffusion.py.

from lightmed.smk import diffusion as sn_smk
from lightmed.smk import report as report_smk
from lightmed.smk.core import PRIORITY

SN_CORE_OUTPUTS = sn_smk.sn_core_outputs(config)
SN_CORE_FIGURES = sn_smk.sn_core_figures(config)


if SN_CORE_OUTPUTS["bounds"]:

    rule compute_sn_core:
        input:
            **sn_smk.sn_core_input(
                config,
                {
                    "mfp_model": rules.compute_mfp_model.output.mfp,
                    "mfp": rules.compute_mfp.output.mfp,
                    "profile": rules.ingest_profile.output.profile,
                    "rmf": rules.solve_rmf.output.rmf,
                },
            ),
        output:
            **SN_CORE_OUTPUTS,
        params:
            plan=sn_smk.sn_core_plan(config),
        log:
            "logs/compute_sn_core/compute_sn_core.log",
        benchmark:
            "benchmarks/results/compute_sn_core/compute_sn_core.tsv"
        threads: 1
        priority: PRIORITY["sn_core_chain"]
        resources:
            mem_mb=lambda w, attempt: attempt * sn_smk.sn_core_mem_mb(config),
            runtime=lambda w, attempt: attempt * sn_smk.sn_core_runtime(config),
        conda:
            "../../envs/lightmed.yaml"
        script:
            "../scripts/compute_sn_core.py"

    rule plot_sn_core:
        input:
            **sn_smk.plot_inputs(
                config, rules.compute_mfp_model.output.mfp, rules.compute_mfp.output.mfp
            ),
        output:
            bounds=report_smk.figures(
                SN_CORE_FIGURES["bounds"], "sn_core_bounds.rst", "sn_core"
            ),
            ratio=report_smk.figures(SN_CORE_FIGURES["ratio"], "c21_mfp_ratio.rst", "sn_core"),
            contributions=report_smk.figures(
                SN_CORE_FIGURES["contributions"],
                "c21_mfp_ratio_contributions.rst",
                "sn_core",
            ),
        params:
            figures=config["figures"],
            models=sn_smk.model_titles(config),
            ratio_models=sn_smk.ratio_models(config),
            couplings=config["diffusion"]["plot_couplings"],
            species=config["diffusion"]["observed_species"],
            snapshot=config["diffusion"]["plot_snapshot"],
        log:
            "logs/plot_sn_core/plot_sn_core.log",
        benchmark:
            "benchmarks/results/plot_sn_core/plot_sn_core.tsv"
        threads: 1
        priority: PRIORITY["sn_core_chain"]
        resources:
            mem_mb=1000,
            runtime=5,
        conda:
            "../../envs/lightmed.yaml"
        script:
            "../scripts/plot_sn_core.py"


TARGETS.add("sn_core", SN_CORE_OUTPUTS, SN_CORE_FIGURES)
