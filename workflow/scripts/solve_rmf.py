"""Rule solve_rmf: TM1 finite-temperature mean field for every shell of one snapshot."""

from lightmed.io import read_artifact, write_artifact
from lightmed.logs import run_rule
from lightmed.rmf import solve_profile
from lightmed.store import reuse_or_compute


def compute(snakemake, logger, params):
    profile = read_artifact(snakemake.input.profile, stage="profiles")
    rmf = solve_profile(profile, **params)
    logger.info(
        "solved %d shells (%s, preset %s), max residual %.2e",
        rmf.sizes["shell"],
        params["lepton_mode"],
        params["preset"],
        float(rmf["solver_residual"].max()),
    )
    rmf.attrs.update(snapshot=snakemake.wildcards.snapshot, nature=snakemake.wildcards.nature)
    write_artifact(
        rmf,
        snakemake.output.rmf,
        stage="rmf",
        title=f"TM1 mean field per shell: {snakemake.wildcards.snapshot}, "
        f"{snakemake.wildcards.nature} neutrinos",
        rule=snakemake.rule,
        wildcards=dict(snakemake.wildcards),
        params=params,
        references=["C21", "TM1"],
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
