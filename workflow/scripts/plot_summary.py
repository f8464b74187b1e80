"""Rule plot_summary: every lightmed bound for one mediator on one coupling axis, one figure
per model, all in this job (each panel of params lists the files it draws)."""

from functools import cache

import matplotlib

from lightmed.bound_plots import index_sensitivities, read_sensitivity, save
from lightmed.io import read_artifact
from lightmed.logs import run_rule
from lightmed.summary_plots import plot_summary

matplotlib.use("agg")


def main(snakemake, logger):
    p = snakemake.params
    read_sens = cache(read_sensitivity)
    read_bounds = cache(
        lambda path: read_artifact(path, stage="bounds", required=("coupling_bound",))
    )
    read_constraints = cache(lambda path: read_artifact(path, stage="constraints"))
    for panel in p.panels:
        model = panel["model"]
        sens = index_sensitivities(read_sens(f) for f in panel["sensitivities"])
        cores = {}
        for key in ("sn_core", "sn_core_radial"):
            cores[key] = {
                ds.attrs.get("model", f): ds for f in panel[key] for ds in [read_bounds(f)]
            }
            logger.info(
                "%s, %s bounds: %s", model, key, ", ".join(cores[key]) or "none in this workflow"
            )
        external = list(zip(panel["external"], panel["external_files"], strict=True))
        fig = plot_summary(
            model,
            sens,
            cores["sn_core"],
            cores["sn_core_radial"],
            external,
            p.style["figures"],
            p.style["coupling_range"],
            p.scalar_cn_over_cq,
            panel["labels"],
            constraints=[read_constraints(f) for f in panel["constraints"]],
        )
        save(fig, panel["outputs"], p.style["figures"])


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
