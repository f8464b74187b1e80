"""COHERENT CsI[Na] 2017 (Science 357 (2017) 1123; release arXiv:1804.09459).

The official data release, read as distributed from ``constraints.coherent_csi2017.path``:
``data_coincidence_beamOn.txt`` (the signal window C, counts per PE x arrival-time bin),
``data_anticoincidence_beamOn.txt`` (the equal-length window before the trigger, AC: the
steady-state background measured during beam), ``promptPDF.txt`` (beam-related prompt-neutron
PE spectrum per GW hr), ``arrivalTimePDF_{promptNeutrinos,delayedNeutrinos,promptNeutrons}.txt``
and ``coherent_parameters.yaml`` (exposure, distance, quenching factor, light yield, nu per
proton, acceptance, neutron normalisation).

Expected counts in bin (PE i, time j) (docs/physics.md §7):

    mu_ij = a_s [S0 + g^2 S1 + g^4 S2]_ij(q) + a_n N_ij + a_b B_ij,

* S: CEvNS on 133Cs and 127I (lightmed.targets ``CsI``, lightmed.cevns cross sections for
  any registry model, per-flavour charges) of the SNS decay-at-rest flux: prompt nu_mu (29.8
  MeV line, prompt time PDF), delayed nu_e and nubar_mu (Michel spectra, delayed time PDF),
  r = 0.08 per flavour per proton at L = 19.3 m; recoil -> photo-electrons with
  PE = LY q E_r (light yield LY, quenching factor q), Poisson photo-electron statistics, the
  released acceptance evaluated at the centre of each 1-PE bin;
* N: prompt neutrons (released PE spectrum x exposure x acceptance x time PDF);
* B: steady-state background from the AC beam-on data: its PE spectrum times its arrival-time
  distribution (separable; the released AC rate falls with time, so it is not flat).

Nuisances: a_s ~ N(1, sqrt(flux^2 + form factor^2 + acceptance^2)), a_n ~ N(1, 0.25),
a_b ~ N(1, 1/sqrt(N_AC)), q ~ N(0.0878, 0.0166) profiled on a grid of nodes (parabolic
interpolation of the profile between nodes). The binned Poisson likelihood is profiled at
every (mass, g) with all nuisances; the reference point is the best fit over g >= 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
import yaml

from ..cevns.nucleus import dsigma_coefficients, max_recoil_kev
from ..constants import N_AVOGADRO
from ..errors import InputError
from ..targets import get_target
from .base import Scan
from .profile import profile
from .releases import WHERE as RELEASES

NAME = "coherent_csi2017"
TITLE = "COHERENT CsI (2017)"
WHERE = RELEASES[NAME]
CITATION = "COHERENT, Science 357 (2017) 1123 (arXiv:1708.01294); data release arXiv:1804.09459"

#: Published detector facts not in the release (Science 357 (2017) 1123).
CSI_MASS_KG = 14.57
PROTONS_ON_TARGET = 1.76e23  # for the 7.48 GW hr exposure of the release
M_MU = 105.6583755  # MeV (PDG 2022)
M_PI = 139.57039  # MeV (PDG 2022)
E_PROMPT = (M_PI**2 - M_MU**2) / (2.0 * M_PI)  # 29.79 MeV

FILES = {
    "on": "data_coincidence_beamOn.txt",
    "ac": "data_anticoincidence_beamOn.txt",
    "neutron_pe": "promptPDF.txt",
    "t_prompt": "arrivalTimePDF_promptNeutrinos.txt",
    "t_delayed": "arrivalTimePDF_delayedNeutrinos.txt",
    "t_neutron": "arrivalTimePDF_promptNeutrons.txt",
    "params": "coherent_parameters.yaml",
}
PARAM_KEYS = (
    "beamExposure",
    "distanceToTarget",
    "csiQF",
    "csiLightYield",
    "neutrinosPerProton",
    "promptNeutronNormalization",
    "acceptanceEfficiency",
)
QF_NODES = np.linspace(-2.4, 2.4, 9)  # quenching-factor grid [sigma]
N_PE_MAX = 60  # photo-electron counts followed (above the fitted range)


# ------------------------------------------------------------------------------ reading
def _read_table(path: Path, ncol: int, names: str) -> np.ndarray:
    """Comma-separated numbers with ``ncol`` columns; '#' comments and a text header allowed."""
    if not path.is_file():
        raise InputError(f"{path}: file not found (the COHERENT release needs it)")
    rows = []
    for k, line in enumerate(path.read_text().splitlines()):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parts = [p.strip() for p in text.split(",")]
        try:
            values = [float(p) for p in parts]
        except ValueError:
            if not rows:  # a header line
                continue
            raise InputError(f"{path}: line {k + 1} is not numeric ({line.strip()!r})") from None
        if len(values) != ncol:
            raise InputError(
                f"{path}: line {k + 1} has {len(values)} column(s), expected {ncol} ({names})"
            )
        rows.append(values)
    if not rows:
        raise InputError(f"{path}: no data rows (expected columns {names})")
    return np.asarray(rows)


def _hist(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(PE centres, time centres [us], counts (PE, time)) of a release data file."""
    d = _read_table(path, 3, "photo-electrons, arrival time [us], counts")
    pe, t = np.unique(d[:, 0]), np.unique(d[:, 1])
    if pe.size * t.size != len(d):
        raise InputError(f"{path}: {len(d)} rows are not a full PE x time grid")
    counts = np.zeros((pe.size, t.size))
    counts[np.searchsorted(pe, d[:, 0]), np.searchsorted(t, d[:, 1])] = d[:, 2]
    return pe, t, counts


