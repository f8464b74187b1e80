"""Constraints figures on synthetic artifacts: shading, islands, labels, summary hook."""

from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lightmed.bound_plots import save  # noqa: E402
from lightmed.constraint_plots import (  # noqa: E402
    best_fit_line,
    label_of,
    plot_constraints,
    shade_constraints,
)
from lightmed.constraints import Scan  # noqa: E402
from lightmed.constraints.scan import scan_dataset  # noqa: E402
from lightmed.summary_plots import plot_summary  # noqa: E402

STYLE = {"formats": ["png"], "dpi": 60, "width_in": 6.4, "height_in": 4.6}
G = np.geomspace(1e-7, 1e-2, 301)
MASS = np.geomspace(0.01, 1000, 9)


def artifact(title, scale, island=False, year=2017):
    g0 = scale * np.sqrt(1 + (MASS / 10) ** 2)[:, None]
    mu = 100 * (1 - (G / g0) ** 2) ** 2 if island else 100 * (1 + (G / g0) ** 4)
    neg2 = 2 * (mu - 100 + 100 * np.log(100 / np.maximum(mu, 1e-300)))
    scan = Scan(
        G, neg2, np.zeros(MASS.size), np.zeros(MASS.size), attrs={"title": title, "year": year}
    )
    return scan_dataset(scan, MASS, experiment="toy", model="vector")


def test_label_has_year():
    assert label_of(artifact("COHERENT CsI", 1e-5)) == "COHERENT CsI (2017)"
    assert label_of(artifact("COHERENT CsI (2017)", 1e-5)) == "COHERENT CsI (2017)"


def test_shading_covers_excluded_side_and_cuts_islands():
    ds = artifact("A (2017)", 1e-5, island=True)
    fig, ax = plt.subplots()
    handles = shade_constraints(ax, [ds, artifact("B (2019)", 3e-5, year=2019)])
    assert [h.get_label() for h in handles] == ["A (2017): data, 90% CL", "B (2019): data, 90% CL"]
    # A: grey from the bound to the top of the scan (not above: not computed there), white
    # island between the two intervals, nothing below
    grey = handles[0].get_paths()[0].vertices
    bound = ds["coupling_bound"].values
    assert np.nanmin(grey[:, 1]) >= 0.99 * bound.min()
    assert np.nanmax(grey[:, 1]) == G[-1] == ds.attrs["coupling_max"]
    whites = [c for c in ax.collections if c.get_facecolor()[0][:3].tolist() == [1.0, 1.0, 1.0]]
    assert len(whites) == 1  # the island of A (B has none)
    island = whites[0].get_paths()[0].vertices[:, 1]
    assert np.all(island >= bound.min())
    plt.close(fig)


def test_constraints_figure_and_summary_hook(tmp_path):
    arts = [
        artifact("COHERENT CsI (2017)", 2e-5, island=True),
        artifact("XENON1T (2019)", 5e-5, year=2019),
    ]
    fig = plot_constraints("vector", arts, STYLE)
    assert fig.axes[0].get_ylim()[1] <= G[-1]  # the axes end where the scans do
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "COHERENT CsI (2017):\ndata, 90% CL" in texts
    assert "XENON1T (2019):\ndata, 90% CL" in texts
    save(fig, [str(tmp_path / "constraints_vector.png")], STYLE)
    assert (tmp_path / "constraints_vector.png").stat().st_size > 5000
    # summary: the scalar axis maps g -> Y = sqrt(13.8) g, also for the shading
    fig = plot_summary("scalar", {}, {}, {}, [], STYLE, [1e-7, 1e-1], 13.8, None, constraints=arts)
    edge = [ln for ln in fig.axes[0].lines if np.isfinite(ln.get_ydata()).all()][0]
    np.testing.assert_allclose(
        edge.get_ydata(), np.sqrt(13.8) * arts[0]["coupling_bound"].values, rtol=1e-12
    )
    plt.close(fig)


def branch_jump(ds):
    """``ds`` (with an island) with its best fit in the island at the first 5 masses and
    below the lowest excluded interval (lower branch) from then on, as the XENONnT vector
    fit does above ~100 MeV."""
    ds = ds.copy(deep=True)
    lower, upper = ds["interval_lower"].values, ds["interval_upper"].values
    best = np.sqrt(upper[:, 0] * lower[:, 1])
    best[5:] = 0.5 * lower[5:, 0]
    ds["best_fit"] = ("mass", best)
    return ds


def test_best_fit_line_breaks_where_the_branch_changes():
    ds = branch_jump(artifact("A (2017)", 1e-5, island=True))
    lower, upper = ds["interval_lower"].values, ds["interval_upper"].values
    assert np.all(ds["best_fit"].values[:5] > upper[:5, 0])  # in the island
    assert np.all(ds["best_fit"].values[:5] < lower[:5, 1])
    mass, best = best_fit_line(ds)
    assert mass.size == MASS.size + 1 and np.isnan(best[5]) and np.isnan(mass[5])
    np.testing.assert_array_equal(best[np.isfinite(best)], ds["best_fit"].values)
    # one branch: no break; a zero best fit (SM best) is not drawn
    ds = artifact("B (2019)", 3e-5)
    ds["best_fit"] = ("mass", np.where(MASS > 10, 0.0, 1e-6))
    mass, best = best_fit_line(ds)
    assert mass.size == MASS.size and np.isnan(best[MASS > 10]).all()

    fig = plot_constraints("vector", [branch_jump(artifact("A (2017)", 1e-5, island=True))], STYLE)
    dotted = [ln for ln in fig.axes[0].lines if ln.get_linestyle() == ":"]
    assert len(dotted) == 1 and np.isnan(dotted[0].get_ydata()).sum() == 1
    plt.close(fig)


def test_constraints_figure_layout_best_fit_in_range_and_text_sizes():
    """The legend sits outside the axes (README), the y axis holds a best fit below the
    bound (else its legend entry points at nothing), labels and legend text >= 8 pt."""
    ds = artifact("XENONnT (2024)", 3e-5, year=2024)
    ds["best_fit"] = ("mass", 0.1 * ds["coupling_bound"].values)
    fig = plot_constraints("bl_vector", [ds], STYLE, {"title": "B-L"})
    ax = fig.axes[0]
    assert ax.get_legend() is None and len(fig.legends) == 1
    fig.canvas.draw()
    assert fig.legends[0].get_window_extent().x0 >= ax.get_window_extent().x1
    low, high = ax.get_ylim()
    assert low <= ds["best_fit"].values.min() and high >= ds["coupling_bound"].values.max()
    texts = fig.legends[0].get_texts()
    assert any("best fit" in t.get_text() for t in texts)
    assert min(t.get_fontsize() for t in texts) >= 8
    assert all(t.get_fontsize() >= 8 for t in ax.texts)
    ticks = ax.get_yticklabels()[0].get_fontsize()
    assert ax.yaxis.label.get_fontsize() >= ticks
    plt.close(fig)
