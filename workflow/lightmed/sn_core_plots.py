"""Figures of the SN-core stage, from finished artifacts only.

* :func:`plot_bounds`: one model's bounds, [C21] shell method (the quoted curves of
  :func:`lightmed.sn_core.headline_curves`, [C21]'s own energy/weighting choice as a thin
  reference where it is not the quoted one, the LNC nu_R band) and the [ST21] radial method
  on every radial profile (one colour per profile, labelled with its name and time).
* :func:`plot_mfp_ratio`: lambda/lambda0 per shell and per contribution ([C21] Figs. 2-3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib
import matplotlib.lines
import matplotlib.patches
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import xarray as xr

from .bound_plots import _edges, legend_outside
from .models import labels
from .sn_core import headline_curves

#: [C21]'s own choices: total rate, E = mu_nu + pi T (Dirac) or the two Majorana limits.
C21_ENERGY_CHOICES = ("mu_nu_plus_pi_T", "pi_T", "mu_dirac_plus_pi_T")
C21_WEIGHTING = "total"
#: Criteria whose excluded intervals are shaded: the diffusion-time bounds. The nu_R sums
#: define a band (conversion up to re-trapping, hatched separately) and the LNV EoS line is
#: indicative, so neither is drawn as an exclusion.
SHADED_CRITERIA = ("dt_10s", "dt_2sm")
_CRITERION_COLOUR = {
    "dt_10s": "C0",
    "dt_2sm": "C1",
    "nur_conversion": "C2",
    "nur_retrapping": "C3",
    "eos_indicative": "C4",
}


#: Text size of legends and annotations of the SN-core figures [pt].
FONTSIZE = 8.5


#: Line style per SN-core criterion, one distinct (dash pattern, marker) each: the [C21] shell
#: criteria are plain lines, the [ST21] radial criteria carry open markers (summary figures;
#: the radial curves of the SN-core figures). Dash patterns are explicit so that a coincident
#: curve drawn wide underneath keeps the same dashes (lightmed.summary_plots._draw_sn_curve).
CRITERION_STYLE: dict[str, dict] = {
    "dt_10s": {"ls": "-"},
    "dt_2sm": {"ls": (0, (4, 2))},
    "nur_conversion": {"ls": (0, (6, 2, 1, 2))},
    "nur_retrapping": {"ls": (0, (1, 1.5))},
    "eos_indicative": {"ls": (0, (6, 2, 1, 2, 1, 2))},
    "tau_10s": {"ls": "-", "marker": "o"},
    "tau_100s": {"ls": (0, (1, 1.5)), "marker": "s"},
    "n_scatter_1": {"ls": (0, (6, 2, 1, 2)), "marker": "^"},
    "n_scatter_1_nux": {"ls": (0, (4, 2)), "marker": "v"},
    "n_scatter_1_numu": {"ls": (0, (4, 2)), "marker": "D"},
    "n_scatter_1_nutau": {"ls": (0, (4, 2)), "marker": "x"},
}
#: Styles of criteria without an entry (in order of first use): distinct from the above.
_SPARE_CRITERION_STYLES = (
    {"ls": "-", "marker": "P"},
    {"ls": (0, (4, 2)), "marker": "*"},
    {"ls": (0, (1, 1.5)), "marker": "h"},
    {"ls": (0, (6, 2, 1, 2)), "marker": "X"},
)
_spare_styles: dict[str, dict] = {}
#: Marker spacing of the marked criteria (fraction of the axes diagonal).
MARKEVERY = 0.09


def criterion_style(criterion: str) -> dict:
    """Line2D keywords (``ls``, ``marker``, ``markevery``) of an SN-core criterion: one
    distinct style per criterion (a criterion without an entry takes a spare style)."""
    if criterion in CRITERION_STYLE:
        style = CRITERION_STYLE[criterion]
    else:
        style = _spare_styles.setdefault(
            criterion,
            _SPARE_CRITERION_STYLES[len(_spare_styles) % len(_SPARE_CRITERION_STYLES)],
        )
    return {**style, "markevery": MARKEVERY} if "marker" in style else dict(style)


def criterion_handle(criterion: str, lw: float) -> matplotlib.lines.Line2D:
    """Legend sample of an SN-core criterion: its style in black, open markers."""
    line = {k: v for k, v in criterion_style(criterion).items() if k != "markevery"}
    return matplotlib.lines.Line2D(
        [], [], color="k", lw=lw, markersize=4, markerfacecolor="none", **line
    )


def _plain_ticks(ax) -> None:
    """Plain numbers (2, 3, 5, 7, 10, 15) on a log axis spanning less than two decades, with
    labelled ticks across the whole range (a log axis alone labels only the decades and the
    minor ticks under the next decade: nothing between 10 and 20)."""
    lo, hi = ax.get_ylim()
    if not (lo > 0 and hi / lo < 100):
        return
    for subs in ((1.0, 2.0, 5.0), (1.0, 1.5, 2.0, 3.0, 5.0, 7.0), np.arange(1.0, 10.0)):
        locator = matplotlib.ticker.LogLocator(base=10, subs=subs)
        inside = [t for t in locator.tick_values(lo, hi) if lo <= t <= hi]
        if len(inside) >= 4:
            break
    ax.yaxis.set_major_locator(locator)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def positive(values) -> np.ndarray:
    """NaN where a bound is 0 or undefined (log axes)."""
    values = np.asarray(values, float)
    return np.where(values > 0, values, np.nan)


def _reference_curves(ds: xr.Dataset) -> list[tuple[dict, xr.DataArray]]:
    """[C21]'s choice on the paired snapshots where it differs from the quoted curves."""
    if "energy_choice" not in ds.dims:
        return []
    out = []
    ecs = [e for e in ds["energy_choice"].values if str(e) in C21_ENERGY_CHOICES]
    for crit in ds["criterion"].values:
        for snap in ds["snapshot"].values:
            if not bool(ds["paired"].sel(criterion=crit, snapshot=snap)):
                continue
            for ec in ecs:
                sel = {"criterion": crit, "snapshot": snap, "energy_choice": ec}
                if "weighting" in ds.dims:
                    if C21_WEIGHTING not in ds["weighting"].values:
                        continue
                    sel["weighting"] = C21_WEIGHTING
                if "medium" in ds.dims:
                    sel["medium"] = ds["medium"].values[0]
                if bool(ds["headline"].sel(sel)):
                    continue
                out.append((sel, ds["coupling_bound"].sel(sel)))
    return out


def _interval_mask(ds: xr.Dataset, sel: dict, grid: np.ndarray) -> np.ndarray:
    """Boolean (coupling grid, mass): inside an excluded interval of the entry ``sel``.

    An interval ending at the top of the examined range (``coupling_max``) ends there: the
    criteria were not evaluated at larger couplings, so nothing above is marked excluded.
    """
    lo = ds["excluded_lower"].sel(sel).transpose("mass", ...).values
    hi = ds["excluded_upper"].sel(sel).transpose("mass", ...).values
    g = grid[:, None, None]
    return ((g >= lo[None]) & (g <= hi[None])).any(axis=-1)


def examined_text(examined: Mapping[str, float]) -> str:
    """Legend suffix naming the top of the examined couplings (model -> top), where the
    excluded regions end: one value, or one per model."""

    def text(x: float) -> str:
        power = labels.power(x)
        return f"${power}$" if "^" in power else power  # plain numbers stay bold in the title

    if not examined:
        return ""
    tops = {text(t) for t in examined.values()}
    if len(tops) == 1:
        return f" (examined up to {tops.pop()})"
    return " (examined up to " + ", ".join(f"{text(t)} ({n})" for n, t in examined.items()) + ")"


def _snapshot_parts(ds: xr.Dataset, snap, names: Mapping) -> tuple[str, str]:
    """(profile label, "t_pb = 5 s") of a snapshot of ``ds`` (the time part may be empty)."""
    time = float(ds["snapshot_time"].sel(snapshot=snap)) if "snapshot_time" in ds else None
    base = labels.snapshot(snap, None, names)
    full = labels.snapshot(snap, time, names)
    return base, full[len(base) :].lstrip(", ")


def _criterion_text(ds: xr.Dataset, crit, snap) -> str:
    desc = str(ds["criterion_description"].sel(criterion=crit, snapshot=snap).values)
    return labels.criterion(crit, desc)


def quoted_excluded_mask(c21: xr.Dataset, grid: np.ndarray) -> np.ndarray | None:
    """Boolean (coupling grid, mass): excluded by a quoted diffusion-time criterion
    (:data:`SHADED_CRITERIA`); None where the dataset has no excluded intervals or none is
    quoted."""
    if "excluded_lower" not in c21 or "headline" not in c21:
        return None
    union = None
    for curve in headline_curves(c21):
        if curve["criterion"] in SHADED_CRITERIA:
            mask = _interval_mask(c21, curve["sel"], grid)
            union = mask if union is None else union | mask
    return union


def _excluded_grid(c21: xr.Dataset) -> np.ndarray:
    """Coupling grid of the excluded raster: a decade under the lowest excluded coupling to
    the top of the examined range (nothing above it is shaded)."""
    top = float(c21.attrs.get("coupling_max", np.nan))
    low = c21["excluded_lower"].values
    finite = low[np.isfinite(low) & (low > 0)]
    lo = finite.min() / 10 if finite.size else 1e-12
    hi = top if np.isfinite(top) else 1.0
    return np.geomspace(lo, hi, 600)


#: Line style of [C21]'s own energy prescriptions (thin reference curves), in order of first
#: appearance; the quoted curves are solid and thick.
REFERENCE_STYLES = ((0, (4, 2)), (0, (1, 1.5)), (0, (6, 2, 1, 2)), (0, (2, 1)))
QUOTED_LW, REFERENCE_LW = 2.0, 1.0


