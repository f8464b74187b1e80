"""Fluxes at Earth: the six species after the configured flavour conversion, per source.

:func:`load_source` turns one ``sources:`` config block into the dataset the ``ingest_flux``
rule writes to ``results/fluxes/{source}.nc`` (schema ``lightmed.fluxes/1``):

* ``flavour`` = :data:`EARTH_FLAVOURS` (``multiplicity`` = 1 each, kept so
  :func:`~lightmed.fluxes.schema.all_flavour_spectrum` works on any flux dataset);
* ``fluence`` or ``flux`` at Earth, and ``fluence_emitted`` / ``flux_emitted`` on
  ``emitted_flavour``: the loader's spectra before any conversion (SN ``nux`` is one heavy
  species, ``emitted_multiplicity`` 4);
* solar only: ``flux_component`` (per production branch, unoscillated) and
  ``electron_survival_probability`` (per branch, 1 without oscillation);
* attributes: ``oscillation`` (the option), ``oscillation_description`` (what it means and
  what it neglects), ``oscillation_parameters`` (every number and its citation), the loader's
  provenance (``loader``, ``origin``, paths, ``input_sha256``).

Every option conserves the all-flavour spectrum to round-off (the probabilities of each
emitted flavour sum to one over the final flavours), so flavour-blind rates do not change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .. import flux_presets as presets
from .. import oscillations as osc
from ..errors import ConfigError
from ..io import with_attrs
from .atmospheric import atmospheric_parametrisation, fluka_atmospheric
from .schema import EARTH_FLAVOURS, make_spectrum_dataset, spectrum_units
from .solar import solar_beta_spectra, solar_spectra
from .supernova import garching_emission, pinched_sn

LOADERS = ("garching_emission", "solar_spectra", "fluka_atmospheric")

#: Flavour-conversion options per loader (the config schema lists the same and the defaults).
OSCILLATIONS: dict[str, tuple[str, ...]] = {
    "garching_emission": ("none", "msw_normal", "msw_inverted"),
    "solar_spectra": ("none", "msw_lma"),
    "fluka_atmospheric": ("none", "averaged"),
}

DESCRIPTIONS = {
    "none": "no flavour conversion: the spectra at Earth are the emitted (produced) ones",
    "msw_normal": (
        "adiabatic MSW conversion in the SN envelope, normal ordering (Dighe & Smirnov, PRD 62 "
        "(2000) 033007): nu_e leaves as nu_3, nubar_e as nubar_1, the heavy-lepton species "
        "fill the other mass states; then |U_alpha i|^2 at Earth. No collective "
        "(nu-nu) or shock effects, no Earth matter"
    ),
    "msw_inverted": (
        "adiabatic MSW conversion in the SN envelope, inverted ordering (Dighe & Smirnov, PRD "
        "62 (2000) 033007): nu_e leaves as nu_2, nubar_e as nubar_3, the heavy-lepton species "
        "fill the other mass states; then |U_alpha i|^2 at Earth. No collective "
        "(nu-nu) or shock effects, no Earth matter"
    ),
    "msw_lma": (
        "adiabatic MSW-LMA, day-time: mass-state fractions from the matter mixing angle at "
        "the branch's mean production density of the SSM, then P(e->alpha) = "
        "sum_i p_i |U_alpha i|^2; no Earth matter (no day-night regeneration)"
    ),
    "averaged": (
        "fully averaged vacuum oscillations P(alpha->beta) = sum_i |U_alpha i|^2 |U_beta i|^2 "
        "applied to the whole sky, an approximation: the Delta m^2_31 phase averages for "
        "up-going and horizontal sub-GeV neutrinos but not for down-going ones (L ~ 20 km, "
        "conversion overestimated), the Delta m^2_21 phase only for up-going ones below a few "
        "hundred MeV; no Earth matter"
    ),
}


def _earth_dataset(
    emitted: xr.Dataset, rows: np.ndarray, oscillation: str, params: osc.OscillationParameters
) -> xr.Dataset:
    """Six-flavour dataset at Earth, carrying the emitted spectra and provenance."""
    kind = emitted.attrs["spectrum_kind"]
    attrs = {k: v for k, v in emitted.attrs.items() if k != "spectrum_kind"}
    origin = attrs.pop("origin")
    ds = make_spectrum_dataset(
        emitted["energy"].values, rows, EARTH_FLAVOURS, [1] * 6, kind, origin, **attrs
    )
    ds[kind].attrs["long_name"] += " at Earth"
    units, long_name = spectrum_units(kind)
    ds[f"{kind}_emitted"] = with_attrs(
        xr.DataArray(emitted[kind].values, dims=("emitted_flavour", "energy")),
        units,
        long_name + " as emitted (before flavour conversion)",
    )
    ds = ds.assign_coords(
        emitted_flavour=("emitted_flavour", [str(f) for f in emitted["flavour"].values]),
        emitted_multiplicity=("emitted_flavour", emitted["multiplicity"].values),
    )
    ds["emitted_flavour"].attrs.update(units="1", long_name="emitted neutrino flavour label")
    ds["emitted_multiplicity"].attrs.update(
        units="1", long_name="number of species represented by this emitted entry"
    )
    ds.attrs.update(
        oscillation=oscillation,
        oscillation_description=DESCRIPTIONS[oscillation],
        oscillation_parameters="none" if oscillation == "none" else params.describe(),
    )
    return ds


def _rows(nu: np.ndarray, nubar: np.ndarray) -> np.ndarray:
    """(3 flavours nu, 3 flavours nubar) -> rows in :data:`EARTH_FLAVOURS` order."""
    return np.array([nu[0], nubar[0], nu[1], nubar[1], nu[2], nubar[2]])


def supernova_at_earth(
    emitted: xr.Dataset, oscillation: str, family: str = "nufit52"
) -> xr.Dataset:
    """SN fluence at Earth from the emitted ``nue, nuebar, nux`` (one heavy species).

    ``none``: nu_mu, nubar_mu, nu_tau, nubar_tau each get ``nux``. ``msw_normal`` /
    ``msw_inverted``: mass-state fluences leaving the envelope
    (:func:`lightmed.oscillations.supernova_msw_mass_spectra`), projected with |U_alpha i|^2.
    """
    _check_option("garching_emission", oscillation)
    kind = emitted.attrs["spectrum_kind"]
    nue, nuebar, nux = (emitted[kind].sel(flavour=f).values for f in ("nue", "nuebar", "nux"))
    ordering = "inverted" if oscillation == "msw_inverted" else "normal"
    params = osc.get_parameters(family, ordering)
    if oscillation == "none":
        rows = np.array([nue, nuebar, nux, nux, nux, nux])
    else:
        states_nu, states_nubar = osc.supernova_msw_mass_spectra(nue, nuebar, nux, ordering)
        u2 = osc.pmns_abs2(params)
        rows = _rows(u2 @ states_nu, u2 @ states_nubar)
    return _earth_dataset(emitted, rows, oscillation, params)


def solar_at_earth(emitted: xr.Dataset, oscillation: str, family: str = "nufit52") -> xr.Dataset:
    """Solar flux at Earth: per branch, P(nu_e -> nu_alpha) at its mean production density.

    ``none`` keeps everything in nu_e (the unoscillated total). ``msw_lma`` uses the
    normal-ordering best fit of ``family`` (the solar P_ee depends on the ordering only
    through theta13, < 1e-3 here) and :data:`lightmed.flux_presets.SSM_PRODUCTION_DENSITY`
    of the dataset's ``ssm``.
    """
    _check_option("solar_spectra", oscillation)
    params = osc.get_parameters(family, "normal")
    energy = emitted["energy"].values
    comps = [str(c) for c in emitted["component"].values]
    prob = np.zeros((len(comps), 3, energy.size))
    prob[:, 0] = 1.0
    if oscillation == "msw_lma":
        density = presets.SSM_PRODUCTION_DENSITY[emitted.attrs["ssm"]]
        for k, c in enumerate(comps):
            prob[k] = osc.solar_transition_probabilities(energy, density[c], params)
    nu = np.einsum("cae,ce->ae", prob, emitted["flux_component"].values)
    ds = _earth_dataset(emitted, _rows(nu, np.zeros_like(nu)), oscillation, params)
    ds["flux_component"] = emitted["flux_component"]
    ds["electron_survival_probability"] = with_attrs(
        xr.DataArray(prob[:, 0], dims=("component", "energy")),
        "1",
        "P(nu_e -> nu_e) at Earth per production branch",
    )
    ds = ds.assign_coords(component=emitted["component"])
    if oscillation == "msw_lma":
        for c in comps:
            ds.attrs[f"production_density_{c}_mol_cm3"] = density[c]
    return ds


def atmospheric_at_earth(
    emitted: xr.Dataset, oscillation: str, family: str = "nufit52"
) -> xr.Dataset:
    """Atmospheric flux at Earth from the tabulated ``nue, nuebar, numu, numubar``.

    ``none``: as tabulated, nu_tau = nubar_tau = 0. ``averaged``: F_beta = sum_alpha
    P(alpha -> beta) F_alpha with the fully averaged matrix
    (:func:`lightmed.oscillations.averaged_transition_matrix`, normal-ordering best fit).
    """
    _check_option("fluka_atmospheric", oscillation)
    params = osc.get_parameters(family, "normal")
    f = {k: emitted["flux"].sel(flavour=k).values for k in ("nue", "nuebar", "numu", "numubar")}
    zero = np.zeros_like(f["nue"])
    nu = np.array([f["nue"], f["numu"], zero])
    nubar = np.array([f["nuebar"], f["numubar"], zero])
    if oscillation == "averaged":
        p = osc.averaged_transition_matrix(params)
        nu, nubar = p.T @ nu, p.T @ nubar
    return _earth_dataset(emitted, _rows(nu, nubar), oscillation, params)


AT_EARTH = {
    "garching_emission": supernova_at_earth,
    "solar_spectra": solar_at_earth,
    "fluka_atmospheric": atmospheric_at_earth,
}


def _check_option(loader: str, oscillation: str, key: str = "oscillation") -> None:
    if oscillation not in OSCILLATIONS[loader]:
        raise ConfigError(
            f"{key} = {oscillation!r} is not available for loader {loader}; "
            f"choose one of: {', '.join(OSCILLATIONS[loader])}"
        )


def load_emitted(name: str, block: Mapping[str, Any], base_dir: str | Path = ".") -> xr.Dataset:
    """The loader's dataset (emitted flavours) of one ``sources:`` config block.

    ``loader`` names the file format; ``path: embedded`` selects the analytic default of that
    format instead of reading a file (SN: ``embedded_preset``). Relative paths are resolved
    against ``base_dir``.
    """
    loader = block.get("loader")
    if loader not in LOADERS:
        raise ConfigError(f"sources.{name}.loader: {loader!r} is not one of {', '.join(LOADERS)}")
    path = block.get("path", "embedded")
    embedded = path == "embedded"

    def resolve(p: str) -> Path:
        q = Path(p)
        return q if q.is_absolute() else Path(base_dir) / q

    if loader == "garching_emission":
        dist = float(block.get("distance_kpc", 10.0))
        if embedded:
            key = block.get("embedded_preset", "")
            ds = pinched_sn(key, dist)
            t_cfg = block.get("t_max_s")
            if t_cfg is not None and abs(float(t_cfg) - float(ds.attrs["t_max_s"])) > 1e-3:
                raise ConfigError(
                    f"sources.{name}.t_max_s = {t_cfg} does not match embedded_preset {key!r} "
                    f"(t_max = {ds.attrs['t_max_s']} s); pick the matching preset or a file"
                )
            return ds
        return garching_emission(
            resolve(path), block.get("t_max_s"), dist, float(block.get("t_min_s", 0.0))
        )
    if loader == "solar_spectra":
        ssm = block.get("ssm", "B16-GS98")
        if embedded:
            return solar_beta_spectra(ssm)
        if not isinstance(path, Mapping) or not {"b8", "hep"} <= set(path):
            raise ConfigError(f"sources.{name}.path: needs 'embedded' or a mapping with b8, hep")
        return solar_spectra(resolve(path["b8"]), resolve(path["hep"]), ssm)
    if embedded:
        return atmospheric_parametrisation()
    return fluka_atmospheric(resolve(path))


def load_source(name: str, block: Mapping[str, Any], base_dir: str | Path = ".") -> xr.Dataset:
    """The flux at Earth (six species) of one validated ``sources:`` config block.

    ``block["oscillation"]`` is required (the config schema fills its per-loader default);
    ``oscillation_parameters`` names the preset family (default of the schema: nufit52).
    """
    loader = block.get("loader")
    emitted = load_emitted(name, block, base_dir)
    if "oscillation" not in block:
        raise ConfigError(
            f"sources.{name}.oscillation is missing; choose one of: "
            f"{', '.join(OSCILLATIONS[loader])}"
        )
    _check_option(loader, block["oscillation"], f"sources.{name}.oscillation")
    ds = AT_EARTH[loader](
        emitted, block["oscillation"], block.get("oscillation_parameters", "nufit52")
    )
    ds.attrs.update(loader=loader, neutrino_source=name)
    return ds


def input_digests(paths: list[str | Path]) -> str:
    """``path sha256[:16]`` per input file (every file of a directory), one per line."""
    lines = []
    for p in map(Path, paths):
        files = sorted(q for q in p.iterdir() if q.is_file()) if p.is_dir() else [p]
        for q in files:
            lines.append(f"{q} {hashlib.sha256(q.read_bytes()).hexdigest()[:16]}")
    return "\n".join(lines) if lines else "embedded (no input file)"
