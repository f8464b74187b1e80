"""Rule helpers for the profiles and rmf stages, and the ``{medium}`` dimension.

Every snapshot is solved in each of its nuclear media (config ``rmf.media``, or the
snapshot's own ``media:`` list); the first medium of a snapshot is its *headline* medium,
the one the SN-core bounds use.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import ConfigError

#: Medium keys (the {medium} wildcard) = lightmed.rmf.MEDIA and the schema's enum (a test
#: keeps the three equal); a literal here so the Snakefile does not import the numba kernels.
MEDIA: tuple[str, ...] = ("tm1", "c21", "nl3", "dd2", "profile")

#: Scheduling priorities (Snakemake ``priority:``; unlisted rules have 0). The SN-core chain
#: (ingest_profile -> solve_rmf -> compute_kernels -> compute_mfp(_model) -> compute_sn_core ->
#: plot_sn_core) is the longest dependency path of the default pipeline, so it starts first
#: and the detector stages fill the other cores; a real-data limit is one long job per
#: experiment, started early so that it does not run alone at the end. The figure rules, which
#: a figure-style change reruns all at once, start longest first, so that the last job to start
#: is a short one: plot_rates, plot_sensitivity_comparison and plot_summary (3.5-4.5 s each in
#: the default run, with the process start), then plot_fluxes (2.7 s), then the others (2 s).
PRIORITY: dict[str, int] = {
    "sn_core_chain": 20,
    "constraints": 10,
    "figure_long": 2,
    "figure_medium": 1,
}

#: Profile columns a shell table needs for medium ``profile`` (profiles.SHELL_COLUMNS names).
_PROFILE_MEDIUM_COLUMNS = (
    "mu_nu_mev",
    "mu_e_mev",
    "mu_n_mev",
    "mu_p_mev",
    "potential_n_mev",
    "potential_p_mev",
    "effective_mass_n_mev",
    "effective_mass_p_mev",
    "electron_fraction",
)


def snapshot_file(config: dict, snapshot: str) -> str:
    """Path of a snapshot's input file, as configured.

    Relative paths stay relative (to the working directory, which is the workflow directory
    unless ``--directory`` says otherwise): an absolute path would differ between copies of
    the workflow and make Snakemake rerun everything ("set of input files has changed").
    """
    return config["snapshots"][snapshot]["path"]


def snapshot_shells(config: dict, snapshot: str) -> int:
    """Number of shells of a snapshot (what the RMF and kernel costs grow with): the rows of a
    shell table, or the ``shells`` of a Garching profile; 8 when the file is unreadable (the
    ingest job then reports it)."""
    entry = config["snapshots"][snapshot]
    if entry.get("format", "shell_table") == "garching_profile":
        shells = entry.get("shells") or {}
        if shells.get("radii_km"):
            return len(shells["radii_km"])
        return int(shells.get("n_shells", 8))
    try:
        with open(entry["path"]) as fh:
            rows = [line for line in fh if line.strip() and not line.lstrip().startswith("#")]
        return max(len(rows) - 1, 1)
    except OSError:
        return 8


def snapshot_media(config: dict, snapshot: str) -> list[str]:
    """Media of one snapshot: its own ``media:`` list, else ``rmf.media`` (first = headline)."""
    return list(config["snapshots"][snapshot].get("media") or config["rmf"]["media"])


def headline_medium(config: dict, snapshot: str) -> str:
    """The medium whose mean free paths the SN-core bounds of ``snapshot`` use."""
    return snapshot_media(config, snapshot)[0]


def media_constraint() -> str:
    """Wildcard constraint of ``{medium}``: every known medium key."""
    return "|".join(sorted(MEDIA, key=len, reverse=True))


def ingest_params(config: dict, snapshot: str) -> dict[str, Any]:
    """What ingesting one snapshot depends on: its block and, for radial profiles, g_nu.

    A shell table does not depend on ``rmf.neutrino_degeneracy`` (None), so changing it
    reruns only the radial snapshots' ingestion (their Y_nu, hence Y_L, use it).
    """
    spec = config["snapshots"][snapshot]
    radial = spec.get("format", "shell_table") == "garching_profile"
    return {
        "snapshot": spec,
        "neutrino_degeneracy": config["rmf"]["neutrino_degeneracy"] if radial else None,
    }


def rmf_params(config: dict, medium: str, nature: str) -> dict[str, Any]:
    """What the rmf artifact of one medium and nature depends on (and nothing else)."""
    rmf = config["rmf"]
    params: dict[str, Any] = {
        "medium": medium,
        "neutrino_degeneracy": rmf["neutrino_degeneracy"],
        "lepton_mode": rmf["lepton_mode"][nature],
    }
    if medium == "profile":
        params["profile_mu_eff"] = rmf["profile_mu_eff"]
    else:
        params.update(overrides=rmf["overrides"], tolerance=rmf["tolerance"])
    return params


def medium_targets(
    config: dict, pattern: str, natures: Iterable[str] | None = None, **extra: str
) -> list[str]:
    """``pattern`` formatted for every snapshot x its media (x nature, x ``extra`` fields)."""
    natures = list(config["natures"] if natures is None else natures)
    return [
        pattern.format(snapshot=snapshot, medium=medium, nature=nature, **extra)
        for snapshot in config["snapshots"]
        for medium in snapshot_media(config, snapshot)
        for nature in natures
    ]


def _shell_table_columns(path: str) -> list[str] | None:
    """Header columns of a shell table (None if unreadable: ingestion reports it)."""
    try:
        with open(path) as fh:
            for line in fh:
                stripped = line.strip()
                if stripped and not stripped.startswith("#"):
                    return [c.strip() for c in stripped.split(",")]
    except OSError:
        return None
    return None


def check_media(config: dict) -> None:
    """Medium ``profile`` needs the snapshot's own medium; refuse it for snapshots without.

    A ``garching_profile`` snapshot always has it; a shell table must carry the columns of
    ``_PROFILE_MEDIUM_COLUMNS`` (checked on its header when the file exists).

    Raises
    ------
    ConfigError
        One line naming the snapshot and what to change.
    """
    for name, spec in config.get("snapshots", {}).items():
        media = spec.get("media") or config.get("rmf", {}).get("media", [])
        if "profile" not in media or spec.get("format", "shell_table") == "garching_profile":
            continue
        key = f"snapshots.{name}.media" if spec.get("media") else "rmf.media"
        path = spec.get("path", "")
        columns = _shell_table_columns(path) if Path(path).is_file() else None
        if columns is None:
            continue  # a missing file is reported, with its name, when it is ingested
        missing = [c for c in _PROFILE_MEDIUM_COLUMNS if c not in columns]
        if missing:
            raise ConfigError(
                f"config: {key} asks for medium 'profile' for snapshot {name}, but its shell "
                f"table {path} has no simulation medium (missing {', '.join(missing)}); use an "
                f"RMF medium ({', '.join(m for m in MEDIA if m != 'profile')}) or a "
                "garching_profile snapshot"
            )


class StageTargets:
    """The products each rule file registers for ``rule all``; :meth:`all` builds its input.

    Every ``workflow/rules/*.smk`` ends with ``TARGETS.add("<stage>", ...)`` for what a
    default run must produce, so adding a stage is one line in its own rule file and the
    Snakefile's ``rule all`` never changes. Targets are strings, lists, Snakemake named lists
    or dicts (their values); :meth:`all` orders them by pipeline stage and drops duplicates.
    """

    #: Pipeline order of the stages (any other stage follows, in order of registration).
    ORDER: tuple[str, ...] = (
        "profiles",
        "rmf",
        "kernels",
        "mfp",
        "sn_core",
        "fluxes",
        "rates",
        "sensitivity",
        "constraints",
        "figures",
    )

    def __init__(self) -> None:
        self._by_stage: dict[str, list[str]] = {}

    def add(self, stage: str, *targets: Any) -> None:
        """Register ``targets`` (nested lists, named lists, dict values) under ``stage``."""
        bucket = self._by_stage.setdefault(stage, [])
        for item in targets:
            bucket.extend(_flatten(item))

    def all(self) -> list[str]:
        """Every registered target, in stage order, each once."""
        rank = {stage: i for i, stage in enumerate(self.ORDER)}
        stages = sorted(self._by_stage, key=lambda s: rank.get(s, len(rank)))
        return list(dict.fromkeys(t for s in stages for t in self._by_stage[s]))


def _flatten(item: Any) -> list[str]:
    if isinstance(item, str | os.PathLike):
        return [os.fspath(item)]
    if isinstance(item, dict):
        item = item.values()
    out: list[str] = []
    for sub in item:
        out.extend(_flatten(sub))
    return out
