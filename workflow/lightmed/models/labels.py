"""The label registry: what a figure prints for every internal key (README, "Figures and the
report").

Artifacts, file names and config use short keys (``nubar``, ``c21_t1s``, ``dt_2sm``,
``n_scatter_1_nux``, ``resnova3+darwin``); a figure shows the words and symbols below instead.
Model titles and couplings come from the model registry (:mod:`lightmed.models.presets`);
this module holds the rest. A key without an entry is shown as it is (a user's own detector
or snapshot name is the user's label); ``figures.labels`` in the config overrides any entry
(``overrides`` argument of every function).

Criterion labels are built from the artifact's own ``criterion_description`` (the thresholds
it was computed with), so a figure never states a threshold the bound did not use.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

#: Neutrino species and flavours (SN-core ``species``; flux ``flavour``; radial options).
SPECIES: dict[str, str] = {
    "nu": r"$\nu_e$",
    "nubar": r"$\bar\nu_e$",
    "nue": r"$\nu_e$",
    "nuebar": r"$\bar\nu_e$",
    "numu": r"$\nu_\mu$",
    "numubar": r"$\bar\nu_\mu$",
    "nutau": r"$\nu_\tau$",
    "nutaubar": r"$\bar\nu_\tau$",
    "nux": r"$\nu_x$",
    "nu_e": r"$\nu_e$",
    "nubar_e": r"$\bar\nu_e$",
    "nu_x": r"$\nu_x$",
}

#: Neutrino sources of the detector stage (``sources`` keys of the default config); distance
#: and exposure are config values, stated in titles and captions.
SOURCES: dict[str, str] = {
    "sn_ccsn": r"CC SN (27 M$_\odot$)",
    "sn_failed": r"failed SN (40 M$_\odot$)",
    "sn_marginalised": "SN (weaker of CC/failed)",
    "solar": r"solar $^8$B + hep",
    "atmospheric": "atmospheric",
}

#: Shipped detectors (``detectors`` keys of the default config). Masses are not part of the
#: label: they are config values, stated in the captions.
DETECTORS: dict[str, str] = {
    "resnova1": "RES-NOVA-1",
    "resnova3": "RES-NOVA-3",
    "darwin": "DARWIN",
    "xenonnt": "XENONnT",
    "darwin_x1teff": "DARWIN (XENON1T eff.)",
    "xenonnt_x1teff": "XENONnT (XENON1T eff.)",
}

#: Shipped SN snapshots (resources/profiles): the profile, without its time (added from the
#: artifact's ``snapshot_time``).
SNAPSHOTS: dict[str, str] = {
    "c21_t1s": "[C21] profile",
    "c21_t5s": "[C21] profile",
}

#: Nuclear media (``rmf.media``).
MEDIA: dict[str, str] = {
    "c21": "TM1 (M = 939 MeV)",
    "tm1": "TM1",
    "nl3": "NL3",
    "dd2": "DD2",
    "profile": "simulation's own medium",
}

#: Neutrino-energy prescriptions of the SN-core mean free paths.
ENERGY_CHOICES: dict[str, str] = {
    "rosseland": "Rosseland mean",
    "mu_nu_plus_pi_T": r"$E=\mu_\nu+\pi T$",
    "pi_T": r"$E=\pi T$",
    "mu_dirac_plus_pi_T": r"$E=\mu_\nu^{\rm Dirac}+\pi T$",
}

#: Mean-free-path weightings.
WEIGHTINGS: dict[str, str] = {
    "total": "total rate",
    "transport": "transport rate",
    "transport_sink": "transport rate, species-changing terms as sinks",
}

#: SN-core criteria ([C21] shell method, [ST21] radial method): what the criterion tests, in
#: words, and its condition; ``{0}`` is the threshold read from the artifact's description.
CRITERIA: dict[str, tuple[str, str]] = {
    "dt_10s": ("diffusion time", r"$\Delta t$ > {0} s"),
    "dt_2sm": ("diffusion time", r"$\Delta t$ > {0}$\times\Delta t_{{\rm SM}}$"),
    "nur_conversion": (r"$\nu_R$ emission", r"$\nu_L\to\nu_R$ sum > {0}"),
    "nur_retrapping": (r"$\nu_R$ re-trapping", r"sum > {0}"),
    "eos_indicative": ("EoS change (indicative)", r"LNV conversion sum > {0}"),
    "tau_10s": ("diffusion time", r"$\tau$ > {0} s"),
    "tau_100s": ("diffusion time (indicative)", r"$\tau$ > {0} s"),
    "n_scatter_1": (r"$\nu_e$ scatterings", r"$N$ > {0}"),
    "n_scatter_1_nux": (r"$\nu_x$ scatterings", r"$N$ > {0}"),
    "n_scatter_1_numu": (r"$\nu_\mu$ scatterings", r"$N$ > {0}"),
    "n_scatter_1_nutau": (r"$\nu_\tau$ scatterings", r"$N$ > {0}"),
}

#: Flavour conversion of a flux at Earth (``sources.<name>.oscillation``).
OSCILLATIONS: dict[str, str] = {
    "none": "no oscillation",
    "msw_normal": "MSW, normal ordering",
    "msw_inverted": "MSW, inverted ordering",
    "msw_lma": "MSW-LMA",
    "averaged": "averaged vacuum oscillation",
}

#: Detector-stage rate contributions.
TERMS: dict[str, str] = {"sm": "SM", "int": "interference", "np": "new physics"}

_TABLES = (
    SPECIES,
    SOURCES,
    DETECTORS,
    SNAPSHOTS,
    MEDIA,
    ENERGY_CHOICES,
    WEIGHTINGS,
    OSCILLATIONS,
    TERMS,
)
_THRESHOLD = re.compile(r">\s*([0-9][0-9.eE+-]*)")


def power(x: float) -> str:
    """``x`` as mathtext in powers of ten (``3\\times10^{-5}``, ``10^{-3}``; 0.5 stays 0.5),
    for couplings in legends and labels (wrap in ``$...$``)."""
    if x == 0 or not math.isfinite(x) or 1e-2 <= abs(x) < 1e3:
        return f"{x:g}"
    exp = math.floor(math.log10(abs(x)))
    mantissa = f"{x / 10.0**exp:.2g}"
    if mantissa == "10":
        mantissa, exp = "1", exp + 1
    return f"10^{{{exp}}}" if mantissa == "1" else f"{mantissa}\\times10^{{{exp}}}"


def lookup(key: object, table: Mapping[str, str], overrides: Mapping | None = None) -> str:
    """``overrides[key]``, else ``table[key]``, else the key itself."""
    key = str(key)
    if overrides and key in overrides:
        return str(overrides[key])
    return table.get(key, key)


def species(key: object, overrides: Mapping | None = None) -> str:
    return lookup(key, SPECIES, overrides)


def source(key: object, overrides: Mapping | None = None) -> str:
    return lookup(key, SOURCES, overrides)


def detector(key: object, overrides: Mapping | None = None) -> str:
    """A detector or a ``+``-joined combination (``RES-NOVA-3 + DARWIN``)."""
    key = str(key)
    if overrides and key in overrides:
        return str(overrides[key])
    return " + ".join(lookup(d, DETECTORS, overrides) for d in key.split("+"))


def oscillation(key: object, overrides: Mapping | None = None) -> str:
    return lookup(key, OSCILLATIONS, overrides)


def medium(key: object, overrides: Mapping | None = None) -> str:
    return lookup(key, MEDIA, overrides)


def energy_choice(key: object, overrides: Mapping | None = None) -> str:
    return lookup(key, ENERGY_CHOICES, overrides)


def weighting(key: object, overrides: Mapping | None = None) -> str:
    return lookup(key, WEIGHTINGS, overrides)


def snapshot(name: object, time_s: float | None = None, overrides: Mapping | None = None) -> str:
    """``[C21] profile, t_pb = 1 s``: the profile's label and its time after bounce."""
    text = lookup(name, SNAPSHOTS, overrides)
    if time_s is None or not math.isfinite(float(time_s)):
        return text
    return f"{text}, $t_{{\\rm pb}}$ = {float(time_s):.3g} s"


