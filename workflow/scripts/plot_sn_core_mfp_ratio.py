"""Rule plot_sn_core_mfp_ratio: lambda/lambda0 vs mediator mass ([C21] Figs. 2 and 3)."""

import matplotlib.pyplot as plt
import numpy as np

from lightmed.io import read_artifact
from lightmed.logs import run_rule

TITLES = {"bl_vector": "U(1)$_{B-L}$ vector", "lnc_scalar": "LNC scalar"}
CONTRIBUTIONS = (("sm", "SM", "k"), ("int", "interference", "C1"), ("np", "new physics", "C0"))


def _save(fig, paths, dpi):
    for path in paths:
        fig.savefig(path, dpi=dpi)
    plt.close(fig)


def main(snakemake, logger):
    p = snakemake.params
    fig_cfg = p.figures
    models = {m: read_artifact(getattr(snakemake.input, m)[0], required=("lambda", "lambda_vac"))
              for m in TITLES}
    size = (fig_cfg["width_in"] * 1.6, fig_cfg["height_in"])
    # [C21] Fig. 2: every shell, two couplings
    fig, axes = plt.subplots(1, 2, figsize=size, sharey=True)
    for ax, (model, ds) in zip(axes, models.items(), strict=True):
        ds = ds.sel(species=p.species).isel(energy_choice=0)
        colours = plt.get_cmap(fig_cfg["colormap"])(np.linspace(0, 0.9, ds.sizes["shell"]))
        for ls, g in zip(("-", "--", ":", "-."), p.couplings, strict=False):
            sel = ds.sel(coupling=g, method="nearest")
            ratio = sel["lambda"] / sel["lambda_vac"]
            for c, shell in zip(colours, ds["shell"].values, strict=True):
                ax.plot(ds["mass"], ratio.sel(shell=shell), ls=ls, color=c,
                        label=f"k = {shell}" if ls == "-" else None)
            ax.plot([], [], ls=ls, color="grey", label=f"g = {float(sel.coupling):.0e}")
        ax.set(xscale="log", yscale="log", xlabel="mediator mass [MeV]",
               title=f"{TITLES[model]}, {p.snapshot}, {p.species}")
        ax.legend(fontsize=7, ncol=2, loc="best")
    axes[0].set_ylabel(r"$\lambda_k / \lambda^0_k$ [1]")
    _save(fig, snakemake.output.ratio, fig_cfg["dpi"])
    # [C21] Fig. 3: innermost shell, per contribution (vacuum-like pieces rate_vac_*)
    fig, axes = plt.subplots(1, 2, figsize=size, sharey=True)
    for ax, (model, ds) in zip(axes, models.items(), strict=True):
        ds = ds.sel(species=p.species).isel(energy_choice=0, shell=0)
        for term, label, colour in CONTRIBUTIONS:
            med, vac = f"rate_{term}", f"rate_vac_{term}"
            if med not in ds or vac not in ds:
                logger.warning("%s: no %s/%s in the mfp artifact; %s not shown", model, med,
                               vac, label)
                continue
            ratio = np.abs(ds[vac] / ds[med]).broadcast_like(ds["mass"])  # lambda = 1/rate
            if not np.isfinite(ratio).any() or float(np.abs(ds[med]).max()) == 0.0:
                continue
            ax.plot(ds["mass"], ratio, color=colour, label=label)
        ax.set(xscale="log", yscale="log", xlabel="mediator mass [MeV]",
               title=f"{TITLES[model]}, innermost shell, {p.snapshot}")
        ax.legend(fontsize=8)
    axes[0].set_ylabel(r"$\lambda / \lambda^0$ per contribution [1]")
    _save(fig, snakemake.output.contributions, fig_cfg["dpi"])


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
