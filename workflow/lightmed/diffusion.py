"""Neutrino diffusion time through SN shells ([C21] shell method; the SN-core stage).

Shell method of [C21] Sec. V (physics.md §4.1-4.2). Shells k = 1..n have inner/outer radii
R_{k-1}, R_k and a mean free path lambda_k from the ``mfp`` stage. The diffusion time is

    c Delta t = sum_k (R_k^2 - R_{k-1}^2) / lambda_k                      ([C21] Eq. 21)

At a single neutrino energy per shell the mean free path of every model is polynomial in the
coupling g (physics.md §3.3),

    1/lambda_k = A0_k + A1_k g^2 + A2_k g^4   (A0 = SM, A1 = interference, A2 = new physics),

so c Delta t = a0 + a1 x + a2 x^2 with x = g^2 and a_i = sum_k w_k A_ik, w_k = R_k^2 - R_{k-1}^2.
The right-handed-neutrino sums are pure g^4 terms:

    S_conv = sum_k w_k / (lambda_k^SM lambda_k^NP) = g^4 sum_k w_k A0_k A2_k      (Eqs. 24-25)
    S_ret  = sum_k (R_k - R_{k-1}) / lambda_k^NP  = g^4 sum_k dR_k A2_k            (Eq. 26)
    c Delta t_2 = 1/2 sum_k w_k (1/lambda_k^NP + 1/lambda_k^SM)                     (Eq. 27)

Rosseland mean (``energy_choice = rosseland``, interfaces.md): each lambda_k is the Rosseland
mean <lambda>_k = sum_j w_kj lambda_k(E_j) over the local thermal spectrum. Then Delta t is
*not* a polynomial in g^2 (a sum of inverse sums of inverse quadratics):
:class:`RosselandTime` evaluates it exactly from the energy-resolved coefficients, and the
criteria use the bracketing solver of :mod:`lightmed.bounds`. The SM time and the nu_R sums stay
exact closed forms, because the SM and the new-physics-alone mean free paths have fixed g
dependence at every energy: <lambda^SM> = sum_j w_j / A0_j and <lambda^NP> = g^-4 sum_j w_j /
A2_j. The artifact therefore carries, at ``rosseland``, the effective rates
``1/<lambda^SM>`` and ``g^4/<lambda^NP>`` in place of A0 and A2 (``dt_sm``, ``conv_np``,
``retrap_np`` exact) and NaN for the g^2 and g^4 coefficients of Delta t (``dt_int``,
``dt_np``), which do not exist.

Dimensions: everything the mfp artifacts carry besides ``shell`` (``species``,
``energy_choice``, ``weighting``, ``mass``, ``coupling``, ...) is kept as it is; snapshots and
nuclear media become dimensions when the per-file results are combined.

Units: radii enter in km and are converted to m; lambda in m, rates 1/lambda in 1/m; times
in s (c from :data:`lightmed.constants.C_M_PER_S`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import xarray as xr

from .constants import C_M_PER_S
from .errors import ArtifactError, InputError
from .io import with_attrs
from .transport import WEIGHTING_LONG_NAME

_KM_TO_M = 1e3
#: Energy choice whose mean free paths are spectral (Rosseland) means.
ROSSELAND = "rosseland"
#: Variables of the energy-resolved coefficients in a Rosseland-capable mfp artifact.
SPECTRAL_VARS = ("spectral_rate_sm", "spectral_rate_int", "spectral_rate_np", "spectral_weight")
#: Dimension of the spectral quadrature nodes.
NODE_DIM = "energy_node"


# --------------------------------------------------------------------------------------------
# geometry and rate coefficients
# --------------------------------------------------------------------------------------------
def shell_geometry(profile: xr.Dataset, *, source: str = "profile") -> xr.Dataset:
    """Shell weights of the diffusion sums.

    Parameters
    ----------
    profile : xarray.Dataset
        Dim ``shell`` with ``r_inner`` and ``r_outer`` [km] (profile artifact schema).
    source : str
        Name used in error messages (the file).

    Returns
    -------
    xarray.Dataset
        ``area`` = R_k^2 - R_{k-1}^2 [m^2] and ``width`` = R_k - R_{k-1} [m], dim ``shell``.

    Notes
    -----
    [C21] Eqs. 21, 26.
    """
    missing = [v for v in ("r_inner", "r_outer") if v not in profile.variables]
    if missing:
        raise InputError(f"{source}: missing shell radii {', '.join(missing)} [km]")
    if profile.sizes.get("shell", 0) == 0:
        raise InputError(f"{source}: no shells (empty 'shell' dimension)")
    r_in = profile["r_inner"].astype(float) * _KM_TO_M
    r_out = profile["r_outer"].astype(float) * _KM_TO_M
    if bool((r_out <= r_in).any()) or bool((r_in < 0).any()):
        raise InputError(f"{source}: shell radii must satisfy 0 <= r_inner < r_outer")
    return xr.Dataset(
        {
            "area": with_attrs(r_out**2 - r_in**2, "m2", "R_k^2 - R_{k-1}^2"),
            "width": with_attrs(r_out - r_in, "m", "R_k - R_{k-1}"),
        }
    )


def rate_coefficients(
    mfp_model: xr.Dataset,
    mfp_sm: xr.Dataset | None = None,
    *,
    source: str = "mfp artifact",
) -> xr.Dataset:
    """Coupling decomposition 1/lambda = A0 + A1 g^2 + A2 g^4 of a model's mean free path.

    Parameters
    ----------
    mfp_model : xarray.Dataset
        ``results/mfp/..._{model}.nc``: dims ``shell, species, energy_choice, mass`` (+
        ``coupling``, ``weighting`` or others). Preferably carries ``rate_sm``, ``rate_int``,
        ``rate_np`` [1/m]; otherwise they are reconstructed from ``lambda`` and ``lambda_np``
        [m] on the coupling grid (exact when the artifact is itself the polynomial
        contraction). At ``energy_choice = rosseland`` the ``rate_*`` are NaN and the
        spectral variables give the effective rates (module docstring).
    mfp_sm : xarray.Dataset, optional
        SM artifact (``lambda_sm`` [m]); used for A0 when the model artifact has no
        ``rate_sm``.

    Returns
    -------
    xarray.Dataset
        ``rate_sm`` (no ``mass``), ``rate_int``, ``rate_np`` [1/m] on the artifact's dims
        (without ``coupling``); at ``rosseland``: 1/<lambda^SM>, NaN, g^4/<lambda^NP>.
    """
    _require_dims(mfp_model, ("shell", "species", "energy_choice", "mass"), source)
    have = all(v in mfp_model for v in ("rate_sm", "rate_int", "rate_np"))
    if have:
        a0, a1, a2 = (mfp_model[v].astype(float) for v in ("rate_sm", "rate_int", "rate_np"))
        method = "artifact coefficients"
    else:
        if "lambda" not in mfp_model or "coupling" not in mfp_model.dims:
            raise ArtifactError(
                f"{source}: needs rate_sm/rate_int/rate_np [1/m] or lambda [m] on a coupling "
                "grid to build 1/lambda = A0 + A1 g^2 + A2 g^4"
            )
        g2 = mfp_model["coupling"].astype(float) ** 2
        inv = 1.0 / mfp_model["lambda"].astype(float)
        if "rate_sm" in mfp_model:
            a0 = mfp_model["rate_sm"].astype(float)
        elif mfp_sm is not None and "lambda_sm" in mfp_sm:
            a0 = 1.0 / mfp_sm["lambda_sm"].astype(float)
        else:
            raise ArtifactError(
                f"{source}: no rate_sm and no SM artifact with lambda_sm to give A0"
            )
        if "lambda_np" in mfp_model:
            a2 = (1.0 / (mfp_model["lambda_np"].astype(float) * g2**2)).median("coupling")
        else:
            raise ArtifactError(f"{source}: no rate_np and no lambda_np to give A2")
        # Least-squares A1 from the residual over the coupling grid (weights ~ relative).
        resid = (inv - a0 - a2 * g2**2) / inv
        basis = g2 / inv
        a1 = (resid * basis).sum("coupling") / (basis**2).sum("coupling")
        method = "reconstructed from lambda, lambda_np and lambda_sm on the coupling grid"
    a0, a1, a2 = (_drop_extra(a, source) for a in (a0, a1, a2))
    if has_rosseland(mfp_model):
        eff = rosseland_effective_rates(mfp_model, source=source)
        is_r = a0["energy_choice"] == ROSSELAND
        a0 = xr.where(is_r, eff["rate_sm"], a0).transpose(*a0.dims)
        a1 = xr.where(is_r, np.nan, a1).transpose(*a1.dims)
        a2 = xr.where(is_r, eff["rate_np"], a2).transpose(*a2.dims)
        method += "; rosseland: effective rates 1/<lambda> from the spectral coefficients"
    out = xr.Dataset(
        {
            "rate_sm": with_attrs(a0, "m-1", "SM inverse mean free path A0"),
            "rate_int": with_attrs(a1, "m-1", "interference coefficient A1 of g^2 in 1/lambda"),
            "rate_np": with_attrs(a2, "m-1", "new-physics coefficient A2 of g^4 in 1/lambda"),
        }
    )
    out.attrs["rate_method"] = method
    return out


def _drop_extra(da: xr.DataArray, source: str = "") -> xr.DataArray:
    """Drop non-dimension coordinates so coefficients broadcast cleanly; refuse ``coupling``."""
    da = da.drop_vars([c for c in da.coords if c not in da.dims])
    if "coupling" in da.dims:
        raise ArtifactError(f"{source}: a rate coefficient must not depend on the coupling")
    return da


def _require_dims(ds: xr.Dataset, dims: Iterable[str], source: str) -> None:
    missing = [d for d in dims if d not in ds.dims]
    if missing:
        raise ArtifactError(f"{source}: missing dimension(s) {', '.join(missing)}")
    empty = [d for d in dims if ds.sizes[d] == 0]
    if empty:
        raise InputError(f"{source}: empty dimension(s) {', '.join(empty)} (empty grid)")


# --------------------------------------------------------------------------------------------
# Rosseland means
# --------------------------------------------------------------------------------------------
def has_rosseland(ds: xr.Dataset) -> bool:
    """True if ``ds`` has ``energy_choice = rosseland`` (then it must carry the spectra)."""
    return "energy_choice" in ds.dims and ROSSELAND in ds["energy_choice"].values


def _spectral(ds: xr.Dataset, source: str) -> dict[str, xr.DataArray]:
    missing = [v for v in SPECTRAL_VARS if v not in ds]
    if missing:
        raise ArtifactError(
            f"{source}: energy_choice 'rosseland' needs the energy-resolved coefficients "
            f"{', '.join(missing)} (interfaces.md); recompute the mfp artifact"
        )
    return {v: _drop_extra(ds[v].astype(float), source) for v in SPECTRAL_VARS}


def rosseland_effective_rates(ds: xr.Dataset, *, source: str = "mfp artifact") -> xr.Dataset:
    """1/<lambda^SM> and g^4/<lambda^NP> [1/m] from the spectral coefficients.

    <lambda> = sum_j w_j lambda(E_j) with the normalised Rosseland weights w_j
    (``spectral_weight``); lambda^SM(E_j) = 1/A0_j and lambda^NP(E_j) = 1/(A2_j g^4), so both
    means are exact closed forms (a node with A2_j = 0 has an infinite lambda^NP).
    """
    sp = _spectral(ds, source)
    w = sp["spectral_weight"]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_sm = (w / sp["spectral_rate_sm"]).sum(NODE_DIM, skipna=False)
        mean_np = (w / sp["spectral_rate_np"]).sum(NODE_DIM, skipna=False)
        return xr.Dataset({"rate_sm": 1.0 / mean_sm, "rate_np": 1.0 / mean_np})


class RosselandTime:
    """Exact Delta t(g) [s] from Rosseland-mean mean free paths ([C21] Eq. 21).

    c Delta t(g) = sum_k area_k / sum_j w_kj / (A0_kj + A1_kj g^2 + A2_kj g^4).

    Parameters
    ----------
    area_m2 : xarray.DataArray
        Shell areas [m^2] (dim ``shell``; NaN or 0 for padding shells, which are skipped).
    spectral : mapping
        ``spectral_rate_sm``/``_int``/``_np`` [1/m] and ``spectral_weight`` [1] (dims
        ``shell``, ``energy_node`` and any batch dims such as ``species``, ``weighting``,
        ``mass``, ``snapshot``).
    batch_dims : sequence of str
        Order of the batch dimensions of :meth:`__call__` (every other dim is summed or
        must be absent).
    """

    def __init__(
        self, area_m2: xr.DataArray, spectral: Mapping[str, xr.DataArray], batch_dims: Iterable[str]
    ):
        self.batch_dims = tuple(batch_dims)
        inner = ("shell", NODE_DIM)
        w = spectral["spectral_weight"].fillna(0.0)
        area = area_m2.fillna(0.0)
        tmpl = sum(xr.zeros_like(spectral[v]) for v in SPECTRAL_VARS) + xr.zeros_like(area)
        order = (*self.batch_dims, *inner)
        extra = [d for d in tmpl.dims if d not in order]
        if extra:
            raise ArtifactError(f"Rosseland time: unexpected dimension(s) {extra}")

        def arr(da, fill):
            return (da.fillna(fill) + xr.zeros_like(tmpl)).transpose(*order).values

        self.a0 = arr(spectral["spectral_rate_sm"], 1.0)
        self.a1 = arr(spectral["spectral_rate_int"], 0.0)
        self.a2 = arr(spectral["spectral_rate_np"], 0.0)
        self.w = arr(w, 0.0)
        self.area = (
            (area + xr.zeros_like(tmpl.isel({NODE_DIM: 0}, drop=True)))
            .transpose(*self.batch_dims, "shell")
            .values
        )
        self.shape = self.a0.shape[:-2]

    def __call__(self, coupling: np.ndarray, chunk: int = 16) -> np.ndarray:
        """Delta t [s] at couplings of shape ``self.shape + (k,)``."""
        g = np.asarray(coupling, float)
        out = np.empty(g.shape)
        a0, a1, a2 = (a[..., None, :, :] for a in (self.a0, self.a1, self.a2))
        w = self.w[..., None, :, :]
        area = self.area[..., None, :]
        for start in range(0, g.shape[-1], chunk):
            x = (g[..., start : start + chunk] ** 2)[..., None, None]
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                rate = a2 * x  # Horner, in place: A0 + x (A1 + x A2)
                rate += a1
                rate *= x
                rate += a0
                np.divide(w, rate, out=rate)
                mean_lambda = rate.sum(-1)
                terms = np.where(area > 0, area / mean_lambda, 0.0)
            out[..., start : start + chunk] = terms.sum(-1) / C_M_PER_S
        return out

    def proxy_polynomial(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Coefficients [s] of the polynomial with <1/lambda> in place of 1/<lambda>.

        sum_k area_k sum_j w_kj (A0 + A1 x + A2 x^2) / c: the same sum with the spectral
        average taken of the rate; its roots and stationary point are hints for the solver.
        """

        def red(a):
            return (self.area * (self.w * a).sum(-1)).sum(-1) / C_M_PER_S

        return red(self.a0), red(self.a1), red(self.a2)


