"""Parameters by name: ``push.HND``, ``policies.asylum_rule#2.removal_share``, ``draw``.

Sweeps, calibrations and ``Scenario.replace`` address what they vary by these names; each
resolves to a declared :class:`~migmodel.inputs.Number` with its unit, range and default.
"""

from __future__ import annotations

import numbers
from typing import Any

from migmodel.inputs import Number, ScenarioError, Table, unknown_key
from migmodel.parameters import PARAMETERS
from migmodel.registry import available

DRAW = Number(
    0, 0, 1_000_000, "", "posterior draw of the calibration (0: the posterior median)", integer=True
)
"""``draw = k`` takes the calibration's k-th posterior draw (``posterior.parquet``)."""


def parameter(name: str) -> Number:
    """Return the declared parameter that ``name`` addresses.

    Names: ``days`` (a number), ``push.HND`` (a table's key), ``policies.parole.apply_share``
    (a policy's parameter), ``policies.asylum_rule#2.removal_share`` (the second time the
    scenario switches that policy on) or ``draw`` (the calibration's posterior draw, see
    :meth:`Scenario.with_draw`). Sweeps and calibrations name what they vary this way.

    Raises:
        ScenarioError: the name addresses nothing; the message says what is allowed.
    """
    if name == "draw":
        return DRAW
    parts = name.split(".")
    if parts[0] == "policies":
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


def plain_number(spec: Number, value: Any) -> Any:
    """Return ``value`` as a plain Python number (an integer where the parameter is whole).

    NumPy numbers (as other tools pass them) become floats or ints; anything else is left
    for the parameter's check to refuse with its message.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return value
    value = float(value)
    return int(value) if spec.integer and value.is_integer() else value


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
        table = policy_table(raw, name)
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
        table = policy_table(raw, name)
        return float(spec.default if table is None else table.get(parts[2], spec.default))
    if len(parts) == 2:
        return float(raw[parts[0]][parts[1]])
    return float(raw[name])


def policy_table(raw: dict[str, Any], name: str) -> dict[str, Any] | None:
    """Return the ``[[policies]]`` table a policy parameter's name addresses, if any."""
    policy, k = policy_instance(name.split(".")[1])
    listed = policy_list(raw.get("policies", []))
    matching = [p for p in listed if isinstance(p, dict) and p.get("name") == policy]
    if k is not None and k > len(matching):
        raise ScenarioError(
            f"{name}: the scenario switches {policy} on {len(matching)} time(s), not {k}"
        )
    return matching[(k or 1) - 1] if matching else None


def policy_list(value: Any) -> list[Any]:
    """Return ``value`` if it is a list (of ``[[policies]]`` tables), else raise ScenarioError."""
    if not isinstance(value, list):
        raise ScenarioError(
            f"policies = {value!r:.40} must be a list of [[policies]] tables, each with a name"
        )
    return value
