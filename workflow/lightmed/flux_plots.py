"""Figure of the fluxes stage: every source's spectrum (or fluence) at Earth per flavour, drawn
by the rule plot_fluxes from the flux artifacts."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from .fluxes.schema import all_flavour_spectrum
from .models import labels

COLOURS = {"e": "C0", "mu": "C1", "tau": "C2"}


def plot_fluxes(fluxes, figures):
    """One panel per flux dataset (two columns): all flavours (black) and each flavour with a
    non-zero spectrum (colour = lepton, dashed = antineutrino); flavours with the same
    spectrum share one line and its label. Returns the figure (tight layout applied)."""
    ncol = min(2, len(fluxes))
    nrow = math.ceil(len(fluxes) / ncol)
    size = (figures["width_in"] * 0.8 * ncol, figures["height_in"] * 0.7 * nrow)
    fig, axes = plt.subplots(nrow, ncol, figsize=size, squeeze=False)
    names = figures.get("labels") or {}
    for ax, ds in zip(axes.flat, fluxes, strict=False):
        kind = ds.attrs["spectrum_kind"]
        energy, total, _ = all_flavour_spectrum(ds)
        ax.plot(energy, total, color="k", lw=1.5, label="all flavours")
        drawn = []  # (spectrum, line) of each flavour drawn so far
        for flavour in ds.flavour.values:
            spec = ds[kind].sel(flavour=flavour).values
            if spec.max() <= 0:
                continue
            same = next((ln for s, ln in drawn if np.allclose(s, spec, rtol=1e-6, atol=0)), None)
            if same is not None:  # e.g. nu_tau = nu_mu: one line, both names (no hidden line)
                same.set_label(f"{same.get_label()} = {labels.species(flavour, names)}")
                continue
            lepton = flavour.removeprefix("nu").removesuffix("bar")
            ls = "--" if flavour.endswith("bar") else "-"
            (line,) = ax.plot(
                energy,
                spec,
                color=COLOURS[lepton],
                ls=ls,
                lw=1.6,
                label=labels.species(flavour, names),
            )
            drawn.append((spec, line))
        ax.set_yscale("log")
        ax.set_ylim(total.max() * 1e-4, total.max() * 3)
        if energy[0] >= 1.0:  # atmospheric: two decades
            ax.set_xscale("log")
        else:
            ax.set_xlim(0, energy[total > total.max() * 1e-4].max() * 1.05)
        unit = "cm$^{-2}$ MeV$^{-1}$" if kind == "fluence" else "cm$^{-2}$ s$^{-1}$ MeV$^{-1}$"
        ax.set_ylabel(f"{kind} [{unit}]")
        ax.set_xlabel(r"neutrino energy $E_\nu$ [MeV]")
        title = (
            f"{labels.source(ds.attrs['neutrino_source'], names)} "
            f"({labels.oscillation(ds.attrs['oscillation'], names)})"
        )
        ax.set_title(title, fontsize="small")
        ax.legend(fontsize="x-small", ncol=2)
    for ax in axes.flat[len(fluxes) :]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig
