"""Figures of the sensitivity stage and what every bound figure shares.

* :func:`plot_by_combo`, :func:`plot_normalisation`: detector sensitivities per source and
  detector set, and their flux-normalisation uncertainty;
* shared by every bound figure (these, :mod:`lightmed.summary_plots`,
  :mod:`lightmed.sn_core_plots`, :mod:`lightmed.constraint_plots`): axes and their coupling
  labels, the legend outside the axes, the excluded-region fill, the sensitivity curves and
  saving.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import matplotlib
import matplotlib.lines
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .errors import InputError
from .figure_save import save_figure
from .io import read_artifact
from .models import labels as registry_labels

MEDIATOR = {"vector": "m_{Z'}", "scalar": "m_\\phi", "bl_vector": "m_{Z'}"}
COUPLING_LABEL = {
    "vector": r"$g=\sqrt{g_\nu g_q}$  (vector Z$'$, [ST21], $g_\nu g_q>0$)",
    "scalar": r"$g=\sqrt{g_\nu g_q}$  (scalar $\phi$, [ST21], $Q_s=14A+1.1Z$)",
    "bl_vector": r"$g_{B-L}$  (U(1)$_{B-L}$ Z$'$)",
}
SOURCE_LABEL = registry_labels.SOURCES
DETECTOR_LABEL = registry_labels.DETECTORS
#: One colour per neutrino source (all figures), one line style per detector set.
SOURCE_COLOUR = {
    "sn_ccsn": "C0",
    "sn_failed": "C4",
    "sn_marginalised": "C0",
    "solar": "C1",
    "atmospheric": "C2",
}
COMBO_STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)))


#: Fill of the region excluded by any detector projection (one pale blue, opaque: no stacked
#: alpha; limits from real data are shaded grey over it, lightmed.constraint_plots).
EXCLUDED_FILL = {"color": "#dce6f2", "alpha": 1.0}


def label(name: str, overrides: Mapping | None = None) -> str:
    """Legend text for a combo ('a+b'), source or detector key (label registry)."""
    if name in SOURCE_LABEL or (overrides and name in overrides and "+" not in name):
        return registry_labels.source(name, overrides)
    return registry_labels.detector(name, overrides)


def source_colour(source: str, k: int = 0) -> str:
    """The colour of a neutrino source (a new source takes the k-th spare colour)."""
    return SOURCE_COLOUR.get(source, ("C7", "C5", "C6", "C8")[k % 4])


def combo_style(combos: Sequence[str], combo: str) -> dict:
    """Line style of a detector set: single detectors cycle through :data:`COMBO_STYLES`, a
    combination is a wide translucent solid band drawn underneath them."""
    if "+" in combo:
        return {"ls": "-", "lw": 4.0, "alpha": 0.4}
    singles = [c for c in combos if "+" not in c]
    return {"ls": COMBO_STYLES[singles.index(combo) % len(COMBO_STYLES)], "lw": 1.5, "alpha": 1}


def excluded_mask(
    ds: xr.Dataset, grid: np.ndarray, factor: float = 1.0, sigma: float | None = None
) -> np.ndarray:
    """Boolean (coupling grid, mass): the coupling lies in an excluded interval."""
    sub = ds.sel(sigma_norm=ds["sigma_norm"].values[0] if sigma is None else sigma)
    lower = sub["excluded_lower"].transpose("mass", ...).values * factor
    upper = sub["excluded_upper"].transpose("mass", ...).values * factor
    g = grid[:, None, None]
    inside = (g >= lower[None]) & (g <= np.where(np.isnan(upper), np.inf, upper)[None])
    return np.nan_to_num(inside, nan=0).astype(bool).any(axis=-1)


def shade_excluded(ax, mass: np.ndarray, grid: np.ndarray, mask: np.ndarray, **style) -> None:
    """Fill the excluded (mass, coupling) cells in one opaque colour, under the curves.

    One raster for the union of all sensitivities: no stacked translucent fills, no seams
    between fill_between patches, allowed islands stay white.
    """
    if not mask.any():
        return
    style = {**EXCLUDED_FILL, **style}
    cmap = matplotlib.colors.ListedColormap([style["color"]])
    ax.pcolormesh(
        _edges(mass),
        _edges(grid),
        np.ma.masked_where(~mask, np.ones(mask.shape)),
        cmap=cmap,
        alpha=style["alpha"],
        shading="flat",
        zorder=style.get("zorder", 0.5),
        rasterized=True,
    )


def _edges(x: np.ndarray) -> np.ndarray:
    """Cell edges of a log-spaced axis (geometric midpoints)."""
    x = np.asarray(x, float)
    mid = np.sqrt(x[1:] * x[:-1])
    return np.concatenate([[x[0] ** 2 / mid[0]], mid, [x[-1] ** 2 / mid[-1]]])


def legend_outside(
    fig, ax, groups: Sequence[tuple[str, list, list]] = (), fontsize=7, **kwargs
) -> None:
    """One legend to the right of the axes, in titled groups; labelled artists that no group
    lists (e.g. limits drawn by another module) follow under "other". A handle may be a
    tuple of artists (drawn on top of each other); ``kwargs`` go to ``fig.legend``."""
    handles, texts = [], []
    listed = set()
    for title, hs, ts in groups:
        if not hs:
            continue
        handles.append(matplotlib.lines.Line2D([], [], ls="none"))
        texts.append(title)
        handles += list(hs)
        texts += list(ts)
        listed.update(id(a) for h in hs for a in (h if isinstance(h, tuple) else (h,)))
    rest = [(h, t) for h, t in zip(*ax.get_legend_handles_labels(), strict=True)]
    rest = [(h, t) for h, t in rest if id(h) not in listed and not t.startswith("_")]
    if rest and groups:
        handles.append(matplotlib.lines.Line2D([], [], ls="none"))
        texts.append("limits from data, other")
    handles += [h for h, _ in rest]
    texts += [t for _, t in rest]
    if not handles:
        return
    leg = fig.legend(
        handles, texts, loc="outside right upper", fontsize=fontsize, frameon=False, **kwargs
    )
    titles = {g[0] for g in groups} | {"limits from data, other"}
    for text in leg.get_texts():
        if text.get_text() in titles:
            text.set_fontweight("bold")


def read_sensitivity(path) -> xr.Dataset:
    """A sensitivity artifact as the figures use it: without its Delta chi2 maps, which no
    figure draws and whose decompression is most of the read."""
    return read_artifact(path, stage="sensitivity", drop=("delta_chi2",))


def index_sensitivities(datasets: Iterable[xr.Dataset]) -> dict[tuple[str, str], xr.Dataset]:
    """Sensitivity artifacts keyed by (neutrino_source, combo) from their attributes."""
    out = {}
    for ds in datasets:
        try:
            out[ds.attrs["neutrino_source"], ds.attrs["combo"]] = ds
        except KeyError as exc:
            raise InputError(f"sensitivity artifact without {exc} attribute") from exc
    return out


def new_axes(
    style: Mapping,
    model: str,
    coupling_range: Sequence[float],
    ylabel: str | None = None,
    mass_symbol: str = "m",
    legend_width: float = 0.0,
):
    """Log-log axes; ``legend_width`` [inch] widens the figure for a legend outside."""
    fig, ax = plt.subplots(
        figsize=(style["width_in"] + legend_width, style["height_in"]), layout="constrained"
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"${MEDIATOR.get(model, mass_symbol)}$ [MeV]")
    ax.set_ylabel(ylabel or COUPLING_LABEL.get(model, model), fontsize=8)
    ax.set_ylim(*coupling_range)
    return fig, ax


def draw_sensitivity(
    ax, ds: xr.Dataset, sigma: float | None = None, factor: float = 1.0, fill: bool = False, **line
):
    """Boundary of every excluded interval (bound + island edges), optionally shaded.

    The lowest edge (the bound) is drawn with ``line`` (its handle is returned); the edges of
    allowed islands above it in the same colour, thinner; ``fill`` shades the excluded region
    (:func:`shade_excluded`).
    """
    sub = ds.sel(sigma_norm=ds["sigma_norm"].values[0] if sigma is None else sigma)
    mass = ds["mass"].values
    lower = sub["excluded_lower"].values * factor
    upper = sub["excluded_upper"].values * factor
    (h,) = ax.plot(mass, lower[:, 0], **line)
    thin = {k: v for k, v in line.items() if k not in ("label", "lw", "linewidth")}
    for k in range(1, lower.shape[1]):
        if np.isfinite(lower[:, k]).any():
            ax.plot(mass, upper[:, k - 1], lw=0.8, **thin)
            ax.plot(mass, lower[:, k], lw=0.8, **thin)
            ok = np.isfinite(lower[:, k]) & np.isfinite(upper[:, k - 1])
            ax.fill_between(  # the allowed island as a region: hatch only, no fill (no mud)
                mass,
                upper[:, k - 1],
                lower[:, k],
                where=ok,
                facecolor="none",
                edgecolor=h.get_color(),
                hatch="....",
                lw=0,
                zorder=1,
            )
    if fill:
        shade_excluded(
            ax, mass, coupling_grid(ax), excluded_mask(ds, coupling_grid(ax), factor, sigma)
        )
    return h


def coupling_grid(ax, num: int = 600) -> np.ndarray:
    """Log grid over the axes' coupling range (and a decade beyond) for the excluded raster."""
    lo, hi = ax.get_ylim()
    return np.geomspace(lo / 10, hi * 10, num)


