"""``lightmed show``: a one-screen summary of any lightmed NetCDF artifact.

Stage and schema (with a note when the file is stale), title, dimensions, coordinates,
variables with units, key attributes, history and, for files with a ``coupling_bound`` on a
``mass`` axis (SN-core bounds, sensitivities, constraints), the bound at a few masses.
xarray is imported only when a file is shown, so ``lightmed list`` starts fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TextIO

from .errors import InputError


def _fmt(value: float, fractions: bool = False) -> str:
    """Compact number (4 significant digits); ``fractions``: 1/3 rather than 0.3333."""
    value = float(value)
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    text = f"{value:.4g}"
    if fractions and float(text) != value:
        frac = Fraction(value).limit_denominator(12)
        if abs(float(frac) - value) < 1e-12 * max(1.0, abs(value)):
            return f"{frac.numerator}/{frac.denominator}"
    return text


def _table(out: TextIO, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    rows = [[str(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths[i], len(cell))
    for row in [list(headers), *rows]:
        cells = [c.ljust(widths[i]) for i, c in enumerate(row[:-1])] + [row[-1]]
        out.write("  ".join(cells).rstrip() + "\n")


#: Dataset attributes every artifact carries (printed in the head, not among "attributes").
_STANDARD_ATTRS = ("title", "source", "references", "Conventions", "lightmed_schema", "history")
_WIDTH = 110


def _clip(text: str, width: int, full: bool) -> str:
    text = " ".join(str(text).split()) if not full else str(text)
    return text if full or len(text) <= width else text[: width - 3] + "..."


def _coord_summary(coord) -> str:
    import numpy as np

    values = coord.values
    if values.size == 0:
        return "(empty)"
    if values.size <= 6 or not np.issubdtype(values.dtype, np.number):
        shown = [str(v) if not isinstance(v, float | np.floating) else f"{v:.4g}" for v in values]
        return ", ".join(shown[:8]) + (", ..." if len(shown) > 8 else "")
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    if np.issubdtype(values.dtype, np.integer):
        step = values[1] - values[0]
        even = bool(np.all(np.diff(values) == step))
        return f"{int(lo)} ... {int(hi)}" + (" (evenly spaced)" if even else "")
    spacing = ""
    if (
        values.size > 2
        and lo > 0
        and np.allclose(np.diff(np.log(values)), np.log(hi / lo) / (values.size - 1), rtol=1e-6)
    ):
        spacing = " (log-spaced)"
    elif values.size > 2 and np.allclose(np.diff(values), (hi - lo) / (values.size - 1), rtol=1e-6):
        spacing = " (evenly spaced)"
    return f"{lo:.4g} ... {hi:.4g}{spacing}"


def _bound_masses(mass_values, max_columns: int = 8) -> list[int]:
    """Indices of grid masses nearest to the decades inside the grid (at most max_columns)."""
    import numpy as np

    m = np.asarray(mass_values, float)
    lo, hi = np.nanmin(m), np.nanmax(m)
    decades = 10.0 ** np.arange(np.ceil(np.log10(lo) - 1e-9), np.floor(np.log10(hi) + 1e-9) + 1)
    if decades.size < 2:
        decades = np.array([lo, np.sqrt(lo * hi), hi])
    if decades.size > max_columns:
        step = int(np.ceil(decades.size / max_columns))
        decades = decades[::step]
    idx = [int(np.argmin(np.abs(np.log(m) - np.log(d)))) for d in decades]
    return list(dict.fromkeys(idx))


def _bound_table(ds, out: TextIO, full: bool) -> None:
    import itertools

    import numpy as np

    bound = ds["coupling_bound"]
    if "mass" not in bound.dims:
        return
    mass = ds["mass"].values
    cols = _bound_masses(mass)
    others = [d for d in bound.dims if d != "mass"]
    islands = ds.get("n_intervals")
    if islands is not None and set(islands.dims) != set(bound.dims):
        islands = None
    described = [
        f"{key} {ds.attrs[key]}"
        for key in ("model", "coupling_convention", "coupling_name")
        if ds.attrs.get(key)
    ]
    unit = ds["mass"].attrs.get("units", "MeV")
    out.write(
        f"bound: coupling_bound [{bound.attrs.get('units', '?')}] at masses [{unit}]"
        + (f"; {'; '.join(described)}" if described else "")
        + "\n"
    )
    combos = list(itertools.product(*[range(ds.sizes[d]) for d in others])) or [()]
    limit = len(combos) if full else 12
    headers = [*others, *[_fmt(float(f"{mass[i]:.3g}")) for i in cols]]
    rows = []
    for combo in combos[:limit]:
        sel = dict(zip(others, combo, strict=True))
        values = bound.isel(sel).values
        marks = islands.isel(sel).values if islands is not None else None
        cells = [str(ds[d].values[i]) if d in ds.coords else str(i) for d, i in sel.items()]
        for i in cols:
            v = float(values[i])
            text = "none" if np.isnan(v) else f"{v:.3g}"
            if marks is not None and int(marks[i]) > 1:
                text += "*"
            cells.append(text)
        rows.append(cells)
    _table(out, ["  " + headers[0], *headers[1:]], [["  " + r[0], *r[1:]] for r in rows])
    if len(combos) > limit:
        out.write(f"  ... {len(combos) - limit} more rows (--all)\n")
    notes = ["none = nothing excluded in the computed range"]
    if islands is not None:
        notes.append("* = more than one excluded interval (islands)")
    out.write("  (" + "; ".join(notes) + ")\n")


def show_artifact(path: str | Path, out: TextIO, full: bool = False) -> None:
    """Print a one-screen summary of the NetCDF file ``path``.

    Raises
    ------
    InputError
        The file is missing, a directory, a CSV table or not readable as NetCDF.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give one artifact file (.nc)")
    if path.suffix.lower() == ".csv":
        raise InputError(
            f"{path}: a CSV table; lightmed show reads the NetCDF artifact beside it "
            f"({path.with_suffix('.nc')})"
        )
    import xarray as xr

    from .io import SCHEMAS

    try:
        ds = xr.open_dataset(path, engine="netcdf4", decode_times=False)
    except Exception as exc:  # noqa: BLE001 - any reader failure means "not an artifact"
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: not a readable NetCDF file ({reason})") from None
    with ds:
        _show(ds, path, out, full, SCHEMAS)


