"""Figures of the rates stage: recoil spectra SM vs mediators ([ST21] Figs. 2-4) and mass
regimes (Fig. 12), drawn by the rule plot_rates.

Spectra: colour = mediator mass, line style = model (every detector model of the rates
artifacts), for up to two targets (the first detectors with 100 % efficiency, in config order);
each panel ends where the SM spectrum ends, its y axis holds what is drawn there, and the SM
is drawn on top. Mass regimes: N(g)/N_SM per model; a linear axis
where the ratios are O(1). Labels come from the registries (lightmed.models).
"""

from __future__ import annotations

import matplotlib.colors
import matplotlib.lines
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .errors import ConfigError
from .models import get_model, labels

STYLES = ("-", "--", ":", "-.")
SM_LW, SPECTRUM_LW = 1.1, 1.8  # the SM on top, thinner: equal spectra show as a rim


_COEFFICIENTS: dict = {}


def coefficients(ds):
    """(models, mass index, [events_sm, events_int, events_np] as numpy arrays on (model,
    recoil_energy, mass)) of a rates artifact, extracted once per dataset (a figure asks for
    ~150 spectra; xarray selections cost more than the arithmetic)."""
    entry = _COEFFICIENTS.get(id(ds))
    if entry is None or entry[0] is not ds:
        terms = xr.broadcast(ds.events_sm, ds.events_int, ds.events_np)
        arrays = [t.transpose("model", "recoil_energy", "mass").values for t in terms]
        entry = (ds, [str(m) for m in ds.model.values], ds.indexes["mass"], arrays)
        _COEFFICIENTS[id(ds)] = entry
    return entry[1:]


def spectrum(ds, model, mass, g):
    """Events per tonne per keV (per burst or per exposure) at coupling g (the mass nearest
    to ``mass``)."""
    models, masses, (sm, int_, np_) = coefficients(ds)
    k = models.index(model)
    j = masses.get_indexer([mass], method="nearest")[0]
    n = sm[k, :, j] + g**2 * int_[k, :, j] + g**4 * np_[k, :, j]
    return n / ds.attrs["mass_t"] / np.diff(ds.recoil_edges.values)


def pick(files, source, target):
    """The rates dataset of ``source`` on ``target`` with 100 % efficiency, or None."""
    for ds in files:
        if (ds.attrs["neutrino_source"], ds.attrs["target"], ds.attrs["efficiency"]) == (
            source,
            target,
            "1",
        ):
            return ds
    return None


def model_text(model):
    """(title, coupling latex) of a registry model; the key itself if it is not a preset."""
    try:
        m = get_model(model)
    except ConfigError:
        return model, "g"
    return m.title, m.coupling.latex


def data_end(spec, edges):
    """Upper edge of the last bin with a non-zero SM spectrum."""
    nonzero = np.flatnonzero(spec > 0)
    return edges[nonzero[-1] + 1] if nonzero.size else edges[-1]


def order_one(ratios) -> bool:
    """True when every ratio lies within a factor 4 overall (a linear axis reads better)."""
    values = np.concatenate([np.ravel(r) for r in ratios])
    values = values[np.isfinite(values) & (values > 0)]
    return bool(values.size) and values.max() / values.min() < 4


def power_text(x: float) -> str:
    """``x`` as mathtext in powers of ten (``3\\times10^{-5}``, ``10^{-3}``; 0.5 stays 0.5)."""
    if x == 0 or not np.isfinite(x) or 1e-2 <= abs(x) < 1e3:
        return f"{x:g}"
    exp = int(np.floor(np.log10(abs(x))))
    mantissa = f"{x / 10.0**exp:.2g}"
    if mantissa == "10":
        mantissa, exp = "1", exp + 1
    return f"10^{{{exp}}}" if mantissa == "1" else f"{mantissa}\\times10^{{{exp}}}"


def visible_limits(curves, edges, x_max, pad=2.5):
    """(low, high) of a log y axis holding every positive value of ``curves`` (per bin of
    ``edges``) in the bins that start below ``x_max``, padded by ``pad`` either side."""
    shown = edges[:-1] < x_max
    values = np.concatenate([np.asarray(c)[shown] for c in curves])
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return None
    return values.min() / pad, values.max() * pad