def plot_bounds(c21: xr.Dataset, st21: xr.Dataset, style: Mapping, ylabel: str):
    """SN-core bounds of one model, both methods (module docstring); returns the figure.

    The region the quoted [C21] diffusion-time criteria exclude is shaded (one opaque raster),
    the disfavoured nu_R free-streaming band of the LNC scalar hatched. Colour = criterion
    ([C21]) or profile ([ST21]); line style = energy prescription ([C21]: quoted thick and
    solid, [C21]'s own choices thin, one style each) or criterion ([ST21], with markers). The
    legend sits outside the axes with one entry per criterion, prescription and profile.
    """
    names = style.get("labels") or {}
    fig, ax = plt.subplots(
        figsize=(style["width_in"] * 1.5, style["height_in"]), layout="constrained"
    )
    ax.set(xscale="log", yscale="log")
    mass = c21["mass"].values
    seen: dict[str, int] = {}
    curves = headline_curves(c21) if "headline" in c21 else []
    bases = {_snapshot_parts(c21, c["snapshot"], names)[0] for c in curves}
    quoted_h, quoted_t, region_h, region_t, key_h, key_t = [], [], [], [], [], []
    quoted_variants: list[str] = []
    for curve in curves:
        crit = curve["criterion"]
        k = seen.get(crit, 0)
        seen[crit] = k + 1
        colour = _CRITERION_COLOUR.get(crit, "k")
        (h,) = ax.plot(
            mass,
            positive(curve["bound"]),
            color=colour,
            ls="-",
            marker=(None, "o", "s", "^")[k % 4],
            markevery=0.1,
            lw=QUOTED_LW,
            zorder=3,
        )
        base, time = _snapshot_parts(c21, curve["snapshot"], names)
        when = time if len(bases) == 1 and time else (f"{base}, {time}" if time else base)
        quoted_h.append(h)
        quoted_t.append(f"{_criterion_text(c21, crit, curve['snapshot'])} ({when})")
        varying = [d for d in curve["sel"] if d not in ("criterion", "snapshot")]
        variant = labels.variant(curve["sel"], [d for d in varying if c21.sizes.get(d, 1) > 1])
        if variant not in quoted_variants:
            quoted_variants.append(variant)
        band = _medium_band(ax, c21, curve["sel"], colour)
        if band is not None and not any(t.startswith("nuclear-model") for t in region_t):
            region_h.append(band)
            media = ", ".join(labels.medium(m, names) for m in c21["medium"].values)
            region_t.append(f"nuclear-model band: min–max over {media}")
    union = None
    if curves and "excluded_lower" in c21:
        grid = _excluded_grid(c21)
        union = quoted_excluded_mask(c21, grid)
    if union is not None and union.any():
        ax.pcolormesh(
            _edges(mass),
            _edges(grid),
            np.ma.masked_where(~union, np.ones(union.shape)),
            cmap=matplotlib.colors.ListedColormap(["#e3e3e3"]),
            shading="flat",
            zorder=0.5,
            rasterized=True,
        )
        region_h.append(matplotlib.patches.Patch(color="#e3e3e3"))
        top = float(c21.attrs.get("coupling_max", np.nan))
        region_t.append(
            r"excluded by the quoted $\Delta t$ criteria"
            + (examined_text({"": top}) if np.isfinite(top) else "")
        )
    if "nur_band_lower" in c21:
        region_h += _draw_nur_band(ax, c21)
        region_t += [r"$\nu_R$ free streaming disfavoured (Eqs. 24, 26)"] * (
            len(region_h) - len(region_t)
        )
    if quoted_h:
        key_h.append(matplotlib.lines.Line2D([], [], color="k", lw=QUOTED_LW))
        key_t.append("quoted" + (f": {', '.join(v for v in quoted_variants if v)}"))
    ref_styles: dict[str, object] = {}
    for sel, da in _reference_curves(c21):
        extra = labels.variant(sel, ("energy_choice", "weighting"))
        if extra not in ref_styles:
            ls = REFERENCE_STYLES[len(ref_styles) % len(REFERENCE_STYLES)]
            ref_styles[extra] = ls
            key_h.append(matplotlib.lines.Line2D([], [], color="k", lw=REFERENCE_LW, ls=ls))
            key_t.append(f"[C21]'s own choice: {extra}")
        ax.plot(
            mass,
            positive(da),
            color=_CRITERION_COLOUR.get(str(sel["criterion"]), "k"),
            lw=REFERENCE_LW,
            ls=ref_styles[extra],
            zorder=2,
        )
    if "not_applicable" in c21.attrs:
        ax.text(
            0.5,
            0.6,
            "[C21] shell method not applicable:\n"
            + labels.prose(
                c21.attrs["not_applicable"],
                {str(c21.attrs.get("model")): str(c21.attrs.get("model_title", ""))},
            ),
            transform=ax.transAxes,
            ha="center",
            fontsize=FONTSIZE,
            wrap=True,
        )
    prof_h, prof_t, crit_h, crit_t = _draw_radial(ax, st21, style, names)
    _fit_ylim(ax, float(c21.attrs.get("coupling_max", np.nan)))
    ax.set(xlabel="mediator mass [MeV]", ylabel=ylabel)
    ax.set_title(
        f"SN-core bounds: {c21.attrs.get('model_title', c21.attrs.get('model'))}\n"
        f"criteria on {labels.species(c21.attrs.get('observed_species'), names)}",
        fontsize=10,
    )
    shell = "[C21] shell method" + (f" on the {next(iter(bases))}" if len(bases) == 1 else "")
    legend_outside(
        fig,
        ax,
        [
            (f"{shell}: criterion (colour)", quoted_h, quoted_t),
            ("[C21] energy prescription (line)", key_h, key_t),
            ("regions", region_h, region_t),
            ("[ST21] radial method: profile (colour)", prof_h, prof_t),
            ("[ST21] criterion (line, marker)", crit_h, crit_t),
        ],
        fontsize=FONTSIZE,
    )
    return fig


