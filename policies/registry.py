"""Kept for compatibility: the registry of policies lives in :mod:`migmodel.registry`."""

from migmodel.registry import ENTRY_POINT_GROUP, available, build, register, validate_specs

__all__ = ["ENTRY_POINT_GROUP", "available", "build", "register", "validate_specs"]
