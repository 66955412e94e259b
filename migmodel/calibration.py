"""Calibration files: the values ``migmodel calibrate`` wrote, set on a scenario's data.

A calibration file holds the posterior median (``[parameters]``), may name the drivers
(``drivers = "push.csv"``) and the posterior draws (``posterior = "posterior.parquet"``).
"""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import pandas as pd

from geo.files import read_bytes
from migmodel.addressing import parameter, policy_table, set_parameter
from migmodel.inputs import ScenarioError, check_text, read_toml


def calibrated(
    raw: dict[str, Any], path: Path, draw: int = 0, keep: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Return scenario data with a calibration file's values set on top.

    The file (written by ``migmodel calibrate``) holds a ``[parameters]`` table of
    name = value (names as :func:`parameter` reads them: the posterior median), and may name a
    ``drivers`` file and a ``posterior`` file of draws (one row each, numbered from 1 in
    ``draw``, one column per parameter); ``draw`` = k ≥ 1 sets the k-th draw's values of the
    parameters in ``[parameters]`` (so a file may take a few columns of a larger posterior). A
    policy parameter of a policy the scenario does not switch on is left out, and so is
    every parameter named in ``keep`` (those the scenario's own files set).

    Raises:
        ScenarioError: the file cannot be read or names a parameter that does not exist.
    """
    data = read_toml(path)
    values = data.get("parameters")
    where = f"calibration file {path.name}"
    if not isinstance(values, dict):
        raise ScenarioError(f"{where}: needs a [parameters] table of name = value")
    if draw:  # the draw's values of the parameters this file sets
        drawn = _posterior_draw(path, data, draw)
        missing = [k for k in values if k not in drawn]
        if missing:
            raise ScenarioError(
                f"{where}: its posterior has no column {missing[0]!r}, which [parameters] sets"
            )
        values = {k: drawn[k] for k in values}
    out = copy.deepcopy({k: v for k, v in raw.items() if k not in ("calibration", "draw")})
    for name, value in values.items():
        try:
            integer = parameter(name).integer and isinstance(value, float)
            if name in keep or (name.startswith("policies.") and not _switched_on(out, name)):
                continue  # set by the scenario itself, or a policy it does not switch on
            table, _, key = name.partition(".")
            if key and table != "policies" and not isinstance(out.get(table, {}), dict):
                continue  # the scenario's own value is not a table: its check says so
            set_parameter(out, name, round(value) if integer else value)
        except ScenarioError as err:
            raise ScenarioError(f"{where}: {err}") from None
    if "drivers" in data:
        out["drivers"] = str(path.parent / check_text(f"{where}: drivers", data["drivers"]))
    return out


def _posterior_draw(path: Path, data: dict[str, Any], draw: int) -> dict[str, float]:
    """Return the values of posterior draw ``draw`` of the calibration file at ``path``."""
    where = f"calibration file {path.name}"
    if "posterior" not in data:
        raise ScenarioError(f"draw = {draw}: {where} has no posterior draws (posterior = ...)")
    name = path.parent / check_text(f"{where}: posterior", data["posterior"])
    try:
        table = pd.read_parquet(io.BytesIO(read_bytes(name, ScenarioError)))
    except (OSError, ValueError) as err:
        raise ScenarioError(f"{where}: posterior {name.name} cannot be read ({err})") from None
    if "draw" not in table.columns:
        raise ScenarioError(f"{where}: posterior {name.name} needs a 'draw' column")
    rows = table[table["draw"] == draw]
    if len(rows) != 1:
        raise ScenarioError(
            f"draw = {draw} is not in {name.name}: it has draws 1–{len(table)} (0 = the median)"
        )
    return {k: float(v) for k, v in rows.iloc[0].drop("draw").items()}


def _switched_on(raw: dict[str, Any], name: str) -> bool:
    """Return whether the scenario data switch on the policy instance ``name`` addresses."""
    try:
        return policy_table(raw, name) is not None
    except ScenarioError:  # fewer instances than the name's #K
        return False
