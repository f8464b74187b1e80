"""Rule plot_fluxes: every source's spectrum at Earth per flavour (from the flux artifacts).

The figure is drawn by :mod:`lightmed.flux_plots`.
"""

from lightmed.figure_save import save_figure
from lightmed.flux_plots import plot_fluxes
from lightmed.fluxes import read_flux
from lightmed.logs import run_rule


def main(snakemake, logger):
    figures = snakemake.params.figures
    fluxes = [read_flux(f) for f in snakemake.input.fluxes]
    fig = plot_fluxes(fluxes, figures)
    for ds in fluxes:
        logger.info("%s: %d flavours plotted", ds.attrs["neutrino_source"], ds.sizes["flavour"])
    save_figure(fig, snakemake.output.figure, figures["dpi"])


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
