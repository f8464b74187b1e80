"""The SN-core stage in real runs: today's [C21] numbers, and README "Using your own SN
profile" run as written on a Garching profile from ../shared.

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

pytestmark = pytest.mark.slow


def readme_recipe() -> tuple[str, str]:
    """(yaml text, command) of the README recipe."""
    text = (REPO / "README.md").read_text()
    section = text[text.index("## Using your own SN profile") :]
    block = re.search(r"own-profile-recipe.*?```yaml\n(.*?)```", section, flags=re.S)
    command = re.search(r"Run `(snakemake [^`]+)`", section)
    assert block and command, "README recipe not found"
    return "\n".join(line[3:] for line in block.group(1).splitlines()), command.group(1)


@pytest.mark.requires_shared_data
def test_readme_own_profile_recipe(pipeline, tmp_path):
    recipe, command = readme_recipe()
    overlay = yaml.safe_load(recipe)
    ((name, spec),) = overlay["snapshots"].items()
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
        dt = (
            mine["coupling_bound"]
            .sel(criterion="dt_10s")
            .where(mine["headline"].sel(criterion="dt_10s"))
        )
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


#: [C21] shell-method bounds of the default pipeline before this round (lightmed at commit
#: b4a78f3; results/bounds/sn_core_{model}.nc) at m = 0.01, 3.162, 1000 MeV, on the paired
#: snapshot, E = mu_nu + pi T, total rate. A change needs a physics justification.
PINNED_PIPELINE = {
    ("bl_vector", "dt_10s"): [8.400211588299369e-06, 0.00014826601021782534, 0.006849417036037161],
    ("bl_vector", "dt_2sm"): [
        5.7727077927820555e-06,
        0.00010065682938583531,
        0.0040116681013940714,
    ],
    ("lnc_scalar", "nur_conversion"): [
        2.4664836618476423e-06,
        3.0786735307123752e-06,
        2.4992787191569966e-05,
    ],
    ("lnc_scalar", "nur_retrapping"): [
        9.93734996937128e-05,
        0.0001251645263300094,
        0.0011487401347078775,
    ],
}


@pytest.mark.parametrize(("model", "criterion"), list(PINNED_PIPELINE))
def test_default_pipeline_reproduces_todays_c21_bounds(pipeline, model, criterion):
    """The [C21] selection of the new artifacts equals the previous artifacts (<= 1e-10)."""
    b = xr.open_dataset(pipeline / "results" / "bounds" / f"sn_core_{model}.nc")
    snap = "c21_t5s" if criterion == "dt_10s" else "c21_t1s"
    sel = {"criterion": criterion, "snapshot": snap, "energy_choice": "mu_nu_plus_pi_T"}
    if "weighting" in b.dims:
        sel["weighting"] = "total"
    if "medium" in b.dims:
        sel["medium"] = str(b["headline_medium"].sel(snapshot=snap).values)
    got = (
        b["coupling_bound"].sel(sel).sel(mass=[0.01, 3.1622776601683795, 1000.0], method="nearest")
    )
    np.testing.assert_allclose(got.values, PINNED_PIPELINE[model, criterion], rtol=1e-10)