def snapshots(
    entries: Iterable[tuple[object, float | None]], overrides: Mapping | None = None
) -> str:
    """Several snapshots in one label, times of the same profile joined: ``[C21] profile,
    t_pb = 1 s, 5 s``."""
    groups: dict[str, list[str]] = {}
    for name, time_s in entries:
        base = lookup(name, SNAPSHOTS, overrides)
        times = groups.setdefault(base, [])
        if time_s is not None and math.isfinite(float(time_s)):
            t = f"{float(time_s):.3g} s"
            if t not in times:
                times.append(t)
    return "; ".join(
        f"{base}, $t_{{\\rm pb}}$ = {', '.join(times)}" if times else base
        for base, times in groups.items()
    )


def prose(text: str, extra: Mapping[str, str] | None = None) -> str:
    """An artifact's ASCII sentence for a figure: species keys as symbols (``nu_e`` -> nu_e
    in mathtext) and ``extra`` keys (e.g. the model key -> its title) replaced as words."""
    table = {**{k: v for k, v in SPECIES.items() if "_" in k or k.startswith("nu")}}
    table.update(extra or {})
    for key in sorted(table, key=len, reverse=True):
        pattern = rf"(?<![A-Za-z0-9_$\\]){re.escape(key)}(?![A-Za-z0-9_])"
        text = re.sub(pattern, lambda _m, v=table[key]: v, text)
    return text


def threshold(description: str | None) -> str | None:
    """The threshold (first number after '>') of an artifact's criterion description."""
    found = _THRESHOLD.search(description or "")
    if not found:
        return None
    return f"{float(found.group(1).rstrip('.')):g}"


def criterion(key: object, description: str | None = None) -> str:
    """The criterion in words with the threshold its artifact used (``description``):
    ``diffusion time: Delta t > 10 s``; without a readable threshold only the words."""
    key = str(key)
    if key not in CRITERIA:
        return key
    words, condition = CRITERIA[key]
    value = threshold(description)
    return words if value is None else f"{words}: {condition.format(value)}"


def variant(sel: Mapping[str, object], varying: Iterable[str] = ()) -> str:
    """The energy choice / weighting / medium of a curve where the dataset has several."""
    parts = []
    for dim, fn in (("energy_choice", energy_choice), ("weighting", weighting), ("medium", medium)):
        if dim in sel and dim in varying:
            parts.append(fn(sel[dim]))
    return ", ".join(parts)


def internal_keys(extra: Iterable[str] = ()) -> set[str]:
    """Every internal key a figure must not print (tests); ``extra``: more keys, e.g. config's.

    Keys that are ordinary words (``solar``, ``total``) are left out: they may appear in text.
    """
    from .presets import PRESETS

    keys = {k for table in _TABLES for k in table} | set(CRITERIA) | set(PRESETS) | set(extra)
    words = {"solar", "atmospheric", "total", "transport", "profile", "none", "averaged"}
    words |= {"vector", "scalar", "int"}
    return {k for k in keys if k not in words and len(k) > 2}
