"""Rule bound_tables: the key bound tables of the report (lightmed.report_tables)."""

from lightmed.io import read_artifact
from lightmed.logs import run_rule
from lightmed.report_tables import detector_table, sn_core_table, write_table


def main(snakemake, logger):
    bounds = [read_artifact(f, stage="bounds") for f in snakemake.input.sn_core]
    write_table(sn_core_table(bounds), snakemake.output.sn_core)
    sens = {}
    for model, f in zip(snakemake.params.models, snakemake.input.sensitivities, strict=True):
        sens.setdefault(model, []).append(read_artifact(f, stage="sensitivity"))
    write_table(detector_table(sens), snakemake.output.detectors)
    logger.info("tables of %d SN-core and %d detector models", len(bounds), len(sens))


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
