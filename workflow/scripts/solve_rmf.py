"""Rule solve_rmf: the nuclear medium of every shell of one snapshot (RMF or the profile's)."""

from lightmed.io import read_artifact, write_artifact
from lightmed.logs import run_rule
from lightmed.rmf import solve_medium
from lightmed.store import reuse_or_compute


def compute(snakemake, logger, params):
    profile = read_artifact(snakemake.input.profile, stage="profiles")
    rmf = solve_medium(profile, **params)
    w = snakemake.wildcards
    logger.info(
        "%d shells, medium %s (%s), max residual %.2e",
        rmf.sizes["shell"],
        params["medium"],
        params["lepton_mode"],
        float(rmf["solver_residual"].max()),
    )
    for name in ("density_residual_n", "density_residual_p"):
        if name in rmf:
            logger.info("%s: %s", name, " ".join(f"{x:+.2e}" for x in rmf[name].values))
    rmf.attrs.update(snapshot=w.snapshot, nature=w.nature)
    write_artifact(
        rmf,
        snakemake.output.rmf,
        stage="rmf",
        title=f"Nuclear medium per shell ({rmf.attrs['rmf_preset']}): {w.snapshot}, "
        f"{w.nature} neutrinos",
        rule=snakemake.rule,
        wildcards=dict(w),
        params=params,
        references=["C21", rmf.attrs["rmf_reference"]],
        inputs=[profile],
    )


def main(snakemake, logger):
    params = dict(snakemake.params.rmf)
    reuse_or_compute(
        snakemake,
        logger,
        lambda: compute(snakemake, logger, params),
        output=snakemake.output.rmf,
        params=params,
    )


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