@dataclass
class CoherentData:
    """The release on the fitted PE x time region, plus the detector parameters."""

    path: Path
    pe: np.ndarray  # (I,) centres of the 2-PE data bins in the fit
    time: np.ndarray  # (J,) centres of the 0.5-us time bins in the fit
    on: np.ndarray  # (I, J) C beam-on counts
    ac: np.ndarray  # (I, J) AC beam-on counts
    neutrons: np.ndarray  # (I, J) prompt neutrons at nominal normalisation
    t_prompt: np.ndarray  # (J,) fraction of prompt nu per time bin
    t_delayed: np.ndarray
    pe_members: np.ndarray  # (I, 2) photo-electron counts n in each data bin
    acceptance: np.ndarray  # (N_PE_MAX,) acceptance of n = 1..N_PE_MAX photo-electrons
    params: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def qf(self) -> tuple[float, float]:
        p = self.params["csiQF"]
        return float(p["value"]), float(p["uncertainty"])


def _param(params: dict, key: str, path: Path) -> float:
    try:
        return float(params[key]["value"])
    except (KeyError, TypeError, ValueError):
        raise InputError(f"{path}: entry {key}.value missing or not a number") from None


def acceptance(x, a: float, k: float, x0: float) -> np.ndarray:
    """Released acceptance f(x) = a / (1 + exp(-k (x - x0))) H(x - 5) at PE bin centre x."""
    x = np.asarray(x, float)
    h = np.where(x < 5.0, 0.0, np.where(x < 6.0, 0.5, 1.0))
    return a / (1.0 + np.exp(-k * (x - x0))) * h


