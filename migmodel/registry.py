"""The registry of policies: every policy a scenario may switch on, found by entry point.

The built-in policies (the ``policies`` package) and those of any other package are found the
same way, through the Python entry-point group ``migmodel.policies``. In a package's
``pyproject.toml``::

    [project.entry-points."migmodel.policies"]
    my_policy = "my_package.my_module:MyPolicy"

migmodel's own ``pyproject.toml`` declares the built-in ones so. The engine imports no policy:
it loads the classes the entry points name, when a scenario first asks for a policy.

When migmodel runs from a source tree whose installed metadata is older than its
``pyproject.toml`` (a checkout not yet reinstalled, ``pip install -e .``), the entry points
declared in that ``pyproject.toml`` are read too, so the built-in policies are always found.
"""

from __future__ import annotations

import functools
import sys
import tomllib
from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from migmodel.inputs import ScenarioError, unknown_key
from migmodel.policy import Policy

if TYPE_CHECKING:
    from migmodel.scenario import PolicySpec

ENTRY_POINT_GROUP = "migmodel.policies"

SOURCE_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
"""The ``pyproject.toml`` of a source tree holding migmodel (absent in an installed wheel)."""

_ADDED: dict[str, type[Policy]] = {}


def register(cls: type[Policy]) -> type[Policy]:
    """Add a policy class for this process only (a notebook's or a test's own policy).

    A package's policies are registered by entry point instead (see the module's docstring).
    """
    if not cls.name:
        raise ValueError(f"{cls.__qualname__} needs a name")
    _ADDED[cls.name] = cls
    return cls


def available() -> dict[str, type[Policy]]:
    """Return every known policy by name: migmodel's own, those added, other packages'.

    migmodel's own and other packages' come in the order of their names.
    """
    own, others = _entry_point_policies(tuple(sys.path))
    found = dict(own)
    for name, cls in _ADDED.items():
        found.setdefault(name, cls)
    for name, cls in others:
        found.setdefault(name, cls)
    return found


@functools.cache
def _entry_point_policies(
    path: tuple[str, ...],
) -> tuple[tuple[tuple[str, type[Policy]], ...], tuple[tuple[str, type[Policy]], ...]]:
    """Return (migmodel's own, other packages') policies, scanned once per ``sys.path``."""
    own, others = [], []
    seen: set[str] = set()
    installed = list(entry_points(group=ENTRY_POINT_GROUP))
    for ep in [*_declared_in_source(), *installed]:
        if ep.name in seen:
            continue
        seen.add(ep.name)
        cls = ep.load()
        if not (isinstance(cls, type) and issubclass(cls, Policy)):
            raise ScenarioError(f"entry point {ep.name} = {ep.value} is not a Policy subclass")
        mine = ep.value.startswith("policies.")
        (own if mine else others).append((cls.name or ep.name, cls))
    by_name = functools.partial(sorted, key=lambda item: item[0])  # as installed metadata is
    return tuple(by_name(own)), tuple(by_name(others))


def _declared_in_source(pyproject: Path = SOURCE_PYPROJECT) -> Iterable[EntryPoint]:
    """Return the policy entry points a source tree's ``pyproject.toml`` declares (if any)."""
    if not pyproject.is_file():
        return []
    project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    if project.get("name") != "migmodel":
        return []
    declared = project.get("entry-points", {}).get(ENTRY_POINT_GROUP, {})
    return [EntryPoint(name, value, ENTRY_POINT_GROUP) for name, value in declared.items()]


def validate_specs(specs: Iterable[PolicySpec]) -> None:
    """Check the policies of a scenario: known names, known parameters, values in range.

    Raises:
        ScenarioError: naming the policy, the parameter, the value and what is allowed.
    """
    known = available()
    for i, spec in enumerate(specs):
        where = f"[[policies]] #{i + 1}"
        if spec.name not in known:
            raise ScenarioError(
                unknown_key(where, spec.name, sorted(known)).replace(
                    "unknown key", "unknown policy"
                )
            )
        cls = known[spec.name]
        for key, value in spec.params.items():
            if key not in cls.parameters:
                allowed = ("announced", "start", "end", "ramp_days", *cls.parameters)
                raise ScenarioError(unknown_key(f"{where} ({spec.name})", key, allowed))
            cls.parameters[key].check(f"{where} ({spec.name}) {key}", value)


def build(spec: PolicySpec) -> Policy:
    """Create the policy object a validated scenario spec describes."""
    cls = available()[spec.name]
    params = {k: cls.parameters[k].check(k, v) for k, v in spec.params.items()}
    return cls(
        start=spec.start,
        end=spec.end,
        ramp_days=spec.ramp_days,
        announced=spec.announced,
        **params,
    )
