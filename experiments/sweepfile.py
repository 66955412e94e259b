"""Sweep files: which runs a sweep makes, read from TOML and validated.

A sweep file names a base scenario, the *levers* (policy choices) and *uncertainties* (model
parameters nobody knows exactly) it varies, the design that picks their values, the seeds
each point runs, and the outcomes to record::

    description = "Mexico's southern-border enforcement against extra temporary-worker visas"
    scenario = "baseline"              # a built-in name or a path (relative to this file)
    seeds = 5                          # seeds 0..4 at every point, or a list: [11, 12, 13]
    draws = 10                         # optional: posterior draws 1..10 on every seed
    design = "grid"                    # grid | latin | sobol | morris, or a [design] table

    [base]                             # changes to the base scenario for every run
    people_per_agent = 500

    [levers]
    "policies.mexico_southern_border.intensity" = [0, 0.25, 0.5, 0.75, 1]
    "policies.temporary_worker_visas.extra_visas_per_year" = [0, 100_000, 200_000, 400_000]

    [uncertainties]
    "route_choice.sensitivity" = { range = [0.25, 1.0], steps = 3 }

    [outcomes]
    summaries = ["us_encounters.northern_triangle", "mexico_apprehensions", "deaths"]
    series = ["us_encounters"]         # optional: daily measures by flow pattern ...
    frequency = "month"                # ... summed by month or fiscal_year

A factor's name is where it lives in a scenario: ``days``, ``push.HND``,
``route_choice.sensitivity``, ``enforcement.us_border``, or
``policies.<policy>.<parameter>`` for a policy's declared parameter. A policy the base
scenario does not switch on is added, in force for the whole run. Values and ranges are checked
against the parameters' declared ranges (:data:`migmodel.scenario.PARAMETERS`, each policy's
``parameters``) with the same messages as scenario files.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from experiments.designs import METHODS, SAMPLED, Design
from experiments.sweep_plan import KINDS, Factor, Sweep, SweepError, check_size
from migmodel.addressing import parameter, policy_instance
from migmodel.inputs import Number, ScenarioError, read_toml, unknown_key
from migmodel.measures import MEASURES, OUTCOMES
from migmodel.scenario import Scenario, load_scenario, scenario_from_dict

__all__ = ["Factor", "Sweep", "SweepError", "load_sweep", "sweep_from_dict", "sweep_from_spec"]

TOP_KEYS = (
    "name",
    "description",
    "scenario",
    "base",
    "levers",
    "uncertainties",
    "design",
    "seeds",
    "draws",
    "outcomes",
)
FREQUENCIES = ("month", "fiscal_year")
MAX_SEEDS = 100_000


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep file.

    Raises:
        SweepError: the file is missing or invalid; the message names the file, the key, the
            value and what is allowed.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise SweepError(f"{path}: no such sweep file")
    raw = read_toml(path, SweepError)
    try:
        return sweep_from_dict(raw, source=path.resolve())
    except ScenarioError as err:
        raise SweepError(f"{path.name}: {err}") from None


def sweep_from_spec(name: str, description: str, spec: Mapping[str, Any]) -> Sweep:
    """Rebuild a sweep from the :meth:`Sweep.spec` a results folder keeps."""
    base = scenario_from_dict(dict(spec["base"]))
    if "calibration" in spec:  # the posterior draws of a draw factor
        base = dataclasses.replace(base, calibration=Path(spec["calibration"]))
    keys = ("levers", "uncertainties", "design", "seeds", "draws", "outcomes")
    raw = {k: spec[k] for k in keys if k in spec}
    return sweep_from_dict({"name": name, "description": description, **raw}, base=base)


def sweep_from_dict(
    raw: Mapping[str, Any], source: Path | None = None, base: Scenario | None = None
) -> Sweep:
    """Validate plain data (as read from a sweep file) into a :class:`Sweep`.

    Args:
        raw: the sweep file's tables and keys.
        source: the file, to resolve a base scenario's relative path.
        base: use this base scenario rather than ``raw``'s ``scenario`` and ``base``.

    Raises:
        ScenarioError: naming the key, the value and what is allowed.
    """
    for key in raw:
        if key not in TOP_KEYS:
            raise SweepError(unknown_key("sweep file", key, TOP_KEYS))
    design = _design(raw.get("design", "grid"))
    if base is None:
        base = _base(raw.get("scenario", "baseline"), raw.get("base", {}), source)
    factors: list[Factor] = []
    for kind in KINDS:
        table = raw.get(kind, {})
        if not isinstance(table, dict):
            raise SweepError(f"{kind} must be a table, e.g. [{kind}]")
        for name, spec in _leaves(table):
            if any(f.name == name for f in factors):
                raise SweepError(f"{name} is given twice (a factor is a lever or an uncertainty)")
            factors.append(_factor(kind, name, spec, design.method, base))
    if not factors:
        raise SweepError(
            "nothing to vary: give at least one factor in [levers] or [uncertainties], e.g. "
            '"policies.mexico_southern_border.intensity" = [0, 0.5, 1]'
        )
    summaries, series, frequency = _outcomes(raw.get("outcomes", list(OUTCOMES)))
    name = raw.get("name", source.stem if source else "sweep")
    description = raw.get("description", "")
    for key, value in (("name", name), ("description", description)):
        if not isinstance(value, str):
            raise SweepError(f"{key} = {value!r} must be a text string")
    sweep = Sweep(
        name=name,
        description=description,
        base=base,
        factors=tuple(factors),
        design=design,
        seeds=_seeds(raw.get("seeds", 1)),
        draws=_draws(raw.get("draws", 0), base),
        summaries=summaries,
        series=series,
        frequency=frequency,
        source=source,
    )
    check_size(sweep)
    return sweep


def _base(name: Any, changes: Any, source: Path | None) -> Scenario:
    if not isinstance(name, str):
        raise SweepError(f"scenario = {name!r} must be a built-in scenario name or a path")
    target: str | Path = name
    if (name.endswith(".toml") or "/" in name) and source is not None:
        path = Path(name).expanduser()
        target = path if path.is_absolute() else source.parent / path
    try:
        base = load_scenario(target)
    except ScenarioError as err:
        raise SweepError(f"scenario = {name!r}: {err}") from None
    if not isinstance(changes, dict):
        raise SweepError("base must be a table of scenario parameters, e.g. [base] days = 365")
    if "policies" in changes:
        raise SweepError(
            "[base] cannot change policies: switch them on in a scenario file and name it in "
            "scenario = ..., or make their parameters levers"
        )
    try:
        return base.replace(**changes) if changes else base
    except ScenarioError as err:
        raise SweepError(f"[base] {err}") from None


def _leaves(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Flatten nested tables: ``[levers.policies.darien] intensity = [...]`` is one factor."""
    out = []
    for key, value in table.items():
        name = f"{prefix}{key}"
        spec = isinstance(value, dict) and bool({"values", "range", "steps"} & set(value))
        if isinstance(value, dict) and not spec and not _addresses(name):
            out.extend(_leaves(value, f"{name}."))
        else:
            out.append((name, value))
    return out


