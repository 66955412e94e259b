"""The built-in policy plugins: enforcement, legal pathways, development aid, asylum rules.

Each module subclasses :class:`migmodel.policy.Policy`; migmodel's ``pyproject.toml``
registers every class under the entry-point group ``migmodel.policies``, as any other package
would (:mod:`migmodel.registry`). The names below are kept here for older code.
"""

from migmodel.policy import Levers, Policy
from migmodel.registry import ENTRY_POINT_GROUP, available, build, register, validate_specs

__all__ = [
    "ENTRY_POINT_GROUP",
    "Levers",
    "Policy",
    "available",
    "build",
    "register",
    "validate_specs",
]
