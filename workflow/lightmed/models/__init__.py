"""The mediator-model registry: the one definition of every model lightmed computes.

A model is data (:class:`MediatorModel`: spin, quark and neutrino charges, lepton-number
structure, sigma terms, the coupling drawn on the axes); every stage derives what it needs from
it (nucleon and nuclear charges, matrix-element terms and their blocking, SN-core criteria,
labels, the mapping of one model's coupling onto another's axis). Built-in models are in
:data:`PRESETS`; a config ``models:`` block selects presets and defines new models:

.. code-block:: yaml

    models:
      bl_vector: {}                                   # the preset of the same name
      my_u_vector:                                    # a new model, no code change
        spin: vector
        quark_charges: {u: 1, d: 0}
        neutrino_charges: {e: 1}
        coupling: {name: g_u, latex: "g_u"}

docs/models.md explains the conventions, with a worked example.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ConfigError
from .presets import PRESETS
from .sigma_terms import QUARKS, SIGMA_TERMS, SigmaTerms, get_sigma_terms
from .spec import (
    ALL_CRITERIA,
    FLAVOURS,
    LEPTON_NUMBER,
    NORMALISATIONS,
    NUCLEONS,
    SPINS,
    Coupling,
    MediatorModel,
    Term,
    axis_factor,
    flavour_key,
)

__all__ = [
    "ALL_CRITERIA",
    "FLAVOURS",
    "LEPTON_NUMBER",
    "NORMALISATIONS",
    "NUCLEONS",
    "PRESETS",
    "QUARKS",
    "SIGMA_TERMS",
    "SPINS",
    "Coupling",
    "MediatorModel",
    "SigmaTerms",
    "Term",
    "axis_factor",
    "flavour_key",
    "get_model",
    "get_sigma_terms",
    "model_from_config",
    "registry_from_config",
]

#: Keys of a ``models.<name>`` entry that define the physics (the rest are grids and switches).
DEFINITION_KEYS: tuple[str, ...] = (
    "preset",
    "title",
    "spin",
    "quark_charges",
    "neutrino_charges",
    "coupling",
    "lepton_number",
    "sigma_terms",
    "sn_core_criteria",
    "citation",
)


def model_from_config(name: str, entry: Mapping[str, Any] | None) -> MediatorModel:
    """Build the model ``name`` from a config entry: a preset, a preset with changes, or new.

    ``preset`` names the built-in model to start from (default: ``name`` itself when it is a
    preset); any other definition key replaces the preset's value. Without a preset, ``spin``,
    ``quark_charges``, ``neutrino_charges`` and ``coupling`` are required.
    """
    entry = dict(entry or {})
    base_key = entry.get("preset") or (name if name in PRESETS else None)
    if base_key is not None and base_key not in PRESETS:
        raise ConfigError(
            f"models.{name}.preset = {base_key!r} is not a built-in model; "
            f"known: {', '.join(PRESETS)}"
        )
    base = PRESETS[base_key] if base_key else None
    given = {k: entry[k] for k in DEFINITION_KEYS if k in entry and k != "preset"}
    if base is None:
        missing = [
            k for k in ("spin", "quark_charges", "neutrino_charges", "coupling") if k not in given
        ]
        if missing:
            raise ConfigError(
                f"models.{name}: a new model needs {', '.join(missing)} (or preset: <name> to "
                f"start from a built-in model: {', '.join(PRESETS)})"
            )
    coupling = given.pop("coupling", None)
    if coupling is None:
        coupling_obj = base.coupling
    elif isinstance(coupling, Mapping):
        start = base.coupling if base else Coupling("g", "g")
        coupling_obj = Coupling(
            name=str(coupling.get("name", start.name)),
            latex=str(coupling.get("latex", coupling.get("name", start.latex))),
            normalisation=str(coupling.get("normalisation", start.normalisation)),
        )
    else:
        raise ConfigError(
            f"models.{name}.coupling must be a mapping {{name, latex, normalisation}}"
        )
    fields: dict[str, Any] = {}
    if base is not None:
        fields.update(
            title=base.title,
            spin=base.spin,
            quark_charges=dict(base.quark_charges),
            neutrino_charges=dict(base.neutrino_charges),
            lepton_number=base.lepton_number,
            sigma_terms=base.sigma_terms,
            sn_core_criteria=base.sn_core_criteria,
            citation=base.citation,
        )
    else:
        fields.update(title=name, citation="user-defined in the configuration")
    fields.update(given)
    if "sn_core_criteria" in given and given["sn_core_criteria"] is not None:
        fields["sn_core_criteria"] = tuple(given["sn_core_criteria"])
    for key in ("quark_charges", "neutrino_charges"):
        fields[key] = {str(k): float(v) for k, v in dict(fields[key]).items()}
    return MediatorModel(name=name, coupling=coupling_obj, **fields)


def registry_from_config(models_block: Mapping[str, Any] | None) -> dict[str, MediatorModel]:
    """{name: MediatorModel} for every entry of the config ``models`` block, in order."""
    return {name: model_from_config(name, entry) for name, entry in (models_block or {}).items()}


def get_model(name: str, models_block: Mapping[str, Any] | None = None) -> MediatorModel:
    """The model ``name``: from the config block if it defines it, else the preset."""
    if models_block and name in models_block:
        return model_from_config(name, models_block[name])
    if name in PRESETS:
        return PRESETS[name]
    known = list(models_block or {}) + [p for p in PRESETS if p not in (models_block or {})]
    raise ConfigError(f"unknown mediator model {name!r}; known: {', '.join(known)}")
