"""The SN-core stage in one job: diffusion maps, shell-method and radial-method bounds.

:func:`run_sn_core` is what rule ``compute_sn_core`` runs (its script only unpacks Snakemake):
for every model of the plan (:func:`lightmed.smk.diffusion.sn_core_plan`) it writes

* ``results/diffusion/{model}.nc`` (applicable models): Delta t maps and coefficients on every
  snapshot (:mod:`lightmed.diffusion`);
* ``results/bounds/sn_core_{model}.{nc,csv}``: every [C21] criterion on every snapshot, with
  the pairing/headline flags (:mod:`lightmed.sn_core`), or the "not applicable" entry;
* ``results/bounds/sn_core_radial_{model}.{nc,csv}``: the [ST21] radial method on every radial
  profile (:mod:`lightmed.radial`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .bounds import write_bounds_csv
from .diffusion import combine_snapshots, snapshot_diffusion
from .io import read_artifact, write_artifact
from .models import model_from_config
from .profiles import garching_profile
from .radial import (
    combine_profiles,
    mass_grid,
    radial_bounds,
    radial_profile_from_garching,
    radial_profile_from_shells,
)
from .sn_core import garching_time_s, not_applicable_bounds, sn_core_bounds

#: Criteria whose evaluation needs the nu_R sums ([C21] Eqs. 24-27).
NU_R_CRITERIA = ("nur_conversion", "nur_retrapping", "eos_indicative")


def snapshot_times(plan: Mapping[str, Any], headers: Sequence[str]) -> dict[str, float | None]:
    """t_pb [s] per snapshot: config ``time_s``, else the Garching header, else None."""
    from_file = dict(zip(plan["garching_snapshots"], headers, strict=True))
    out = {}
    for name, spec in plan["snapshots"].items():
        t = spec.get("time_s")
        if t is None and name in from_file:
            t = garching_time_s(from_file[name])
        out[name] = None if t is None else float(t)
    return out


def run_sn_core(
    plan: Mapping[str, Any],
    inputs: Mapping[str, Sequence[str]],
    outputs: Mapping[str, Sequence[str]],
    logger: logging.Logger,
    *,
    rule: str = "compute_sn_core",
) -> None:
    """Compute and write every SN-core product of the plan (module docstring).

    Parameters
    ----------
    plan : mapping
        :func:`lightmed.smk.diffusion.sn_core_plan`.
    inputs : mapping
        File lists ``mfp_model``, ``mfp_sm``, ``profiles``, ``rmf``, ``radial_files``,
        ``garching_headers`` in plan order.
    outputs : mapping
        File lists ``diffusion`` (applicable models), ``bounds``, ``table``, ``radial``,
        ``radial_table`` (every model), in plan order.
    """
    models = {name: model_from_config(name, entry) for name, entry in plan["models"].items()}
    skip = dict(plan["not_applicable"])
    times = snapshot_times(plan, inputs["garching_headers"])
    settings = dict(plan["diffusion"])
    profiles = {
        s: read_artifact(f, stage="profiles")
        for s, f in zip(plan["snapshots"], inputs["profiles"], strict=True)
    }
    mfp_sm = {
        tuple(k): read_artifact(f, stage="mfp", required=("lambda_sm",))
        for k, f in zip(plan["mfp_sm"], inputs["mfp_sm"], strict=True)
    }
    mfp_files = {tuple(k): f for k, f in zip(plan["mfp_model"], inputs["mfp_model"], strict=True)}
    out_diff = dict(zip([m for m in models if m not in skip], outputs["diffusion"], strict=True))
    for i, (name, model) in enumerate(models.items()):
        bounds_path, table_path = outputs["bounds"][i], outputs["table"][i]
        if name in skip:
            grid = plan["masses_not_applicable"][name]
            masses = np.geomspace(grid["min"], grid["max"], grid["num"])
            bounds = not_applicable_bounds(
                model, skip[name], list(plan["snapshots"]), masses, settings, times
            )
            logger.warning("%s: SN-core shell method not applicable: %s", name, skip[name])
            upstream = []
        else:
            per, upstream = {}, []
            for _, snap, medium in (k for k in plan["mfp_model"] if k[0] == name):
                f = mfp_files[name, snap, medium]
                mfp = read_artifact(f, stage="mfp_model", required=("lambda",))
                sm = mfp_sm[model.nature, snap, medium]
                key = snap if medium is None else (snap, medium)
                per[key] = snapshot_diffusion(
                    mfp,
                    profiles[snap],
                    sm,
                    source=str(f),
                    nu_r_sums=any(c in model.criteria for c in NU_R_CRITERIA),
                )
                upstream += [mfp, sm, profiles[snap]]
                logger.info(
                    "%s %s%s: Delta t_SM = %s s",
                    name,
                    snap,
                    "" if medium is None else f" ({medium})",
                    per[key]["diffusion_time_sm"].round(4).values.tolist(),
                )
            diffusion = combine_snapshots(per)
            diffusion.attrs.update(model=name, snapshots=",".join(plan["snapshots"]))
            write_artifact(
                diffusion,
                out_diff[name],
                stage="diffusion",
                title=f"Neutrino diffusion time through the SN shells: {name}",
                rule=rule,
                wildcards={"model": name},
                params=settings,
                references=["C21"],
                inputs=upstream,
            )
            bounds = sn_core_bounds(
                diffusion, model, settings, times, headline_media=plan["headline_media"]
            )
            _log_bounds(logger, name, bounds)
        write_artifact(
            bounds,
            bounds_path,
            stage="bounds",
            title=f"SN-core bounds ([C21] shell method): {model.title}",
            rule=rule,
            wildcards={"model": name},
            params=settings,
            references=["C21"],
            inputs=upstream,
        )
        write_bounds_csv(
            bounds,
            table_path,
            [
                f"model {name} ({model.title}); species {settings['observed_species']}; [C21] "
                "arXiv:2106.11660 Eqs. 21-26 shell method",
                f"netCDF twin: {bounds_path}",
            ],
            extra=("headline",),
        )
    _run_radial(plan, inputs, outputs, models, profiles, times, logger, rule)


def _run_radial(plan, inputs, outputs, models, profiles, times, logger, rule) -> None:
    cfg = dict(plan["radial"])
    masses = mass_grid(cfg["mass_mev"])
    radial, upstream = {}, []
    for name, f_rmf in zip(plan["radial_shells"], inputs["rmf"], strict=True):
        rmf = read_artifact(f_rmf, stage="rmf")
        radial[name] = radial_profile_from_shells(profiles[name], rmf, name)
        upstream += [profiles[name], rmf]
    for name, path in zip(plan["radial_files"], inputs["radial_files"], strict=True):
        radial[name] = radial_profile_from_garching(garching_profile(Path(path)), name)
        if times.get(name) is None:
            times[name] = garching_time_s(path)
    order = [n for n in plan["radial_order"] if n in radial]
    for i, (name, model) in enumerate(models.items()):
        per = {p: radial_bounds(radial[p], model, masses, cfg, times.get(p)) for p in order}
        for p, ds in per.items():
            logger.info(
                "%s %s: R1 = %.2f km, R2 = %.2f km, tau_SM %s = %s s",
                name,
                p,
                float(ds["r1_km"]),
                float(ds["r2_km"]),
                ds["flavour"].values.tolist(),
                ds["tau_sm"].round(3).values.tolist(),
            )
        out = combine_profiles(per)
        out.attrs.update(model=name, method="[ST21] radial method (physics.md 4.3)")
        write_artifact(
            out,
            outputs["radial"][i],
            stage="bounds",
            title=f"SN-core bounds ([ST21] radial method): {model.title}",
            rule=rule,
            wildcards={"model": name},
            params=cfg,
            references=["ST21", "C21", "Bruenn 1985, ApJS 58, 771"],
            inputs=upstream,
        )
        write_bounds_csv(
            out,
            outputs["radial_table"][i],
            [
                f"model {name} ({model.title}); [ST21] arXiv:2010.14545 radial method (tau, N)",
                f"netCDF twin: {outputs['radial'][i]}",
            ],
        )


def _log_bounds(logger: logging.Logger, name: str, bounds) -> None:
    for crit in bounds["criterion"].values:
        b = (
            bounds["coupling_bound"]
            .sel(criterion=crit)
            .where(bounds["headline"].sel(criterion=crit))
        )
        finite = b.values[np.isfinite(b.values)]
        logger.info(
            "%s %s (headline): %d bounds in [%s], %d entries with 2+ intervals",
            name,
            crit,
            finite.size,
            f"{finite.min():.3g}, {finite.max():.3g}" if finite.size else "-",
            int((bounds["n_intervals"].sel(criterion=crit) > 1).sum()),
        )
        if bool(
            (bounds["sm_fails"].sel(criterion=crit) & bounds["headline"].sel(criterion=crit)).any()
        ):
            logger.warning(
                "%s: the SM alone already violates %s on a quoted snapshot (bound reported as 0)",
                name,
                crit,
            )
