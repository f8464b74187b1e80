"""Rule compute_kernels: mediator-independent kernels K0, K1, K2 per shell (physics.md §3.3)."""

import numba

from lightmed.io import read_artifact, write_artifact
from lightmed.kernels import compute_kernels
from lightmed.logs import run_rule
from lightmed.store import reuse_or_compute


def compute(snakemake, logger, params):
    numba.set_num_threads(max(1, min(snakemake.threads, numba.config.NUMBA_NUM_THREADS)))
    nature = snakemake.wildcards.nature
    rmf = read_artifact(snakemake.input.rmf, stage="rmf")
    rmf_dirac = (
        read_artifact(snakemake.input.rmf_dirac, stage="rmf") if nature == "majorana" else None
    )
    kernels = compute_kernels(rmf, nature=nature, rmf_dirac=rmf_dirac, **params)
    if "spectral_energy" in kernels:
        logger.info(
            "Rosseland: %d energy nodes per shell, moments at %d mediator masses",
            kernels.sizes["energy_node"],
            kernels.sizes["spectral_mass"],
        )
    logger.info(
        "%d shells, energy choices %s, up to %d (q0, |q|) nodes per shell (refinement %s)",
        kernels.sizes["shell"],
        list(kernels["energy_choice"].values),
        kernels.sizes["node"],
        params.get("refinement", 1),
    )
    kernels.attrs.update(snapshot=snakemake.wildcards.snapshot)
    write_artifact(
        kernels,
        snakemake.output.kernels,
        stage="kernels",
        title=f"nu N scattering kernels: {snakemake.wildcards.snapshot}, {nature} neutrinos",
        rule=snakemake.rule,
        wildcards=dict(snakemake.wildcards),
        params=params,
        references=["C21"],
        inputs=[rmf] + ([rmf_dirac] if rmf_dirac is not None else []),
    )


def main(snakemake, logger):
    params = dict(snakemake.params.kernels)
    reuse_or_compute(
        snakemake,
        logger,
        lambda: compute(snakemake, logger, params),
        output=snakemake.output.kernels,
        params=params,
    )


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
