"""Policy plugins: levers that change migration, switched on by scenarios.

See :mod:`policies.base` for the hooks and :mod:`policies.registry` for discovery.
"""

# The built-in policies register themselves on import.
from policies import asylum, development, enforcement, pathways  # noqa: F401
from policies.base import Levers, Policy
from policies.registry import ENTRY_POINT_GROUP, available, build, register, validate_specs

__all__ = [
    "ENTRY_POINT_GROUP",
    "Levers",
    "Policy",
    "available",
    "build",
    "register",
    "validate_specs",
]
