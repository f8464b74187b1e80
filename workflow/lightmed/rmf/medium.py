"""The simulation's own nuclear medium (medium ``profile``, issue 12 item 4).

A Garching radial snapshot carries, besides T, n_B and the composition, the nucleon Dirac
effective masses m*_N and single-particle potentials U_N of the simulation's equation of
state (SFHo, LS220, ...). Medium ``profile`` takes them instead of solving an RMF, so the
opacity is computed in the same nuclear model as the simulation.

Convention (checked against the files' own numbers, see :func:`density_residuals`): the
quasiparticle energy is E_N(k) = m_N + U_N + sqrt(k^2 + m*_N^2) - m*_N, i.e.
U_N = V_N - (m_N - m*_N) with V_N the Dirac vector self-energy. Hence the kinetic chemical
potential of the Dirac quasiparticle gas used by the kernels is

    mu*_N = mu_N - V_N = mu_N - m_N - U_N + m*_N,

with mu_N including the rest mass m_N. For the four Garching snapshots of
``shared/data/sn_profiles`` this reproduces the free-nucleon densities n_B X_N of the SFHo
(relativistic mean-field) files to ~1e-3 where nucleons dominate; taking
mu*_N = mu_N - U_N instead (U_N as a vector potential) is off by factors 5-30, and for the
non-relativistic LS220 (Skyrme-type, m* = m) the relativistic dispersion overestimates the
densities by ~10 % (its own non-relativistic gas with mu_N - m_N - U_N agrees to ~1e-3).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from lightmed.constants import HBARC_MEV_FM, M_NEUTRON_MEV, M_PROTON_MEV
from lightmed.errors import InputError

from .fermi import _invert, _moments
from .frontend import RMF_VARIABLES, carry_profile_variables, check_lepton_mode

__all__ = ["PROFILE_MU_EFF", "PROFILE_MEDIUM_VARIABLES", "density_residuals", "profile_medium"]

#: How medium ``profile`` sets mu*_N (config ``rmf.profile_mu_eff``).
PROFILE_MU_EFF: tuple[str, ...] = ("potentials", "densities")

#: Profile variables medium ``profile`` needs (see lightmed.profiles.MEDIUM_VARIABLES).
PROFILE_MEDIUM_VARIABLES: tuple[str, ...] = (
    "temperature",
    "baryon_density",
    "lepton_fraction",
    "electron_fraction",
    "mu_nu",
    "mu_e",
    "mu_n",
    "mu_p",
    "potential_n",
    "potential_p",
    "effective_mass_n",
    "effective_mass_p",
)

_VACUUM_MASS_MEV = {"n": M_NEUTRON_MEV, "p": M_PROTON_MEV}


def effective_chemical_potential(
    mu_mev: np.ndarray, potential_mev: np.ndarray, effective_mass_mev: np.ndarray, nucleon: str
) -> np.ndarray:
    """mu*_N = mu_N - m_N - U_N + m*_N [MeV] (module docstring; mu_N with rest mass)."""
    return (
        np.asarray(mu_mev, dtype=float)
        - _VACUUM_MASS_MEV[nucleon]
        - np.asarray(potential_mev, dtype=float)
        + np.asarray(effective_mass_mev, dtype=float)
    )


def implied_density_fm3(
    mu_eff_mev: np.ndarray, effective_mass_mev: np.ndarray, temperature_mev: np.ndarray
) -> np.ndarray:
    """Net density [fm^-3] of a Dirac quasiparticle gas (spin 2, antiparticles) per shell."""
    out = [
        _moments(float(mu), float(m), float(t))[0]
        for mu, m, t in zip(
            np.atleast_1d(mu_eff_mev),
            np.atleast_1d(effective_mass_mev),
            np.atleast_1d(temperature_mev),
            strict=True,
        )
    ]
    return np.asarray(out) / HBARC_MEV_FM**3


def _reference_densities(profile: xr.Dataset) -> tuple[np.ndarray, np.ndarray, str]:
    """The profile's own n_n, n_p [fm^-3]: free nucleons n_B X_N if given, else n_B (1 - Y_p)."""
    nb = profile["baryon_density"].to_numpy()
    if "free_neutron_fraction" in profile and "free_proton_fraction" in profile:
        return (
            nb * profile["free_neutron_fraction"].to_numpy(),
            nb * profile["free_proton_fraction"].to_numpy(),
            "n_B X_N (free nucleons)",
        )
    y_p = _proton_fraction(profile)
    return nb * (1.0 - y_p), nb * y_p, "n_B Y_p, n_B (1 - Y_p)"