# --------------------------------------------------------------------------------------------
# diffusion time and nu_R sums
# --------------------------------------------------------------------------------------------
def diffusion_time_s(inverse_lambda_per_m: xr.DataArray, area_m2: xr.DataArray) -> xr.DataArray:
    """Diffusion time Delta t [s] = sum_k area_k / lambda_k / c ([C21] Eq. 21).

    Parameters
    ----------
    inverse_lambda_per_m : xarray.DataArray
        1/lambda_k [1/m], dim ``shell`` plus any others.
    area_m2 : xarray.DataArray
        R_k^2 - R_{k-1}^2 [m^2], dim ``shell``.
    """
    return (inverse_lambda_per_m * area_m2).sum("shell", skipna=False) / C_M_PER_S


def diffusion_polynomial(coeffs: xr.Dataset, geometry: xr.Dataset) -> xr.Dataset:
    """Coefficients of Delta t(g) and of the nu_R sums as polynomials in g.

    Returns
    -------
    xarray.Dataset
        ``dt_sm`` [s], ``dt_int`` [s, per g^2], ``dt_np`` [s, per g^4] with
        Delta t = dt_sm + dt_int g^2 + dt_np g^4 ([C21] Eq. 21; NaN at ``rosseland``, where
        Delta t is not a polynomial); ``conv_np`` [1, per g^4] (Eq. 24 with Eq. 25),
        ``retrap_np`` [1, per g^4] (Eq. 26).
    """
    area, width = geometry["area"], geometry["width"]
    dt_np = diffusion_time_s(coeffs["rate_np"], area)
    if "energy_choice" in dt_np.dims:
        dt_np = dt_np.where(dt_np["energy_choice"] != ROSSELAND)
    return xr.Dataset(
        {
            "dt_sm": with_attrs(
                diffusion_time_s(coeffs["rate_sm"], area),
                "s",
                "constant term of Delta t = dt_sm + dt_int g^2 + dt_np g^4 ([C21] Eq. 21): "
                "Delta t_SM from the model's SM rates (diffusion_time_sm: from the SM mfp)",
            ),
            "dt_int": with_attrs(
                diffusion_time_s(coeffs["rate_int"], area),
                "s",
                "coefficient of g^2 in Delta t (NaN: not a polynomial)",
            ),
            "dt_np": with_attrs(
                dt_np, "s", "coefficient of g^4 in Delta t (NaN: not a polynomial)"
            ),
            "conv_np": with_attrs(
                (area * coeffs["rate_sm"] * coeffs["rate_np"]).sum("shell", skipna=False),
                "1",
                "coefficient of g^4 in the nu_R conversion sum (Eq. 24)",
            ),
            "retrap_np": with_attrs(
                (width * coeffs["rate_np"]).sum("shell", skipna=False),
                "1",
                "coefficient of g^4 in the nu_R re-trapping sum (Eq. 26)",
            ),
        }
    )


