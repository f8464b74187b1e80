"""Mean free paths: contraction of the kernels with the matrix elements (physics.md §3.2-3.5).

For every term of Sum|M|^2 = coupling^n D(q^2, m)^k (c0 + c1 P + c2 P^2) ([C21] Eq. 19)

    sigma/V = 1/(16 (2 pi)^4 E) Sum_nodes w B_term(q0) Sum_N [c0 K0 + c1 K1 + c2 K2]_N,

with B the outgoing-neutrino blocking of the term. Since only D depends on the mediator mass,
each model reduces to per-node vectors R_term, and

    1/lambda(m, g) = A0 + A1(m) g^2 + A2(m) g^4,  A1 = R_int . D(m),  A2 = R_np . D(m)^2,

so a (mass, coupling) map is a matrix product plus a polynomial. ``lambda_direct`` evaluates
the same rate by plain nested adaptive quadrature (no kernels, no analytic phi integral) for
tests and benchmarks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
import xarray as xr
from scipy.special import expit

from . import matrix_elements as me
from .constants import HBARC_MEV_FM, M_TO_FM
from .errors import ConfigError, InputError
from .io import with_attrs
from .kernels import NUCLEONS, SPECIES
from .transport import WEIGHTING_LONG_NAME, changes_species, node_factor, weightings_for

#: Energy choice of the Rosseland mean (lightmed.diffusion.ROSSELAND).
ROSSELAND = "rosseland"

#: SN-core mediator models (physics.md §1.1): mediator, neutrino nature, coupling name.
MODELS: dict[str, dict[str, str]] = {
    "lnv_scalar": {"mediator": "scalar", "nature": "majorana", "coupling_name": "Y"},
    "lnc_scalar": {"mediator": "scalar", "nature": "dirac", "coupling_name": "Y"},
    "bl_vector": {"mediator": "vector_bl", "nature": "dirac", "coupling_name": "g_BL"},
}

#: 1/(16 (2pi)^4) of [C21] Eq. 19 with the full spin sum (physics.md §3.2).
_RATE_PREFACTOR = 1.0 / (16.0 * (2.0 * math.pi) ** 4)
#: sigma/V [MeV] -> 1/lambda [1/m].
_MEV_TO_INV_M = M_TO_FM / HBARC_MEV_FM


def default_form_factors():
    """{nucleon: (F1, F_A)} of [C21] (physics.md §3.4)."""
    return dict(me.FORM_FACTORS_C21)


def parse_form_factors(cfg):
    """Config block {n: {f1, fa}, p: {f1, fa}} (or None) -> {nucleon: (F1, F_A)}."""
    if cfg is None:
        return default_form_factors()
    try:
        return {nuc: (float(cfg[nuc]["f1"]), float(cfg[nuc]["fa"])) for nuc in NUCLEONS}
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"mfp.form_factors needs n and p entries with f1 and fa ({exc})") from exc


def check_model(model):
    """Return the MODELS entry of ``model`` or raise ConfigError naming the choices."""
    if model not in MODELS:
        raise ConfigError(f"model {model!r} is unknown; known models: {', '.join(MODELS)}")
    return MODELS[model]


def check_model_config(model, model_cfg):
    """A ``models.<name>`` entry must agree with :data:`MODELS` on mediator and nature."""
    spec = check_model(model)
    for key in ("mediator", "nature"):
        given = model_cfg.get(key, spec[key])
        if given != spec[key]:
            raise ConfigError(f"models.{model}.{key} = {given!r}; {model} needs {spec[key]!r}")
    return spec


def term_blocking(model, term, variant="physical"):
    """Outgoing-neutrino blocking of a term: ``sm`` (Fermi-Dirac with mu) or ``none``.

    physics.md §3.4: SM, B-L, interference and the LNV scalar are blocked (mu = +-mu_nu Dirac,
    0 Majorana); the LNC scalar's outgoing nu_R is not thermally populated (``physical``), but
    [C21] blocked it like the SM (``paper``).
    """
    if model == "lnc_scalar" and term == "np" and variant == "physical":
        return "none"
    return "sm"


def blocking_factor(q0_mev, energy_mev, temperature_mev, mu_mev):
    """1 - f_nu(E - q0) with chemical potential mu [1]."""
    return expit((energy_mev - np.asarray(q0_mev) - mu_mev) / temperature_mev)


def species_mu(species, mu_nu_blocking):
    """Chemical potential of the outgoing neutrino: +mu_nu (nu), -mu_nu (nubar)."""
    return me.SPECIES_SIGN[species] * mu_nu_blocking


def _check_grid(name, values, *, allow_zero=False):
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size < 2:
        raise InputError(f"{name} grid needs at least 2 points, got {arr.size}")
    bad = arr < 0 if allow_zero else arr <= 0
    if np.any(bad) or not np.all(np.isfinite(arr)):
        raise InputError(f"{name} grid must be positive and finite, got min {arr.min()}")
    return arr


def model_grid(model_cfg):
    """Log-spaced (masses [MeV], couplings [1]) of a ``models.<name>`` config entry.

    The entry has ``mass_mev: {min, max, num}`` and ``coupling: {min, max, num}``.
    """
    out = []
    for key in ("mass_mev", "coupling"):
        try:
            lo, hi, num = (model_cfg[key][k] for k in ("min", "max", "num"))
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"models entry needs {key}: {{min, max, num}} ({exc})") from exc
        if not (0 < lo < hi) or int(num) < 2:
            raise ConfigError(f"{key} grid needs 0 < min < max and num >= 2, got {lo}, {hi}, {num}")
        out.append(np.geomspace(float(lo), float(hi), int(num)))
    return out[0], out[1]


# --------------------------------------------------------------------------------------------
# contraction
# --------------------------------------------------------------------------------------------


@dataclass
class _Block:
    """Nodes of one (shell, energy_choice, frame) with the shell state."""

    q0: np.ndarray
    q2: np.ndarray
    weight: np.ndarray
    kernels: np.ndarray  # (species, nucleon, node, 3)
    energy: float
    temperature: float
    mu_nu: float
    m_kin: float


def _blocks(kernels):
    frames = list(kernels["frame"].values)
    vac_mass = float(kernels.attrs.get("vacuum_mass_mev", 939.0))
    k = np.stack([kernels[f"K{n}"].values for n in range(3)], axis=-1)
    q0a = kernels["q0"].values
    qaa = kernels["q_abs"].values
    wa = kernels["weight"].values
    for i in range(kernels.sizes["shell"]):
        for j in range(kernels.sizes["energy_choice"]):
            for f, frame in enumerate(frames):
                w = wa[i, j, f]
                keep = w > 0
                q0 = q0a[i, j, f][keep]
                qa = qaa[i, j, f][keep]
                yield (
                    (i, j, frame),
                    _Block(
                        q0=q0,
                        q2=q0 * q0 - qa * qa,
                        weight=w[keep],
                        kernels=k[i, :, :, j, f][:, :, keep],
                        energy=float(kernels["neutrino_energy"].values[i, j]),
                        temperature=float(kernels["temperature"].values[i]),
                        mu_nu=float(kernels["mu_nu_blocking"].values[i]),
                        m_kin=float(kernels["effective_mass"].values[i])
                        if frame == "medium"
                        else vac_mass,
                    ),
                )


def _reduced(block, s_index, species, coeff_fn, blocking, frame, per_nucleon=False, node_w=1.0):
    """Per-node R = pref w W B Sum_N Sum_n c_n K_n [1/m per unit coupling/propagator].

    ``node_w`` is the weighting factor W of the nodes (1 or 1 - cos theta, physics.md §3.7).
    """
    pref = _RATE_PREFACTOR / block.energy * _MEV_TO_INV_M
    if frame == "vacuum" or blocking == "none":
        b = 1.0
    else:
        b = blocking_factor(
            block.q0, block.energy, block.temperature, species_mu(species, block.mu_nu)
        )
    out = []
    for a, nucleon in enumerate(NUCLEONS):
        c = coeff_fn(nucleon)
        kn = block.kernels[s_index, a]
        out.append(c[0] * kn[:, 0] + c[1] * kn[:, 1] + c[2] * kn[:, 2])
    out = np.array(out) * (pref * block.weight * b * node_w)
    return out if per_nucleon else out.sum(axis=0)


def sm_rates(kernels, *, form_factors=None, variant="physical"):
    """SM mean free paths of every shell, species, energy choice and weighting.

    Parameters
    ----------
    kernels : xarray.Dataset
        Stage-``kernels`` artifact (:func:`lightmed.kernels.compute_kernels`).
    form_factors : dict, optional
        {nucleon: (F1, F_A)}; default [C21].
    variant : {"physical", "paper"}
        Irrelevant for the SM; accepted for a uniform interface.

    Returns
    -------
    xarray.Dataset
        ``lambda_sm``, ``lambda_vac_sm`` [m], ``rate_sm_nucleon`` [1/m] and ``neutrino_energy``
        on (shell, species, energy_choice, weighting); with spectral moments in the kernels
        also ``energy_choice = rosseland`` (``lambda_sm`` the Rosseland mean, the vacuum-like
        and per-nucleon values NaN) and ``spectral_rate_sm`` [1/m], ``spectral_weight``.
    """
    me._check_variant(variant)
    ff = form_factors or default_form_factors()
    weightings = weightings_for(None)
    ns, nsp, ne = kernels.sizes["shell"], len(SPECIES), kernels.sizes["energy_choice"]
    nw = len(weightings)
    rate = {fr: np.zeros((ns, nsp, ne, nw, len(NUCLEONS))) for fr in ("medium", "vacuum")}
    for (i, j, frame), blk in _blocks(kernels):
        for s_i, sp in enumerate(SPECIES):
            s = me.SPECIES_SIGN[sp]

            def coeff(nucleon, blk=blk, s=s):
                return me.sm_coefficients(blk.q2, blk.m_kin, s, *ff[nucleon])

            for w_i, wt in enumerate(weightings):
                fac = node_factor(wt, blk.q0, blk.q2, blk.energy)
                r = _reduced(blk, s_i, sp, coeff, "sm", frame, per_nucleon=True, node_w=fac)
                rate[frame][i, s_i, j, w_i] = r.sum(axis=1)
    dims = ("shell", "species", "energy_choice", "weighting")
    coords, spectral = _rosseland_slot(kernels, weightings, rate)
    ds = xr.Dataset(coords={**coords, "nucleon": list(NUCLEONS)})
    lam = 1.0 / rate["medium"].sum(-1)
    if spectral:
        a0 = spectral_sm(kernels, ff, weightings)
        w = kernels["spectral_weight"].transpose("shell", "species", "energy_node").values
        lam[:, :, -1] = (w[:, :, None, :] / a0).sum(-1)
        _add_spectral(ds, kernels, {"spectral_rate_sm": a0}, weightings)
    ds["lambda_sm"] = with_attrs(
        xr.DataArray(lam, dims=dims),
        "m",
        "SM in-medium neutrino mean free path ([C21] Eq. 19; rosseland: Rosseland mean)",
    )
    ds["lambda_vac_sm"] = with_attrs(
        xr.DataArray(1.0 / rate["vacuum"].sum(-1), dims=dims),
        "m",
        "SM vacuum-like mean free path lambda^0 (physics.md §3.5)",
    )
    ds["rate_sm_nucleon"] = with_attrs(
        xr.DataArray(rate["medium"], dims=(*dims, "nucleon")),
        "m-1",
        "SM in-medium scattering rate per volume sigma/V on one nucleon species",
    )
    ds["neutrino_energy"] = _energies(kernels, spectral)
    for name in ("temperature", "effective_mass", "r_inner", "r_outer", "baryon_density"):
        if name in kernels:
            ds[name] = kernels[name]
    _coord_attrs(ds, kernels)
    ds.attrs.update(nature=kernels.attrs.get("nature", ""), flux=kernels.attrs.get("flux", ""))
    return ds


def _rosseland_slot(kernels, weightings, arrays: dict) -> tuple[dict, bool]:
    """Coordinates (shell, species, energy_choice, weighting) of the single-energy arrays.

    With spectral kernels ``rosseland`` is appended to ``energy_choice`` and every array of
    ``arrays`` (energy_choice on axis 2) gets a NaN slot for it, in place: its values are the
    spectral coefficients. Returns the coordinates and whether the kernels are spectral.
    """
    coords = {d: kernels[d].values for d in ("shell", "species", "energy_choice")}
    coords["weighting"] = list(weightings)
    spectral = has_spectral(kernels)
    if spectral:
        coords["energy_choice"] = [*coords["energy_choice"], ROSSELAND]
        for key, arr in arrays.items():
            arrays[key] = np.concatenate([arr, np.full_like(arr[:, :, :1], np.nan)], axis=2)
    return coords, spectral


def has_spectral(kernels):
    """True if the kernels carry the Rosseland moments (physics.md §3.8)."""
    return "spectral_m0" in kernels


def _energies(kernels, spectral):
    e = kernels["neutrino_energy"]
    if not spectral:
        return e
    nan = xr.full_like(e.isel(energy_choice=0), np.nan).expand_dims(energy_choice=[ROSSELAND])
    out = xr.concat([e, nan], dim="energy_choice")
    return with_attrs(out, "MeV", "neutrino energy E per shell (NaN: Rosseland mean)")


def _add_spectral(ds, kernels, rates, weightings):
    """Spectral coefficients (shell, species, weighting, energy_node[, mass]) and weights."""
    ds.coords["energy_node"] = kernels["energy_node"].values
    ds["energy_node"].attrs.update(units="1", long_name="index of the Rosseland energy node")
    meta = {
        "spectral_rate_sm": "SM inverse mean free path A0 at each Rosseland energy node",
        "spectral_rate_int": "coefficient A1 of g^2 in 1/lambda at each Rosseland energy node",
        "spectral_rate_np": "coefficient A2 of g^4 in 1/lambda at each Rosseland energy node",
    }
    for name, arr in rates.items():
        dims = ("shell", "species", "weighting", "energy_node", "mass")[: arr.ndim]
        ds[name] = with_attrs(xr.DataArray(arr, dims=dims), "m-1", meta[name])
    ds["spectral_weight"] = kernels["spectral_weight"]
    ds["spectral_energy"] = kernels["spectral_energy"]


def _gamma(coeff_fn):
    from .spectral import basis_coefficients

    return basis_coefficients(coeff_fn)


def spectral_sm(kernels, ff, weightings):
    """A0 [1/m] at every Rosseland node: (shell, species, weighting, energy_node)."""
    m0 = kernels["spectral_m0"].transpose(
        "shell", "energy_node", "blocking", "weighting", "nucleon", "moment"
    )
    blockings = list(kernels["blocking"].values)
    mw = list(kernels["weighting"].values)
    arr = m0.values
    ns, nj = arr.shape[:2]
    out = np.zeros((ns, len(SPECIES), len(weightings), nj))
    for i in range(ns):
        mstar = float(kernels["effective_mass"].values[i])
        for s_i, sp in enumerate(SPECIES):
            s = me.SPECIES_SIGN[sp]
            b = blockings.index(sp)
            gam = np.array(
                [
                    _gamma(lambda q2, n=n, s=s, m=mstar: me.sm_coefficients(q2, m, s, *ff[n]))
                    for n in NUCLEONS
                ]
            )  # (nucleon, moment)
            for w_i, wt in enumerate(weightings):
                k = mw.index("total" if wt == "total" else "transport")
                out[i, s_i, w_i] = np.einsum("jnc,nc->j", arr[i, :, b, k], gam)
    return out


def _spectral_model(kernels, mediator, terms, model, masses, ff, variant, weightings):
    """A0, A1(m), A2(m) [1/m] at every Rosseland node (shell, species, weighting, node[, m])."""
    from .spectral import interpolate_mass

    grid = kernels["spectral_mass"].values
    a0 = spectral_sm(kernels, ff, weightings)
    order = ("shell", "energy_node", "blocking", "weighting", "nucleon", "moment", "spectral_mass")
    mp = {
        p: interpolate_mass(kernels[f"spectral_m{p}"].transpose(*order).values, grid, masses, model)
        for p in (1, 2)
    }
    blockings = list(kernels["blocking"].values)
    mw = list(kernels["weighting"].values)
    ns, nj = a0.shape[0], a0.shape[-1]
    out = {name: np.zeros((ns, len(SPECIES), len(weightings), nj, len(masses))) for name in terms}
    for i in range(ns):
        mstar = float(kernels["effective_mass"].values[i])
        for s_i, sp in enumerate(SPECIES):
            s = me.SPECIES_SIGN[sp]
            for name, term in terms.items():
                gam = np.array(
                    [
                        _gamma(
                            lambda q2, n=n, s=s, m=mstar, t=name: me.term_coefficients(
                                mediator, t, q2, m, s, *ff[n], variant
                            )
                        )
                        for n in NUCLEONS
                    ]
                )
                blk = term_blocking(model, name, variant)
                b = blockings.index(sp if blk == "sm" else "none")
                flip = changes_species(mediator, name)
                for w_i, wt in enumerate(weightings):
                    full = wt == "total" or (wt == "transport_sink" and flip)
                    k = mw.index("total" if full else "transport")
                    arr = mp[term.propagator_power][i, :, b, k]  # (node, nucleon, moment, m)
                    out[name][i, s_i, w_i] = np.einsum("jncm,nc->jm", arr, gam)
    return a0, out


def _coord_attrs(ds, kernels):
    for name in ds.coords:
        if name in kernels.coords and name != "weighting":
            ds[name].attrs.update(kernels[name].attrs)
    if "nucleon" in ds.coords:
        ds["nucleon"].attrs.update(units="1", long_name="target nucleon")
    if "weighting" in ds.coords:
        ds["weighting"].attrs.update(
            units="1",
            long_name=WEIGHTING_LONG_NAME,
        )
    if "energy_choice" in ds.coords:
        ds["energy_choice"].attrs.update(
            units="1", long_name="neutrino energy prescription (rosseland: Rosseland mean)"
        )


@numba.njit(parallel=True, fastmath=True, cache=True)
def _contract_masses(q2, r_int, r_np, m2):
    """A1[s, m] = Sum_i r_int[s, i] D_i(m), A2[s, m] = Sum_i r_np[s, i] D_i(m)^2."""
    ns, nn = r_int.shape
    nm = m2.size
    a1 = np.zeros((ns, nm))
    a2 = np.zeros((ns, nm))
    for k in numba.prange(nm):
        mk = m2[k]
        for s in range(ns):
            acc1 = 0.0
            acc2 = 0.0
            ri = r_int[s]
            rn = r_np[s]
            for i in range(nn):
                d = 1.0 / (q2[i] - mk)
                acc1 += ri[i] * d
                acc2 += rn[i] * d * d
            a1[s, k] = acc1
            a2[s, k] = acc2
    return a1, a2


def model_coefficients(kernels, model, masses_mev, *, form_factors=None, variant="physical"):
    """Coefficients of 1/lambda = A0 + A1(m) g^2 + A2(m) g^4 per shell, species, energy,
    weighting.

    Parameters
    ----------
    kernels : xarray.Dataset
        Stage-``kernels`` artifact of the model's nature.
    model : str
        Key of :data:`MODELS`.
    masses_mev : array_like
        Mediator masses [MeV] (>= 2 points, > 0).
    form_factors : dict, optional
    variant : {"physical", "paper"}

    Returns
    -------
    xarray.Dataset
        ``rate_sm`` [1/m], ``rate_int`` [1/m, coefficient of g^2], ``rate_np`` [1/m,
        coefficient of g^4] and the vacuum-like ``rate_vac_*`` counterparts, on (shell,
        species, energy_choice, weighting[, mass]); weighting ``total``, ``transport`` and,
        for a model with a species-changing term, ``transport_sink`` (physics.md §3.7). With
        spectral moments in the kernels also ``energy_choice = rosseland`` (the ``rate_*`` NaN
        there) and ``spectral_rate_sm/int/np`` [1/m], ``spectral_weight`` [1] (physics.md §3.8).
    """
    spec = check_model(model)
    me._check_variant(variant)
    masses = _check_grid("mass [MeV]", masses_mev)
    if kernels.attrs.get("nature") not in (None, spec["nature"]):
        raise InputError(
            f"model {model} needs {spec['nature']} kernels, got {kernels.attrs.get('nature')}"
        )
    m_min = float(kernels.attrs.get("min_mediator_mass_mev", 0.0))
    if masses.min() < m_min * (1 - 1e-9):
        raise ConfigError(
            f"{model}: mediator mass {masses.min()} MeV is below kernels.min_mediator_mass_mev"
            f" = {m_min} MeV that the kernel grid resolves; lower that key"
        )
    ff = form_factors or default_form_factors()
    mediator = spec["mediator"]
    terms = {t.name: t for t in me.MEDIATOR_TERMS[mediator]}
    for name, term in terms.items():
        if (name, term.propagator_power) not in (("int", 1), ("np", 2)):
            raise ConfigError(f"unsupported term structure {term}")
    weightings = weightings_for(mediator, tuple(terms))
    ns, nsp, ne, nw, nm = (
        kernels.sizes["shell"],
        len(SPECIES),
        kernels.sizes["energy_choice"],
        len(weightings),
        masses.size,
    )
    out = {}
    for frame in ("medium", "vacuum"):
        out[frame, "sm"] = np.zeros((ns, nsp, ne, nw))
        out[frame, "int"] = np.zeros((ns, nsp, ne, nw, nm))
        out[frame, "np"] = np.zeros((ns, nsp, ne, nw, nm))
    m2 = masses**2
    for (i, j, frame), blk in _blocks(kernels):
        reduced = {name: np.zeros((nsp, nw, blk.q0.size)) for name in ("int", "np")}
        factors = {wt: node_factor(wt, blk.q0, blk.q2, blk.energy) for wt in weightings}
        for s_i, sp in enumerate(SPECIES):
            s = me.SPECIES_SIGN[sp]

            def sm(nucleon, blk=blk, s=s):
                return me.sm_coefficients(blk.q2, blk.m_kin, s, *ff[nucleon])

            for w_i, wt in enumerate(weightings):
                out[frame, "sm"][i, s_i, j, w_i] = _reduced(
                    blk, s_i, sp, sm, "sm", frame, node_w=factors[wt]
                ).sum()
            for name in terms:

                def red(nucleon, blk=blk, s=s, name=name):
                    return me.term_coefficients(
                        mediator, name, blk.q2, blk.m_kin, s, *ff[nucleon], variant
                    )

                flip = changes_species(mediator, name)
                for w_i, wt in enumerate(weightings):
                    fac = 1.0 if (wt == "transport_sink" and flip) else factors[wt]
                    reduced[name][s_i, w_i] = _reduced(
                        blk, s_i, sp, red, term_blocking(model, name, variant), frame, node_w=fac
                    )
        a_int, a_np = _contract_masses(
            blk.q2,
            reduced["int"].reshape(nsp * nw, -1),
            reduced["np"].reshape(nsp * nw, -1),
            m2,
        )
        out[frame, "int"][i, :, j] = a_int.reshape(nsp, nw, nm)
        out[frame, "np"][i, :, j] = a_np.reshape(nsp, nw, nm)
    dims = ("shell", "species", "energy_choice", "weighting")
    coords, spectral = _rosseland_slot(kernels, weightings, out)
    ds = xr.Dataset(coords={**coords, "mass": masses})
    ds["mass"].attrs.update(units="MeV", long_name=f"mediator mass ({mediator})")
    cname = spec["coupling_name"]
    for frame, prefix, where in (
        ("medium", "rate", "in-medium"),
        ("vacuum", "rate_vac", "vacuum-like"),
    ):
        ds[f"{prefix}_sm"] = with_attrs(
            xr.DataArray(out[frame, "sm"], dims=dims),
            "m-1",
            f"SM {where} rate per volume A0 = 1/lambda_SM (NaN at rosseland)",
        )
        ds[f"{prefix}_int"] = with_attrs(
            xr.DataArray(out[frame, "int"], dims=(*dims, "mass")),
            "m-1",
            f"{where} interference rate per unit {cname}^2 (coefficient A1 of {cname}^2)",
        )
        ds[f"{prefix}_np"] = with_attrs(
            xr.DataArray(out[frame, "np"], dims=(*dims, "mass")),
            "m-1",
            f"{where} new-physics rate per unit {cname}^4 (coefficient A2 of {cname}^4)",
        )
    if spectral:
        a0, a = _spectral_model(kernels, mediator, terms, model, masses, ff, variant, weightings)
        rates = {"spectral_rate_sm": a0}
        zero = np.zeros_like(next(iter(a.values())))
        rates["spectral_rate_int"] = a.get("int", zero)
        rates["spectral_rate_np"] = a.get("np", zero)
        _add_spectral(ds, kernels, rates, weightings)
    ds["neutrino_energy"] = _energies(kernels, spectral)
    _coord_attrs(ds, kernels)
    ds.attrs.update(
        model=model,
        mediator=mediator,
        nature=spec["nature"],
        coupling_name=cname,
        matrix_elements=variant,
    )
    return ds


def _node_sum(ds, denominator):
    """Sum_j w_j / denominator(node j of ``ds``) over the energy nodes, NaN terms as 0 (as
    ``.sum`` skips them); w = ``spectral_weight``.

    One node at a time: the whole (node, ..., mass, coupling) quotient is 24 times a map
    (~2 GB per temporary at 400 x 400 on 16 shells; the job peaked at 5.9 GB). Accumulated in
    node order, as numpy reduces a non-innermost axis: the same sums.
    """
    total = None
    for j in range(ds.sizes["energy_node"]):
        node = ds.isel(energy_node=j)
        term = (node["spectral_weight"] / denominator(node)).fillna(0.0)
        total = term if total is None else total + term
    return total


def model_map(coefficients, couplings):
    """lambda, lambda_np, lambda_vac [m] on the (mass, coupling) grid from the coefficients.

    1/lambda = A0 + A1 g^2 + A2 g^4 (in medium and vacuum-like); lambda_np = 1/(A2 g^4). At
    ``energy_choice = rosseland`` lambda = Sum_j w_j / (A0_j + A1_j g^2 + A2_j g^4), the
    Rosseland mean (physics.md §3.8); lambda_np and lambda_sm likewise; vacuum-like NaN.
    """
    g = _check_grid("coupling", couplings)
    ds = coefficients.copy()
    ds = ds.assign_coords(coupling=g)
    g2 = xr.DataArray(g**2, dims="coupling", coords={"coupling": g})
    inv = ds["rate_sm"] + ds["rate_int"] * g2 + ds["rate_np"] * g2 * g2
    inv_vac = ds["rate_vac_sm"] + ds["rate_vac_int"] * g2 + ds["rate_vac_np"] * g2 * g2
    lam, lam_np = 1.0 / inv, 1.0 / (ds["rate_np"] * g2 * g2)
    lam_sm = 1.0 / ds["rate_sm"]
    if "spectral_rate_sm" in ds:
        w = ds["spectral_weight"]
        is_r = ds["energy_choice"] == ROSSELAND

        def rate(n):
            return n.spectral_rate_sm + n.spectral_rate_int * g2 + n.spectral_rate_np * g2 * g2

        def rate_np(n):
            return n.spectral_rate_np * g2 * g2

        with np.errstate(divide="ignore"):
            lam = xr.where(is_r, _node_sum(ds, rate), lam)
            lam_np = xr.where(is_r, _node_sum(ds, rate_np), lam_np)
            lam_sm = xr.where(is_r, (w / ds["spectral_rate_sm"]).sum("energy_node"), lam_sm)
    order = ("shell", "species", "energy_choice", "weighting", "mass", "coupling")
    ds["lambda"] = with_attrs(
        lam.transpose(*order),
        "m",
        "in-medium mean free path, SM + interference + new physics",
    )
    ds["lambda_np"] = with_attrs(
        lam_np.transpose(*order),
        "m",
        "in-medium mean free path of the new-physics term alone",
    )
    ds["lambda_vac"] = with_attrs(
        (1.0 / inv_vac).transpose(*order),
        "m",
        "vacuum-like mean free path lambda^0 (physics.md §3.5)",
    )
    ds["lambda_vac_np"] = with_attrs(
        (1.0 / (ds["rate_vac_np"] * g2 * g2)).transpose(*order),
        "m",
        "vacuum-like mean free path of the new-physics term alone",
    )
    ds["lambda_sm"] = with_attrs(lam_sm.transpose(*order[:4]), "m", "SM in-medium mean free path")
    ds["lambda_vac_sm"] = with_attrs(1.0 / ds["rate_vac_sm"], "m", "SM vacuum-like mean free path")
    ds["coupling"].attrs.update(
        units="1", long_name=f"coupling {coefficients.attrs.get('coupling_name')}"
    )
    for name in coefficients.coords:
        ds[name].attrs.update(coefficients[name].attrs)
    return ds


def rate_kernel(**kwargs):
    """1/lambda [1/m] of one shell by kernels (:func:`lightmed.mfp_reference.rate_kernel`)."""
    from .mfp_reference import rate_kernel as _rate_kernel

    return _rate_kernel(**kwargs)


def rate_direct(**kwargs):
    """1/lambda [1/m] by nested quadrature (:func:`lightmed.mfp_reference.rate_direct`)."""
    from .mfp_reference import rate_direct as _rate_direct

    return _rate_direct(**kwargs)


def lambda_direct(**kwargs):
    """Mean free path [m] by :func:`rate_direct` (same keyword arguments)."""
    return 1.0 / rate_direct(**kwargs)
