"""The contract between the constraints stage and its experiment modules.

An experiment module exposes ``EXPERIMENT`` with ``name``, ``title``, ``where`` and two
methods: ``load(path, settings)`` reads the release as distributed (InputError naming the file
on a missing file, wrong shape or missing column) and ``scan(data, model, masses_mev,
couplings)`` returns a :class:`Scan`: the profile likelihood ratio on a (mass, coupling) grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

    from ..models import MediatorModel


@dataclass
class Scan:
    """Profiled -2 Delta ln L of one experiment for one model on a (mass, coupling) grid.

    Attributes
    ----------
    coupling : numpy.ndarray
        (k,) coupling grid [1], increasing, > 0 (the model's axis coupling).
    neg2dlnl : numpy.ndarray
        (mass, k): -2 ln[L(g) / L(g_hat)], nuisances profiled at each g.
    best_fit : numpy.ndarray
        (mass,): g_hat (0 if the best fit is the SM; the fit is over g >= 0).
    neg2dlnl_sm : numpy.ndarray
        (mass,): -2 ln[L(0) / L(g_hat)].
    attrs : dict
        statistic, test_statistic, reference_point, nuisances (priors and sources),
        data_release (DOI/URL), citation, title (legend label), year; optionally
        ``threshold`` (the -2 Delta ln L of the 90 % CL edge when not the one-dof 2.706).
    extras : dict
        Optional name -> xarray.DataArray (e.g. expected SM counts), copied to the artifact.
    """

    coupling: np.ndarray
    neg2dlnl: np.ndarray
    best_fit: np.ndarray
    neg2dlnl_sm: np.ndarray
    attrs: dict = field(default_factory=dict)
    extras: dict[str, xr.DataArray] = field(default_factory=dict)

    def __post_init__(self):
        self.coupling = np.asarray(self.coupling, dtype=float)
        self.neg2dlnl = np.atleast_2d(np.asarray(self.neg2dlnl, dtype=float))
        self.best_fit = np.atleast_1d(np.asarray(self.best_fit, dtype=float))
        self.neg2dlnl_sm = np.atleast_1d(np.asarray(self.neg2dlnl_sm, dtype=float))
        k = self.coupling.size
        n = self.neg2dlnl.shape[0]
        if self.coupling.ndim != 1 or k < 2:
            raise ValueError("Scan.coupling must be a 1-D grid of at least 2 couplings")
        if not (np.all(self.coupling > 0) and np.all(np.diff(self.coupling) > 0)):
            raise ValueError("Scan.coupling must be positive and strictly increasing")
        if self.neg2dlnl.shape != (n, k):
            raise ValueError(f"Scan.neg2dlnl has shape {self.neg2dlnl.shape}, need (mass, {k})")
        if self.best_fit.shape != (n,) or self.neg2dlnl_sm.shape != (n,):
            raise ValueError("Scan.best_fit and Scan.neg2dlnl_sm need shape (mass,)")


@runtime_checkable
class Experiment(Protocol):
    """An experiment module's object (``EXPERIMENT``)."""

    name: str  # e.g. "coherent_csi2017"
    title: str  # legend label, "COHERENT CsI (2017)"
    where: str  # one line: where to get the release (DOI / URL)

    def load(self, path: Path, settings: dict) -> Any: ...

    def scan(
        self,
        data: Any,
        model: MediatorModel,
        masses_mev: np.ndarray,
        couplings: np.ndarray,
    ) -> Scan: ...
