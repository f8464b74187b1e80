"""Small numba kernels shared by several stages."""

from __future__ import annotations

import math

import numba


@numba.njit(cache=True)
def fermi(x):
    """Fermi function 1/(1 + e^x), overflow-safe for any real x [1]."""
    if x > 0.0:
        ex = math.exp(-x)
        return ex / (1.0 + ex)
    return 1.0 / (1.0 + math.exp(x))
