"""[ST21] radial SN-core method: spectrally averaged opacities on a radial profile.

A second, independent SN-core estimate (physics.md §4.3; [ST21] Sec. IV A, Eqs. 12-14),
evaluated on the same inputs as the [C21] shell method so the two can be compared:

* spectrally averaged inverse mean free path of flavour beta at radius r,

      1/lambda_beta(r) = sum_i n_i(r) <sigma_i>,
      <sigma> = int dE f(E) E^2 sigma(E) / int dE f(E) E^2,

  with a Fermi-Dirac f at the local T and mu (mu = +mu_nu for nu_e, -mu_nu for nubar_e,
  0 for the heavy flavours), over neutral-current scattering on free neutrons and protons and
  (nu_e, nubar_e only) the charged-current absorptions nu_e n -> e- p and nubar_e p -> e+ n;
* diffusion time tau_beta = int_{R1}^{R2} dr r / (c lambda_beta(r)), tau = (tau_nue + tau_nuebar)/2,
  excluded where tau > 10 s (100 s shown as indicative);
* LNC scalar: number of nu_R-producing scatterings N = int_0^{R2} 2 r / lambda_NP(r)^2 dr,
  excluded where N > 1 (nu_e and the heavy flavours separately).

Note the factor 2 between the two methods' definitions: [C21] Eq. 21 is c dt = int 2 r dr/lambda
over shells from the centre, [ST21] Eq. 13 is c tau = int r dr/lambda between R1 and R2.

Models come from the registry (:mod:`lightmed.models`): per flavour alpha and nucleon N the
mediator terms scale with s = q_alpha c_N (interference) and s^2 (new physics), with the
model's own nucleon charges c_N -- for [C21]'s nucleon-normalised scalars c_n = c_p = 1, for
B-L q_alpha = -1, c_N = 1. The heavy flavours are one species nu_x when q_mu = q_tau and
nu_mu, nu_tau separately otherwise. A criterion about a flavour the model does not couple to
(tau needs nu_e) is reported "not applicable" in ``status``, never as a bound.

Cross sections (per nucleon, free nucleons, no final-state blocking; implemented in
:mod:`lightmed.cevns.nucleon`):

* NC: the CEvNS formulas of physics.md §5 for a single nucleon (A = 1, Z = 0/1, F = 1,
  m_T = m_N = 939 MeV), with the SM charge Q_w^2/4 -> (Q_w^2 + 3 g_A^2)/4 so that the axial
  current is included: Q_w = 1 (n), -(1 - 4 sin^2 theta_W) (p); g_A = 1.27. The recoil
  integrals over 0 <= E_r <= 2E^2/(m_N + 2E) are done in closed form.
* vector mediator: xi = -Q_w/2 + g^2 s / (sqrt2 G_F (2 m_N E_r + m^2)) in the vector part;
  the axial part is untouched. B-L: s = -1, so the interference is constructive on neutrons
  and destructive on protons (as in the [C21] shell method).
* scalar mediator: + (g^2 s)^2 m_N^2 E_r / (4 pi E^2 (2 E_r m_N + m^2)^2) (no interference).
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
(:func:`lightmed.bounds.solve_polynomial`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr

from .bounds import Criterion, bound_dataset, solve_polynomial
from .cevns.nucleon import (  # noqa: F401 - G_AXIAL, Q_NP_MEV re-exported
    G_AXIAL,
    NUCLEONS,
    Q_NP_MEV,
    NucleonPhysics,
    cc_cross_section_fm2,
    nc_cross_section_coefficients,
)
from .constants import C_M_PER_S, M_ELECTRON_MEV
from .diffusion import label_coords
from .errors import ConfigError, InputError
from .models import PRESETS, MediatorModel
from .radial_profile import (  # noqa: F401 - re-exported: the method's public inputs
    RadialProfile,
    find_r1_km,
    find_r2_km,
    radial_profile_from_garching,
    radial_profile_from_shells,
    spectral_nodes,
)
from .sn_core import snapshot_label

#: Species of the SM opacities (nu_x: any heavy flavour, mu = 0, no CC).
FLAVOURS: tuple[str, ...] = ("nu_e", "nubar_e", "nu_x")
#: Radial-method species -> registry flavour (e, mu, tau) and the SM species it uses.
_SPECIES: dict[str, tuple[str, str]] = {
    "nu_e": ("e", "nu_e"),
    "nubar_e": ("e", "nubar_e"),
    "nu_x": ("mu", "nu_x"),
    "nu_mu": ("mu", "nu_x"),
    "nu_tau": ("tau", "nu_x"),
}
#: Criterion -> (text with the config thresholds, equation).
RADIAL_CRITERIA: dict[str, tuple[str, str]] = {
    "tau_10s": ("tau = (tau_nue + tau_nuebar)/2 > {tau_max_s:g} s", "[ST21] Eq. 13"),
    "tau_100s": ("tau > {tau_indicative_s:g} s, indicative", "[ST21] Sec. IV A"),
    "n_scatter_1": (
        "nu_e scatterings N = int 2r/lambda_NP^2 dr > {n_scatter_max:g}",
        "[ST21] Eq. 14",
    ),
    "n_scatter_1_nux": ("nu_x scatterings N > {n_scatter_max:g}", "[ST21] Eq. 14"),
    "n_scatter_1_numu": ("nu_mu scatterings N > {n_scatter_max:g}", "[ST21] Eq. 14"),
    "n_scatter_1_nutau": ("nu_tau scatterings N > {n_scatter_max:g}", "[ST21] Eq. 14"),
}
#: Scattering-number criterion -> the species it counts.
_N_SCATTER: dict[str, str] = {
    "n_scatter_1": "nu_e",
    "n_scatter_1_nux": "nu_x",
    "n_scatter_1_numu": "nu_mu",
    "n_scatter_1_nutau": "nu_tau",
}
_FM_TO_M = 1e-15
_KM_TO_M = 1e3


def nucleon_physics(block: Mapping[str, object]) -> NucleonPhysics:
    """The nucleon cross sections' parameters from the config ``radial`` block."""
    return NucleonPhysics(
        g_axial=float(block["g_axial"]),
        include_charged_current=bool(block["include_charged_current"]),
    )


