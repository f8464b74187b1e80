"""What the sensitivity stage computes: sources, detector combinations, models (validated).

Defaults and bounds come from the config schema only (``lightmed.config.validate_block``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..errors import ConfigError


@dataclass(frozen=True)
class SensitivityPlan:
    """Sources, detector combinations and members of the sensitivity stage, validated.

    ``members[source]`` lists the rate sources behind a sensitivity source (itself, or the
    members of a marginalised source); ``detectors[combo]`` the detectors of a combination.
    """

    sources: tuple[str, ...]
    combos: tuple[str, ...]
    models: tuple[str, ...]
    members: dict[str, tuple[str, ...]]
    detectors: dict[str, tuple[str, ...]]
    sigma_norm: dict[str, tuple[float, ...]]

    @classmethod
    def from_config(
        cls,
        block: Mapping,
        sources: Iterable[str],
        detectors: Iterable[str],
        models: Iterable[str],
    ) -> SensitivityPlan:
        """Validate ``config["sensitivity"]`` against the schema (defaults filled there) and
        the configured sources and detectors; ``models`` are the registry's detector models
        (``lightmed.smk.models.detector_models``)."""
        from ..config import validate_block

        block = validate_block(block, "properties/sensitivity", ("sensitivity",))
        sources, detectors = list(sources), list(detectors)
        sigma = {k: tuple(float(s) for s in v) for k, v in block["sigma_norm"].items()}
        for src in sigma:
            if src not in sources:
                raise ConfigError(
                    f"sensitivity.sigma_norm.{src}: not a key of sources ({', '.join(sources)})"
                )
        members = {src: (src,) for src in sigma}
        for name, group in block["marginalised"].items():
            if name in sigma or name in sources:
                raise ConfigError(f"sensitivity.marginalised.{name}: name clashes with a source")
            for src in group:
                if src not in sigma:
                    raise ConfigError(
                        f"sensitivity.marginalised.{name}: member {src!r} has no "
                        "sensitivity.sigma_norm entry"
                    )
            if len({sigma[s] for s in group}) != 1:
                raise ConfigError(
                    f"sensitivity.marginalised.{name}: members need the same sigma_norm list"
                )
            members[name] = tuple(group)
            sigma[name] = sigma[group[0]]
        combos = {d: (d,) for d in detectors} if block["single_detectors"] else {}
        for combo in block["combos"]:
            parts = tuple(combo.split("+"))
            for det in parts:
                if det not in detectors:
                    raise ConfigError(
                        f"sensitivity.combos: {combo!r}: {det!r} is not a key of "
                        f"detectors ({', '.join(detectors)})"
                    )
            if len(set(parts)) != len(parts):
                raise ConfigError(f"sensitivity.combos: {combo!r} repeats a detector")
            combos[combo] = parts
        if not combos:
            raise ConfigError(
                "sensitivity: no detector combinations (single_detectors is false "
                "and combos is empty)"
            )
        models = tuple(models)
        if not models:
            raise ConfigError(
                "sensitivity: no detector models; set detectors: true for a model in `models`"
            )
        return cls(tuple(members), tuple(combos), models, members, combos, sigma)
