"""Rule compute_sensitivity: for one sensitivity source (a source or an SN-model
marginalisation), the Delta chi2 map, bound curve and excluded intervals of every detector
combination x detector model, one artifact + CSV each."""

import time

from lightmed.io import read_artifact, write_artifact
from lightmed.logs import run_rule
from lightmed.statistics import coupling_grid, sensitivity, write_bounds_csv


def main(snakemake, logger):
    p = dict(snakemake.params.sensitivity)
    source = snakemake.wildcards.source
    need = ("events_sm", "events_int", "events_np")
    rates = {}
    for path in snakemake.input.rates:
        ds = read_artifact(path, stage="rates", required=need)
        rates[ds.attrs["neutrino_source"], ds.attrs["detector"]] = ds
    couplings = coupling_grid(p["coupling_grid"])
    outputs = set(snakemake.output.sensitivity) | set(snakemake.output.table)
    cache = {}  # per-detector chi2 terms shared by the combinations of this source
    for combo, detectors in p["combos"].items():
        groups = {m: [rates[m, d] for d in detectors] for m in p["members"]}
        for model in p["models"]:
            t0 = time.perf_counter()
            ds = sensitivity(
                groups if len(groups) > 1 else groups[p["members"][0]],
                model,
                p["sigma_norm"],
                couplings,
                confidence_level=p["confidence_level"],
                degrees_of_freedom=p["degrees_of_freedom"],
                pull=p["pull"],
                counts_cache=cache,
            )
            ds.attrs.update(
                neutrino_source=source,
                combo=combo,
                detectors=",".join(detectors),
                member_sources=",".join(p["members"]),
            )
            path = p["pattern"].format(source=source, combo=combo, model=model)
            table = path.removesuffix(".nc") + ".csv"
            if not {path, table} <= outputs:
                raise RuntimeError(f"{path} is not an output of this job")
            title = f"CEvNS chi2 sensitivity: {source}, {combo}, {model}"
            write_artifact(
                ds,
                path,
                stage="sensitivity",
                title=title,
                rule=snakemake.rule,
                wildcards={"source": source, "combo": combo, "model": model},
                params={**p, "combos": {combo: detectors}, "models": [model]},
                references=["ST21"],
                inputs=[d for grp in groups.values() for d in grp],
            )
            write_bounds_csv(ds, table, title)
            for s in ds["sigma_norm"].values:
                b = ds["coupling_bound"].sel(sigma_norm=s)
                logger.info(
                    "%s %s sigma_norm %.2f: bound %.3g .. %.3g; %d of %d masses with islands"
                    " (%.2f s)",
                    combo,
                    model,
                    s,
                    float(b.min()),
                    float(b.max()),
                    int((ds["n_intervals"].sel(sigma_norm=s) > 1).sum()),
                    b.size,
                    time.perf_counter() - t0,
                )


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
