"""Rebuild the shipped XENONnT 8B likelihood file from the data release as distributed.

    python resources/constraints/xenonnt_8b/build.py [RELEASE_DIR] [OUT_DIR]

RELEASE_DIR defaults to $LIGHTMED_SHARED_DIR/data/detectors/xenonnt_cevns_2026
(LIGHTMED_SHARED_DIR defaults to ../shared beside the repository, as for the tests; the release
github.com/XENONnT/cevns_data_release @ 60d230d, DOI 10.5281/zenodo.20576156, CC-BY-4.0);
OUT_DIR defaults to this folder. The templates are read with inference_interface (the XENONnT
tool the release names), regrouped into arrays without changing a value (observed events are
binned with the run's binning/*.yaml) and written to xenonnt_8b_templates.nc (zlib). Run it
with PYTHONPATH=workflow from the repository root.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from lightmed.constraints import xenonnt_release as rel

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("LIGHTMED_SHARED_DIR", HERE.parents[2].parent / "shared"))
DEFAULT_RELEASE = SHARED / "data" / "detectors" / "xenonnt_cevns_2026"


def build(release: Path, out_dir: Path) -> Path:
    arrays = rel.read_release(release)
    ds = rel.derived_dataset(
        arrays, source="XENONnT/cevns_data_release @ 60d230d (doi:10.5281/zenodo.20576156)"
    )
    out = out_dir / rel.DERIVED_FILE
    enc = {k: {"zlib": True, "complevel": 9, "shuffle": True} for k in ds.data_vars}
    fd, tmp = tempfile.mkstemp(dir=out_dir, suffix=".nc.tmp")
    os.close(fd)
    ds.to_netcdf(tmp, encoding=enc)
    os.replace(tmp, out)
    back = rel.read_derived(out)
    for k, v in arrays.items():
        if not np.array_equal(back[k], v):
            raise SystemExit(f"{out}: {k} does not read back bit for bit")
    return out


def main(argv: list[str]) -> None:
    release = Path(argv[1]) if len(argv) > 1 else DEFAULT_RELEASE
    out_dir = Path(argv[2]) if len(argv) > 2 else HERE
    out = build(release, out_dir)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main(sys.argv)
