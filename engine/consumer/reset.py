"""``auto.offset.reset``: where a consumer starts when it has no valid position.

``earliest`` is the log start offset, ``latest`` the high watermark (the end of what
consumers may read), ``none`` raises :class:`NoOffsetForPartitionError`, and
``by_duration:<ISO-8601 duration>`` (Kafka 4.0, KIP-1106) is the first offset whose
timestamp is at or after ``now - duration``, or ``latest`` when every record is older.
Durations use Java's ``Duration.parse`` syntax (``PT1H``, ``P1DT30M``, ``PT0.5S``);
negative durations are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.core.configdef import _invalid

_DURATION = re.compile(
    r"([-+]?)P(?:([-+]?[0-9]+)D)?"
    r"(T(?:([-+]?[0-9]+)H)?(?:([-+]?[0-9]+)M)?(?:([-+]?[0-9]+)(?:[.,]([0-9]{0,9}))?S)?)?",
    re.IGNORECASE | re.ASCII,
)


@dataclass(frozen=True)
class ResetStrategy:
    """A parsed ``auto.offset.reset`` value; ``duration_ms`` only for ``by_duration``."""

    type: str
    duration_ms: int | None = None
    text: str = ""

    def __str__(self) -> str:
        return self.text or self.type


def parse_iso_duration_ms(text: str) -> int:
    """Java's ``Duration.parse`` (days, hours, minutes, seconds), in whole milliseconds."""
    match = _DURATION.fullmatch(text)
    if match is None or (
            match.group(3) is not None and not any(match.group(i) for i in (4, 5, 6))):
        raise ValueError(f"Text cannot be parsed to a Duration: {text}")
    sign, days, t_part, hours, minutes, seconds, fraction = match.groups()
    if days is None and t_part is None:
        raise ValueError(f"Text cannot be parsed to a Duration: {text}")
    total_ns = (int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60
                + int(seconds or 0)) * 10**9
    if fraction:
        frac_ns = int(fraction.ljust(9, "0"))
        total_ns += -frac_ns if (seconds or "").startswith("-") else frac_ns
    if sign == "-":
        total_ns = -total_ns
    return total_ns // 10**6 if total_ns >= 0 else -((-total_ns) // 10**6)


def parse_reset_strategy(value: object) -> ResetStrategy:
    """Validate ``auto.offset.reset`` with ``AutoOffsetResetStrategy.Validator``'s text."""
    def refuse() -> Exception:
        return _invalid("auto.offset.reset", value,
                        f"Invalid value `{value}` for configuration auto.offset.reset. The value "
                        "must be either 'earliest', 'latest', 'none' or of the format "
                        "'by_duration:<PnDTnHnMn.nS.>'.")

    if not isinstance(value, str):
        raise refuse()
    if value in ("earliest", "latest", "none"):
        return ResetStrategy(value, text=value)
    if value.startswith("by_duration:"):
        try:
            duration = parse_iso_duration_ms(value[len("by_duration:"):])
        except ValueError:
            raise refuse() from None
        if duration < 0:
            raise refuse()
        return ResetStrategy("by_duration", duration, value)
    raise refuse()
