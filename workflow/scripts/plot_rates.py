"""Rule plot_rates: recoil spectra SM vs mediators ([ST21] Figs. 2-4) and mass regimes (Fig. 12).

Draws every detector model of the rates artifacts (vectors solid, scalars dashed) for up to two
targets (the first detectors with 100 % efficiency, in config order).
"""

import matplotlib.pyplot as plt
import numpy as np

from lightmed.io import read_artifact
from lightmed.logs import run_rule

SOURCES = {
    "sn_ccsn": "CC-SN (27 M$_\\odot$, 10 kpc)",
    "sn_failed": "failed SN (40 M$_\\odot$)",
    "solar": "solar $^8$B + hep",
    "atmospheric": "atmospheric (FLUKA)",
}
STYLE = {"vector": "-", "scalar": "--"}


def spectrum(ds, model, mass, g):
    """Events per tonne per keV (per burst or per exposure) at coupling g."""
    sel = ds.sel(model=model).sel(mass=mass, method="nearest")
    n = sel.events_sm + g**2 * sel.events_int + g**4 * sel.events_np
    return n.values / ds.attrs["mass_t"] / np.diff(ds.recoil_edges.values)


def pick(files, source, target):
    for ds in files:
        if (ds.attrs["neutrino_source"], ds.attrs["target"], ds.attrs["efficiency"]) == (
            source,
            target,
            "1",
        ):
            return ds
    return None


def main(snakemake, logger):
    p = snakemake.params
    files = [read_artifact(f, stage="rates") for f in snakemake.input.rates]
    targets = list(dict.fromkeys(ds.attrs["target"] for ds in files))[:2]
    sources = list(dict.fromkeys(ds.attrs["neutrino_source"] for ds in files))
    size = (p.figures["width_in"] * 1.6, p.figures["height_in"] * 0.55 * len(sources))
    fig, axes = plt.subplots(len(sources), len(targets), figsize=size, squeeze=False)
    colours = plt.get_cmap(p.figures["colormap"])(np.linspace(0, 0.85, len(p.masses_mev)))
    for i, src in enumerate(sources):
        for j, target in enumerate(targets):
            ax, ds = axes[i, j], pick(files, src, target)
            if ds is None:
                ax.set_visible(False)
                continue
            edges = ds.recoil_edges.values
            models = [str(m) for m in ds.model.values]
            sm = spectrum(ds, models[0], 1.0, 0.0)
            ax.stairs(sm, edges, color="k", lw=2, label="SM")
            for c, m in zip(colours, p.masses_mev, strict=True):
                for k, model in enumerate(models):
                    spin = str(ds.spin.sel(model=model).item())
                    ax.stairs(
                        spectrum(ds, model, m, p.coupling),
                        edges,
                        color=c,
                        ls=STYLE[spin] if k < 2 else ":",
                        label=f"{model} {m:g} MeV",
                    )
            ax.set_yscale("log")
            ax.set_ylim(sm.max() * 1e-5, sm.max() * 20)
            ax.set_xlim(0, 12 if src == "solar" else 40)
            unit = "burst$^{-1}$" if ds.attrs["spectrum_kind"] == "fluence" else "yr$^{-1}$"
            ax.set_ylabel(f"dN/dE$_r$ [t$^{{-1}}$ keV$^{{-1}}$ {unit}]")
            ax.set_title(f"{SOURCES.get(src, src)}, {target}", fontsize="small")
    for ax in axes.flat:
        ax.set_xlabel("nuclear recoil energy $E_r$ [keV]")
    axes[0, 0].legend(fontsize="xx-small", ncol=2, title=f"coupling = {p.coupling:g}")
    fig.tight_layout()
    for out in snakemake.output.spectra:
        fig.savefig(out, dpi=p.figures["dpi"])
    plt.close(fig)

    ds = pick(files, "sn_ccsn", targets[-1]) or files[0]
    masses = ds.mass.values
    models = [str(m) for m in ds.model.values]
    fig, axes = plt.subplots(
        1,
        len(models),
        figsize=(p.figures["width_in"] * 0.9 * len(models), p.figures["height_in"]),
        layout="constrained",
        squeeze=False,
    )
    e = ds.recoil_energy.values
    m_t = 931.5 * float(ds.attrs["mean_nucleus_a"])
    for ax, model in zip(axes[0], models, strict=True):
        for m in masses[:: max(1, masses.size // 12)]:
            ratio = spectrum(ds, model, m, p.coupling) / spectrum(ds, model, m, 0.0)
            ax.plot(
                e,
                ratio,
                color=plt.get_cmap(p.figures["colormap"])(
                    np.log10(m / masses[0]) / np.log10(masses[-1] / masses[0])
                ),
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("nuclear recoil energy $E_r$ [keV]")
        ax.set_ylabel(
            f"N({ds.coupling_name.sel(model=model).item()} = {p.coupling:g}) / N$_{{SM}}$"
        )
        ax.set_title(
            f"{model}, {ds.attrs['neutrino_source']} in {ds.attrs['detector']}: "
            f"$m^2 = 2 m_T E_r$ at {np.sqrt(2 * m_t * e[0] * 1e-3):.1f}-"
            f"{np.sqrt(2 * m_t * e[-1] * 1e-3):.0f} MeV",
            fontsize="small",
        )
    sm = plt.cm.ScalarMappable(
        cmap=p.figures["colormap"], norm=plt.matplotlib.colors.LogNorm(masses[0], masses[-1])
    )
    fig.colorbar(sm, ax=axes[0].tolist(), label="mediator mass [MeV]")
    for out in snakemake.output.regimes:
        fig.savefig(out, dpi=p.figures["dpi"])
    plt.close(fig)
    logger.info("wrote %s", list(snakemake.output))


run_rule(main, snakemake)
