"""Scenarios: what to simulate, as validated data loaded from TOML files.

A scenario file sets the calendar (``start``, ``days``), the scale (``people_per_agent``), the
model's behavioural parameters and the active policies. Every parameter is declared once in
:data:`PARAMETERS` with its unit, range, default and help; the defaults are the model's
documented defaults (``docs/ODD.md`` gives the source of each). A file may start from another
with ``extends = "baseline"`` and override only some keys. ``drivers`` names a CSV of monthly
push by nationality (:mod:`migmodel.drivers`); ``calibration`` names a file written by
``migmodel calibrate`` whose values are set on top of the file's own.

This module validates a scenario and holds it. Each other job has its own module:

* :mod:`migmodel.parameters`: the parameter catalogue, :data:`PARAMETERS`;
* :mod:`migmodel.scenario_files`: finding a file by name or path and following ``extends``;
* :mod:`migmodel.addressing`: parameters by dotted name (``route_choice.sensitivity``);
* :mod:`migmodel.calibration`: a calibration file's values set on a scenario's data.

Example::

    extends = "baseline"
    name = "more_enforcement"
    [enforcement]
    mexico_south = 0.15
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migmodel.addressing import DRAW, parameter, plain_number, policy_list, set_parameter
from migmodel.calibration import calibrated
from migmodel.drivers import load_drivers
from migmodel.inputs import (
    Number,
    ScenarioError,
    check_date,
    check_text,
    unknown_key,
)
from migmodel.parameters import PARAMETERS
from migmodel.registry import validate_specs
from migmodel.scenario_files import (
    SCENARIO_DIR,
    builtin_scenarios,
    file_path,
    parameter_names,
    read_scenario,
)

__all__ = [
    "PARAMETERS",
    "SCENARIO_DIR",
    "TOP_KEYS",
    "PolicySpec",
    "Scenario",
    "ScenarioError",
    "builtin_scenarios",
    "load_scenario",
    "policy_list",
    "scenario_from_dict",
]

TOP_KEYS = (
    "name",
    "description",
    "extends",
    "start",
    "network",
    "drivers",
    "calibration",
    "draw",
    "policies",
    *PARAMETERS,
)


@dataclass(frozen=True)
class PolicySpec:
    """One active policy as written in a scenario's ``[[policies]]`` table."""

    name: str
    start: dt.date | None = None
    end: dt.date | None = None
    ramp_days: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    announced: dt.date | None = None


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: calendar, scale, behavioural parameters and policies.

    Build one with :func:`load_scenario` (from a file or a built-in name) or
    :func:`scenario_from_dict`. ``values`` holds every parameter of :data:`PARAMETERS`.
    """

    name: str
    description: str
    start: dt.date
    values: dict[str, Any]
    policies: tuple[PolicySpec, ...] = ()
    network: Path | None = None
    drivers: Path | None = None
    calibration: Path | None = None
    source: Path | None = None
    draw: int = 0
    own: tuple[str, ...] = ()
    """Parameters set on this scenario itself (by its files below the one naming
    ``calibration``, or by :meth:`replace` and :meth:`set`), which the calibration and its
    draws leave as they are."""

    @property
    def days(self) -> int:
        """Length of the run in days."""
        return self.values["days"]

    @property
    def people_per_agent(self) -> float:
        """How many people one agent stands for."""
        return self.values["people_per_agent"]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def replace(self, **changes: Any) -> Scenario:
        """Return a copy with some parameters changed and validated, e.g. ``days=30``.

        ``start``, ``name``, ``description`` and ``policies`` (a list of dicts as in TOML) may
        be given too, and ``draw`` (see :meth:`with_draw`). A whole table replaces the
        scenario's (``route_choice={...}``); :meth:`set` changes single values by name.
        """
        if "draw" in changes:
            others = {k: v for k, v in changes.items() if k != "draw"}
            return self.with_draw(changes["draw"]).replace(**others)
        raw = self.to_dict()
        raw.update(changes)
        changed = scenario_from_dict(raw, source=self.source)
        own = (*self.own, *parameter_names(changes))
        return dataclasses.replace(changed, calibration=self.calibration, draw=self.draw, own=own)

    def set(self, values: Mapping[str, Any]) -> Scenario:
        """Return a copy with parameters set by name, as sweep files name them.

        Example::

            scenario.set({
                "route_choice.sensitivity": 1.5,             # a key of a table
                "push.HND": 2.0,
                "days": 365,                                 # a single number
                "policies.mexico_southern_border.intensity": 0.8,  # a policy's parameter
                "policies.asylum_rule#2.removal_share": 0.5,       # its 2nd [[policies]] table
            })

        A policy the scenario does not switch on is added, in force for the whole run;
        ``draw`` takes the calibration's posterior draw (:meth:`with_draw`) first. Every value
        is checked against its declared range; :func:`~migmodel.addressing.parameter` gives a
        name's unit, range and default. This is what lets another tool (the EMA Workbench,
        SALib, optuna) drive the model by parameter names alone (``experiments/ema_example.py``).

        Raises:
            ScenarioError: a name addresses nothing or a value is out of range; the message
                names what is allowed.
        """
        base = self.with_draw(int(values["draw"])) if "draw" in values else self
        raw = base.to_dict()
        for name, value in values.items():
            if name != "draw":
                set_parameter(raw, name, plain_number(parameter(name), value))
        changed = scenario_from_dict(raw, source=base.source)
        own = (*base.own, *(name for name in values if name != "draw"))
        return dataclasses.replace(changed, calibration=base.calibration, draw=base.draw, own=own)

    def with_draw(self, draw: int) -> Scenario:
        """Return the scenario with its calibration's posterior draw ``draw`` (0: the median).

        The calibration's values are set again, except over the scenario's own (:attr:`own`:
        set by its files, :meth:`replace` or :meth:`set`).

        Raises:
            ScenarioError: the scenario has no calibration, or no such draw.
        """
        if self.calibration is None:
            raise ScenarioError(
                f"draw = {draw!r}: scenario {self.name!r} has no calibration, so no posterior "
                "draws (only calibrated scenarios, such as historical, have them)"
            )
        raw = {**self.to_dict(), "calibration": str(self.calibration), "draw": draw}
        return scenario_from_dict(raw, source=self.source, own=self.own)

    def to_dict(self) -> dict[str, Any]:
        """Return the scenario as plain data (as TOML would hold it), ``extends`` resolved."""
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "start": self.start,
            **{k: (dict(v) if isinstance(v, dict) else v) for k, v in self.values.items()},
            "policies": [
                {
                    "name": p.name,
                    **({"announced": p.announced} if p.announced else {}),
                    **({"start": p.start} if p.start else {}),
                    **({"end": p.end} if p.end else {}),
                    "ramp_days": p.ramp_days,
                    **p.params,
                }
                for p in self.policies
            ],
        }
        for key in ("network", "drivers"):
            if getattr(self, key) is not None:
                out[key] = str(getattr(self, key))
        return out

    def to_json(self) -> str:
        """Return the scenario as JSON text (dates as ISO strings), for provenance records."""
        return json.dumps(self.to_dict(), default=str, sort_keys=True)


def load_scenario(
    name_or_path: str | Path,
    calibration: bool = True,
    draw: int = 0,
    scenarios: Path = SCENARIO_DIR,
) -> Scenario:
    """Load and validate a scenario.

    Args:
        name_or_path: a built-in name (``"baseline"`` reads
            ``experiments/scenarios/baseline.toml``) or the path of a TOML file.
        calibration: set the values of the file's ``calibration`` (if it names one); False
            gives the scenario as written, before calibration.
        draw: 0 sets the calibration's posterior median; k ≥ 1 its k-th posterior draw
            (the same draw and seed give the same run in any process).
        scenarios: the folder where names (``name_or_path`` and every ``extends`` in the
            chain) are looked up; by default the built-in scenarios' :data:`SCENARIO_DIR`.

    Returns:
        The validated :class:`Scenario`.

    Raises:
        ScenarioError: the file is missing, is not valid TOML, or holds an invalid value;
            the message names the file, the key, the value and what is allowed.
    """
    path, raw, own = read_scenario(name_or_path, scenarios)
    if not calibration:
        raw.pop("calibration", None)
    if draw:
        raw["draw"] = draw
    try:
        return scenario_from_dict(raw, source=path, own=own)
    except ScenarioError as err:
        raise ScenarioError.of(err.problems, f"{path.name}: ") from None


def scenario_from_dict(
    raw: dict[str, Any], source: Path | None = None, own: tuple[str, ...] = ()
) -> Scenario:
    """Validate plain data (as read from TOML, ``extends`` already resolved) into a Scenario.

    ``own`` names the parameters the calibration must leave (:attr:`Scenario.own`).

    Raises:
        ScenarioError: naming the key, the value and what is allowed.
    """
    problems = [unknown_key("scenario", key, TOP_KEYS) for key in raw if key not in TOP_KEYS]
    policy_list(raw.get("policies", []))
    draw = DRAW.check("draw", raw.get("draw", 0))
    calibration = file_path("calibration", raw.get("calibration"), source)
    if calibration is not None:
        raw = calibrated(raw, calibration, draw, keep=own)
    elif draw:
        raise ScenarioError(
            f"draw = {draw}: this scenario names no calibration, so it has no posterior draws"
        )
    values = {}
    for key, spec in PARAMETERS.items():  # every problem found, not only the first
        try:
            if key in raw:
                values[key] = spec.check(key, raw[key])
            else:
                values[key] = spec.default if isinstance(spec, Number) else dict(spec.defaults)
        except ScenarioError as err:
            problems += err.problems
    if "start" not in raw:
        problems.append("start is missing: give the first simulated day as YYYY-MM-DD")
    if problems:
        raise ScenarioError.of(problems)
    network, drivers = (file_path(key, raw.get(key), source) for key in ("network", "drivers"))
    if drivers is not None:
        load_drivers(drivers)  # a bad file is reported now, not when a run starts
    scenario = Scenario(
        name=check_text("name", raw.get("name", source.stem if source else "scenario")),
        description=check_text("description", raw.get("description", "")),
        start=check_date("start", raw["start"]),
        values=values,
        policies=tuple(_policy_spec(i, p) for i, p in enumerate(raw.get("policies", []))),
        network=network,
        drivers=drivers,
        calibration=calibration,
        source=source,
        draw=draw,
        own=own if calibration is not None else (),
    )
    validate_specs(scenario.policies)
    return scenario


def _policy_spec(i: int, raw: Any) -> PolicySpec:
    where = f"[[policies]] #{i + 1}"
    if not isinstance(raw, dict) or "name" not in raw:
        raise ScenarioError(f'{where} needs a name = "..." (see `migmodel policies`)')
    schedule = ("name", "announced", "start", "end", "ramp_days")
    params = {k: v for k, v in raw.items() if k not in schedule}
    start = check_date(f"{where} start", raw["start"]) if "start" in raw else None
    announced = check_date(f"{where} announced", raw["announced"]) if "announced" in raw else None
    if announced and not start:
        raise ScenarioError(f"{where} announced = {announced} needs a start date to announce")
    if announced and start and announced > start:
        raise ScenarioError(f"{where} announced = {announced} is after start = {start}")
    end = check_date(f"{where} end", raw["end"]) if "end" in raw else None
    if start and end and end < start:
        raise ScenarioError(f"{where} end = {end} is before start = {start}")
    ramp = Number(0, 0, 3650, "days", "ramp", integer=True).check(
        f"{where} ramp_days", raw.get("ramp_days", 0)
    )
    name = check_text(f"{where} name", raw["name"])
    return PolicySpec(name, start, end, ramp, params, announced)
