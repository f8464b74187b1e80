"""Rule plot_summary: every lightmed bound for one mediator on one coupling axis."""

import matplotlib

from lightmed.bound_plots import index_sensitivities, plot_summary, save
from lightmed.io import read_artifact
from lightmed.logs import run_rule

matplotlib.use("agg")


def main(snakemake, logger):
    p = snakemake.params
    model = snakemake.wildcards.model
    sens = index_sensitivities(
        read_artifact(f, stage="sensitivity") for f in snakemake.input.sensitivities
    )
    cores = {}
    for key in ("sn_core", "sn_core_radial"):
        files = list(getattr(snakemake.input, key, []))
        cores[key] = {
            ds.attrs.get("model", f): ds
            for f in files
            for ds in [read_artifact(f, stage="bounds", required=("coupling_bound",))]
        }
        logger.info("%s bounds: %s", key, ", ".join(cores[key]) or "none in this workflow")
    external = list(zip(p.external, snakemake.input.external, strict=True))
    constraints = [
        read_artifact(f, stage="constraints") for f in getattr(snakemake.input, "constraints", [])
    ]
    fig = plot_summary(
        model,
        sens,
        cores["sn_core"],
        cores["sn_core_radial"],
        external,
        p.style["figures"],
        p.style["coupling_range"],
        p.scalar_cn_over_cq,
        p.labels,
        constraints=constraints,
    )
    save(fig, snakemake.output.figure, p.style["figures"])


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
