"""SN-core figures from synthetic bound datasets: quoted curves, [C21] reference lines, radial
profiles with their own labels, a 'not applicable' model (lightmed.sn_core_plots)."""

from __future__ import annotations

import matplotlib
import numpy as np
import xarray as xr
from figure_text import assert_no_internal_keys, dashes, legend_groups, legend_texts
from matplotlib.collections import QuadMesh
from matplotlib.colors import to_hex
from test_diffusion import SETTINGS, TIMES, make_profile, make_rosseland_mfp
from test_radial import settings as radial_settings
from test_radial import shell_profile

from lightmed import radial as R
from lightmed.diffusion import combine_snapshots, snapshot_diffusion
from lightmed.models import PRESETS
from lightmed.sn_core import not_applicable_bounds, sn_core_bounds
from lightmed.sn_core_plots import plot_bounds

matplotlib.use("agg")
STYLE = {"width_in": 6.4, "height_in": 4.6, "colormap": "viridis", "dpi": 60}


def radial_two_profiles(model):
    per = {}
    for name, scale in (("early", 1.0), ("late", 0.7)):
        prof = R.radial_profile_from_shells(
            shell_profile(
                [5, 10, 15, 20],
                np.array([15, 28, 33, 7]) * scale,
                [0.5, 0.15, 0.06, 0.008],
                [0.25, 0.2, 0.15, 0.05],
                mu_nu=[110, 80, 29, 0.5],
            ),
            name=name,
        )
        per[name] = R.radial_bounds(
            prof, model, np.geomspace(0.1, 300, 12), radial_settings(r1_km=5.0), time_s=scale
        )
    return R.combine_profiles(per)


def bl_vector_bounds() -> xr.Dataset:
    """B-L SN-core bounds on two synthetic Rosseland snapshots."""
    masses, couplings = np.geomspace(0.1, 300.0, 12), np.geomspace(1e-8, 1e-2, 31)
    per = {
        s: snapshot_diffusion(
            make_rosseland_mfp(masses, couplings, seed=i, scale=40.0),
            make_profile([5.0, 10.0, 15.0]),
        )
        for i, s in enumerate(TIMES)
    }
    return sn_core_bounds(combine_snapshots(per), PRESETS["bl_vector"], SETTINGS, TIMES)


def test_quoted_curves_reference_lines_and_profile_labels(tmp_path):
    bl = PRESETS["bl_vector"]
    c21 = bl_vector_bounds()
    fig = plot_bounds(c21, radial_two_profiles(bl), STYLE, "$g_{B-L}$")
    labels = legend_texts(fig)
    # one entry per quoted criterion (time of its snapshot; the profile in the group title)
    assert r"diffusion time: $\Delta t$ > 10 s (t5, $t_{\rm pb}$ = 5 s)" in labels
    assert "[C21] shell method on the t5: criterion (colour)" not in labels
    # the energy prescriptions once each, in a key of line styles
    assert "quoted: Rosseland mean, transport rate" in labels
    assert r"[C21]'s own choice: $E=\mu_\nu+\pi T$, total rate" in labels
    assert r"early, $t_{\rm pb}$ = 1 s" in labels
    assert r"late, $t_{\rm pb}$ = 0.7 s" in labels
    assert r"diffusion time: $\tau$ > 10 s" in labels
    assert len(set(labels)) == len(labels)
    # the excluded side is shaded: a raster under the curves, covering high couplings only
    mesh = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)]
    assert len(mesh) == 1
    assert_no_internal_keys(fig, extra=["dt_10s", "rosseland", "mu_nu_plus_pi_T"])
    fig.savefig(tmp_path / "b.png")
    assert (tmp_path / "b.png").stat().st_size > 1000


def test_thresholds_in_labels_follow_the_artifact():
    """A 3 s criterion is labelled 3 s (the description is the artifact's)."""
    from lightmed.models import labels as L

    assert L.criterion("dt_10s", "Delta t > 3 s on x (t_pb = 1 s) ([C21] Eq. 22)") == (
        r"diffusion time: $\Delta t$ > 3 s"
    )
    assert L.criterion("nur_retrapping", "nu_R re-trapping sum > 250 (...)").endswith("> 250")
    assert L.criterion("dt_10s", None) == "diffusion time"
    assert L.snapshot("c21_t1s", 1.0) == r"[C21] profile, $t_{\rm pb}$ = 1 s"
    assert L.snapshot("mine", None, {"mine": "my SFHo run"}) == "my SFHo run"
    assert L.snapshots([("c21_t1s", 1.0), ("c21_t5s", 5.0)]).endswith("= 1 s, 5 s")
    assert L.species("nubar") == r"$\bar\nu_e$"
    assert L.detector("resnova3+darwin") == "RES-NOVA-3 + DARWIN"


