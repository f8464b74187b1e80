"""Rule compute_sn_core: diffusion maps, [C21] shell and [ST21] radial bounds of every model."""

from lightmed.logs import run_rule
from lightmed.sn_core_stage import run_sn_core

INPUTS = ("mfp_model", "mfp_sm", "profiles", "rmf", "radial_files", "garching_headers")
OUTPUTS = ("diffusion", "bounds", "table", "radial", "radial_table")


def main(snakemake, logger):
    run_sn_core(
        snakemake.params.plan,
        {key: list(getattr(snakemake.input, key)) for key in INPUTS},
        {key: list(getattr(snakemake.output, key)) for key in OUTPUTS},
        logger,
        rule=snakemake.rule,
    )


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
