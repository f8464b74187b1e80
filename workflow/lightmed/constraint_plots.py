"""Figures of the constraints stage: limits from real data (docs/physics.md §7).

* :func:`shade_constraints` shades every excluded region of each constraints artifact in a
  grey family (one grey per experiment, labelled "<experiment> (<year>)"), the excluded side
  being above the bound; allowed islands above the lower edge stay white, their edges thin.
  The summary figures (lightmed.summary_plots.plot_summary) call it under their lines.
* :func:`plot_constraints` compares the data limits of one model with each other
  (results/figures/constraints_{model}); the best fit is a dotted line, broken where it
  changes branch (allowed region), and the y axis holds bounds and best fits. The legend
  sits to the right of the axes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .bound_plots import COUPLING_LABEL, MEDIATOR

#: fill grey, edge grey, hatch of the n-th experiment drawn. The edges are mid greys, lighter
#: than the black legend samples of line styles (SN-core criteria on the summary figures), so
#: that a data-limit edge does not read as a bound of another kind.
GREYS: tuple[tuple[str, str, str | None], ...] = (
    ("0.62", "0.45", None),
    ("0.80", "0.58", None),
    ("0.50", "0.38", "//"),
    ("0.88", "0.66", "\\\\"),
)
EDGE_STYLES = ("-", "--", "-.", ":")
TEXT_PT = 8  # legend and annotations [pt]
LEGEND_WIDTH_IN = 1.9  # the figure is this much wider than figures.width_in, for the legend


def label_of(ds: xr.Dataset) -> str:
    """Legend text: the experiment's title, with the year if the title lacks it."""
    title = str(ds.attrs.get("experiment_title") or ds.attrs.get("experiment", "data"))
    year = str(ds.attrs.get("year", ""))
    return title if (not year or year in title) else f"{title} ({year})"


def _intervals(ds: xr.Dataset, factor: float):
    """Interval edges (mass, interval) x ``factor``; one containing the SM has no lower edge.

    An interval open above ends at the top of the scan (``coupling_max``), and is drawn so:
    couplings above the scan were not computed, so the figures do not shade them.
    """
    lo = ds["interval_lower"].transpose("mass", "interval").values * factor
    hi = ds["interval_upper"].transpose("mass", "interval").values * factor
    lo = np.where(lo == 0.0, np.nan, lo)  # an interval containing the SM: not a limit on g
    return lo, hi


def shade_constraints(
    ax,
    artifacts: Sequence[xr.Dataset],
    *,
    factor: float = 1.0,
    zorder: float = 0.5,
    alpha: float = 0.55,
) -> list:
    """Shade the excluded regions of each artifact on ``ax`` (coupling x ``factor``).

    Returns the legend handles (one per experiment).
    """
    handles = []
    for n, ds in enumerate(artifacts):
        fill, edge, hatch = GREYS[n % len(GREYS)]
        mass = ds["mass"].values
        lo, hi = _intervals(ds, factor)
        # from the lower edge to the last upper edge, then the allowed islands cut out (white)
        ok = np.isfinite(lo[:, 0])
        first = np.where(ok, lo[:, 0], np.nan)
        last = np.where(np.isfinite(hi), hi, -np.inf).max(axis=1)
        shade = ax.fill_between(
            mass,
            first,
            np.where(ok, last, np.nan),
            where=ok,
            facecolor=fill,
            edgecolor="0.45" if hatch else "none",
            hatch=hatch,
            lw=0.0,
            alpha=alpha,
            zorder=zorder,
            label=f"{label_of(ds)}: data, {_cl(ds)}",
        )
        ax.plot(mass, first, color=edge, lw=1.2, zorder=zorder + 0.1)
        for k in range(lo.shape[1] - 1):
            gap = np.isfinite(hi[:, k]) & np.isfinite(lo[:, k + 1])
            if not gap.any():
                continue
            a_, b_ = np.where(gap, hi[:, k], np.nan), np.where(gap, lo[:, k + 1], np.nan)
            ax.fill_between(
                mass, a_, b_, where=gap, facecolor="white", lw=0.0, zorder=zorder + 0.05
            )
            for edge_line in (a_, b_):
                ax.plot(mass, edge_line, color=edge, lw=0.6, zorder=zorder + 0.1)
        handles.append(shade)
    return handles


