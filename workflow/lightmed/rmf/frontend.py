"""xarray front end of the rmf stage: solve every shell of a profile artifact."""

from __future__ import annotations

import dataclasses

import numpy as np
import xarray as xr

from lightmed.errors import ConvergenceError, InputError

from .presets import RMFParameters, get_preset
from .solver import RMFConvergenceError, solve_shells

#: Artifact variables of the rmf stage: name -> (units, long_name).
RMF_VARIABLES: dict[str, tuple[str, str]] = {
    "effective_mass": ("MeV", "nucleon Dirac effective mass m* = M + g_sigma sigma"),
    "mu_n_eff": ("MeV", "neutron effective chemical potential mu*_n"),
    "mu_p_eff": ("MeV", "proton effective chemical potential mu*_p"),
    "mu_n": ("MeV", "neutron chemical potential (with rest mass)"),
    "mu_p": ("MeV", "proton chemical potential (with rest mass)"),
    "mu_e": ("MeV", "electron chemical potential (with rest mass)"),
    "mu_nu": ("MeV", "electron-neutrino chemical potential"),
    "proton_fraction": ("1", "proton fraction Y_p = Y_e"),
    "neutrino_fraction": ("1", "net electron-neutrino fraction Y_nu"),
    "solver_residual": ("1", "maximum relative residual of the RMF equations"),
    "sigma_mev": ("MeV", "sigma meson mean field"),
    "omega_mev": ("MeV", "omega meson mean field"),
    "rho_mev": ("MeV", "rho meson mean field"),
}

#: Profile column that closes the equations in each lepton mode.
_FRACTION_FOR_MODE = {
    "fixed_lepton_fraction": "lepton_fraction",
    "fixed_proton_fraction": "electron_fraction",
    "beta_equilibrium_zero_mu_nu": None,
}


def solve_profile(
    profile: xr.Dataset,
    *,
    preset: str,
    lepton_mode: str,
    overrides: dict | None = None,
    neutrino_degeneracy: float = 2.0,
    tolerance: float = 1e-10,
) -> xr.Dataset:
    """Solve every shell of a profile artifact; return the rmf artifact's Dataset.

    Parameters
    ----------
    profile : xarray.Dataset
        Profile artifact (dim ``shell``): ``temperature`` [MeV], ``baryon_density`` [fm^-3],
        ``lepton_fraction`` [1] (and ``electron_fraction`` for ``fixed_proton_fraction``).
    preset : str
        Key of :data:`PRESETS`.
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
        Variables of :data:`RMF_VARIABLES` plus the profile's shell variables.

    Raises
    ------
    InputError
        Unknown mode, or the profile lacks the column the mode needs.
    ConvergenceError
        A shell did not converge; the message names the shell and its inputs.
    """
    if lepton_mode not in _FRACTION_FOR_MODE:
        raise InputError(
            f"unknown lepton_mode {lepton_mode!r}; choose one of {', '.join(_FRACTION_FOR_MODE)}"
        )
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
    for name in profile.data_vars:
        if name not in out:
            out[name] = profile[name]
    out.attrs.update(
        rmf_preset=params.name,
        rmf_parameters=str(dataclasses.asdict(params)),
        lepton_mode=lepton_mode,
        neutrino_degeneracy=float(neutrino_degeneracy),
    )
    return out
