"""Rule compute_sensitivity: Delta chi2 map, bound curve and excluded intervals of one
source (or SN-model marginalisation), detector combination and mediator model."""

from lightmed.io import read_artifact, write_artifact
from lightmed.logs import run_rule
from lightmed.statistics import coupling_grid, sensitivity, write_bounds_csv


def main(snakemake, logger):
    p = dict(snakemake.params.sensitivity)
    wc = snakemake.wildcards
    need = ("events_sm", "events_int", "events_np")
    rates = [read_artifact(f, stage="rates", required=need) for f in snakemake.input.rates]
    n = len(p["detectors"])  # inputs are member-major: member sources x detectors
    grouped = {m: rates[i * n : (i + 1) * n] for i, m in enumerate(p["members"])}
    ds = sensitivity(
        grouped if len(grouped) > 1 else rates,
        wc.model,
        p["sigma_norm"],
        coupling_grid(p["coupling_grid"]),
        confidence_level=p["confidence_level"],
        degrees_of_freedom=p["degrees_of_freedom"],
        pull=p["pull"],
    )
    ds.attrs.update(
        neutrino_source=wc.source,
        combo=wc.combo,
        detectors=",".join(p["detectors"]),
        member_sources=",".join(p["members"]),
    )
    for s in ds["sigma_norm"].values:
        b = ds["coupling_bound"].sel(sigma_norm=s)
        logger.info(
            "sigma_norm %.2f: bound %.3g .. %.3g; %d of %d masses with islands",
            s,
            float(b.min()),
            float(b.max()),
            int((ds["n_intervals"].sel(sigma_norm=s) > 1).sum()),
            b.size,
        )
    title = f"CEvNS chi2 sensitivity: {wc.source}, {wc.combo}, {wc.model}"
    write_artifact(
        ds,
        snakemake.output.sensitivity,
        stage="sensitivity",
        title=title,
        rule=snakemake.rule,
        wildcards=dict(wc),
        params=p,
        references=["ST21"],
        inputs=rates,
    )
    write_bounds_csv(ds, snakemake.output.table, title)


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