def load(path: Path, settings: dict | None = None) -> CoherentData:
    """Read the release directory; InputError naming the file on any defect."""
    settings = dict(settings or {})
    path = Path(path)
    if not path.is_dir():
        raise InputError(
            f"constraints.{NAME}.path = {str(path)!r}: directory not found; get the release "
            f"from {WHERE}"
        )
    ppath = path / FILES["params"]
    if not ppath.is_file():
        raise InputError(f"{ppath}: file not found (the COHERENT release needs it)")
    try:
        params = yaml.safe_load(ppath.read_text())
    except yaml.YAMLError as exc:
        raise InputError(f"{ppath}: not valid YAML ({' '.join(str(exc).split())})") from None
    if not isinstance(params, dict):
        raise InputError(f"{ppath}: expected a mapping of parameters")
    for key in PARAM_KEYS:
        if key not in params:
            raise InputError(f"{ppath}: entry {key} missing")
    for key in PARAM_KEYS[:-1]:
        _param(params, key, ppath)
    try:
        acc = {p["name"]: float(p["value"]) for p in params["acceptanceEfficiency"]["parameters"]}
        acc_par = (acc["a"], acc["k"], acc["x_0"])
    except (KeyError, TypeError, ValueError):
        raise InputError(f"{ppath}: acceptanceEfficiency.parameters needs a, k, x_0") from None

    pe_on, t_on, on = _hist(path / FILES["on"])
    pe_ac, t_ac, ac = _hist(path / FILES["ac"])
    if not (np.array_equal(pe_on, pe_ac) and np.array_equal(t_on, t_ac)):
        raise InputError(f"{path / FILES['ac']}: PE x time grid differs from {FILES['on']}")
    times = {}
    for key in ("t_prompt", "t_delayed", "t_neutron"):
        d = _read_table(path / FILES[key], 2, "arrival time [us], probability")
        if not np.allclose(d[:, 0], t_on):
            raise InputError(f"{path / FILES[key]}: time bins differ from {FILES['on']}")
        times[key] = d[:, 1]
    npe = _read_table(path / FILES["neutron_pe"], 2, "photo-electrons, neutrons per GW hr")

    # photo-electron count n sits in the 1-PE bin [n-1, n) (acceptance at its centre n - 0.5);
    # a 2-PE data bin centred at c holds n = c and c + 1
    n_counts = np.arange(1, N_PE_MAX + 1)
    acc_n = acceptance(n_counts - 0.5, *acc_par)
    members = np.stack([pe_on, pe_on + 1], axis=-1).astype(int)
    exposure = _param(params, "beamExposure", ppath)
    n_rate = np.interp(n_counts - 0.5, npe[:, 0], npe[:, 1], left=0.0, right=0.0)
    neutron_pe = np.array([np.sum((n_rate * acc_n)[m - 1]) for m in members]) * exposure

    pe_lo, pe_hi = settings.get("pe_range", (6.0, 30.0))
    t_max = float(settings.get("time_max_us", 12.0))
    sel_pe = (pe_on - 1 >= pe_lo - 1e-9) & (pe_on + 1 <= pe_hi + 1e-9)
    sel_t = t_on + 0.25 <= t_max + 1e-9
    if not sel_pe.any() or not sel_t.any():
        raise InputError(
            f"constraints.{NAME}: pe_range {settings.get('pe_range')} / time_max_us {t_max} "
            f"select no bin of {path / FILES['on']}"
        )
    return CoherentData(
        path=path,
        pe=pe_on[sel_pe],
        time=t_on[sel_t],
        on=on[np.ix_(sel_pe, sel_t)],
        ac=ac[np.ix_(sel_pe, sel_t)],
        neutrons=np.outer(neutron_pe, times["t_neutron"])[np.ix_(sel_pe, sel_t)],
        t_prompt=times["t_prompt"][sel_t],
        t_delayed=times["t_delayed"][sel_t],
        pe_members=members[sel_pe],
        acceptance=acc_n,
        params=params,
        settings=settings,
    )


# ------------------------------------------------------------------------------ physics
def michel_nue(e_mev: np.ndarray) -> np.ndarray:
    """nu_e spectrum of mu+ decay at rest [1/MeV], normalised to 1 on [0, m_mu/2]."""
    x = np.asarray(e_mev, float) / M_MU
    return np.where(x <= 0.5, 192.0 / M_MU * x**2 * (0.5 - x), 0.0)


def michel_numubar(e_mev: np.ndarray) -> np.ndarray:
    """nubar_mu spectrum of mu+ decay at rest [1/MeV], normalised to 1 on [0, m_mu/2]."""
    x = np.asarray(e_mev, float) / M_MU
    return np.where(x <= 0.5, 64.0 / M_MU * x**2 * (0.75 - x), 0.0)


def fluence_per_flavour(data: CoherentData) -> float:
    """Neutrinos per flavour per cm^2 at the detector over the exposure."""
    r = float(data.params["neutrinosPerProton"]["value"])
    dist_cm = float(data.params["distanceToTarget"]["value"]) * 100.0
    return PROTONS_ON_TARGET * r / (4.0 * math.pi * dist_cm**2)


