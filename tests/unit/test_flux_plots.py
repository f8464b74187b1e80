"""Figure of the fluxes stage (lightmed/flux_plots.py) on small flux datasets."""

from __future__ import annotations

import matplotlib
import numpy as np

from lightmed.flux_plots import plot_fluxes
from lightmed.fluxes.schema import EARTH_FLAVOURS, make_spectrum_dataset

matplotlib.use("agg")

FIGURES = {"width_in": 5.0, "height_in": 3.5}


def flux(source, kind, energy, heavy_equal=True):
    shape = np.exp(-energy / 10.0)
    values = np.array([1.0, 0.8, 0.5, 0.4, 0.5 if heavy_equal else 0.3, 0.4])[:, None] * shape
    return make_spectrum_dataset(
        energy,
        values,
        EARTH_FLAVOURS,
        [1.0] * 6,
        kind,
        "test",
        neutrino_source=source,
        oscillation="none",
    )


def test_one_panel_per_source_and_shared_lines():
    import matplotlib.pyplot as plt

    e = np.linspace(0.5, 60.0, 50)
    fluxes = [
        flux("sn_ccsn", "fluence", e),
        flux("solar", "flux", e, heavy_equal=False),
        flux("atmospheric", "flux", np.geomspace(10.0, 1e3, 40)),
    ]
    fig = plot_fluxes(fluxes, FIGURES)
    axes = fig.axes
    assert len(axes) == 4 and not axes[3].get_visible()  # 2 x 2, the fourth empty
    sn_labels = axes[0].get_legend_handles_labels()[1]
    # nu_tau = nu_mu: one line carrying both names, no hidden duplicate
    assert len(sn_labels) == 1 + 4 and any(" = " in label for label in sn_labels)
    assert len(axes[1].get_legend_handles_labels()[1]) == 1 + 5
    assert axes[2].get_xscale() == "log" and axes[0].get_xscale() == "linear"
    assert "fluence" in axes[0].get_ylabel() and "s$^{-1}$" in axes[1].get_ylabel()
    plt.close(fig)
