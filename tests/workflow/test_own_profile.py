"""README "Using your own SN profile", run as written on a Garching profile from ../shared.

The recipe's YAML block is read from the README itself (the block after the
``own-profile-recipe`` marker), written to ``my_profile.yaml`` next to ``config/`` and run with
the README's command on a copy of the finished default pipeline; the SN-core products must
then carry the profile under its own name with labels that state its own time.
"""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from helpers import REPO, SHARED, run_snakemake

pytestmark = [pytest.mark.slow, pytest.mark.requires_shared_data]


def readme_recipe() -> tuple[str, str]:
    """(yaml text, command) of the README recipe."""
    text = (REPO / "README.md").read_text()
    section = text[text.index("## Using your own SN profile"):]
    block = re.search(r"own-profile-recipe.*?```yaml\n(.*?)```", section, flags=re.S)
    command = re.search(r"Run `(snakemake [^`]+)`", section)
    assert block and command, "README recipe not found"
    return "\n".join(line[3:] for line in block.group(1).splitlines()), command.group(1)


def test_readme_own_profile_recipe(pipeline, tmp_path):
    recipe, command = readme_recipe()
    overlay = yaml.safe_load(recipe)
    (name, spec), = overlay["snapshots"].items()
    work = tmp_path / "work"
    (tmp_path / "shared").symlink_to(SHARED.resolve())
    if not (work.parent / spec["path"].removeprefix("../")).exists():
        pytest.skip(f"{spec['path']} not present")
    shutil.copytree(pipeline, work, symlinks=True)
    (work / "my_profile.yaml").write_text(recipe)
    args = command.split()[1:]
    assert args[:2] == ["--cores", "2"]
    run_snakemake(work, *args[2:])

    for model in ("bl_vector", "lnc_scalar", "lnv_scalar"):
        b = xr.open_dataset(work / "results" / "bounds" / f"sn_core_{model}.nc")
        assert name in b["snapshot"].values
        mine = b.sel(snapshot=name)
        label = str(mine["snapshot_label"].values)
        assert label == f"{name} (t_pb = 0.999 s)", label
        for desc in mine["criterion_description"].values:
            assert f"on {label}" in str(desc) and "t~5" not in str(desc)
        assert bool(mine["paired"].all()), "an unpaired profile quotes every criterion"
        dt = mine["coupling_bound"].sel(criterion="dt_10s").where(mine["headline"].sel(
            criterion="dt_10s"))
        assert np.isfinite(dt).any() and bool((dt.fillna(1.0) > 0).all())
        # the shipped pairing is untouched
        assert not bool(b["paired"].sel(criterion="dt_10s", snapshot="c21_t1s"))
        table = pd.read_csv(work / "results" / "bounds" / f"sn_core_{model}.csv", comment="#")
        assert (table["snapshot"] == name).sum() > 0

        radial = xr.open_dataset(work / "results" / "bounds" / f"sn_core_radial_{model}.nc")
        profiles = list(radial["snapshot"].values)
        assert name in profiles and len(set(radial["snapshot_label"].values)) == len(profiles)
        tau = radial["coupling_bound"].sel(criterion="tau_10s")
        assert not np.allclose(tau.sel(snapshot=name), tau.sel(snapshot="c21_t1s"))
        assert 7.0 < float(radial["r1_km"].sel(snapshot=name)) < 9.0  # eta = 1 near 8 km
    assert (work / "results" / "figures" / "sn_core_bounds_bl_vector.png").stat().st_size > 0
