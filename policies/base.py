"""Kept for compatibility: the policy contract lives in :mod:`migmodel.policy`."""

from migmodel.policy import Levers, Policy

__all__ = ["Levers", "Policy"]
