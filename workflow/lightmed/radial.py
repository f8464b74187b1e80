"""[ST21] radial SN-core method: spectrally averaged opacities on a radial profile.

A second, independent SN-core estimate (physics.md §4.3; [ST21] Sec. IV A, Eqs. 12-14),
evaluated on the same inputs as the [C21] shell method so the two can be compared:

* spectrally averaged inverse mean free path of flavour beta at radius r,

      1/lambda_beta(r) = sum_i n_i(r) <sigma_i>,
      <sigma> = int dE f(E) E^2 sigma(E) / int dE f(E) E^2,

  with a Fermi-Dirac f at the local T and mu (mu = +mu_nu for nu_e, -mu_nu for nubar_e,
  0 for nu_x), over neutral-current scattering on free neutrons and protons and (nu_e,
  nubar_e only) the charged-current absorptions nu_e n -> e- p and nubar_e p -> e+ n;
* diffusion time tau_beta = int_{R1}^{R2} dr r / (c lambda_beta(r)), tau = (tau_nue + tau_nuebar)/2,
  excluded where tau > 10 s (100 s shown as indicative);
* LNC scalar: number of nu_R-producing scatterings N = int_0^{R2} 2 r / lambda_NP(r)^2 dr,
  excluded where N > 1 (nu_e and nu_x separately).

Note the factor 2 between the two methods' definitions: [C21] Eq. 21 is c dt = int 2 r dr/lambda
over shells from the centre, [ST21] Eq. 13 is c tau = int r dr/lambda between R1 and R2.

Cross sections (per nucleon, free nucleons, no final-state blocking):

* NC: the CEvNS formulas of physics.md §5 for a single nucleon (A = 1, Z = 0/1, F = 1,
  m_T = m_N = 939 MeV), with the SM charge Q_w^2/4 -> (Q_w^2 + 3 g_A^2)/4 so that the axial
  current is included: Q_w = 1 (n), -(1 - 4 sin^2 theta_W) (p); g_A = 1.27. The recoil
  integrals over 0 <= E_r <= 2E^2/(m_N + 2E) are done in closed form.
* vector mediator: xi = -Q_w/2 + q_nu q_N / (sqrt2 G_F (2 m_N E_r + m^2)) in the vector part;
  the axial part is untouched. [C21] B-L: neutrino charge -g, nucleon charge +g (quarks g/3), so
  q_nu q_N = -g^2 -- in [ST21]'s notation g_nu g_q Q'_w = -g^2 with Q'_w = 3 (A = 1), i.e. the
  sign opposite to [ST21]'s g_nu g_q > 0: the interference is constructive on neutrons and
  destructive on protons (as in the [C21] shell method).
* scalar mediator: + (g_nu g_q Q_s)^2 m_N^2 E_r / (4 pi E^2 (2 E_r m_N + m^2)^2), Q_s = 14 A + 1.1 Z
  = 14 (n), 15.1 (p). [C21] scalars are parametrised by Y^2 = C_nu C_N with C_N = 13.8 C_q
  (physics.md §1.1), so g_nu g_q = Y^2 / 13.8 and g_nu g_q Q_s = Y^2 Q_s / 13.8. Used for both
  LNV and LNC (no interference with the SM).
* CC (Bruenn 1985, ApJS 58, 771, Eqs. C13-C14 without final-state blocking; also Burrows,
  Reddy & Thompson 2006, NPA 777, 356, Eq. 10 with cos theta_C -> 1):
  sigma = G_F^2 (1 + 3 g_A^2) E_e p_e / pi
        = sigma_0 (1 + 3 g_A^2)/4 (E_e/m_e)^2 sqrt(1 - m_e^2/E_e^2),
  sigma_0 = 4 G_F^2 m_e^2 / pi, E_e = E + Q (nu_e n), E - Q (nubar_e p), Q = m_n - m_p.

Densities n_n = (1 - Y_p) n_B, n_p = Y_p n_B with Y_p = Y_e (charge neutrality without muons).

Profiles are turned into piecewise-constant radial cells (:class:`RadialProfile`): a shell
table is exactly that; a Garching radial snapshot gets one cell per grid interval with the
mean of its end values (second order, like the trapezoidal rule). All radial integrals over
cells are then exact, and -- because 1/lambda is A0 + A1 g^2 + A2 g^4 pointwise -- tau is a
quadratic in g^2 and N is proportional to g^8, so the bounds are closed-form roots
(:func:`lightmed.diffusion.solve_criterion`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from .cevns import nucleon as _nucleon
from .cevns.nucleon import G_AXIAL, Q_NP_MEV, cc_cross_section_fm2  # noqa: F401 (re-exported)
from .constants import C_M_PER_S, M_ELECTRON_MEV
from .diffusion import Criterion, label_coords, solve_criterion
from .errors import ConfigError, InputError
from .models import PRESETS

#: [C21] C_N / C_q = m_N sum_q f_q / m_q for universal quark couplings (physics.md §1.1).
SCALAR_CN_OVER_CQ: float = 13.8

#: [C21] model -> nucleon-level mediator kind and the sign/normalisation of the coupling
#: product q_nu q_N in units of g^2 (vector) -- see the module docstring.
RADIAL_MODELS: dict[str, dict[str, float | str]] = {
    "bl_vector": {"kind": "vector", "charge_product": -1.0},
    "lnc_scalar": {"kind": "scalar"},
    "lnv_scalar": {"kind": "scalar"},
}
FLAVOURS: tuple[str, ...] = ("nu_e", "nubar_e", "nu_x")
NUCLEONS: tuple[str, ...] = ("n", "p")
#: Criteria per model: tau > 10 s, tau > 100 s, N > 1 (nu_e), N > 1 (nu_x).
RADIAL_CRITERIA: dict[str, tuple[str, ...]] = {
    "bl_vector": ("tau_10s", "tau_100s"),
    "lnv_scalar": ("tau_10s", "tau_100s"),
    "lnc_scalar": ("tau_10s", "tau_100s", "n_scatter_1", "n_scatter_1_nux"),
}
RADIAL_DESCRIPTION: dict[str, str] = {
    "tau_10s": "tau = (tau_nue + tau_nuebar)/2 > tau_max_s (10 s) ([ST21] Eq. 13)",
    "tau_100s": "tau > tau_indicative_s (100 s), indicative ([ST21] Sec. IV A)",
    "n_scatter_1": "nu_e scatterings N = int_0^R2 2r/lambda_NP^2 dr > 1 ([ST21] Eq. 14)",
    "n_scatter_1_nux": "nu_x scatterings N > 1 ([ST21] Eq. 14)",
}

_FM_TO_M = 1e-15
_KM_TO_M = 1e3


@dataclass(frozen=True)
class NucleonPhysics(_nucleon.NucleonPhysics):
    """lightmed.cevns.nucleon.NucleonPhysics plus the C_N/C_q of this method's scalar convention.

    The cross sections live in :mod:`lightmed.cevns.nucleon`; this method evaluates [C21]'s
    scalar Y with [ST21]'s nucleon charges, Y^2 = C_N/C_q g^2 (module docstring).
    """

    scalar_cn_over_cq: float = SCALAR_CN_OVER_CQ

    @classmethod
    def from_config(cls, block: Mapping[str, object]) -> NucleonPhysics:
        return cls(
            g_axial=float(block.get("g_axial", G_AXIAL)),
            include_charged_current=bool(block.get("include_charged_current", True)),
            scalar_cn_over_cq=float(block.get("scalar_cn_over_cq", SCALAR_CN_OVER_CQ)),
        )


# --------------------------------------------------------------------------------------------
# cross sections (lightmed.cevns.nucleon, in this method's coupling conventions)
# --------------------------------------------------------------------------------------------
def nc_cross_section_coefficients(
    energy_mev, mass_mev, nucleon: str, model: str, physics: NucleonPhysics = NucleonPhysics()
):
    """NC nu-nucleon sigma = sm + int g^2 + np g^4 [fm^2] for a [C21] model (module docstring).

    B-L: the registry's ``bl_vector`` (s = q_nu c_N = -1). Scalars: [ST21]'s universal scalar
    (c_N = 14, 15.1) with g^2 = Y^2 / (C_N/C_q), i.e. np / (C_N/C_q)^2.
    """
    if model not in RADIAL_MODELS:
        raise ConfigError(
            f"unknown radial-method model {model!r}; known: {', '.join(RADIAL_MODELS)}"
        )
    if RADIAL_MODELS[model]["kind"] == "vector":
        return _nucleon.nc_cross_section_coefficients(
            energy_mev, mass_mev, nucleon, PRESETS["bl_vector"], "e", physics
        )
    sm, c_int, c_np = _nucleon.nc_cross_section_coefficients(
        energy_mev, mass_mev, nucleon, PRESETS["scalar"], "e", physics
    )
    return sm, c_int, c_np / physics.scalar_cn_over_cq**2


def spectral_nodes(temperature_mev, mu_mev, n_per_panel: int = 24, extra_edges=()):
    """Quadrature of the Fermi-Dirac E^2 weight: nodes E [MeV] and normalised weights.

    Returns arrays of shape (n_cells, 4 * n_per_panel) with sum(weights) = 1 per cell, so
    <sigma> = sum(weights * sigma(nodes)). Panels: [0, mu - 8T], [mu - 8T, mu + 8T],
    [mu + 8T, mu + 60T] (mu clipped at 0), split at ``extra_edges`` (e.g. CC thresholds).
    """
    t = np.atleast_1d(np.asarray(temperature_mev, float))
    mu = np.atleast_1d(np.asarray(mu_mev, float))
    if np.any(t <= 0):
        raise InputError("spectral average: temperature must be > 0 MeV")
    mu0 = np.maximum(mu, 0.0)
    top = mu0 + 60.0 * t
    edges = [np.zeros_like(t), np.clip(mu0 - 8 * t, 0, None), mu0 + 8 * t, top]
    for x in extra_edges:
        edges.append(np.clip(np.full_like(t, float(x)), 0.0, top))
    while len(edges) < 5:
        edges.append(top)
    edges = np.sort(np.stack(edges, axis=-1), axis=-1)
    x, w = np.polynomial.legendre.leggauss(n_per_panel)
    lo, hi = edges[:, :-1, None], edges[:, 1:, None]
    nodes = (0.5 * (hi - lo) * (x + 1.0) + lo).reshape(len(t), -1)
    weights = (0.5 * (hi - lo) * w).reshape(len(t), -1)
    with np.errstate(over="ignore"):
        f = 1.0 / (1.0 + np.exp(np.clip((nodes - mu[:, None]) / t[:, None], -700, 700)))
    weights = weights * f * nodes**2
    norm = weights.sum(axis=-1, keepdims=True)
    return nodes, weights / norm


# --------------------------------------------------------------------------------------------
# profiles as radial cells
# --------------------------------------------------------------------------------------------
@dataclass
class RadialProfile:
    """Piecewise-constant radial cells (SI-free: km, MeV, fm^-3) for the [ST21] method.

    Attributes
    ----------
    edges_km : ndarray (n + 1)
        Cell edges [km], 0 first.
    temperature_mev, mu_nu_mev, neutron_density_fm3, proton_density_fm3 : ndarray (n)
        Cell values.
    eta_radius_km, eta : ndarray
        Where to look for eta = mu_nu/T = eta_r1 (points of a radial file, or the edges of a
        step profile: see :func:`find_r1_km`).
    kind : {"radial", "shells"}
    name : str
    """

    edges_km: np.ndarray
    temperature_mev: np.ndarray
    mu_nu_mev: np.ndarray
    neutron_density_fm3: np.ndarray
    proton_density_fm3: np.ndarray
    eta_radius_km: np.ndarray
    eta: np.ndarray
    kind: str
    name: str
    attrs: dict = field(default_factory=dict)

    @property
    def n_cells(self) -> int:
        return len(self.temperature_mev)


def _densities(n_b, y_p):
    return (1.0 - y_p) * n_b, y_p * n_b


def radial_profile_from_garching(radial: xr.Dataset, name: str = "radial") -> RadialProfile:
    """Cells from a :func:`lightmed.profiles.garching_profile` dataset (dim ``radius`` [km]).

    Requires ``temperature``, ``mu_nu`` [MeV], ``baryon_density`` [fm^-3] and
    ``electron_fraction`` (Y_p = Y_e).
    """
    src = radial.attrs.get("profile_source", name)
    need = ("temperature", "mu_nu", "baryon_density", "electron_fraction")
    missing = [v for v in need if v not in radial]
    if missing:
        raise InputError(f"{src}: radial method needs {', '.join(missing)} in the profile "
                         "(mu_nu [MeV] gives the neutrino spectrum and eta = mu_nu/T)")
    if "radius" not in radial.dims or radial.sizes["radius"] < 2:
        raise InputError(f"{src}: radial profile needs at least 2 radii")
    r = radial["radius"].to_numpy().astype(float)
    vals = {v: radial[v].to_numpy().astype(float) for v in need}

    def cell(v):
        x = vals[v]
        return np.concatenate([[x[0]], 0.5 * (x[1:] + x[:-1])])

    n_n, n_p = _densities(cell("baryon_density"), cell("electron_fraction"))
    return RadialProfile(
        edges_km=np.concatenate([[0.0], r]),
        temperature_mev=cell("temperature"),
        mu_nu_mev=cell("mu_nu"),
        neutron_density_fm3=n_n,
        proton_density_fm3=n_p,
        eta_radius_km=r,
        eta=vals["mu_nu"] / vals["temperature"],
        kind="radial",
        name=name,
        attrs={"profile_source": str(src)},
    )


def radial_profile_from_shells(
    profile: xr.Dataset, rmf: xr.Dataset | None = None, name: str = "shells"
) -> RadialProfile:
    """Cells from a shell profile artifact, with mu_nu and Y_p from the Dirac RMF artifact.

    Parameters
    ----------
    profile : xarray.Dataset
        ``results/profiles/{snapshot}.nc`` (r_inner, r_outer [km], temperature [MeV],
        baryon_density [fm^-3]).
    rmf : xarray.Dataset, optional
        ``results/rmf/{snapshot}_dirac.nc``: ``mu_nu`` [MeV] and ``proton_fraction``. Without
        it the profile's own ``mu_nu`` and ``electron_fraction`` are used.
    """
    src = profile.attrs.get("profile_source", name)
    for v in ("r_inner", "r_outer", "temperature", "baryon_density"):
        if v not in profile:
            raise InputError(f"{src}: radial method needs '{v}' in the shell profile")
    if rmf is not None and "mu_nu" in rmf:
        mu = rmf["mu_nu"].to_numpy().astype(float)
    elif "mu_nu" in profile:
        mu = profile["mu_nu"].to_numpy().astype(float)
    else:
        raise InputError(f"{src}: radial method needs the neutrino chemical potential mu_nu "
                         "[MeV]: give the Dirac RMF artifact or a profile with mu_nu")
    if rmf is not None and "proton_fraction" in rmf:
        y_p = rmf["proton_fraction"].to_numpy().astype(float)
    elif "electron_fraction" in profile:
        y_p = profile["electron_fraction"].to_numpy().astype(float)
    else:
        raise InputError(f"{src}: radial method needs the proton fraction: give the RMF "
                         "artifact (proton_fraction) or a profile with electron_fraction")
    r_in = profile["r_inner"].to_numpy().astype(float)
    r_out = profile["r_outer"].to_numpy().astype(float)
    if r_in[0] != 0.0 or np.any(np.abs(r_in[1:] - r_out[:-1]) > 1e-9):
        raise InputError(f"{src}: shells must be contiguous from r = 0")
    t = profile["temperature"].to_numpy().astype(float)
    n_n, n_p = _densities(profile["baryon_density"].to_numpy().astype(float), y_p)
    eta = mu / t
    return RadialProfile(
        edges_km=np.concatenate([[0.0], r_out]),
        temperature_mev=t,
        mu_nu_mev=mu,
        neutron_density_fm3=n_n,
        proton_density_fm3=n_p,
        eta_radius_km=r_in,
        eta=eta,
        kind="shells",
        name=name,
        attrs={"profile_source": str(src)},
    )


def find_r1_km(prof: RadialProfile, eta_r1: float = 1.0) -> float:
    """R1: first radius (outwards from the centre) where eta = mu_nu/T falls to ``eta_r1``.

    Radial files: linear interpolation between grid points. Shell profiles: the inner edge of
    the first shell with eta < eta_r1 that follows a shell with eta >= eta_r1. If eta <
    eta_r1 already at the centre, R1 = 0.
    """
    eta, r = prof.eta, prof.eta_radius_km
    below = eta < eta_r1
    if below[0]:
        return 0.0
    if not below.any():
        raise InputError(f"{prof.name}: eta = mu_nu/T never falls below {eta_r1} "
                         "(cannot derive R1; set radial.r1_km)")
    i = int(np.argmax(below))
    if prof.kind == "shells":
        return float(r[i])
    frac = (eta[i - 1] - eta_r1) / (eta[i - 1] - eta[i])
    return float(r[i - 1] + frac * (r[i] - r[i - 1]))


def find_r2_km(prof: RadialProfile, kappa_per_m: np.ndarray, optical_depth: float = 2 / 3):
    """R2: radius where the optical depth integrated from outside reaches ``optical_depth``.

    ``kappa_per_m`` is the SM inverse mean free path per cell [1/m] (exact for cells).
    """
    dr_m = np.diff(prof.edges_km) * _KM_TO_M
    tau_cell = kappa_per_m * dr_m
    tau_out = np.concatenate([np.cumsum(tau_cell[::-1])[::-1], [0.0]])  # at each edge
    if tau_out[0] < optical_depth:
        raise InputError(f"{prof.name}: total optical depth {tau_out[0]:.3g} < {optical_depth}"
                         " (no neutrinosphere; set radial.r2_km)")
    j = int(np.flatnonzero(tau_out >= optical_depth)[-1])  # edge index inside which it lies
    if j >= prof.n_cells:
        return float(prof.edges_km[-1])
    excess = optical_depth - tau_out[j + 1]
    return float(prof.edges_km[j + 1] - excess / kappa_per_m[j] / _KM_TO_M)


# --------------------------------------------------------------------------------------------
# opacities and the radial integrals
# --------------------------------------------------------------------------------------------
def cell_opacities(
    prof: RadialProfile,
    masses_mev: Sequence[float] | None,
    model: str | None,
    physics: NucleonPhysics = NucleonPhysics(),
    n_per_panel: int = 24,
    cells: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Spectrally averaged inverse mean free paths per flavour and cell [1/m].

    Returns
    -------
    dict
        ``sm`` (flavour, cell); with a model also ``int``, ``np`` (flavour, cell, mass), the
        coefficients of g^2 and g^4, and ``np_only`` = ``np`` (the new-physics lambda alone).
    """
    idx = np.arange(prof.n_cells) if cells is None else np.asarray(cells)
    t = prof.temperature_mev[idx]
    n_n = prof.neutron_density_fm3[idx]
    n_p = prof.proton_density_fm3[idx]
    masses = None if masses_mev is None else np.asarray(masses_mev, float)
    out = {"sm": np.zeros((len(FLAVOURS), len(idx)))}
    if masses is not None:
        out["int"] = np.zeros((len(FLAVOURS), len(idx), len(masses)))
        out["np"] = np.zeros((len(FLAVOURS), len(idx), len(masses)))
    thresholds = (physics.q_value_mev + M_ELECTRON_MEV,)
    to_per_m = 1.0 / _FM_TO_M  # n [fm^-3] sigma [fm^2] = 1/fm -> 1/m
    mu_sign = {"nu_e": 1.0, "nubar_e": -1.0, "nu_x": 0.0}
    if masses is not None:
        # Mediator terms: one energy grid shared by all cells, so the (energy, mass) cross
        # sections are evaluated once and the spectral average is a matrix product.
        grid_e, grid_w = _shared_energy_grid(t, prof.mu_nu_mev[idx], n_per_panel)
        sig = {nuc: nc_cross_section_coefficients(grid_e[:, None], masses, nuc, model, physics)
               for nuc in NUCLEONS}
    for f_i, flavour in enumerate(FLAVOURS):
        mu = mu_sign[flavour] * prof.mu_nu_mev[idx]
        nodes, weights = spectral_nodes(t, mu, n_per_panel, thresholds)
        cc = cc_cross_section_fm2(nodes, flavour, physics)
        cc_target = n_n if flavour == "nu_e" else n_p
        kappa = cc_target * (weights * cc).sum(-1)
        for nucleon, dens in (("n", n_n), ("p", n_p)):
            sm, _, _ = nc_cross_section_coefficients(nodes, 1.0, nucleon, "bl_vector", physics)
            kappa = kappa + dens * (weights * sm).sum(-1)
        out["sm"][f_i] = kappa * to_per_m
        if masses is not None:
            with np.errstate(over="ignore"):
                occ = 1.0 / (1.0 + np.exp(np.clip(
                    (grid_e[None, :] - mu[:, None]) / t[:, None], -700, 700)))
            wmat = grid_w[None, :] * occ * grid_e[None, :] ** 2
            wmat /= wmat.sum(-1, keepdims=True)
            for nucleon, dens in (("n", n_n), ("p", n_p)):
                _, c_int, c_np = sig[nucleon]
                out["int"][f_i] += dens[:, None] * (wmat @ c_int) * to_per_m
                out["np"][f_i] += dens[:, None] * (wmat @ c_np) * to_per_m
    return out