def _show(ds, path: Path, out: TextIO, full: bool, schemas: Mapping[str, str]) -> None:
    attrs = ds.attrs
    schema = attrs.get("lightmed_schema")
    out.write(f"{path}\n")
    if schema:
        stage = str(schema).removeprefix("lightmed.").split("/")[0]
        note = ""
        current = schemas.get(stage)
        if current is not None and current != schema:
            note = f"  (this lightmed writes {current}: the file is stale, rerun the pipeline)"
        elif current is None:
            note = "  (a stage this lightmed version does not know)"
        out.write(f"  stage   : {stage}   schema {schema}{note}\n")
    else:
        out.write("  stage   : - (no lightmed_schema attribute: not a lightmed artifact)\n")
    for key, label in (("title", "title"), ("source", "source"), ("references", "refs")):
        if key in attrs:
            out.write(f"  {label:<8}: {_clip(attrs[key], _WIDTH - 12, full)}\n")
    dims = ", ".join(f"{d}={n}" for d, n in ds.sizes.items())
    out.write(f"dimensions: {dims or '(none)'}\n")
    if ds.coords:
        out.write("coordinates:\n")
        rows = []
        for name, coord in ds.coords.items():
            rows.append(
                [
                    f"  {name}",
                    f"({', '.join(coord.dims)})",
                    f"[{coord.attrs.get('units', '?')}]",
                    _coord_summary(coord),
                ]
            )
        _table(out, ["  NAME", "DIMS", "UNITS", "VALUES"], rows)
    names = list(ds.data_vars)
    shown = names if full else names[:20]
    out.write(f"variables ({len(names)}):\n")
    rows = []
    for name in shown:
        var = ds[name]
        rows.append(
            [
                f"  {name}",
                f"({', '.join(var.dims)})",
                f"[{var.attrs.get('units', '?')}]",
                _clip(var.attrs.get("long_name", ""), 60, full),
            ]
        )
    _table(out, ["  NAME", "DIMS", "UNITS", "LONG NAME"], rows)
    if len(shown) < len(names):
        out.write(f"  ... {len(names) - len(shown)} more (--all)\n")
    extra = [k for k in attrs if k not in _STANDARD_ATTRS]
    if extra:
        out.write("attributes:\n")
        for key in extra if full else extra[:12]:
            out.write(f"  {key} = {_clip(attrs[key], _WIDTH - len(key) - 5, full)}\n")
        if not full and len(extra) > 12:
            out.write(f"  ... {len(extra) - 12} more (--all)\n")
    history = [line for line in str(attrs.get("history", "")).splitlines() if line.strip()]
    if history:
        keep = history if full else history[-6:]
        more = f"; last {len(keep)} shown, --all for every line" if len(keep) < len(history) else ""
        plural = "line" if len(history) == 1 else "lines"
        out.write(f"history ({len(history)} {plural}, oldest first{more}):\n")
        for line in keep:
            out.write(f"  {_clip(line, _WIDTH, full)}\n")
    if "coupling_bound" in ds.data_vars:
        _bound_table(ds, out, full)
