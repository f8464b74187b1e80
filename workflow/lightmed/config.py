"""Configuration validation with one-line messages naming the key and the allowed range.

The Snakefile calls :func:`validate_config` before any rule is defined. Defaults from the
schema are filled in, so rules may rely on every key being present.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

import jsonschema
import yaml

from .errors import ConfigError


def load_schema(path: str | os.PathLike) -> dict:
    """Read the YAML JSON-schema and fill in the choices that the registries define.

    libyaml's loader when PyYAML has it (the schema is ~800 lines: 0.4 s in pure Python,
    paid at every Snakefile parse).
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path) as fh:
        schema = yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
    return registry_enums(schema)


def _schema(path: str | os.PathLike) -> dict:
    """:func:`load_schema`, read once per process and path (validation does not modify it)."""
    key = os.path.abspath(path)
    if key not in _SCHEMA_CACHE:
        _SCHEMA_CACHE[key] = load_schema(key)
    return _SCHEMA_CACHE[key]


def registry_enums(schema: dict) -> dict:
    """Set the enums of the ``mediator_model`` definition from :mod:`lightmed.models`.

    The schema file lists no model presets, sigma-term presets or criteria: adding a preset to
    the registry is then one file, and schema and registry cannot drift apart.
    """
    from . import models

    props = schema.get("definitions", {}).get("mediator_model", {}).get("properties")
    if props is None:
        return schema
    props["preset"]["enum"] = list(models.PRESETS)
    props["spin"]["enum"] = list(models.SPINS)
    props["sigma_terms"]["enum"] = list(models.SIGMA_TERMS)
    props["lepton_number"]["enum"] = [*models.LEPTON_NUMBER, None]
    props["coupling"]["properties"]["normalisation"]["enum"] = list(models.NORMALISATIONS)
    props["sn_core_criteria"]["items"]["enum"] = list(models.ALL_CRITERIA)
    return schema


