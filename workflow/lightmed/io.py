"""Artifact I/O: one writer and one reader for every stage's NetCDF files.

The writer enforces the artifact contract (``docs/artifacts.md``): ``units`` and ``long_name``
on every variable and coordinate; dataset attributes ``title``, ``source``, ``references``,
``Conventions``, ``lightmed_schema`` and a ``history`` with one line per producing stage
(rule, wildcards, a hash of its parameters, lightmed version). Files are written losslessly
compressed to a temporary file in the destination directory and renamed into place, so a
crash never leaves a half-written artifact behind.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from . import __version__
from .errors import ArtifactError

CONVENTIONS = "CF-1.10"

#: Schema version per stage; bump a stage's number when a name or dimension changes.
SCHEMAS: dict[str, str] = {
    "profiles": "lightmed.profiles/1",
    "rmf": "lightmed.rmf/2",
    "kernels": "lightmed.kernels/3",
    "mfp": "lightmed.mfp/3",
    "mfp_model": "lightmed.mfp_model/3",
    "diffusion": "lightmed.diffusion/2",
    "bounds": "lightmed.bounds/2",
    "fluxes": "lightmed.fluxes/1",
    "rates": "lightmed.rates/2",
    "sensitivity": "lightmed.sensitivity/1",
    "constraints": "lightmed.constraints/1",
}

#: Variables every artifact of a stage must carry (the public interface of artifacts.md).
REQUIRED_VARIABLES: dict[str, tuple[str, ...]] = {
    "profiles": ("r_outer", "r_inner", "temperature", "baryon_density", "lepton_fraction"),
    "rmf": (
        "effective_mass",
        "effective_mass_n",
        "effective_mass_p",
        "mu_n_eff",
        "mu_p_eff",
        "mu_n",
        "mu_p",
        "mu_e",
        "mu_nu",
        "proton_fraction",
        "neutrino_fraction",
        "solver_residual",
    ),
    "constraints": (
        "coupling_bound",
        "interval_lower",
        "interval_upper",
        "best_fit",
        "neg2dlnl",
        "neg2dlnl_sm",
    ),
}

REFERENCES = {
    "C21": "arXiv:2106.11660 (Cerdeno, Cermeno, Perez-Garcia, Reid 2021)",
    "ST21": "arXiv:2010.14545 (Suliga, Tamborra 2021)",
    "TM1": "Sugahara & Toki, Nucl. Phys. A 579 (1994) 557",
}


def params_hash(params: Any) -> str:
    """Short, stable hash of a rule's parameters (JSON with sorted keys)."""
    blob = json.dumps(params, sort_keys=True, default=_json_default, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def json_attr(obj: Any) -> str:
    """A structured attribute (a parameter set, an upstream file's attributes) as JSON text,
    keys in their own order: readable by any NetCDF tool and by ``json.loads``, unlike a
    Python ``repr``."""
    return json.dumps(obj, default=_json_default)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, Mapping):
        return dict(obj)
    return str(obj)


def history_line(rule: str, wildcards: Mapping[str, Any] | None, params: Any) -> str:
    """One ``history`` line: UTC time, rule, wildcards, params hash, version."""
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    wc = ",".join(f"{k}={v}" for k, v in sorted(dict(wildcards or {}).items()))
    digest = params_hash(params)
    return f"{now} lightmed {__version__} rule={rule} wildcards=[{wc}] params_sha256={digest}"


def _check_metadata(ds: xr.Dataset, path: str | os.PathLike) -> None:
    missing = []
    for name, var in {**ds.coords, **ds.data_vars}.items():
        for attr in ("units", "long_name"):
            if attr not in var.attrs:
                missing.append(f"{name}.{attr}")
    if missing:
        raise ArtifactError(
            f"refusing to write {path}: missing attributes {', '.join(missing)} "
            "(every variable and coordinate needs 'units' and 'long_name')"
        )
    gaps = [
        name
        for name in ds.dims
        if name in ds.coords
        and np.issubdtype(ds[name].dtype, np.floating)
        and not np.isfinite(ds[name].values).all()
    ]
    if gaps:
        raise ArtifactError(
            f"refusing to write {path}: coordinate {', '.join(gaps)} has NaN or infinite "
            "values (a coordinate variable has no missing values, CF-1.10 §5)"
        )


def new_file_mode() -> int:
    """The permission bits ``open(path, "w")`` would give a new file: 0o666 less the umask.

    ``tempfile.mkstemp`` creates its file with 0o600 whatever the umask; a temporary file
    renamed into place gets this mode first, so collaborators on a shared file system can read
    results as they read the CSV tables and figures.
    """
    mask = os.umask(0o022)  # reading the umask means setting it; restored at once
    os.umask(mask)
    return 0o666 & ~mask


