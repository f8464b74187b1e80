"""Rule compute_rates: CEvNS events per recoil bin (SM, g^2, g^4) for one source x detector."""

import numpy as np

from lightmed.fluxes import read_flux
from lightmed.io import write_artifact
from lightmed.logs import run_rule
from lightmed.rates import Detector, compute_rates


def main(snakemake, logger):
    p = snakemake.params.rates
    source, detector_name = snakemake.wildcards.source, snakemake.wildcards.detector
    grid = p["grid"]
    flux = read_flux(snakemake.input.flux)
    logger.info("flux %s from %s", flux.attrs["spectrum_kind"], flux.attrs["origin"])
    detector = Detector.from_config(detector_name, p["detector"])
    masses = np.geomspace(grid["mass_min_mev"], grid["mass_max_mev"], grid["n_mass"])
    ds = compute_rates(
        flux,
        detector,
        masses,
        exposure_years=p["source"].get("exposure_years", 1.0),
        recoil_max_kev=grid["recoil_max_kev"],
        nodes_per_bin=grid["nodes_per_bin"],
    )
    ds.attrs["neutrino_source"] = source
    ds.attrs["flux_attrs"] = str({k: v for k, v in flux.attrs.items()})
    total = float(ds.events_sm.isel(model=0, mass=0).sum())
    logger.info("SM events above %.2f keV: %.4g", detector.threshold_kev, total)
    write_artifact(
        ds,
        snakemake.output.rates,
        stage="rates",
        title=f"CEvNS recoil spectra: {source} in {detector_name}",
        rule=snakemake.rule,
        wildcards=dict(snakemake.wildcards),
        params=p,
        references=["ST21"],
        inputs=[flux],
    )


run_rule(main, snakemake)