def test_not_applicable_model_is_said_on_the_figure():
    model = PRESETS["b3lmu_vector"]
    reason = model.sn_core_status("e")
    c21 = not_applicable_bounds(model, reason, list(TIMES), [1.0, 10.0], SETTINGS, TIMES)
    fig = plot_bounds(c21, radial_two_profiles(model), STYLE, "$g$")
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "not applicable" in texts and "nu_e" in texts
    assert not fig.axes[0].get_lines()  # no bound drawn: nothing applies
    assert_no_internal_keys(fig)
    assert isinstance(c21, xr.Dataset)


def test_nuclear_model_band_spans_the_media():
    """With several nuclear media the quoted curve (first medium) gets a min-max band."""
    from matplotlib.collections import FillBetweenPolyCollection, PolyCollection

    bl = PRESETS["bl_vector"]
    one = bl_vector_bounds()
    other = one.copy()
    other["coupling_bound"] = one["coupling_bound"] * 1.5
    other["headline"] = one["headline"] & False
    keep = [v for v in one.data_vars if "mass" in one[v].dims or v == "headline"]
    c21 = xr.concat([one[keep], other[keep]], dim="medium").assign_coords(medium=["c21", "dd2"])
    for v in one.data_vars:
        if v not in keep:
            c21[v] = one[v]
    c21.attrs = one.attrs
    fig = plot_bounds(c21, radial_two_profiles(bl), STYLE, "$g_{B-L}$")
    labels = legend_texts(fig)
    assert any(lab.startswith("nuclear-model band: min–max over") for lab in labels)
    bands = [
        c
        for c in fig.axes[0].collections
        if isinstance(c, (FillBetweenPolyCollection, PolyCollection)) and c.get_zorder() == 0.7
    ]
    assert bands, "no band drawn"
    verts = np.concatenate([p.vertices for p in bands[0].get_paths()])
    quoted = one["coupling_bound"].where(one["headline"]).max().item()
    assert np.nanmax(verts[:, 1]) > quoted * 1.4  # the dd2 stand-in is 1.5x above
    assert_no_internal_keys(fig, extra=["dt_10s", "rosseland", "mu_nu_plus_pi_T"])


def two_energy_choices(c21: xr.Dataset) -> xr.Dataset:
    """The synthetic bounds with a second [C21] energy choice (pi T, 1.3x the first)."""
    extra = c21.sel(energy_choice=["mu_nu_plus_pi_T"]).assign_coords(energy_choice=["pi_T"])
    extra["coupling_bound"] = extra["coupling_bound"] * 1.3
    extra["headline"] = extra["headline"] & False
    out = xr.concat(
        [c21, extra], dim="energy_choice", data_vars="minimal", coords="minimal", compat="override"
    )
    out.attrs = c21.attrs
    return out


def test_bounds_figure_is_readable_at_talk_size():
    """One legend entry per criterion / energy prescription / profile, every drawn curve told
    apart by (colour, line style, marker, width), text >= 8 pt, title clear of the legend."""
    bl = PRESETS["bl_vector"]
    c21 = two_energy_choices(bl_vector_bounds())
    c21.attrs["model_title"] = "LNV scalar (Majorana $\\nu$), a long model title"
    fig = plot_bounds(c21, radial_two_profiles(bl), STYLE, "$g_{B-L}$")
    groups = legend_groups(fig)
    shell = next(v for k, v in groups.items() if k.startswith("[C21] shell method"))
    assert len(shell) == int(c21["headline"].sum())  # one entry per quoted criterion
    key = groups["[C21] energy prescription (line)"]
    assert [t for t, _ in key][0].startswith("quoted")
    assert any("$E=\\pi T$" in t for t, _ in key) and any("\\mu_\\nu+\\pi T" in t for t, _ in key)
    samples = [(dashes(h), h.get_linewidth(), h.get_marker()) for _, h in key]
    assert len(set(samples)) == len(samples)  # the two reference prescriptions differ
    drawn = [
        (to_hex(ln.get_color()), dashes(ln), ln.get_marker(), ln.get_linewidth())
        for ln in fig.axes[0].get_lines()
    ]
    c21_lines = [d for d in drawn if d[2] in (None, "None", "")]
    n_radial = sum(1 for d in drawn if d not in c21_lines)
    assert n_radial and len(set(c21_lines)) == len(c21_lines)
    leg = fig.legends[0]
    assert min(t.get_fontsize() for t in leg.get_texts()) >= 8
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    title = fig.axes[0].title.get_window_extent(renderer)
    assert not title.overlaps(leg.get_window_extent(renderer))
    assert_no_internal_keys(fig, extra=["dt_10s", "rosseland", "mu_nu_plus_pi_T", "pi_T"])


