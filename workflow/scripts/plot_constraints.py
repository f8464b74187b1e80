"""Rule plot_constraints: the limits from real data of one model, compared."""

import matplotlib

from lightmed.bound_plots import save
from lightmed.constraint_plots import plot_constraints
from lightmed.io import read_artifact
from lightmed.logs import run_rule

matplotlib.use("agg")


def main(snakemake, logger):
    artifacts = [read_artifact(f, stage="constraints") for f in snakemake.input.constraints]
    logger.info("experiments: %s", ", ".join(ds.attrs["experiment"] for ds in artifacts))
    fig = plot_constraints(
        snakemake.wildcards.model, artifacts, snakemake.params.figures, snakemake.params.labels
    )
    save(fig, snakemake.output.figure, snakemake.params.figures)


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
