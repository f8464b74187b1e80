"""Mediator-independent kernels K0, K1, K2 of the in-medium nu N scattering rate.

For each shell, neutrino energy and nucleon species (physics.md §3.3, [C21] Eq. 19)

    K_n(q0, |q|) = Int dE_N E_N F_N(E_N, q0) Int_0^2pi dphi P^(n-1) / (Phi/P),

with F_N = f_N(E_N)[1 - f_N(E_N + q0)] (in medium) and the flux Phi = P = p.k (``pk``, the
[C21] default: Int dphi P^(n-1)) or Phi = E_N E (``rest_frame``: Int dphi P^n/(E_N E)). The
phi integrals are analytic (P = a - b cos phi):

    Int dphi/P = 2pi/sqrt(a^2 - b^2),  Int dphi = 2pi,  Int dphi P = 2pi a,
    Int dphi P^2 = 2pi (a^2 + b^2/2).

The E_N integral is Gauss-Legendre on panels adapted to the Fermi edges and T; the (q0, |q|)
nodes and weights are a tensor-like quadrature adapted to T, E, m* and the lightest mediator
mass (logarithmic |q| panels down to ~1 keV). The outgoing-neutrino blocking 1 - f_nu(E - q0)
is *not* included (it depends on the term, physics.md §3.4): it is applied at contraction.

The vacuum-like frame (physics.md §3.5) has no final-nucleon blocking, kinematics with the
vacuum mass M = 939 MeV, and the occupation f_N(sqrt(p^2 + m*^2) - mu*) of the shell.

Internal units: MeV. K0 [1], K1 [MeV^2], K2 [MeV^4]; weights [MeV^2].
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
import xarray as xr

from .constants import M_NUCLEON_MEV
from .errors import ConfigError, InputError
from .io import with_attrs
from .kernel_grid import _gl, _panels, occupation_cutoff, quadrature_grid
from .numerics import fermi

#: Flux conventions (physics.md §3.2).
FLUXES: tuple[str, ...] = ("pk", "rest_frame")
#: Kernel frames: in-medium and vacuum-like lambda^0 (physics.md §3.5).
FRAMES: tuple[str, ...] = ("medium", "vacuum")
#: Neutrino energy per shell for each nature (physics.md §3, §4.1).
ENERGY_CHOICES: dict[str, tuple[str, ...]] = {
    "dirac": ("mu_nu_plus_pi_T",),
    "majorana": ("pi_T", "mu_dirac_plus_pi_T"),
}
SPECIES: tuple[str, ...] = ("nu", "nubar")
NUCLEONS: tuple[str, ...] = ("n", "p")

_TWO_PI = 2.0 * math.pi

#: Chebyshev points of the per-energy K0 factor on a node's E_N interval (physics.md §3.8).
N_CHEB = 12
_CHEB_X = np.cos(math.pi * (np.arange(N_CHEB) + 0.5) / N_CHEB)
#: c_p = Sum_k _CHEB_C[p, k] g(x_k): interpolating Chebyshev series g = Sum_p c_p T_p.
_CHEB_C = (2.0 / N_CHEB) * np.cos(
    np.outer(np.arange(N_CHEB), math.pi * (np.arange(N_CHEB) + 0.5) / N_CHEB)
)
_CHEB_C[0] *= 0.5


@dataclass(frozen=True)
class QuadratureSettings:
    """Resolution of the kernel quadrature.

    Attributes
    ----------
    refinement : int
        Multiplies the number of panels in every dimension (|q|, q0, E_N); 2 doubles all grids.
    min_mediator_mass_mev : float
        Lightest mediator mass the |q| grid must resolve [MeV]; the logarithmic |q| panels start
        at min(1 keV, m_min/10).
    thermal_cutoff : float
        Integrands are cut where Fermi factors fall below exp(-thermal_cutoff) [1].
    gauss_order : int
        Gauss-Legendre nodes per panel.
    """

    refinement: int = 1
    min_mediator_mass_mev: float = 0.01
    thermal_cutoff: float = 30.0
    gauss_order: int = 8

    def __post_init__(self):
        if int(self.refinement) != self.refinement or self.refinement < 1:
            raise ConfigError(f"kernels.refinement = {self.refinement} must be an integer >= 1")
        if not self.min_mediator_mass_mev > 0:
            raise ConfigError(
                f"kernels.min_mediator_mass_mev = {self.min_mediator_mass_mev} must be > 0"
            )
        if not 10.0 <= self.thermal_cutoff <= 200.0:
            raise ConfigError(f"kernels.thermal_cutoff = {self.thermal_cutoff} is out of [10, 200]")
        if not 2 <= self.gauss_order <= 64:
            raise ConfigError(f"kernels.gauss_order = {self.gauss_order} is out of [2, 64]")


# --------------------------------------------------------------------------------------------
# numba kernels (private; float64 arrays in MeV)
# --------------------------------------------------------------------------------------------


_fermi = fermi


@numba.njit(cache=True)
def _kernel_node(
    i,
    q0,
    qa,
    energies,
    count,
    temp,
    m_kin,
    m_occ,
    mu,
    e_cut,
    cutoff,
    final_blocking,
    rest_frame,
    panel_width,
    gl_x,
    gl_w,
    out,
):
    """K0, K1, K2 at node ``i`` for every energy E_j with i < count[j] into ``out[j, 0:3]``.

    The E_N integral (Gauss-Legendre panels) is shared by the energies: K1 and K2 are linear
    combinations of E-independent sums (pk: K1 = S, K2 = E (S_E - cos theta_kq S_pc)). The p.k
    flux's K0 = Int dE_N E_N F / sqrt(a^2 - b^2) has an E-dependent factor g_E(E_N) that is
    smooth on the E_N interval (no thermal structure: its singularities sit at E_N = -E +- i..):
    with more than two energies g_E is replaced by its interpolating Chebyshev series of
    degree N_CHEB - 1, so K0 = Sum_k W_k g_E(x_k) with E-independent weights
    W_k = Sum_p C_pk Int E_N F T_p (the occupation stays exact).
    """
    ne = energies.size
    for j in range(ne):
        out[j, 0] = 0.0
        out[j, 1] = 0.0
        out[j, 2] = 0.0
    q2 = q0 * q0 - qa * qa
    if qa <= 0.0 or q2 >= 0.0:
        return
    # energies ascend, so node i belongs to the energies j >= j0 (count is non-decreasing)
    j0 = ne
    for j in range(ne - 1, -1, -1):
        if i < count[j]:
            j0 = j
    if j0 == ne:
        return
    # [C21] Eq. 16: |cos theta_0| <= 1  <=>  E_N >= E_minus
    e_minus = -0.5 * q0 + 0.5 * qa * math.sqrt(1.0 - 4.0 * m_kin * m_kin / q2)
    lo = max(e_minus, m_kin)
    if final_blocking:
        lo = max(lo, mu - q0 - cutoff * temp)
    hi = e_cut
    if lo >= hi:
        return
    # breakpoints at the Fermi edges of the initial (and final) nucleon occupation
    bps = np.empty(4)
    nb = 0
    bps[nb] = lo
    nb += 1
    if final_blocking:
        e1 = mu - q0
        e2 = mu
    else:
        # vacuum-like: occupation edge where sqrt(p^2 + m_occ^2) = mu
        e1 = -1.0
        e2 = -1.0
        if mu > m_occ:
            e1 = math.sqrt(mu * mu - m_occ * m_occ + m_kin * m_kin)
    if e1 > lo and e1 < hi:
        bps[nb] = e1
        nb += 1
    if e2 > lo and e2 < hi:
        bps[nb] = e2
        nb += 1
    bps[nb] = hi
    nb += 1
    # insertion sort of at most four breakpoints (np.sort would compile numba's quicksort)
    for a in range(1, nb):
        v = bps[a]
        b = a - 1
        while b >= 0 and bps[b] > v:
            bps[b + 1] = bps[b]
            b -= 1
        bps[b + 1] = v
    # cos and sin^2 of the angle between k and q, per energy
    ck = np.empty(ne)
    sk2 = np.empty(ne)
    k0 = np.zeros(ne)
    use_cheb = (not rest_frame) and (ne - j0) > 2
    cheb = np.zeros(N_CHEB)
    e_lo = bps[0]
    e_hi = bps[nb - 1]
    for j in range(ne):
        e = energies[j]
        c = (q0 * (2.0 * e - q0) + qa * qa) / (2.0 * e * qa)
        ck[j] = c
        sk2[j] = max(0.0, 1.0 - c * c)
    # E-independent sums: S = Sum base, S_E = Sum base E_N, S_pc = Sum base pc; rest frame
    # also Sum base/E_N, base pc/E_N, base pc^2/E_N, base ps^2/E_N
    s0 = 0.0
    s_e = 0.0
    s_pc = 0.0
    r0 = 0.0
    r_pc = 0.0
    r_pc2 = 0.0
    r_ps2 = 0.0
    ng = gl_x.size
    for seg in range(nb - 1):
        s_a = bps[seg]
        s_b = bps[seg + 1]
        if s_b <= s_a:
            continue
        npan = max(1, int(math.ceil((s_b - s_a) / panel_width)))
        h = (s_b - s_a) / npan
        for jp in range(npan):
            c = s_a + (jp + 0.5) * h
            for g in range(ng):
                en = c + 0.5 * h * gl_x[g]
                p2 = en * en - m_kin * m_kin
                pc = (2.0 * en * q0 + q0 * q0 - qa * qa) / (2.0 * qa)  # |p| cos theta_0
                ps2 = max(0.0, p2 - pc * pc)
                if final_blocking:
                    occ = _fermi((en - mu) / temp) * _fermi(-(en + q0 - mu) / temp)
                else:
                    occ = _fermi((math.sqrt(max(p2, 0.0) + m_occ * m_occ) - mu) / temp)
                base = 0.5 * h * gl_w[g] * en * occ
                s0 += base
                s_e += base * en
                s_pc += base * pc
                if rest_frame:
                    r0 += base / en
                    r_pc += base * pc / en
                    r_pc2 += base * pc * pc / en
                    r_ps2 += base * ps2 / en
                elif use_cheb:
                    x = (2.0 * en - e_lo - e_hi) / (e_hi - e_lo)
                    t_a = 1.0
                    t_b = x
                    cheb[0] += base
                    cheb[1] += base * x
                    for p in range(2, N_CHEB):
                        t_c = 2.0 * x * t_b - t_a
                        cheb[p] += base * t_c
                        t_a = t_b
                        t_b = t_c
                else:
                    # sqrt(a^2 - b^2) = E sqrt((E_N - pc ck)^2 - ps^2 sk^2)
                    for j in range(j0, ne):
                        d = en - pc * ck[j]
                        k0[j] += base / math.sqrt(d * d - ps2 * sk2[j])
    if use_cheb:
        for k in range(N_CHEB):
            w_k = 0.0
            for p in range(N_CHEB):
                w_k += _CHEB_C[p, k] * cheb[p]
            en = 0.5 * (e_lo + e_hi) + 0.5 * (e_hi - e_lo) * _CHEB_X[k]
            pc = (2.0 * en * q0 + q0 * q0 - qa * qa) / (2.0 * qa)
            ps2 = max(0.0, en * en - m_kin * m_kin - pc * pc)
            for j in range(j0, ne):
                d = en - pc * ck[j]
                k0[j] += w_k / math.sqrt(d * d - ps2 * sk2[j])
    for j in range(ne):
        if i >= count[j]:
            continue
        e = energies[j]
        if rest_frame:
            out[j, 0] = _TWO_PI * r0 / e
            out[j, 1] = _TWO_PI * (s0 - ck[j] * r_pc)
            out[j, 2] = (
                _TWO_PI * e * (s_e - 2.0 * ck[j] * s_pc + ck[j] ** 2 * r_pc2 + 0.5 * sk2[j] * r_ps2)
            )
        else:
            out[j, 0] = _TWO_PI * k0[j] / e
            out[j, 1] = _TWO_PI * s0
            out[j, 2] = _TWO_PI * e * (s_e - ck[j] * s_pc)


@numba.njit(parallel=True, cache=True)
def _kernel_nodes_multi(
    q0,
    qa,
    energies,
    count,
    temp,
    m_kin,
    m_occ,
    mu,
    e_cut,
    cutoff,
    final_blocking,
    rest_frame,
    panel_width,
    gl_x,
    gl_w,
):
    """K_n at every node and energy: returns (n_nodes, n_energies, 3); node i belongs to
    energy j if i < count[j] (zeros otherwise). ``energies`` ascend (``count`` non-decreasing)."""
    n = q0.size
    out = np.zeros((n, energies.size, 3))
    for i in numba.prange(n):
        # one int64 specialisation of _kernel_node (the parfor's own index is unsigned)
        _kernel_node(
            np.int64(i),
            q0[i],
            qa[i],
            energies,
            count,
            temp,
            m_kin,
            m_occ,
            mu,
            e_cut,
            cutoff,
            final_blocking,
            rest_frame,
            panel_width,
            gl_x,
            gl_w,
            out[i],
        )
    return out


def _kernel_nodes(q0, qa, energy, *args):
    """K_n at every node of one energy: (n_nodes, 3) (see :func:`_kernel_nodes_multi`)."""
    energies = np.array([float(energy)])
    count = np.array([np.asarray(q0).size], dtype=np.int64)
    return _kernel_nodes_multi(q0, qa, energies, count, *args)[:, 0, :]


# --------------------------------------------------------------------------------------------
# per-shell kernels
# --------------------------------------------------------------------------------------------


def _check_positive(name, value):
    if not (np.isfinite(value) and value > 0):
        raise InputError(f"{name} = {value} must be a positive finite number")


def shell_kernels(
    *,
    energy_mev,
    temperature_mev,
    m_eff_mev,
    mu_eff_mev,
    frame="medium",
    flux="pk",
    settings=None,
    vacuum_mass_mev=M_NUCLEON_MEV,
    final_blocking=None,
):
    """Kernels of one shell and one neutrino energy for several nucleon species.

    Parameters
    ----------
    energy_mev, temperature_mev, m_eff_mev : float
        Neutrino energy E, temperature T, effective nucleon mass m* [MeV].
    mu_eff_mev : dict of str to float
        Effective chemical potentials mu*_N per nucleon (``n``, ``p``) [MeV].
    frame : {"medium", "vacuum"}
        In-medium kernels or the vacuum-like lambda^0 (physics.md §3.5).
    flux : {"pk", "rest_frame"}
    settings : QuadratureSettings
    vacuum_mass_mev : float
        Nucleon mass of the vacuum-like frame [MeV].
    final_blocking : bool, optional
        Final-nucleon blocking; default True in medium, False in vacuum (tests may switch it).

    Returns
    -------
    dict
        ``q0``, ``q_abs``, ``weight`` (nodes) and ``kernels`` {nucleon: (n_nodes, 3)}.
    """
    settings = settings or QuadratureSettings()
    if frame not in FRAMES:
        raise ConfigError(f"frame = {frame!r} is not one of {', '.join(FRAMES)}")
    if flux not in FLUXES:
        raise ConfigError(f"kernels.flux = {flux!r} is not allowed; choose one of {FLUXES}")
    for name, value in (
        ("neutrino energy [MeV]", energy_mev),
        ("temperature [MeV]", temperature_mev),
        ("effective mass [MeV]", m_eff_mev),
    ):
        _check_positive(name, value)
    if final_blocking is None:
        final_blocking = frame == "medium"
    m_kin = float(m_eff_mev) if frame == "medium" else float(vacuum_mass_mev)
    cut = settings.thermal_cutoff
    # one grid for all nucleons: cut at the largest occupied momentum of any of them
    e_star_cut = max(
        occupation_cutoff(temperature_mev, m_eff_mev, mu, cut) for mu in mu_eff_mev.values()
    )
    p_cut = math.sqrt(e_star_cut**2 - m_eff_mev**2)
    edges = [math.sqrt(mu**2 - m_eff_mev**2) for mu in mu_eff_mev.values() if mu > m_eff_mev]
    q0, qa, w = quadrature_grid(energy_mev, temperature_mev, m_kin, p_cut, settings, edges)
    gl_x, gl_w = _gl(settings.gauss_order)
    panel_width = 4.0 * temperature_mev / settings.refinement
    out = {}
    for nucleon, mu in mu_eff_mev.items():
        e_occ_cut = occupation_cutoff(temperature_mev, m_eff_mev, mu, cut)
        e_cut = math.sqrt(e_occ_cut**2 - m_eff_mev**2 + m_kin**2)
        out[nucleon] = _kernel_nodes(
            q0,
            qa,
            float(energy_mev),
            float(temperature_mev),
            m_kin,
            float(m_eff_mev),
            float(mu),
            e_cut,
            cut,
            bool(final_blocking),
            flux == "rest_frame",
            panel_width,
            gl_x,
            gl_w,
        )
    return {"q0": q0, "q_abs": qa, "weight": w, "kernels": out, "mass_kin": m_kin}


def spectral_shell_kernels(
    *, energies_mev, temperature_mev, m_eff_mev, mu_eff_mev, flux="pk", settings=None
):
    """In-medium kernels of one shell at many neutrino energies on one shared grid.

    The (q0, |q|) grid of :func:`lightmed.kernel_grid.spectral_grid` covers every energy; the
    E_N integral at each node is done once and serves all energies (physics.md §3.8).

    Parameters
    ----------
    energies_mev : array_like
        Neutrino energies E_j [MeV].
    temperature_mev, m_eff_mev, mu_eff_mev, flux, settings
        As for :func:`shell_kernels` (frame ``medium``).

    Returns
    -------
    dict
        ``q0``, ``q_abs``, ``weight`` (nodes), ``count`` (nodes of energy j: the first
        count[j]) and ``kernels`` {nucleon: (n_nodes, n_energies, 3)} (zero beyond count[j]).
    """
    from .kernel_grid import spectral_grid

    settings = settings or QuadratureSettings()
    if flux not in FLUXES:
        raise ConfigError(f"kernels.flux = {flux!r} is not allowed; choose one of {FLUXES}")
    energies = np.asarray(energies_mev, dtype=float)
    if energies.size > 1 and not np.all(np.diff(energies) > 0):
        raise InputError("spectral_shell_kernels: energies_mev must be strictly increasing")
    for name, value in (
        ("temperature [MeV]", temperature_mev),
        ("effective mass [MeV]", m_eff_mev),
        ("neutrino energy [MeV]", float(energies.min())),
    ):
        _check_positive(name, value)
    m = float(m_eff_mev)
    t = float(temperature_mev)
    cut = settings.thermal_cutoff
    e_star_cut = max(occupation_cutoff(t, m, mu, cut) for mu in mu_eff_mev.values())
    p_cut = math.sqrt(e_star_cut**2 - m**2)
    edges = [math.sqrt(mu**2 - m**2) for mu in mu_eff_mev.values() if mu > m]
    q0, qa, w, count = spectral_grid(energies, t, m, p_cut, settings, edges)
    gl_x, gl_w = _gl(settings.gauss_order)
    panel_width = 4.0 * t / settings.refinement
    out = {}
    for nucleon, mu in mu_eff_mev.items():
        e_cut = occupation_cutoff(t, m, mu, cut)
        out[nucleon] = _kernel_nodes_multi(
            q0,
            qa,
            energies,
            count.astype(np.int64),
            t,
            m,
            m,
            float(mu),
            e_cut,
            cut,
            True,
            flux == "rest_frame",
            panel_width,
            gl_x,
            gl_w,
        )
    return {"q0": q0, "q_abs": qa, "weight": w, "count": count, "kernels": out, "mass_kin": m}


def energy_slice(res, j):
    """The nodes and kernels of energy j of a :func:`spectral_shell_kernels` result, in the
    format of :func:`shell_kernels` (for ``precomputed=`` of the reference contractions)."""
    n = int(res["count"][j])
    return {
        "q0": res["q0"][:n],
        "q_abs": res["q_abs"][:n],
        "weight": res["weight"][:n],
        "kernels": {k: v[:n, j, :] for k, v in res["kernels"].items()},
        "mass_kin": res["mass_kin"],
    }


def nucleon_density(mu_eff_mev, m_eff_mev, temperature_mev, cutoff=30.0, order=16):
    """Net nucleon number density [fm^-3] of a Fermi gas of Dirac quasiparticles.

    n = (1/pi^2) Int k^2 [f(E* - mu*) - f(E* + mu*)] dk, spin degeneracy 2 (physics.md §2),
    evaluated as Int dE E p [...] on Gauss-Legendre panels of width T (the same machinery as
    the kernels' E_N integral).
    """
    from .constants import HBARC_MEV_FM

    t, m, mu = float(temperature_mev), float(m_eff_mev), float(mu_eff_mev)
    e_cut = occupation_cutoff(t, m, mu, cutoff)
    # substitute E = m + u^2 to remove the sqrt(E - m) endpoint behaviour
    breaks = [0.0]
    if mu > m:
        breaks.append(math.sqrt(mu - m))
    breaks.append(math.sqrt(e_cut - m))
    fine = []
    for a, b in zip(breaks[:-1], breaks[1:], strict=True):
        n = max(1, int(math.ceil((b * b - a * a) / t)))
        fine += list(np.sqrt(np.linspace(a * a, b * b, n + 1))[:-1])
    fine.append(breaks[-1])
    u, w = _panels(np.array(fine), order)
    e = m + u * u
    p = np.sqrt(np.maximum(e * e - m * m, 0.0))
    fermi = np.vectorize(lambda x: _fermi(x))
    integrand = e * p * (fermi((e - mu) / t) - fermi((e + mu) / t)) * 2.0 * u
    return float(np.sum(w * integrand)) / math.pi**2 / HBARC_MEV_FM**3


# --------------------------------------------------------------------------------------------
# xarray-facing API
# --------------------------------------------------------------------------------------------


def neutrino_energies(rmf, nature, rmf_dirac=None):
    """Neutrino energy per shell and energy choice [MeV] as a DataArray (shell, energy_choice)."""
    if nature not in ENERGY_CHOICES:
        raise ConfigError(f"nature = {nature!r} is not one of {', '.join(ENERGY_CHOICES)}")
    t = rmf["temperature"].values
    rows = []
    for choice in ENERGY_CHOICES[nature]:
        if choice == "mu_nu_plus_pi_T":
            rows.append(rmf["mu_nu"].values + math.pi * t)
        elif choice == "pi_T":
            rows.append(math.pi * t)
        else:
            if rmf_dirac is None:
                raise InputError("energy choice mu_dirac_plus_pi_T needs the dirac rmf artifact")
            if rmf_dirac.sizes["shell"] != rmf.sizes["shell"] or not np.allclose(
                rmf_dirac["temperature"].values, t
            ):
                raise InputError("dirac and majorana rmf artifacts describe different shells")
            rows.append(rmf_dirac["mu_nu"].values + math.pi * t)
    da = xr.DataArray(
        np.array(rows).T,
        dims=("shell", "energy_choice"),
        coords={"shell": rmf["shell"].values, "energy_choice": list(ENERGY_CHOICES[nature])},
    )
    return with_attrs(da, "MeV", "neutrino energy E per shell (physics.md §3)")


def compute_kernels(
    rmf,
    *,
    nature,
    rmf_dirac=None,
    refinement=1,
    min_mediator_mass_mev=0.01,
    thermal_cutoff=30.0,
    gauss_order=8,
    flux="pk",
    vacuum_mass_mev=M_NUCLEON_MEV,
    rosseland_nodes=0,
):
    """Kernels K0, K1, K2 for every shell of an rmf artifact (physics.md §3.3).

    Parameters
    ----------
    rmf : xarray.Dataset
        Stage-``rmf`` artifact of this nature (dim ``shell``).
    nature : {"dirac", "majorana"}
    rmf_dirac : xarray.Dataset, optional
        The dirac rmf artifact of the same snapshot (majorana ``mu_dirac_plus_pi_T`` only).
    refinement, min_mediator_mass_mev, thermal_cutoff, gauss_order
        See :class:`QuadratureSettings`.
    flux : {"pk", "rest_frame"}
    vacuum_mass_mev : float
        Nucleon mass of the vacuum-like frame [MeV].
    rosseland_nodes : int
        Energy nodes per shell of the Rosseland mean (0: none; physics.md §3.8).

    Returns
    -------
    xarray.Dataset
        Dims shell, species, nucleon, energy_choice, frame, node; variables ``K0`` [1],
        ``K1`` [MeV^2], ``K2`` [MeV^4], ``q0``/``q_abs`` [MeV], ``weight`` [MeV^2] and the shell
        state (temperature, effective_mass, mu_n_eff, mu_p_eff, mu_nu_blocking,
        neutrino_energy, ...); with ``rosseland_nodes`` also the spectral moments of
        :func:`lightmed.spectral.spectral_moments`.
    """
    settings = QuadratureSettings(
        refinement=int(refinement),
        min_mediator_mass_mev=float(min_mediator_mass_mev),
        thermal_cutoff=float(thermal_cutoff),
        gauss_order=int(gauss_order),
    )
    energies = neutrino_energies(rmf, nature, rmf_dirac)
    shells = rmf["shell"].values
    choices = list(energies["energy_choice"].values)
    results = {}
    n_max = 0
    for i, _ in enumerate(shells):
        t = float(rmf["temperature"].values[i])
        mstar = float(rmf["effective_mass"].values[i])
        mu = {"n": float(rmf["mu_n_eff"].values[i]), "p": float(rmf["mu_p_eff"].values[i])}
        for j, _ in enumerate(choices):
            for frame in FRAMES:
                res = shell_kernels(
                    energy_mev=float(energies.values[i, j]),
                    temperature_mev=t,
                    m_eff_mev=mstar,
                    mu_eff_mev=mu,
                    frame=frame,
                    flux=flux,
                    settings=settings,
                    vacuum_mass_mev=vacuum_mass_mev,
                )
                results[i, j, frame] = res
                n_max = max(n_max, res["q0"].size)
    shape_nodes = (len(shells), len(choices), len(FRAMES), n_max)
    q0 = np.zeros(shape_nodes)
    qa = np.ones(shape_nodes)
    w = np.zeros(shape_nodes)
    kern = np.zeros((len(shells), len(NUCLEONS), len(choices), len(FRAMES), n_max, 3))
    for (i, j, frame), res in results.items():
        f = FRAMES.index(frame)
        n = res["q0"].size
        q0[i, j, f, :n] = res["q0"]
        qa[i, j, f, :n] = res["q_abs"]
        w[i, j, f, :n] = res["weight"]
        for a, nucleon in enumerate(NUCLEONS):
            kern[i, a, j, f, :n] = res["kernels"][nucleon]
    # the kernels do not depend on the species (blocking is applied at contraction); the
    # species dimension of the artifact contract is a broadcast
    kern = np.broadcast_to(kern[:, None], (len(shells), len(SPECIES), *kern.shape[1:]))
    coords = {
        "shell": shells,
        "species": list(SPECIES),
        "nucleon": list(NUCLEONS),
        "energy_choice": choices,
        "frame": list(FRAMES),
        "node": np.arange(n_max),
    }
    node_dims = ("shell", "energy_choice", "frame", "node")
    kdims = ("shell", "species", "nucleon", "energy_choice", "frame", "node")
    ds = xr.Dataset(coords=coords)
    ds["q0"] = with_attrs(
        xr.DataArray(q0, dims=node_dims),
        "MeV",
        "energy transfer q0 = E - E' at the quadrature node",
    )
    ds["q_abs"] = with_attrs(
        xr.DataArray(qa, dims=node_dims), "MeV", "momentum transfer |q| at the quadrature node"
    )
    ds["weight"] = with_attrs(
        xr.DataArray(w, dims=node_dims),
        "MeV2",
        "quadrature weight of the (q0, |q|) node (0 = padding)",
    )
    units = ("1", "MeV2", "MeV4")
    for n in range(3):
        ds[f"K{n}"] = with_attrs(
            xr.DataArray(np.ascontiguousarray(kern[..., n]), dims=kdims),
            units[n],
            f"kernel K{n}: coefficient of c{n} in Int dE_N E_N F_N Int dphi |M|^2/Phi "
            "(physics.md §3.3)",
        )
    ds["neutrino_energy"] = energies
    for name, src, long_name in (
        ("temperature", "temperature", "temperature T"),
        ("effective_mass", "effective_mass", "nucleon effective mass m*"),
        ("mu_n_eff", "mu_n_eff", "neutron effective chemical potential mu*_n"),
        ("mu_p_eff", "mu_p_eff", "proton effective chemical potential mu*_p"),
    ):
        ds[name] = with_attrs(rmf[src].reset_coords(drop=True), "MeV", long_name)
    mu_nu = rmf["mu_nu"].values if nature == "dirac" else np.zeros(len(shells))
    ds["mu_nu_blocking"] = with_attrs(
        xr.DataArray(mu_nu, dims="shell"),
        "MeV",
        "neutrino chemical potential of the outgoing-neutrino blocking (nu: +, nubar: -; "
        "0 for Majorana)",
    )
    for name in ("baryon_density", "r_inner", "r_outer"):
        if name in rmf:
            ds[name] = rmf[name].reset_coords(drop=True)
    ds["shell"].attrs.update(units="1", long_name="shell index k")
    ds["species"].attrs.update(units="1", long_name="neutrino species (nu: s=+1, nubar: s=-1)")
    ds["nucleon"].attrs.update(units="1", long_name="target nucleon")
    ds["energy_choice"].attrs.update(units="1", long_name="neutrino energy prescription")
    ds["frame"].attrs.update(units="1", long_name="in-medium or vacuum-like (physics.md §3.5)")
    ds["node"].attrs.update(units="1", long_name="quadrature node index")
    ds.attrs.update(
        nature=nature,
        flux=flux,
        refinement=int(refinement),
        min_mediator_mass_mev=float(min_mediator_mass_mev),
        thermal_cutoff=float(thermal_cutoff),
        gauss_order=int(gauss_order),
        vacuum_mass_mev=float(vacuum_mass_mev),
        rosseland_nodes=int(rosseland_nodes),
    )
    if int(rosseland_nodes) > 0:
        from .spectral import spectral_moments

        ds = ds.merge(spectral_moments(ds, int(rosseland_nodes), settings, flux))
    return ds
