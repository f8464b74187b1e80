"""lightmed: supernova and astrophysical-neutrino bounds on light mediators.

The physics package behind the Snakemake workflow. Internal unit system: MeV and fm with
hbar = c = k_B = 1 (see :mod:`lightmed.constants`).
"""

__version__ = "0.1.0"


def _guard_job_start_up() -> None:
    """In a Snakemake job script, make a Ctrl-C during the imports end with the job's one
    ``lightmed: interrupted:`` line, as it does once the rule code runs (lightmed.logs)."""
    import sys

    job = getattr(sys.modules.get("__main__"), "snakemake", None)
    if job is not None and type(job).__module__.startswith("snakemake"):
        from .logs import guard_start_up

        guard_start_up(job)


_guard_job_start_up()
