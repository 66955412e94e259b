"""Fuzzing: hostile variants of the project's input files, and a check of what comes out.

Every input file (scenario, sweep, lesson, calibration TOML; drivers and network CSV) is
mutated from a real one: a value replaced by a hostile one (NaN, ±inf, 2^63, a huge string, a
NUL byte, dates out of range, a list where a number belongs ...), a key dropped or added, a
line cut or repeated, bytes flipped, deep nesting. :func:`outcome` loads a variant and sorts
the result into ``"ok"``, ``"error"`` (one of the project's own errors, one line) or
``"traceback"`` (anything else: a bug). The suite runs a few thousand seeded variants
(``tests/test_fuzz.py``); ``make fuzz`` runs many more (``scripts/fuzz.py``).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import traceback
from collections.abc import Callable
from typing import Any

from geo import NetworkError
from migmodel.inputs import ScenarioError

PROJECT_ERRORS: tuple[type[Exception], ...] = (ScenarioError, NetworkError)
"""The errors meant for the user; every other exception from a loader is a bug."""

HOSTILE: tuple[Any, ...] = (
    math.nan,
    math.inf,
    -math.inf,
    2**63,
    -(2**63) - 1,
    10**30,
    1e308,
    -1,
    0,
    0.5,
    True,
    "",
    "x" * 300,
    "a\x00b",
    "../../../../etc/passwd",
    "/dev/zero",
    "0000-01",
    "9999-12-31",
    [],
    [1, [2, [3]]],
    {},
    {"name": 1},
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.date(2300, 1, 1),
)
"""Values that have broken, or could break, a loader."""

CELLS = (
    "nan",
    "inf",
    "-inf",
    "9223372036854775808",
    "-1",
    "0",
    "1e400",
    "",
    "x" * 300,
    "0000-01",
    "2019-13",
    "1.5",
    '"a,b"',
    "GTM",
    "ZZZ",
    "\x00",
    "é",
)
"""Hostile CSV cells."""


def toml_value(value: Any) -> str:
    """Return ``value`` written as TOML (NaN and inf included; no None)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return '"' + "".join(_escape(c) for c in value) + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} as TOML")


def dumps(data: dict[str, Any]) -> str:
    """Return ``data`` as a TOML document (tables inline, ``policies``-like lists as [[...]])."""
    lines, tables = [], []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                tables.append(f"[[{_key(key)}]]")
                tables += [f"{_key(k)} = {toml_value(v)}" for k, v in item.items()]
        else:
            lines.append(f"{_key(key)} = {toml_value(value)}")
    return "\n".join([*lines, *tables]) + "\n"


def mutate_data(data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Return a copy of TOML data with one structural change at a random place."""
    out = _copy(data)
    holder, key = _pick(out, rng)
    action = rng.randrange(5)
    if action == 0 or holder is None:
        holder = holder if holder is not None else out
        holder[key if key is not None else "name"] = rng.choice(HOSTILE)
    elif action == 1:
        del holder[key]
    elif action == 2 and isinstance(holder, list):
        holder.append(rng.choice(HOSTILE))
    elif action == 2:
        holder[rng.choice(("nmae", "extra", f"{key}_x"))] = 1
    elif action == 3:
        holder[key] = [holder[key]] if rng.random() < 0.5 else {"value": holder[key]}
    else:
        holder[key] = _nested(rng.choice((10, 20, 300)))
    return out


def mutate_text(text: str, rng: random.Random) -> str:
    """Return ``text`` with one textual change: a cut, a repeated or dropped line, bytes."""
    lines = text.splitlines()
    action = rng.randrange(6)
    if action == 0:
        return text[: rng.randrange(len(text) + 1)]
    if action == 1 and lines:
        k = rng.randrange(len(lines))
        return "\n".join([*lines[: k + 1], lines[k], *lines[k + 1 :]])
    if action == 2 and lines:
        k = rng.randrange(len(lines))
        return "\n".join(lines[:k] + lines[k + 1 :])
    if action == 3 and text:
        k = rng.randrange(len(text))
        return text[:k] + chr(rng.choice((0, 0x22, 0x5B, 0x3D, 0x2C, 0xFFFD, 0x7F))) + text[k + 1 :]
    if action == 4:
        return "x = " + "[" * rng.choice((100, 1000, 5000)) + "\n" + text
    return text + "\n" + rng.choice(("[[policies]]", "extends = 1", "[a.b.c]\nx=1", "days = nan"))


def mutate_csv(text: str, rng: random.Random) -> str:
    """Return CSV ``text`` with one cell replaced by a hostile one, or a row changed."""
    rows = [row.split(",") for row in text.splitlines()]
    if rng.random() < 0.2:
        return mutate_text(text, rng)
    k = rng.randrange(len(rows))
    row = rows[k]
    action = rng.randrange(3)
    if action == 0:
        row[rng.randrange(len(row))] = rng.choice(CELLS)
    elif action == 1:
        row.append(rng.choice(CELLS))
    else:
        del row[rng.randrange(len(row))]
    return "\n".join(",".join(r) for r in rows) + "\n"


def outcome(load: Callable[[], object]) -> tuple[str, str]:
    """Call ``load``; return ``("ok", "")``, ``("error", message)`` or ``("traceback", text)``.

    A project error whose message spans several lines counts as a traceback too.
    """
    try:
        load()
    except PROJECT_ERRORS as err:
        message = str(err)
        if "\n" in message.strip() or not message.strip():
            return "traceback", f"multi-line or empty message: {message!r}"
        return "error", message
    except (Exception, RecursionError):
        return "traceback", traceback.format_exc(limit=-3)
    return "ok", ""


def _escape(c: str) -> str:
    if c in '"\\':
        return "\\" + c
    if ord(c) < 0x20 or ord(c) == 0x7F:
        return f"\\u{ord(c):04x}"
    return c


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else toml_value(str(key))


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _pick(data: dict[str, Any], rng: random.Random) -> tuple[Any, Any]:
    """Return a random (container, key) inside ``data``, descending into tables and lists."""
    holder: Any = data
    while True:
        keys = list(holder) if isinstance(holder, dict) else list(range(len(holder)))
        if not keys:
            return (holder if isinstance(holder, dict) else None), None
        key = rng.choice(keys)
        child = holder[key]
        if isinstance(child, dict | list) and child and rng.random() < 0.7:
            holder = child
            continue
        return holder, key


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value