def _addresses(name: str) -> bool:
    """Return whether ``name`` is a whole factor name (not the start of one)."""
    try:
        _parameter(name)
    except SweepError:
        return False
    return True


def _parameter(name: str) -> Number:
    try:
        return parameter(name)
    except ScenarioError as err:
        raise SweepError(str(err)) from None


def _instance(text: str) -> tuple[str, int | None]:
    try:
        return policy_instance(text)
    except ScenarioError as err:
        raise SweepError(str(err)) from None


def _factor(kind: str, name: str, spec: Any, method: str, base: Scenario) -> Factor:
    where = f"{kind} {name}"
    try:
        number = _parameter(name)
    except SweepError as err:
        raise SweepError(f"{kind} {err}") from None
    if name == "draw" and base.calibration is None:
        raise SweepError(
            f"{where}: the base scenario {base.name!r} has no calibration, so no posterior "
            "draws to sample (calibrated scenarios such as historical have them)"
        )
    if name.startswith("policies."):
        _check_instance(where, name, base)
    values, low, high, steps = _factor_values(where, spec, number)
    if method == "grid" and values is None and steps is None:
        raise SweepError(
            f"{where}: a grid needs values = [...], or steps = N to spread N values over the range"
        )
    if method in SAMPLED and values is not None:
        raise SweepError(
            f"{where}: design {method} samples every factor from a range; give "
            "range = [low, high] (or use design grid for listed values)"
        )
    if method in SAMPLED and steps is not None:
        raise SweepError(f"{where}: steps applies to grid designs only, not {method}")
    return Factor(name, KINDS[kind], number, values, low, high, steps)