def _shared_energy_grid(temperature_mev, mu_mev, n_per_panel: int = 24):
    """Gauss-Legendre nodes [MeV] and weights on geometric panels covering every cell's
    Fermi-Dirac E^2 f(E) weight: from T_min/50 to max(mu, 0) + 60 T_max, 8 nodes per panel
    and ``2 n_per_panel`` panels (panel width <= ~25 % of E for the default 24)."""
    t = np.asarray(temperature_mev, float)
    top = float(np.max(np.maximum(np.abs(mu_mev), 0.0) + 60.0 * t))
    bottom = float(np.min(t)) / 50.0
    n_panels = max(2 * n_per_panel, 16)
    edges = np.concatenate([[0.0], np.geomspace(bottom, top, n_panels)])
    x, w = np.polynomial.legendre.leggauss(8)
    lo, hi = edges[:-1, None], edges[1:, None]
    nodes = (0.5 * (hi - lo) * (x + 1.0) + lo).ravel()
    weights = (0.5 * (hi - lo) * w).ravel()
    return nodes, weights


def _clip_r2(edges_km: np.ndarray, lo_km: float, hi_km: float) -> np.ndarray:
    """int_{lo}^{hi} 2 r dr over each cell [m^2] (r^2 differences, clipped to [lo, hi])."""
    a = np.clip(edges_km[:-1], lo_km, hi_km) * _KM_TO_M
    b = np.clip(edges_km[1:], lo_km, hi_km) * _KM_TO_M
    return b**2 - a**2


