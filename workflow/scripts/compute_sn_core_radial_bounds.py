"""Rule compute_sn_core_radial_bounds: [ST21] radial-method bounds on shells and radial files."""

from pathlib import Path

from lightmed.diffusion import write_bounds_csv
from lightmed.io import read_artifact, write_artifact
from lightmed.logs import run_rule
from lightmed.profiles import garching_profile
from lightmed.radial import (
    combine_profiles,
    mass_grid,
    radial_bounds,
    radial_profile_from_garching,
    radial_profile_from_shells,
)


def main(snakemake, logger):
    model = snakemake.wildcards.model
    cfg = dict(snakemake.params.radial)
    masses = mass_grid(cfg["mass_mev"])
    profiles, upstream = {}, []
    for name, f_prof, f_rmf in zip(cfg["snapshots"], snakemake.input.profiles,
                                   snakemake.input.rmf, strict=True):
        shells, rmf = read_artifact(f_prof, stage="profiles"), read_artifact(f_rmf, stage="rmf")
        profiles[name] = radial_profile_from_shells(shells, rmf, name)
        upstream += [shells, rmf]
    for name, path in zip(cfg["garching_profiles"], snakemake.input.radial, strict=True):
        profiles[name] = radial_profile_from_garching(garching_profile(Path(path)), name)
    per = {}
    for name, prof in profiles.items():
        per[name] = radial_bounds(prof, model, masses, cfg)
        logger.info("%s: R1 = %.2f km, R2 = %.2f km, tau_SM (nu_e, nubar_e, nu_x) = %s s", name,
                    float(per[name]["r1_km"]), float(per[name]["r2_km"]),
                    per[name]["tau_sm"].round(3).values.tolist())
    out = combine_profiles(per)
    out.attrs.update(model=model, method="[ST21] radial method (physics.md 4.3)")
    write_artifact(
        out, snakemake.output.bounds, stage="bounds",
        title=f"SN-core bounds ([ST21] radial method): {model}",
        rule=snakemake.rule, wildcards=dict(snakemake.wildcards), params=cfg,
        references=["ST21", "C21", "Bruenn 1985, ApJS 58, 771"], inputs=upstream,
    )
    write_bounds_csv(out, snakemake.output.table,
                     [f"model {model}; [ST21] arXiv:2010.14545 radial method (tau, N)"])


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
