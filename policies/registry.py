"""The registry of policies: built-in ones plus those other packages register.

Third-party policies are found through the Python entry-point group ``migmodel.policies``;
in the other package's ``pyproject.toml``::

    [project.entry-points."migmodel.policies"]
    my_policy = "my_package.my_module:MyPolicy"
"""

from __future__ import annotations

import functools
import sys
from importlib.metadata import entry_points

from migmodel.inputs import ScenarioError, unknown_key
from policies.base import Policy

ENTRY_POINT_GROUP = "migmodel.policies"

_BUILTIN: dict[str, type[Policy]] = {}


def register(cls: type[Policy]) -> type[Policy]:
    """Class decorator that adds a built-in policy to the registry."""
    if not cls.name:
        raise ValueError(f"{cls.__qualname__} needs a name")
    _BUILTIN[cls.name] = cls
    return cls


def available() -> dict[str, type[Policy]]:
    """Return every known policy by name: built-in ones, then entry-point plugins."""
    found = dict(_BUILTIN)
    for name, cls in _plugins(tuple(sys.path)):
        found.setdefault(name, cls)
    return found


@functools.cache
def _plugins(path: tuple[str, ...]) -> tuple[tuple[str, type[Policy]], ...]:
    """Return the entry-point plugins installed on ``path`` (scanned once per ``sys.path``)."""
    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        cls = ep.load()
        if not (isinstance(cls, type) and issubclass(cls, Policy)):
            raise ScenarioError(f"entry point {ep.name} = {ep.value} is not a Policy subclass")
        found.append((cls.name or ep.name, cls))
    return tuple(found)


def validate_specs(specs: tuple) -> None:
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


def build(spec) -> Policy:
    """Create the policy object a validated scenario spec describes.

    Built-in policies come first in :func:`available`, so a built-in name is looked up without
    scanning the installed packages' entry points (which takes longer than a short run).
    """
    cls = _BUILTIN.get(spec.name) or available()[spec.name]
    params = {k: cls.parameters[k].check(k, v) for k, v in spec.params.items()}
    return cls(
        start=spec.start,
        end=spec.end,
        ramp_days=spec.ramp_days,
        announced=spec.announced,
        **params,
    )