# --------------------------------------------------------------------------------------------
# opacities and the radial integrals
# --------------------------------------------------------------------------------------------
def radial_species(model: MediatorModel | None) -> tuple[str, ...]:
    """Species of the method: nu_e, nubar_e and nu_x, or nu_mu and nu_tau if q_mu != q_tau."""
    if model is not None and model.neutrino_charge("mu") != model.neutrino_charge("tau"):
        return ("nu_e", "nubar_e", "nu_mu", "nu_tau")
    return FLAVOURS


def cell_opacities(
    prof: RadialProfile,
    masses_mev: Sequence[float] | None,
    model: MediatorModel | None,
    physics: NucleonPhysics | None = None,
    n_per_panel: int = 24,
    cells: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Spectrally averaged inverse mean free paths per species and cell [1/m].

    Returns
    -------
    dict
        ``species`` (:func:`radial_species`), ``sm`` (species, cell); with a model and masses
        also ``int``, ``np`` (species, cell, mass): the coefficients of g^2 and g^4 (``np``
        alone is the new-physics inverse mean free path per g^4).
    """
    physics = NucleonPhysics() if physics is None else physics
    idx = np.arange(prof.n_cells) if cells is None else np.asarray(cells)
    t = prof.temperature_mev[idx]
    n_n = prof.neutron_density_fm3[idx]
    n_p = prof.proton_density_fm3[idx]
    species = radial_species(model)
    with_model = masses_mev is not None and model is not None
    masses = np.asarray(masses_mev, float) if with_model else None
    out = {"species": species, "sm": np.zeros((len(species), len(idx)))}
    if with_model:
        out["int"] = np.zeros((len(species), len(idx), len(masses)))
        out["np"] = np.zeros((len(species), len(idx), len(masses)))
    thresholds = (physics.q_value_mev + M_ELECTRON_MEV,)
    to_per_m = 1.0 / _FM_TO_M  # n [fm^-3] sigma [fm^2] = 1/fm -> 1/m
    mu_sign = {"nu_e": 1.0, "nubar_e": -1.0, "nu_x": 0.0}
    if with_model:
        # Mediator terms: one energy grid shared by all cells, so the (energy, mass) cross
        # sections are evaluated once per flavour and the spectral average is a matrix product.
        grid_e, grid_w = _shared_energy_grid(t, prof.mu_nu_mev[idx], n_per_panel)
        # s = q_alpha c_N: one evaluation per nucleon at the flavour of largest |q_alpha|,
        # the others scaled by q_alpha/q_ref (interference) and its square (new physics)
        flavours = sorted({_SPECIES[s][0] for s in species})
        q = {f: model.neutrino_charge(f) for f in flavours}
        f_ref = max(flavours, key=lambda f: abs(q[f]))
        ref_sig = {
            nuc: nc_cross_section_coefficients(grid_e[:, None], masses, nuc, model, f_ref, physics)
            for nuc in NUCLEONS
        }
        sig = {}
        for f in flavours:
            r = q[f] / q[f_ref] if q[f_ref] else 0.0
            for nuc in NUCLEONS:
                sm_, i_, n_ = ref_sig[nuc]
                sig[f, nuc] = (sm_, r * i_, r * r * n_)
    ref = model if model is not None else PRESETS["vector"]  # only its SM part is used
    for f_i, name in enumerate(species):
        flavour, sm_species = _SPECIES[name]
        mu = mu_sign[sm_species] * prof.mu_nu_mev[idx]
        nodes, weights = spectral_nodes(t, mu, n_per_panel, thresholds)
        cc = cc_cross_section_fm2(nodes, sm_species, physics)
        cc_target = n_n if sm_species == "nu_e" else n_p
        kappa = cc_target * (weights * cc).sum(-1)
        for nucleon, dens in (("n", n_n), ("p", n_p)):
            sm, _, _ = nc_cross_section_coefficients(nodes, 1.0, nucleon, ref, flavour, physics)
            kappa = kappa + dens * (weights * sm).sum(-1)
        out["sm"][f_i] = kappa * to_per_m
        if with_model:
            with np.errstate(over="ignore"):
                occ = 1.0 / (
                    1.0 + np.exp(np.clip((grid_e[None, :] - mu[:, None]) / t[:, None], -700, 700))
                )
            wmat = grid_w[None, :] * occ * grid_e[None, :] ** 2
            wmat /= wmat.sum(-1, keepdims=True)
            for nucleon, dens in (("n", n_n), ("p", n_p)):
                _, c_int, c_np = sig[flavour, nucleon]
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


def radial_criteria(model: MediatorModel) -> dict[str, str]:
    """Criterion -> status ('' = applies, else why not) for ``model``.

    tau (Eq. 13) constrains nu_e and nubar_e; the scatterings N (Eq. 14) apply to the LNC
    scalar (light nu_R, criterion ``nur_conversion`` in the registry), per flavour.
    """
    names = ["tau_10s", "tau_100s"]
    if "nur_conversion" in model.criteria:
        heavy = [s for s in radial_species(model) if s not in ("nu_e", "nubar_e")]
        names += ["n_scatter_1"] + ["n_scatter_1_" + s.replace("_", "") for s in heavy]
    general = model.sn_core_status("e") if not model.criteria else ""
    out = {}
    for name in names:
        flavour = _SPECIES[_N_SCATTER.get(name, "nu_e")][0]
        if general:
            out[name] = f"not applicable: {general}"
        elif not model.couples_to(flavour):
            out[name] = (
                f"not applicable: {model.name} has no coupling to nu_{flavour}, the "
                "flavour this criterion constrains"
            )
        else:
            out[name] = ""
    return out


def radial_bounds(
    prof: RadialProfile,
    model: MediatorModel,
    masses_mev: Sequence[float],
    settings: Mapping[str, object],
    time_s: float | None = None,
) -> xr.Dataset:
    """[ST21]-method SN-core bounds for one profile and one registry model.

    Parameters
    ----------
    prof : RadialProfile
    model : MediatorModel
    masses_mev : sequence of float
        Mediator masses [MeV].
    settings : mapping
        Config ``radial`` block: ``r1_km``/``r2_km`` (None: derive), ``eta_r1``,
        ``optical_depth_r2``, ``neutrinosphere_flavour``, ``tau_max_s``,
        ``tau_indicative_s``, ``n_scatter_max``, ``coupling_max``, ``energy_nodes``,
        ``g_axial``, ``include_charged_current``.
    time_s : float, optional
        t_pb [s] of the profile, for the labels.

    Returns
    -------
    xarray.Dataset
        Dims ``criterion, mass`` (+ ``interval``, ``flavour``): the bound variables of
        :func:`lightmed.bounds.bound_dataset` (with ``status``), ``tau_sm`` [s] per flavour,
        ``r1_km``, ``r2_km``, the polynomial coefficients ``tau_int`` [s], ``tau_np`` [s]
        and ``n_scatter_np`` [1].

    Notes
    -----
    [ST21] Eqs. 12-14; physics.md §4.3.
    """
    cfg = dict(settings)
    masses = np.asarray(masses_mev, float)
    if masses.size == 0:
        raise InputError("radial method: empty mass grid")
    physics = nucleon_physics(cfg)
    n_nodes = int(cfg["energy_nodes"])
    sm_all = cell_opacities(prof, None, None, physics, n_nodes)["sm"]
    r1 = cfg.get("r1_km")
    r1 = find_r1_km(prof, float(cfg["eta_r1"])) if r1 is None else float(r1)
    r2 = cfg.get("r2_km")
    nsphere = str(cfg["neutrinosphere_flavour"])
    if nsphere not in FLAVOURS:
        raise ConfigError(
            f"radial.neutrinosphere_flavour = {nsphere!r}; use one of {', '.join(FLAVOURS)}"
        )
    if r2 is None:
        r2 = find_r2_km(prof, sm_all[FLAVOURS.index(nsphere)], float(cfg["optical_depth_r2"]))
    r2 = float(r2)
    if not r2 > r1:
        raise InputError(f"{prof.name}: R2 = {r2:.3g} km must exceed R1 = {r1:.3g} km")
    cells = np.flatnonzero(prof.edges_km[:-1] < r2)
    op = cell_opacities(prof, masses, model, physics, n_nodes, cells)
    species = op["species"]
    edges = prof.edges_km[np.concatenate([cells, [cells[-1] + 1]])]
    w_tau = 0.5 * _clip_r2(edges, r1, r2) / C_M_PER_S  # int r dr / c  [m^2 s/m]
    w_n = _clip_r2(edges, 0.0, r2)  # int 2 r dr [m^2]
    tau_sm = (op["sm"] * w_tau).sum(-1)  # (species)
    tau_int = (op["int"] * w_tau[:, None]).sum(1)  # (species, mass)
    tau_np = (op["np"] * w_tau[:, None]).sum(1)
    n_np = (op["np"] ** 2 * w_n[:, None]).sum(1)  # coefficient of g^8
    ie, ib = species.index("nu_e"), species.index("nubar_e")
    t0 = 0.5 * (tau_sm[ie] + tau_sm[ib]) + 0 * tau_int[ie]
    t1 = 0.5 * (tau_int[ie] + tau_int[ib])
    t2 = 0.5 * (tau_np[ie] + tau_np[ib])
    statuses = radial_criteria(model)
    names = list(statuses)

    def poly(name):
        if name == "tau_10s":
            return Criterion(t0 - float(cfg["tau_max_s"]), t1, t2, 2.0)
        if name == "tau_100s":
            return Criterion(t0 - float(cfg["tau_indicative_s"]), t1, t2, 2.0)
        # N = n_np g^8 > nmax: quadratic in y = g^4 with only the y^2 term.
        n8 = n_np[species.index(_N_SCATTER[name])]
        return Criterion(-float(cfg["n_scatter_max"]) + 0 * n8, 0 * n8, n8, 4.0)

    coupling_max = float(cfg["coupling_max"])
    res = [solve_polynomial(poly(n), coupling_max) for n in names]
    ds = bound_dataset(
        np.stack([r[0] for r in res]),
        np.stack([r[1] for r in res]),
        ("criterion", "mass"),
        {"criterion": ("criterion", names), "mass": ("mass", masses)},
        coupling_max=coupling_max,
        coupling_name=model.coupling.name,
        status=xr.DataArray([statuses[n] for n in names], dims="criterion"),
    )
    label = snapshot_label(prof.name, time_s)
    ds["criterion_description"] = (
        "criterion",
        [
            f"{RADIAL_CRITERIA[n][0].format(**cfg)} on {label} ({RADIAL_CRITERIA[n][1]})"
            for n in names
        ],
        {"units": "1", "long_name": "meaning of the criterion on the profile"},
    )
    ds["snapshot_time"] = (
        (),
        np.nan if time_s is None else float(time_s),
        {"units": "s", "long_name": "time after bounce t_pb (NaN: not given)"},
    )
    ds["snapshot_label"] = ((), label, {"units": "1", "long_name": "profile and its time"})
    flav = ("flavour", list(species), {"units": "1", "long_name": "neutrino flavour"})
    ds = ds.assign_coords(flavour=flav)
    ds["tau_sm"] = (
        "flavour",
        tau_sm,
        {"units": "s", "long_name": "SM diffusion time tau ([ST21] Eq. 13)"},
    )
    ds["tau_int"] = (
        ("flavour", "mass"),
        tau_int,
        {"units": "s", "long_name": "coefficient of g^2 in tau"},
    )
    ds["tau_np"] = (
        ("flavour", "mass"),
        tau_np,
        {"units": "s", "long_name": "coefficient of g^4 in tau"},
    )
    ds["n_scatter_np"] = (
        ("flavour", "mass"),
        n_np,
        {"units": "1", "long_name": "coefficient of g^8 in N ([ST21] Eq. 14)"},
    )
    ds["r1_km"] = ((), r1, {"units": "km", "long_name": "inner radius R1 of the tau integral"})
    ds["r2_km"] = ((), r2, {"units": "km", "long_name": "outer radius R2 (neutrinosphere)"})
    ds.attrs.update(
        model=model.name,
        model_title=model.title,
        coupling_latex=model.coupling.latex,
        profile=prof.name,
        profile_kind=prof.kind,
        **prof.attrs,
    )
    return label_coords(ds)


def combine_profiles(per_profile: Mapping[str, xr.Dataset]) -> xr.Dataset:
    """Stack :func:`radial_bounds` results along a ``snapshot`` dimension (profile names)."""
    if not per_profile:
        raise ConfigError(
            "radial method: no profiles (radial.snapshots and "
            "radial.garching_profiles are both empty)"
        )
    names = list(per_profile)
    first = per_profile[names[0]]
    ds = xr.concat(
        [per_profile[n] for n in names],
        dim="snapshot",
        combine_attrs="drop_conflicts",
        data_vars="all",
        coords="minimal",
    )
    ds = ds.assign_coords(snapshot=("snapshot", names))
    ds["snapshot"].attrs.update(units="1", long_name="SN snapshot or radial profile (config key)")
    for name in ("flavour", "criterion", "interval", "mass"):
        if name in ds.coords:
            ds[name].attrs.update(first[name].attrs)
    for name in ("status", "applicable"):
        if name in ds and "snapshot" in ds[name].dims:
            ds[name] = ds[name].isel(snapshot=0, drop=True)
    return ds


def mass_grid(block: Mapping[str, object]) -> np.ndarray:
    """Log-spaced mass grid [MeV] from ``{min, max, num}``."""
    lo, hi, n = float(block["min"]), float(block["max"]), int(block["num"])
    if not (0 < lo < hi) or n < 1:
        raise ConfigError(f"radial.mass_mev must have 0 < min < max and num >= 1, got {block}")
    return np.geomspace(lo, hi, n)