def recoil_spectra(model, masses_mev: np.ndarray, recoil_kev: np.ndarray):
    """dN/dE_r per formula unit and unit fluence [cm^2/keV], (3 terms, 2 timings, mass, E_r).

    Terms: SM, g^2 and g^4 coefficients; timings: prompt (nu_mu line) and delayed (nu_e +
    nubar_mu, Michel spectra, Gauss-Legendre in E_nu).
    """
    tgt = get_target("CsI")
    m = np.asarray(masses_mev, float)[:, None]
    er = np.asarray(recoil_kev, float)[None, :]
    prompt = dsigma_coefficients(E_PROMPT, er, m, tgt, model, "numu")
    x, w = np.polynomial.legendre.leggauss(96)
    e = 0.25 * M_MU * (x + 1.0)  # [0, m_mu/2]
    w = 0.25 * M_MU * w
    delayed = [np.zeros((m.size, er.size)) for _ in range(3)]
    for flavour, spectrum in (("nue", michel_nue), ("numubar", michel_numubar)):
        fw = w * spectrum(e)
        for ei, wi in zip(e, fw, strict=True):
            terms = dsigma_coefficients(ei, er, m, tgt, model, flavour)
            for t in range(3):
                delayed[t] = delayed[t] + wi * np.broadcast_to(terms[t], delayed[t].shape)
    out = np.zeros((3, 2, m.size, er.size))
    for t in range(3):
        out[t, 0] = np.broadcast_to(prompt[t], (m.size, er.size))
        out[t, 1] = delayed[t]
    return out


def formula_units(data: CoherentData) -> float:
    tgt = get_target("CsI")
    return CSI_MASS_KG * 1e3 / tgt.formula_mass * N_AVOGADRO


def response(data: CoherentData, recoil_kev: np.ndarray, qf: np.ndarray) -> np.ndarray:
    """(q, data PE bin, E_r): probability x acceptance that a recoil lands in each PE bin."""
    from scipy.stats import poisson  # here, not at import: the Snakefile's parse imports this

    ly = float(data.params["csiLightYield"]["value"])
    mean = ly * np.asarray(qf, float)[:, None, None] * recoil_kev[None, None, :]
    n = np.arange(1, N_PE_MAX + 1)[None, :, None]
    per_n = poisson.pmf(n, mean) * data.acceptance[None, :, None]
    return per_n[:, data.pe_members[:, 0] - 1] + per_n[:, data.pe_members[:, 1] - 1]


def templates(data: CoherentData, model, masses_mev: np.ndarray, qf: np.ndarray) -> np.ndarray:
    """CEvNS counts (q, term, mass, PE, time) for coupling terms S0, S1 (g^2), S2 (g^4)."""
    tgt = get_target("CsI")
    er_top = float(max(max_recoil_kev(M_MU / 2.0, nuc.A) for nuc in tgt.nuclei))
    er = np.linspace(0.0, er_top, 601)[1:]
    wts = np.full(er.size, er[1] - er[0])
    wts[-1] *= 0.5
    spectra = recoil_spectra(model, masses_mev, er) * wts  # (term, timing, mass, er)
    norm = formula_units(data) * fluence_per_flavour(data)
    resp = response(data, er, qf)  # (q, I, er)
    pe = np.einsum("qie,tsme->qtsmi", resp, spectra) * norm  # (q, term, timing, mass, I)
    time = np.stack([data.t_prompt, data.t_delayed])  # (timing, J)
    return np.einsum("qtsmi,sj->qtmij", pe, time)


def signal_sigma(data: CoherentData) -> tuple[float, dict[str, float]]:
    """Prior width of the CEvNS normalisation and its parts."""
    s = data.settings
    acc = {p["name"]: p for p in data.params["acceptanceEfficiency"]["parameters"]}
    a = acc["a"]
    parts = {
        "flux": float(s.get("flux_uncertainty", 0.10)),
        "form_factor": float(s.get("form_factor_uncertainty", 0.05)),
        "acceptance": 0.5 * (float(a["error_hi"]) + float(a["error_lo"])) / float(a["value"]),
    }
    return math.sqrt(sum(v**2 for v in parts.values())), parts


