"""Package attributes imported from their submodule on first use (PEP 562).

A package whose ``__init__`` re-exports the names of its submodules imports all of them with
itself, and with them what they import: ``lightmed.fluxes`` brought numba and SciPy (0.5 s)
to the flux figure, which needs one function of :mod:`lightmed.fluxes.schema`; the Snakefile
imports :mod:`lightmed.statistics.planning` at every parse. With :func:`lazy_exports` the
package stays a namespace of its public names (``from lightmed.fluxes import load_source``
works as before), and each submodule is imported by the first use of one of its names.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: public name -> submodule that defines it."""

    def __getattr__(name: str) -> object:
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f".{module}", package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
