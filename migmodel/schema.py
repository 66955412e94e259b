"""A small declarative schema for scenario files: typed fields with units, ranges and help.

Validation turns raw TOML data into plain Python values and stops at the first problem with
one :class:`ScenarioError` whose message names the key, the value and what is allowed. The
same declarations document the parameters (``migmodel validate``, the app's controls).
"""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ScenarioError(ValueError):
    """A scenario (or a value in it) is invalid; the message is meant for the user."""


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
            raise ScenarioError(f"{key} = {value!r} must be {kind} ({self.describe()})")
        if self.integer and value != int(value):
            raise ScenarioError(f"{key} = {value!r} must be {kind} ({self.describe()})")
        if not self.low <= value <= self.high:
            raise ScenarioError(f"{key} = {value!r} is out of range: allowed {self.describe()}")
        return int(value) if self.integer else float(value)

    def describe(self) -> str:
        """Return the allowed range with its unit, e.g. ``0 ≤ value ≤ 1 probability``."""
        return f"{_fmt(self.low)} ≤ value ≤ {_fmt(self.high)} {self.unit}".rstrip()


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
        out = dict(self.defaults)
        for k, v in value.items():
            if k not in self.keys:
                raise ScenarioError(unknown_key(f"[{key}] {k}", k, self.keys))
            out[k] = self.value.check(f"[{key}] {k}", v)
        return out


def unknown_key(where: str, key: str, allowed: tuple[str, ...] | list[str]) -> str:
    """Return the message for an unknown key, with a close match when there is one."""
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"{where}: unknown key '{key}'{hint}; allowed: {', '.join(allowed)}"


def check_date(key: str, value: Any) -> dt.date:
    """Return ``value`` as a date (TOML date or ``YYYY-MM-DD`` string)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ScenarioError(f"{key} = {value!r} must be a date written YYYY-MM-DD")


def check_text(key: str, value: Any) -> str:
    """Return ``value`` if it is a string, else raise :class:`ScenarioError`."""
    if not isinstance(value, str):
        raise ScenarioError(f"{key} = {value!r} must be a text string")
    return value


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e7 else f"{x:.3g}"


def read_toml(path: Path, error: type[ScenarioError] = ScenarioError) -> dict[str, Any]:
    """Read a TOML file, or raise ``error`` naming the file and what is wrong with it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise error(f"{path.name}: not valid TOML: {err}") from None
    except UnicodeDecodeError:
        raise error(f"{path.name}: not a text file (UTF-8 TOML expected)") from None
    except OSError as err:
        raise error(f"{path}: cannot be read ({err.strerror})") from None