def write_artifact(
    ds: xr.Dataset,
    path: str | os.PathLike,
    *,
    stage: str,
    title: str,
    rule: str,
    wildcards: Mapping[str, Any] | None = None,
    params: Any = None,
    references: Iterable[str] = (),
    inputs: Iterable[xr.Dataset] = (),
) -> Path:
    """Write ``ds`` as a self-describing NetCDF4 artifact, atomically.

    Parameters
    ----------
    ds : xarray.Dataset
        Data; every variable and coordinate must carry ``units`` and ``long_name``.
    path : path-like
        Destination ``results/<stage>/...nc``.
    stage : str
        Key of :data:`SCHEMAS`; sets ``lightmed_schema``.
    title, rule : str
        Dataset title and the producing Snakemake rule.
    wildcards, params : mapping, any
        Recorded in the history line (params as a hash).
    references : iterable of str
        Keys of :data:`REFERENCES` or free text.
    inputs : iterable of xarray.Dataset
        Upstream artifacts whose ``history`` lines are carried forward.
    """
    if stage not in SCHEMAS:
        raise ArtifactError(f"unknown stage {stage!r}; known: {', '.join(SCHEMAS)}")
    path = Path(path)
    ds = ds.copy()
    _check_metadata(ds, path)
    lines: list[str] = []
    for upstream in inputs:
        for line in str(upstream.attrs.get("history", "")).splitlines():
            if line and line not in lines:
                lines.append(line)
    lines.append(history_line(rule, wildcards, params))
    refs = [REFERENCES.get(r, r) for r in references]
    ds.attrs.update(
        title=title,
        source=f"lightmed {__version__}",
        references="; ".join(refs),
        Conventions=CONVENTIONS,
        lightmed_schema=SCHEMAS[stage],
        history="\n".join(lines),
    )
    # Every numeric or boolean array (booleans are stored as int8 flags) gets an HDF5
    # Fletcher-32 checksum, so damage is an error when it is read (zlib alone catches most
    # damage in the data variables; coordinates are stored raw); data variables are also
    # compressed.
    # Coordinate variables (a dimension's own coordinate) get no _FillValue: CF allows them no
    # missing values (checked above), and xarray would otherwise declare NaN as their fill.
    encoding = {}
    for name, var in ds.variables.items():
        if (np.issubdtype(var.dtype, np.number) or var.dtype == bool) and var.ndim > 0:
            encoding[name] = {"fletcher32": True}
            if name in ds.data_vars:
                encoding[name].update(zlib=True, complevel=4, shuffle=True)
            elif name in ds.dims and np.issubdtype(var.dtype, np.floating):
                encoding[name]["_FillValue"] = None
    path.parent.mkdir(parents=True, exist_ok=True)
    # a killed earlier attempt of this same job may have left its temporary file behind
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        ds.to_netcdf(tmp, format="NETCDF4", engine="netcdf4", encoding=encoding)
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def read_artifact(
    path: str | os.PathLike,
    *,
    stage: str | None = None,
    required: Iterable[str] | None = None,
    drop: Iterable[str] = (),
) -> xr.Dataset:
    """Load an artifact into memory and check its schema and required variables.

    ``drop``: variables not to read (e.g. the Delta chi2 map of a sensitivity, which the
    figures do not draw: decompressing it is most of the read).

    Raises
    ------
    ArtifactError
        If the file is missing or unreadable, was written for another schema version, or
        lacks a required variable. The message names the file and what to do.
    """
    path = Path(path)
    if not path.exists():
        raise ArtifactError(f"{path}: artifact not found (run the stage that produces it)")
    try:
        ds = xr.load_dataset(path, engine="netcdf4", drop_variables=list(drop) or None)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad artifact
        reason = " ".join(str(exc).split()) or exc.__class__.__name__
        raise ArtifactError(
            f"{path}: not a readable NetCDF artifact ({reason}); it is damaged: delete it and "
            "run the same command again, Snakemake recomputes it and what depends on it"
        ) from exc
    if stage is not None:
        expected = SCHEMAS[stage]
        found = ds.attrs.get("lightmed_schema")
        if found != expected:
            raise ArtifactError(
                f"{path}: lightmed_schema is {found!r}, expected {expected!r}; the file was "
                "written by another lightmed version, delete it and rerun the pipeline"
            )
        if required is None:
            required = REQUIRED_VARIABLES.get(stage, ())
    missing = [name for name in (required or ()) if name not in ds.variables]
    if missing:
        raise ArtifactError(f"{path}: missing required variable(s) {', '.join(missing)}")
    return ds


def with_attrs(da: xr.DataArray, units: str, long_name: str, **extra: Any) -> xr.DataArray:
    """Return ``da`` with ``units`` and ``long_name`` (and any extra attrs) set."""
    da = da.copy()
    da.attrs.update(units=units, long_name=long_name, **extra)
    return da
