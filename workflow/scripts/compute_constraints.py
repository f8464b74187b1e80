"""Rule compute_constraints: one experiment's real-data limits for every configured model."""

import time
from pathlib import Path

import numpy as np

from lightmed.constraints import get_experiment
from lightmed.constraints.scan import scan_dataset, write_constraints_csv
from lightmed.io import write_artifact
from lightmed.logs import run_rule
from lightmed.models import get_model


def main(snakemake, logger):
    plan = snakemake.params.plan
    name = plan["experiment"]
    exp = get_experiment(name)
    t0 = time.perf_counter()
    data = exp.load(Path(plan["path"]), plan["settings"])
    logger.info("%s: release %s loaded in %.1f s", name, plan["path"], time.perf_counter() - t0)
    masses = np.geomspace(plan["mass"]["min"], plan["mass"]["max"], plan["mass"]["num"])
    couplings = np.geomspace(
        plan["coupling"]["min"], plan["coupling"]["max"], plan["coupling"]["num"]
    )
    nc = {Path(f).name: f for f in snakemake.output.constraints}
    csv = {Path(f).name: f for f in snakemake.output.table}
    for model_name in plan["models"]:
        t0 = time.perf_counter()
        model = get_model(model_name, dict(snakemake.params.models_block))
        scan = exp.scan(data, model, masses, couplings)
        ds = scan_dataset(
            scan,
            masses,
            experiment=name,
            model=model_name,
            coupling_name=model.coupling.name,
            cl=plan["cl"],
        )
        stem = f"{name}_{model_name}"
        write_artifact(
            ds,
            nc[f"{stem}.nc"],
            stage="constraints",
            title=f"{exp.title}: {plan['cl']:.0%} CL limits on {model.title}",
            rule=snakemake.rule,
            wildcards=dict(snakemake.wildcards),
            params=plan,
            references=[str(scan.attrs.get("citation", ""))],
        )
        write_constraints_csv(ds, csv[f"{stem}.csv"])
        logger.info("%s %s: scan in %.1f s", name, model_name, time.perf_counter() - t0)


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
