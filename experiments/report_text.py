"""How reports write numbers, names and tables: shared by the sweep report and sweep files.

Nothing here computes a result: each helper turns one value (or one table of text cells) into
the words a report prints, so every report writes the same number the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Return a Markdown table: the first column left-aligned, the others right-aligned.

    Args:
        columns: the header cells.
        rows: the body's cells, already written as text, one sequence per row.
    """
    lines = [_row(columns), "|---|" + "---:|" * (len(columns) - 1)]
    lines += [_row(cells) for cells in rows]
    return "\n".join(lines)


def text_table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Return a Markdown table of text: every column left-aligned."""
    lines = [_row(columns), "|" + "---|" * len(columns)]
    lines += [_row(cells) for cells in rows]
    return "\n".join(lines)


def label(name: str) -> str:
    """Return an outcome's name as words: ``us_encounters.mexican`` → ``us encounters: mexican``."""
    return name.replace("_", " ").replace(".", ": ")


def short(name: str) -> str:
    """Return a factor's name without the ``policies.`` prefix, for axes and column heads."""
    return name.removeprefix("policies.")


def number(value: Any) -> str:
    """Return a factor's value: thousands separated from 10,000 up, else as short as it goes."""
    value = float(value)
    return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:g}"


def people(value: float) -> str:
    """Return a count of people for an axis: ``1.5M``, ``12k`` or ``950``."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:.3g}M"
    if size >= 1e3:
        return f"{value / 1e3:.3g}k"
    return f"{value:.3g}"


def mean_and_half(mean: float, half: float) -> str:
    """Return a mean ± the half-width of its interval, in whole people (``–`` if missing)."""
    if not np.isfinite(mean):
        return "–"
    return f"{mean:,.0f}" + (f" ± {half:,.0f}" if np.isfinite(half) else "")


def change(mean: float, low: float, high: float) -> str:
    """Return a signed change with its interval: ``-1,200 (-2,000 to -400)``."""
    if not np.isfinite(mean):
        return "–"
    if not np.isfinite(low) or low == high:
        return f"{mean:+,.0f}"
    return f"{mean:+,.0f} ({low:+,.0f} to {high:+,.0f})"


def index(value: float, error: float | None, whole: bool) -> str:
    """Return a sensitivity index ± its confidence half-width (whole people, or 2 decimals)."""
    fmt = "{:,.0f}" if whole else "{:.2f}"
    text = fmt.format(value)
    if error is not None and np.isfinite(error):
        text += f" ± {fmt.format(error)}"
    return text


def seeds(values: tuple[int, ...]) -> str:
    """Return a list of seeds in words: ``seeds 0–4``, ``seed 7`` or ``seeds 3, 9``."""
    if values == tuple(range(values[0], values[0] + len(values))) and len(values) > 2:
        return f"seeds {values[0]}–{values[-1]}"
    return "seed" + ("s " if len(values) > 1 else " ") + ", ".join(map(str, values))


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"
