"""Rule plot_constraints: the limits from real data of each model compared, one figure per
model, all in this job."""

import matplotlib

from lightmed.bound_plots import save
from lightmed.constraint_plots import plot_constraints
from lightmed.io import read_artifact
from lightmed.logs import run_rule

matplotlib.use("agg")


def main(snakemake, logger):
    for panel in snakemake.params.panels:
        artifacts = [read_artifact(f, stage="constraints") for f in panel["files"]]
        logger.info(
            "%s: experiments %s",
            panel["model"],
            ", ".join(ds.attrs["experiment"] for ds in artifacts),
        )
        fig = plot_constraints(panel["model"], artifacts, snakemake.params.figures, panel["labels"])
        save(fig, panel["outputs"], snakemake.params.figures)


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
