"""Rule compute_diffusion: [C21] diffusion-time maps of one model over its snapshots."""

from lightmed.diffusion import combine_snapshots, label_coords, snapshot_diffusion
from lightmed.io import read_artifact, write_artifact
from lightmed.logs import run_rule


def main(snakemake, logger):
    model = snakemake.wildcards.model
    snapshots = list(snakemake.params.snapshots)
    files = zip(snapshots, snakemake.input.mfp_model, snakemake.input.mfp_sm,
                snakemake.input.profiles, strict=True)
    per_snapshot, upstream = {}, []
    for snapshot, f_model, f_sm, f_profile in files:
        mfp = read_artifact(f_model, stage="mfp_model", required=("lambda",))
        mfp_sm = read_artifact(f_sm, stage="mfp", required=("lambda_sm",))
        profile = read_artifact(f_profile, stage="profiles")
        ds = snapshot_diffusion(mfp, profile, model, mfp_sm, source=str(f_model))
        per_snapshot[snapshot] = ds
        upstream += [mfp, mfp_sm, profile]
        logger.info("%s: Delta t_SM = %s s (%s)", snapshot,
                    ds["diffusion_time_sm"].round(4).to_dict()["data"], ds.attrs["rate_method"])
    out = label_coords(combine_snapshots(per_snapshot))
    out.attrs.update(model=model, snapshots=",".join(snapshots))
    write_artifact(
        out, snakemake.output.diffusion, stage="diffusion",
        title=f"Neutrino diffusion time through the SN shells: {model}",
        rule=snakemake.rule, wildcards=dict(snakemake.wildcards),
        params={"snapshots": snapshots}, references=["C21"], inputs=upstream,
    )


run_rule(main, snakemake)  # noqa: F821 - injected by Snakemake
