"""Rule compute_mfp_model: 1/lambda = A0 + A1(m) g^2 + A2(m) g^4 on a (mass, coupling) grid."""

import numba

from lightmed.io import read_artifact, write_artifact
from lightmed.logs import run_rule
from lightmed.mfp import model_coefficients, model_grid, model_map, parse_form_factors


def main(snakemake, logger):
    numba.set_num_threads(max(1, min(snakemake.threads, numba.config.NUMBA_NUM_THREADS)))
    model = snakemake.wildcards.model
    params = {"mfp": dict(snakemake.params.mfp), "model": dict(snakemake.params.model)}
    masses, couplings = model_grid(params["model"]["grid"])
    kernels = read_artifact(snakemake.input.kernels, stage="kernels")
    coefficients = model_coefficients(
        kernels,
        model,
        masses,
        form_factors=parse_form_factors(params["mfp"].get("form_factors")),
        variant=params["mfp"].get("matrix_elements", "physical"),
    )
    mfp = model_map(coefficients, couplings)
    logger.info("%s: %d masses x %d couplings", model, masses.size, couplings.size)
    mfp.attrs.update(snapshot=snakemake.wildcards.snapshot)
    write_artifact(
        mfp,
        snakemake.output.mfp,
        stage="mfp_model",
        title=f"{model} neutrino mean free paths: {snakemake.wildcards.snapshot}, "
        f"{snakemake.wildcards.nature} neutrinos",
        rule=snakemake.rule,
        wildcards=dict(snakemake.wildcards),
        params=params,
        references=["C21"],
        inputs=[kernels],
    )


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
