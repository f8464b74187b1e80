"""Figures of the rates stage (lightmed/rate_plots.py) on small synthetic rates datasets."""

from __future__ import annotations

import matplotlib
import matplotlib.patches
import numpy as np
import pytest
import xarray as xr

from lightmed import rate_plots as rp
from lightmed.models import labels

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


def test_power_labels():
    assert labels.power(3e-5) == "3\\times10^{-5}"
    assert labels.power(1e-3) == "10^{-3}"
    assert labels.power(9.99e-4) == "10^{-3}"
    assert labels.power(0.5) == "0.5" and labels.power(0.0) == "0"
    assert rp.mass_text(0.0009771) == "0.00098" and rp.mass_text(204.9) == "200"


def test_regime_masses_one_two_five_per_decade():
    grid = np.geomspace(1e-3, 1e4, 200)
    picked = rp.regime_masses(grid)
    assert picked.size == 3 * 7 + 1 and set(picked) <= set(grid)
    np.testing.assert_allclose(picked[[0, 1, 2, 3, -1]], [1e-3, 2e-3, 5e-3, 1e-2, 1e4], rtol=0.05)
    np.testing.assert_array_equal(rp.regime_masses(MASSES), MASSES)


def regimes_rates():
    """A CC SN rates set with a mass-dependent new-physics term 1/(2 m_T E_r + m^2)^2:
    m-independent below ~2 MeV (light), negligible above ~1 GeV (heavy)."""
    edges = np.arange(1.0, 42.0, 2.0)
    e = 0.5 * (edges[1:] + edges[:-1])
    masses = np.geomspace(1e-3, 1e4, 200)
    q2 = 2 * 931.5 * 131.3 * e * 1e-3  # MeV^2
    np_ = 1e25 / (q2[:, None] + masses[None, :] ** 2) ** 2
    shape = (2, e.size, masses.size)
    ds = rates()
    return xr.Dataset(
        {
            "events_sm": (("model", "recoil_energy", "mass"), np.full(shape, 5.0)),
            "events_int": (("model", "recoil_energy", "mass"), np.zeros(shape)),
            "events_np": (("model", "recoil_energy", "mass"), np.broadcast_to(np_, shape)),
            "recoil_edges": ("edge", edges),
        },
        coords={"model": ["vector", "scalar"], "recoil_energy": e, "mass": masses},
        attrs=ds.attrs,
    )


def test_regime_families_group_coinciding_masses():
    light = np.array([[2.0, 1.5], [2.0, 1.5], [2.001, 1.5]])
    curves = [np.vstack([light, [[1.5, 1.2], [1.0, 1.0], [1.0, 1.0]]])]
    assert rp.families(curves) == [[0, 1, 2], [3], [4, 5]]
    # a mass joins a run only if it coincides in every model
    other = curves[0].copy()
    other[1] *= 1.5
    assert rp.families([curves[0], other]) == [[0], [1], [2], [3], [4, 5]]


def test_regimes_figure_draws_each_regime_once_as_steps(figures):
    """Light masses give one curve: drawn once (one legend entry, on top), as steps on the
    artifact's recoil bins (2 keV wide) rather than a line through the bin centres; no
    colour bar, a legend outside the axes and a plain-words title."""
    import matplotlib.pyplot as plt

    ds = regimes_rates()
    fig = rp.plot_regimes([ds], figures, 3e-5, {})
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>" and ax.get_visible()]
    panels = [ax for ax in panels if ax.get_xlabel().startswith("nuclear recoil")]
    assert len(panels) == 2 and all(ax.get_xscale() == "log" for ax in panels)
    assert not [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "light regime" in texts[0] and texts[0].startswith("0.001–")
    assert "equal to the SM" in texts[-2] and texts[-1].startswith("Standard Model")
    n_runs = len(texts) - 1
    assert n_runs < rp.regime_masses(ds.mass.values).size
    for ax in panels:
        steps = [a for a in ax.patches if isinstance(a, matplotlib.patches.StepPatch)]
        assert len(steps) == n_runs and not [ln for ln in ax.lines if len(ln.get_xdata()) > 2]
        np.testing.assert_array_equal(steps[0].get_data().edges, ds.recoil_edges.values)
        assert steps[0].get_zorder() == max(a.get_zorder() for a in steps)  # light on top
    title = fig.get_suptitle()
    assert "regimes" in title and "m^2 = 2" not in title and "MeV" not in title
    fig.canvas.draw()
    legend = fig.legends[0].get_window_extent()
    assert all(legend.x0 >= ax.get_window_extent().x1 for ax in panels)
    plt.close(fig)


def test_regimes_figure_one_panel_per_model(figures):
    import matplotlib.pyplot as plt

    ds = rates()
    ds["events_sm"] = ds["events_sm"] + 1.0  # every bin populated: finite ratios
    fig = rp.plot_regimes([ds], figures, 3e-5, {})
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(panels) == 2 and all(ax.get_xscale() == "log" for ax in panels)
    plt.close(fig)
