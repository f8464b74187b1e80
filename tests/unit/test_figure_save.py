"""Saving figures (lightmed/figure_save.py): one layout and one draw per format, the same files
as savefig writes for each format alone."""

from __future__ import annotations

import numpy as np

from lightmed import figure_save as fs


def test_mathtext_parses_are_shared_and_unchanged():
    """One mathtext parse per process (issue 14): the parsers of two renderers share the
    result, which equals an uncached parse of the same arguments."""
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties
    from matplotlib.ft2font import LoadFlags
    from matplotlib.mathtext import MathTextParser

    s, prop = r"$\mathdefault{10^{-3}}$ [MeV]", FontProperties(size=9)
    fs.share_mathtext_parses()
    fs.share_mathtext_parses()  # idempotent
    a = MathTextParser("path").parse(s, 72, prop)
    assert MathTextParser("path").parse(s, 72, prop) is a
    uncached = MathTextParser._parse_cached.__wrapped__
    args = (s, 72, prop.copy(), mpl.rcParams["text.antialiased"], LoadFlags.NO_HINTING)
    assert uncached(MathTextParser("path"), *args) == a


def _log_figure():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
    x = np.geomspace(1e-3, 1e4, 300)
    ax.plot(x, 1e-5 * np.sqrt(1 + (x / 50) ** 2), label=r"$g_{B-L}$")
    ax.set(xscale="log", yscale="log", xlabel=r"$m_{Z'}$ [MeV]", ylabel=r"$g$", title="t")
    ax.set_ylim(1e-7, 1e-1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    return fig


def _same_png_as_savefig(tmp_path, figure, more=()) -> None:
    """save_figure(figure(), [PNG, *more]) writes the PNG savefig writes alone, byte for byte."""
    import matplotlib

    with matplotlib.rc_context({"savefig.bbox": "tight"}):
        ref, ours = tmp_path / "ref.png", tmp_path / "ours.png"
        figure().savefig(ref, dpi=150)
        fs.save_figure(figure(), [str(ours), *map(str, more)], 150)
    assert ref.read_bytes() == ours.read_bytes()


def test_save_figure_draws_what_savefig_draws(tmp_path):
    """One layout and one draw per format (layout and tight box measured once, ticks frozen)
    give the PNG that savefig's own layout and tight-box passes give, byte for byte."""
    _same_png_as_savefig(tmp_path, _log_figure, more=[tmp_path / "ours.pdf"])
    assert (tmp_path / "ours.pdf").stat().st_size > 0


def _drawn(axis, frozen=()) -> tuple[list, list]:
    """What matplotlib draws on ``axis``: (major location, label) pairs and minor locations,
    the minor ones from the Tick artists or, once frozen, from the mark lines."""
    ticks = axis._update_ticks()
    major = [(t.get_loc(), t.label1.get_text()) for t in ticks if t in axis.majorTicks]
    minor = [t.get_loc() for t in ticks if t in axis.minorTicks]
    for line in (line for entry in frozen if entry[0] is axis for line in entry[-1]):
        minor.extend(line.get_xdata() if axis is axis.axes.xaxis else line.get_ydata())
    return major, sorted(set(minor))


def test_freeze_ticks_keeps_the_drawn_ticks():
    """Frozen, an axis draws the same major ticks and labels, and its minor marks at the
    same places (one line per side instead of a Tick artist each); thawed, it is as before."""
    fig = _log_figure()
    fig.draw_without_rendering()
    axes = (fig.axes[0].xaxis, fig.axes[0].yaxis)
    before = [_drawn(a) for a in axes]
    frozen = fs.freeze_ticks(fig)
    fig.draw_without_rendering()
    after = [_drawn(a, frozen) for a in axes]
    assert before == after and len(before[0][1]) > 20  # log axis: minor ticks included
    assert all(
        axis._update_ticks() == axis.get_major_ticks(len(m))
        for axis, (m, _) in zip(axes, after, strict=True)
    )  # no minor Tick artists left to draw
    fs._thaw(frozen)
    assert [_drawn(a) for a in axes] == before and "draw" not in vars(axes[0])


def test_minor_marks_of_shared_axes(tmp_path):
    """Shared axes share their tickers: each axis of a sharey pair draws its own minor marks,
    and the file is savefig's, byte for byte (the second axis lost its marks once)."""
    import matplotlib.pyplot as plt

    def figure():
        fig, axes = plt.subplots(1, 2, figsize=(6, 3), sharey=True, layout="constrained")
        for ax in axes:
            ax.loglog([1e-3, 1e4], [1e-7, 1e-1])
        return fig

    fig = figure()
    frozen = fs.freeze_ticks(fig)
    marks = [sum(len(e[-1]) for e in frozen if e[0] is ax.yaxis) for ax in fig.axes]
    assert marks == [1, 1]
    _same_png_as_savefig(tmp_path, figure, more=[tmp_path / "ours.pdf"])


def test_save_figure_redoes_the_layout_when_ticks_follow_the_axis_length(tmp_path, monkeypatch):
    """Linear axes pick their number of ticks from the axis length, which the layout changes
    (here a legend squeezes the axes): the frozen ticks are dropped, the layout redone with the
    free locators and the ticks frozen after it, so the figure shows the ticks savefig shows."""
    import matplotlib
    import matplotlib.pyplot as plt
    from PIL import Image

    def figure():
        fig, ax = plt.subplots(figsize=(4, 2), layout="constrained")
        for k in range(3):
            ax.plot([0, 1], [0, k], label="x" * 8)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        return fig

    thawed = []
    real = fs._thaw
    monkeypatch.setattr(fs, "_thaw", lambda frozen: thawed.append(1) or real(frozen))
    with matplotlib.rc_context({"savefig.bbox": "tight"}):
        ref, ours = tmp_path / "ref.png", tmp_path / "ours.png"
        ref_fig, our_fig = figure(), figure()
        ref_fig.savefig(ref, dpi=150)
        fs.save_figure(our_fig, [str(ours)], 150)
    assert thawed == [1]
    ref_ax, our_ax = ref_fig.axes[0], our_fig.axes[0]
    for ref_axis, our_axis in ((ref_ax.xaxis, our_ax.xaxis), (ref_ax.yaxis, our_ax.yaxis)):
        lo, hi = sorted(ref_axis.get_view_interval())
        shown = [x for x in ref_axis.get_majorticklocs() if lo <= x <= hi]
        assert list(our_axis.major.locator.locs) == shown
    size = np.array(Image.open(ref).size) - np.array(Image.open(ours).size)
    assert np.all(np.abs(size) <= 4)  # the layout is matplotlib's, iterated once more


def test_frozen_ticks_keep_the_offset_text(tmp_path):
    """A linear axis whose formatter writes an offset (``1e6``) keeps it once frozen."""
    import matplotlib.pyplot as plt

    def figure():
        fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
        ax.plot([0, 1, 2], [1.0e6, 3.0e6, 2.5e6])
        ax.set_title("offset")
        return fig

    fig = figure()
    fs.freeze_ticks(fig)
    assert fig.axes[0].yaxis.major.formatter.get_offset() == "1e6"
    _same_png_as_savefig(tmp_path, figure)


def test_minor_labels_hidden_only_when_all_empty(tmp_path):
    """Log axes over many decades have empty minor labels (hidden, nothing drawn changes);
    over less than a decade matplotlib labels the minor ticks, which stay visible."""
    import matplotlib.pyplot as plt

    def figure():
        fig, (wide, narrow) = plt.subplots(1, 2, figsize=(6, 3), layout="constrained")
        wide.loglog([1e-3, 1e4], [1e-7, 1e-1])
        narrow.semilogy([0, 1], [2, 7])
        return fig

    fig = figure()
    frozen = fs.freeze_ticks(fig)
    wide, narrow = fig.axes
    assert not wide.yaxis.get_minor_ticks(1)[0].label1.get_visible()
    assert narrow.yaxis.get_minor_ticks(1)[0].label1.get_visible()
    assert any(narrow.yaxis.minor.formatter.seq)
    fs._thaw(frozen)
    assert wide.yaxis.get_minor_ticks(1)[0].label1.get_visible()
    _same_png_as_savefig(tmp_path, figure)


def test_titles_fixed_only_where_nothing_moves_them(tmp_path):
    """A title above a plain frame stays at y = 1 and is fixed there; a title above top tick
    labels is moved by matplotlib on every draw and stays automatic."""
    import matplotlib.pyplot as plt

    def figure():
        fig, (plain, top) = plt.subplots(1, 2, figsize=(6, 3), layout="constrained")
        plain.plot([0, 1])
        plain.set_title("plain")
        top.plot([0, 1])
        top.xaxis.tick_top()
        top.set_title("above the ticks")
        return fig

    fig = figure()
    fig.get_layout_engine().execute(fig)
    fs.fix_titles(fig)
    plain, top = fig.axes
    assert plain._autotitlepos is False and plain.title.get_position()[1] == 1.0
    assert top._autotitlepos is True and top.title.get_position()[1] > 1.0
    _same_png_as_savefig(tmp_path, figure)
