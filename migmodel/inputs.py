"""Checking input files: typed fields with units, ranges and help, dates, text and TOML.

Validation turns raw TOML data into plain Python values and stops at the first problem with
one :class:`ScenarioError` whose message names the key, the value and what is allowed. The
same declarations document the parameters (``migmodel validate``, the app's controls).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.files import read_text

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2200, 12, 31)
"""Dates a scenario may name, spin-up and run included (the run's calendar handles these)."""

MAX_DEPTH = 16
"""The deepest nesting of tables and lists an input file may hold."""

MAX_TOML_BYTES = 4 * 1024 * 1024
"""The largest TOML file read (4 MB; the largest scenario is about 20 kB)."""


class ScenarioError(ValueError):
    """A scenario (or a value in it) is invalid; the message is meant for the user.

    Attributes:
        problems: every problem found, one line each (the message joins them with "; ").
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]

    @classmethod
    def of(cls, problems: list[str], prefix: str = "") -> ScenarioError:
        """Return one error holding several ``problems``, each prefixed with ``prefix``."""
        lines = [f"{prefix}{p}" for p in problems]
        return cls("; ".join(lines), lines)


@dataclass(frozen=True)
class Number:
    """A number with a unit, an allowed range, a default and a one-line help text."""

    default: float
    low: float
    high: float
    unit: str
    help: str
    integer: bool = False

    def check(self, key: str, value: Any) -> float | int:
        """Return ``value`` as a number, or raise :class:`ScenarioError` naming ``key``."""
        kind = "an integer" if self.integer else "a number"
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ScenarioError(f"{key} = {_short(value)} must be {kind} ({self.describe()})")
        if not math.isfinite(value):
            raise ScenarioError(f"{key} = {value!r} must be a finite number ({self.describe()})")
        if self.integer and value != int(value):
            raise ScenarioError(f"{key} = {_short(value)} must be {kind} ({self.describe()})")
        if not self.low <= value <= self.high:
            raise ScenarioError(
                f"{key} = {_short(value)} is out of range: allowed {self.describe()}"
            )
        return int(value) if self.integer else float(value)

    def describe(self) -> str:
        """Return the allowed range with its unit, e.g. ``0 ≤ value ≤ 1 probability``."""
        low, high = range_end(self.low), range_end(self.high)
        unit = "" if self.unit in (f"{low}–{high}", f"{low}-{high}") else self.unit
        return f"{low} ≤ value ≤ {high} {unit}".rstrip()


@dataclass(frozen=True)
class Table:
    """A table whose keys come from a fixed set, each holding a :class:`Number`.

    ``defaults`` gives per-key defaults; keys missing from a file take them.
    """

    keys: tuple[str, ...]
    value: Number
    defaults: dict[str, float]
    help: str

    def check(self, key: str, value: Any) -> dict[str, float]:
        """Return the table with defaults filled in, or raise :class:`ScenarioError`."""
        if not isinstance(value, dict):
            raise ScenarioError(f"[{key}] must be a table of {', '.join(self.keys)}")
        out, problems = dict(self.defaults), []
        for k, v in value.items():
            if k not in self.keys:
                problems.append(unknown_key(f"[{key}] {k}", k, self.keys))
                continue
            try:
                out[k] = self.value.check(f"[{key}] {k}", v)
            except ScenarioError as err:
                problems.append(str(err))
        if problems:
            raise ScenarioError.of(problems)
        return out


def check_numbers(
    where: str, value: Any, declared: Mapping[str, Number], others: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Return a table of declared numbers, each checked, the ones not given at their default.

    For a table whose keys each hold a number of its own kind (a calibration file's ``[abc]``);
    a :class:`Table` holds numbers of one kind.

    Args:
        where: the table's name in messages, e.g. ``[abc]``.
        value: the table as read.
        declared: each number the table may hold.
        others: keys of other values it may hold, returned as given (where given).

    Raises:
        ScenarioError: ``value`` is not a table, holds an unknown key, or a value its number
            refuses; the message names the key and what is allowed.
    """
    keys = (*declared, *others)
    if not isinstance(value, dict):
        raise ScenarioError(f"{where} must be a table of {', '.join(keys)}")
    for key in value:
        if key not in keys:
            raise ScenarioError(unknown_key(where, key, keys))
    out = {k: n.check(f"{where} {k}", value.get(k, n.default)) for k, n in declared.items()}
    return out | {k: value[k] for k in others if k in value}


def unknown_key(where: str, key: str, allowed: tuple[str, ...] | list[str]) -> str:
    """Return the message for an unknown key, with a close match when there is one."""
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"{where}: unknown key '{key}'{hint}; allowed: {', '.join(allowed)}"


def check_date(key: str, value: Any) -> dt.date:
    """Return ``value`` as a date (TOML date or ``YYYY-MM-DD`` string) in the supported range."""
    date = None
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    elif isinstance(value, str):
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            pass
    if date is None:
        raise ScenarioError(f"{key} = {_short(value)} must be a date written YYYY-MM-DD")
    if not MIN_DATE <= date <= MAX_DATE:
        raise ScenarioError(f"{key} = {date} is out of range: allowed {MIN_DATE} to {MAX_DATE}")
    return date


def check_text(key: str, value: Any) -> str:
    """Return ``value`` if it is a string, else raise :class:`ScenarioError`."""
    if not isinstance(value, str):
        raise ScenarioError(f"{key} = {_short(value)} must be a text string")
    return value


def check_depth(where: str, value: Any, error: type[ScenarioError] = ScenarioError) -> None:
    """Raise ``error`` if tables and lists in ``value`` nest deeper than :data:`MAX_DEPTH`."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise error(f"{where}: tables and lists nest deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            stack += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            stack += [(v, depth + 1) for v in item]


def _short(value: Any) -> str:
    """Return ``repr(value)`` cut to 60 characters, for messages."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def range_end(x: float) -> str:
    """Return an end of an allowed range as short text: ``0.5``, ``36600``, ``1e+08``."""
    return f"{x:g}" if abs(x) < 1e7 else f"{x:.3g}"


def read_toml(path: Path, error: type[ScenarioError] = ScenarioError) -> dict[str, Any]:
    """Read a TOML file, or raise ``error`` naming the file and what is wrong with it.

    Only a regular file of at most :data:`MAX_TOML_BYTES` is read, and its tables and lists
    may nest at most :data:`MAX_DEPTH` deep.
    """
    text = read_text(path, error, MAX_TOML_BYTES)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise error(f"{path.name}: not valid TOML: {err}") from None
    except RecursionError:
        raise error(f"{path.name}: tables and lists nest too deeply") from None
    check_depth(path.name, data, error)
    return data
