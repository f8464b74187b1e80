"""Rule plot_sensitivity_comparison: bound curves of several sources and detector combinations.

One figure per ``{comparison}`` (``sn``: [ST21] Figs. 5-6, ``detector_size``: Fig. 7,
``solar_atmospheric``: Fig. 11) and ``{model}``; sources and combinations come from params.
"""

import matplotlib

from lightmed.bound_plots import index_sensitivities, plot_by_combo, save
from lightmed.io import read_artifact
from lightmed.logs import run_rule

matplotlib.use("agg")


def main(snakemake, logger):
    style = snakemake.params.style
    spec = snakemake.params.comparison
    sens = index_sensitivities(
        read_artifact(f, stage="sensitivity") for f in snakemake.input.sensitivities
    )
    fig = plot_by_combo(
        sens,
        list(spec["sources"]),
        list(spec["combos"]),
        snakemake.wildcards.model,
        style["figures"],
        style["coupling_range"],
        spec["title"],
    )
    save(fig, snakemake.output.figure, style["figures"])
    logger.info("%d sensitivities plotted", len(sens))


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
