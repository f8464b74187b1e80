"""Rule compute_rates: CEvNS events per recoil bin (SM, g^2, g^4 per detector model) for one
source, written for every detector (results/rates/{source}_{detector}.nc)."""

import time

import numpy as np

from lightmed.fluxes import read_flux
from lightmed.io import json_attr, write_artifact
from lightmed.logs import run_rule
from lightmed.rates import Detector, compute_rates
from lightmed.smk.rates import RATES_PATTERN, models_from_params


def main(snakemake, logger):
    p = snakemake.params.rates
    source = snakemake.wildcards.source
    grid = p["grid"]
    flux = read_flux(snakemake.input.flux)
    logger.info("flux %s from %s", flux.attrs["spectrum_kind"], flux.attrs["origin"])
    models = models_from_params(p["models"])
    masses = np.geomspace(grid["mass_min_mev"], grid["mass_max_mev"], grid["n_mass"])
    outputs = set(snakemake.output.rates)
    for name, block in p["detectors"].items():
        t0 = time.perf_counter()
        detector = Detector.from_config(name, block, p["targets"])
        ds = compute_rates(
            flux,
            detector,
            models,
            masses,
            exposure_years=p["source"]["exposure_years"],
            recoil_max_kev=grid["recoil_max_kev"],
            nodes_per_bin=grid["nodes_per_bin"],
        )
        ds.attrs["neutrino_source"] = source
        ds.attrs["flux_attrs"] = json_attr(dict(flux.attrs))
        path = RATES_PATTERN.format(source=source, detector=name)
        if path not in outputs:
            raise RuntimeError(f"{path} is not an output of this job")
        write_artifact(
            ds,
            path,
            stage="rates",
            title=f"CEvNS recoil spectra: {source} in {name}",
            rule=snakemake.rule,
            wildcards={**dict(snakemake.wildcards), "detector": name},
            params={**p, "detectors": {name: block}},
            references=["ST21"],
            inputs=[flux],
        )
        total = float(ds.events_sm.isel(model=0, mass=0).sum())
        logger.info(
            "%s: SM events above %.2f keV: %.4g (%s; %.2f s)",
            name,
            detector.threshold_kev,
            total,
            ", ".join(models),
            time.perf_counter() - t0,
        )


run_rule(main, snakemake)
