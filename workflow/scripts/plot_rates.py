"""Rule plot_rates: recoil spectra SM vs mediators ([ST21] Figs. 2-4) and mass regimes (Fig. 12).

The figures are drawn by :mod:`lightmed.rate_plots` from every rates artifact.
"""

from lightmed.figure_save import save_figure
from lightmed.io import read_artifact
from lightmed.logs import run_rule
from lightmed.rate_plots import plot_regimes, plot_spectra


def main(snakemake, logger):
    p = snakemake.params
    names = p.figures.get("labels") or {}
    files = [read_artifact(f, stage="rates") for f in snakemake.input.rates]
    for fig, outs in (
        (plot_spectra(files, p.figures, p.masses_mev, p.coupling, names), snakemake.output.spectra),
        (plot_regimes(files, p.figures, p.coupling, names), snakemake.output.regimes),
    ):
        save_figure(fig, outs, p.figures["dpi"])
    logger.info("wrote %s", list(snakemake.output))


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
