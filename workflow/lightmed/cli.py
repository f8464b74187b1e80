"""The ``lightmed`` console command: list registries and config entries, summarise artifacts.

Usage (docs/README.md)::

    lightmed list models|detectors|targets|criteria|sources [--configfile FILE ...]
    lightmed show results/bounds/sn_core_bl_vector.nc [--all]
    lightmed --version

``list`` prints one line per entry: the built-in presets of the registries and what the
configuration defines. The configuration is read as Snakemake reads it: ``config/config.yaml``
of the current directory (the workflow directory) when it exists, updated recursively by each
``--configfile`` in turn, then validated against the schema (defaults filled in) and
cross-checked; ``--no-default-config`` skips ``config/config.yaml``.

``show`` prints a one-screen summary of any NetCDF result file (stage and schema, title,
dimensions, coordinates, variables with units, key attributes, history) and, for files with a
``coupling_bound`` on a ``mass`` axis (SN-core bounds, sensitivities, constraints), the bound at
a few masses.

Expected errors (a missing or unreadable file, a YAML syntax error, an invalid config) print
exactly one line ``lightmed: error: ...`` on stderr and exit with status 2. Start-up is fast:
xarray is imported only by ``show``, the SN-core modules only by ``list criteria``.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, TextIO

from . import __version__
from .cli_show import _fmt, _table, show_artifact
from .errors import ConfigError, LightmedError

#: Exit status of an expected error (bad input, bad config, unreadable file).
EXIT_ERROR = 2
#: The configuration Snakemake reads from the workflow directory (the Snakefile's configfile).
DEFAULT_CONFIG = Path("config") / "config.yaml"
#: Flavour of the species whose diffusion the SN-core criteria constrain (SN 1987A: nubar_e).
_OBSERVED_FLAVOUR = "e"
LIST_WHAT: tuple[str, ...] = ("models", "detectors", "targets", "criteria", "sources")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (exit status 2, no usage block)."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"lightmed: error: {message} (see lightmed --help)\n")
        sys.exit(EXIT_ERROR)


def schema_path() -> Path:
    """The workflow's config schema (``workflow/schemas/config.schema.yaml``)."""
    from .config import SCHEMA_PATH

    return Path(SCHEMA_PATH)


# ------------------------------------------------------------------------------------ config
def _read_yaml(path: Path) -> dict:
    import yaml

    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: YAML syntax error: {problem}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a config file must be a YAML mapping of sections")
    return data


def _update(base: dict, extra: Mapping) -> dict:
    """Recursive update, as Snakemake merges ``--configfile`` files into the workflow config."""
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _update(base[key], value)
        else:
            base[key] = value
    return base


@dataclass(frozen=True)
class LoadedConfig:
    """A configuration as the pipeline sees it.

    Attributes
    ----------
    config : dict
        Validated, schema defaults filled in (what the rules get).
    given : dict
        The merged files before defaults (what the user wrote).
    files : tuple of str
        The files read, in merge order.
    """

    config: dict
    given: dict
    files: tuple[str, ...]


def load_config(
    configfiles: Sequence[str | Path] = (), use_default: bool = True
) -> LoadedConfig | None:
    """Read, merge, validate and cross-check the configuration (None if there is no file).

    Raises
    ------
    ConfigError
        A missing file, a YAML syntax error (with line and column) or an invalid config (the
        schema's one-line message, prefixed with the files read).
    """
    from .config import check_references, validate_config

    files: list[Path] = []
    if use_default and DEFAULT_CONFIG.is_file():
        files.append(DEFAULT_CONFIG)
    files.extend(Path(f) for f in configfiles)
    if not files:
        return None
    given: dict = {}
    for path in files:
        _update(given, _read_yaml(path))
    names = tuple(str(f) for f in files)
    schema = schema_path()
    if not schema.is_file():
        raise ConfigError(f"{schema}: config schema not found (install lightmed editable: pip -e)")
    config = copy.deepcopy(given)
    try:
        validate_config(config, schema)
        check_references(config)
    except ConfigError as exc:
        raise ConfigError(f"{' + '.join(names)}: {exc}") from None
    return LoadedConfig(config, given, names)


# ---------------------------------------------------------------------------------- printing
def _charges(charges: Mapping[str, float], order: Sequence[str]) -> str:
    """``u,d=1`` style: keys with equal charges grouped, in registry order; zeros left out."""
    groups: dict[str, list[str]] = {}
    for key in order:
        value = float(charges.get(key, 0.0))
        if value != 0.0:
            groups.setdefault(_fmt(value, fractions=True), []).append(key)
    return " ".join(f"{','.join(keys)}={val}" for val, keys in groups.items()) or "-"


def _short_citation(text: str) -> str:
    return text.split(" (")[0].strip()