def _extend_with_default(validator_class):
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for prop, subschema in properties.items():
                if "default" in subschema and prop not in instance:
                    instance[prop] = copy.deepcopy(subschema["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


_DefaultingValidator = _extend_with_default(jsonschema.Draft7Validator)


def _key(path) -> str:
    parts = [str(p) if not isinstance(p, int) else f"[{p}]" for p in path]
    text = ""
    for part in parts:
        text += part if part.startswith("[") or not text else f".{part}"
    return text or "<top level>"


def _range(schema: Mapping[str, Any]) -> str:
    lo = schema.get("minimum", schema.get("exclusiveMinimum"))
    hi = schema.get("maximum", schema.get("exclusiveMaximum"))
    lo_b = "(" if "exclusiveMinimum" in schema else "["
    hi_b = ")" if "exclusiveMaximum" in schema else "]"
    if lo is None and hi is None:
        return ""
    return f"{lo_b}{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}{hi_b}"


def format_error(error: jsonschema.ValidationError) -> str:
    """Turn a jsonschema error into one line naming the key, the value and what is allowed."""
    key = _key(error.absolute_path)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    kind = error.validator
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = (
            sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        )
        where = f"under '{key}'" if error.absolute_path else "at the top level"
        names = ", ".join(repr(e) for e in extra) or "?"
        allowed_txt = ", ".join(allowed) if allowed else "(see schema)"
        return f"config: unknown key {names} {where}; allowed keys: {allowed_txt}"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"config: {key} = {error.instance!r} is out of range; allowed range {_range(schema)}"
    if kind == "enum":
        options = ", ".join(map(str, error.validator_value))
        return f"config: {key} = {error.instance!r} is not allowed; choose one of: {options}"
    if kind == "type":
        return f"config: {key} = {error.instance!r} must be of type {error.validator_value}"
    if kind == "required":
        return f"config: {key}: {error.message}"
    return f"config: {key}: {error.message}"


def validate_config(
    config: dict,
    schema: str | os.PathLike | Mapping[str, Any],
    overrides: Mapping[str, Any] | None = None,
) -> dict:
    """Validate ``config`` in place (filling schema defaults) and return it.

    Parameters
    ----------
    overrides : mapping, optional
        The ``snakemake --config`` entries (``workflow.config_settings.config``). Snakemake
        parses a nested value such as ``figures={dpi: 200}`` with YAML's BaseLoader, so every
        scalar inside arrives as a string; where the schema rejects such a string, it is read
        as YAML (``'200'`` -> 200, ``'null'`` -> None) and checked again.

    Raises
    ------
    ConfigError
        One line: the offending key, its value and the allowed range or choices.
    """
    if not isinstance(schema, Mapping):
        schema = _schema(schema)
    validator = _DefaultingValidator(schema)
    errors = _errors(validator, config)
    while errors and overrides and _coerce_overrides(config, overrides, errors):
        errors = _errors(validator, config)
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        deepest = max(errors, key=lambda e: len(e.absolute_path))
        chosen = deepest if len(deepest.absolute_path) >= len(best.absolute_path) else best
        raise ConfigError(format_error(chosen))
    _sort_keys_in_place(config)
    return config


def _errors(validator, config: dict) -> list:
    return sorted(
        validator.iter_errors(config), key=lambda e: (len(e.absolute_path), list(map(str, e.path)))
    )


_TYPE_ERRORS = ("type", "anyOf", "oneOf")


def _yaml_scalar(text: str) -> Any:
    """``text`` read as YAML; a finite number that YAML 1.1 leaves a string ('1e5') as one."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(value, str):
        for kind in (int, float):
            try:
                number = kind(text)
            except ValueError:
                continue
            return number if math.isfinite(number) else text
    return value


def _coerce_overrides(config: dict, overrides: Mapping[str, Any], errors: list) -> bool:
    """Read as YAML the ``--config`` strings the schema rejects for their type; True if any
    value changed. Only strings nested in a ``--config`` value are touched (top-level values
    are typed by Snakemake itself), and only where the config still holds that string."""
    changed = False
    for error in errors:
        path = list(error.absolute_path)
        if error.validator not in _TYPE_ERRORS or len(path) < 2:
            continue
        given: Any = overrides
        for part in path:
            if isinstance(given, Mapping) and part in given:
                given = given[part]
            elif isinstance(given, list) and isinstance(part, int) and part < len(given):
                given = given[part]
            else:
                given = None
                break
        if not isinstance(given, str) or error.instance != given:
            continue
        value = _yaml_scalar(given)
        if isinstance(value, str):
            continue
        parent: Any = config
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = value
        changed = True
    return changed


def _sort_keys_in_place(obj: Any) -> None:
    """Order every mapping's keys alphabetically, recursively, keeping the same objects.

    Snakemake compares a rule's ``params`` with the recorded ones order-sensitively; without
    a canonical order, merely reordering keys in a config file (or a tool that writes YAML
    with sorted keys) would rerun every job.
    """
    if isinstance(obj, dict):
        items = sorted(obj.items(), key=lambda kv: str(kv[0]))
        obj.clear()
        for key, value in items:
            _sort_keys_in_place(value)
            obj[key] = value
    elif isinstance(obj, list):
        for item in obj:
            _sort_keys_in_place(item)


def _require_key(config: dict, key: str, value: Any, section: str) -> None:
    if value not in config.get(section, {}):
        known = ", ".join(config.get(section, {})) or "(none)"
        raise ConfigError(f"config: {key} = {value!r} is not a key of {section} ({known})")


def _grids(config: dict):
    """(key, {min, max, num}) of every log grid of the config (``definitions/log_grid``)."""
    for name, entry in (config.get("models") or {}).items():
        for axis, grid in ((entry or {}).get("sn_core_grid") or {}).items():
            yield f"models.{name}.sn_core_grid.{axis}", grid
    yield "radial.mass_mev", (config.get("radial") or {}).get("mass_mev")
    yield "sensitivity.coupling_grid", (config.get("sensitivity") or {}).get("coupling_grid")
    for axis in ("mass", "coupling"):
        yield f"constraints.{axis}", (config.get("constraints") or {}).get(axis)


def _check_order(lo_key: str, lo: Any, hi_key: str, hi: Any, fix: str) -> None:
    if lo is not None and hi is not None and not lo < hi:
        raise ConfigError(f"config: {lo_key} = {lo} must be below {hi_key} = {hi}; {fix}")


def check_ranges(config: dict) -> None:
    """Cross-field checks of numbers the schema checks one at a time: every (min, max) pair
    must be ordered, and every detector needs one full recoil bin below rates.recoil_max_kev.

    Raises
    ------
    ConfigError
        One line naming both keys, their values and the fix.
    """
    swap = "swap the two values"
    rates = config.get("rates") or {}
    _check_order(
        "rates.mass_min_mev",
        rates.get("mass_min_mev"),
        "rates.mass_max_mev",
        rates.get("mass_max_mev"),
        swap,
    )
    for key, grid in _grids(config):
        if grid:
            _check_order(f"{key}.min", grid.get("min"), f"{key}.max", grid.get("max"), swap)
    for name, block in (config.get("sources") or {}).items():
        _check_order(
            f"sources.{name}.t_min_s",
            (block or {}).get("t_min_s"),
            f"sources.{name}.t_max_s",
            (block or {}).get("t_max_s"),
            "raise t_max_s (null = to the end of the file) or lower t_min_s",
        )
    radial = config.get("radial") or {}
    _check_order(
        "radial.r1_km",
        radial.get("r1_km"),
        "radial.r2_km",
        radial.get("r2_km"),
        "swap them, or set either to null to derive it",
    )
    pairs = (
        (("constraints", "coherent_csi2017", "pe_range"), "constraints.coherent_csi2017.pe_range"),
        (("sensitivity", "figures", "coupling_range"), "sensitivity.figures.coupling_range"),
    )
    for path, key in pairs:
        value: Any = config
        for part in path:
            value = value.get(part) if isinstance(value, Mapping) else None
        if value and len(value) == 2 and not value[0] < value[1]:
            raise ConfigError(
                f"config: {key} = {list(value)} must be [lower, upper] with lower < upper; "
                "swap the two values"
            )
    recoil_max = rates.get("recoil_max_kev")
    for name, block in (config.get("detectors") or {}).items():
        threshold, width = block.get("threshold_kev"), block.get("bin_width_kev")
        if None in (recoil_max, threshold, width):
            continue
        # Detector.edges_kev: bins of bin_width_kev from the threshold up to recoil_max_kev
        if threshold + width > recoil_max * (1 + 1e-12):
            raise ConfigError(
                f"config: detectors.{name}.threshold_kev = {threshold} plus bin_width_kev = "
                f"{width} exceeds rates.recoil_max_kev = {recoil_max} (not one recoil bin); "
                f"lower detectors.{name}.threshold_kev or raise rates.recoil_max_kev"
            )


def _require_model(config: dict, key: str, name: str) -> None:
    from .models import PRESETS

    user = config.get("models") or {}
    if name not in user and name not in PRESETS:
        known = ", ".join([*user, *(p for p in PRESETS if p not in user)])
        raise ConfigError(
            f"config: {key} = {name!r} is not a model preset or a key of models ({known}); "
            "correct the name or define the model under models"
        )


def check_references(config: dict) -> None:
    """Cross-section checks the schema cannot express: names that must exist elsewhere, and
    the cross-field number checks of :func:`check_ranges`.

    Raises
    ------
    ConfigError
        One line naming the key, its value and the names it may take.
    """
    check_ranges(config)
    diffusion = config.get("diffusion")
    if diffusion:
        if "plot_snapshot" in diffusion:
            _require_key(config, "diffusion.plot_snapshot", diffusion["plot_snapshot"], "snapshots")
        for name in diffusion.get("pairing") or {}:
            _require_key(config, f"diffusion.pairing.{name}", name, "snapshots")
    from .smk.core import check_media

    check_media(config)  # medium 'profile' only where the snapshot has its own medium
    radial = config.get("radial")
    if radial:
        for i, name in enumerate(radial.get("snapshots") or []):
            _require_key(config, f"radial.snapshots[{i}]", name, "snapshots")
        for name in radial.get("garching_profiles") or {}:
            if name in config.get("snapshots", {}):
                raise ConfigError(
                    f"config: radial.garching_profiles.{name} has the name of a snapshot; "
                    "rename it (a snapshots entry already gets the radial method)"
                )
    constraints = config.get("constraints") or {}
    for i, name in enumerate(constraints.get("models") or []):
        _require_model(config, f"constraints.models[{i}]", name)
    models = config.get("models")
    if models is not None:
        from .models import registry_from_config

        registry_from_config(models)  # every model must be buildable (one-line ConfigError)
        min_mass = config.get("kernels", {}).get("min_mediator_mass_mev")
        for name, entry in models.items():
            grid = entry.get("sn_core_grid", {}).get("mass_mev")
            if min_mass is not None and grid and entry.get("sn_core", True):
                if grid["min"] < min_mass:
                    raise ConfigError(
                        f"config: models.{name}.sn_core_grid.mass_mev.min = {grid['min']} is "
                        f"below kernels.min_mediator_mass_mev = {min_mass} (the lightest mass "
                        "the kernels resolve); raise it or lower the kernels' value"
                    )
    detectors = config.get("detectors")
    if detectors:
        from .targets import TARGETS

        user = config.get("targets", {})
        for name, block in detectors.items():
            target = block.get("target")
            if target not in user and target not in TARGETS:
                known = ", ".join([*user, *TARGETS])
                raise ConfigError(
                    f"config: detectors.{name}.target = {target!r} is not a target preset or a "
                    f"key of targets ({known})"
                )


#: Where the data a config path may name can be found (README "Your own fluxes and detectors",
#: "Using your own SN profile"; the shared data directory next to the workflow).
_DATA_HINTS = {
    "garching_emission": "Garching emission directories are in ../shared/data/sn_emission "
    "(e.g. garching_LS220_s27.0co), or use path: embedded",
    "solar_spectra": "the 8B and hep CSVs are in ../shared/data/solar_neutrinos, "
    "or use path: embedded",
    "fluka_atmospheric": "the FLUKA tables are in ../shared/data/atmospheric_neutrinos/"
    "FLUKA_sub-GeV, or use path: embedded",
    "profile": "the public Garching profiles are in ../shared/data/sn_profiles "
    '(README "Using your own SN profile")',
    "external": "correct the path or remove the entry",
}


def _input_paths(config: dict):
    """(key, path, hint) of every input file or directory the config names that is a rule
    input. Not the constraints releases: their jobs skip or explain a missing release."""
    for name, entry in (config.get("snapshots") or {}).items():
        yield f"snapshots.{name}.path", (entry or {}).get("path"), _DATA_HINTS["profile"]
    for name, path in ((config.get("radial") or {}).get("garching_profiles") or {}).items():
        yield f"radial.garching_profiles.{name}", path, _DATA_HINTS["profile"]
    for name, block in (config.get("sources") or {}).items():
        path = (block or {}).get("path", "embedded")
        hint = _DATA_HINTS.get((block or {}).get("loader"), "or use path: embedded")
        if isinstance(path, Mapping):
            for part, sub in path.items():
                yield f"sources.{name}.path.{part}", sub, hint
        elif path != "embedded":
            yield f"sources.{name}.path", path, hint
    limits = (config.get("sensitivity") or {}).get("external_limits") or []
    for i, entry in enumerate(limits):
        yield f"sensitivity.external_limits[{i}].path", entry.get("path"), _DATA_HINTS["external"]


def check_paths(config: dict, base: str | os.PathLike = ".") -> None:
    """Every input file the config names must exist before the DAG is built (else Snakemake
    stops with a multi-line MissingInputException that names no config key).

    Parameters
    ----------
    base : path
        The directory relative paths are relative to (the working directory of the run).

    Raises
    ------
    ConfigError
        One line: the key, the path, and where to get the data.
    """
    for key, path, hint in _input_paths(config):
        if isinstance(path, str) and not os.path.exists(os.path.join(base, path)):
            raise ConfigError(
                f"config: {key} = {path!r}: not found; correct the path (relative paths "
                f"start at the workflow directory) - {hint}"
            )


#: The workflow's config schema (the one source of defaults and bounds). It ships inside the
#: package so that a non-editable install (a cluster venv) validates like the checkout;
#: ``workflow/schemas/config.schema.yaml`` is a link to it, where Snakemake users look.
SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "schemas", "config.schema.yaml")
_SCHEMA_CACHE: dict[str, dict] = {}


def validate_block(block: Mapping[str, Any], pointer: str, where: Sequence[str]) -> dict:
    """Validate one config block against a part of the schema and fill its defaults.

    For library entry points that take a single block (``Detector.from_config``,
    ``SensitivityPlan.from_config``): the schema stays the only source of defaults and bounds.

    Parameters
    ----------
    block : mapping
        The block, e.g. ``config["detectors"]["darwin"]`` (not modified).
    pointer : str
        Path of the sub-schema, e.g. ``definitions/detector`` or ``properties/sensitivity``.
    where : sequence of str
        Config keys leading to the block, used in the message (``("detectors", "darwin")``).

    Returns
    -------
    dict
        A validated copy with the schema defaults filled in.

    Raises
    ------
    ConfigError
        One line naming the full key (``config: detectors.darwin.mass_t = 0 is out of range``).
    """
    schema = _schema(SCHEMA_PATH)
    sub: Any = schema
    for part in pointer.strip("/").split("/"):
        sub = sub[part]
    full = {**sub, "definitions": schema.get("definitions", {})}
    instance = copy.deepcopy(dict(block))
    errors = sorted(
        _DefaultingValidator(full).iter_errors(instance), key=lambda e: len(e.absolute_path)
    )
    if errors:
        chosen = max(errors, key=lambda e: len(e.absolute_path))
        for key in reversed(list(where)):
            chosen.path.appendleft(key)
        raise ConfigError(format_error(chosen))
    return instance
