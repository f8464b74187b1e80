"""Per-shell RMF solver: composition and mean fields at (T, n_B) under a lepton constraint.

The composition is found by nested, bracketed one-dimensional solves (every one of them
monotone, hence globally convergent): for a given proton fraction the densities fix omega and
rho directly, mu*_n, mu*_p and mu_e follow by inverting the monotone n(mu) at fixed m*, and m*
is the unique root of the scalar field equation; the proton fraction is then the root of the
monotone lepton constraint (Dirac) or beta-equilibrium condition (Majorana).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np
from scipy.optimize import brentq

from lightmed.constants import M_ELECTRON_MEV
from lightmed.errors import ConvergenceError

from .fermi import _moments
from .fields import (
    _FM3_PER_MEV3,
    _Model,
    _neutrino_density,
    _neutrino_mu,
    _scalar_self,
    _State,
    _state,
)
from .presets import RMFParameters

#: Lepton constraints (config key ``lepton_mode``), see ``docs/physics.md`` section 2.
LEPTON_MODES: tuple[str, ...] = (
    "fixed_lepton_fraction",
    "beta_equilibrium_zero_mu_nu",
    "fixed_proton_fraction",
)

#: Bracket of the proton fraction in the outer solve (exclusive of 0 and 1).
_YP_BRACKET = (1e-9, 1.0 - 1e-9)


class RMFConvergenceError(ConvergenceError):
    """The RMF equations could not be solved to the requested tolerance."""


@dataclass(frozen=True)
class ShellSolution:
    """RMF solution for one shell. Energies in MeV (chemical potentials include rest masses).

    Attributes
    ----------
    effective_mass : float
        Neutron Dirac effective mass m*_n = m_n + g_sigma sigma [MeV] (the nucleon effective
        mass of sets with one nucleon mass).
    effective_mass_n, effective_mass_p : float
        m*_n and m*_p [MeV]; they differ by m_n - m_p (DD2), are equal for TM1 and NL3.
    mu_n_eff, mu_p_eff : float
        Effective (kinetic) chemical potentials mu*_n, mu*_p [MeV].
    mu_n, mu_p, mu_e, mu_nu : float
        Chemical potentials [MeV]; ``mu_nu`` is the imposed value (Dirac: from beta
        equilibrium; Majorana: 0) or, for ``fixed_proton_fraction``, the equilibrium value
        mu_e + mu_p - mu_n (reported, not imposed).
    proton_fraction : float
        Y_p = Y_e [1].
    neutrino_fraction : float
        Net trapped neutrino fraction Y_nu [1]; 0 unless the lepton mode traps neutrinos.
    solver_residual : float
        Maximum relative residual of the constraint equations [1].
    sigma_mev, omega_mev, rho_mev : float
        Meson fields [MeV] (sigma < 0).
    rearrangement_mev : float
        Rearrangement self-energy Sigma_R [MeV] of density-dependent couplings (0 otherwise).
    """

    effective_mass: float
    mu_n_eff: float
    mu_p_eff: float
    mu_n: float
    mu_p: float
    mu_e: float
    mu_nu: float
    proton_fraction: float
    neutrino_fraction: float
    solver_residual: float
    sigma_mev: float
    omega_mev: float
    rho_mev: float
    effective_mass_n: float
    effective_mass_p: float
    rearrangement_mev: float


# --- public solver ------------------------------------------------------------------------------
def _describe(temperature_mev, baryon_density_fm3, lepton_mode, fraction) -> str:
    return (
        f"T = {temperature_mev!r} MeV, n_B = {baryon_density_fm3!r} fm^-3, "
        f"Y = {fraction!r} ({lepton_mode})"
    )


def _validate(temperature_mev, baryon_density_fm3, lepton_mode, lepton_fraction, proton_fraction):
    if lepton_mode not in LEPTON_MODES:
        raise ValueError(f"unknown lepton_mode {lepton_mode!r}; allowed: {', '.join(LEPTON_MODES)}")
    if not (np.isfinite(temperature_mev) and temperature_mev > 0.0):
        raise ValueError(f"temperature must be finite and > 0 MeV, got {temperature_mev!r}")
    if not (np.isfinite(baryon_density_fm3) and baryon_density_fm3 > 0.0):
        raise ValueError(f"baryon density must be finite and > 0 fm^-3, got {baryon_density_fm3!r}")
    required = {
        "fixed_lepton_fraction": ("lepton_fraction", lepton_fraction),
        "fixed_proton_fraction": ("proton_fraction", proton_fraction),
    }.get(lepton_mode)
    if required is not None:
        label, value = required
        if value is None:
            raise ValueError(f"lepton_mode {lepton_mode!r} needs {label}")
        if not (np.isfinite(value) and 0.0 < value < 1.0):
            raise ValueError(f"{label} must lie in (0, 1), got {value!r}")


def _residuals(
    st: _State, m: _Model, lepton_mode: str, y_l: float | None, g_nu: float
) -> tuple[float, float, float]:
    """Max relative residual of all constraints, and (mu_nu, Y_nu) imposed by the mode."""
    n_p = st.yp * st.nb
    n_n = st.nb - n_p
    t = st.temperature
    c = m.couplings(st.nb)
    nn_c, nsn = _moments(st.mun_eff, st.mstar, t)[:2]
    np_c, nsp = _moments(st.mup_eff, st.mstar_p, t)[:2]
    ne_c = _moments(st.mu_e, M_ELECTRON_MEV, t)[0]
    source = c.gs * (nsn + nsp)
    res = [
        abs(nn_c - n_n) / n_n,
        abs(np_c - n_p) / n_p,
        abs(ne_c - n_p) / n_p,
        abs(_scalar_self(st.sigma, m) + source) / source,
        abs(m.mw2 * st.omega + m.c3 * st.omega**3 - c.gw * st.nb) / (c.gw * st.nb),
        abs(m.mr2 * st.rho - c.gr * (n_p - n_n)) / (c.gr * st.nb),
    ]
    mu_nu = st.mu_nu_equilibrium
    y_nu = 0.0
    if lepton_mode == "fixed_lepton_fraction":
        y_nu = _neutrino_density(mu_nu, t, g_nu) / st.nb
        # Compare, on the scale of mu_n, the mu_nu that carries Y_L - Y_p exactly with the
        # beta-equilibrium value: a residual in Y_L itself is ill-conditioned when thermal
        # neutrinos dominate n_B (hot, dilute), where dY_nu/dmu_nu is huge.
        mu_nu_lepton = _neutrino_mu(y_l - st.yp, st.nb, t, g_nu)
        res.append(abs(mu_nu_lepton - mu_nu) / st.mu_n)
    elif lepton_mode == "beta_equilibrium_zero_mu_nu":
        res.append(abs(mu_nu) / st.mu_n)
        mu_nu = 0.0
    return max(res), mu_nu, y_nu


def solve_shell(
    temperature_mev: float,
    baryon_density_fm3: float,
    *,
    lepton_mode: str,
    lepton_fraction: float | None = None,
    proton_fraction: float | None = None,
    params: RMFParameters,
    neutrino_degeneracy: float = 2.0,
    tolerance: float = 1e-10,
) -> ShellSolution:
    """Solve the finite-temperature RMF (TM1, NL3, DD2, ...) for one shell of uniform matter.

    Parameters
    ----------
    temperature_mev : float
        Temperature T [MeV], > 0.
    baryon_density_fm3 : float
        Baryon number density n_B [fm^-3], > 0.
    lepton_mode : {"fixed_lepton_fraction", "beta_equilibrium_zero_mu_nu", \
"fixed_proton_fraction"}
        Lepton constraint: Dirac neutrinos with fixed Y_L = Y_e + Y_nu and
        mu_nu = mu_e + mu_p - mu_n; Majorana with mu_nu = 0 (Y_p free); or a fixed Y_p
        (mu_nu reported as mu_e + mu_p - mu_n, not imposed).
    lepton_fraction : float, optional
        Y_L in (0, 1) [1], required for ``fixed_lepton_fraction``.
    proton_fraction : float, optional
        Y_p in (0, 1) [1], required for ``fixed_proton_fraction``.
    params : RMFParameters
        Parameter set (see :data:`PRESETS`).
    neutrino_degeneracy : float
        g_nu of the trapped neutrinos [1]; 2 reproduces [C21], 1 is the textbook value.
    tolerance : float
        Maximum accepted relative residual of the constraint equations [1].

    Returns
    -------
    ShellSolution

    Raises
    ------
    ValueError
        For T <= 0, n_B <= 0, a fraction outside (0, 1), a missing fraction or an unknown mode.
    RMFConvergenceError
        If the residual exceeds ``tolerance`` (the message names T, n_B, Y and the residual).

    Notes
    -----
    Equations of ``docs/physics.md`` section 2 ([C21] Sec. II; TM1 of Sugahara & Toki 1994;
    density-dependent couplings as in :mod:`lightmed.rmf.fields`).
    Fractions not used by the chosen mode are ignored.
    """
    _validate(temperature_mev, baryon_density_fm3, lepton_mode, lepton_fraction, proton_fraction)
    if not neutrino_degeneracy > 0.0:
        raise ValueError(f"neutrino_degeneracy must be > 0, got {neutrino_degeneracy!r}")
    m = _Model.from_params(params)
    t = float(temperature_mev)
    nb = float(baryon_density_fm3) / _FM3_PER_MEV3
    fraction = {
        "fixed_lepton_fraction": lepton_fraction,
        "fixed_proton_fraction": proton_fraction,
    }.get(lepton_mode)
    where = _describe(temperature_mev, baryon_density_fm3, lepton_mode, fraction)

    try:
        if lepton_mode == "fixed_proton_fraction":
            st = _state(t, nb, float(proton_fraction), m)
        else:
            cache: dict[float, _State] = {}

            def state_at(yp: float) -> _State:
                if yp not in cache:
                    cache[yp] = _state(t, nb, yp, m)
                return cache[yp]

            if lepton_mode == "fixed_lepton_fraction":
                y_l = float(lepton_fraction)

                def constraint(yp: float) -> float:
                    s = state_at(yp)
                    n_nu = _neutrino_density(s.mu_nu_equilibrium, t, neutrino_degeneracy)
                    return yp + n_nu / nb - y_l

            else:

                def constraint(yp: float) -> float:
                    s = state_at(yp)
                    return s.mu_nu_equilibrium / s.mu_n

            yp = brentq(constraint, *_YP_BRACKET, xtol=1e-16, rtol=1e-15, maxiter=300)
            st = state_at(yp)
    except (ValueError, RuntimeError, ZeroDivisionError, FloatingPointError) as exc:
        raise RMFConvergenceError(f"RMF solve failed at {where}: {exc}") from exc

    residual, mu_nu, y_nu = _residuals(
        st,
        m,
        lepton_mode,
        lepton_fraction if lepton_mode == "fixed_lepton_fraction" else None,
        neutrino_degeneracy,
    )
    values = (st.mstar, st.mstar_p, st.mun_eff, st.mup_eff, st.mu_n, st.mu_p, st.mu_e, mu_nu)
    if not (np.isfinite(residual) and residual <= tolerance and np.all(np.isfinite(values))):
        raise RMFConvergenceError(
            f"RMF solve did not converge at {where}: max relative residual {residual:.3e} "
            f"> tolerance {tolerance:.1e}"
        )
    return ShellSolution(
        effective_mass=st.mstar,
        mu_n_eff=st.mun_eff,
        mu_p_eff=st.mup_eff,
        mu_n=st.mu_n,
        mu_p=st.mu_p,
        mu_e=st.mu_e,
        mu_nu=mu_nu,
        proton_fraction=st.yp,
        neutrino_fraction=y_nu,
        solver_residual=residual,
        sigma_mev=st.sigma,
        omega_mev=st.omega,
        rho_mev=st.rho,
        effective_mass_n=st.mstar,
        effective_mass_p=st.mstar_p,
        rearrangement_mev=st.rearrangement,
    )


def solve_shells(
    temperature_mev: np.ndarray,
    baryon_density_fm3: np.ndarray,
    fraction: np.ndarray | None,
    *,
    lepton_mode: str,
    params: RMFParameters,
    neutrino_degeneracy: float = 2.0,
    tolerance: float = 1e-10,
) -> dict[str, np.ndarray]:
    """Solve :func:`solve_shell` for each shell.

    Parameters
    ----------
    temperature_mev, baryon_density_fm3 : array_like
        T [MeV] and n_B [fm^-3] per shell.
    fraction : array_like or None
        Y_L (``fixed_lepton_fraction``) or Y_p (``fixed_proton_fraction``) per shell [1];
        ignored (may be None) for ``beta_equilibrium_zero_mu_nu``.
    lepton_mode, params, neutrino_degeneracy, tolerance
        As in :func:`solve_shell`.

    Returns
    -------
    dict of str to numpy.ndarray
        One float64 array per :class:`ShellSolution` field (units as documented there).

    Raises
    ------
    RMFConvergenceError
        Naming the index of the first shell that fails.
    """
    t = np.atleast_1d(np.asarray(temperature_mev, dtype=float))
    nb = np.atleast_1d(np.asarray(baryon_density_fm3, dtype=float))
    if lepton_mode == "beta_equilibrium_zero_mu_nu" or fraction is None:
        y = np.full(t.shape, np.nan)
    else:
        y = np.atleast_1d(np.asarray(fraction, dtype=float))
    if not (t.shape == nb.shape == y.shape):
        raise ValueError(
            f"shell arrays must have equal shapes, got {t.shape}, {nb.shape}, {y.shape}"
        )
    names = [f.name for f in fields(ShellSolution)]
    out = {name: np.empty(t.shape) for name in names}
    for i in range(t.size):
        kwargs = {}
        if lepton_mode == "fixed_lepton_fraction":
            kwargs["lepton_fraction"] = None if np.isnan(y[i]) else float(y[i])
        elif lepton_mode == "fixed_proton_fraction":
            kwargs["proton_fraction"] = None if np.isnan(y[i]) else float(y[i])
        try:
            sol = solve_shell(
                float(t[i]),
                float(nb[i]),
                lepton_mode=lepton_mode,
                params=params,
                neutrino_degeneracy=neutrino_degeneracy,
                tolerance=tolerance,
                **kwargs,
            )
        except RMFConvergenceError as exc:
            raise RMFConvergenceError(f"shell index {i}: {exc}") from exc
        for name, value in asdict(sol).items():
            out[name][i] = value
    return out
