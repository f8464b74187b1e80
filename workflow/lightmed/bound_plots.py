"""Figures of the sensitivity stage: bound curves from finished artifacts only.

Every figure states the coupling on its axis. Detector sensitivities use [ST21]'s
g = sqrt(g_nu g_q) (vector, scalar) or g_B-L (``bl_vector``); the SN-core bounds use [C21]'s
couplings (g_B-L, Y = sqrt(C_nu C_N)). Different couplings share an axis only through the
documented maps of :data:`SUMMARY_AXES` (summary figures):

* ``summary_vector``: g = sqrt(g_nu g_q) of the [ST21] vector (g_nu g_q > 0, destructive
  interference). No SN-core model has this coupling structure ([C21]'s Z' is B-L, with the
  opposite interference sign), so none is drawn; the B-L comparison is ``summary_bl_vector``.
* ``summary_scalar``: Y = sqrt(C_nu C_N). Detector bounds are mapped with
  Y = sqrt(C_N/C_q) g, C_N/C_q = 13.8 ([C21], physics.md §1.1; config
  ``radial.scalar_cn_over_cq``), exact up to the nucleus charge convention (Q_s/A = 14 + 1.1 Z/A
  in [ST21] vs 13.8: Y differs by sqrt(1.06) = 3 %).
* ``summary_bl_vector``: g_B-L for everything (detector ``bl_vector`` rates are computed
  from the B-L charges, lightmed.rates).
* any other registry model: its own axis coupling (``labels`` from the registry) for its
  detector and SN-core bounds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from .errors import InputError
from .sn_core import headline_curves as sn_core_headline_curves

MEDIATOR = {"vector": "m_{Z'}", "scalar": "m_\\phi", "bl_vector": "m_{Z'}"}
COUPLING_LABEL = {
    "vector": r"$g=\sqrt{g_\nu g_q}$  (vector Z$'$, [ST21], $g_\nu g_q>0$)",
    "scalar": r"$g=\sqrt{g_\nu g_q}$  (scalar $\phi$, [ST21], $Q_s=14A+1.1Z$)",
    "bl_vector": r"$g_{B-L}$  (U(1)$_{B-L}$ Z$'$)",
}
SOURCE_LABEL = {
    "sn_ccsn": "CC SN (27 M$_\\odot$, 10 kpc)",
    "sn_failed": "failed SN (40 M$_\\odot$, 10 kpc)",
    "sn_marginalised": "SN, weaker of CC/failed",
    "solar": "solar $^8$B + hep, 1 yr",
    "atmospheric": "atmospheric, 1 yr",
}
DETECTOR_LABEL = {
    "resnova1": "RES-NOVA-1 (2.4 t Pb)",
    "resnova3": "RES-NOVA-3 (456 t Pb)",
    "darwin": "DARWIN (40 t Xe)",
    "xenonnt": "XENONnT (4 t Xe)",
    "darwin_x1teff": "DARWIN, XENON1T eff.",
    "xenonnt_x1teff": "XENONnT, XENON1T eff.",
}

#: Per summary figure: the axis coupling and, per artifact model, the factor mapping the
#: artifact's coupling to it (see the module docstring). ``scalar_factor`` is filled in from
#: config at plot time.
SUMMARY_AXES: dict[str, dict[str, object]] = {
    "vector": {
        "axis": r"$g=\sqrt{g_\nu g_q}$ ([ST21] vector Z$'$, $g_\nu g_q>0$)",
        "detector_factor": "1",
        "sn_core": {},
    },
    "scalar": {
        "axis": r"$Y=\sqrt{C_\nu C_N}$ ([C21]); detector bounds: "
        r"$Y=\sqrt{C_N/C_q}\,g$",
        "detector_factor": "sqrt_cn_over_cq",
        "sn_core": {"lnv_scalar": "LNV scalar", "lnc_scalar": "LNC scalar"},
    },
    "bl_vector": {
        "axis": r"$g_{B-L}$ (U(1)$_{B-L}$ Z$'$; detectors: $g_\nu g_q=-g_{B-L}^2/3$)",
        "detector_factor": "1",
        "sn_core": {"bl_vector": "B$-$L"},
    },
}


def label(name: str) -> str:
    """Legend text for a combo ('a+b'), source or detector key."""
    if name in SOURCE_LABEL:
        return SOURCE_LABEL[name]
    return " + ".join(
        DETECTOR_LABEL.get(d, d).split(" (")[0] if "+" in name else DETECTOR_LABEL.get(d, d)
        for d in name.split("+")
    )


def index_sensitivities(datasets: Iterable[xr.Dataset]) -> dict[tuple[str, str], xr.Dataset]:
    """Sensitivity artifacts keyed by (neutrino_source, combo) from their attributes."""
    out = {}
    for ds in datasets:
        try:
            out[ds.attrs["neutrino_source"], ds.attrs["combo"]] = ds
        except KeyError as exc:
            raise InputError(f"sensitivity artifact without {exc} attribute") from exc
    return out


def new_axes(
    style: Mapping,
    model: str,
    coupling_range: Sequence[float],
    ylabel: str | None = None,
    mass_symbol: str = "m",
):
    fig, ax = plt.subplots(figsize=(style["width_in"], style["height_in"]))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"${MEDIATOR.get(model, mass_symbol)}$ [MeV]")
    ax.set_ylabel(ylabel or COUPLING_LABEL.get(model, model), fontsize=8)
    ax.set_ylim(*coupling_range)
    return fig, ax


def draw_sensitivity(
    ax, ds: xr.Dataset, sigma: float | None = None, factor: float = 1.0, fill: bool = False, **line
) -> None:
    """Boundary of every excluded interval (bound + island edges), optionally shaded.

    The lowest edge (the bound) is drawn with ``line``; the edges of allowed islands above it
    in the same colour, thinner.
    """
    sub = ds.sel(sigma_norm=ds["sigma_norm"].values[0] if sigma is None else sigma)
    mass = ds["mass"].values
    lower = sub["excluded_lower"].values * factor
    upper = sub["excluded_upper"].values * factor
    top = ax.get_ylim()[1] * 10
    (h,) = ax.plot(mass, lower[:, 0], **line)
    thin = {k: v for k, v in line.items() if k not in ("label", "lw", "linewidth")}
    for k in range(1, lower.shape[1]):
        if np.isfinite(lower[:, k]).any():
            ax.plot(mass, upper[:, k - 1], lw=0.8, **thin)
            ax.plot(mass, lower[:, k], lw=0.8, **thin)
    if fill:
        for k in range(lower.shape[1]):
            lo, hi = lower[:, k], np.minimum(np.where(np.isinf(upper[:, k]), top, upper[:, k]), top)
            ok = np.isfinite(lo)
            ax.fill_between(
                mass,
                np.where(ok, lo, np.nan),
                np.where(ok, hi, np.nan),
                color=h.get_color(),
                alpha=0.12,
                lw=0,
            )


def annotate(ax, ds: xr.Dataset, extra: str = "") -> None:
    """Statistics of the sensitivity in a corner: CL, threshold, pull."""
    text = (
        f"{ds.attrs['confidence_level']:.0%} CL, $\\Delta\\chi^2$ = "
        f"{ds.attrs['delta_chi2_threshold']:.2f}, {ds.attrs['pull']} pull"
        + (f"\n{extra}" if extra else "")
    )
    ax.text(0.02, 0.98, text, transform=ax.transAxes, va="top", ha="left", fontsize=7)


def save(fig, paths: Sequence[str], style: Mapping) -> None:
    for path in paths:
        fig.savefig(path, dpi=style["dpi"])
    plt.close(fig)


def sigma_text(ds: xr.Dataset, sigma: float | None = None) -> str:
    s = ds["sigma_norm"].values[0] if sigma is None else sigma
    return f"$\\sigma_x$ = {s:.0%}"


# --- figures ----------------------------------------------------------------------------------


def plot_by_combo(
    sens: Mapping,
    sources: Sequence[str],
    combos: Sequence[str],
    model: str,
    style: Mapping,
    coupling_range,
    title: str,
):
    """Colours = detector combinations, line styles = sources (first sigma_norm of each)."""
    fig, ax = new_axes(style, model, coupling_range)
    colours = plt.get_cmap("tab10")(np.arange(len(combos)))
    styles = ["-", "--", ":", "-."]
    first = None
    for c, combo in zip(colours, combos, strict=True):
        for ls, src in zip(styles, sources, strict=False):
            ds = sens.get((src, combo))
            if ds is None:
                continue
            first = first or ds
            draw_sensitivity(
                ax,
                ds,
                color=c,
                ls=ls,
                lw=1.6,
                label=f"{label(combo)}, {label(src)} ({sigma_text(ds)})",
            )
    if first is not None:
        annotate(
            ax, first, "thick: smallest excluded coupling; thin: edges of allowed islands above it"
        )
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=6, loc="lower right")
    return fig


def plot_normalisation(sens: Mapping, combo: str, model: str, style: Mapping, coupling_range):
    """Every sigma_norm of every source of one combination (line style = sigma index)."""
    fig, ax = new_axes(style, model, coupling_range)
    sources = [s for (s, c) in sens if c == combo]
    colours = plt.get_cmap("tab10")(np.arange(len(sources)))
    styles = ["-", "--", ":", "-."]
    for col, src in zip(colours, sources, strict=True):
        ds = sens[src, combo]
        for ls, s in zip(styles, ds["sigma_norm"].values, strict=False):
            draw_sensitivity(
                ax,
                ds,
                sigma=float(s),
                color=col,
                ls=ls,
                lw=1.4,
                label=f"{label(src)}, $\\sigma_x$ = {s:.0%}",
            )
    if sources:
        annotate(ax, sens[sources[0], combo], f"detectors: {label(combo)}")
    ax.set_title("Flux-normalisation uncertainty", fontsize=9)
    ax.legend(fontsize=6, loc="lower right")
    return fig


def read_limit_csv(path: str | Path) -> pd.DataFrame:
    """External limit CSV: columns mass_mev (or mass) [MeV], coupling [1], optional label."""
    df = pd.read_csv(path, comment="#")
    df.columns = [c.strip().lower() for c in df.columns]
    if "mass_mev" not in df and "mass" in df:
        df = df.rename(columns={"mass": "mass_mev"})
    missing = {"mass_mev", "coupling"} - set(df.columns)
    if missing:
        raise InputError(f"{path}: external limit CSV lacks column(s) {', '.join(missing)}")
    return df


def plot_summary(
    model: str,
    sens: Mapping,
    sn_core: Mapping[str, xr.Dataset],
    sn_core_radial: Mapping[str, xr.Dataset],
    external: Sequence[tuple[dict, str]],
    style: Mapping,
    coupling_range,
    scalar_cn_over_cq: float,
    labels: Mapping[str, str] | None = None,
    constraints: Sequence[xr.Dataset] = (),
):
    """All lightmed bounds for one mediator on one coupling axis (see module docstring).

    ``constraints``: limits from real data of this model (constraints artifacts), shaded in
    grey under the lines (lightmed.constraint_plots), on the detector-bound axis mapping.

    ``labels`` (registry: ``axis``, ``mass``, ``title``) serve models without an entry in
    :data:`SUMMARY_AXES`.
    """
    labels = dict(labels or {"axis": model, "mass": "m", "title": model})
    axis = SUMMARY_AXES.get(
        model, {"axis": labels["axis"], "detector_factor": "1", "sn_core": {model: labels["title"]}}
    )
    factor = math.sqrt(scalar_cn_over_cq) if axis["detector_factor"] != "1" else 1.0
    fig, ax = new_axes(style, model, coupling_range, axis["axis"], labels["mass"])
    if constraints:
        from .constraint_plots import shade_constraints

        shade_constraints(ax, constraints, factor=factor)
    colours = iter(plt.get_cmap("tab10")(np.arange(10)))
    first = None
    for (src, combo), ds in sens.items():
        first = first or ds
        draw_sensitivity(
            ax,
            ds,
            factor=factor,
            color=next(colours),
            lw=1.8,
            fill=True,
            label=f"CE$\\nu$NS {label(src)}: {label(combo)} ({sigma_text(ds)})",
        )
    styles = {
        "dt_10s": "-",
        "dt_2sm": "--",
        "nur_conversion": "-.",
        "nur_retrapping": ":",
        "eos_indicative": (0, (1, 3)),
        "tau_10s": "-",
        "tau_100s": ":",
        "n_scatter_1": "-.",
        "n_scatter_1_nux": (0, (3, 1, 1, 1)),
    }
    for method, group in (
        ("SN core [C21] shells", sn_core),
        ("SN core [ST21] radial", sn_core_radial),
    ):
        for name, ds in group.items():
            col = next(colours)
            if "headline" in ds:  # shell method: the quoted curves (pairing, headline choice)
                for curve in sn_core_headline_curves(ds):
                    ax.plot(
                        ds["mass"].values,
                        curve["bound"].values,
                        color=col,
                        ls=styles.get(curve["criterion"], "-"),
                        lw=1.1,
                        label=f"{method}: {axis['sn_core'].get(name, name)}, "
                        f"{curve['criterion']} ({curve['snapshot']})",
                    )
                continue
            bound = ds["coupling_bound"]
            if "status" in ds:  # radial method: only the criteria that apply
                bound = bound.where(ds["status"] == "")
            for crit in bound["criterion"].values:
                da = bound.sel(criterion=crit)
                other = [d for d in da.dims if d != "mass"]
                flat = da.transpose("mass", *other).values.reshape(da.sizes["mass"], -1)
                ls = styles.get(str(crit), "-")
                for j in range(flat.shape[1]):
                    ax.plot(
                        ds["mass"].values,
                        flat[:, j],
                        color=col,
                        ls=ls,
                        lw=1.1,
                        label=(
                            f"{method}: {axis['sn_core'].get(name, name)}, {crit}"
                            if j == 0
                            else None
                        ),
                    )
    for entry, path in external:
        df = read_limit_csv(path)
        ax.plot(
            df["mass_mev"],
            df["coupling"],
            color="0.3",
            lw=1.0,
            ls="--",
            label=f"external: {entry.get('label') or df.get('label', [''])[0]}",
        )
    if first is not None:
        annotate(
            ax,
            first,
            "detectors: shaded = excluded (islands left white)"
            + ("" if axis["sn_core"] else "\nno SN-core bound for this coupling structure"),
        )
    ax.set_title(
        {
            "vector": "Vector mediator: all lightmed bounds",
            "scalar": "Scalar mediator: all lightmed bounds",
            "bl_vector": "U(1)$_{B-L}$ vector: all lightmed bounds",
        }.get(model, f"{labels['title']}: all lightmed bounds"),
        fontsize=9,
    )
    ax.legend(fontsize=5.5, loc="lower right", ncol=1)
    return fig
