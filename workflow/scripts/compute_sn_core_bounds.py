"""Rule compute_sn_core_bounds: exact [C21] SN-core coupling bounds per mass (nc + csv)."""

from lightmed.diffusion import sn_core_bounds, write_bounds_csv
from lightmed.io import read_artifact, write_artifact
from lightmed.logs import run_rule


def main(snakemake, logger):
    model = snakemake.wildcards.model
    settings = dict(snakemake.params.diffusion)
    diffusion = read_artifact(snakemake.input.diffusion, stage="diffusion",
                              required=("dt_sm", "dt_int", "dt_np"))
    bounds = sn_core_bounds(diffusion, model, settings)
    for crit in bounds["criterion"].values:
        b = bounds["coupling_bound"].sel(criterion=crit)
        logger.info("%s: bound in [%.3g, %.3g] over %d masses, %d without bound, "
                    "%d masses with 2 intervals", crit, float(b.min()), float(b.max()),
                    b.sizes["mass"], int(b.isnull().sum()),
                    int((bounds["n_intervals"].sel(criterion=crit) > 1).sum()))
        if bool(bounds["sm_fails"].sel(criterion=crit).any()):
            logger.warning("%s: the SM alone already violates %s (bound reported as 0)",
                           model, crit)
    write_artifact(
        bounds, snakemake.output.bounds, stage="bounds",
        title=f"SN-core bounds ([C21] shell method): {model}",
        rule=snakemake.rule, wildcards=dict(snakemake.wildcards), params=settings,
        references=["C21"], inputs=[diffusion],
    )
    write_bounds_csv(bounds, snakemake.output.table,
                     [f"model {model}; species {settings['observed_species']}; [C21] "
                      "arXiv:2106.11660 Eqs. 21-26; netCDF twin: " + str(snakemake.output.bounds)])


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
