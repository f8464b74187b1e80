"""Reading the XENONnT 8B CEvNS release and the shipped derived file (lightmed.constraints.xenonnt).

:func:`read_release` reads the release as distributed (templates through
``inference_interface.template_to_multihist``, the XENONnT tool the release names);
:func:`derived_dataset` is the compact file ``resources/constraints/xenonnt_8b/build.py`` writes
and :func:`read_derived` reads it back. Every failure is one line naming the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import InputError
from .releases import WHERE as RELEASES
from .releases import XENONNT_DOI

WHERE = RELEASES["xenonnt_8b"]
CITATION = (
    "XENON Collaboration, PRL 133 (2024) 191002; PRL 134 (2025) 111802; arXiv:2604.06002; "
    f"data release doi:{XENONNT_DOI}"
)
#: Name of the shipped derived file inside the ``constraints.xenonnt_8b.path`` directory.
DERIVED_FILE = "xenonnt_8b_templates.nc"
RUNS: tuple[str, ...] = ("sr0", "sr1", "sr2")
#: Livetimes [t y] as given in the release's plot.ipynb.
LIVETIME_TY: dict[str, float] = {"sr0": 1.174398, "sr1": 2.342593, "sr2": 3.249665}
#: Observables: key in binning/*.yaml and data/*.csv.
OBSERVABLES: tuple[str, ...] = (
    "cs2",
    "s2_shadow_s2_time_shadow_quantile",
    "s1_bdt_score",
    "s2_bdt_score",
)
N_EDGES = 4
N_BINS = (N_EDGES - 1) ** len(OBSERVABLES)
MONO_ENERGIES_KEV = np.round(np.linspace(0.5, 5.0, 46), 3)
ANCHORS = np.arange(-3.0, 3.5, 1.0)


def _template(path: Path, edges: np.ndarray) -> np.ndarray:
    """One released template (81 bins, C order) via inference_interface; one-line errors."""
    import inference_interface

    if not path.is_file():
        raise InputError(f"{path}: template file missing; get the release from {WHERE}")
    try:
        hist = inference_interface.template_to_multihist(str(path), hist_name="template")
    except (OSError, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a readable XENONnT template ({exc})") from None
    h = np.asarray(hist.histogram, float)
    want = (N_EDGES - 1,) * len(OBSERVABLES)
    if h.shape != want:
        raise InputError(
            f"{path}: template of shape {h.shape}, expected {want} (3 bins in each of "
            f"{', '.join(OBSERVABLES)}); use the release as distributed"
        )
    got = [np.asarray(b, float) for b in hist.bin_edges]
    if any(
        b.shape != e.shape or not np.allclose(b, e, rtol=1e-6)
        for b, e in zip(got, edges, strict=True)
    ):
        raise InputError(f"{path}: bin edges differ from the run's binning/*.yaml")
    if not np.all(np.isfinite(h)) or np.any(h < 0):
        raise InputError(f"{path}: negative or non-finite template entries")
    return h.reshape(-1)


def _binning(path: Path) -> np.ndarray:
    import yaml

    if not path.is_file():
        raise InputError(f"{path}: binning file missing; get the release from {WHERE}")
    with open(path) as fh:
        raw = yaml.safe_load(fh) or {}
    try:
        edges = np.array([np.asarray(raw[k], float) for k in OBSERVABLES])
    except (KeyError, TypeError, ValueError):
        raise InputError(
            f"{path}: needs {N_EDGES} bin edges for each of {', '.join(OBSERVABLES)}"
        ) from None
    if edges.shape != (len(OBSERVABLES), N_EDGES) or np.any(np.diff(edges, axis=1) <= 0):
        raise InputError(f"{path}: needs {N_EDGES} increasing bin edges per observable")
    return edges


def _observed(path: Path, edges: np.ndarray) -> np.ndarray:
    import pandas as pd

    if not path.is_file():
        raise InputError(f"{path}: data file missing; get the release from {WHERE}")
    df = pd.read_csv(path, index_col=0)
    missing = [c for c in OBSERVABLES if c not in df.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    counts, _ = np.histogramdd(df[list(OBSERVABLES)].to_numpy(float), bins=list(edges))
    return counts.reshape(-1)


def read_release(path: str | Path) -> dict[str, np.ndarray]:
    """The arrays of the release as distributed (data, binning, templates of every run)."""
    root = Path(path)
    out: dict[str, list] = {k: [] for k in ("observed", "ac", "er", "rg", "mono", "edges")}
    grid = [f"{a:.1f}" for a in ANCHORS]
    for run in RUNS:
        edges = _binning(root / "binning" / f"{run}.yaml")
        out["edges"].append(edges)
        out["observed"].append(_observed(root / "data" / f"{run}.csv", edges))
        t = root / "templates" / run
        out["ac"].append(_template(t / "ac" / f"template_XENONnT_{run}_ac_cevns.h5", edges))
        out["er"].append(_template(t / "er" / f"template_XENONnT_{run}_er_cevns.h5", edges))
        rg = [
            [
                _template(t / "rg" / f"template_XENONnT_{run}_rg_cevns_tly_{a}_tqy_{b}.h5", edges)
                for b in grid
            ]
            for a in grid
        ]
        out["rg"].append(rg)
        mono = [
            [
                [
                    _template(
                        t
                        / "mono"
                        / f"template_XENONnT_{run}_mono_{e:.3f}_cevns_tly_{a}_tqy_{b}.h5",
                        edges,
                    )
                    for e in MONO_ENERGIES_KEV
                ]
                for b in grid
            ]
            for a in grid
        ]
        out["mono"].append(mono)
    arrays = {k: np.asarray(v, float) for k, v in out.items()}
    arrays["livetime"] = np.array([LIVETIME_TY[r] for r in RUNS])
    return arrays


def derived_dataset(arrays: Mapping[str, np.ndarray], source: str = "") -> xr.Dataset:
    """The compact derived file (what ``build.py`` writes): every array the likelihood uses."""
    bins = ("run", "bin")
    grid = ("t_ly", "t_qy")
    ds = xr.Dataset(
        {
            "livetime": ("run", arrays["livetime"], {"units": "t yr"}),
            "observed": (bins, arrays["observed"], {"units": "events"}),
            "ac": (bins, arrays["ac"], {"units": "events t-1 yr-1"}),
            "er": (bins, arrays["er"], {"units": "events t-1 yr-1"}),
            "rg": (("run", *grid, "bin"), arrays["rg"], {"units": "events t-1 yr-1"}),
            "mono": (("run", *grid, "energy", "bin"), arrays["mono"], {"units": "1"}),
            "edges": (("run", "observable", "edge"), arrays["edges"], {"units": "1"}),
        },
        coords={
            "run": list(RUNS),
            "t_ly": ANCHORS,
            "t_qy": ANCHORS,
            "energy": ("energy", MONO_ENERGIES_KEV, {"units": "keV"}),
            "observable": list(OBSERVABLES),
        },
        attrs={
            "title": "XENONnT 8B CEvNS likelihood templates (derived from the data release)",
            "licence": "CC-BY-4.0 (XENON Collaboration); derived: arrays regrouped, not changed",
            "doi": XENONNT_DOI,
            "citation": CITATION,
            "source": source,
            "bin_order": "C order of (cs2, s2 shadow quantile, s1 BDT, s2 BDT), 3 bins each",
        },
    )
    return ds


def read_derived(path: Path) -> dict[str, np.ndarray]:
    try:
        with xr.open_dataset(path) as ds:
            ds = ds.load()
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable derived XENONnT file ({exc})") from None
    want = {
        "livetime": (len(RUNS),),
        "observed": (len(RUNS), N_BINS),
        "ac": (len(RUNS), N_BINS),
        "er": (len(RUNS), N_BINS),
        "rg": (len(RUNS), ANCHORS.size, ANCHORS.size, N_BINS),
        "mono": (len(RUNS), ANCHORS.size, ANCHORS.size, MONO_ENERGIES_KEV.size, N_BINS),
        "edges": (len(RUNS), len(OBSERVABLES), N_EDGES),
    }
    out = {}
    for k, shape in want.items():
        if k not in ds or ds[k].shape != shape:
            got = ds[k].shape if k in ds else "missing"
            raise InputError(
                f"{path}: variable {k} has shape {got}, expected {shape}; rebuild it with "
                "resources/constraints/xenonnt_8b/build.py"
            )
        out[k] = np.asarray(ds[k].values, float)
        if not np.all(np.isfinite(out[k])) or np.any(out[k] < 0):
            raise InputError(f"{path}: variable {k} has negative or non-finite entries")
    return out
