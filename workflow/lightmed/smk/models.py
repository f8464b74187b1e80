"""Rule helpers: which registry models each stage computes, and what a rule needs of one."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..models import MediatorModel, registry_from_config

#: Flavour of the species whose diffusion the SN-core criteria constrain (SN 1987A: nubar_e).
OBSERVED_FLAVOUR = "e"


def registry(config: dict) -> dict[str, MediatorModel]:
    """{name: MediatorModel} of the config ``models`` block (validated, in config order)."""
    return registry_from_config(config["models"])


def sn_core_models(config: dict) -> list[str]:
    """Models with ``sn_core: true`` for which the SN-core method applies."""
    reg = registry(config)
    return [
        name
        for name, entry in config["models"].items()
        if entry.get("sn_core", True) and not reg[name].sn_core_status(OBSERVED_FLAVOUR)
    ]


def detector_models(config: dict) -> list[str]:
    """Models with ``detectors: true`` (CEvNS rates and sensitivities)."""
    return [name for name, entry in config["models"].items() if entry.get("detectors", True)]


def model_params(config: dict, name: str) -> dict[str, Any]:
    """The resolved physics of one model plus its SN-core grid (what an mfp map depends on).

    Resolved fields, not the raw entry: toggling ``detectors`` or restating a preset's own
    charges leaves the parameters (and hence the jobs) unchanged.
    """
    model = registry(config)[name]
    fields = {
        f.name: getattr(model, f.name)
        for f in dataclasses.fields(model)
        if f.init and f.name not in ("title", "citation")
    }
    fields["coupling"] = dataclasses.asdict(model.coupling)
    fields["quark_charges"] = dict(model.quark_charges)
    fields["neutrino_charges"] = dict(model.neutrino_charges)
    if fields["sn_core_criteria"] is not None:
        fields["sn_core_criteria"] = list(fields["sn_core_criteria"])
    return {"model": fields, "grid": config["models"][name]["sn_core_grid"]}
