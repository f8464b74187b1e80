"""Rule ingest_flux: one source's spectra at Earth (six species, flavour conversion applied)."""

from pathlib import Path

import numpy as np

from lightmed.fluxes import all_flavour_spectrum, input_digests, load_source
from lightmed.io import write_artifact
from lightmed.logs import run_rule


def main(snakemake, logger):
    source, block = snakemake.wildcards.source, dict(snakemake.params.source)
    flux = load_source(source, block, base_dir=Path.cwd())
    flux.attrs["input_sha256"] = input_digests(list(snakemake.input.files))
    energy, total, kind = all_flavour_spectrum(flux)
    logger.info(
        "%s %s from %s, oscillation %s: all-flavour integral %.6g",
        source,
        kind,
        flux.attrs["origin"],
        flux.attrs["oscillation"],
        float(np.trapezoid(total, energy)),
    )
    write_artifact(
        flux,
        snakemake.output.flux,
        stage="fluxes",
        title=f"Neutrino {kind} at Earth per species: {source}",
        rule=snakemake.rule,
        wildcards=dict(snakemake.wildcards),
        params=block,
        references=["ST21"],
    )


run_rule(main, snakemake)
