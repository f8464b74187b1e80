"""Rule plot_sensitivity_detector_size: detector-size comparison for the CC SN ([ST21] Fig. 7)."""

import matplotlib

from lightmed.bound_plots import index_sensitivities, plot_by_combo, save
from lightmed.io import read_artifact
from lightmed.logs import run_rule

matplotlib.use("agg")


def main(snakemake, logger):
    style = snakemake.params.style
    sens = index_sensitivities(
        read_artifact(f, stage="sensitivity") for f in snakemake.input.sensitivities
    )
    model = snakemake.wildcards.model
    fig = plot_by_combo(
        sens,
        ["sn_ccsn"],
        list(snakemake.params.combos),
        model,
        style["figures"],
        style["coupling_range"],
        "Detector size, CC supernova at 10 kpc",
    )
    save(fig, snakemake.output.figure, style["figures"])
    logger.info("%d sensitivities plotted", len(sens))


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