def _header(out: TextIO, what: str) -> None:
    out.write(f"# {what}\n")


# ------------------------------------------------------------------------------------- lists
def list_models(cfg: LoadedConfig | None, out: TextIO) -> None:
    """Models of the config (what the pipeline computes) first, then the other presets."""
    from .models import FLAVOURS, PRESETS, QUARKS, registry_from_config

    config = cfg.config if cfg else None
    configured = registry_from_config(config["models"]) if config else {}
    flags: dict[str, str] = {}
    if config:
        from .smk.models import detector_models, sn_core_models

        core, det = set(sn_core_models(config)), set(detector_models(config))
        for name, entry in config["models"].items():
            parts = [p for p, on in (("sn_core", name in core), ("detectors", name in det)) if on]
            if entry.get("sn_core", True) and name not in core:
                parts.append("(sn_core n/a)")
            flags[name] = " ".join(parts) or "off"
    models = {**configured, **{k: v for k, v in PRESETS.items() if k not in configured}}
    rows = []
    for name, model in models.items():
        if name not in configured:
            origin = "preset"
        elif name in PRESETS and PRESETS[name] == model:
            origin = "preset"
        elif name in PRESETS or config["models"][name].get("preset"):
            origin = "config*"
        else:
            origin = "config"
        c_n = model.nucleon_charges
        scalar_note = f" [{model.sigma_terms}]" if model.spin == "scalar" else ""
        nature = model.nature + (f"/{model.lepton_number}" if model.lepton_number else "")
        status = model.sn_core_status(_OBSERVED_FLAVOUR)
        criteria = ", ".join(model.criteria) if not status else "n/a: " + status.split(": ", 1)[-1]
        rows.append(
            [
                name,
                origin,
                model.spin,
                _charges(model.quark_charges, QUARKS),
                f"{_fmt(c_n['p'])}, {_fmt(c_n['n'])}{scalar_note}",
                _charges(model.neutrino_charges, FLAVOURS),
                f"{model.coupling.name} ({model.coupling.normalisation})",
                nature,
                flags.get(name, "-"),
                criteria,
            ]
        )
    headers = ["NAME", "ORIGIN", "SPIN", "QUARK q", "c_p, c_n", "NEUTRINO q", "COUPLING",
               "NATURE", "PIPELINE", "SN-CORE CRITERIA"]  # fmt: skip
    _header(out, "mediator models (lightmed.models; docs/models.md)")
    _table(out, headers, rows)
    out.write(
        "# ORIGIN config* = a preset changed by the config; c_p, c_n = nucleon charges per unit "
        "coupling [scalar: sigma-term preset]; PIPELINE = stages the config runs\n"
    )


def _nuclei_summary(target) -> tuple[str, float]:
    """``Xe (Z=54): 9 isotopes A=124-136`` per element and the mean A per formula unit."""
    parts = []
    for element in target.elements():
        nuclei = [n for n in target.nuclei if n.element == element]
        count = sum(n.per_formula for n in nuclei)
        stoich = f" x{_fmt(count)}" if abs(count - 1.0) > 1e-9 else ""
        a_values = sorted(n.A for n in nuclei)
        if len(nuclei) == 1:
            iso = f"A={a_values[0]}"
        else:
            iso = f"{len(nuclei)} isotopes A={a_values[0]}-{a_values[-1]}"
        parts.append(f"{element} (Z={nuclei[0].Z}){stoich}: {iso}")
    return "; ".join(parts), target.formula_mass


def list_targets(cfg: LoadedConfig | None, out: TextIO) -> None:
    """User targets of the config, then the presets; which detectors use each."""
    from .targets import TARGETS, get_target

    config = cfg.config if cfg else None
    user = dict(config.get("targets", {})) if config else {}
    used: dict[str, list[str]] = {}
    for det, block in (config or {}).get("detectors", {}).items():
        used.setdefault(block["target"], []).append(det)
    names = [*user, *[t for t in TARGETS if t not in user]]
    rows = []
    for name in names:
        target = get_target(name, user)
        nuclei, mass = _nuclei_summary(target)
        rows.append(
            [
                name,
                "config" if name in user else "preset",
                f"{mass:.2f}",
                target.form_factor,
                ", ".join(used.get(name, [])) or "-",
                f"{nuclei}  [{_short_citation(target.citation)}]",
            ]
        )
    _header(out, "CEvNS targets (lightmed.targets; docs/targets.md)")
    _table(out, ["NAME", "ORIGIN", "A/FORMULA", "FORM FACTOR", "USED BY", "NUCLEI  [SOURCE]"], rows)


