"""Rule helpers for ``snakemake --report``: which outputs enter the report, with which caption.

Only raster/vector images a browser shows (png, svg) and the key tables are flagged; the pdf
of every figure stays a plain output. Captions live in ``workflow/report/*.rst`` (paths are
relative to the rule file that calls these helpers, ``workflow/rules/``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from snakemake.io import report

#: Report categories, in the order a reader meets them.
CATEGORIES = {
    "inputs": "1. Inputs: neutrino fluxes",
    "sn_core": "2. SN core [C21]",
    "rates": "3. CEvNS rates",
    "sensitivity": "4. Detector sensitivities [ST21]",
    "constraints": "5. Limits from real data",
    "summary": "6. All bounds",
    "tables": "7. Key bound tables",
}
SHOWN = (".png", ".svg")


def figures(
    paths: Iterable[str],
    caption: str,
    category: str,
    subcategory: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> list:
    """``paths`` with the png/svg ones flagged for the report (caption = workflow/report/NAME;
    label ``figure`` = the file name without extension unless ``labels`` are given)."""
    return [
        report(
            p,
            caption=f"../report/{caption}",
            category=CATEGORIES[category],
            subcategory=subcategory,
            labels=dict(labels)
            if labels
            else {"figure": str(p).rsplit("/", 1)[-1].rsplit(".", 1)[0]},
        )
        if str(p).endswith(SHOWN)
        else p
        for p in paths
    ]


def table(path: str, caption: str, name: str):
    """A CSV table for the report's tables category."""
    return report(
        path,
        caption=f"../report/{caption}",
        category=CATEGORIES["tables"],
        labels={"table": name},
    )
