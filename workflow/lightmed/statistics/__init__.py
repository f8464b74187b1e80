"""Detector sensitivities: binned Poisson likelihood ratio with a normalisation pull.

Split by job:

* :mod:`~lightmed.statistics.likelihood` -- expected counts N = sm + g^2 int + g^4 np per bin
  (:class:`BinnedCounts`), the exactly profiled pull (:func:`profile_pull`), the chi2 of a
  detector combination (:class:`PullChi2`) and its marginalisation (:class:`MinChi2`);
* :mod:`~lightmed.statistics.intervals` -- every excluded coupling interval per mass;
* :mod:`~lightmed.statistics.datasets` -- rates artifacts in, sensitivity datasets and CSV out;
* :mod:`~lightmed.statistics.planning` -- the validated plan of the workflow stage.

Importing this package does not import scipy: the Delta chi2 threshold imports
``scipy.special`` (not ``scipy.stats``, 0.6 s) when called. [ST21] arXiv:2010.14545 Sec. VI
(misprints corrected); physics.md §6.
"""

from __future__ import annotations

from .datasets import (
    bounds_table,
    counts_from_rates,
    coupling_grid,
    sensitivity,
    write_bounds_csv,
)
from .intervals import DIP_FACTOR, excluded_intervals, intervals_to_arrays
from .likelihood import (
    PULL_MODES,
    BinnedCounts,
    MinChi2,
    PullChi2,
    delta_chi2_threshold,
    profile_pull,
)
from .planning import SensitivityPlan

__all__ = [
    "DIP_FACTOR",
    "PULL_MODES",
    "BinnedCounts",
    "MinChi2",
    "PullChi2",
    "SensitivityPlan",
    "bounds_table",
    "counts_from_rates",
    "coupling_grid",
    "delta_chi2_threshold",
    "excluded_intervals",
    "intervals_to_arrays",
    "profile_pull",
    "sensitivity",
    "write_bounds_csv",
]
