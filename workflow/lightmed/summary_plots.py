"""Summary figures (rule plot_summary): every lightmed bound for one mediator on one
coupling axis, from finished artifacts only.

Every figure states the coupling on its axis. Detector sensitivities use [ST21]'s
g = sqrt(g_nu g_q) (vector, scalar) or g_B-L (``bl_vector``); the SN-core bounds use [C21]'s
couplings (g_B-L, Y = sqrt(C_nu C_N)). Different couplings share an axis only through the
documented maps of :data:`SUMMARY_AXES` (summary figures):

* ``summary_vector``: g = sqrt(g_nu g_q) of the [ST21] vector (g_nu g_q > 0, destructive
  interference). No SN-core model has this coupling structure ([C21]'s Z' is B-L, with the
  opposite interference sign), so none is drawn; the B-L comparison is ``summary_bl_vector``.
* ``summary_scalar``: Y = sqrt(C_nu C_N). Detector bounds are mapped with
  Y = sqrt(C_N/C_q) g, C_N/C_q = 13.8 ([C21], physics.md §1.1; config
  ``radial.scalar_cn_over_cq``), exact up to the nucleus charge convention (Q_s/A = 14 + 1.1 Z/A
  in [ST21] vs 13.8: Y differs by sqrt(1.06) = 3 %).
* ``summary_bl_vector``: g_B-L for everything (detector ``bl_vector`` rates are computed
  from the B-L charges, lightmed.rates).
* any other registry model: its own axis coupling (``labels`` from the registry) for its
  detector and SN-core bounds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
import matplotlib.lines
import matplotlib.patheffects
import numpy as np
import pandas as pd
import xarray as xr

from .bound_plots import (
    annotate,
    coupling_grid,
    draw_sensitivity,
    excluded_mask,
    label,
    legend_outside,
    new_axes,
    shade_union,
    sigma_text,
    source_colour,
)
from .constraint_plots import GREYS, shade_constraints
from .errors import InputError
from .models import labels as registry_labels
from .sn_core import headline_curves as sn_core_headline_curves
from .sn_core_plots import (
    _draw_nur_band,
    criterion_handle,
    criterion_style,
    examined_text,
    quoted_excluded_mask,
)

#: Colours of the SN-core bounds on summary figures (per method), after the sources'.
SN_CORE_COLOURS = ("C3", "C6", "C5", "k", "C7")
#: Text size of the summary figures' legends and annotations [pt].
SUMMARY_FONTSIZE = 8.5


#: Per summary figure: the axis coupling and, per artifact model, the factor mapping the
#: artifact's coupling to it (see the module docstring). ``scalar_factor`` is filled in from
#: config at plot time.
SUMMARY_AXES: dict[str, dict[str, object]] = {
    "vector": {
        "axis": r"$g=\sqrt{g_\nu g_q}$ ([ST21] vector Z$'$, $g_\nu g_q>0$)",
        "detector_factor": "1",
        "sn_core": {},
    },
    "scalar": {
        "axis": r"$Y=\sqrt{C_\nu C_N}$ ([C21]); detector bounds: "
        r"$Y=\sqrt{C_N/C_q}\,g$",
        "detector_factor": "sqrt_cn_over_cq",
        "sn_core": {"lnv_scalar": "LNV scalar", "lnc_scalar": "LNC scalar"},
    },
    "bl_vector": {
        "axis": r"$g_{B-L}$ (U(1)$_{B-L}$ Z$'$; detectors: $g_\nu g_q=-g_{B-L}^2/3$)",
        "detector_factor": "1",
        "sn_core": {"bl_vector": "B$-$L"},
    },
}


def _merge_identical(group: Mapping[str, xr.Dataset], titles: Mapping) -> dict[str, xr.Dataset]:
    """{legend title: dataset}; a model whose bounds equal another's on every criterion it has
    is drawn once, under the other's title (e.g. the radial method sees only the nucleon
    charge, so the LNV scalar's diffusion-time bounds are the LNC scalar's)."""
    out: dict[str, xr.Dataset] = {}
    for name, ds in group.items():
        title = titles.get(name, name)
        for known, other in list(out.items()):
            if "headline" in ds or "headline" in other:
                continue
            common = np.intersect1d(ds["criterion"].values, other["criterion"].values)
            a = ds["coupling_bound"].sel(criterion=common)
            b = other["coupling_bound"].sel(criterion=common)
            if common.size and a.shape == b.shape and np.allclose(a, b, equal_nan=True):
                big, small = (
                    (ds, other)
                    if ds.sizes["criterion"] > other.sizes["criterion"]
                    else (
                        other,
                        ds,
                    )
                )
                same = f"{title} = {known}" if big is other else f"{known} = {title}"
                out.pop(known)
                out[
                    same
                    if big.sizes["criterion"] == small.sizes["criterion"]
                    else (
                        f"{title if big is ds else known} (and {known if big is ds else title} "
                        "where it applies)"
                    )
                ] = big
                break
        else:
            out[title] = ds
    return out


def _note_criterion(crit: dict, c: str, ds: xr.Dataset, snap, names: Mapping) -> None:
    """Collect the legend text of criterion ``c`` and the snapshots it is drawn on."""
    desc = None
    if "criterion_description" in ds:
        d = ds["criterion_description"].sel(criterion=c)
        if snap is not None and "snapshot" in d.dims:
            d = d.sel(snapshot=snap)
        desc = str(np.ravel(d.values)[0])
    text, snaps = crit.setdefault(c, (registry_labels.criterion(c, desc), []))
    if snap is not None:
        t = ds["snapshot_time"].sel(snapshot=snap) if "snapshot_time" in ds else None
        entry = (snap, float(t) if t is not None and t.ndim == 0 else None)
        if entry not in snaps:
            snaps.append(entry)


#: Line style of an external limit (config ``external_limits``): no criterion has it.
EXTERNAL_STYLE = (0, (9, 3))


#: Ticks on the edge of an SN-core exclusion, pointing into the excluded side (summary).
TICKS = matplotlib.patheffects.TickedStroke(angle=135, spacing=5, length=0.7)


def _coincide(a: np.ndarray, b: np.ndarray, rtol: float = 0.03) -> bool:
    """Two curves on one mass grid lie on top of each other (within ``rtol``) over at least a
    third of the masses where both are drawn."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape:
        return False
    both = np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0)
    if both.sum() < max(3, np.isfinite(a).sum() // 3):
        return False
    close = np.abs(np.log(a[both] / b[both])) < rtol
    return bool(close.sum() >= both.sum() / 3)


def _dashes(ls) -> tuple:
    """(offset, pattern or None) of a line style (named or explicit), in line widths."""
    named = {"-": (0, None), "solid": (0, None), "--": (0, (3.7, 1.6)), ":": (0, (1, 1.65))}
    named["-."] = (0, (6.4, 1.6, 1, 1.6))
    return named.get(ls, ls) if isinstance(ls, str) else ls


def _draw_sn_curve(ax, mass, y, colour, criterion: str, drawn: list, lw: float = 1.3):
    """Draw one SN-core bound in the criterion's style (:func:`criterion_style`).

    Where it lies on top of a curve drawn earlier in another colour (e.g. LNV and LNC scalar
    diffusion-time bounds, which see only the nucleon coupling), the earlier curve is widened
    underneath with the same dash lengths, so both colours stay visible; no value changes.
    """
    style = criterion_style(criterion)
    (h,) = ax.plot(
        mass, y, color=colour, lw=lw, zorder=2.2, markersize=4, markerfacecolor="none", **style
    )
    for other in drawn:
        if matplotlib.colors.same_color(other.get_color(), colour):
            continue
        if getattr(other, "_lightmed_widened", False) or not _coincide(other.get_ydata(), y):
            continue
        thin = other.get_linewidth()
        wide = thin + 2.4
        offset, pattern = _dashes(getattr(other, "_lightmed_ls", "-"))
        if pattern is not None:  # dashes scale with the width: keep their length
            other.set_linestyle((offset, tuple(p * thin / wide for p in pattern)))
        other.set_linewidth(wide)
        other.set_zorder(2.1)
        other._lightmed_widened = True
    h._lightmed_ls = style["ls"]
    drawn.append(h)
    return h


def _mask_edges(grid: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
    """Edges of an excluded (coupling grid, mass) mask over mass, ticks to the inside: the
    lower edge of the lowest excluded interval and, where it closes below the grid top, the
    upper edge of the highest (NaN where nothing is excluded)."""
    any_ = mask.any(axis=0)
    first = np.argmax(mask, axis=0)
    last = mask.shape[0] - 1 - np.argmax(mask[::-1], axis=0)
    lower = np.where(any_, grid[first], np.nan)
    closed = any_ & (last < mask.shape[0] - 1)
    edges = [lower]
    if closed.any():
        edges.append(np.where(closed, grid[np.minimum(last, grid.size - 1)], np.nan))
    return edges


def _sn_core_regions(ax, ds, colour, name, handles: list, texts: list) -> float | None:
    """Mark what the quoted [C21] criteria of one model exclude, as on its SN-core figure: the
    diffusion-time exclusion by ticks on its edge pointing into it (excluded above the
    bound, up to the top of the examined couplings; grey fills mean data limits here) and
    the nu_R free-streaming band hatched (between the emission and the re-trapping line,
    nothing above). Returns that top where it lies below the top of the axes, so that a
    ticked edge closes the region there (the legend names it); else None."""
    mass = ds["mass"].values
    grid = coupling_grid(ax)
    top = float(ds.attrs.get("coupling_max", np.nan))
    inside = top < ax.get_ylim()[1]
    if not inside:  # the examined range covers the axes: a region reaching its top stays open
        grid = grid[grid <= top] if np.isfinite(top) else grid
    mask = quoted_excluded_mask(ds, grid)
    drawn = mask is not None and mask.any()
    if drawn:
        for k, edge in enumerate(_mask_edges(grid, mask)):
            step = 1 if k == 0 else -1  # ticks on the left of the path: up, then down
            ax.plot(
                mass[::step], edge[::step], color=colour, lw=0.9, zorder=2.3, path_effects=[TICKS]
            )
        handles.append(matplotlib.lines.Line2D([], [], color=colour, lw=0.9, path_effects=[TICKS]))
        texts.append(f"[C21] {name}: quoted $\\Delta t$ criteria exclude the ticked side")
    if "nur_band_lower" in ds:
        for h in _draw_nur_band(ax, ds, colour=colour, zorder=0.9):
            h.sticky_edges.x[:] = []
            handles.append(h)
            texts.append(f"[C21] {name}: $\\nu_R$ free streaming disfavoured (band only)")
    return top if drawn and inside else None


def _criterion_text(text: str, snaps: list, names: Mapping, times_only: bool) -> str:
    """Legend text of a criterion with the snapshots it is drawn on (only their times when
    every criterion is on the same profile, named in the group title)."""
    if not snaps:
        return text
    when = registry_labels.snapshots(snaps, names)
    if times_only:
        base = registry_labels.snapshot(snaps[0][0], None, names)
        when = when[len(base) :].lstrip(", ") or when
    return f"{text} ({when})"


def read_limit_csv(path: str | Path) -> pd.DataFrame:
    """External limit CSV: columns mass_mev (or mass) [MeV], coupling [1], optional label.

    Drawn as one line in the file's row order on log axes, so every mass and coupling must be
    a finite number > 0 and the masses must not decrease; anything else is a one-line
    :class:`InputError` naming the file, its line and column and the fix.
    """
    import csv

    from .text_table import data_lines, line_of

    fix = (
        "give every row a number > 0 (mass_mev [MeV], coupling [1]), rows in ascending mass, "
        "'#' for comments (config sensitivity.external_limits)"
    )
    try:
        df = pd.read_csv(path, comment="#", dtype=str, skipinitialspace=True, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(
            f"{path}: external limit CSV not found (check sensitivity.external_limits)"
        ) from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: external limit CSV is empty; {fix}") from None
    except (ValueError, pd.errors.ParserError) as exc:
        reason = " ".join(str(exc).split())
        raise InputError(f"{path}: not a readable external limit CSV ({reason}); {fix}") from None
    df.columns = [str(c).strip().lower() for c in df.columns]
    if "mass_mev" not in df and "mass" in df:
        df = df.rename(columns={"mass": "mass_mev"})
    missing = {"mass_mev", "coupling"} - set(df.columns)
    if missing:
        raise InputError(f"{path}: external limit CSV lacks column(s) {', '.join(missing)}")
    if df.empty:
        raise InputError(f"{path}: external limit CSV has no data rows; {fix}")
    rows = data_lines(Path(path), 0, "#")
    (first, header), *body = [
        (n, next(csv.reader([text], skipinitialspace=True))) for n, text in rows
    ]
    for number, fields in body:  # pandas would take extra fields for an index
        if len(fields) != len(header):
            raise InputError(
                f"{path}: line {number} has {len(fields)} fields where the header (line "
                f"{first}) has {len(header)}; {fix}"
            )

    def line(row: int) -> int:  # the header is the first data line pandas reads
        return line_of(path, row + 1)

    for col in ("mass_mev", "coupling"):
        raw = df[col].fillna("").astype(str).str.strip()
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~(np.isfinite(values) & (values > 0)))
        if bad.size:
            i = int(bad[0])
            text = repr(raw.iloc[i]) if raw.iloc[i] else "an empty cell"
            what = "is not a finite number > 0"
            if np.isnan(values[i]) and raw.iloc[i].lower() not in ("nan", "+nan", "-nan"):
                what = "is not a number"
            raise InputError(f"{path}: line {line(i)}, column '{col}': {text} {what}; {fix}")
        df[col] = values
    down = np.flatnonzero(np.diff(df["mass_mev"].to_numpy()) < 0)
    if down.size:
        i = int(down[0]) + 1
        raise InputError(
            f"{path}: line {line(i)}, column 'mass_mev': {df['mass_mev'].iloc[i]:g} MeV after "
            f"{df['mass_mev'].iloc[i - 1]:g} MeV on line {line(i - 1)}; sort the rows by "
            "ascending mass (the limit is drawn as one line in row order; config "
            "sensitivity.external_limits)"
        )
    return df


def plot_summary(
    model: str,
    sens: Mapping,
    sn_core: Mapping[str, xr.Dataset],
    sn_core_radial: Mapping[str, xr.Dataset],
    external: Sequence[tuple[dict, str]],
    style: Mapping,
    coupling_range,
    scalar_cn_over_cq: float,
    labels: Mapping[str, str] | None = None,
    constraints: Sequence[xr.Dataset] = (),
):
    """All lightmed bounds for one mediator on one coupling axis (see module docstring).

    ``constraints``: limits from real data of this model (constraints artifacts), shaded in
    grey under the lines (lightmed.constraint_plots), on the detector-bound axis mapping.

    ``labels`` (registry: ``axis``, ``mass``, ``title``) serve models without an entry in
    :data:`SUMMARY_AXES`.
    """
    labels = dict(labels or {"axis": model, "mass": "m", "title": model})
    axis = SUMMARY_AXES.get(
        model, {"axis": labels["axis"], "detector_factor": "1", "sn_core": {model: labels["title"]}}
    )
    factor = math.sqrt(scalar_cn_over_cq) if axis["detector_factor"] != "1" else 1.0
    names = style.get("labels") or {}
    fig, ax = new_axes(style, model, coupling_range, axis["axis"], labels["mass"], 3.2)
    first = None
    masks, det_h, det_t, sn_h, sn_t, crit, det_sets = [], [], [], [], [], {}, set()
    for k, ((src, combo), ds) in enumerate(sens.items()):
        first = first or ds
        det_h.append(draw_sensitivity(ax, ds, factor=factor, color=source_colour(src, k), lw=1.8))
        det_t.append(f"{label(src, names)} ({sigma_text(ds)})")
        det_sets.add(label(combo, names))
        masks.append((ds["mass"].values, excluded_mask(ds, coupling_grid(ax), factor)))
    shade_union(ax, masks, zorder=0.3)  # projections under the limits from data
    data_h, data_t = [], []
    if constraints:
        fills = shade_constraints(ax, constraints, factor=factor)
        for n, fill in enumerate(fills):  # legend: the grey region with its edge line
            edge = matplotlib.lines.Line2D([], [], color=GREYS[n % len(GREYS)][1], lw=1.2)
            data_h.append((fill, edge))
            data_t.append(fill.get_label())
    colours = iter(SN_CORE_COLOURS * 4)
    drawn: list = []
    region_h, region_t = [], []
    examined: dict[str, float] = {}  # model -> top of its examined couplings, inside the axes
    for method, group in (
        ("[C21] shells", sn_core),
        ("[ST21] radial", sn_core_radial),
    ):
        for name, ds in _merge_identical(group, axis["sn_core"]).items():
            col = next(colours)
            n_drawn = len(drawn)
            if "headline" in ds:  # shell method: the quoted curves (pairing, headline choice)
                for curve in sn_core_headline_curves(ds):
                    c = curve["criterion"]
                    _draw_sn_curve(ax, ds["mass"].values, curve["bound"].values, col, c, drawn)
                    _note_criterion(crit, c, ds, curve["snapshot"], names)
                top = _sn_core_regions(ax, ds, col, name, region_h, region_t)
                if top is not None:
                    examined[name] = top
            else:
                bound = ds["coupling_bound"]
                if "status" in ds:  # radial method: only the criteria that apply
                    bound = bound.where(ds["status"] == "")
                for c in bound["criterion"].values:
                    da = bound.sel(criterion=c)
                    other = [d for d in da.dims if d != "mass"]
                    flat = da.transpose("mass", *other).values.reshape(da.sizes["mass"], -1)
                    if not np.isfinite(flat).any():
                        continue
                    for y in flat.T:
                        _draw_sn_curve(ax, ds["mass"].values, y, col, str(c), drawn, lw=0.9)
                    for snap in (
                        np.atleast_1d(ds["snapshot"].values) if "snapshot" in ds.coords else [None]
                    ):
                        _note_criterion(crit, str(c), ds, snap, names)
            if len(drawn) > n_drawn:
                sn_h.append(matplotlib.lines.Line2D([], [], color=col, lw=2.5))
                sn_t.append(f"{method}: {name}")
    for entry, path in external:
        df = read_limit_csv(path)
        ax.plot(
            df["mass_mev"],
            df["coupling"],
            color="0.3",
            lw=1.2,
            ls=EXTERNAL_STYLE,
            label=f"external: {entry.get('label') or df.get('label', [''])[0]}",
        )
    if first is not None:
        coincident = any(getattr(h, "_lightmed_widened", False) for h in drawn)
        annotate(
            ax,
            first,
            "shaded: excluded by a CE$\\nu$NS projection\ndotted: allowed islands"
            + ("\nwide line under a thin one: coincident SN-core bounds" if coincident else "")
            + ("" if axis["sn_core"] else "\nno SN-core bound for this coupling structure"),
            fontsize=SUMMARY_FONTSIZE,
        )
    ax.set_title(
        {
            "vector": "Vector mediator: all lightmed bounds",
            "scalar": "Scalar mediator: all lightmed bounds",
            "bl_vector": "U(1)$_{B-L}$ vector: all lightmed bounds",
        }.get(model, f"{labels['title']}: all lightmed bounds"),
        fontsize=10,
    )
    crit_h = [criterion_handle(c, lw=1.3) for c in crit]
    # one profile for every criterion (the default): named once, in the group title
    profiles = {registry_labels.snapshot(n, None, names) for _, s in crit.values() for n, _ in s}
    crit_t = [
        _criterion_text(text, snaps, names, len(profiles) == 1) for text, snaps in crit.values()
    ]
    crit_title = "SN-core criterion (line)" + (
        f", on the {next(iter(profiles))}" if len(profiles) == 1 else ""
    )
    legend_outside(
        fig,
        ax,
        [
            ("CE$\\nu$NS projections: " + ", ".join(sorted(det_sets)), det_h, det_t),
            ("limits from data (grey, excluded above)", data_h, data_t),
            ("SN core (colour)", sn_h, sn_t),
            (crit_title, crit_h, crit_t),
            ("SN core: excluded regions" + examined_text(examined), region_h, region_t),
        ],
        fontsize=SUMMARY_FONTSIZE,
        handlelength=3.2,
    )
    return fig
