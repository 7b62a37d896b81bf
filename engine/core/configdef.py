"""A port of the parts of Java's ``ConfigDef`` that a learner can observe.

Kafka parses every config value from a string with ``ConfigDef``: Java ints and longs,
trimmed text, lists split on commas, and validators whose error texts read
``Invalid value X for configuration Y: ...``. This module reproduces that parsing and
those texts, quirks included (a range error prints the parsed number, a double prints
as Java's ``Double.toString`` would).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from engine.core.errors import InvalidConfigurationError

INT_MAX = 2**31 - 1
LONG_MAX = 2**63 - 1


class ConfigType(StrEnum):
    """``ConfigDef.Type``; its name is what ``Not a number of type ...`` prints."""

    BOOLEAN = "BOOLEAN"
    STRING = "STRING"
    INT = "INT"
    SHORT = "SHORT"
    LONG = "LONG"
    DOUBLE = "DOUBLE"
    LIST = "LIST"
    CLASS = "CLASS"
    PASSWORD = "PASSWORD"


# ----------------------------------------------------------------- Java-faithful text


def java_double_str(x: float) -> str:
    """``Double.toString``: ``0.5``, ``2.0``, ``1.0E10``, ``1.0E-4``, ``NaN``, ``Infinity``."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    if 1e-3 <= abs(x) < 1e7:
        return repr(x)  # Python's shortest repr, always with a '.', in this range
    sign, digits, exponent = Decimal(repr(x)).normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    power = len(text) - 1 + exponent
    mantissa = text[0] + "." + (text[1:] or "0")
    return ("-" if sign else "") + f"{mantissa}E{power}"


def _java_str(value: object) -> str:
    """``String.valueOf`` for the values ConfigDef puts in its messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double_str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_java_str(v) for v in value) + "]"
    if value is None:
        return "null"
    return str(value)


def _invalid(name: str, value: object, message: str) -> InvalidConfigurationError:
    """``new ConfigException(name, value, message)`` as the controller returns it."""
    return InvalidConfigurationError(
        f"Invalid value {_java_str(value)} for configuration {name}: {message}")


def _java_trim(text: str) -> str:
    """``String.trim()``: strips characters <= U+0020 only."""
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


_JAVA_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_JAVA_DOUBLE = re.compile(
    r"[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)", re.ASCII)
_LIST_SEPARATOR = re.compile(r"\s*,\s*", re.ASCII)


def parse_value(name: str, raw: str, type_: ConfigType) -> object:
    """``ConfigDef.parseType`` for a string value: the typed value, or Kafka's error.

    INT and LONG accept what ``Integer.parseInt``/``Long.parseLong`` accept (an optional
    sign and ASCII digits, within range); DOUBLE what ``Double.parseDouble`` accepts
    (hexadecimal forms excepted); LIST splits on commas with surrounding blanks.
    """
    text = _java_trim(raw)
    if type_ is ConfigType.BOOLEAN:
        if text.lower() == "true":
            return True
        if text.lower() == "false":
            return False
        raise _invalid(name, raw, "Expected value to be either true or false")
    if type_ in (ConfigType.INT, ConfigType.LONG, ConfigType.SHORT):
        limit = {ConfigType.INT: INT_MAX, ConfigType.LONG: LONG_MAX}.get(type_, 2**15 - 1)
        if _JAVA_INTEGER.fullmatch(text) and -limit - 1 <= int(text) <= limit:
            return int(text)
        raise _invalid(name, raw, f"Not a number of type {type_.value}")
    if type_ is ConfigType.DOUBLE:
        if not _JAVA_DOUBLE.fullmatch(text):
            raise _invalid(name, raw, f"Not a number of type {type_.value}")
        return float(text.rstrip("fFdD").replace("Infinity", "inf"))
    if type_ is ConfigType.LIST:
        return [] if text == "" else _LIST_SEPARATOR.split(text)
    return text  # STRING, PASSWORD, CLASS (no class loading here)


# ---------------------------------------------------------------------- validators


class Validator(Protocol):
    """``ConfigDef.Validator``; ``str()`` is what Kafka's docs print as "Valid Values"."""

    def ensure_valid(self, name: str, value: object) -> None: ...


@dataclass(frozen=True)
class Range:
    """``ConfigDef.Range``: ``atLeast(min)`` or ``between(min, max)``, both inclusive."""

    min: int | None = None
    max: int | None = None

    def ensure_valid(self, name: str, value: object) -> None:
        assert isinstance(value, int | float)
        if self.min is not None and float(value) < float(self.min):
            raise _invalid(name, value, f"Value must be at least {self.min}")
        if self.max is not None and float(value) > float(self.max):
            raise _invalid(name, value, f"Value must be no more than {self.max}")

    def __str__(self) -> str:
        if self.max is None:
            return f"[{self.min},...]"
        return f"[{self.min},...,{self.max}]"


@dataclass(frozen=True)
class ValidString:
    """``ConfigDef.ValidString.in(...)``: case-sensitive."""

    values: tuple[str, ...]

    def ensure_valid(self, name: str, value: object) -> None:
        if value not in self.values:
            raise _invalid(name, value, "String must be one of: " + ", ".join(self.values))

    def __str__(self) -> str:
        return "[" + ", ".join(self.values) + "]"


@dataclass(frozen=True)
class ValidList:
    """``ConfigDef.ValidList.in(...)`` (4.1): every element must be valid; an empty list
    is accepted. (4.2 also refuses empty elements and duplicates.)"""

    values: tuple[str, ...]

    def ensure_valid(self, name: str, value: object) -> None:
        assert isinstance(value, list)
        for item in value:
            ValidString(self.values).ensure_valid(name, item)

    def __str__(self) -> str:
        return "[" + ", ".join(self.values) + "]"


@dataclass(frozen=True)
class GzipLevel:
    """``CompressionType.GZIP.levelValidator()``: 1..9 (Deflater) or -1 (its default)."""

    def ensure_valid(self, name: str, value: object) -> None:
        assert isinstance(value, int)
        if value > 9 or (value < 1 and value != -1):
            raise _invalid(name, value, "Value must be between 1 and 9 or equal to -1")

    def __str__(self) -> str:
        return "[1,...,9] or -1"


_REPLICA = re.compile(r"([0-9]+:[0-9]+)?")


@dataclass(frozen=True)
class ThrottledReplicaList:
    """``ThrottledReplicaListValidator``: ``*`` or ``partition:broker,...``."""

    def ensure_valid(self, name: str, value: object) -> None:
        assert isinstance(value, list)
        items = [_java_trim(str(v)) for v in value]
        if not (all(_REPLICA.fullmatch(s) for s in items) or "".join(items) == "*"):
            raise _invalid(name, value, f"{name} must be the literal '*' or a list of replicas "
                           "in the following format: [partitionId]:[brokerId],"
                           "[partitionId]:[brokerId],...")

    def __str__(self) -> str:
        return "[partitionId]:[brokerId],[partitionId]:[brokerId],..."
