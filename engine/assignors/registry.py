"""Finding assignors by name, as ``partition.assignment.strategy`` does.

Kafka's config lists Java class names; the engine takes the assignors' short names
(``"range"``, ``"roundrobin"``, ``"sticky"``, ``"cooperative-sticky"``), Kafka's class names
(``"org.apache.kafka.clients.consumer.RangeAssignor"``), assignor classes or instances, and
aiokafka's assignor classes (``RoundRobinPartitionAssignor`` & co., which stand for the
built-in assignor of the same name).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.assignors.base import PartitionAssignor
from engine.assignors.range import RangeAssignor
from engine.assignors.roundrobin import RoundRobinAssignor
from engine.assignors.sticky import CooperativeStickyAssignor, StickyAssignor
from engine.core.errors import KafkaError

_BUILT_IN: dict[str, type[Any]] = {
    "range": RangeAssignor,
    "roundrobin": RoundRobinAssignor,
    "sticky": StickyAssignor,
    "cooperative-sticky": CooperativeStickyAssignor,
}

#: Kafka's class names for the built-in assignors.
JAVA_CLASS_NAMES: dict[str, str] = {
    "range": "org.apache.kafka.clients.consumer.RangeAssignor",
    "roundrobin": "org.apache.kafka.clients.consumer.RoundRobinAssignor",
    "sticky": "org.apache.kafka.clients.consumer.StickyAssignor",
    "cooperative-sticky": "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
}
_BY_CLASS_NAME = {java: name for name, java in JAVA_CLASS_NAMES.items()}

#: Kafka's default ``partition.assignment.strategy``:
#: ``[RangeAssignor, CooperativeStickyAssignor]``.
DEFAULT_STRATEGIES: tuple[str, ...] = ("range", "cooperative-sticky")

_INTERFACE = "org.apache.kafka.clients.consumer.ConsumerPartitionAssignor"


def names() -> tuple[str, ...]:
    """The names of the built-in assignors."""
    return tuple(_BUILT_IN)


def get(strategy: str | type[Any] | PartitionAssignor) -> PartitionAssignor:
    """The assignor for a name, a Kafka class name, an assignor class or an assignor object.

    aiokafka's ``RangePartitionAssignor``, ``RoundRobinPartitionAssignor`` and
    ``StickyPartitionAssignor`` give the engine's assignor of the same name.

    An unknown name raises :class:`~engine.core.errors.KafkaError` with the text Kafka's
    consumer gives for an unknown class in ``partition.assignment.strategy``.
    """
    if isinstance(strategy, str):
        name = _BY_CLASS_NAME.get(strategy, strategy)
        if name not in _BUILT_IN:
            raise KafkaError(f"{strategy} ClassNotFoundException exception occurred")
        return _BUILT_IN[name]()
    kind = strategy if isinstance(strategy, type) else type(strategy)
    if kind.__module__.startswith("aiokafka.") and getattr(kind, "name", None) in _BUILT_IN:
        # aiokafka's RangePartitionAssignor & co.: code written for aiokafka runs unchanged
        return _BUILT_IN[kind.name]()
    candidate = strategy() if isinstance(strategy, type) else strategy
    if not _is_assignor(candidate):
        raise KafkaError(f"{_describe(strategy)} is not an instance of {_INTERFACE}")
    return candidate


def split_strategies(text: str) -> list[str]:
    """A comma-separated ``partition.assignment.strategy`` value as its names (Kafka's
    ``LIST`` config type: trimmed, empty items dropped)."""
    return [part.strip() for part in text.split(",") if part.strip()]


def get_all(strategies: Iterable[str | type[Any] | PartitionAssignor]) -> list[PartitionAssignor]:
    """The assignors of a ``partition.assignment.strategy`` list, in order.

    As Kafka does, two assignors with the same name are refused.
    """
    if isinstance(strategies, str):
        strategies = split_strategies(strategies)
    assignors: list[PartitionAssignor] = []
    seen: dict[str, str] = {}
    for strategy in strategies:
        assignor = get(strategy)
        label = _class_label(assignor)
        if assignor.name in seen:
            raise KafkaError(
                f"The assignor name: '{assignor.name}' is used in more than one assignor: "
                f"{seen[assignor.name]}, {label}"
            )
        seen[assignor.name] = label
        assignors.append(assignor)
    return assignors


def _is_assignor(candidate: object) -> bool:
    return (
        isinstance(getattr(candidate, "name", None), str)
        and callable(getattr(candidate, "assign", None))
        and isinstance(getattr(candidate, "supported_protocols", None), tuple | list)
    )


def _class_label(assignor: PartitionAssignor) -> str:
    kind = type(assignor)
    if kind is _BUILT_IN.get(assignor.name):
        return JAVA_CLASS_NAMES[assignor.name]
    return f"{kind.__module__}.{kind.__qualname__}"


def _describe(strategy: object) -> str:
    if isinstance(strategy, type):
        return f"class {strategy.__module__}.{strategy.__qualname__}"
    return repr(strategy)
