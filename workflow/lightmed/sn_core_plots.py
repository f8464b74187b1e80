"""Figures of the SN-core stage, from finished artifacts only.

* :func:`plot_bounds`: one model's bounds, [C21] shell method (the quoted curves of
  :func:`lightmed.sn_core.headline_curves`, [C21]'s own energy/weighting choice as a thin
  reference where it is not the quoted one, the LNC nu_R band) and the [ST21] radial method
  on every radial profile (one colour per profile, labelled with its name and time).
* :func:`plot_mfp_ratio`: lambda/lambda0 per shell and per contribution ([C21] Figs. 2-3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .sn_core import headline_curves

#: [C21]'s own choices: total rate, E = mu_nu + pi T (Dirac) or the two Majorana limits.
C21_ENERGY_CHOICES = ("mu_nu_plus_pi_T", "pi_T", "mu_dirac_plus_pi_T")
C21_WEIGHTING = "total"
_CRITERION_COLOUR = {
    "dt_10s": "C0",
    "dt_2sm": "C1",
    "nur_conversion": "C2",
    "nur_retrapping": "C3",
    "eos_indicative": "C4",
}
_RADIAL_STYLE = {
    "tau_10s": "-.",
    "tau_100s": (0, (1, 1)),
    "n_scatter_1": "-",
    "n_scatter_1_nux": "--",
    "n_scatter_1_numu": "--",
    "n_scatter_1_nutau": ":",
}
_LINESTYLES = ("-", "--", ":", "-.")


def positive(values) -> np.ndarray:
    """NaN where a bound is 0 or undefined (log axes)."""
    values = np.asarray(values, float)
    return np.where(values > 0, values, np.nan)


def _reference_curves(ds: xr.Dataset) -> list[tuple[dict, xr.DataArray]]:
    """[C21]'s choice on the paired snapshots where it differs from the quoted curves."""
    if "energy_choice" not in ds.dims:
        return []
    out = []
    ecs = [e for e in ds["energy_choice"].values if str(e) in C21_ENERGY_CHOICES]
    for crit in ds["criterion"].values:
        for snap in ds["snapshot"].values:
            if not bool(ds["paired"].sel(criterion=crit, snapshot=snap)):
                continue
            for ec in ecs:
                sel = {"criterion": crit, "snapshot": snap, "energy_choice": ec}
                if "weighting" in ds.dims:
                    if C21_WEIGHTING not in ds["weighting"].values:
                        continue
                    sel["weighting"] = C21_WEIGHTING
                if "medium" in ds.dims:
                    sel["medium"] = ds["medium"].values[0]
                if bool(ds["headline"].sel(sel)):
                    continue
                out.append((sel, ds["coupling_bound"].sel(sel)))
    return out