def list_detectors(cfg: LoadedConfig | None, out: TextIO) -> None:
    """The config's detectors (there are no detector presets)."""
    _header(out, "CEvNS detectors (config `detectors`)")
    config = cfg.config if cfg else None
    if not config:
        out.write("# detectors are defined in the config only; none without one\n")
        return
    from .targets import get_target

    known = ("target", "mass_t", "threshold_kev", "bin_width_kev", "efficiency")
    rows = []
    for name, block in config["detectors"].items():
        target = get_target(block["target"], config.get("targets", {}))
        nuclei, _ = _nuclei_summary(target)
        other = ", ".join(f"{k}={v}" for k, v in block.items() if k not in known)
        rows.append(
            [
                name,
                f"{block['target']} [{nuclei}]",
                _fmt(block["mass_t"]),
                _fmt(block.get("threshold_kev", float("nan"))),
                _fmt(block.get("bin_width_kev", float("nan"))),
                str(block.get("efficiency", "-")),
                other or "-",
            ]
        )
    headers = ["NAME", "TARGET [NUCLEI]", "MASS [t]", "THRESHOLD [keV]", "BIN [keV]",
               "EFFICIENCY", "OTHER"]  # fmt: skip
    _table(out, headers, rows)
    combos = config.get("sensitivity", {}).get("combos", [])
    if combos:
        out.write(f"# combinations analysed together (sensitivity.combos): {', '.join(combos)}\n")


def list_sources(cfg: LoadedConfig | None, out: TextIO) -> None:
    """The config's sources (settings as written, defaults left out) and the embedded presets."""
    from . import flux_presets

    _header(out, "neutrino sources (config `sources`; embedded presets of lightmed.flux_presets)")
    if cfg:
        rows = []
        given = cfg.given.get("sources") or {}
        for name, block in cfg.config["sources"].items():
            path = block.get("path", "embedded")
            if path == "embedded" and "garching" in str(block.get("loader")):
                where = f"embedded: {block.get('embedded_preset', '?')}"
            else:
                where = str(path)
            skip = {"loader", "path", "embedded_preset"}
            written = given.get(name) or {}
            settings = ", ".join(
                f"{k}={'null' if v is None else v}" for k, v in written.items() if k not in skip
            )
            rows.append([name, str(block.get("loader", "-")), where, settings or "-"])
        for name, members in cfg.config.get("sensitivity", {}).get("marginalised", {}).items():
            rows.append([name, "(marginalised)", "-", f"weaker bound of {', '.join(members)}"])
        _table(out, ["NAME", "LOADER", "PATH / PRESET", "SETTINGS (as written)"], rows)
    else:
        out.write("# sources are defined in the config; the embedded presets below need no file\n")
    rows = []
    for name, preset in getattr(flux_presets, "SN_PINCHED", {}).items():
        origin = preset.get("derived_from", "?")
        rows.append([name, "garching_emission", f"pinched spectra derived from {origin}"])
    for name, norm in getattr(flux_presets, "SSM_PRESETS", {}).items():
        text = ", ".join(f"{k} {v:.3g}" for k, v in norm.items())
        rows.append([name, "solar_spectra (ssm)", f"total fluxes [cm^-2 s^-1]: {text}"])
    if rows:
        out.write("# embedded presets (resources/fluxes/REFERENCE.md)\n")
        _table(out, ["PRESET", "USED BY", "CONTENT"], rows)


_SHELL = "[C21] shells, docs/physics.md §4.1-4.2"
_RADIAL = "[ST21] radial, docs/physics.md §4.3"


def _optional_module(name: str):
    """The module ``name`` or None when it does not exist (modules move between releases)."""
    import importlib

    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def _describe(entry, settings: Mapping) -> str:
    """A criterion's text: a plain string, or (..., template, equation) with config thresholds."""
    if isinstance(entry, str):
        return entry
    *_, template, equation = entry
    try:
        text = template.format(**settings)
    except (KeyError, IndexError, ValueError):
        text = template
    return f"{text} ({equation})"


