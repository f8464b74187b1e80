"""Rule plot_sensitivity_normalisation: bounds for every flux-normalisation uncertainty."""

import matplotlib

from lightmed.bound_plots import index_sensitivities, plot_normalisation, save
from lightmed.io import read_artifact
from lightmed.logs import run_rule

matplotlib.use("agg")


def main(snakemake, logger):
    style = snakemake.params.style
    sens = index_sensitivities(
        read_artifact(f, stage="sensitivity") for f in snakemake.input.sensitivities
    )
    combo = next(iter(sens))[1]
    fig = plot_normalisation(
        sens, combo, snakemake.wildcards.model, style["figures"], style["coupling_range"]
    )
    save(fig, snakemake.output.figure, style["figures"])
    logger.info("%d sensitivities plotted", len(sens))


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
