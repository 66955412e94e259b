"""Calibration files: what a fit may use, what it varies and how (format in ``README.md``).

A prior names a scenario parameter (as sweep files do: ``enforcement.mexico_south``,
``policies.asylum_rule#2.reattempt_multiplier``) or ``drivers.<pattern>``: a multiplier of
the push of every nationality of that flow pattern, the drivers' uncertainty.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.observed import SERIES
from migmodel.addressing import get_parameter, parameter, set_parameter
from migmodel.drivers import DriversModel, Shift
from migmodel.inputs import (
    Number,
    ScenarioError,
    Table,
    check_date,
    check_numbers,
    check_text,
    read_toml,
    unknown_key,
)
from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES, NATIONALITY_PATTERN
from migmodel.scenario import Scenario, load_scenario, scenario_from_dict

KEYS = (
    "name",
    "description",
    "scenario",
    "fit_until",
    "run_until",
    "people_per_agent",
    "seeds",
    "out",
    "drivers",
    "abc",
    "priors",
    "weights",
)
ORIGIN = dt.date(2022, 3, 1)
"""The month the drivers' levels refer to: FY2022's middle less a month (the baseline's
departures stand for FY2022, so push 1 is FY2022's level)."""

SCALE = Number(200, 1, 100_000, "people", "people per agent of the fit's runs", integer=True)
"""``people_per_agent``: the scale of the drivers fit's runs."""
DRIVERS = {
    "rounds": Number(4, 0, 100_000, "", "rounds of the drivers fit", integer=True),
    "damping": Number(0.9, 0, 1, "per month", "trend damping"),
    "error_sd": Number(0.25, 0.01, 10, "log", "standard deviation of a figure's log error"),
    "trend_sd": Number(0.5, 0.01, 10, "log a year", "prior standard deviation of each trend"),
    "shift_sd": Number(1.0, 0.01, 10, "log", "prior standard deviation of each shift"),
}
"""The ``[drivers]`` numbers: the fit's rounds, its trends' damping, its Gaussian priors."""
ABC = {
    "population": Number(100, 0, 100_000, "", "particles per generation", integer=True),
    "generations": Number(8, 0, 100_000, "", "the most generations", integer=True),
    "evaluations": Number(2000, 0, 100_000, "", "the most model evaluations", integer=True),
    "quantile": Number(0.5, 0.01, 1, "", "tolerance: quantile of the last distances"),
    "people_per_agent": Number(
        2000, 1, 100_000, "people", "people per agent of the inference's runs", integer=True
    ),
    "draws": Number(100, 0, 100_000, "", "posterior draws kept", integer=True),
    "seed": Number(1, 0, 100_000, "", "the sampler's seed", integer=True),
}
"""The ``[abc]`` settings (:class:`Inference`), each with its default."""


class CalibrationError(ScenarioError):
    """A calibration file is invalid; the message names the key and what is allowed."""


@dataclass(frozen=True)
class Inference:
    """ABC-SMC settings: particles per generation, limits, the runs' scale, draws kept.

    Declared, with their defaults, in :data:`ABC`.
    """

    population: int
    generations: int
    evaluations: int
    quantile: float
    people_per_agent: int
    draws: int
    seed: int


@dataclass(frozen=True)
class Calibration:
    """A validated calibration file."""

    name: str
    description: str
    base: Scenario
    fit_until: str
    run_until: dt.date
    people_per_agent: int
    seeds: tuple[int, ...]
    out: Path
    driver_rounds: int
    damping: float
    drivers_prior: dict[str, float]
    shifts: tuple[Shift, ...]
    abc: Inference
    priors: dict[str, tuple[float, float]]
    weights: dict[str, float]
    source: Path

    def drivers_model(self) -> DriversModel:
        """Return the drivers model: levels, trends and this file's shifts."""
        return DriversModel(ORIGIN, self.fit_until, self.shifts, self.damping)

    def write_drivers(self, coefficients: dict[str, float], path: Path) -> Path:
        """Write the monthly drivers of ``coefficients`` over the whole run to ``path``."""
        first = self.base.start - dt.timedelta(days=self.base["spinup_days"])
        last = self.base.start + dt.timedelta(days=self.base.days - 1)
        drivers = self.drivers_model().drivers(
            coefficients, first.strftime("%Y-%m"), last.strftime("%Y-%m")
        )
        return drivers.write(path)

    def concrete(self, values: dict[str, float]) -> dict[str, float]:
        """Return ``values`` with each ``drivers.<pattern>`` multiplier as ``push.<n>`` values."""
        raw = self.base.to_dict()
        out = {}
        for name, value in values.items():
            pattern = name.removeprefix("drivers.")
            if pattern == name:
                out[name] = int(value) if parameter(name).integer else float(value)
                continue
            for nat in NATIONALITIES:
                if NATIONALITY_PATTERN[nat] == pattern:
                    out[f"push.{nat}"] = float(value) * get_parameter(raw, f"push.{nat}")
        return out

    def scenario(
        self,
        values: dict[str, float],
        drivers: Path,
        people_per_agent: int | None = None,
    ) -> Scenario:
        """Return the base scenario with ``values`` set, the drivers and the run's scale."""
        raw = self.base.to_dict()
        for name, value in self.concrete(values).items():
            set_parameter(raw, name, value)
        raw["people_per_agent"] = people_per_agent or self.people_per_agent
        raw["days"] = (self.run_until - self.base.start).days + 1
        raw["drivers"] = str(drivers)
        return scenario_from_dict(raw, source=self.base.source)

    def start_values(self) -> dict[str, float]:
        """Return each prior's starting point: the scenario's own value, or 1 for drivers."""
        raw = self.base.to_dict()
        out = {}
        for name, (low, high) in self.priors.items():
            own = 1.0 if name.startswith("drivers.") else get_parameter(raw, name)
            out[name] = min(max(own, low), high)
        return out

    def fingerprint(self) -> str:
        """Return a hash of the calibration file's text."""
        return hashlib.sha256(self.source.read_bytes()).hexdigest()[:12]


def load_calibration(path: str | Path) -> Calibration:
    """Read and validate a calibration file.

    Raises:
        CalibrationError: naming the file, the key, the value and what is allowed.
    """
    path = Path(path)
    raw = read_toml(path, CalibrationError)
    try:
        _known("calibration", raw, KEYS)
        drivers = check_numbers("[drivers]", raw.get("drivers", {}), DRIVERS, ("shifts",))
        abc = check_numbers("[abc]", raw.get("abc", {}), ABC)
        return Calibration(
            name=check_text("name", raw.get("name", path.stem)),
            description=check_text("description", raw.get("description", "")),
            base=load_scenario(
                _relative(path, check_text("scenario", raw.get("scenario", ""))),
                calibration=False,
            ),
            fit_until=_month("fit_until", raw.get("fit_until")),
            run_until=check_date("run_until", raw.get("run_until", "2023-09-30")),
            people_per_agent=SCALE.check(
                "people_per_agent", raw.get("people_per_agent", SCALE.default)
            ),
            seeds=_seeds(raw.get("seeds", [1, 2])),
            out=_out(path, raw.get("out", path.stem)),
            driver_rounds=drivers["rounds"],
            damping=drivers["damping"],
            drivers_prior={k: drivers[f"{k}_sd"] for k in ("error", "trend", "shift")},
            shifts=tuple(_shift(i, s) for i, s in enumerate(_list(drivers, "shifts"))),
            abc=Inference(**abc),
            priors=_priors(raw.get("priors", {})),
            weights=_weights(raw.get("weights", {})),
            source=path.resolve(),
        )
    except ScenarioError as err:
        raise CalibrationError(f"{path.name}: {err}") from None


def _known(where: str, raw: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in raw:
        if key not in keys:
            raise CalibrationError(unknown_key(where, key, keys))


def _list(table: dict[str, Any], key: str) -> list[Any]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise CalibrationError(f"{key} = {value!r:.40} must be a list of [[drivers.{key}]] tables")
    return value


def _shift(i: int, raw: Any) -> Shift:
    where = f"[[drivers.shifts]] #{i + 1}"
    if not isinstance(raw, dict):
        raise CalibrationError(f"{where} must be a table of name, nationalities, month, source")
    _known(where, raw, ("name", "nationalities", "month", "source"))
    nats = raw.get("nationalities")
    if not isinstance(nats, list) or not nats or any(n not in NATIONALITIES for n in nats):
        raise CalibrationError(
            f"{where} nationalities = {nats!r}: a list of {', '.join(NATIONALITIES)}"
        )
    return Shift(
        name=check_text(f"{where} name", raw.get("name", "")),
        nationalities=tuple(nats),
        month=_month(f"{where} month", raw.get("month")),
        source=check_text(f"{where} source", raw.get("source", "")),
    )


def _priors(raw: Any) -> dict[str, tuple[float, float]]:
    if not isinstance(raw, dict):
        raise CalibrationError("[priors] must be a table of name = [low, high]")
    out = {}
    for name, bounds in raw.items():
        pattern = name.removeprefix("drivers.")
        if pattern != name:
            if pattern not in FLOW_PATTERNS:
                raise CalibrationError(unknown_key("[priors] drivers", pattern, FLOW_PATTERNS))
            number = Number(1, 0.01, 100, "× drivers", "drivers multiplier")
        else:
            number = parameter(name)
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise CalibrationError(f"[priors] {name} = {bounds!r} must be [low, high]")
        low, high = (number.check(f"[priors] {name}", b) for b in bounds)
        if not low < high:
            raise CalibrationError(f"[priors] {name} = {bounds!r}: low must be below high")
        out[name] = (float(low), float(high))
    return out


WEIGHTS = Table(
    tuple(s for s in SERIES if s != "encounters_fy_nationality"),
    Number(1, 0, 100, "", "weight of the series' distance"),
    {},
    "the weight of each series in the distance the fit minimises",
)
"""``[weights]``: series = weight; a series not given is not fitted."""


def _weights(raw: Any) -> dict[str, float]:
    out = WEIGHTS.check("weights", raw)
    if not out:
        raise CalibrationError("[weights] must give at least one series a weight")
    return out


def _seeds(seeds: Any) -> tuple[int, ...]:
    if (
        not isinstance(seeds, list)
        or not seeds
        or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in seeds)
    ):
        raise CalibrationError(f"seeds = {seeds!r} must be a list of whole numbers ≥ 0")
    return tuple(seeds)


def _out(path: Path, value: Any) -> Path:
    """Return the output folder a calibration file names: inside the file's own folder."""
    folder = path.parent.resolve()
    out = (folder / check_text("out", value)).resolve()
    if out == folder or folder not in out.parents:
        raise CalibrationError(
            f"out = {value!r}: must name a folder inside {folder} (the calibration file's "
            'folder), e.g. out = "historical"'
        )
    return out


def _relative(path: Path, name: str) -> str:
    if name.endswith(".toml") or "/" in name:
        return str((path.parent / name).resolve())
    return name


def _month(key: str, value: Any) -> str:
    text = check_text(key, value if value is not None else "")
    try:
        dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise CalibrationError(f"{key} = {value!r} must be a month written YYYY-MM") from None
    return text