def annotate(ax, ds: xr.Dataset, extra: str = "", fontsize: float = 7) -> None:
    """Statistics of the sensitivity in a corner: CL, threshold, pull."""
    text = (
        f"{ds.attrs['confidence_level']:.0%} CL, $\\Delta\\chi^2$ = "
        f"{ds.attrs['delta_chi2_threshold']:.2f}, {ds.attrs['pull']} pull"
        + (f"\n{extra}" if extra else "")
    )
    ax.text(0.02, 0.98, text, transform=ax.transAxes, va="top", ha="left", fontsize=fontsize)


def save(fig, paths: Sequence[str], style: Mapping) -> None:
    save_figure(fig, paths, style["dpi"])


def sigma_text(ds: xr.Dataset, sigma: float | None = None) -> str:
    s = ds["sigma_norm"].values[0] if sigma is None else sigma
    return f"$\\sigma_x$ = {s:.0%}"


# --- figures ----------------------------------------------------------------------------------


def plot_by_combo(
    sens: Mapping,
    sources: Sequence[str],
    combos: Sequence[str],
    model: str,
    style: Mapping,
    coupling_range,
    title: str,
):
    """Colour = neutrino source, line style = detector set (first sigma_norm of each).

    Combinations are drawn first, thick and light, so single detectors stay visible on top
    where the combination coincides with one of them; the excluded side (union) is shaded.
    """
    names = style.get("labels") or {}
    fig, ax = new_axes(style, model, coupling_range, legend_width=1.6)
    first = None
    masks = []
    src_handles, combo_handles = {}, {}
    order = sorted(combos, key=lambda c: "+" not in c)  # combinations underneath
    for combo in order:
        line = combo_style(combos, combo)
        for k, src in enumerate(sources):
            ds = sens.get((src, combo))
            if ds is None:
                continue
            first = first or ds
            colour = source_colour(src, k)
            draw_sensitivity(ax, ds, color=colour, **line)
            masks.append((ds["mass"].values, excluded_mask(ds, coupling_grid(ax))))
            src_handles.setdefault(
                src,
                matplotlib.lines.Line2D(
                    [], [], color=colour, lw=2, label=f"{label(src, names)} ({sigma_text(ds)})"
                ),
            )
            combo_handles.setdefault(
                combo,
                matplotlib.lines.Line2D([], [], color="0.2", label=label(combo, names), **line),
            )
    shade_union(ax, masks)
    if first is not None:
        annotate(
            ax,
            first,
            "shaded: excluded; dotted regions: allowed islands of the curve of that colour",
        )
    ax.set_title(title, fontsize=9)
    legend_outside(
        fig,
        ax,
        [
            (
                "sources (colour)",
                list(src_handles.values()),
                [h.get_label() for h in src_handles.values()],
            ),
            (
                "detectors (line)",
                list(combo_handles.values()),
                [h.get_label() for h in combo_handles.values()],
            ),
        ],
    )
    return fig


