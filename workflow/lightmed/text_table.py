"""Numeric text tables (profiles, flux tables): numpy's fast reader, lightmed's error lines.

:func:`load_table` reads with :func:`numpy.loadtxt`; when numpy refuses the file, the file is
read again line by line to find the first bad line, and the one-line :class:`InputError` names
the file, its LINE number (counting every line of the file from 1, as an editor does, not
numpy's data rows) and what is wrong there, without numpy's own hints (``usecols`` is numpy's
parameter, not a lightmed option). :func:`line_of` maps a data row index back to its line for
the checks callers make on the values (negative, not increasing, ...): it reads the file again
only when a check has failed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from .errors import InputError


def data_lines(path: Path, skip_lines: int, comments: str | None):
    """Yield ``(line number, fields text)`` of the rows numpy reads (comments/blanks skipped)."""
    with open(path, errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            if number <= skip_lines:
                continue
            if comments is not None:
                line = line.split(comments, 1)[0]
            if line.strip():
                yield number, line.strip()


def line_of(
    path: str | os.PathLike, row: int, *, skip_lines: int = 0, comments: str | None = "#"
) -> int:
    """The line number (from 1) of data row ``row`` (from 0) of a table read by numpy."""
    for i, (number, _) in enumerate(data_lines(Path(path), skip_lines, comments)):
        if i == row:
            return number
    raise IndexError(f"{path} has no data row {row}")


def _split(text: str, delimiter: str | None) -> list[str]:
    return text.split() if delimiter is None else [f.strip() for f in text.split(delimiter)]


def _separator(delimiter: str | None) -> str:
    return "whitespace" if delimiter is None else repr(delimiter)


def diagnose(
    path: str | os.PathLike,
    *,
    skip_lines: int = 0,
    comments: str | None = "#",
    delimiter: str | None = None,
) -> str | None:
    """What makes the table unreadable: ``"line N ..."`` for the first bad line, or None."""
    ncols = None
    first = None
    for number, text in data_lines(Path(path), skip_lines, comments):
        fields = _split(text, delimiter)
        other = re.search(r"[;,\t|]", text)
        hint = (
            f" (columns must be separated by {_separator(delimiter)}, not {other.group()!r})"
            if other and other.group() != delimiter and not other.group().isspace()
            else ""
        )
        for j, field in enumerate(fields, start=1):
            try:
                float(field)
            except ValueError:
                what = "an empty field" if not field else f"{field[:40]!r}"
                return f"line {number}, column {j}: {what} is not a number{hint}"
        if ncols is None:
            ncols, first = len(fields), number
        elif len(fields) != ncols:
            return (
                f"line {number} has {len(fields)} column(s) where line {first} has {ncols}"
                f"{hint or ' (a cut or damaged line)'}"
            )
    return None


def load_table(
    path: str | os.PathLike,
    *,
    what: str,
    fix: str,
    skip_lines: int = 0,
    comments: str | None = "#",
    delimiter: str | None = None,
) -> np.ndarray:
    """Read a numeric text table (2-d array); one-line :class:`InputError` if numpy cannot.

    ``what`` names the format (``"Garching radial profile"``), ``fix`` says what to do
    (``"restore the file from the Garching archive"``).
    """
    path = Path(path)
    try:
        return np.loadtxt(
            path, skiprows=skip_lines, comments=comments, delimiter=delimiter, ndmin=2
        )
    except ValueError:
        where = diagnose(path, skip_lines=skip_lines, comments=comments, delimiter=delimiter)
    if where is None:  # numpy refused something the line check does not see
        where = "not a table of numbers"
    raise InputError(f"{path}: not a readable {what}: {where}; {fix}")