def _medium_band(ax, ds: xr.Dataset, sel: Mapping, colour):
    """Min-max over the nuclear media of one quoted curve (issue 12 item 5), drawn as an
    opaque light band in the curve's colour under the lines; None with a single medium."""
    if "medium" not in ds.dims or ds.sizes["medium"] < 2:
        return None
    rest = {k: v for k, v in sel.items() if k != "medium"}
    values = ds["coupling_bound"].sel(rest).transpose("medium", "mass").values
    values = np.where(values > 0, values, np.nan)
    finite = np.isfinite(values).sum(axis=0) >= 2
    if not finite.any():
        return None
    padded = np.where(finite, values, 1.0)  # columns with < 2 media are dropped below
    lo = np.where(finite, np.nanmin(padded, axis=0), np.nan)
    hi = np.where(finite, np.nanmax(padded, axis=0), np.nan)
    light = 0.25 * np.asarray(matplotlib.colors.to_rgb(colour)) + 0.75
    return ax.fill_between(ds["mass"].values, lo, hi, color=light, lw=0, zorder=0.7)


def _fit_ylim(ax, coupling_max: float) -> None:
    """From a third of the lowest drawn bound to the top of the examined coupling range."""
    ys = [np.asarray(line.get_ydata(), float) for line in ax.get_lines()]
    ys = np.concatenate([y[np.isfinite(y) & (y > 0)] for y in ys]) if ys else np.array([])
    if not ys.size:
        return
    top = max(coupling_max, ys.max() * 1.5) if np.isfinite(coupling_max) else ys.max() * 3
    ax.set_ylim(ys.min() / 3, top)


def _draw_radial(ax, st21: xr.Dataset, style: Mapping, names: Mapping):
    """[ST21] radial bounds: colour = profile, line style and marker = criterion (the summary
    figures' :func:`criterion_style`); returns the legend handles."""
    profiles = list(st21["snapshot"].values) if "snapshot" in st21.dims else []
    colours = plt.get_cmap(style.get("colormap", "viridis"))(
        np.linspace(0.25, 0.9, max(len(profiles), 1))
    )
    prof_h, prof_t, crit = [], [], {}
    for colour, prof in zip(colours, profiles, strict=False):
        sel = st21.sel(snapshot=prof)
        drawn = False
        for c in sel["criterion"].values:
            if "status" in sel and str(sel["status"].sel(criterion=c).values):
                continue
            key = str(c)
            ax.plot(
                sel["mass"],
                positive(sel["coupling_bound"].sel(criterion=c)),
                color=colour,
                lw=1.0,
                markersize=4,
                markerfacecolor="none",
                **criterion_style(key),
            )
            drawn = True
            desc = str(sel["criterion_description"].sel(criterion=c).values)
            crit.setdefault(key, labels.criterion(key, desc))
        if drawn:
            time = float(sel["snapshot_time"]) if "snapshot_time" in sel else None
            prof_h.append(matplotlib.lines.Line2D([], [], color=colour, lw=2.5))
            prof_t.append(labels.snapshot(prof, time, names))
    crit_h = [criterion_handle(c, lw=1.0) for c in crit]
    return prof_h, prof_t, crit_h, list(crit.values())


def _draw_nur_band(ax, c21: xr.Dataset, colour="C2", zorder: float = 1) -> list:
    """Hatch the disfavoured nu_R band of every quoted entry (between the nu_R emission and
    the re-trapping line, nothing above); returns the legend handles."""
    flags = c21["headline"].sel(criterion="nur_conversion")
    band_lo, band_hi = c21["nur_band_lower"], c21["nur_band_upper"]
    stacked = flags.stack(entry=list(flags.dims))
    handles = []
    for i in np.flatnonzero(stacked.values):
        sel = {d: stacked[d].values[i] for d in flags.dims}
        h = ax.fill_between(
            c21["mass"].values,
            positive(band_lo.sel(sel)),
            positive(band_hi.sel(sel)),
            facecolor="none",
            edgecolor=colour,
            hatch="////",
            lw=0,
            zorder=zorder,
        )
        handles.append(h)
    return handles[:1]