def _check_instance(where: str, name: str, base: Scenario) -> None:
    """A policy the base switches on several times is named ``policies.NAME#K.PARAMETER``."""
    parts = name.split(".")
    policy, k = _instance(parts[1])
    times = sum(p.name == policy for p in base.policies)
    if k is None and times > 1:
        raise SweepError(
            f"{where}: the base scenario switches {policy} on {times} times; say which "
            f"one with policies.{policy}#K.{parts[2]}, K from 1 to {times} in file order"
        )
    if k is not None and not 1 <= k <= times:
        raise SweepError(
            f"{where}: the base scenario switches {policy} on {times} time"
            f"{'s' if times != 1 else ''}: K must be from 1 to {times}"
        )


def _factor_values(
    where: str, spec: Any, number: Number
) -> tuple[tuple[float, ...] | None, float, float, int | None]:
    """Return a factor's listed values (or None), its low and high ends, and its steps."""
    if isinstance(spec, list):
        spec = {"values": spec}
    if not isinstance(spec, dict):
        raise SweepError(
            f"{where} = {spec!r}: give a list of values, e.g. [0, 0.5, 1], or a range, "
            "e.g. { range = [0, 1] }"
        )
    for key in spec:
        if key not in ("values", "range", "steps"):
            raise SweepError(unknown_key(where, key, ("values", "range", "steps")))
    if ("values" in spec) == ("range" in spec):
        raise SweepError(f"{where}: give either values = [...] or range = [low, high]")
    if "values" in spec:
        raw = spec["values"]
        if not isinstance(raw, list) or not raw:
            raise SweepError(f"{where} values = {raw!r} must be a non-empty list of numbers")
        values = tuple(float(number.check(where, v)) for v in raw)
        if len(set(values)) < len(values):
            raise SweepError(f"{where} values = {raw!r} lists a value twice")
        return values, min(values), max(values), None
    raw = spec["range"]
    if not isinstance(raw, list) or len(raw) != 2:
        raise SweepError(f"{where} range = {raw!r} must be [low, high]")
    low, high = (float(number.check(where, v)) for v in raw)
    if not low < high:
        raise SweepError(f"{where} range = {raw!r}: low must be below high")
    steps = spec.get("steps")
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 2):
        raise SweepError(f"{where} steps = {steps!r} must be a whole number ≥ 2")
    return None, low, high, steps


