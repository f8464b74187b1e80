"""What a generated figure shows as text (titles, labels, legends, annotations), for tests."""

from __future__ import annotations

import re
from collections.abc import Iterable

import matplotlib.text

from lightmed.models import labels


def figure_texts(fig) -> list[str]:
    """Every non-empty Text artist of ``fig`` (axes, legends, figure legends, annotations)."""
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]


def legend_texts(fig) -> list[str]:
    """Entries of the figure-level legends and of every axes legend."""
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    return [t.get_text() for leg in legends for t in leg.get_texts()]


def internal_keys_in(text: str, keys: Iterable[str]) -> list[str]:
    """Keys that appear in ``text`` as words, outside mathtext ($...$)."""
    plain = re.sub(r"\$[^$]*\$", " ", text)
    return [
        k for k in keys if re.search(rf"(?<![A-Za-z0-9_]){re.escape(k)}(?![A-Za-z0-9_])", plain)
    ]


def assert_no_internal_keys(fig, extra: Iterable[str] = ()) -> None:
    """No registry key (``nubar``, ``c21_t1s``, ``dt_2sm``, ``resnova3`` ...) in any text."""
    keys = labels.internal_keys(extra)
    bad = {t: found for t in figure_texts(fig) if (found := internal_keys_in(t, keys))}
    assert not bad, f"internal keys in figure text: {bad}"


def legend_groups(fig) -> dict[str, list[tuple[str, object]]]:
    """{bold group title: [(entry text, handle)]} of the figure legend."""
    leg = fig.legends[0]
    groups: dict[str, list] = {}
    current = None
    for text, handle in zip(leg.get_texts(), leg.legend_handles, strict=True):
        if text.get_fontweight() == "bold":
            current = groups.setdefault(text.get_text(), [])
        elif current is not None:
            current.append((text.get_text(), handle))
    return groups


def dashes(line) -> tuple:
    """The dash pattern of a line as drawn, (offset, on-off lengths or None); get_linestyle
    says '--' for every dashed pattern."""
    offset, pattern = line._unscaled_dash_pattern
    return (offset, tuple(pattern) if pattern is not None else None)