def _proton_fraction(profile: xr.Dataset) -> np.ndarray:
    """Y_p = Y_e + Y_mu (charge neutrality; nucleons bound in nuclei included)."""
    y_p = profile["electron_fraction"].to_numpy().copy()
    if "muon_fraction" in profile:
        y_p = y_p + profile["muon_fraction"].to_numpy()
    return y_p


def density_residuals(profile: xr.Dataset) -> dict[str, np.ndarray]:
    """Nucleon densities implied by (mu*_N, m*_N, T) against the profile's own, per shell.

    Returns ``density_residual_n`` and ``density_residual_p`` = n_implied / n_profile - 1 [1]
    and the reference used (``reference``). A check of the convention of the module
    docstring: ~1e-3 for the SFHo files where free nucleons dominate.
    """
    t = profile["temperature"].to_numpy()
    ref_n, ref_p, what = _reference_densities(profile)
    out: dict[str, np.ndarray] = {"reference": what}
    for nucleon, ref in (("n", ref_n), ("p", ref_p)):
        m_eff = profile[f"effective_mass_{nucleon}"].to_numpy()
        mu_eff = effective_chemical_potential(
            profile[f"mu_{nucleon}"], profile[f"potential_{nucleon}"], m_eff, nucleon
        )
        out[f"density_residual_{nucleon}"] = implied_density_fm3(mu_eff, m_eff, t) / ref - 1.0
    return out


def density_matched_mu_eff(
    density_fm3: np.ndarray, effective_mass_mev: np.ndarray, temperature_mev: np.ndarray
) -> np.ndarray:
    """mu*_N [MeV] whose Dirac quasiparticle gas (m*_N, T) has the net density n [fm^-3]."""
    return np.asarray(
        [
            _invert(float(n) * HBARC_MEV_FM**3, float(m), float(t))[0]
            for n, m, t in zip(
                np.atleast_1d(density_fm3),
                np.atleast_1d(effective_mass_mev),
                np.atleast_1d(temperature_mev),
                strict=True,
            )
        ]
    )