def _design(raw: Any) -> Design:
    if isinstance(raw, str):
        raw = {"method": raw}
    if not isinstance(raw, dict):
        raise SweepError(
            f"design = {raw!r} must be one of {', '.join(METHODS)} or a [design] table"
        )
    keys = ("method", "samples", "second_order", "levels", "seed")
    for key in raw:
        if key not in keys:
            raise SweepError(unknown_key("[design]", key, keys))
    method = raw.get("method")
    if method not in METHODS:
        close = unknown_key("design", str(method), METHODS).split(": ", 1)[1]
        raise SweepError(f"design = {method!r} is not a design we know: {close}")
    applies = {"samples": SAMPLED, "seed": SAMPLED, "second_order": ("sobol",)}
    applies["levels"] = ("morris",)
    for key, methods in applies.items():
        if key in raw and method not in methods:
            raise SweepError(
                f"[design] {key} applies to {' and '.join(methods)} only, not {method}"
            )
    samples = raw.get("samples", 0)
    if method in SAMPLED:
        if isinstance(samples, bool) or not isinstance(samples, int) or samples < 2:
            raise SweepError(
                f"[design] samples = {samples!r}: design {method} needs samples = a whole "
                "number ≥ 2 (latin: points; sobol: base sample, a power of 2; morris: "
                "trajectories)"
            )
        if method == "sobol" and samples & (samples - 1):
            raise SweepError(
                f"[design] samples = {samples} must be a power of 2 for a Sobol' sequence "
                f"(e.g. {2 ** round(math.log2(samples))})"
            )
    second_order = raw.get("second_order", False)
    if not isinstance(second_order, bool):
        raise SweepError(f"[design] second_order = {second_order!r} must be true or false")
    levels = raw.get("levels", 4)
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2 or levels % 2:
        raise SweepError(f"[design] levels = {levels!r} must be an even whole number ≥ 2")
    seed = raw.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SweepError(f"[design] seed = {seed!r} must be a whole number ≥ 0")
    return Design(method, samples, second_order, levels, seed)


def _seeds(raw: Any) -> tuple[int, ...]:
    if isinstance(raw, int) and not isinstance(raw, bool):
        if not 1 <= raw <= MAX_SEEDS:
            raise SweepError(f"seeds = {raw} must be between 1 and {MAX_SEEDS:,}")
        return tuple(range(raw))
    if isinstance(raw, list) and raw:
        if any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in raw):
            raise SweepError(f"seeds = {raw!r}: every seed must be a whole number ≥ 0")
        if len(set(raw)) < len(raw):
            raise SweepError(f"seeds = {raw!r} lists a seed twice")
        return tuple(raw)
    raise SweepError(f"seeds = {raw!r} must be a number of seeds (e.g. 5) or a list of seeds")


def _draws(raw: Any, base: Scenario) -> tuple[int, ...]:
    """Return the posterior draws every point runs: ``draws = N`` means draws 1 to N."""
    if type(raw) is int and raw >= 0:  # not a bool
        draws = tuple(range(1, raw + 1))
    elif isinstance(raw, list) and raw and all(type(d) is int and d >= 1 for d in raw):
        draws = tuple(raw)
    else:
        raise SweepError(f"draws = {raw!r} must be a number of posterior draws (e.g. 10) or a list")
    if draws and base.calibration is None:
        raise SweepError(f"draws = {raw}: the base scenario {base.name!r} has no calibration")
    for draw in {min(draws, default=0), max(draws, default=0)} - {0}:
        base.with_draw(draw)  # the draws exist, or one clear message now
    return draws


def _outcomes(raw: Any) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    if isinstance(raw, list):
        raw = {"summaries": raw}
    if not isinstance(raw, dict):
        raise SweepError("outcomes must be a list of outcome names or an [outcomes] table")
    for key in raw:
        if key not in ("summaries", "series", "frequency"):
            raise SweepError(unknown_key("[outcomes]", key, ("summaries", "series", "frequency")))
    summaries = raw.get("summaries", list(OUTCOMES) if "series" not in raw else [])
    series = raw.get("series", [])
    for key, names, allowed in (
        ("summaries", summaries, OUTCOMES),
        ("series", series, MEASURES),
    ):
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise SweepError(f"[outcomes] {key} = {names!r} must be a list of names")
        for name in names:
            if name not in allowed:
                message = unknown_key(f"[outcomes] {key}", name, allowed)
                raise SweepError(message.replace("unknown key", "unknown outcome"))
        if len(set(names)) < len(names):
            raise SweepError(f"[outcomes] {key} = {names!r} lists an outcome twice")
    if not summaries and not series:
        raise SweepError("[outcomes]: record at least one summary or series")
    frequency = raw.get("frequency", "month")
    if frequency not in FREQUENCIES:
        raise SweepError(f"[outcomes] frequency = {frequency!r}: allowed: {', '.join(FREQUENCIES)}")
    return tuple(summaries), tuple(series), frequency
