"""Figures of the rates stage: recoil spectra SM vs mediators ([ST21] Figs. 2-4) and mass
regimes (Fig. 12), drawn by the rule plot_rates.

Spectra: colour = mediator mass, line style = model (every detector model of the rates
artifacts), for up to two targets (the first detectors with 100 % efficiency, in config order);
each panel ends where the SM spectrum ends, its y axis holds what is drawn there, and the SM
is drawn on top. Mass regimes: N(g)/N_SM per recoil bin and model (steps: the artifacts are
binned) at masses 1, 2, 5 x 10^k MeV, masses whose ratios coincide drawn once as one legend
entry; a linear axis where the ratios are O(1). Labels come from the registries
(lightmed.models).
"""

from __future__ import annotations

import matplotlib.lines
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import xarray as xr

from .errors import ConfigError
from .models import get_model, labels

STYLES = ("-", "--", ":", "-.")
SM_LW, SPECTRUM_LW = 1.1, 1.8  # the SM on top, thinner: equal spectra show as a rim
#: two mass-regime curves closer than this (relative, every bin) are drawn as one
REGIME_RTOL = 0.01


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
        texts.append(f"{title}, ${coupling}$ = ${labels.power(g)}$")
    for c, m in zip(colours, masses_mev, strict=True):
        handles.append(matplotlib.lines.Line2D([], [], color=c, lw=2))
        texts.append(f"mediator mass {m:g} MeV")
    fig.legend(handles, texts, loc="outside right upper", fontsize="small", frameon=False)
    return fig


def regime_masses(masses):
    """The grid masses nearest (in log) to 1, 2 and 5 x 10^k inside the grid, ascending."""
    masses = np.asarray(masses, float)
    decades = range(int(np.floor(np.log10(masses.min()))), int(np.ceil(np.log10(masses.max()))))
    wanted = [f * 10.0**k for k in decades for f in (1, 2, 5)] + [10.0 ** decades[-1] * 10]
    wanted = [w for w in wanted if masses.min() / 1.01 <= w <= masses.max() * 1.01]
    near = [int(np.argmin(np.abs(np.log(masses / w)))) for w in wanted]
    return masses[sorted(set(near))]


def families(curves, rtol=REGIME_RTOL):
    """Runs of consecutive masses whose curves coincide: ``curves`` is one array per model
    of shape (mass, recoil bin); a mass joins the run before it when, in every model, its
    curve agrees with the run's first within ``rtol`` in every bin. Returns index lists."""
    runs: list[list[int]] = []
    for i in range(curves[0].shape[0]):
        if runs and all(
            np.allclose(c[i], c[runs[-1][0]], rtol=rtol, atol=0.0, equal_nan=True) for c in curves
        ):
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def mass_text(m: float) -> str:
    """A grid mass in MeV to two significant digits, without exponent (0.0049, 200, 10000)."""
    return f"{float(f'{m:.2g}'):g}" if m >= 1e-4 else f"{m:.2g}"


def family_text(masses, run, n_masses, at_sm, rtol=REGIME_RTOL):
    """Legend text of one run of coinciding masses (its mass range and, at the ends of the
    grid, its regime)."""
    lo, hi = mass_text(masses[run[0]]), mass_text(masses[run[-1]])
    if len(run) == 1:
        return f"{lo} MeV"
    text = f"{lo}–{hi} MeV"
    if at_sm:
        return f"{text}: equal to the SM within {rtol:.0%}"
    if run[0] == 0:
        return f"{text}: light regime, curves coincide"
    if run[-1] == n_masses - 1:
        return f"{text}: heavy regime, curves coincide"
    return f"{text}: curves coincide"


def plot_regimes(files, figures, g, names):
    """N(g)/N_SM per recoil bin against recoil energy, one panel per model, for the CC SN
    on the second target (or the first file): mediator masses at 1, 2, 5 x 10^k MeV
    (colour), each run of masses with coinciding ratios drawn once (light regime: m below
    sqrt(2 m_T E_r), the top axis; heavy regime: above)."""
    target = list(dict.fromkeys(ds.attrs["target"] for ds in files))[:2][-1]
    ds = pick(files, "sn_ccsn", target) or files[0]
    models = [str(m) for m in ds.model.values]
    fig, axes = plt.subplots(
        1,
        len(models),
        figsize=(figures["width_in"] * 0.62 * len(models) + 2.6, figures["height_in"]),
        layout="constrained",
        squeeze=False,
    )
    edges = ds.recoil_edges.values
    m_t = 931.5 * float(ds.attrs["mean_nucleus_a"])  # MeV
    masses = regime_masses(ds.mass.values)
    curves = [
        np.array([spectrum(ds, model, m, g) / spectrum(ds, model, m, 0.0) for m in masses])
        for model in models
    ]
    runs = families(curves)
    colours = plt.get_cmap(figures["colormap"])(np.linspace(0, 0.85, len(runs)))
    handles, texts = [], []
    for n, run in enumerate(runs):
        at_sm = all(np.allclose(c[run], 1.0, rtol=REGIME_RTOL, atol=0.0) for c in curves)
        handles.append(matplotlib.lines.Line2D([], [], color=colours[n], lw=2))
        texts.append(family_text(masses, run, masses.size, at_sm))
    handles.append(matplotlib.lines.Line2D([], [], color="0.5", lw=0.8, ls=":"))
    texts.append("Standard Model (ratio 1)")

    def q_of(e_kev):
        return np.sqrt(2 * m_t * np.maximum(e_kev, 1e-12) * 1e-3)

    def e_of(q_mev):
        return np.asarray(q_mev) ** 2 / (2 * m_t) * 1e3

    for ax, model, ratio in zip(axes[0], models, curves, strict=True):
        for n, run in enumerate(runs):  # lightest on top: the regime the figure is about
            ax.stairs(
                ratio[run[0]], edges, color=colours[n], lw=1.6, baseline=None, zorder=3 - n / 100
            )
        ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
        ax.set_xscale("log")
        ax.set_xlim(edges[0], edges[-1])
        ax.set_yscale("linear" if order_one(list(ratio)) else "log")
        title, coupling = model_text(model)
        ax.set_title(title)
        ax.set_xlabel("nuclear recoil energy $E_r$ [keV]")
        ax.set_ylabel(f"N(${coupling}$ = ${labels.power(g)}$) / N$_{{\\rm SM}}$")
        top = ax.secondary_xaxis("top", functions=(q_of, e_of))
        q_ticks = [q for q in (10, 20, 30, 50, 100, 200, 300, 500) if e_of(q) <= edges[-1]]
        top.xaxis.set_major_locator(matplotlib.ticker.FixedLocator(q_ticks))
        top.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        top.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        top.set_xlabel("crossover mass $\\sqrt{2 m_T E_r}$ [MeV]", fontsize="small")
    fig.suptitle(
        f"Mediator-mass regimes, {labels.source(ds.attrs['neutrino_source'], names)} in "
        f"{labels.detector(ds.attrs['detector'], names)}\n"
        "mediators far below the crossover mass (top axis) reshape the spectrum, "
        "far above it only rescale it",
        fontsize="medium",
    )
    fig.legend(
        handles,
        texts,
        loc="outside right upper",
        fontsize="small",
        frameon=False,
        title="mediator mass",
        title_fontsize="small",
    )
    return fig
