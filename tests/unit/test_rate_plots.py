"""Figures of the rates stage (lightmed/rate_plots.py) on small synthetic rates datasets."""

from __future__ import annotations

import matplotlib
import matplotlib.patches
import numpy as np
import pytest
import xarray as xr

from lightmed import rate_plots as rp

matplotlib.use("agg")

EDGES = np.array([1.0, 3.0, 5.0, 7.0, 9.0])
MASSES = np.array([1.0, 10.0, 100.0])


def rates(source="sn_ccsn", target="Xe", kind="fluence", efficiency="1"):
    shape = (2, EDGES.size - 1, MASSES.size)  # model, recoil_energy, mass
    sm = np.broadcast_to(np.array([8.0, 4.0, 2.0, 0.0])[None, :, None], shape)
    return xr.Dataset(
        {
            "events_sm": (("model", "recoil_energy", "mass"), sm.copy()),
            "events_int": (("model", "recoil_energy", "mass"), np.full(shape, 1.0e4)),
            "events_np": (("model", "recoil_energy", "mass"), np.full(shape, 1.0e12)),
            "recoil_edges": ("edge", EDGES),
        },
        coords={
            "model": ["vector", "scalar"],
            "recoil_energy": 0.5 * (EDGES[1:] + EDGES[:-1]),
            "mass": MASSES,
        },
        attrs={
            "neutrino_source": source,
            "target": target,
            "efficiency": efficiency,
            "spectrum_kind": kind,
            "mass_t": 2.0,
            "mean_nucleus_a": 131.3,
            "detector": "darwin",
        },
    )


def test_spectrum_is_the_coupling_polynomial_per_tonne_and_kev():
    ds = rates()
    g = 1e-3
    expected = (np.array([8.0, 4.0, 2.0, 0.0]) + g**2 * 1e4 + g**4 * 1e12) / 2.0 / 2.0
    np.testing.assert_allclose(rp.spectrum(ds, "scalar", 12.0, g), expected)  # nearest: 10 MeV
    np.testing.assert_allclose(rp.spectrum(ds, "vector", 1.0, 0.0), [2.0, 1.0, 0.5, 0.0])


def test_panel_end_and_axis_choice():
    assert rp.data_end(np.array([2.0, 1.0, 0.0, 0.0]), EDGES) == 5.0
    assert rp.data_end(np.zeros(4), EDGES) == 9.0
    assert rp.order_one([np.array([1.0, 1.5]), np.array([2.0, np.nan])])
    assert not rp.order_one([np.array([1.0, 10.0])])


def test_pick_wants_full_efficiency():
    files = [rates(efficiency="0.5"), rates()]
    assert rp.pick(files, "sn_ccsn", "Xe") is files[1]
    assert rp.pick(files, "solar", "Xe") is None


@pytest.fixture
def figures():
    return {"width_in": 5.0, "height_in": 3.5, "colormap": "viridis"}


def test_spectra_figure_panels_and_legend(figures):
    import matplotlib.pyplot as plt

    files = [rates(), rates(target="Pb"), rates(source="solar", kind="spectrum")]
    fig = rp.plot_spectra(files, figures, [1.0, 100.0], 3e-5, {})
    axes = np.array(fig.axes).reshape(2, 2)
    assert all(ax.get_visible() for ax in axes[0]) and axes[1, 0].get_visible()
    assert not axes[1, 1].get_visible()  # no solar rates on Pb
    assert axes[0, 0].get_xlim() == (0.0, 7.0)  # ends where the SM spectrum ends
    assert "burst" in axes[0, 0].get_ylabel() and "yr" in axes[1, 0].get_ylabel()
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts[0] == "Standard Model" and len(texts) == 1 + 2 + 2  # SM, models, masses
    assert texts[-1] == "mediator mass 100 MeV"
    assert "$3\\times10^{-5}$" in texts[1] and "e-05" not in texts[1]
    plt.close(fig)


def test_spectra_sm_drawn_on_top_and_y_axis_follows_the_data(figures):
    """A heavy mediator's spectrum equals the SM: the SM (black) must not be hidden under it,
    and the log y axis spans what is drawn in the panel, not 5 decades below the SM peak."""
    import matplotlib.pyplot as plt

    fig = rp.plot_spectra([rates()], figures, [1.0, 100.0], 3e-5, {})
    ax = fig.axes[0]
    steps = [a for a in ax.patches if isinstance(a, matplotlib.patches.StepPatch)]
    black = [a for a in steps if a.get_edgecolor()[:3] == (0.0, 0.0, 0.0)]
    assert len(black) == 1 and len(steps) == 1 + 2 * 2
    sm = black[0]
    assert all(sm.get_zorder() > a.get_zorder() for a in steps if a is not sm)
    assert all(sm.get_linewidth() < a.get_linewidth() for a in steps if a is not sm)
    x_max = ax.get_xlim()[1]
    shown = np.concatenate([a.get_data().values[a.get_data().edges[:-1] < x_max] for a in steps])
    shown = shown[shown > 0]
    low, high = ax.get_ylim()
    assert low <= shown.min() and high >= shown.max()
    assert low >= shown.min() / 10 and high <= shown.max() * 10
    plt.close(fig)


def test_power_text():
    assert rp.power_text(3e-5) == "3\\times10^{-5}"
    assert rp.power_text(1e-3) == "10^{-3}"
    assert rp.power_text(9.99e-4) == "10^{-3}"
    assert rp.power_text(0.5) == "0.5" and rp.power_text(0.0) == "0"


def test_regimes_figure_one_panel_per_model(figures):
    import matplotlib.pyplot as plt

    ds = rates()
    ds["events_sm"] = ds["events_sm"] + 1.0  # every bin populated: finite ratios
    fig = rp.plot_regimes([ds], figures, 3e-5, {})
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(panels) == 2 and all(ax.get_xscale() == "log" for ax in panels)
    plt.close(fig)
