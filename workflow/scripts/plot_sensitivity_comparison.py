"""Rule plot_sensitivity_comparison: bound curves of several sources and detector combinations.

One figure per comparison (``sn``: [ST21] Figs. 5-6, ``detector_size``: Fig. 7,
``solar_atmospheric``: Fig. 11) and detector model, all in this job; each panel of params
names its sources, combinations, title, input files and output paths.
"""

from functools import cache

import matplotlib

from lightmed.bound_plots import index_sensitivities, plot_by_combo, read_sensitivity, save
from lightmed.logs import run_rule

matplotlib.use("agg")


def main(snakemake, logger):
    style = snakemake.params.style
    read = cache(read_sensitivity)
    for panel in snakemake.params.panels:
        sens = index_sensitivities(read(f) for f in panel["files"])
        fig = plot_by_combo(
            sens,
            list(panel["sources"]),
            list(panel["combos"]),
            panel["model"],
            style["figures"],
            style["coupling_range"],
            panel["title"],
        )
        save(fig, panel["outputs"], style["figures"])
        logger.info("%s: %d sensitivities plotted", panel["name"], len(sens))


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
