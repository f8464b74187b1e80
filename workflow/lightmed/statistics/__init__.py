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

from ..lazy import lazy_exports

#: public name -> submodule, imported on first use (:mod:`lightmed.lazy`): the Snakefile imports
#: :mod:`~lightmed.statistics.planning` when it parses, and the likelihood's numba and the
#: datasets' xarray would add 0.3 s to every Snakemake start.
_EXPORTS = {
    "bounds_table": "datasets",
    "counts_from_rates": "datasets",
    "coupling_grid": "datasets",
    "sensitivity": "datasets",
    "write_bounds_csv": "datasets",
    "DIP_FACTOR": "intervals",
    "excluded_intervals": "intervals",
    "intervals_to_arrays": "intervals",
    "PULL_MODES": "likelihood",
    "BinnedCounts": "likelihood",
    "MinChi2": "likelihood",
    "PullChi2": "likelihood",
    "delta_chi2_threshold": "likelihood",
    "profile_pull": "likelihood",
    "SensitivityPlan": "planning",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
