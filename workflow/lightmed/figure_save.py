"""Saving figures: one layout and one draw per format, mathtext parsed once per process.

Every figure rule writes its figures through :func:`save_figure` (directly, or through
:func:`lightmed.bound_plots.save`). Why each step saves work is said where it is done; the files are
what ``savefig`` writes for each format alone.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.layout_engine import ConstrainedLayoutEngine


def share_mathtext_parses(maxsize: int = 1024) -> None:
    """Parse each mathtext string once per process instead of once per renderer.

    matplotlib caches ``MathTextParser._parse_cached`` per parser instance, and every renderer
    makes its own parser (two renderers per savefig with ``savefig.bbox: tight``: the
    tight-bbox pass and the drawing), so the same tick labels (``$10^{-3}$``) and axis labels
    are parsed again (pyparsing, ~5 ms each) for every figure and format: about a third of a
    figure rule's CPU. A parse depends only on the parser's output type and the cached
    arguments (string, dpi, font, antialiasing, hinting), so one shared cache per output type
    writes the same files. Idempotent; does nothing if matplotlib lacks this private method.
    """
    from matplotlib import mathtext

    cls = mathtext.MathTextParser
    method = cls.__dict__.get("_parse_cached")
    if getattr(method, "_lightmed_shared", False) or not hasattr(method, "__wrapped__"):
        return
    parse = method.__wrapped__
    parsers: dict = {}

    @functools.lru_cache(maxsize)
    def shared(key, *args):
        return parse(parsers[key], *args)

    def _parse_cached(self, *args):
        key = (type(self), self._output_type)
        parsers.setdefault(key, self)
        return shared(key, *args)

    _parse_cached._lightmed_shared = True
    _parse_cached.__wrapped__ = parse
    cls._parse_cached = _parse_cached


def save_figure(fig, paths: Sequence[str], dpi: float) -> None:
    """Write ``fig`` to every path and close it: one layout and one draw per format.

    ``savefig`` alone, with the layout engine (constrained layout) and ``savefig.bbox:
    tight`` (the project's matplotlibrc), draws every format twice: a layout-only pass to
    measure the tight box, then the drawing. Here the layout and the tight box are measured
    once, at the output dpi, before the first format (the engine alone, without a draw of
    the figure); then the engine is removed and each format is drawn once with that box. The
    ticks are fixed (:func:`freeze_ticks`) before the layout, so that neither the layout nor
    the draws re-run the locators (matplotlib does so about twenty times per draw, for ~100
    candidate minor ticks per log axis); if the laid-out axes would get other ticks (a locator
    that adapts to the axis length), the layout is redone with the free locators and frozen
    after it. Titles are placed once after the layout (:func:`fix_titles`). Mathtext is parsed
    once per process (:func:`share_mathtext_parses`).
    """
    share_mathtext_parses()
    tight = matplotlib.rcParams["savefig.bbox"] == "tight"
    engine = fig.get_layout_engine()
    bbox = None
    frozen = freeze_ticks(fig)
    if tight or engine is not None:
        with _figure_dpi(fig, dpi):
            if engine is not None:
                engine.execute(fig)
                if not _same_ticks(frozen):
                    _thaw(frozen)
                    engine.execute(fig)
                    frozen = freeze_ticks(fig)
            fix_titles(fig)
            if tight:
                bbox = fig.get_tightbbox().padded(*_pad_inches(engine))
    if engine is not None:  # None, not "none": savefig re-runs a layout pass for any engine
        with plt.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
    for path in paths:
        fig.savefig(path, dpi=dpi, bbox_inches=bbox)
    plt.close(fig)


def _pad_inches(engine) -> tuple[float, float]:
    """(w_pad, h_pad): ``savefig.pad_inches`` as ``savefig`` applies it to a tight box."""
    pad = matplotlib.rcParams["savefig.pad_inches"]
    if pad == "layout" and isinstance(engine, ConstrainedLayoutEngine):
        return engine.get()["w_pad"], engine.get()["h_pad"]
    return float(pad), float(pad)


@contextlib.contextmanager
def _figure_dpi(fig, dpi: float):
    old = fig.dpi
    fig.dpi = dpi
    try:
        yield
    finally:
        fig.dpi = old


def _ticks(axis, locator, formatter) -> tuple[list, list]:
    """Locations and labels that ``locator`` and ``formatter`` give inside the axis's view.

    Inside as matplotlib draws ticks (``Axis._update_ticks``): within a relative 1e-10 of the
    view in the scale's coordinates (log: decades), so that a minor tick just outside the
    view (5e-8 below a view from 5.0119e-8) is dropped here as it is there.
    """
    scale = axis.get_transform()
    lo, hi = sorted(scale.transform(np.asarray(axis.get_view_interval(), float)))
    tol = 1e-10 * (hi - lo)
    locs = np.asarray(locator(), float)
    formatter.set_locs(locs)
    labels = [formatter(x, i) for i, x in enumerate(locs)]
    with np.errstate(invalid="ignore", divide="ignore"):  # log of 0: not drawn (NaN)
        where = np.asarray(scale.transform(locs), float)
    keep = (where >= lo - tol) & (where <= hi + tol)
    return locs[keep].tolist(), [lab for lab, k in zip(labels, keep, strict=True) if k]


def freeze_ticks(fig) -> list:
    """Fix every axis's ticks to the locations and labels its locators and formatters give now.

    The drawn ticks and labels are the same, but later draws no longer re-run the locators
    (log axes: ~100 candidate minor ticks, most outside the view) and formatters; the major
    formatter's offset text (``1e6``) is kept, and minor labels that are all empty are hidden
    (:func:`_hide_empty_labels`) and their marks drawn as one line per side
    (:func:`_minor_marks`). Returns (axis, ticker, locator, formatter, ticks, labels visible
    before, mark lines) per axis and tick kind, for :func:`_same_ticks` and :func:`_thaw`.
    """
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

    frozen = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for ticker in (axis.major, axis.minor):
                ticks = _ticks(axis, ticker.locator, ticker.formatter)
                locator, formatter = FixedLocator(ticks[0]), FixedFormatter(ticks[1])
                locator.set_axis(axis)
                formatter.set_axis(axis)
                formatter.set_offset_string(ticker.formatter.get_offset())
                visible = None
                if ticker is axis.minor and not any(ticks[1]):
                    visible = _hide_empty_labels(axis)
                frozen.append((axis, ticker, ticker.locator, ticker.formatter, ticks, visible, []))
                ticker.locator, ticker.formatter = locator, formatter
    # Marks after all axes are frozen: shared axes share their tickers (sharex/sharey).
    for axis, _, _, _, _, visible, marks in frozen:
        if visible is not None:
            marks.extend(_minor_marks(axis))
    for _axis, ticker, *_, marks in frozen:
        if marks:
            ticker.locator = NullLocator()
    return frozen


def _minor_marks(axis) -> list:
    """Draw the (label-less) minor ticks of ``axis`` as one marker line per side; the lines.

    A minor tick is a Tick artist of five (a mark per side, a grid line, two labels), made,
    placed and drawn one by one: on log axes (~60 minor ticks each) that is about a quarter
    of a figure rule's CPU. Where the minor ticks have no labels and no grid lines, their marks
    are drawn as one Line2D per visible side, with the same markers (transform, size, width,
    colour) at the same places, right after the axis draws its major ticks and labels (where
    the axis drew them; the files are byte for byte the same) and outside the layout (tick
    marks never count in it); the caller then gives the axis no minor ticks (NullLocator).
    Returns [] (nothing changed) where the minor ticks have grid lines or the axis is hidden.
    """
    from matplotlib.lines import Line2D

    ax = axis.axes
    locs = np.asarray(axis.get_minorticklocs(), float)  # without those on major ticks
    tick = axis.get_minor_ticks(1)[0]
    if not len(locs) or not axis.get_visible() or not ax.axison or tick.gridline.get_visible():
        return []
    marks = []
    for proto in (tick.tick1line, tick.tick2line):
        if not proto.get_visible():
            continue
        if axis is ax.xaxis:  # x in data, y in axes coordinates (0 or 1: the side)
            line = Line2D(locs, np.full(len(locs), proto.get_ydata()[0]))
        else:
            line = Line2D(np.full(len(locs), proto.get_xdata()[0]), locs)
        line.update_from(proto)
        line.set(figure=ax.figure, transform=proto.get_transform(), clip_on=False)
        marks.append(line)
    if marks:
        axis_draw = axis.draw

        def draw(renderer, *args, **kwargs):
            axis_draw(renderer, *args, **kwargs)
            for line in marks:
                line.draw(renderer)

        axis.draw = draw  # this axis only; _thaw removes it
    return marks


def _hide_empty_labels(axis) -> tuple[bool, bool]:
    """Hide the (all empty) minor tick labels of ``axis``; their visibility before.

    An empty label draws nothing and its zero-size box counts in no layout, but matplotlib
    still places and measures it on every pass (on log axes about 50 per axis).
    """
    tick = axis.get_minor_ticks(1)[0]
    before = tick.label1.get_visible(), tick.label2.get_visible()
    axis.set_tick_params(which="minor", label1On=False, label2On=False)
    return before


def fix_titles(fig) -> None:
    """Place the axes titles now and keep them there if no decoration moves them.

    matplotlib places every title on each draw and tight-box pass, above whatever the axes
    has on top (ticks, labels, an offset text); that measures the y axis's ticks again each
    time. After the layout nothing moves any more: where the placement leaves every title of
    an axes at the top of the frame (y = 1, no decoration in the way; the titles of these
    figures), the titles are fixed there, as ``set_title(..., y=1)`` would. Does nothing if
    matplotlib lacks the private placement or the canvas has no renderer of its own (not Agg).
    """
    get_renderer = getattr(fig.canvas, "get_renderer", None)
    if get_renderer is None:
        return
    renderer = get_renderer()
    for ax in fig.axes:
        place = getattr(ax, "_update_title_position", None)
        if place is None or not getattr(ax, "_autotitlepos", False):
            continue
        place(renderer)
        titles = (ax.title, ax._left_title, ax._right_title)
        if all(title.get_position()[1] == 1.0 for title in titles):
            ax._autotitlepos = False


def _same_ticks(frozen) -> bool:
    """Whether the free locators and formatters still give the frozen ticks (after a layout)."""
    return all(_ticks(axis, loc, fmt) == ticks for axis, _, loc, fmt, ticks, *_ in frozen)


def _thaw(frozen) -> None:
    # Reversed: of shared axes (one ticker), the first frozen kept the free locator.
    for axis, ticker, locator, formatter, _, visible, marks in reversed(frozen):
        ticker.locator, ticker.formatter = locator, formatter
        if marks:
            del axis.draw  # the instance's wrapper (_minor_marks): the class's draw again
        if visible is not None:
            axis.set_tick_params(which="minor", label1On=visible[0], label2On=visible[1])
