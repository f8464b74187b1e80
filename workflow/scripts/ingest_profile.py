"""Rule ingest_profile: read a shell table or radial snapshot, write the profile artifact."""

from lightmed.io import write_artifact
from lightmed.logs import run_rule
from lightmed.profiles import load_snapshot


def main(snakemake, logger):
    params = dict(snakemake.params.ingest)
    spec = dict(params["snapshot"])
    profile = load_snapshot(
        {**spec, "path": snakemake.input.source},
        neutrino_degeneracy=params["neutrino_degeneracy"],
    )
    logger.info(
        "%d shells from %s (%s)",
        profile.sizes["shell"],
        snakemake.input.source,
        spec.get("format", "shell_table"),
    )
    profile.attrs["snapshot"] = snakemake.wildcards.snapshot
    profile.attrs["description"] = spec.get("description", "")
    write_artifact(
        profile,
        snakemake.output.profile,
        stage="profiles",
        title=f"SN shell profile {snakemake.wildcards.snapshot}",
        rule=snakemake.rule,
        wildcards=dict(snakemake.wildcards),
        params=params,
        references=["C21"],
    )


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