def _profile_qf(values: np.ndarray) -> np.ndarray:
    """Profile over the QF nodes (axis 0) with the Gaussian penalty; parabolic refinement."""
    total = values + QF_NODES.reshape((-1,) + (1,) * (values.ndim - 1)) ** 2
    i = np.clip(np.argmin(total, axis=0), 1, QF_NODES.size - 2)
    take = [np.take_along_axis(total, (i + d)[None], axis=0)[0] for d in (-1, 0, 1)]
    y0, y1, y2 = take
    curv = y0 - 2 * y1 + y2
    with np.errstate(divide="ignore", invalid="ignore"):
        offset = (y0 - y2) / (2.0 * curv)  # vertex position [node spacings] from node i
        refined = y1 - (y2 - y0) ** 2 / (8.0 * curv)
    ok = (curv > 0) & np.isfinite(refined) & (np.abs(offset) <= 1.0)
    return np.minimum(np.min(total, axis=0), np.where(ok, refined, np.inf))


def _background_templates(data: CoherentData) -> tuple[np.ndarray, np.ndarray]:
    """(2, I*J) neutron and steady-state templates, and their prior widths."""
    ac = data.ac
    ss = np.outer(ac.sum(axis=1), ac.sum(axis=0)) / max(ac.sum(), 1.0)  # PE x time, separable
    n_sigma = float(data.params["promptNeutronNormalization"]["uncertainty"])
    ss_sigma = 1.0 / math.sqrt(max(data.ac.sum(), 1.0))
    return np.stack([data.neutrons.ravel(), ss.ravel()]), np.array([n_sigma, ss_sigma])


def fit_sm_normalisation(data: CoherentData) -> dict[str, float]:
    """The Science-style check: the SM CEvNS template with a free normalisation, the other
    nuisances profiled. Returns SM prediction, fitted counts and their 1-sigma range."""
    from ..models import get_model

    q0, dq = data.qf
    qf = q0 + dq * QF_NODES
    tmpl = templates(data, get_model("vector"), np.array([1.0]), qf)[:, 0, 0]  # (q, I, J)
    bkg, bkg_sigma = _background_templates(data)
    sm_nominal = float(templates(data, get_model("vector"), np.array([1.0]), [q0])[0, 0].sum())
    scale = np.linspace(0.0, 2.0, 201)  # signal / SM(nominal QF)
    shaped = tmpl / tmpl.sum(axis=(1, 2), keepdims=True) * sm_nominal  # QF changes shape only
    comps = np.concatenate(
        [
            (scale[None, :, None] * shaped.reshape(qf.size, 1, -1))[:, :, None, :],
            np.broadcast_to(bkg, (qf.size, scale.size) + bkg.shape),
        ],
        axis=2,
    )
    v, _ = profile(comps, data.on.ravel(), np.array([1e-9, *bkg_sigma]))
    curve = _profile_qf(v)
    best = int(np.argmin(curve))
    inside = scale[curve <= curve[best] + 1.0]
    sigma_s, _ = signal_sigma(data)
    lo_q = templates(data, get_model("vector"), np.array([1.0]), [q0 - dq])[0, 0].sum()
    hi_q = templates(data, get_model("vector"), np.array([1.0]), [q0 + dq])[0, 0].sum()
    rel_q = 0.5 * abs(hi_q - lo_q) / sm_nominal
    return {
        "sm_prediction": sm_nominal,
        "sm_uncertainty": sm_nominal * math.sqrt(sigma_s**2 + rel_q**2),
        "fitted": float(scale[best] * sm_nominal),
        "fitted_lo": float(inside.min() * sm_nominal),
        "fitted_hi": float(inside.max() * sm_nominal),
        "neg2dlnl_no_cevns": float(curve[0] - curve[best]),
    }