def best_fit_line(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(mass, best fit) to draw: NaN where the best fit is 0 (the SM fits best), and a NaN
    point inserted between neighbouring masses whose best fits lie in different allowed
    regions (below the lowest excluded interval, in the island above it, ...), so the line
    breaks where the best fit jumps branch instead of joining the branches."""
    mass = ds["mass"].values.astype(float)
    best = ds["best_fit"].where(ds["best_fit"] > 0).values.astype(float)
    upper = ds["interval_upper"].transpose("mass", "interval").values
    with np.errstate(invalid="ignore"):
        branch = np.sum(upper <= best[:, None], axis=1)  # excluded intervals below the fit
    cut = np.flatnonzero(np.diff(branch) != 0) + 1
    return np.insert(mass, cut, np.nan), np.insert(best, cut, np.nan)


def _cl(ds: xr.Dataset) -> str:
    return f"{float(ds.attrs.get('confidence_level', 0.9)):.0%} CL"


def plot_constraints(
    model: str,
    artifacts: Sequence[xr.Dataset],
    style: Mapping,
    labels: Mapping[str, str] | None = None,
):
    """The data limits of one model compared: shaded regions and their edges, one per
    experiment, on the model's own axis coupling; the best fits as thin dotted lines (broken
    where they change branch); the legend to the right of the axes."""
    labels = dict(labels or {})
    fig, ax = plt.subplots(
        figsize=(style["width_in"] + LEGEND_WIDTH_IN, style["height_in"]), layout="constrained"
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    shades = shade_constraints(ax, artifacts, alpha=0.45)
    handles = []
    lows, highs, masses = [], [], []
    any_best = False
    for n, ds in enumerate(artifacts):
        edge = GREYS[n % len(GREYS)][1]
        bound = ds["coupling_bound"].values
        (line,) = ax.plot(
            ds["mass"].values, bound, color=edge, lw=1.8, ls=EDGE_STYLES[n % 4], zorder=3
        )
        handles.append((shades[n], line))  # legend: the shading with its edge line
        best_mass, best = best_fit_line(ds)
        if np.isfinite(best).any():
            any_best = True
            ax.plot(best_mass, best, color=edge, lw=0.8, ls=":", zorder=3)
        shown = np.concatenate([bound, best])
        shown = shown[np.isfinite(shown) & (shown > 0)]
        lows.append(shown.min() if shown.size else np.nan)
        highs.append(np.nanmax(bound) if np.isfinite(bound).any() else np.nan)
        masses.append(ds["mass"].values)
    for ds in artifacts:  # point at the first allowed island (vector interference)
        lo, hi = ds["interval_lower"].values, ds["interval_upper"].values
        top = float(ds.attrs.get("coupling_max", np.inf))
        has = np.isfinite(lo[:, 1:]).any(axis=1) & (hi[:, 0] < top) if lo.shape[1] > 1 else []
        if np.any(has):
            i = int(np.flatnonzero(has)[len(np.flatnonzero(has)) // 2])
            y = float(np.sqrt(hi[i, 0] * lo[i, 1]))
            ax.annotate(
                "allowed island\n(destructive interference)",
                xy=(ds["mass"].values[i], y),
                xytext=(0.45, 0.62),
                textcoords="axes fraction",
                fontsize=TEXT_PT,
                arrowprops={"arrowstyle": "->", "lw": 0.7, "color": "0.2"},
            )
            break
    if masses:
        allm = np.concatenate(masses)
        ax.set_xlim(allm.min(), allm.max())
    if np.isfinite(lows).any():
        # no higher than the lowest scan top: above it nothing was computed
        tops = [float(ds.attrs.get("coupling_max", np.inf)) for ds in artifacts]
        ax.set_ylim(0.3 * np.nanmin(lows), min(30 * np.nanmax(highs), 1.0, *tops))
    ax.set_xlabel(f"${MEDIATOR.get(model, labels.get('mass', 'm'))}$ [MeV]")
    ylabel = COUPLING_LABEL.get(model) or labels.get("axis") or model
    ax.set_ylabel(ylabel.replace("  (", "\n(", 1))  # symbol, then its meaning below
    title = labels.get("title", model)
    ax.set_title(
        f"{title}: limits from real data\n(shaded = excluded, white = allowed)", fontsize="medium"
    )
    texts = [f"{label_of(ds)}:\ndata, {_cl(ds)}" for ds in artifacts]
    if any_best:
        handles.append(plt.Line2D([], [], color="0.3", ls=":", lw=0.8))
        texts.append("best fit $\\hat g$\n(where $\\hat g > 0$)")
    if not artifacts:
        ax.text(0.5, 0.5, "no data release configured", ha="center", transform=ax.transAxes)
    if handles:
        fig.legend(
            handles,
            texts,
            loc="outside right upper",
            fontsize=TEXT_PT,
            frameon=False,
            handlelength=3.0,
        )
    if artifacts:
        ax.text(
            0.99,
            0.02,
            "profile likelihood ratio, reference = best fit over $g\\geq0$",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=TEXT_PT,
        )
    return fig
