"""Rule plot_sensitivity_sn: CC and failed SN sensitivities per detector ([ST21] Figs. 5-6)."""

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
        ["sn_ccsn", "sn_failed"],
        list(snakemake.params.combos),
        model,
        style["figures"],
        style["coupling_range"],
        "Supernova at 10 kpc: CC (solid) and failed (dashed)",
    )
    save(fig, snakemake.output.figure, style["figures"])
    logger.info("%d sensitivities plotted", len(sens))


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