# ------------------------------------------------------------------------------ scan
class CoherentCsI2017:
    """The COHERENT CsI[Na] 2017 experiment (contract: lightmed.constraints.base)."""

    name = NAME
    title = TITLE
    where = WHERE
    year = 2017

    def load(self, path: Path, settings: dict) -> CoherentData:
        return load(path, settings)

    def scan(self, data: CoherentData, model, masses_mev, couplings) -> Scan:
        masses = np.asarray(masses_mev, float)
        g = np.asarray(couplings, float)
        g_all = np.concatenate([[0.0], g])
        q0, dq = data.qf
        qf = q0 + dq * QF_NODES
        sigma_s, parts = signal_sigma(data)
        bkg, bkg_sigma = _background_templates(data)
        sig = np.array([sigma_s, *bkg_sigma])
        tmpl = templates(data, model, masses, qf)  # (q, term, mass, I, J)
        tmpl = tmpl.reshape(tmpl.shape[:3] + (-1,))
        n = data.on.ravel()
        neg2 = np.empty((masses.size, g_all.size))
        powers = np.stack([np.ones_like(g_all), g_all**2, g_all**4])  # (term, g)
        theta = None  # warm start from the previous mass (neighbouring masses fit alike)
        for i in range(masses.size):
            s = np.einsum("qtb,tg->qgb", tmpl[:, :, i], powers)  # (q, g, bins)
            comps = np.concatenate(
                [s[:, :, None, :], np.broadcast_to(bkg, s.shape[:2] + bkg.shape)], axis=2
            )
            v, theta = profile(comps, n, sig, theta0=theta)
            neg2[i] = _profile_qf(v)
        best_idx = np.argmin(neg2, axis=1)
        minimum = neg2[np.arange(masses.size), best_idx]
        d = neg2 - minimum[:, None]
        sm_counts = float(templates(data, model, masses[:1] * 0 + 1e6, [q0])[0, 0].sum())
        extras = {
            "expected_sm_cevns": xr.DataArray(
                sm_counts,
                attrs={
                    "units": "1",
                    "long_name": "expected SM CEvNS counts in the fitted region (nominal QF)",
                },
            ),
            "observed_counts": xr.DataArray(
                float(n.sum()),
                attrs={"units": "1", "long_name": "C beam-on counts in the fitted region"},
            ),
        }
        pe_lo, pe_hi = data.pe.min() - 1, data.pe.max() + 1
        return Scan(
            coupling=g,
            neg2dlnl=d[:, 1:],
            best_fit=g_all[best_idx],
            neg2dlnl_sm=d[:, 0],
            attrs={
                "statistic": (
                    "binned Poisson likelihood on C beam-on counts in PE x arrival time "
                    f"({pe_lo:g}-{pe_hi:g} PE in 2-PE bins, 0-{data.time.max() + 0.25:g} us "
                    "in 0.5-us bins), profile likelihood ratio"
                ),
                "test_statistic": "-2 ln[L(g, nuisances profiled) / L(g_hat, ...)], "
                "one-dof chi2 threshold (2.706 at 90 % CL)",
                "reference_point": "best fit over g >= 0 (a coupling-squared model is "
                "physical only there; with a deficit the vector's interference can fit "
                "better than the SM, and the limit must be relative to that best fit)",
                "nuisances": {
                    "CEvNS normalisation": f"Gaussian sigma {sigma_s:.3f} (flux "
                    f"{parts['flux']:.2f}, form factor {parts['form_factor']:.2f}, "
                    f"acceptance {parts['acceptance']:.3f} from the release's a parameter)",
                    "quenching factor": f"Gaussian {q0} +- {dq} (release), profiled on "
                    f"{QF_NODES.size} nodes, shape and rate",
                    "prompt neutrons": f"Gaussian sigma {bkg_sigma[0]:.2f} (release)",
                    "steady state": f"Gaussian sigma {bkg_sigma[1]:.3f} (1/sqrt of the AC "
                    "beam-on counts that measure it; PE x time shape of the AC data, separable)",
                },
                "data_release": WHERE,
                "citation": CITATION,
                "title": TITLE,
                "year": 2017,
            },
            extras=extras,
        )


EXPERIMENT = CoherentCsI2017()