def snapshot_diffusion(
    mfp_model: xr.Dataset,
    profile: xr.Dataset,
    mfp_sm: xr.Dataset | None = None,
    *,
    nu_r_sums: bool = False,
    source: str = "mfp artifact",
) -> xr.Dataset:
    """Diffusion-time map and polynomial coefficients of one snapshot (and medium).

    Parameters
    ----------
    mfp_model : xarray.Dataset
        Model mean free paths (``lambda`` [m] on shell, species, energy_choice, mass,
        coupling and any further dims; ideally ``rate_sm/int/np`` [1/m]; the spectral
        variables when ``energy_choice`` has ``rosseland``).
    profile : xarray.Dataset
        Profile artifact with ``r_inner``, ``r_outer`` [km]; if ``mfp_model`` carries radii
        they must agree.
    mfp_sm : xarray.Dataset, optional
        SM artifact; its ``lambda_sm`` gives ``diffusion_time_sm`` (else A0 is used).
    nu_r_sums : bool
        Also the right-handed-neutrino sums and the two-state time ([C21] Eqs. 24-27; the
        models whose criteria use them).

    Returns
    -------
    xarray.Dataset
        ``diffusion_time`` [s] on the artifact grid (from ``lambda``), ``diffusion_time_sm``
        [s], the coefficients of :func:`diffusion_polynomial`, ``shell_area`` [m^2] and, with
        ``nu_r_sums``, ``nur_conversion_sum``, ``nur_retrapping_sum`` [1] and
        ``diffusion_time_two_state`` [s]; at ``rosseland`` also the spectral coefficients.
    """
    _require_dims(mfp_model, ("shell", "species", "energy_choice", "mass", "coupling"), source)
    geometry = shell_geometry(profile, source=f"{source} (profile radii)")
    if mfp_model.sizes["shell"] != geometry.sizes["shell"]:
        raise InputError(
            f"{source}: {mfp_model.sizes['shell']} shells but the profile has "
            f"{geometry.sizes['shell']}"
        )
    geometry = geometry.assign_coords(shell=mfp_model["shell"].to_numpy())
    for name in ("r_inner", "r_outer"):
        if name in mfp_model and name in profile:
            if not np.allclose(mfp_model[name].to_numpy(), profile[name].to_numpy()):
                raise InputError(f"{source}: {name} differs from the profile artifact")
    coeffs = rate_coefficients(mfp_model, mfp_sm, source=source)
    poly = diffusion_polynomial(coeffs, geometry)
    if "lambda" in mfp_model:
        dt = diffusion_time_s(
            1.0 / _drop_coords(mfp_model["lambda"].astype(float)), geometry["area"]
        )
    else:
        g2 = mfp_model["coupling"].astype(float) ** 2
        dt = poly["dt_sm"] + poly["dt_int"] * g2 + poly["dt_np"] * g2**2
    out = poly.copy()
    out["diffusion_time"] = with_attrs(
        _standard_order(dt), "s", "neutrino diffusion time ([C21] Eq. 21)"
    )
    if mfp_sm is not None and "lambda_sm" in mfp_sm:
        lam_sm = _drop_coords(mfp_sm["lambda_sm"].astype(float))
        lam_sm = lam_sm.sel(
            {d: mfp_model[d] for d in lam_sm.dims if d in mfp_model.dims and d != "shell"}
        )
        lam_sm = lam_sm.assign_coords(shell=mfp_model["shell"].to_numpy())
        dt_sm = diffusion_time_s(1.0 / lam_sm, geometry["area"])
    else:
        dt_sm = poly["dt_sm"]
    out["diffusion_time_sm"] = with_attrs(
        _standard_order(_drop_coords(dt_sm)), "s", "SM diffusion time Delta t_SM ([C21] Eq. 21)"
    )
    out["shell_area"] = geometry["area"]
    out["shell_width"] = geometry["width"]
    if nu_r_sums:
        g4 = mfp_model["coupling"].astype(float) ** 4
        inv_np = coeffs["rate_np"] * g4
        out["nur_conversion_sum"] = with_attrs(
            _standard_order(poly["conv_np"] * g4),
            "1",
            "nu_L -> nu_R conversion sum sum_k c dt_k / lambda_k^NP ([C21] Eqs. 24-25)",
        )
        out["nur_retrapping_sum"] = with_attrs(
            _standard_order(poly["retrap_np"] * g4),
            "1",
            "nu_R re-trapping sum sum_k dR_k / lambda_k^NP ([C21] Eq. 26)",
        )
        out["diffusion_time_two_state"] = with_attrs(
            _standard_order(0.5 * diffusion_time_s(inv_np + coeffs["rate_sm"], geometry["area"])),
            "s",
            "two-state (nu_L/nu_R) diffusion time ([C21] Eq. 27)",
        )
    if has_rosseland(mfp_model):
        meta = {
            "spectral_rate_sm": ("m-1", "SM inverse mean free path at each energy node"),
            "spectral_rate_int": ("m-1", "coefficient of g^2 in 1/lambda at each node"),
            "spectral_rate_np": ("m-1", "coefficient of g^4 in 1/lambda at each node"),
            "spectral_weight": ("1", "normalised Rosseland weight of each energy node"),
        }
        for name, da in _spectral(mfp_model, source).items():
            out[name] = with_attrs(
                da.assign_coords(shell=mfp_model["shell"].to_numpy()), *meta[name]
            )
    out.attrs["rate_method"] = coeffs.attrs["rate_method"]
    return out