def plot_spectra(files, figures, masses_mev, g, names):
    """Recoil spectra, SM (black) and with mediators at coupling ``g`` (colour = mass, line
    style = model), one panel per source (rows) and target (columns, the first two).

    The SM is drawn last and thinner, so it stays visible where a mediator spectrum equals
    it (heavy masses): those show as a coloured rim around the black line. The y axis holds
    the drawn values inside the panel's energy range.
    """
    targets = list(dict.fromkeys(ds.attrs["target"] for ds in files))[:2]
    sources = list(dict.fromkeys(ds.attrs["neutrino_source"] for ds in files))
    size = (figures["width_in"] * 1.6 + 1.8, figures["height_in"] * 0.55 * len(sources))
    fig, axes = plt.subplots(
        len(sources), len(targets), figsize=size, squeeze=False, layout="constrained"
    )
    colours = plt.get_cmap(figures["colormap"])(np.linspace(0, 0.85, len(masses_mev)))
    models = []
    for i, src in enumerate(sources):
        for j, target in enumerate(targets):
            ax, ds = axes[i, j], pick(files, src, target)
            if ds is None:
                ax.set_visible(False)
                continue
            edges = ds.recoil_edges.values
            models = [str(m) for m in ds.model.values]
            sm = spectrum(ds, models[0], 1.0, 0.0)
            drawn = [sm]
            for c, m in zip(colours, masses_mev, strict=True):
                for k, model in enumerate(models):
                    bsm = spectrum(ds, model, m, g)
                    drawn.append(bsm)
                    ax.stairs(
                        bsm,
                        edges,
                        color=c,
                        ls=STYLES[k % len(STYLES)],
                        lw=SPECTRUM_LW,
                        baseline=None,
                        zorder=2,
                    )
            ax.stairs(sm, edges, color="k", lw=SM_LW, baseline=None, zorder=3, label="SM")
            x_max = min(data_end(sm, edges), 40)
            ax.set_xlim(0, x_max)
            ax.set_yscale("log")
            limits = visible_limits(drawn, edges, x_max)
            if limits:
                ax.set_ylim(*limits)
            unit = "burst$^{-1}$" if ds.attrs["spectrum_kind"] == "fluence" else "yr$^{-1}$"
            ax.set_ylabel(f"dN/dE$_r$ [t$^{{-1}}$ keV$^{{-1}}$ {unit}]", fontsize="small")
            ax.set_title(f"{labels.source(src, names)}, {target}", fontsize="small")
    for ax in axes[-1]:
        ax.set_xlabel("nuclear recoil energy $E_r$ [keV]")
    handles = [matplotlib.lines.Line2D([], [], color="k", lw=SM_LW)]
    texts = ["Standard Model"]
    for k, model in enumerate(models):
        title, coupling = model_text(model)
        handles.append(matplotlib.lines.Line2D([], [], color="0.3", ls=STYLES[k % len(STYLES)]))
        texts.append(f"{title}, ${coupling}$ = ${power_text(g)}$")
    for c, m in zip(colours, masses_mev, strict=True):
        handles.append(matplotlib.lines.Line2D([], [], color=c, lw=2))
        texts.append(f"mediator mass {m:g} MeV")
    fig.legend(handles, texts, loc="outside right upper", fontsize="small", frameon=False)
    return fig


def plot_regimes(files, figures, g, names):
    """N(g)/N_SM against recoil energy per model (colour = mediator mass) for the CC SN on
    the second target (or the first file)."""
    target = list(dict.fromkeys(ds.attrs["target"] for ds in files))[:2][-1]
    ds = pick(files, "sn_ccsn", target) or files[0]
    masses = ds.mass.values
    models = [str(m) for m in ds.model.values]
    fig, axes = plt.subplots(
        1,
        len(models),
        figsize=(figures["width_in"] * 0.9 * len(models), figures["height_in"]),
        layout="constrained",
        squeeze=False,
    )
    e = ds.recoil_energy.values
    m_t = 931.5 * float(ds.attrs["mean_nucleus_a"])
    cmap = plt.get_cmap(figures["colormap"])
    ratios = {}
    for model in models:
        ratios[model] = [
            (m, spectrum(ds, model, m, g) / spectrum(ds, model, m, 0.0))
            for m in masses[:: max(1, masses.size // 12)]
        ]
    for ax, model in zip(axes[0], models, strict=True):
        for m, ratio in ratios[model]:
            ax.plot(
                e, ratio, color=cmap(np.log10(m / masses[0]) / np.log10(masses[-1] / masses[0]))
            )
        ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
        ax.set_xscale("log")
        ax.set_yscale("linear" if order_one([r for _, r in ratios[model]]) else "log")
        title, coupling = model_text(model)
        ax.set_xlabel("nuclear recoil energy $E_r$ [keV]")
        ax.set_ylabel(f"N(${coupling}$ = {g:g}) / N$_{{\\rm SM}}$")
        ax.set_title(
            f"{title}\n{labels.source(ds.attrs['neutrino_source'], names)} in "
            f"{labels.detector(ds.attrs['detector'], names)}: $m^2 = 2 m_T E_r$ at "
            f"{np.sqrt(2 * m_t * e[0] * 1e-3):.1f}-{np.sqrt(2 * m_t * e[-1] * 1e-3):.0f} MeV",
            fontsize="small",
        )
    sm = plt.cm.ScalarMappable(
        cmap=figures["colormap"], norm=matplotlib.colors.LogNorm(masses[0], masses[-1])
    )
    fig.colorbar(sm, ax=axes[0].tolist(), label="mediator mass [MeV]")
    return fig
