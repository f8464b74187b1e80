"""Content-addressed artifact store: reuse expensive artifacts across workflow directories.

Snakemake's between-workflow output cache (``--cache``, ``SNAKEMAKE_OUTPUT_CACHE``) works for
local runs but is silently ignored under the SLURM executor (Snakemake 9). For cluster users
the expensive, reusable rules (``solve_rmf``, ``compute_kernels``) also look into a store
directory on a shared file system, set by ``execution.artifact_store`` in the config (exported
to every job as ``LIGHTMED_ARTIFACT_STORE``). The key is a SHA-256 of

- the rule name and the lightmed version,
- the rule's ``params`` (JSON, sorted keys),
- the *numerical content* of every input artifact (names, dims, dtypes and values of all
  variables and coordinates; attributes such as the time-stamped ``history`` are excluded, so
  identical physics from another workflow directory gives the same key).

A hit copies the stored file to the output (atomically) and the job ends in seconds; a miss
computes as usual and then publishes the output to the store (write to a temporary name, then
rename, so concurrent jobs never see a partial file).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__

# xarray (and lightmed.io, which needs it) are imported where used: the Snakefile imports
# STORE_ENV when it parses, and xarray would add 0.15 s to every Snakemake start.
STORE_ENV = "LIGHTMED_ARTIFACT_STORE"


def dataset_digest(path: str | os.PathLike) -> str:
    """SHA-256 of a NetCDF file's numerical content (attributes excluded)."""
    import xarray as xr

    h = hashlib.sha256()
    with xr.open_dataset(path, engine="netcdf4") as ds:
        for name in sorted(map(str, ds.variables)):
            var = ds.variables[name]
            values = np.ascontiguousarray(var.values)
            h.update(name.encode())
            h.update(repr((var.dims, str(values.dtype), values.shape)).encode())
            if values.dtype.kind in "OUS":
                h.update("\x1f".join(map(str, values.ravel())).encode())
            else:
                h.update(values.tobytes())
    return h.hexdigest()


def store_key(rule: str, params: Any, inputs: Iterable[str | os.PathLike]) -> str:
    """Content key of a job: rule, lightmed version, params and input artifact contents."""
    from .io import _json_default

    h = hashlib.sha256()
    h.update(f"{rule}\x1e{__version__}\x1e".encode())
    h.update(json.dumps(params, sort_keys=True, default=_json_default).encode())
    for path in sorted(map(str, inputs)):
        h.update(dataset_digest(path).encode())
    return h.hexdigest()


def _copy_atomic(src: Path, dest: Path) -> None:
    from .io import new_file_mode

    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class ArtifactStore:
    """A directory of artifacts named by their content key."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    @classmethod
    def from_environment(cls) -> ArtifactStore | None:
        """The store named by ``$LIGHTMED_ARTIFACT_STORE``, or None when unset."""
        root = os.environ.get(STORE_ENV)
        return cls(root) if root else None

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.nc"

    def fetch(self, key: str, output: str | os.PathLike) -> bool:
        """Copy the stored artifact to ``output``; False if the store has none."""
        stored = self.path(key)
        if not stored.exists():
            return False
        _copy_atomic(stored, Path(output))
        return True

    def publish(self, key: str, output: str | os.PathLike) -> Path:
        """Put ``output`` into the store (no-op if another job already did)."""
        stored = self.path(key)
        if not stored.exists():
            _copy_atomic(Path(output), stored)
        return stored


def reuse_or_compute(
    snakemake: Any,
    logger: logging.Logger,
    compute,
    *,
    output: str,
    params: Mapping[str, Any] | Any,
) -> None:
    """Run ``compute()`` unless the store already holds this job's artifact.

    Without a configured store this is just ``compute()``.
    """
    store = ArtifactStore.from_environment()
    if store is None:
        compute()
        return
    key = store_key(snakemake.rule, params, list(snakemake.input))
    if store.fetch(key, output):
        logger.info("reused %s from the artifact store %s (key %s)", output, store.root, key)
        return
    compute()
    stored = store.publish(key, output)
    logger.info("published %s to the artifact store as %s", output, stored)
