"""Scenario files: finding one by name or path, reading it, and following its ``extends``.

What comes out is plain data, as TOML holds it, with every ``extends`` merged in and every file
a scenario names (``network``, ``drivers``, ``calibration``) made absolute from the folder of the
file that names it, and the parameters set by the files that extend the one naming the
``calibration`` (the calibration leaves those: a file's own values win over a calibration it
inherits). :func:`migmodel.scenario.load_scenario` validates it into a Scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from geo.files import check_path
from migmodel.addressing import policy_list
from migmodel.inputs import ScenarioError, check_text, read_toml

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "experiments" / "scenarios"
"""The default folder of named scenarios: ``load_scenario("baseline")`` reads
``baseline.toml`` there. Every function that looks names up takes another folder as an
argument (``scenarios``)."""

MAX_EXTENDS = 32
"""The longest ``extends`` chain a scenario may have."""

_PATH_KEYS = ("network", "drivers", "calibration")
"""Keys naming files; relative paths are taken from the folder of the file that names them."""

_NOT_PARAMETERS = ("name", "description", "extends", "start", "draw", "policies", *_PATH_KEYS)


def builtin_scenarios(scenarios: Path = SCENARIO_DIR) -> list[str]:
    """Return the names of the scenarios in ``scenarios`` (by default the built-in ones)."""
    return sorted(p.stem for p in scenarios.glob("*.toml"))


def read_scenario(
    name_or_path: str | Path, scenarios: Path = SCENARIO_DIR
) -> tuple[Path, dict[str, Any], tuple[str, ...]]:
    """Return a scenario file's path, its data (``extends`` resolved, not yet validated) and own.

    ``own`` names (as :meth:`~migmodel.scenario.Scenario.set` does) the parameters set by
    the files below the one that names the chain's ``calibration``: ``baseline`` names one,
    so a file that extends it and sets ``[enforcement] mexico_south`` keeps its value.

    Args:
        name_or_path: a name in ``scenarios`` or the path of a TOML file.
        scenarios: the folder where names (here and in every ``extends``) are looked up.

    Raises:
        ScenarioError: a file is missing or unreadable, or the ``extends`` chain is broken.
    """
    path = resolve(name_or_path, scenarios=scenarios)
    return path, *_read_with_extends(path, seen=(), scenarios=scenarios)


def file_path(key: str, value: Any, source: Path | None) -> Path | None:
    """Return a file named in a scenario, relative to the scenario file's folder."""
    if value is None:
        return None
    path = check_path(check_text(key, value), ScenarioError)
    if source is not None and not path.is_absolute():
        path = (source.parent / path).resolve()
    return path


def resolve(
    name_or_path: str | Path, folder: Path | None = None, scenarios: Path = SCENARIO_DIR
) -> Path:
    """Return the scenario file a name (in ``scenarios``) or path (from ``folder``) means."""
    text = str(name_or_path)
    check_path(text, ScenarioError)
    builtin = scenarios / f"{text}.toml"
    if not text.endswith(".toml") and "/" not in text and builtin.is_file():
        path = builtin
    elif text.endswith(".toml") or "/" in text or (folder is None and Path(text).exists()):
        path = Path(text).expanduser()
        if folder is not None and not path.is_absolute():
            path = folder / path
    else:
        names = ", ".join(builtin_scenarios(scenarios))
        raise ScenarioError(f"no built-in scenario '{text}'; built-in: {names}")
    if not path.is_file():
        raise ScenarioError(f"{path}: no such scenario file")
    return path.resolve()


def _read_with_extends(
    path: Path, seen: tuple[Path, ...], scenarios: Path = SCENARIO_DIR
) -> tuple[dict[str, Any], tuple[str, ...]]:
    if path in seen:
        raise ScenarioError(f"{path.name}: extends itself in a loop")
    if len(seen) >= MAX_EXTENDS:
        raise ScenarioError(f"{path.name}: extends chain longer than {MAX_EXTENDS} files")
    raw = read_toml(path)
    for key in _PATH_KEYS:  # relative to this file, wherever the file extending it is
        if isinstance(raw.get(key), str) and raw[key]:
            raw[key] = str(file_path(key, raw[key], path))
    parent = raw.pop("extends", None)
    own = () if "calibration" in raw else parameter_names(raw)
    if parent is None:
        return raw, own
    if not isinstance(parent, str):
        raise ScenarioError(
            f"{path.name}: extends = {parent!r:.40} must be a scenario name or path"
        )
    try:
        base, below = _read_with_extends(
            resolve(parent, path.parent, scenarios), (*seen, path), scenarios
        )
    except ScenarioError as err:
        if len(seen) > 3:  # a long chain: one file's name, not the whole chain's
            raise
        raise ScenarioError(f"{path.name}: extends = {parent!r:.60}: {err}") from None
    return _merge(base, raw), (own if "calibration" in raw else (*below, *own))


def parameter_names(raw: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the parameters a file sets, by name: ``days``, ``enforcement.mexico_south``."""
    return tuple(
        name
        for key, value in raw.items()
        if key not in _NOT_PARAMETERS
        for name in ([f"{key}.{k}" for k in value] if isinstance(value, dict) else [key])
    )


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge ``over`` onto ``base``: tables merge key by key, policies are appended."""
    out = dict(base)
    for key, value in over.items():
        if key == "policies":
            out[key] = [*policy_list(base.get(key, [])), *policy_list(value)]
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = {**base[key], **value}
        else:
            out[key] = value
    if "name" not in over:  # a child file is named after itself, not its parent
        out.pop("name", None)
    return out
