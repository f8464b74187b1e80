# lightmed: supernova and astrophysical-neutrino bounds on light mediators.
# Thin entry point: validate the config, include one rule file per stage, define `all`.
import os
import sys

from snakemake.utils import min_version

from lightmed.config import SCHEMA_PATH, check_paths, check_references, validate_config
from lightmed.errors import ConfigError
from lightmed.logs import FAST_EXIT_ENV
from lightmed.smk.core import StageTargets, media_constraint
from lightmed.smk.models import sn_core_models
from lightmed.smk.recovery import recover
from lightmed.smk.scheduling import cancel_pending_timers
from lightmed.store import STORE_ENV

min_version("8.0")


configfile: "config/config.yaml"


# `snakemake --report report.html`: captioned figures and key tables (workflow/report/).
report: "workflow/report/workflow.rst"


try:
    # --config values: nested ones arrive as strings, validate_config reads them as YAML
    validate_config(config, SCHEMA_PATH, overrides=workflow.config_settings.config)
    check_references(config)
    check_paths(config)
except ConfigError as exc:
    sys.exit(f"lightmed: {exc}")

SN_CORE_MODELS = sn_core_models(config)

# Recovery by default: an unreadable results/*.nc is moved aside and regenerated, the lock of a
# run that was killed hard is released (lightmed/smk/recovery.py; one line each).
if workflow.is_main_process:
    for _line in recover(sys.argv):
        print(_line, file=sys.stderr)

# Jobs end right after their timing line, without Python's teardown (~0.4 s of CPU per job:
# lightmed/logs.py end_job_process); LIGHTMED_FAST_EXIT=0 in the environment keeps it.
os.environ.setdefault(FAST_EXIT_ENV, "1")
# numba's compiled-kernel cache must be writable by every job (a shared path on clusters).
os.environ.setdefault(
    "NUMBA_CACHE_DIR", os.path.abspath(config["execution"]["numba_cache_dir"])
)
# Cross-workflow reuse of rmf and kernels that also works under cluster executors.
if config["execution"]["artifact_store"]:
    os.environ[STORE_ENV] = os.path.abspath(config["execution"]["artifact_store"])


wildcard_constraints:
    snapshot="|".join(config["snapshots"]),
    medium=media_constraint(),
    nature="dirac|majorana",


# The products of a default run, registered by each rule file at its end.
TARGETS = StageTargets()


include: "workflow/rules/profiles.smk"
include: "workflow/rules/rmf.smk"
include: "workflow/rules/mfp.smk"
include: "workflow/rules/diffusion.smk"
include: "workflow/rules/fluxes.smk"
include: "workflow/rules/rates.smk"
include: "workflow/rules/sensitivity.smk"
include: "workflow/rules/constraints.smk"
include: "workflow/rules/report.smk"


# Exit when the last job ends, not one rate-limiter timespan later (lightmed/smk/scheduling.py).
onsuccess:
    cancel_pending_timers()


onerror:
    cancel_pending_timers()


localrules:
    all,


# Each rule file registers its products (TARGETS.add); one function builds `rule all`.
rule all:
    default_target: True
    input:
        TARGETS.all(),