_ORDER = ("snapshot", "medium", "species", "energy_choice", "weighting", "mass", "coupling")


def _drop_coords(da: xr.DataArray) -> xr.DataArray:
    return da.drop_vars([c for c in da.coords if c not in da.dims])


def _standard_order(da: xr.DataArray) -> xr.DataArray:
    """Known dims in the artifact order, any others after them."""
    known = [d for d in _ORDER if d in da.dims]
    return da.transpose(*known, ...)


def combine_snapshots(per_key: Mapping[object, xr.Dataset]) -> xr.Dataset:
    """Stack :func:`snapshot_diffusion` results along ``snapshot`` (and ``medium``).

    Keys are snapshot names or ``(snapshot, medium)`` pairs. Snapshots may have different
    numbers of shells (and spectral nodes) and different media: per-shell variables and the
    (snapshot, medium) pairs that were not computed are padded with NaN.
    """
    if not per_key:
        raise InputError("diffusion: no snapshots to combine")
    pairs = [k if isinstance(k, tuple) else (k, None) for k in per_key]
    with_medium = {m is None for _, m in pairs}
    if len(with_medium) > 1:
        raise InputError("diffusion: mix of keys with and without a medium")
    snapshots = list(dict.fromkeys(s for s, _ in pairs))
    media = list(dict.fromkeys(m for _, m in pairs))
    rows = []
    for snap in snapshots:
        if media == [None]:
            rows.append(per_key[snap] if snap in per_key else per_key[(snap, None)])
            continue
        mine = [m for m in media if (snap, m) in per_key]
        row = xr.concat(
            [per_key[(snap, m)] for m in mine],
            dim="medium",
            join="outer",
            combine_attrs="drop_conflicts",
        ).assign_coords(medium=mine)
        rows.append(row.reindex(medium=media))
    ds = xr.concat(rows, dim="snapshot", join="outer", combine_attrs="drop_conflicts")
    ds = ds.assign_coords(snapshot=("snapshot", snapshots))
    for name in ds.data_vars:
        ds[name] = _standard_order(ds[name])
    shells = {snap: row.sizes.get("shell") for snap, row in zip(snapshots, rows, strict=True)}
    if "shell" in ds.dims and len(set(shells.values())) > 1:
        # the outer join pads the snapshots with fewer shells: say so in the file
        ds.attrs["shells"] = (
            ", ".join(f"{snap}: {n}" for snap, n in shells.items())
            + " (variables on shell are NaN beyond a snapshot's last shell)"
        )
    return label_coords(ds)


def label_coords(ds: xr.Dataset) -> xr.Dataset:
    """Give the standard coordinates their ``units``/``long_name`` (artifact contract)."""
    meta = {
        "species": ("1", "neutrino species (nu: s=+1, nubar: s=-1)"),
        "energy_choice": ("1", "neutrino energy prescription per shell"),
        "weighting": ("1", WEIGHTING_LONG_NAME),
        "medium": ("1", "nuclear medium (RMF parameter set or the profile's own)"),
        "mass": ("MeV", "mediator mass"),
        "coupling": ("1", "mediator coupling"),
        "snapshot": ("1", "SN snapshot (config key)"),
        "criterion": ("1", "SN-core criterion"),
        "interval": ("1", "index of the coupling interval (increasing g)"),
        "shell": ("1", "shell index (1 = innermost)"),
        NODE_DIM: ("1", "index of the spectral quadrature node"),
    }
    for name, (units, long_name) in meta.items():
        if name in ds.coords:
            if name == "coupling" and "coupling " in ds[name].attrs.get("long_name", ""):
                long_name = ds[name].attrs["long_name"]  # the model's own, e.g. "coupling g_BL"
            ds[name].attrs.update(units=units, long_name=long_name)
    return ds
