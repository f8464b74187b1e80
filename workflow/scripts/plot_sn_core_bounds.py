"""Rule plot_sn_core_bounds: SN-core coupling bounds vs mass, [C21] and [ST21] methods."""

import matplotlib.pyplot as plt
import numpy as np

from lightmed.io import read_artifact
from lightmed.logs import run_rule

TITLES = {"bl_vector": "U(1)$_{B-L}$ vector", "lnc_scalar": "LNC scalar (Dirac)",
          "lnv_scalar": "LNV scalar (Majorana)"}
YLABEL = {"bl_vector": "$g_{B-L}$ [1]", "lnc_scalar": "$Y$ [1]", "lnv_scalar": "$Y$ [1]"}
LABELS = {"dt_10s": r"$\Delta t > 10$ s (t$\approx$5 s)",
          "dt_2sm": r"$\Delta t > 2\Delta t_{SM}$ (t$\approx$1 s)",
          "eos_indicative": r"EoS (LNV, Eq. 24), indicative",
          "tau_10s": r"[ST21] $\tau > 10$ s", "tau_100s": r"[ST21] $\tau > 100$ s",
          "n_scatter_1": r"[ST21] $N_{\nu_e} > 1$", "n_scatter_1_nux": r"[ST21] $N_{\nu_x} > 1$"}
ENERGY = {"mu_nu_plus_pi_T": r"$E=\mu_\nu+\pi T$", "pi_T": r"$E=\pi T$",
          "mu_dirac_plus_pi_T": r"$E=\mu_\nu^D+\pi T$"}


def positive(values):
    values = np.asarray(values, float)
    return np.where(values > 0, values, np.nan)


def main(snakemake, logger):
    model = snakemake.wildcards.model
    fig_cfg = snakemake.params.figures
    c21 = read_artifact(snakemake.input.bounds, stage="bounds")
    st21 = read_artifact(snakemake.input.radial, stage="bounds")
    fig, ax = plt.subplots(figsize=(fig_cfg["width_in"], fig_cfg["height_in"]))
    mass = c21["mass"].values
    styles = dict(zip(c21["energy_choice"].values, ("-", "--", ":"), strict=False))
    for crit, colour in (("dt_10s", "C0"), ("dt_2sm", "C1"), ("eos_indicative", "C4")):
        if crit not in c21["criterion"].values:
            continue
        for ec, ls in styles.items():
            label = LABELS[crit] + (f", {ENERGY.get(ec, ec)}" if len(styles) > 1 else "")
            ax.plot(mass, positive(c21["coupling_bound"].sel(criterion=crit, energy_choice=ec)),
                    color=colour, ls=ls, label=label)
    if "nur_band_lower" in c21:
        for ec in c21["energy_choice"].values:
            lo = positive(c21["nur_band_lower"].sel(energy_choice=ec))
            hi = positive(c21["nur_band_upper"].sel(energy_choice=ec))
            ax.fill_between(mass, lo, hi, color="C2", alpha=0.3, lw=0,
                            label=r"$\nu_R$ free streaming (Eqs. 24, 26)")
    colours = plt.get_cmap(fig_cfg["colormap"])(np.linspace(0.3, 0.9, st21.sizes["profile"]))
    for colour, prof in zip(colours, st21["profile"].values, strict=True):
        sel = st21.sel(profile=prof)
        for crit, ls in (("tau_10s", "-."), ("tau_100s", (0, (1, 1))), ("n_scatter_1", "-"),
                         ("n_scatter_1_nux", "--")):
            if crit in sel["criterion"].values:
                ax.plot(sel["mass"], positive(sel["coupling_bound"].sel(criterion=crit)),
                        color=colour, ls=ls, lw=1.0, label=f"{LABELS[crit]} ({prof})")
    ax.set(xscale="log", yscale="log", xlabel="mediator mass [MeV]", ylabel=YLABEL[model],
           title=f"SN-core bounds: {TITLES[model]} ({c21.attrs.get('observed_species')})")
    n_entries = len(ax.get_legend_handles_labels()[1])
    outside = {"bbox_to_anchor": (1.01, 1.0)} if n_entries > 8 else {}
    ax.legend(fontsize=6.5, loc="upper left", **outside)
    for path in snakemake.output.figure:
        fig.savefig(path, dpi=fig_cfg["dpi"])
    logger.info("wrote %s", ", ".join(map(str, snakemake.output.figure)))


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