def plot_bounds(c21: xr.Dataset, st21: xr.Dataset, style: Mapping, ylabel: str):
    """SN-core bounds of one model, both methods (module docstring); returns the figure."""
    fig, ax = plt.subplots(figsize=(style["width_in"] * 1.5, style["height_in"]))
    mass = c21["mass"].values
    seen: dict[str, int] = {}
    for curve in headline_curves(c21):
        crit = curve["criterion"]
        k = seen.get(crit, 0)
        seen[crit] = k + 1
        ax.plot(
            mass,
            positive(curve["bound"]),
            color=_CRITERION_COLOUR.get(crit, "k"),
            ls=_LINESTYLES[k % len(_LINESTYLES)],
            lw=1.6,
            label=curve["label"],
        )
    for sel, da in _reference_curves(c21):
        extra = f"{sel['energy_choice']}" + (f", {sel['weighting']}" if "weighting" in sel else "")
        ax.plot(
            mass,
            positive(da),
            color=_CRITERION_COLOUR.get(str(sel["criterion"]), "k"),
            lw=0.7,
            alpha=0.8,
            label=f"[C21] choice ({extra}): {sel['criterion']} on {sel['snapshot']}",
        )
    if "nur_band_lower" in c21:
        _draw_nur_band(ax, c21)
    if "not_applicable" in c21.attrs:
        ax.text(
            0.5,
            0.6,
            f"[C21] shell method not applicable:\n{c21.attrs['not_applicable']}",
            transform=ax.transAxes,
            ha="center",
            fontsize=8,
            wrap=True,
        )
    profiles = list(st21["snapshot"].values)
    colours = plt.get_cmap(style.get("colormap", "viridis"))(
        np.linspace(0.25, 0.9, max(len(profiles), 1))
    )
    for colour, prof in zip(colours, profiles, strict=False):
        sel = st21.sel(snapshot=prof)
        for crit in sel["criterion"].values:
            if "status" in sel and str(sel["status"].sel(criterion=crit).values):
                continue
            ax.plot(
                sel["mass"],
                positive(sel["coupling_bound"].sel(criterion=crit)),
                color=colour,
                ls=_RADIAL_STYLE.get(str(crit), "-"),
                lw=1.0,
                label="[ST21] " + str(sel["criterion_description"].sel(criterion=crit).values),
            )
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="mediator mass [MeV]",
        ylabel=ylabel,
        title=f"SN-core bounds: {c21.attrs.get('model_title', c21.attrs.get('model'))}, "
        f"criteria on {c21.attrs.get('observed_species')}",
    )
    if ax.get_legend_handles_labels()[1]:
        ax.legend(fontsize=5.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


def _draw_nur_band(ax, c21: xr.Dataset) -> None:
    flags = c21["headline"].sel(criterion="nur_conversion")
    band_lo, band_hi = c21["nur_band_lower"], c21["nur_band_upper"]
    stacked = flags.stack(entry=list(flags.dims))
    for i in np.flatnonzero(stacked.values):
        sel = {d: stacked[d].values[i] for d in flags.dims}
        ax.fill_between(
            c21["mass"].values,
            positive(band_lo.sel(sel)),
            positive(band_hi.sel(sel)),
            color="C2",
            alpha=0.25,
            lw=0,
            label=r"$\nu_R$ free streaming (Eqs. 24, 26) on "
            f"{sel['snapshot']}",
        )


def plot_mfp_ratio(
    models: Mapping[str, xr.Dataset],
    titles: Mapping[str, Sequence[str]],
    style: Mapping,
    couplings: Sequence[float],
    species: str,
    snapshot: str,
):
    """lambda/lambda0 per shell for two couplings and per contribution ([C21] Figs. 2-3).

    ``titles[model]`` = (title, coupling latex). Returns the two figures. The first energy
    choice and the ``total`` weighting (when present) are drawn.
    """
    size = (style["width_in"] * 0.8 * max(len(models), 1), style["height_in"])
    sel = {}
    fig1, axes1 = plt.subplots(1, len(models), figsize=size, sharey=True, squeeze=False)
    fig2, axes2 = plt.subplots(1, len(models), figsize=size, sharey=True, squeeze=False)
    for ax, ax2, (model, ds) in zip(axes1[0], axes2[0], models.items(), strict=True):
        title, coupling = titles[model]
        if "weighting" in ds.dims:
            sel["weighting"] = (
                "total" if "total" in ds["weighting"].values else ds["weighting"].values[0]
            )
        ds = ds.sel(species=species, **sel).isel(energy_choice=0)
        colours = plt.get_cmap(style["colormap"])(np.linspace(0, 0.9, ds.sizes["shell"]))
        for ls, g in zip(("-", "--", ":", "-."), couplings, strict=False):
            near = ds.sel(coupling=g, method="nearest")
            ratio = near["lambda"] / near["lambda_vac"]
            for c, shell in zip(colours, ds["shell"].values, strict=True):
                ax.plot(
                    ds["mass"],
                    ratio.sel(shell=shell),
                    ls=ls,
                    color=c,
                    label=f"k = {shell}" if ls == "-" else None,
                )
            ax.plot([], [], ls=ls, color="grey", label=f"${coupling}$ = {float(near.coupling):.0e}")
        ax.set(
            xscale="log",
            yscale="log",
            xlabel="mediator mass [MeV]",
            title=f"{title}, {snapshot}, {species}",
        )
        ax.legend(fontsize=7, ncol=2, loc="best")
        inner = ds.isel(shell=0)
        for term, label, colour in (
            ("sm", "SM", "k"),
            ("int", "interference", "C1"),
            ("np", "new physics", "C0"),
        ):
            med, vac = f"rate_{term}", f"rate_vac_{term}"
            if med not in inner or vac not in inner or float(np.abs(inner[med]).max()) == 0:
                continue
            ratio = np.abs(inner[vac] / inner[med]).broadcast_like(inner["mass"])
            ax2.plot(inner["mass"], ratio, color=colour, label=label)
        ax2.set(
            xscale="log",
            yscale="log",
            xlabel="mediator mass [MeV]",
            title=f"{title}, innermost shell, {snapshot}",
        )
        ax2.legend(fontsize=8)
    axes1[0][0].set_ylabel(r"$\lambda_k / \lambda^0_k$ [1]")
    axes2[0][0].set_ylabel(r"$\lambda / \lambda^0$ per contribution [1]")
    return fig1, fig2