def radial_bounds(
    prof: RadialProfile,
    model: str,
    masses_mev: Sequence[float],
    settings: Mapping[str, object] | None = None,
) -> xr.Dataset:
    """[ST21]-method SN-core bounds for one profile and one [C21] model.

    Parameters
    ----------
    prof : RadialProfile
    model : str
        Key of :data:`RADIAL_MODELS`.
    masses_mev : sequence of float
        Mediator masses [MeV].
    settings : mapping
        Config ``radial`` block: ``r1_km``/``r2_km`` (None: derive), ``eta_r1``,
        ``optical_depth_r2``, ``neutrinosphere_flavour``, ``tau_max_s``,
        ``tau_indicative_s``, ``n_scatter_max``, ``coupling_max``, ``energy_nodes``,
        ``g_axial``, ``include_charged_current``, ``scalar_cn_over_cq``.

    Returns
    -------
    xarray.Dataset
        Dims ``criterion, mass`` (+ ``interval``, ``flavour``): ``coupling_bound`` [1],
        ``exceeded_lower``/``upper`` [1], ``tau_sm`` [s] per flavour, ``r1_km``, ``r2_km``,
        the polynomial coefficients ``tau_int`` [s], ``tau_np`` [s] and ``n_scatter_np`` [1].

    Notes
    -----
    [ST21] Eqs. 12-14; physics.md §4.3.
    """
    cfg = dict(settings or {})
    if model not in RADIAL_MODELS:
        raise ConfigError(f"unknown radial-method model {model!r}; known: "
                          f"{', '.join(RADIAL_MODELS)}")
    masses = np.asarray(masses_mev, float)
    if masses.size == 0:
        raise InputError("radial method: empty mass grid")
    physics = NucleonPhysics.from_config(cfg)
    n_nodes = int(cfg.get("energy_nodes", 24))
    sm_all = cell_opacities(prof, None, None, physics, n_nodes)["sm"]
    r1 = cfg.get("r1_km")
    r1 = find_r1_km(prof, float(cfg.get("eta_r1", 1.0))) if r1 is None else float(r1)
    r2 = cfg.get("r2_km")
    nsphere = str(cfg.get("neutrinosphere_flavour", "nubar_e"))
    if nsphere not in FLAVOURS:
        raise ConfigError(f"radial.neutrinosphere_flavour = {nsphere!r}; use one of "
                          f"{', '.join(FLAVOURS)}")
    if r2 is None:
        r2 = find_r2_km(prof, sm_all[FLAVOURS.index(nsphere)],
                        float(cfg.get("optical_depth_r2", 2 / 3)))
    r2 = float(r2)
    if not r2 > r1:
        raise InputError(f"{prof.name}: R2 = {r2:.3g} km must exceed R1 = {r1:.3g} km")
    cells = np.flatnonzero(prof.edges_km[:-1] < r2)
    op = cell_opacities(prof, masses, model, physics, n_nodes, cells)
    edges = prof.edges_km[np.concatenate([cells, [cells[-1] + 1]])]
    w_tau = 0.5 * _clip_r2(edges, r1, r2) / C_M_PER_S  # int r dr / c  [m^2 s/m]
    w_n = _clip_r2(edges, 0.0, r2)  # int 2 r dr [m^2]
    tau_sm = (op["sm"] * w_tau).sum(-1)  # (flavour)
    tau_int = (op["int"] * w_tau[:, None]).sum(1)  # (flavour, mass)
    tau_np = (op["np"] * w_tau[:, None]).sum(1)
    n_np = (op["np"] ** 2 * w_n[:, None]).sum(1)  # coefficient of g^8
    ie, ib, ix = (FLAVOURS.index(f) for f in FLAVOURS)
    tmax = float(cfg.get("tau_max_s", 10.0))
    tind = float(cfg.get("tau_indicative_s", 100.0))
    nmax = float(cfg.get("n_scatter_max", 1.0))
    t0 = 0.5 * (tau_sm[ie] + tau_sm[ib])
    t1 = 0.5 * (tau_int[ie] + tau_int[ib])
    t2 = 0.5 * (tau_np[ie] + tau_np[ib])
    polys = {
        "tau_10s": Criterion(t0 - tmax + 0 * t1, t1, t2, 2.0),
        "tau_100s": Criterion(t0 - tind + 0 * t1, t1, t2, 2.0),
        # N = n_np g^8 > nmax: quadratic in y = g^4 with only the y^2 term.
        "n_scatter_1": Criterion(-nmax + 0 * n_np[ie], 0 * n_np[ie], n_np[ie], 4.0),
        "n_scatter_1_nux": Criterion(-nmax + 0 * n_np[ix], 0 * n_np[ix], n_np[ix], 4.0),
    }
    names = RADIAL_CRITERIA[model]
    coupling_max = float(cfg.get("coupling_max", 1.0))
    res = [solve_criterion(polys[n], coupling_max) for n in names]
    dims = ("criterion", "mass")
    ds = xr.Dataset(
        {
            "coupling_bound": (dims, np.stack([r[0] for r in res]), {
                "units": "1", "long_name": "smallest coupling violating the criterion",
                "comment": "NaN: not violated up to coupling_max; 0: violated by the SM"}),
            "exceeded_lower": (dims + ("interval",), np.stack([r[1] for r in res]), {
                "units": "1", "long_name": "lower edge of an exceedance interval"}),
            "exceeded_upper": (dims + ("interval",), np.stack([r[2] for r in res]), {
                "units": "1", "long_name": "upper edge of an exceedance interval"}),
            "criterion_description": ("criterion", [RADIAL_DESCRIPTION[n] for n in names], {
                "units": "1", "long_name": "meaning of the criterion"}),
            "tau_sm": ("flavour", tau_sm, {"units": "s",
                                           "long_name": "SM diffusion time tau ([ST21] Eq. 13)"}),
            "tau_int": (("flavour", "mass"), tau_int, {
                "units": "s", "long_name": "coefficient of g^2 in tau"}),
            "tau_np": (("flavour", "mass"), tau_np, {
                "units": "s", "long_name": "coefficient of g^4 in tau"}),
            "n_scatter_np": (("flavour", "mass"), n_np, {
                "units": "1", "long_name": "coefficient of g^8 in N ([ST21] Eq. 14)"}),
            "r1_km": ((), r1, {"units": "km", "long_name": "inner radius R1 of the tau integral"}),
            "r2_km": ((), r2, {"units": "km", "long_name": "outer radius R2 (neutrinosphere)"}),
        },
        coords={
            "criterion": ("criterion", list(names)),
            "mass": ("mass", masses),
            "interval": ("interval", np.arange(2)),
            "flavour": ("flavour", list(FLAVOURS), {"units": "1",
                                                    "long_name": "neutrino flavour"}),
        },
    )
    ds.attrs.update(model=model, profile=prof.name, profile_kind=prof.kind,
                    coupling_max=coupling_max, **prof.attrs)
    return label_coords(ds)


def combine_profiles(per_profile: Mapping[str, xr.Dataset]) -> xr.Dataset:
    """Stack :func:`radial_bounds` results along a ``profile`` dimension."""
    if not per_profile:
        raise ConfigError("radial method: no profiles (set radial.snapshots or "
                          "radial.garching_profiles)")
    names = list(per_profile)
    ds = xr.concat([per_profile[n] for n in names], dim="profile", combine_attrs="drop_conflicts",
                   data_vars="all")
    ds = ds.assign_coords(profile=("profile", names))
    ds["profile"].attrs.update(units="1", long_name="input profile (snapshot or radial file)")
    for name in ("flavour", "criterion", "interval", "mass"):
        if name in ds.coords:
            ds[name].attrs.update(per_profile[names[0]][name].attrs)
    return ds


def mass_grid(block: Mapping[str, object]) -> np.ndarray:
    """Log-spaced mass grid [MeV] from ``{min, max, num}``."""
    lo, hi, n = float(block["min"]), float(block["max"]), int(block["num"])
    if not (0 < lo < hi) or n < 1:
        raise ConfigError(f"radial.mass_mev must have 0 < min < max and num >= 1, got {block}")
    return np.geomspace(lo, hi, n)
