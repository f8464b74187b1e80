"""Limits on light mediators from real data sets (issue 11, docs/physics.md §7).

Each experiment is one module exposing an ``EXPERIMENT`` object that follows
:class:`lightmed.constraints.base.Experiment`: ``load`` reads the release as distributed (path
from ``constraints.<experiment>.path``), ``scan`` returns a :class:`~.base.Scan` (profiled
-2 Delta ln L on a mass x coupling grid). :mod:`.scan` turns a Scan into the artifact
``results/constraints/{experiment}_{model}.nc`` (+ CSV). Experiments are imported lazily, so
a missing optional dependency of one experiment does not break the others.
"""

from __future__ import annotations

import importlib

from ..errors import ConfigError
from .base import Experiment, Scan

__all__ = ["EXPERIMENTS", "Experiment", "Scan", "get_experiment"]

#: experiment name -> "module:attribute" of its Experiment object (imported on demand).
EXPERIMENTS: dict[str, str] = {
    "coherent_csi2017": "lightmed.constraints.coherent:EXPERIMENT",
    "xenonnt_8b": "lightmed.constraints.xenonnt:EXPERIMENT",
    "xenon1t_s2only": "lightmed.constraints.xenon1t_s2only:EXPERIMENT",
    "xenon1t_st21": "lightmed.constraints.xenon1t_st21:EXPERIMENT",
}


def get_experiment(name: str) -> Experiment:
    """The Experiment object registered as ``name`` (imports its module on first use)."""
    if name not in EXPERIMENTS:
        raise ConfigError(
            f"constraints.experiments: unknown experiment {name!r}; "
            f"choose from {', '.join(EXPERIMENTS)}"
        )
    module, _, attr = EXPERIMENTS[name].partition(":")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f"constraints.experiments: {name} needs module {exc.name!r}, which is not "
            "installed (pip install the project's dependencies)"
        ) from exc
    return getattr(mod, attr)
