"""Rule plot_sn_core: SN-core bound figures of every model and the lambda/lambda0 figures."""

from lightmed.figure_save import save_figure
from lightmed.io import read_artifact
from lightmed.logs import run_rule
from lightmed.sn_core_plots import plot_bounds, plot_mfp_ratio


def main(snakemake, logger):
    p = snakemake.params
    style = p.figures
    n_fmt = len(style["formats"])
    snapshot_time = None
    for i, (model, (title, coupling)) in enumerate(p.models.items()):
        c21 = read_artifact(snakemake.input.bounds[i], stage="bounds")
        if "snapshot_time" in c21 and p.snapshot in c21["snapshot"].values:
            snapshot_time = float(c21["snapshot_time"].sel(snapshot=p.snapshot))
        st21 = read_artifact(snakemake.input.radial[i], stage="bounds")
        fig = plot_bounds(c21, st21, style, f"${coupling}$ [1]")
        save_figure(fig, snakemake.output.bounds[i * n_fmt : (i + 1) * n_fmt], style["dpi"])
        logger.info("%s (%s): bounds figure written", model, title)
    if snakemake.output.ratio:
        maps = {
            m: read_artifact(f, required=("lambda", "lambda_vac"))
            for m, f in zip(p.ratio_models, snakemake.input.mfp_model, strict=True)
        }
        figs = plot_mfp_ratio(
            maps,
            p.models,
            style,
            p.couplings,
            p.species,
            p.snapshot,
            snapshot_time,
            style.get("labels"),
        )
        save_figure(figs[0], snakemake.output.ratio, style["dpi"])
        save_figure(figs[1], snakemake.output.contributions, style["dpi"])


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
