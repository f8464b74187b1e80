"""Sensitivity figures and rule helpers: run on synthetic artifacts, write pdf + png."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import xarray as xr
import yaml
from figure_text import dashes, legend_groups, legend_texts
from test_statistics import synthetic_rates

from lightmed import bound_plots as bp
from lightmed import sn_core_plots as scp
from lightmed import statistics as st
from lightmed import summary_plots as sp
from lightmed.errors import ConfigError
from lightmed.smk import sensitivity as smk

from helpers import REPO

STYLE = {"formats": ["pdf", "png"], "dpi": 60, "width_in": 6.4, "height_in": 4.6}


@pytest.fixture(scope="module")
def sens():
    g = np.geomspace(1e-8, 1.0, 120)
    out = {}
    for src, scale in (("sn_marginalised", 1.0), ("solar", 0.5), ("atmospheric", 0.01)):
        ds = st.sensitivity(
            [synthetic_rates(scale=scale)],
            "scalar",
            [0.25, 0.1],
            g,
            confidence_level=0.9,
            degrees_of_freedom=1,
            pull="shared",
        )
        ds.attrs.update(neutrino_source=src, combo="resnova3+darwin")
        out[src, "resnova3+darwin"] = ds
    return out


def sn_core_bounds(model):
    mass = np.geomspace(0.01, 1000, 30)
    crit = ["dt_10s", "dt_2sm"]
    bound = 1e-5 * np.sqrt(1 + (mass / 10) ** 2)[None, None, :] * np.array([1, 2])[:, None, None]
    return xr.Dataset(
        {"coupling_bound": (("criterion", "energy_choice", "mass"), bound)},
        coords={"criterion": crit, "energy_choice": ["mu_nu_plus_pi_T"], "mass": mass},
        attrs={"model": model},
    )


def _summary_scalar_radial(sens, **kwargs):
    """summary_scalar with the detector projections and one [ST21] radial SN-core model."""
    return sp.plot_summary(
        "scalar",
        sens,
        {},
        {"lnv_scalar": sn_core_bounds("lnv_scalar")},
        [],
        STYLE,
        (1e-7, 1e-1),
        13.8,
        **kwargs,
    )


def test_summary_and_external_limits(tmp_path, sens):
    csv = tmp_path / "limit.csv"
    csv.write_text("# test\nmass_mev,coupling\n0.01,3e-5\n1000,3e-3\n")
    fig = sp.plot_summary(
        "scalar",
        sens,
        {"lnv_scalar": sn_core_bounds("lnv_scalar")},
        {},
        [({"label": "toy"}, str(csv))],
        STYLE,
        (1e-7, 1e-1),
        13.8,
    )
    (line,) = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "external: toy"]
    np.testing.assert_array_equal(line.get_xdata(), [0.01, 1000.0])  # drawn as given
    np.testing.assert_array_equal(line.get_ydata(), [3e-5, 3e-3])
    assert "external: toy" in legend_texts(fig)
    paths = [str(tmp_path / f"summary_scalar.{e}") for e in STYLE["formats"]]
    bp.save(fig, paths, STYLE)
    for p in paths:
        assert (tmp_path / p).stat().st_size > 1000


def test_scalar_summary_maps_detector_coupling(sens):
    fig = sp.plot_summary("scalar", sens, {}, {}, [], STYLE, (1e-7, 1e-1), 13.8)
    line = fig.axes[0].get_lines()[0]
    ds = sens["sn_marginalised", "resnova3+darwin"]
    np.testing.assert_allclose(line.get_ydata(), np.sqrt(13.8) * ds["coupling_bound"][0])
    assert "Y" in fig.axes[0].get_ylabel()


def test_external_limit_csv_needs_columns(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("m,g\n1,2\n")
    with pytest.raises(bp.InputError, match="coupling"):
        sp.read_limit_csv(bad)


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "mass_mev,coupling\n1,1e-4\n10,abc\n",
            r"line 3, column 'coupling': 'abc' is not a number",
        ),
        (
            "# c\nmass,coupling\n\n1,1e-4\n10,-1e-3\n",
            r"line 5, column 'coupling': '-1e-3' is not a",
        ),
        ("mass_mev,coupling\n1,nan\n", r"line 2, column 'coupling': 'nan' is not a finite number"),
        (
            "mass_mev,coupling\n0,1e-4\n",
            r"line 2, column 'mass_mev': '0' is not a finite number > 0",
        ),
        ("mass_mev,coupling\n10,1e-4\n1,1e-3\n", r"line 3, column 'mass_mev': 1 MeV after 10 MeV"),
        ("mass_mev,coupling\n1,2,3\n", r"line 2 has 3 fields where the header \(line 1\) has 2"),
        ("mass_mev,coupling\n", "no data rows"),
    ],
)
def test_external_limit_csv_values_are_checked(tmp_path, body, expected):
    """A bad value would draw a broken figure (lost tick labels) or a zigzag: one line with the
    file, its line and column and the fix instead."""
    bad = tmp_path / "bad.csv"
    bad.write_text(body)
    with pytest.raises(bp.InputError, match=expected) as err:
        sp.read_limit_csv(bad)
    assert str(err.value).startswith(f"{bad}: ") and "external_limits" in str(err.value)


def test_external_limit_csv_reads_numbers_and_labels(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text('# digitised\nmass, coupling, label\n1, 1e-4, "a, b"\n2, 3e-4, "a, b" # ok\n')
    df = sp.read_limit_csv(good)
    assert df["mass_mev"].tolist() == [1.0, 2.0] and df["coupling"].tolist() == [1e-4, 3e-4]
    assert df["label"][0] == "a, b"


@pytest.fixture(scope="module")
def config():
    from lightmed.config import validate_config

    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    validate_config(cfg, REPO / "workflow" / "schemas" / "config.schema.yaml")
    return cfg


def test_plan_from_default_config(config):
    plan = smk.sensitivity_plan(config)
    assert "sn_marginalised" in plan.sources
    assert plan.members["sn_marginalised"] == ("sn_ccsn", "sn_failed")
    assert plan.detectors["resnova3+darwin"] == ("resnova3", "darwin")
    assert set(plan.models) == {"vector", "scalar", "bl_vector"}
    # one job per sensitivity source: every member x every detector of any combination
    files = smk.rates_input(plan, "sn_marginalised", "results/rates/{source}_{detector}.nc")
    dets = sorted(config["detectors"])
    assert files == [f"results/rates/{s}_{d}.nc" for s in ("sn_ccsn", "sn_failed") for d in dets]
    outs = smk.sensitivity_outputs(plan)
    assert len(outs) == len(plan.combos) * len(plan.models)
    assert "results/sensitivity/{source}_resnova3+darwin_bl_vector.nc" in outs
    # params carry this source's sigma list, the combinations and the statistics, not the
    # detector blocks (those reach the job through its rates inputs)
    params = smk.sensitivity_params(config, plan, "solar")
    assert params["sigma_norm"] == [0.1] and "threshold_kev" not in str(params)
    assert params["combos"]["resnova3+darwin"] == ["resnova3", "darwin"]
    res = smk.sensitivity_resources(config, plan, "sn_marginalised")
    fine = copy.deepcopy(config)
    fine["sensitivity"]["coupling_grid"]["num"] *= 4
    res_fine = smk.sensitivity_resources(fine, plan, "sn_marginalised")
    assert res_fine["mem_mb"] > res["mem_mb"] and res_fine["runtime"] >= res["runtime"]
    assert smk.summary_sn_core(config, "scalar") == ["lnv_scalar", "lnc_scalar"]
    assert smk.summary_sn_core(config, "vector") == []


def test_wildcards_are_unambiguous(config):
    import re

    plan = smk.sensitivity_plan(config)
    wc = smk.wildcard_constraints(plan)
    pattern = re.compile(
        rf"results/sensitivity/(?P<source>{wc['source']})_"
        rf"(?P<combo>{wc['combo']})_(?P<model>{wc['model']})\.nc"
    )
    for src in plan.sources:
        for combo in plan.combos:
            m = pattern.fullmatch(
                smk.SENSITIVITY_PATTERN.format(source=src, combo=combo, model="bl_vector")
            )
            assert m and (m["source"], m["combo"], m["model"]) == (src, combo, "bl_vector")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda c: c["sensitivity"].update(combos=["resnova3+lux"]), "'lux' is not a key"),
        (lambda c: c["sensitivity"]["sigma_norm"].update(borexino=[0.1]), "not a key of sources"),
        (lambda c: c["sensitivity"]["sigma_norm"].update(sn_failed=[0.3]), "same sigma_norm"),
        (
            lambda c: c["sensitivity"]["figures"].update(norm_combo="darwin+xenonnt"),
            "not a combination",
        ),
    ],
)
def test_bad_sensitivity_config(config, edit, expected):
    cfg = copy.deepcopy(config)
    edit(cfg)
    with pytest.raises(ConfigError, match=expected):
        smk.sensitivity_plan(cfg)


def test_figures_show_no_internal_keys_and_no_stacked_fills(sens):
    """Legends, titles and labels use the label registry; the excluded side is one opaque
    raster (no translucent fill_between stacks), legends sit outside the axes."""
    from figure_text import assert_no_internal_keys
    from matplotlib.collections import PolyCollection, QuadMesh

    figs = [
        _summary_scalar_radial(sens),
        bp.plot_normalisation(sens, "resnova3+darwin", "scalar", STYLE, (1e-7, 1e-1)),
    ]
    for fig in figs:
        ax = fig.axes[0]
        assert_no_internal_keys(fig)
        assert ax.get_legend() is None and fig.legends  # outside the data
        filled = [  # translucent fills stack into mud; islands are hatched, never filled
            c
            for c in ax.collections
            if isinstance(c, PolyCollection)
            and c.get_facecolor().size
            and c.get_facecolor()[:, 3].max() > 0
        ]
        assert not filled
    assert len([c for c in figs[0].axes[0].collections if isinstance(c, QuadMesh)]) == 1
    texts = legend_texts(figs[0])
    assert r"diffusion time: $\tau$ > 10 s" not in texts  # synthetic bounds: no description
    assert "diffusion time" in texts
    assert any(t.startswith(r"solar $^8$B + hep") for t in texts)


def test_combination_is_drawn_under_single_detectors(sens):
    """RES-NOVA-3 alone stays visible where the combination coincides with it."""
    single = {**sens}
    for src in ("sn_marginalised", "solar"):
        ds = sens[src, "resnova3+darwin"].copy()
        ds.attrs.update(combo="resnova3")
        single[src, "resnova3"] = ds
    fig = bp.plot_by_combo(
        single,
        ["sn_marginalised", "solar"],
        ["resnova3", "resnova3+darwin"],
        "scalar",
        STYLE,
        (1e-7, 1e-1),
        "test",
    )
    lines = [ln for ln in fig.axes[0].get_lines() if ln.get_linewidth() > 1]
    wide = [i for i, ln in enumerate(lines) if ln.get_linewidth() > 3]
    thin = [i for i, ln in enumerate(lines) if ln.get_linewidth() <= 3]
    assert wide and thin and max(wide) < min(thin)  # combination first, i.e. underneath
    assert {ln.get_color() for ln in lines} == {bp.source_colour("sn_marginalised"), "C1"}
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "RES-NOVA-3 + DARWIN" in texts and "RES-NOVA-3" in texts


def _style(line) -> tuple:
    """(dash pattern as drawn, marker) of a legend sample."""
    return (dashes(line)[1], line.get_marker())


def test_every_criterion_has_its_own_style():
    """No two SN-core criteria share (dash pattern, marker): registry and one figure."""
    styles = [
        (str(scp.criterion_style(c)["ls"]), scp.criterion_style(c).get("marker"))
        for c in [*scp.CRITERION_STYLE, "new_criterion_a", "new_criterion_b"]
    ]
    assert len(set(styles)) == len(styles)
    shells = sn_core_bounds("lnv_scalar")
    radial = sn_core_bounds("lnc_scalar").assign_coords(criterion=["tau_10s", "tau_100s"])
    fig = sp.plot_summary(
        "scalar", {}, {"lnv_scalar": shells}, {"lnc_scalar": radial}, [], STYLE, (1e-7, 1e-1), 13.8
    )
    crit = next(v for k, v in legend_groups(fig).items() if k.startswith("SN-core criterion"))
    assert len(crit) == 4
    samples = [_style(h) for _, h in crit]
    assert len(set(samples)) == len(samples), samples


def xenonnt_like() -> xr.Dataset:
    """A constraints artifact: one excluded interval open above (lower edge 1e-5 ...)."""
    mass = np.geomspace(0.01, 1000, 30)
    lower = 1e-5 * np.sqrt(1 + (mass / 10) ** 2)
    return xr.Dataset(
        {
            "interval_lower": (
                ("mass", "interval"),
                np.stack([lower, np.full_like(mass, np.nan)], 1),
            ),
            "interval_upper": (
                ("mass", "interval"),
                np.stack([np.full_like(mass, 1.0), np.full_like(mass, np.nan)], 1),
            ),
        },
        coords={"mass": mass},
        attrs={"experiment_title": "XENONnT 8B CEvNS", "year": 2026, "coupling_max": 1.0},
    )


def test_data_limit_is_not_drawn_like_a_criterion_sample(sens):
    """The data-limit edge differs in grey from the criterion samples (black) by a visible
    margin, and its legend entry shows the grey region with that edge."""
    from matplotlib.colors import to_rgb

    fig = _summary_scalar_radial(sens, constraints=[xenonnt_like()])
    groups = legend_groups(fig)
    data = next(v for k, v in groups.items() if k.startswith("limits from data"))
    assert data[0][0].startswith("XENONnT 8B CEvNS (2026)")
    from matplotlib.lines import Line2D

    from lightmed.constraint_plots import GREYS

    edge = to_rgb(GREYS[0][1])[0]
    # the legend draws the region with its edge line
    assert any(
        to_rgb(ln.get_color())[0] == pytest.approx(edge)
        for ln in fig.legends[0].findobj(Line2D)
        if ln.get_linestyle() != "None"
    )
    crit = next(v for k, v in groups.items() if k.startswith("SN-core criterion"))
    for _, h in crit:
        assert abs(to_rgb(h.get_color())[0] - edge) >= 0.15
    edges = [ln for ln in fig.axes[0].get_lines() if ln.get_zorder() == pytest.approx(0.6)]
    assert edges and all(to_rgb(ln.get_color())[0] == pytest.approx(edge) for ln in edges)
    assert min(t.get_fontsize() for t in fig.legends[0].get_texts()) >= 8


def test_coincident_sn_core_curves_stay_visible_and_excluded_side_is_marked():
    """LNV and LNC bounds on top of each other: the first is widened under the second (same
    values); the quoted diffusion-time exclusion is ticked on its edge, not filled."""
    from matplotlib.patheffects import TickedStroke
    from test_sn_core_plots import bl_vector_bounds

    c21 = bl_vector_bounds()
    fig = sp.plot_summary(
        "scalar",
        {},
        {"lnv_scalar": c21, "lnc_scalar": c21.copy()},
        {},
        [],
        STYLE,
        (1e-9, 1e-1),
        13.8,
    )
    ax = fig.axes[0]
    plain = [ln for ln in ax.get_lines() if not ln.get_path_effects()]
    lnv = [ln for ln in plain if ln.get_color() == "C3"]
    lnc = [ln for ln in plain if ln.get_color() == "C6"]
    assert lnv and len(lnv) == len(lnc)
    for a, b in zip(lnv, lnc, strict=True):
        np.testing.assert_array_equal(a.get_ydata(), b.get_ydata())
        assert a.get_linewidth() > b.get_linewidth() + 1.5 and a.get_zorder() < b.get_zorder()
    ticked = [
        ln
        for ln in ax.get_lines()
        if any(isinstance(p, TickedStroke) for p in ln.get_path_effects())
    ]
    assert ticked
    lowest = np.fmin.reduce([np.asarray(ln.get_ydata(), float) for ln in lnv])
    edge = ticked[0].get_ydata()
    ok = np.isfinite(edge) & np.isfinite(lowest)
    assert ok.any() and np.all(np.abs(np.log(edge[ok] / lowest[ok])) < 0.1)
    texts = legend_texts_of(fig)
    assert any("exclude the ticked side" in t for t in texts)


@pytest.mark.parametrize("axis_top", [1e-1, 1e-2])
def test_sn_core_region_ends_at_the_top_of_the_examined_couplings(axis_top):
    """The quoted exclusion reaches coupling_max (1e-2 here). Above it nothing was examined:
    with the axes above it the ticked region closes there and the legend says so; with the
    axes ending there it stays open and nothing is added."""
    from matplotlib.patheffects import TickedStroke
    from test_sn_core_plots import bl_vector_bounds

    c21 = bl_vector_bounds()
    top = c21.attrs["coupling_max"]
    fig = sp.plot_summary("bl_vector", {}, {"B−L": c21}, {}, [], STYLE, (1e-9, axis_top), 13.8)
    edges = [
        np.asarray(ln.get_ydata(), float)
        for ln in fig.axes[0].get_lines()
        if any(isinstance(p, TickedStroke) for p in ln.get_path_effects())
    ]
    titles = [t for t in legend_groups(fig) if t.startswith("SN core: excluded regions")]
    assert len(titles) == 1
    if axis_top > top:
        assert len(edges) == 2 and np.nanmax(edges[1]) <= top
        assert np.nanmax(edges[1]) > top / 1.1  # closed at the examined top, not below it
        assert titles[0].endswith("(examined up to 0.01)")
    else:
        assert len(edges) == 1 and titles[0] == "SN core: excluded regions"


def legend_texts_of(fig):
    from figure_text import legend_texts

    return legend_texts(fig)
