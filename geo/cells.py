"""Read a network CSV file as text cells, and check one cell at a time.

Shared by :mod:`geo.loader` (``nodes.csv``, ``edges.csv``) and :mod:`geo.access`
(``access.csv``, ``origins.csv``). Every check names the file, the spreadsheet row (the header
is row 1, so the first data row is row 2), the column, the offending value and what is
allowed, in one line.
"""

from __future__ import annotations

import difflib
import io
import math
import re
import warnings
from pathlib import Path
from typing import NoReturn

import pandas as pd

from geo.errors import NetworkError
from geo.files import read_text
from geo.schema import NODES_FILE

SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
"""A place id: lowercase letters, digits and _, starting with a letter."""

ISO3 = re.compile(r"^[A-Z]{3}$")
"""A country or nationality: an upper-case ISO3 code."""


def fail(path: Path, row: int | None, message: str) -> NoReturn:
    """Raise a :class:`NetworkError` naming ``path`` and, if given, the spreadsheet ``row``."""
    where = f"{path} row {row}" if row is not None else str(path)
    raise NetworkError(f"{where}: {message}")


def read_table(
    path: Path, columns: tuple[str, ...], *, may_be_empty: bool = False
) -> tuple[list[dict[str, str]], list[int]]:
    """Read a CSV as text cells; return its records and their spreadsheet row numbers.

    ``may_be_empty`` accepts a header without data rows (the optional files).
    """
    if not path.is_file():
        fail(path, None, "file not found (a network folder needs nodes.csv and edges.csv)")
    text = read_text(path, NetworkError)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(
                io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                index_col=False,
            )
    except pd.errors.EmptyDataError:
        fail(path, None, f"file is empty (expected a header row: {','.join(columns)})")
    except pd.errors.ParserWarning:
        fail(path, None, "a row has more fields than the header (check for stray commas)")
    except (pd.errors.ParserError, ValueError) as exc:
        detail = " ".join(str(exc).split())[:200]
        fail(path, None, f"cannot be read as a CSV file ({detail})")
    table.columns = [str(c).strip() for c in table.columns]
    present = set(table.columns)
    for column in columns:
        if column not in present:
            extra = [c for c in table.columns if c not in columns]
            close = difflib.get_close_matches(column, extra, n=1)
            hint = f"; found {close[0]!r} instead" if close else ""
            fail(
                path,
                None,
                f"missing column {column!r} (expected columns: {', '.join(columns)}){hint}",
            )
    rows = (table.index.to_numpy() + 2).tolist()
    records = [
        {c: str(v).strip() for c, v in zip(columns, values, strict=True)}
        for values in table[list(columns)].itertuples(index=False, name=None)
    ]
    kept = [(rec, row) for rec, row in zip(records, rows, strict=True) if any(rec.values())]
    if not kept and not may_be_empty:
        fail(path, None, "has a header but no data rows")
    return [rec for rec, _ in kept], [row for _, row in kept]


def read_number(path: Path, row: int, column: str, text: str) -> float:
    """Return a cell as a finite number."""
    if text == "":
        fail(path, row, f"{column} is empty (a number is needed)")
    try:
        value = float(text)
    except ValueError:
        fail(path, row, f"{column} must be a number, got {text!r}")
    if not math.isfinite(value):
        fail(path, row, f"{column} must be a finite number, got {text!r}")
    return value


MAX_WHOLE = 10**12
"""The largest whole number a network file may hold (populations, days)."""


def read_whole(path: Path, row: int, column: str, text: str, minimum: int, allowed: str) -> int:
    """Return a cell as a whole number from ``minimum`` to :data:`MAX_WHOLE`."""
    value = read_number(path, row, column, text)
    if not value.is_integer() or not minimum <= value <= MAX_WHOLE:
        fail(path, row, f"{column} must be {allowed} and at most 10^12, got {text}")
    return int(value)


def read_choice(path: Path, row: int, column: str, text: str, allowed: tuple[str, ...]) -> str:
    """Return a cell that must be one of ``allowed``."""
    if text not in allowed:
        fail(path, row, f"{column} {text!r} is not one of {', '.join(allowed)}")
    return text


def read_node(path: Path, row: int, column: str, text: str, node_index: dict[str, int]) -> int:
    """Return the index of the node a cell names, suggesting a close id if it names none."""
    if text == "":
        fail(path, row, f"{column} is empty (a node id from {NODES_FILE} is needed)")
    if text not in node_index:
        close = difflib.get_close_matches(text, list(node_index), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        fail(path, row, f"{column} {text!r} is not a node id in {NODES_FILE}{hint}")
    return node_index[text]