def profile_medium(
    profile: xr.Dataset,
    *,
    lepton_mode: str,
    neutrino_degeneracy: float,
    mu_eff: str = "potentials",
) -> xr.Dataset:
    """The rmf artifact's Dataset from the simulation's own medium (no RMF solve).

    Parameters
    ----------
    profile : xarray.Dataset
        Profile artifact (dim ``shell``) with the variables of
        :data:`PROFILE_MEDIUM_VARIABLES` (a ``garching_profile`` snapshot).
    lepton_mode : str
        The nature's lepton mode: ``beta_equilibrium_zero_mu_nu`` (Majorana) sets mu_nu = 0
        and Y_nu = 0 (the nucleons stay the simulation's: they are not re-equilibrated);
        the other modes keep the profile's mu_nu and Y_nu.
    neutrino_degeneracy : float
        g_nu [1] the profile artifact used for its Y_nu (recorded; ``rmf.neutrino_degeneracy``).
    mu_eff : {"potentials", "densities"}
        ``potentials``: mu*_N = mu_N - m_N - U_N + m*_N from the shell values (module
        docstring). ``densities``: the mu*_N at which the Dirac gas with the shell's m*_N and
        T holds the shell's free-nucleon density n_B X_N (shell averages of mu, U and m* do
        not preserve the density in shells where n_B varies steeply; this choice does).

    Returns
    -------
    xarray.Dataset
        The variables of :data:`~lightmed.rmf.frontend.RMF_VARIABLES` (meson fields and the
        rearrangement term NaN: the simulation's model has none to report;
        ``solver_residual`` 0: nothing is solved), ``density_residual_n``,
        ``density_residual_p`` (:func:`density_residuals`) and the profile's variables.

    Raises
    ------
    InputError
        The profile lacks the simulation's medium (a shell table without m*, U columns).
    """
    check_lepton_mode(lepton_mode)
    if mu_eff not in PROFILE_MU_EFF:
        raise InputError(f"unknown profile_mu_eff {mu_eff!r}; choose {', '.join(PROFILE_MU_EFF)}")
    source = profile.attrs.get("profile_source", "the profile")
    missing = [name for name in PROFILE_MEDIUM_VARIABLES if name not in profile]
    if missing:
        raise InputError(
            f"{source}: medium 'profile' needs the simulation's own medium, missing "
            f"{', '.join(missing)}; use an RMF medium (c21, tm1, nl3, dd2) for this snapshot"
        )
    t = profile["temperature"].to_numpy()
    shells = profile.sizes["shell"]
    majorana = lepton_mode == "beta_equilibrium_zero_mu_nu"
    values: dict[str, np.ndarray] = {}
    reference = dict(zip(("n", "p"), _reference_densities(profile)[:2], strict=True))
    for nucleon in ("n", "p"):
        m_eff = profile[f"effective_mass_{nucleon}"].to_numpy().astype(float)
        values[f"effective_mass_{nucleon}"] = m_eff
        if mu_eff == "densities":
            values[f"mu_{nucleon}_eff"] = density_matched_mu_eff(reference[nucleon], m_eff, t)
        else:
            values[f"mu_{nucleon}_eff"] = effective_chemical_potential(
                profile[f"mu_{nucleon}"], profile[f"potential_{nucleon}"], m_eff, nucleon
            )
        values[f"mu_{nucleon}"] = profile[f"mu_{nucleon}"].to_numpy().astype(float)
    values["effective_mass"] = values["effective_mass_n"]
    values["mu_e"] = profile["mu_e"].to_numpy().astype(float)
    y_nu = (profile["lepton_fraction"] - profile["electron_fraction"]).to_numpy()
    values["mu_nu"] = np.zeros(shells) if majorana else profile["mu_nu"].to_numpy().astype(float)
    values["neutrino_fraction"] = np.zeros(shells) if majorana else y_nu
    values["proton_fraction"] = _proton_fraction(profile)
    values["solver_residual"] = np.zeros(shells)
    for name in ("sigma_mev", "omega_mev", "rho_mev", "rearrangement_mev"):
        values[name] = np.full(shells, np.nan)
    out = xr.Dataset(coords={"shell": profile["shell"]})
    for name, (units, long_name) in RMF_VARIABLES.items():
        if name in ("sigma_mev", "omega_mev", "rho_mev", "rearrangement_mev"):
            long_name += " (NaN: medium taken from the profile)"
        elif name == "solver_residual":
            long_name += " (0: medium taken from the profile, nothing solved)"
        elif name == "proton_fraction":
            long_name = "proton fraction Y_p = Y_e + Y_mu (charge neutrality)"
        elif name in ("mu_n_eff", "mu_p_eff"):
            long_name += (
                " = mu_N - m_N - U_N + m*_N (profile's U_N, m*_N)"
                if mu_eff == "potentials"
                else " holding the profile's free-nucleon density n_B X_N"
            )
        out[name] = xr.DataArray(
            np.asarray(values[name], dtype=float),
            dims="shell",
            attrs={"units": units, "long_name": long_name},
        )
    check = density_residuals(profile)
    for nucleon, label in (("n", "neutron"), ("p", "proton")):
        out[f"density_residual_{nucleon}"] = xr.DataArray(
            check[f"density_residual_{nucleon}"],
            dims="shell",
            attrs={
                "units": "1",
                "long_name": f"{label} density implied by (mu*, m*, T) over the profile's "
                f"{check['reference']}, minus 1",
            },
        )
    # Majorana: Y_nu = 0 here, so the profile's Y_L is not the medium's (its Y_e is)
    carry_profile_variables(
        out,
        profile,
        lepton_mode=lepton_mode,
        not_imposed=("lepton_fraction",) if majorana else (),
    )
    out.attrs.update(
        medium="profile",
        rmf_preset="profile",
        rmf_reference=(
            f"medium of the simulation snapshot {source} (m*_N, U_N, mu_N from the profile; "
            f"mu*_N from its {mu_eff})"
        ),
        lepton_mode=lepton_mode,
        neutrino_degeneracy=float(neutrino_degeneracy),
        profile_mu_eff=mu_eff,
        temperature_range_mev=f"{t.min():g}-{t.max():g}",
    )
    return out
