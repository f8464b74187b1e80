"""Neutrino diffusion time through SN shells and the [C21] SN-core criteria (stage ``diffusion``).

Shell method of [C21] Sec. V (physics.md §4.1-4.2). Shells k = 1..n have inner/outer radii
R_{k-1}, R_k and a mean free path lambda_k from the ``mfp`` stage. The diffusion time is

    c Delta t = sum_k (R_k^2 - R_{k-1}^2) / lambda_k                      ([C21] Eq. 21)

and the mean free path of every model is polynomial in the coupling g (physics.md §3.3),

    1/lambda_k = A0_k + A1_k g^2 + A2_k g^4   (A0 = SM, A1 = interference, A2 = new physics),

so c Delta t = a0 + a1 x + a2 x^2 with x = g^2 and a_i = sum_k w_k A_ik, w_k = R_k^2 - R_{k-1}^2.
The right-handed-neutrino sums are pure g^4 terms:

    S_conv = sum_k w_k / (lambda_k^SM lambda_k^NP) = g^4 sum_k w_k A0_k A2_k      (Eqs. 24-25)
    S_ret  = sum_k (R_k - R_{k-1}) / lambda_k^NP  = g^4 sum_k dR_k A2_k            (Eq. 26)
    c Delta t_2 = 1/2 sum_k w_k (1/lambda_k^NP + 1/lambda_k^SM)                     (Eq. 27)

Every criterion "quantity(g) > threshold" is therefore a quadratic inequality in x (or in
g^4), solved here in closed form per mass (:func:`quadratic_exceedance`): the bound is the
smallest coupling at which the criterion fails, and *all* crossings are kept as intervals, so
the B-L destructive interference (A1 < 0 on protons) cannot hide a second crossing.

Units: radii enter in km and are converted to m; lambda in m, rates 1/lambda in 1/m; times
in s (c from :data:`lightmed.constants.C_M_PER_S`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from .constants import C_M_PER_S
from .errors import ArtifactError, ConfigError, InputError
from .io import with_attrs
from .mfp import MODELS

#: Neutrino nature needed by each [C21] model (physics.md §1.1).
MODEL_NATURE: dict[str, str] = {name: spec["nature"] for name, spec in MODELS.items()}
#: Criteria evaluated per model ([C21] Eqs. 22-26, physics.md §4.1-4.2).
MODEL_CRITERIA: dict[str, tuple[str, ...]] = {
    "bl_vector": ("dt_10s", "dt_2sm"),
    "lnc_scalar": ("dt_10s", "dt_2sm", "nur_conversion", "nur_retrapping"),
    "lnv_scalar": ("dt_10s", "dt_2sm", "eos_indicative"),
}
#: Models for which the right-handed-neutrino sums (Eqs. 24-27) are computed.
SCALAR_MODELS = ("lnc_scalar", "lnv_scalar")
#: Which config key of the ``diffusion`` block names the snapshot of each criterion.
CRITERION_SNAPSHOT_KEY: dict[str, str] = {
    "dt_10s": "snapshot_dt_10s",
    "dt_2sm": "snapshot_dt_2sm",
    "nur_conversion": "snapshot_nur",
    "nur_retrapping": "snapshot_nur",
    "eos_indicative": "snapshot_nur",
}
CRITERION_DESCRIPTION: dict[str, str] = {
    "dt_10s": "Delta t > dt_max_s (10 s) at the t~5 s snapshot ([C21] Eq. 22)",
    "dt_2sm": "Delta t > dt_sm_factor (2) x Delta t_SM at the t~1 s snapshot ([C21] Eq. 23)",
    "nur_conversion": "nu_L -> nu_R conversion sum reaches 1 ([C21] Eqs. 24-25)",
    "nur_retrapping": "nu_R re-trapping sum reaches 100 ([C21] Eq. 26); retrapped above",
    "eos_indicative": "LNV conversion sum reaches 1 ([C21] Eq. 24): EoS may change, indicative",
}
#: Default thresholds (the config ``diffusion`` block overrides them).
DEFAULTS: dict[str, float | str] = {
    "dt_max_s": 10.0,
    "dt_sm_factor": 2.0,
    "nur_conversion_max": 1.0,
    "nur_retrapping_min": 100.0,
    "observed_species": "nubar",
}

_KM_TO_M = 1e3


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
        ``results/mfp/{snapshot}_{nature}_{model}.nc``: dims ``shell, species, energy_choice,
        mass, coupling``. Preferably carries ``rate_sm``, ``rate_int``, ``rate_np`` [1/m];
        otherwise they are reconstructed from ``lambda`` and ``lambda_np`` [m] on the coupling
        grid (exact when the artifact is itself the polynomial contraction).
    mfp_sm : xarray.Dataset, optional
        ``results/mfp/{snapshot}_{nature}.nc`` (``lambda_sm`` [m]); used for A0 when the model
        artifact has no ``rate_sm``.

    Returns
    -------
    xarray.Dataset
        ``rate_sm`` (shell, species, energy_choice), ``rate_int``, ``rate_np``
        (+ ``mass``), all in 1/m.
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
    a0 = _drop_extra(a0, ("shell", "species", "energy_choice"))
    a1 = _drop_extra(a1, ("shell", "species", "energy_choice", "mass"))
    a2 = _drop_extra(a2, ("shell", "species", "energy_choice", "mass"))
    out = xr.Dataset(
        {
            "rate_sm": with_attrs(a0, "m-1", "SM inverse mean free path A0"),
            "rate_int": with_attrs(a1, "m-1", "interference coefficient A1 of g^2 in 1/lambda"),
            "rate_np": with_attrs(a2, "m-1", "new-physics coefficient A2 of g^4 in 1/lambda"),
        }
    )
    out.attrs["rate_method"] = method
    return out


def _drop_extra(da: xr.DataArray, keep: Sequence[str]) -> xr.DataArray:
    """Drop scalar/non-dimension leftovers so coefficients broadcast cleanly."""
    extra = [c for c in da.coords if c not in da.dims]
    da = da.drop_vars(extra)
    unexpected = [d for d in da.dims if d not in keep]
    if unexpected:
        raise ArtifactError(f"unexpected dimension(s) {unexpected} in a rate coefficient")
    return da


def _require_dims(ds: xr.Dataset, dims: Iterable[str], source: str) -> None:
    missing = [d for d in dims if d not in ds.dims]
    if missing:
        raise ArtifactError(f"{source}: missing dimension(s) {', '.join(missing)}")
    empty = [d for d in dims if ds.sizes[d] == 0]
    if empty:
        raise InputError(f"{source}: empty dimension(s) {', '.join(empty)} (empty grid)")


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
    return (inverse_lambda_per_m * area_m2).sum("shell") / C_M_PER_S


def diffusion_polynomial(coeffs: xr.Dataset, geometry: xr.Dataset) -> xr.Dataset:
    """Coefficients of Delta t(g) and of the nu_R sums as polynomials in g.

    Returns
    -------
    xarray.Dataset
        ``dt_sm`` [s], ``dt_int`` [s, per g^2], ``dt_np`` [s, per g^4] with
        Delta t = dt_sm + dt_int g^2 + dt_np g^4 ([C21] Eq. 21); ``conv_np`` [1, per g^4]
        (Eq. 24 with Eq. 25), ``retrap_np`` [1, per g^4] (Eq. 26).
    """
    area, width = geometry["area"], geometry["width"]
    return xr.Dataset(
        {
            "dt_sm": with_attrs(diffusion_time_s(coeffs["rate_sm"], area), "s",
                                "SM diffusion time Delta t_SM ([C21] Eq. 21)"),
            "dt_int": with_attrs(diffusion_time_s(coeffs["rate_int"], area), "s",
                                 "coefficient of g^2 in Delta t"),
            "dt_np": with_attrs(diffusion_time_s(coeffs["rate_np"], area), "s",
                                "coefficient of g^4 in Delta t"),
            "conv_np": with_attrs((area * coeffs["rate_sm"] * coeffs["rate_np"]).sum("shell"),
                                  "1", "coefficient of g^4 in the nu_R conversion sum (Eq. 24)"),
            "retrap_np": with_attrs((width * coeffs["rate_np"]).sum("shell"), "1",
                                    "coefficient of g^4 in the nu_R re-trapping sum (Eq. 26)"),
        }
    )


def snapshot_diffusion(
    mfp_model: xr.Dataset,
    profile: xr.Dataset,
    model: str,
    mfp_sm: xr.Dataset | None = None,
    *,
    source: str = "mfp artifact",
) -> xr.Dataset:
    """Diffusion-time map and polynomial coefficients of one snapshot.

    Parameters
    ----------
    mfp_model : xarray.Dataset
        Model mean free paths (``lambda`` [m] on shell, species, energy_choice, mass,
        coupling; ideally ``rate_sm/int/np`` [1/m]).
    profile : xarray.Dataset
        Profile artifact with ``r_inner``, ``r_outer`` [km]; if ``mfp_model`` carries radii
        they must agree.
    model : str
        Key of :data:`MODEL_NATURE`.
    mfp_sm : xarray.Dataset, optional
        SM artifact; its ``lambda_sm`` gives ``diffusion_time_sm`` (else A0 is used).

    Returns
    -------
    xarray.Dataset
        ``diffusion_time`` [s] on the artifact grid (from ``lambda``), ``diffusion_time_sm``
        [s], the polynomial coefficients of :func:`diffusion_polynomial` and, for the scalars,
        ``nur_conversion_sum``, ``nur_retrapping_sum`` [1] and ``diffusion_time_two_state``
        [s] ([C21] Eqs. 24-27).
    """
    if model not in MODEL_NATURE:
        raise ConfigError(f"unknown SN-core model {model!r}; known: {', '.join(MODEL_NATURE)}")
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
        dt = diffusion_time_s(1.0 / mfp_model["lambda"].astype(float), geometry["area"])
    else:
        g2 = mfp_model["coupling"].astype(float) ** 2
        dt = poly["dt_sm"] + poly["dt_int"] * g2 + poly["dt_np"] * g2**2
    out = poly.copy()
    out["diffusion_time"] = with_attrs(dt.transpose("species", "energy_choice", "mass",
                                                    "coupling"),
                                       "s", "neutrino diffusion time ([C21] Eq. 21)")
    if mfp_sm is not None and "lambda_sm" in mfp_sm:
        lam_sm = mfp_sm["lambda_sm"].astype(float).sel(
            energy_choice=mfp_model["energy_choice"], species=mfp_model["species"])
        lam_sm = lam_sm.assign_coords(shell=mfp_model["shell"].to_numpy())
        dt_sm = diffusion_time_s(1.0 / lam_sm, geometry["area"])
    else:
        dt_sm = poly["dt_sm"]
    out["diffusion_time_sm"] = with_attrs(_drop_extra(dt_sm, ("species", "energy_choice")),
                                          "s", "SM diffusion time Delta t_SM ([C21] Eq. 21)")
    if model in SCALAR_MODELS:
        g4 = mfp_model["coupling"].astype(float) ** 4
        inv_np = coeffs["rate_np"] * g4
        out["nur_conversion_sum"] = with_attrs(
            poly["conv_np"] * g4, "1",
            "nu_L -> nu_R conversion sum sum_k c dt_k / lambda_k^NP ([C21] Eqs. 24-25)")
        out["nur_retrapping_sum"] = with_attrs(
            poly["retrap_np"] * g4, "1",
            "nu_R re-trapping sum sum_k dR_k / lambda_k^NP ([C21] Eq. 26)")
        out["diffusion_time_two_state"] = with_attrs(
            0.5 * diffusion_time_s(inv_np + coeffs["rate_sm"], geometry["area"]), "s",
            "two-state (nu_L/nu_R) diffusion time ([C21] Eq. 27)")
    out.attrs["rate_method"] = coeffs.attrs["rate_method"]
    return out


def combine_snapshots(per_snapshot: Mapping[str, xr.Dataset]) -> xr.Dataset:
    """Stack :func:`snapshot_diffusion` results along a new ``snapshot`` dimension."""
    if not per_snapshot:
        raise ConfigError("diffusion: no snapshots to combine (check diffusion.snapshot_* keys)")
    names = list(per_snapshot)
    ds = xr.concat([per_snapshot[n] for n in names], dim="snapshot", join="exact",
                   combine_attrs="drop_conflicts")
    ds = ds.assign_coords(snapshot=("snapshot", names))
    ds["snapshot"].attrs.update(units="1", long_name="SN snapshot (config key)")
    return ds


def label_coords(ds: xr.Dataset) -> xr.Dataset:
    """Give the standard coordinates their ``units``/``long_name`` (artifact contract)."""
    meta = {
        "species": ("1", "neutrino species (nu: s=+1, nubar: s=-1)"),
        "energy_choice": ("1", "neutrino energy prescription per shell"),
        "mass": ("MeV", "mediator mass"),
        "coupling": ("1", "mediator coupling (g_B-L or Y)"),
        "snapshot": ("1", "SN snapshot (config key)"),
        "criterion": ("1", "SN-core criterion"),
        "interval": ("1", "index of the coupling interval"),
        "shell": ("1", "shell index (1 = innermost)"),
    }
    for name, (units, long_name) in meta.items():
        if name in ds.coords:
            ds[name].attrs.update(units=units, long_name=long_name)
    return ds


# --------------------------------------------------------------------------------------------
# exact boundaries
# --------------------------------------------------------------------------------------------
def quadratic_roots(c0, c1, c2) -> tuple[np.ndarray, np.ndarray]:
    """Real roots r1 <= r2 of c0 + c1 x + c2 x^2 (NaN where none), cancellation-free.

    Uses q = -(c1 + sign(c1) sqrt(D))/2, roots q/c2 and c0/q, then one Newton polish; the
    linear case c2 = 0 gives r1 = -c0/c1. Works elementwise on broadcast arrays.
    """
    c0, c1, c2 = np.broadcast_arrays(*(np.asarray(c, dtype=float) for c in (c0, c1, c2)))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Scale each polynomial so its largest coefficient is 1 (the coefficients can span
        # 1e-10 .. 1e40 across masses).
        scale = np.maximum(np.maximum(np.abs(c0), np.abs(c1)), np.abs(c2))
        scale = np.where(scale > 0, scale, 1.0)
        a0, a1, a2 = c0 / scale, c1 / scale, c2 / scale
        disc = a1 * a1 - 4.0 * a2 * a0
        sq = np.sqrt(np.where(disc >= 0, disc, np.nan))
        sign = np.where(a1 >= 0, 1.0, -1.0)
        q = -0.5 * (a1 + sign * sq)
        quad = a2 != 0
        ra = np.where(quad, q / np.where(quad, a2, 1.0), np.nan)
        rb = np.where(q != 0, a0 / q, np.nan)
        lin = np.where(a1 != 0, -a0 / np.where(a1 != 0, a1, 1.0), np.nan)
        ra = np.where(quad, ra, lin)
        rb = np.where(quad, rb, np.nan)
        # a double root at q = 0 (a0 = a1 = 0): both roots are 0
        rb = np.where(quad & (q == 0) & np.isfinite(sq), 0.0, rb)

        def polish(r):
            f = a0 + a1 * r + a2 * r * r
            df = a1 + 2.0 * a2 * r
            step = np.where(df != 0, f / np.where(df != 0, df, 1.0), 0.0)
            return np.where(np.isfinite(r), r - step, r)

        ra, rb = polish(ra), polish(rb)
    r1 = np.fmin(ra, rb)
    r2 = np.where(np.isfinite(ra) & np.isfinite(rb), np.fmax(ra, rb), np.nan)
    return r1, r2


def quadratic_exceedance(c0, c1, c2, x_max: float, n_intervals: int = 2):
    """Intervals of x in [0, x_max] where f(x) = c0 + c1 x + c2 x^2 > 0.

    Parameters
    ----------
    c0, c1, c2 : array_like
        Polynomial coefficients (broadcast together).
    x_max : float
        Upper end of the scanned range (> 0).

    Returns
    -------
    lower, upper : numpy.ndarray
        Shape ``broadcast + (n_intervals,)``; NaN-padded interval edges in x, sorted. An
        interval that extends to ``x_max`` has ``upper = x_max``; one that contains 0 has
        ``lower = 0``.
    """
    c0, c1, c2 = np.broadcast_arrays(*(np.asarray(c, dtype=float) for c in (c0, c1, c2)))
    if not x_max > 0:
        raise ConfigError(f"coupling range must be positive, got x_max = {x_max!r}")
    r1, r2 = quadratic_roots(c0, c1, c2)
    inside = lambda r: np.where(np.isfinite(r) & (r > 0) & (r < x_max), r, x_max)  # noqa: E731
    pts = np.stack([np.zeros_like(c0), inside(r1), inside(r2), np.full_like(c0, x_max)], -1)
    pts = np.sort(pts, axis=-1)
    shape = c0.shape
    flat = [v.reshape(-1) for v in (c0, c1, c2)]
    pts = pts.reshape(-1, 4)
    n = pts.shape[0]
    rows = np.arange(n)
    lower = np.full((n, max(n_intervals, 2)), np.nan)
    upper = np.full((n, max(n_intervals, 2)), np.nan)
    started = np.zeros(n, dtype=int)  # intervals opened so far (at most 2 for a quadratic)
    in_run = np.zeros(n, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        for j in range(3):
            a, b = pts[:, j], pts[:, j + 1]
            mid = 0.5 * (a + b)
            exceeded = (flat[0] + flat[1] * mid + flat[2] * mid * mid) > 0
            valid = b > a  # zero-length segments neither open nor close an interval
            opens = valid & exceeded & ~in_run
            lower[rows[opens], started[opens]] = a[opens]
            started = started + opens
            grows = valid & exceeded
            upper[rows[grows], started[grows] - 1] = b[grows]
            in_run = np.where(valid, exceeded, in_run)
    lower = lower[:, :n_intervals].reshape(shape + (n_intervals,))
    upper = upper[:, :n_intervals].reshape(shape + (n_intervals,))
    return lower, upper


@dataclass(frozen=True)
class Criterion:
    """A criterion ``c0 + c1 x + c2 x^2 > 0`` with x = coupling**power."""

    c0: np.ndarray
    c1: np.ndarray
    c2: np.ndarray
    power: float


def solve_criterion(crit: Criterion, coupling_max: float):
    """Bound and all exceedance intervals of one criterion, in the coupling.

    Returns
    -------
    bound, lower, upper : numpy.ndarray
        ``bound``: smallest coupling where the criterion fails (0 where it fails already at
        g = 0, NaN where it never fails up to ``coupling_max``); ``lower``/``upper``: all
        exceedance intervals (last axis, NaN-padded).
    """
    x_max = coupling_max**crit.power
    lo, up = quadratic_exceedance(crit.c0, crit.c1, crit.c2, x_max)
    inv = 1.0 / crit.power
    with np.errstate(invalid="ignore"):
        lower = np.where(np.isfinite(lo), np.abs(lo) ** inv, np.nan)
        upper = np.where(np.isfinite(up), np.abs(up) ** inv, np.nan)
    # The polynomial rounding can leave upper = x_max^(1/p) a hair off coupling_max.
    upper = np.where(np.isclose(upper, coupling_max, rtol=1e-12), coupling_max, upper)
    return lower[..., 0], lower, upper


def first_crossing(lower: np.ndarray, upper: np.ndarray, coupling_max: float) -> np.ndarray:
    """Smallest coupling g > 0 where the criterion changes state (NaN if none in range)."""
    edges = np.concatenate([lower, upper], axis=-1)
    inside = np.isfinite(edges) & (edges > 0) & (edges < coupling_max)
    smallest = np.min(np.where(inside, edges, np.inf), axis=-1)
    return np.where(np.isfinite(smallest), smallest, np.nan)


def criteria_polynomials(
    diffusion: xr.Dataset, model: str, settings: Mapping[str, object]
) -> dict[str, tuple[xr.Dataset, float]]:
    """The polynomial of every criterion of ``model`` (dims energy_choice, mass).

    Parameters
    ----------
    diffusion : xarray.Dataset
        The ``results/diffusion/{model}.nc`` artifact (with the polynomial coefficients).
    settings : mapping
        The config ``diffusion`` block: ``snapshot_dt_10s``, ``snapshot_dt_2sm``,
        ``snapshot_nur``, ``observed_species``, ``dt_max_s``, ``dt_sm_factor``,
        ``nur_conversion_max``, ``nur_retrapping_min``.

    Returns
    -------
    dict
        criterion -> (Dataset with c0, c1, c2, power).
    """
    cfg = {**DEFAULTS, **dict(settings)}
    species = cfg["observed_species"]
    if "species" in diffusion.dims and species not in diffusion["species"].values:
        raise InputError(f"diffusion artifact has no species {species!r} "
                         f"(diffusion.observed_species); has {list(diffusion.species.values)}")
    out = {}
    for crit in MODEL_CRITERIA[model]:
        key = CRITERION_SNAPSHOT_KEY[crit]
        snap = cfg.get(key)
        if snap is None:
            raise ConfigError(f"criterion {crit} needs config diffusion.{key} (a snapshot name)")
        if "snapshot" not in diffusion.dims or snap not in diffusion["snapshot"].values:
            have = list(diffusion["snapshot"].values) if "snapshot" in diffusion.dims else []
            raise InputError(
                f"criterion {crit} needs snapshot {snap!r} (diffusion.{key}), which is not in "
                f"the diffusion artifact (has: {', '.join(map(str, have)) or 'none'})"
            )
        d = diffusion.sel(snapshot=snap, species=species)
        zero = xr.zeros_like(d["dt_np"])
        if crit == "dt_10s":
            c0 = d["dt_sm"] - float(cfg["dt_max_s"])
            c1, c2 = d["dt_int"], d["dt_np"]
        elif crit == "dt_2sm":
            c0 = (1.0 - float(cfg["dt_sm_factor"])) * d["dt_sm"]
            c1, c2 = d["dt_int"], d["dt_np"]
        elif crit in ("nur_conversion", "eos_indicative"):
            c0, c1, c2 = -float(cfg["nur_conversion_max"]) + zero, zero, d["conv_np"]
        elif crit == "nur_retrapping":
            c0, c1, c2 = -float(cfg["nur_retrapping_min"]) + zero, zero, d["retrap_np"]
        else:  # pragma: no cover - MODEL_CRITERIA lists only the above
            raise ConfigError(f"unknown criterion {crit}")
        c0, c1, c2 = xr.broadcast(c0, c1, c2)
        out[crit] = (xr.Dataset({"c0": c0, "c1": c1, "c2": c2}), 2.0)
    return out


def sn_core_bounds(
    diffusion: xr.Dataset, model: str, settings: Mapping[str, object],
    coupling_max: float | None = None,
) -> xr.Dataset:
    """Per mass, the smallest coupling at which each [C21] criterion fails (exact roots).

    Parameters
    ----------
    diffusion : xarray.Dataset
        Diffusion artifact of ``model``.
    settings : mapping
        Config ``diffusion`` block (see :func:`criteria_polynomials`).
    coupling_max : float, optional
        Upper end of the coupling range; default the artifact's largest coupling.

    Returns
    -------
    xarray.Dataset
        Dims ``criterion, energy_choice, mass`` (+ ``interval``): ``coupling_bound`` [1],
        ``exceeded_lower``/``exceeded_upper`` [1] (all intervals where the criterion's quantity
        exceeds its threshold), ``n_intervals``; for the LNC scalar the disfavoured band
        ``nur_band_lower``/``nur_band_upper`` (conversion without re-trapping).

    Notes
    -----
    [C21] Eqs. 21-26. Delta t is a quadratic in x = g^2, the nu_R sums are proportional to
    g^4, so the crossings are closed-form roots; no grid interpolation is involved.
    """
    if model not in MODEL_CRITERIA:
        raise ConfigError(f"unknown SN-core model {model!r}; known: {', '.join(MODEL_CRITERIA)}")
    if coupling_max is None:
        if "coupling" not in diffusion.dims or diffusion.sizes["coupling"] == 0:
            raise InputError("diffusion artifact has no coupling grid; give coupling_max")
        coupling_max = float(diffusion["coupling"].max())
    if "mass" not in diffusion.dims or diffusion.sizes["mass"] == 0:
        raise InputError("diffusion artifact has an empty mass grid")
    polys = criteria_polynomials(diffusion, model, settings)
    names = list(polys)
    bounds, lowers, uppers = [], [], []
    template = None
    for name in names:
        poly, power = polys[name]
        poly = poly.transpose("energy_choice", "mass")
        template = poly["c0"]
        b, lo, up = solve_criterion(
            Criterion(poly["c0"].values, poly["c1"].values, poly["c2"].values, power),
            coupling_max)
        bounds.append(b)
        lowers.append(lo)
        uppers.append(up)
    dims = ("criterion", "energy_choice", "mass")
    coords = {
        "criterion": ("criterion", names),
        "energy_choice": template["energy_choice"].values,
        "mass": template["mass"].values,
        "interval": ("interval", np.arange(lowers[0].shape[-1])),
    }
    lower = np.stack(lowers)
    upper = np.stack(uppers)
    ds = xr.Dataset(
        {
            "coupling_bound": (dims, np.stack(bounds), {
                "units": "1",
                "long_name": "smallest coupling violating the criterion",
                "comment": "NaN: not violated up to coupling_max; 0: violated already by the "
                           "SM (g -> 0)"}),
            "exceeded_lower": (dims + ("interval",), lower, {
                "units": "1", "long_name": "lower edge of a coupling interval where the "
                                           "criterion's quantity exceeds its threshold"}),
            "exceeded_upper": (dims + ("interval",), upper, {
                "units": "1", "long_name": "upper edge of a coupling interval where the "
                                           "criterion's quantity exceeds its threshold"}),
            "n_intervals": (dims, np.isfinite(lower).sum(-1), {
                "units": "1", "long_name": "number of coupling intervals where the criterion "
                                           "fails"}),
            "first_crossing": (dims, first_crossing(lower, upper, coupling_max), {
                "units": "1", "long_name": "smallest coupling > 0 where the criterion changes "
                                           "state (differs from coupling_bound only where the "
                                           "SM already fails)"}),
            "sm_fails": (dims, np.stack(bounds) == 0.0, {
                "units": "1", "long_name": "criterion already violated at g -> 0 (SM)"}),
        },
        coords=coords,
    )
    ds["criterion_description"] = xr.DataArray(
        [CRITERION_DESCRIPTION[n] for n in names], dims="criterion",
        attrs={"units": "1", "long_name": "meaning of the criterion"})
    if model == "lnc_scalar":
        conv = ds["coupling_bound"].sel(criterion="nur_conversion")
        ret = ds["coupling_bound"].sel(criterion="nur_retrapping")
        ret_eff = ret.fillna(coupling_max)
        has_band = np.isfinite(conv) & (ret_eff > conv)
        conv = conv.drop_vars("criterion", errors="ignore")
        ret_eff = ret_eff.drop_vars("criterion", errors="ignore")
        ds["nur_band_lower"] = with_attrs(conv.where(has_band), "1",
                                          "lower edge of the disfavoured nu_R free-streaming "
                                          "band (Eq. 24 fails, Eq. 26 does not hold)")
        ds["nur_band_upper"] = with_attrs(ret_eff.where(has_band), "1",
                                          "upper edge of the disfavoured nu_R band (Eq. 26 "
                                          "reaches its threshold; coupling_max if never)")
    ds.attrs.update(
        model=model,
        observed_species=str({**DEFAULTS, **dict(settings)}["observed_species"]),
        coupling_max=float(coupling_max),
        method="closed-form roots of the quadratic in g^2 (Delta t) and of the g^4 sums",
    )
    return label_coords(ds)


def bounds_table(bounds: xr.Dataset) -> pd.DataFrame:
    """Long-format table of the bound curves (one row per criterion, [profile,] energy, mass)."""
    da = bounds["coupling_bound"]
    da = da.drop_vars([c for c in da.coords if c not in da.dims])
    df = da.to_dataframe().reset_index().rename(columns={"mass": "mass_mev"})
    df.insert(0, "model", bounds.attrs.get("model", ""))
    return df


def write_bounds_csv(bounds: xr.Dataset, path, header_lines: Sequence[str] = ()) -> None:
    """Write :func:`bounds_table` as CSV with ``#`` comment lines (units, provenance)."""
    df = bounds_table(bounds)
    lines = [
        "# SN-core bounds on the mediator coupling: smallest coupling violating each criterion",
        "# mass_mev [MeV]; coupling_bound [1] (empty: no violation up to coupling_max; 0: SM "
        "already violates)",
        *[f"# {h}" for h in header_lines],
    ]
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
        df.to_csv(fh, index=False, float_format="%.6e")
