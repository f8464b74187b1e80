"""Rule compute_mfp: SM in-medium and vacuum-like mean free paths ([C21] Eq. 19)."""

from lightmed.io import read_artifact, write_artifact
from lightmed.logs import run_rule
from lightmed.mfp import parse_form_factors, sm_rates


def main(snakemake, logger):
    params = dict(snakemake.params.mfp)
    kernels = read_artifact(snakemake.input.kernels, stage="kernels")
    mfp = sm_rates(
        kernels,
        form_factors=parse_form_factors(params.get("form_factors")),
        variant=params.get("matrix_elements", "physical"),
    )
    for choice in mfp["energy_choice"].values:
        for species in mfp["species"].values:
            for weighting in mfp["weighting"].values:
                lam = mfp["lambda_sm"].sel(
                    energy_choice=choice, species=species, weighting=weighting
                )
                logger.info(
                    "lambda_SM %s %s %s [m]: %s",
                    choice,
                    species,
                    weighting,
                    " ".join(f"{x:.4g}" for x in lam.values),
                )
    mfp.attrs.update(snapshot=snakemake.wildcards.snapshot)
    write_artifact(
        mfp,
        snakemake.output.mfp,
        stage="mfp",
        title=f"SM neutrino mean free paths: {snakemake.wildcards.snapshot}, "
        f"{snakemake.wildcards.nature} neutrinos",
        rule=snakemake.rule,
        wildcards=dict(snakemake.wildcards),
        params=params,
        references=["C21"],
        inputs=[kernels],
    )


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
