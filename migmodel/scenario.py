"""Scenarios: what to simulate, as validated data loaded from TOML files.

A scenario file sets the calendar (``start``, ``days``), the scale (``people_per_agent``), the
model's behavioural parameters and the active policies. Every parameter is declared once in
:data:`PARAMETERS` with its unit, range, default and help; the defaults are the model's
documented defaults (``docs/ODD.md`` gives the source of each). A file may start from another
with ``extends = "baseline"`` and override only some keys. ``drivers`` names a CSV of monthly
push by nationality (:mod:`migmodel.drivers`); ``calibration`` names a file written by
``migmodel calibrate`` whose values are set on top of the file's own.

Example::

    extends = "baseline"
    name = "more_enforcement"
    [enforcement]
    mexico_south = 0.15
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo import AUTHORITIES
from migmodel.drivers import load_drivers
from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES
from migmodel.schema import (
    Number,
    ScenarioError,
    Table,
    check_date,
    check_text,
    read_toml,
    unknown_key,
)

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "experiments" / "scenarios"
"""Folder of the built-in scenarios; ``load_scenario("baseline")`` reads ``baseline.toml``."""

ENFORCED = tuple(a for a in AUTHORITIES if a != "none")


def _per_pattern(values: dict[str, float], number: Number, help: str) -> Table:
    return Table(FLOW_PATTERNS, number, values, help)


PARAMETERS: dict[str, Number | Table] = {
    "days": Number(365, 1, 36_600, "days", "length of the run", integer=True),
    "spinup_days": Number(
        180,
        0,
        3650,
        "days",
        "days simulated before start, not recorded, so the routes are full on day one",
        integer=True,
    ),
    "people_per_agent": Number(
        200,
        1,
        100_000,
        "people",
        "how many people one agent stands for (1 = full scale)",
        integer=True,
    ),
    "departures": Table(
        NATIONALITIES,
        Number(0, 0, 1e8, "people/year", "would-be irregular migrants leaving per year"),
        # Tuned so that baseline FY US encounters by pattern sit near FY2022 (CBP_NW_GDI).
        {
            "GTM": 319_000,
            "HND": 283_000,
            "SLV": 127_000,
            "COL": 166_000,
            "ECU": 37_000,
            "PER": 67_000,
            "OTH": 272_000,
            "VEN": 301_000,
            "CUB": 382_000,
            "HTI": 87_000,
            "NIC": 239_000,
            "MEX": 771_000,
        },
        "people leaving per year by nationality, before losses on the way",
    ),
    "push": Table(
        NATIONALITIES,
        Number(1, 0, 100, "× baseline", "push index: multiplies departures"),
        dict.fromkeys(NATIONALITIES, 1.0),
        "push index by nationality (economy, violence, crisis); 1 = baseline",
    ),
    "party_size": _per_pattern(
        {"northern_triangle": 1.6, "transcontinental": 1.3, "crisis_states": 1.5, "mexican": 1.1},
        Number(1, 1, 10, "people", "mean people travelling together"),
        "mean party size by flow pattern",
    ),
    "budget_usd": _per_pattern(
        {
            "northern_triangle": 7_500,
            "transcontinental": 8_000,
            "crisis_states": 5_000,
            "mexican": 4_000,
        },
        Number(0, 0, 100_000, "USD/person", "median money for the journey"),
        "median journey budget per person by flow pattern (log-normal, sigma 0.5)",
    ),
    "route_choice": Table(
        ("days_weight", "cost_weight", "risk_weight", "enforcement_weight", "sensitivity"),
        Number(0, 0, 1e6, "", "route-choice weight"),
        {
            "days_weight": 1.0,
            "cost_weight": 1.0,
            "risk_weight": 5_000.0,
            "enforcement_weight": 30.0,
            "sensitivity": 0.5,
        },
        "generalised cost = days_weight·days + cost_weight·USD/1000 + risk_weight·hazard + "
        "enforcement_weight·P(apprehension); choice ∝ exp(-sensitivity·cost)",
    ),
    "enforcement": Table(
        ENFORCED,
        Number(0, 0, 1, "probability", "apprehension chance per traversal of an edge"),
        {
            "darien": 0.0,
            "central_america": 0.005,
            "guatemala": 0.01,
            "mexico_south": 0.04,
            "mexico_interior": 0.02,
            "mexico_rail": 0.025,
            "us_border": 0.67,
        },
        "baseline chance that crossing an edge under this authority ends in apprehension "
        "(us_border: that an evader's crossing ends in a US encounter: FY2019, single adults "
        "apprehended 302k against 151k known got-aways)",
    ),
    "transit_reattempt_share": _per_pattern(
        {"northern_triangle": 0.4, "transcontinental": 0.2, "crisis_states": 0.3, "mexican": 0.0},
        Number(0, 0, 1, "probability", "tries again after deportation from transit"),
        "share of people deported home from transit who set out again",
    ),
    "removal_share": _per_pattern(
        {
            "northern_triangle": 0.55,
            "transcontinental": 0.15,
            "crisis_states": 0.1,
            "mexican": 0.85,
        },
        Number(0, 0, 1, "probability", "share of US encounters removed or expelled"),
        "share of US encounters removed/expelled (the rest are released to pursue a claim)",
    ),
    "border_reattempt_share": _per_pattern(
        {"northern_triangle": 0.3, "transcontinental": 0.1, "crisis_states": 0.1, "mexican": 0.45},
        Number(0, 0, 1, "probability", "tries again after removal"),
        "share of people removed at the US border who try again",
    ),
    "reattempt_delay_days": _per_pattern(
        {"northern_triangle": 60, "transcontinental": 90, "crisis_states": 90, "mexican": 10},
        Number(0, 0, 3650, "days", "days before a removed person tries again", integer=True),
        "days between a removal or deportation home and setting out again",
    ),
    "asylum_seeker_share": Table(
        NATIONALITIES,
        Number(0, 0, 1, "share", "share of a nationality's migrants who seek asylum"),
        # Family units' share of FY2019 Border Patrol apprehensions by citizenship (CBP, FY2019
        # Southwest Border Migration; OHSS): GTM 70%, HND 74%, SLV 63%, MEX 3.6%, others ~48%.
        # Crisis-state nationals, whom few countries took back, presented to seek asylum
        # (expulsion rates under 1% in 2021–22): 0.9 is a judgement.
        {
            "GTM": 0.70,
            "HND": 0.74,
            "SLV": 0.63,
            "COL": 0.48,
            "ECU": 0.48,
            "PER": 0.48,
            "OTH": 0.48,
            "VEN": 0.9,
            "CUB": 0.9,
            "HTI": 0.9,
            "NIC": 0.9,
            "MEX": 0.04,
        },
        "share of each nationality's migrants who are asylum seekers (surrender at the US "
        "border, pay no smuggler to cross); the rest are evaders",
    ),
    "expel_to_mexico_share": _per_pattern(
        {"northern_triangle": 0.0, "transcontinental": 0.0, "crisis_states": 0.0, "mexican": 1.0},
        Number(0, 0, 1, "share", "share of removed people sent to the Mexican side"),
        "share of people removed at the US border who are put on the Mexican side of the border "
        "rather than flown to their country (Mexicans always are; Title 42 and the January 2023 "
        "measures raise it for others)",
    ),
    "mexico_deportation_share": _per_pattern(
        # 2022: returns / presentations = 62% for GTM/HND/SLV, 6.6% for everyone else
        # (mexico_expulsions.csv, mexico_inm_presentations.csv; MX_UPM_EXP_GDI, MX_UPM_GDI).
        {"northern_triangle": 0.62, "transcontinental": 0.07, "crisis_states": 0.07, "mexican": 0},
        Number(0, 0, 1, "share", "share of apprehensions in Mexico ending in deportation"),
        "share of people apprehended in Mexico who are deported or returned to their country",
    ),
    "mexico_relocation_share": _per_pattern(
        {"northern_triangle": 0.1, "transcontinental": 0.2, "crisis_states": 0.2, "mexican": 0},
        Number(0, 0, 1, "share", "share of apprehensions in Mexico ending in relocation south"),
        "share of people apprehended in Mexico who are taken back to southern Mexico "
        "(judgement: INM busing and flights to Tapachula, 2021–2023); the rest are released "
        "with a document",
    ),
    "beliefs": Table(
        ("memory_days", "lag_days", "prior_people", "noise_sd"),
        Number(0, 0, 1e7, "", "how beliefs learn"),
        {"memory_days": 30, "lag_days": 21, "prior_people": 2000, "noise_sd": 0.05},
        "beliefs about the chance of staying in the US: memory of outcomes at the border "
        "(days), news lag from the border to home (days), the weight of an announced rule "
        "(people), weekly noise on home beliefs (log-normal sd)",
    ),
    "departure_choice": Table(
        ("elasticity", "cost_weight", "max_factor"),
        Number(0, 0, 100, "", "how departures respond to expectations"),
        {"elasticity": 1.0, "cost_weight": 0.02, "max_factor": 3.0},
        "share of the pool setting out = (believed chance / at start)^elasticity · "
        "exp(-cost_weight · rise in expected journey cost), at most max_factor",
    ),
    "border_choice": Table(
        (
            "sensitivity",
            "wait_cost",
            "settle_value",
            "home_value",
            "horizon_days",
            "decide_days",
        ),
        Number(0, -10, 1e4, "", "the decision at the border"),
        {
            "sensitivity": 10.0,
            "wait_cost": 0.1,
            "settle_value": 0.0,
            "home_value": -0.1,
            "horizon_days": 60,
            "decide_days": 14,
        },
        "at the border: P(cross, wait, settle, go home) ∝ exp(sensitivity · value); crossing "
        "is worth the believed chance of staying, waiting the chance of an appointment within "
        "horizon_days less wait_cost; those waiting decide again every decide_days",
    ),
    "seasonal": Number(
        1,
        0,
        1,
        "0/1",
        "departures follow the pre-2020 monthly profile (1) or not (0)",
        integer=True,
    ),
    "border_retry_days": Number(
        3,
        0,
        365,
        "days",
        "days before someone put back on the Mexican side of the border decides again "
        "(judgement: smugglers took expelled migrants back across, often the same day; "
        "Reuters, 12 November 2020)",
        integer=True,
    ),
    "work": Table(
        ("days", "income_usd"),
        Number(0, 0, 1e5, "", "working on the way"),
        {"days": 30, "income_usd": 600},
        "a migrant who cannot pay the next leg works this many days and earns this much",
    ),
}
"""Every behavioural parameter with unit, range, default and help (the model's defaults)."""

TOP_KEYS = (
    "name",
    "description",
    "extends",
    "start",
    "network",
    "drivers",
    "calibration",
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
        be given too.
        """
        raw = self.to_dict()
        raw.update(changes)
        return scenario_from_dict(raw, source=self.source)

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


def load_scenario(name_or_path: str | Path, calibration: bool = True) -> Scenario:
    """Load and validate a scenario.

    Args:
        name_or_path: a built-in name (``"baseline"`` reads
            ``experiments/scenarios/baseline.toml``) or the path of a TOML file.
        calibration: set the values of the file's ``calibration`` (if it names one); False
            gives the scenario as written, before calibration.

    Returns:
        The validated :class:`Scenario`.

    Raises:
        ScenarioError: the file is missing, is not valid TOML, or holds an invalid value;
            the message names the file, the key, the value and what is allowed.
    """
    path = _resolve(name_or_path)
    raw = _read_with_extends(path, seen=())
    if not calibration:
        raw.pop("calibration", None)
    try:
        return scenario_from_dict(raw, source=path)
    except ScenarioError as err:
        raise ScenarioError(f"{path.name}: {err}") from None


def builtin_scenarios() -> list[str]:
    """Return the names of the built-in scenarios."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def scenario_from_dict(raw: dict[str, Any], source: Path | None = None) -> Scenario:
    """Validate plain data (as read from TOML, ``extends`` already resolved) into a Scenario.

    Raises:
        ScenarioError: naming the key, the value and what is allowed.
    """
    for key in raw:
        if key not in TOP_KEYS:
            raise ScenarioError(unknown_key("scenario", key, TOP_KEYS))
    calibration = _path("calibration", raw.get("calibration"), source)
    if calibration is not None:
        raw = calibrated(raw, calibration)
    values = {}
    for key, spec in PARAMETERS.items():
        if key in raw:
            values[key] = spec.check(key, raw[key])
        else:
            values[key] = spec.default if isinstance(spec, Number) else dict(spec.defaults)
    if "start" not in raw:
        raise ScenarioError("start is missing: give the first simulated day as YYYY-MM-DD")
    network, drivers = (_path(key, raw.get(key), source) for key in ("network", "drivers"))
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
    )
    from policies import validate_specs  # late import: policies depend on the engine

    validate_specs(scenario.policies)
    return scenario


def parameter(name: str) -> Number:
    """Return the declared parameter that ``name`` addresses.

    Names: ``days`` (a number), ``push.HND`` (a table's key), ``policies.parole.apply_share``
    (a policy's parameter) or ``policies.asylum_rule#2.removal_share`` (the second time the
    scenario switches that policy on). Sweeps and calibrations name what they vary this way.

    Raises:
        ScenarioError: the name addresses nothing; the message says what is allowed.
    """
    parts = name.split(".")
    if parts[0] == "policies":
        from policies import available  # late import: policies depend on the engine

        known = available()
        if len(parts) != 3:
            raise ScenarioError(
                f"{name}: name a policy parameter as policies.<policy>.<parameter>, e.g. "
                "policies.mexico_southern_border.intensity"
            )
        policy, _ = policy_instance(parts[1])
        if policy not in known:
            message = unknown_key(name, policy, sorted(known))
            raise ScenarioError(message.replace("unknown key", "unknown policy"))
        declared = known[policy].parameters
        if parts[2] not in declared:
            raise ScenarioError(unknown_key(name, parts[2], list(declared)))
        return declared[parts[2]]
    if parts[0] not in PARAMETERS:
        allowed = [*PARAMETERS, "policies.<policy>.<parameter>"]
        raise ScenarioError(unknown_key(name, parts[0], allowed).replace("key", "parameter", 1))
    spec = PARAMETERS[parts[0]]
    if isinstance(spec, Table):
        if len(parts) == 1:
            raise ScenarioError(
                f"{name} is a table: name one of its keys, {name}.KEY with KEY one of "
                f"{', '.join(spec.keys)}"
            )
        if len(parts) != 2 or parts[1] not in spec.keys:
            raise ScenarioError(unknown_key(name, ".".join(parts[1:]), spec.keys))
        return spec.value
    if len(parts) != 1:
        raise ScenarioError(f"{name}: {parts[0]} is a single number; name it as {parts[0]}")
    return spec


def policy_instance(text: str) -> tuple[str, int | None]:
    """Split ``parole#2`` into the policy's name and which of its instances (from 1)."""
    name, sep, k = text.partition("#")
    if not sep:
        return name, None
    if not k.isdigit() or int(k) < 1:
        raise ScenarioError(f"policies.{text}: write the instance as {name}#K, K = 1, 2, ...")
    return name, int(k)


def set_parameter(raw: dict[str, Any], name: str, value: float) -> None:
    """Set the parameter ``name`` (see :func:`parameter`) in a scenario's plain data.

    A policy the data do not switch on is added, in force for the whole run.
    """
    parts = name.split(".")
    if parts[0] == "policies":
        table = _policy_table(raw, name)
        if table is None:
            table = {"name": policy_instance(parts[1])[0]}
            raw.setdefault("policies", []).append(table)
        table[parts[2]] = value
    elif len(parts) == 2:
        raw[parts[0]] = {**raw.get(parts[0], {}), parts[1]: value}
    else:
        raw[name] = value


def get_parameter(raw: dict[str, Any], name: str) -> float:
    """Return the value of parameter ``name`` (see :func:`parameter`) in a scenario's data.

    A policy parameter the data do not set takes the policy's default.
    """
    spec = parameter(name)
    parts = name.split(".")
    if parts[0] == "policies":
        table = _policy_table(raw, name)
        return float(spec.default if table is None else table.get(parts[2], spec.default))
    if len(parts) == 2:
        return float(raw[parts[0]][parts[1]])
    return float(raw[name])


def _policy_table(raw: dict[str, Any], name: str) -> dict[str, Any] | None:
    """Return the ``[[policies]]`` table a policy parameter's name addresses, if any."""
    policy, k = policy_instance(name.split(".")[1])
    matching = [p for p in raw.get("policies", []) if p["name"] == policy]
    if k is not None and k > len(matching):
        raise ScenarioError(
            f"{name}: the scenario switches {policy} on {len(matching)} time(s), not {k}"
        )
    return matching[(k or 1) - 1] if matching else None


def calibrated(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    """Return scenario data with a calibration file's values set on top.

    The file (written by ``migmodel calibrate``) holds a ``[parameters]`` table of
    name = value (names as :func:`parameter` reads them) and may name a ``drivers`` file.

    Raises:
        ScenarioError: the file cannot be read or names a parameter that does not exist.
    """
    data = read_toml(path)
    values = data.get("parameters")
    where = f"calibration file {path.name}"
    if not isinstance(values, dict):
        raise ScenarioError(f"{where}: needs a [parameters] table of name = value")
    out = copy.deepcopy({k: v for k, v in raw.items() if k != "calibration"})
    for name, value in values.items():
        try:
            parameter(name)
            set_parameter(out, name, value)
        except ScenarioError as err:
            raise ScenarioError(f"{where}: {err}") from None
    if "drivers" in data:
        out["drivers"] = str(path.parent / check_text(f"{where}: drivers", data["drivers"]))
    return out


def _path(key: str, value: Any, source: Path | None) -> Path | None:
    """Return a file named in a scenario, relative to the scenario file's folder."""
    if value is None:
        return None
    path = Path(check_text(key, value))
    if source is not None and not path.is_absolute():
        path = (source.parent / path).resolve()
    return path


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


def _resolve(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if text.endswith(".toml") or "/" in text or Path(text).exists():
        path = Path(text).expanduser()
    else:
        path = SCENARIO_DIR / f"{text}.toml"
        if not path.exists():
            names = ", ".join(builtin_scenarios())
            raise ScenarioError(f"no built-in scenario '{text}'; built-in: {names}")
    if not path.is_file():
        raise ScenarioError(f"{path}: no such scenario file")
    return path.resolve()


def _read_with_extends(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    if path in seen:
        raise ScenarioError(f"{path.name}: extends itself in a loop")
    raw = read_toml(path)
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    if not isinstance(parent, str):
        raise ScenarioError(f"{path.name}: extends = {parent!r} must be a scenario name or path")
    parent_path = parent if not parent.endswith(".toml") else str(path.parent / parent)
    try:
        base = _read_with_extends(_resolve(parent_path), (*seen, path))
    except ScenarioError as err:
        raise ScenarioError(f"{path.name}: extends = {parent!r}: {err}") from None
    return _merge(base, raw)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge ``over`` onto ``base``: tables merge key by key, policies are appended."""
    out = dict(base)
    for key, value in over.items():
        if key == "policies":
            out[key] = [*base.get(key, []), *value]
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = {**base[key], **value}
        else:
            out[key] = value
    if "name" not in over:  # a child file is named after itself, not its parent
        out.pop("name", None)
    return out
