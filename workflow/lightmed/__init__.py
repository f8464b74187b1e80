"""lightmed: supernova and astrophysical-neutrino bounds on light mediators.

The physics package behind the Snakemake workflow. Internal unit system: MeV and fm with
hbar = c = k_B = 1 (see :mod:`lightmed.constants`).
"""

__version__ = "0.1.0"