def shade_union(ax, masks: Sequence[tuple[np.ndarray, np.ndarray]], **style) -> None:
    """Shade the union of excluded regions drawn on one mass grid (skip mismatched grids)."""
    if not masks:
        return
    mass = masks[0][0]
    union = np.zeros_like(masks[0][1])
    for m, mask in masks:
        if m.shape == mass.shape and np.allclose(m, mass):
            union |= mask
    shade_excluded(ax, mass, coupling_grid(ax), union, **style)


def plot_normalisation(sens: Mapping, combo: str, model: str, style: Mapping, coupling_range):
    """Every sigma_norm of every source of one combination (colour = source, line style =
    sigma_norm)."""
    names = style.get("labels") or {}
    fig, ax = new_axes(style, model, coupling_range, legend_width=1.6)
    sources = [s for (s, c) in sens if c == combo]
    styles = ["-", "--", ":", "-."]
    masks = []
    for k, src in enumerate(sources):
        ds = sens[src, combo]
        for ls, s in zip(styles, ds["sigma_norm"].values, strict=False):
            draw_sensitivity(
                ax,
                ds,
                sigma=float(s),
                color=source_colour(src, k),
                ls=ls,
                lw=1.4,
                label=f"{label(src, names)}, $\\sigma_x$ = {s:.0%}",
            )
            masks.append((ds["mass"].values, excluded_mask(ds, coupling_grid(ax), sigma=float(s))))
    shade_union(ax, masks)
    if sources:
        annotate(ax, sens[sources[0], combo], f"detectors: {label(combo, names)}; shaded: excluded")
    ax.set_title("Flux-normalisation uncertainty", fontsize=9)
    legend_outside(fig, ax)
    return fig