def plot_mfp_ratio(
    models: Mapping[str, xr.Dataset],
    titles: Mapping[str, Sequence[str]],
    style: Mapping,
    couplings: Sequence[float],
    species: str,
    snapshot: str,
    snapshot_time: float | None = None,
    names: Mapping | None = None,
):
    """lambda/lambda0 per shell for two couplings and per contribution ([C21] Figs. 2-3).

    ``titles[model]`` = (title, coupling latex). Returns the two figures. The first energy
    choice and the ``total`` weighting (when present) are drawn. Labels come from the label
    registry (``snapshot_time`` [s] is printed with the snapshot).
    """
    snap_text = labels.snapshot(snapshot, snapshot_time, names)
    species_text = labels.species(species, names)
    size = (style["width_in"] * 0.8 * max(len(models), 1), style["height_in"])
    sel = {}
    fig1, axes1 = plt.subplots(1, len(models), figsize=size, sharey=True, squeeze=False)
    # own y range per panel: the contributions of two models differ by a factor of a few
    fig2, axes2 = plt.subplots(1, len(models), figsize=size, squeeze=False)
    for ax, ax2, (model, ds) in zip(axes1[0], axes2[0], models.items(), strict=True):
        title, coupling = titles[model]
        if "weighting" in ds.dims:
            sel["weighting"] = (
                "total" if "total" in ds["weighting"].values else ds["weighting"].values[0]
            )
        ds = ds.sel(species=species, **sel).isel(energy_choice=0)
        colours = plt.get_cmap(style["colormap"])(np.linspace(0, 0.9, ds.sizes["shell"]))
        for ls, g in zip(("-", "--", ":", "-."), couplings, strict=False):
            near = ds.sel(coupling=g, method="nearest")
            ratio = near["lambda"] / near["lambda_vac"]
            for c, shell in zip(colours, ds["shell"].values, strict=True):
                ax.plot(
                    ds["mass"],
                    ratio.sel(shell=shell),
                    ls=ls,
                    color=c,
                    label=f"shell {shell}" if ls == "-" else None,
                )
            ax.plot(
                [],
                [],
                ls=ls,
                color="grey",
                label=f"${coupling}$ = ${labels.power(float(near.coupling))}$",
            )
        ax.set(
            xscale="log",
            yscale="log",
            xlabel="mediator mass [MeV]",
            title=f"{title}\n{snap_text}, {species_text}",
        )
        _plain_ticks(ax)
        ax.legend(  # below the axes: the curves fill the panel
            fontsize=FONTSIZE,
            ncol=4,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16),
            title="shell 1 = innermost",
            title_fontsize=FONTSIZE,
            frameon=False,
        )
        inner = ds.isel(shell=0)
        for term, label, colour in (
            ("sm", "SM", "k"),
            ("int", "interference", "C1"),
            ("np", "new physics", "C0"),
        ):
            med, vac = f"rate_{term}", f"rate_vac_{term}"
            if med not in inner or vac not in inner or float(np.abs(inner[med]).max()) == 0:
                continue
            ratio = np.abs(inner[vac] / inner[med]).broadcast_like(inner["mass"])
            ax2.plot(inner["mass"], ratio, color=colour, label=label)
        ax2.set(
            xscale="log",
            yscale="log",
            xlabel="mediator mass [MeV]",
            title=f"{title}\ninnermost shell, {snap_text}, {species_text}",
        )
        ax2.legend(fontsize=FONTSIZE)
        _plain_ticks(ax2)
    axes1[0][0].set_ylabel(r"$\lambda_k / \lambda^0_k$ [1]  (in-medium / vacuum-like)")
    for fig in (fig1, fig2):
        fig.set_layout_engine("constrained")
    for ax2 in axes2[0]:
        ax2.set_ylabel(r"$\lambda / \lambda^0$ per contribution [1]")
    return fig1, fig2
