"""Checks of Python argument types, so that a wrong type fails early and clearly.

Kafka's own checks (ranges, names, configs) live where Kafka makes them; this module
only catches what Java's static types would have caught, such as a partition count
given as ``"3"``.
"""

from __future__ import annotations

from typing import Any


def is_int(value: Any) -> bool:
    """Whether ``value`` is an ``int`` and not a ``bool`` (Java would not take ``True``)."""
    return isinstance(value, int) and not isinstance(value, bool)


def require_int(value: Any, what: str) -> int:
    """``value`` if it is an ``int`` (and not a ``bool``); a ``TypeError`` otherwise."""
    if not is_int(value):
        raise TypeError(f"{what} must be an int, got {type(value).__name__} {value!r}")
    return value
