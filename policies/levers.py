"""Kept for compatibility: :class:`Levers` lives in :mod:`migmodel.policy`."""

from migmodel.policy import Levers

__all__ = ["Levers"]