def test_radial_criteria_use_the_summary_styles():
    """[ST21] criteria carry the summary figures' (line style, marker) of each criterion."""
    from lightmed.sn_core_plots import criterion_style

    bl = PRESETS["bl_vector"]
    fig = plot_bounds(bl_vector_bounds(), radial_two_profiles(bl), STYLE, "$g_{B-L}$")
    crit = legend_groups(fig)["[ST21] criterion (line, marker)"]
    tau = next(h for t, h in crit if t == r"diffusion time: $\tau$ > 10 s")
    assert tau.get_marker() == criterion_style("tau_10s")["marker"]


def test_plain_ticks_label_the_whole_range():
    """A log axis from 4 to 16.4 is labelled above 10 (a tick near the top of the data)."""
    import matplotlib.pyplot as plt

    from lightmed.sn_core_plots import _plain_ticks

    for top in (16.4, 9.0, 60.0):
        fig, ax = plt.subplots()
        ax.set_yscale("log")
        ax.plot([1, 2], [4.4, top])
        _plain_ticks(ax)
        fig.canvas.draw()
        lo, hi = ax.get_ylim()
        shown = [
            t.get_loc()
            for t in ax.yaxis.get_major_ticks()
            if lo <= t.get_loc() <= hi and t.label1.get_text()
        ]
        assert len(shown) >= 3, (top, shown)
        assert max(shown) >= top / 1.6 and min(shown) <= 4.4 * 1.6, (top, shown)
        plt.close(fig)


def test_mfp_ratio_legend_writes_couplings_in_powers_of_ten():
    """[C21] Figs. 2-3: the coupling of each line style reads 10^-3, 3x10^-5 (was '1e-03')."""
    from lightmed.sn_core_plots import plot_mfp_ratio

    mass, coupling = np.geomspace(0.1, 100.0, 5), np.array([3e-5, 1e-4, 1e-3])
    shape = (2, 1, 1, mass.size, coupling.size)
    dims = ("shell", "species", "energy_choice", "mass", "coupling")
    lam = np.linspace(1.0, 2.0, np.prod(shape)).reshape(shape)
    per_shell = (dims[:3], np.ones(shape[:3]))
    per_mass = (dims[:4], np.linspace(1.0, 2.0, np.prod(shape[:4])).reshape(shape[:4]))
    ds = xr.Dataset(
        {
            "lambda": (dims, lam),
            "lambda_vac": (dims, 1.5 * lam),
            "rate_sm": per_shell,
            "rate_vac_sm": (per_shell[0], 0.5 * per_shell[1]),
            "rate_np": per_mass,
            "rate_vac_np": (per_mass[0], 0.25 * per_mass[1]),
        },
        coords={
            "shell": [1, 2],
            "species": ["nu"],
            "energy_choice": ["e_mu_nu"],
            "mass": mass,
            "coupling": coupling,
        },
    )
    figs = plot_mfp_ratio(
        {"lnc_scalar": ds}, {"lnc_scalar": ("LNC scalar", "Y")}, STYLE, [1e-3, 3e-5], "nu", "t1"
    )
    texts = legend_texts(figs[0])
    assert "$Y$ = $10^{-3}$" in texts and "$Y$ = $3\\times10^{-5}$" in texts
    assert not any("e-0" in t for t in texts)
    assert legend_texts(figs[1]) == ["SM", "new physics"]  # the contributions figure


def test_excluded_region_ends_at_the_top_of_the_examined_range():
    """An interval reaching coupling_max is shaded up to it, not above: larger couplings were
    not examined (the figure used to shade them as excluded)."""
    from lightmed.sn_core_plots import quoted_excluded_mask

    bl = PRESETS["bl_vector"]
    c21 = bl_vector_bounds()
    top = c21.attrs["coupling_max"]
    grid = np.geomspace(top * 1e-6, top * 100, 161)
    mask = quoted_excluded_mask(c21, grid)
    assert mask[np.isclose(grid, top)].any(), "an interval reaching coupling_max is cut short"
    assert not mask[grid > top * (1 + 1e-9)].any(), "shaded above the examined range"
    fig = plot_bounds(c21, radial_two_profiles(bl), STYLE, "$g_{B-L}$")
    (mesh,) = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)]
    y_edges = mesh.get_coordinates()[:, 0, 1]
    empty = np.ma.getmaskarray(mesh.get_array()).reshape(y_edges.size - 1, -1).all(axis=1)
    assert top <= y_edges[1:][~empty].max() < top * 1.1  # the raster's last cell holds the top
