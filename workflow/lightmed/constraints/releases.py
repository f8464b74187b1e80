"""Where to get each experiment's data release (one line per experiment name).

Kept apart from the experiment modules so that the Snakefile can name the release of an
experiment it skips (``constraints.<experiment>.path: null``) without importing the
experiment, which imports xarray, numba and the rates (0.3 s of every Snakemake start).
"""

from __future__ import annotations

XENONNT_DOI = "10.5281/zenodo.20576156"

WHERE: dict[str, str] = {
    "coherent_csi2017": (
        "the COHERENT CsI[Na] 2017 data release (arXiv:1804.09459, doi:10.5281/zenodo.1228631, "
        "https://coherent.ornl.gov/data-releases/)"
    ),
    "xenonnt_8b": (
        f"XENONnT 8B CEvNS data release, https://doi.org/{XENONNT_DOI} "
        "(github.com/XENONnT/cevns_data_release, CC-BY-4.0)"
    ),
    "xenon1t_s2only": (
        "XENON1T S2-only data release, github.com/XENON1T/s2only_data_release "
        "(Zenodo, see its README DOI badge); PRL 123 (2019) 251801, arXiv:1907.11485"
    ),
    "xenon1t_st21": (
        "XENON1T 1 t yr SI limit table xenon1t_1ty.csv (github.com/XENON1T/"
        "xenon1t_approximate_nuclear_recoil_likelihood, xe_likelihood/data/ancillary_data) and the "
        "S2-only data release (github.com/XENON1T/s2only_data_release) for the S2 efficiency"
    ),
}
