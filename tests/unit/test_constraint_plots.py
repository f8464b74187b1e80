"""Constraints figures on synthetic artifacts: shading, islands, labels, summary hook."""

from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lightmed.bound_plots import plot_summary, save  # noqa: E402
from lightmed.constraint_plots import label_of, plot_constraints, shade_constraints  # noqa: E402
from lightmed.constraints import Scan  # noqa: E402
from lightmed.constraints.scan import scan_dataset  # noqa: E402

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
    # A: grey above the bound, white island between the two intervals, nothing below
    grey = handles[0].get_paths()[0].vertices
    bound = ds["coupling_bound"].values
    assert np.nanmin(grey[:, 1]) >= 0.99 * bound.min() and np.nanmax(grey[:, 1]) > 1.0
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
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "COHERENT CsI (2017): data, 90% CL" in texts and "XENON1T (2019): data, 90% CL" in texts
    save(fig, [str(tmp_path / "constraints_vector.png")], STYLE)
    assert (tmp_path / "constraints_vector.png").stat().st_size > 5000
    # summary: the scalar axis maps g -> Y = sqrt(13.8) g, also for the shading
    fig = plot_summary("scalar", {}, {}, {}, [], STYLE, [1e-7, 1e-1], 13.8, None, constraints=arts)
    edge = [ln for ln in fig.axes[0].lines if np.isfinite(ln.get_ydata()).all()][0]
    np.testing.assert_allclose(
        edge.get_ydata(), np.sqrt(13.8) * arts[0]["coupling_bound"].values, rtol=1e-12
    )
    plt.close(fig)
