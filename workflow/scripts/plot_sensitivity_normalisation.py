"""Rule plot_sensitivity_normalisation: bounds for every flux-normalisation uncertainty, one
figure per detector model, all in this job."""

from functools import cache

import matplotlib

from lightmed.bound_plots import index_sensitivities, plot_normalisation, read_sensitivity, save
from lightmed.logs import run_rule

matplotlib.use("agg")


def main(snakemake, logger):
    style = snakemake.params.style
    read = cache(read_sensitivity)
    for panel in snakemake.params.panels:
        sens = index_sensitivities(read(f) for f in panel["files"])
        combo = next(iter(sens))[1]
        fig = plot_normalisation(
            sens, combo, panel["model"], style["figures"], style["coupling_range"]
        )
        save(fig, panel["outputs"], style["figures"])
        logger.info("%s: %d sensitivities plotted", panel["name"], len(sens))


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