def _criteria_catalogue(config: Mapping) -> tuple[dict[str, tuple[str, str]], object]:
    """{criterion: (method, description)} and a function model -> radial criteria that apply.

    Read from the modules that evaluate the criteria: ``lightmed.sn_core.CRITERIA`` or
    ``lightmed.diffusion.CRITERION_DESCRIPTION`` (shell method), ``lightmed.radial``
    (``RADIAL_CRITERIA``/``radial_criteria`` or ``RADIAL_DESCRIPTION``), with the thresholds
    of the config.
    """
    found: dict[str, tuple[str, str]] = {}
    diffusion_cfg, radial_cfg = config.get("diffusion", {}), config.get("radial", {})
    sn_core = _optional_module("lightmed.sn_core")
    diffusion = _optional_module("lightmed.diffusion")
    shell = dict(
        getattr(sn_core, "CRITERIA", {}) or getattr(diffusion, "CRITERION_DESCRIPTION", {})
    )
    for key, entry in shell.items():
        found[key] = (_SHELL, _describe(entry, diffusion_cfg))
    radial = _optional_module("lightmed.radial")
    table = dict(getattr(radial, "RADIAL_DESCRIPTION", {}) or {})
    legacy = dict(getattr(radial, "RADIAL_CRITERIA", {}) or {})
    if not table:  # criterion -> (template, equation)
        table, legacy = legacy, {}
    for key, entry in table.items():
        found.setdefault(key, (_RADIAL, _describe(entry, radial_cfg)))
    applies_fn = getattr(radial, "radial_criteria", None)

    def radial_applies(name: str, model) -> set[str]:
        if applies_fn is not None:
            return {crit for crit, why in applies_fn(model).items() if not why}
        return set(legacy.get(name, ()))

    return found, radial_applies


def list_criteria(cfg: LoadedConfig | None, out: TextIO) -> None:
    """SN-core criteria of both methods, with the models (config's, else presets) they apply to."""
    from .models import ALL_CRITERIA, PRESETS

    if cfg:
        from .smk.models import registry, sn_core_models

        config = cfg.config
        reg = registry(config)
        names = sn_core_models(config)
    else:
        from .config import validate_config

        config = validate_config({}, schema_path())  # the schema's default thresholds
        reg = dict(PRESETS)
        names = [n for n, m in reg.items() if not m.sn_core_status(_OBSERVED_FLAVOUR)]
    described, radial_applies = _criteria_catalogue(config)
    radial = {n: radial_applies(n, reg[n]) for n in names}
    rows = []
    for crit in [*ALL_CRITERIA, *[c for c in described if c not in ALL_CRITERIA]]:
        method, text = described.get(crit, ("-", "-"))
        if crit in ALL_CRITERIA:
            applies = [n for n in names if crit in reg[n].criteria]
        else:
            applies = [n for n in names if crit in radial[n]]
        rows.append([crit, method, ", ".join(applies) or "-", text])
    what = "SN-core criteria" + (" (models: the config's SN-core models)" if cfg else "")
    _header(out, what)
    _table(out, ["NAME", "METHOD", "APPLIES TO", "DESCRIPTION"], rows)


LISTERS = {
    "models": list_models,
    "detectors": list_detectors,
    "targets": list_targets,
    "criteria": list_criteria,
    "sources": list_sources,
}


# -------------------------------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lightmed",
        description="List lightmed's models, targets, detectors, criteria and sources, or "
        "summarise a result file. Documentation: docs/README.md.",
    )
    parser.add_argument("--version", action="version", version=f"lightmed {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{list,show}", parser_class=_Parser)
    sub.required = True
    p_list = sub.add_parser(
        "list",
        help="one line per model, detector, target, criterion or source",
        description="Presets of the registries and what the configuration defines. The "
        "configuration is read like Snakemake does: config/config.yaml of the current "
        "directory (if present), updated by each --configfile.",
    )
    p_list.add_argument("what", choices=LIST_WHAT)
    p_list.add_argument(
        "--configfile",
        action="append",
        default=[],
        metavar="FILE",
        help="config file merged over config/config.yaml (repeatable, like snakemake's)",
    )
    p_list.add_argument(
        "--no-default-config",
        action="store_true",
        help="do not read config/config.yaml of the current directory",
    )
    p_show = sub.add_parser(
        "show",
        help="one-screen summary of a result file (.nc)",
        description="Stage, schema, title, dimensions, variables with units, attributes, "
        "history and, for bound files, the bound at a few masses.",
    )
    p_show.add_argument("artifact", help="a NetCDF file under results/")
    p_show.add_argument(
        "--all", action="store_true", help="every variable, attribute and history line, unclipped"
    )
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command; return the exit status (0, or 2 after a one-line error)."""
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        if args.command == "list":
            cfg = load_config(args.configfile, not args.no_default_config)
            origin = " + ".join(cfg.files) if cfg else "none (presets only; see --configfile)"
            _header(out, f"lightmed {__version__}; config: {origin}")
            LISTERS[args.what](cfg, out)
        else:
            show_artifact(args.artifact, out, full=args.all)
    except LightmedError as exc:
        sys.stderr.write(f"lightmed: error: {' '.join(str(exc).split())}\n")
        return EXIT_ERROR
    except BrokenPipeError:  # e.g. `lightmed list models | head`: stop quietly
        if out is sys.stdout:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
    return 0


def console() -> NoReturn:
    """Entry point of the ``lightmed`` console script."""
    sys.exit(main())


if __name__ == "__main__":
    console()
