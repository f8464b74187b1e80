"""xarray front end of the rmf stage: the nuclear medium of every shell of a profile artifact.

A *medium* (config ``rmf.media``, the ``{medium}`` wildcard) is either an RMF parameter set
solved shell by shell (:func:`solve_profile`; keys ``c21``, ``tm1``, ``nl3``, ``dd2`` = the
lower-case :data:`~lightmed.rmf.presets.PRESETS` keys) or ``profile``: the simulation's own
effective masses and potentials (:func:`lightmed.rmf.medium.profile_medium`). Both return the
same variables (:data:`RMF_VARIABLES`), so every later stage reads them alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np
import xarray as xr

from lightmed.errors import ConvergenceError, InputError
from lightmed.io import json_attr

from .presets import PRESETS, RMFParameters, get_preset
from .solver import RMFConvergenceError, solve_shells

#: Media keys: the RMF presets (lower case) and the simulation's own medium.
MEDIA: tuple[str, ...] = (*(name.lower() for name in PRESETS), "profile")

#: Artifact variables of the rmf stage: name -> (units, long_name).
RMF_VARIABLES: dict[str, tuple[str, str]] = {
    "effective_mass": (
        "MeV",
        "neutron Dirac effective mass m*_n (= the nucleon m* when m_n = m_p)",
    ),
    "effective_mass_n": ("MeV", "neutron Dirac effective mass m*_n"),
    "effective_mass_p": ("MeV", "proton Dirac effective mass m*_p"),
    "mu_n_eff": ("MeV", "neutron effective chemical potential mu*_n"),
    "mu_p_eff": ("MeV", "proton effective chemical potential mu*_p"),
    "mu_n": ("MeV", "neutron chemical potential (with rest mass)"),
    "mu_p": ("MeV", "proton chemical potential (with rest mass)"),
    "mu_e": ("MeV", "electron chemical potential (with rest mass)"),
    "mu_nu": ("MeV", "electron-neutrino chemical potential (the one the criteria use)"),
    "proton_fraction": ("1", "proton fraction Y_p (RMF: = Y_e)"),
    "neutrino_fraction": ("1", "net electron-neutrino fraction Y_nu"),
    "solver_residual": ("1", "maximum relative residual of the RMF equations"),
    "sigma_mev": ("MeV", "sigma meson mean field"),
    "omega_mev": ("MeV", "omega meson mean field"),
    "rho_mev": ("MeV", "rho meson mean field"),
    "rearrangement_mev": (
        "MeV",
        "rearrangement self-energy of density-dependent couplings (0 for constant couplings)",
    ),
}

#: Profile column that closes the equations in each lepton mode.
_FRACTION_FOR_MODE = {
    "fixed_lepton_fraction": "lepton_fraction",
    "fixed_proton_fraction": "electron_fraction",
    "beta_equilibrium_zero_mu_nu": None,
}


def check_lepton_mode(lepton_mode: str) -> None:
    """Raise :class:`InputError` for an unknown lepton mode."""
    if lepton_mode not in _FRACTION_FOR_MODE:
        raise InputError(
            f"unknown lepton_mode {lepton_mode!r}; choose one of {', '.join(_FRACTION_FOR_MODE)}"
        )


def carry_profile_variables(
    out: xr.Dataset,
    profile: xr.Dataset,
    *,
    lepton_mode: str,
    not_imposed: Iterable[str] = (),
) -> xr.Dataset:
    """Copy the profile's shell variables into an rmf dataset.

    A profile variable whose name the medium also defines (``mu_nu``, ``mu_n``,
    ``effective_mass_n``, ...) is carried as ``<name>_profile`` next to the medium's value,
    e.g. the simulation's own ``mu_nu_profile`` beside the solved ``mu_nu``. A fraction in
    ``not_imposed`` (one the lepton mode does not keep, so not the medium's: its Y_e is
    ``proton_fraction``, its Y_L ``proton_fraction + neutrino_fraction``) says so in its
    long_name.
    """
    not_imposed = set(not_imposed)
    for name in profile.data_vars:
        target = f"{name}_profile" if name in out else name
        var = profile[name].copy()
        long_name = var.attrs.get("long_name", name)
        if target != name:
            var.attrs["long_name"] = f"profile's own {long_name}"
        elif name in not_imposed:
            var.attrs["long_name"] = (
                f"{long_name} of the profile, not imposed (lepton_mode {lepton_mode})"
            )
        out[target] = var
    return out


def solve_profile(
    profile: xr.Dataset,
    *,
    preset: str,
    lepton_mode: str,
    overrides: dict | None = None,
    neutrino_degeneracy: float = 2.0,
    tolerance: float = 1e-10,
) -> xr.Dataset:
    """Solve every shell of a profile artifact with an RMF preset; return the rmf Dataset.

    Parameters
    ----------
    profile : xarray.Dataset
        Profile artifact (dim ``shell``): ``temperature`` [MeV], ``baryon_density`` [fm^-3],
        ``lepton_fraction`` [1] (and ``electron_fraction`` for ``fixed_proton_fraction``).
    preset : str
        Key of :data:`~lightmed.rmf.presets.PRESETS`.
    lepton_mode : str
        ``fixed_lepton_fraction`` | ``beta_equilibrium_zero_mu_nu`` | ``fixed_proton_fraction``.
    overrides : dict, optional
        Single-parameter replacements of the preset (field names of :class:`RMFParameters`).
    neutrino_degeneracy : float
        g_nu of the trapped neutrinos [1].
    tolerance : float
        Accepted relative residual [1].

    Returns
    -------
    xarray.Dataset
        Variables of :data:`RMF_VARIABLES` plus the profile's shell variables (see
        :func:`carry_profile_variables`).

    Raises
    ------
    InputError
        Unknown mode, or the profile lacks the column the mode needs.
    ConvergenceError
        A shell did not converge; the message names the shell and its inputs.
    """
    check_lepton_mode(lepton_mode)
    params = get_preset(preset)
    if overrides:
        unknown = set(overrides) - set(RMFParameters.__dataclass_fields__)
        if unknown:
            raise InputError(f"unknown RMF parameter override(s): {', '.join(sorted(unknown))}")
        params = dataclasses.replace(params, **overrides)
    column = _FRACTION_FOR_MODE[lepton_mode]
    if column is not None and column not in profile:
        raise InputError(
            f"lepton_mode {lepton_mode} needs the profile column '{column}', which "
            f"{profile.attrs.get('profile_source', 'the profile')} does not have"
        )
    temperature = profile["temperature"].to_numpy()
    density = profile["baryon_density"].to_numpy()
    fraction = profile[column].to_numpy() if column is not None else None
    try:
        solution = solve_shells(
            temperature,
            density,
            fraction,
            lepton_mode=lepton_mode,
            params=params,
            neutrino_degeneracy=neutrino_degeneracy,
            tolerance=tolerance,
        )
    except RMFConvergenceError as exc:
        raise ConvergenceError(
            f"RMF solve failed for {profile.attrs.get('profile_source', 'profile')}: {exc}"
        ) from exc
    out = xr.Dataset(coords={"shell": profile["shell"]})
    for name, (units, long_name) in RMF_VARIABLES.items():
        out[name] = xr.DataArray(
            np.asarray(solution[name], dtype=float),
            dims="shell",
            attrs={"units": units, "long_name": long_name},
        )
    carry_profile_variables(
        out,
        profile,
        lepton_mode=lepton_mode,
        not_imposed=[
            name
            for name in ("lepton_fraction", "electron_fraction")
            if name != _FRACTION_FOR_MODE[lepton_mode]
        ],
    )
    out.attrs.update(
        medium=preset.lower(),
        rmf_preset=params.name,
        rmf_parameters=json_attr(dataclasses.asdict(params)),
        rmf_reference=params.reference,
        lepton_mode=lepton_mode,
        neutrino_degeneracy=float(neutrino_degeneracy),
    )
    return out


def solve_medium(
    profile: xr.Dataset,
    *,
    medium: str,
    lepton_mode: str,
    neutrino_degeneracy: float,
    overrides: dict | None = None,
    tolerance: float = 1e-10,
    profile_mu_eff: str = "potentials",
) -> xr.Dataset:
    """The rmf artifact's Dataset for one medium key of :data:`MEDIA`.

    RMF media are solved by :func:`solve_profile` (with ``overrides`` and ``tolerance``);
    ``profile`` takes the simulation's own medium (:func:`lightmed.rmf.medium.profile_medium`
    with ``profile_mu_eff``; no overrides).
    """
    if medium == "profile":
        from .medium import profile_medium

        return profile_medium(
            profile,
            lepton_mode=lepton_mode,
            neutrino_degeneracy=neutrino_degeneracy,
            mu_eff=profile_mu_eff,
        )
    if medium not in MEDIA:
        raise InputError(f"unknown medium {medium!r}; choose one of {', '.join(MEDIA)}")
    return solve_profile(
        profile,
        preset=medium.upper(),
        lepton_mode=lepton_mode,
        overrides=overrides,
        neutrino_degeneracy=neutrino_degeneracy,
        tolerance=tolerance,
    )
