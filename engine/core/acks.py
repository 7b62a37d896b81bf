"""``acks`` on the produce path: the setting's values and the leader's answers.

* ``acks`` takes the producer config's values, ``all``, ``-1``, ``0`` or ``1``
  (``ProducerConfig``), also as the ints -1, 0 and 1. Anything else gets the
  ``ConfigException`` text the producer raises.
* Before it appends with ``acks=all``, the leader checks the ISR against the effective
  ``min.insync.replicas`` and refuses with ``NotEnoughReplicasError``, Kafka 4.1's text
  from ``Partition.appendRecordsToLeader`` (nothing is written).
* After the append, an ``acks=all`` request completes when the high watermark passes its
  last offset; if by then the ISR is below the minimum, the answer is
  ``NotEnoughReplicasAfterAppendError`` (``Partition.checkEnoughReplicasReachOffset``):
  the records stay in the log.
"""

from __future__ import annotations

from engine.core.configdef import ValidString
from engine.core.errors import (
    NotEnoughReplicasAfterAppendError,
    NotEnoughReplicasError,
    NotLeaderOrFollowerError,
)
from engine.core.partition import PartitionState

ACKS_VALUES = ValidString(("all", "-1", "0", "1"))
ACKS_ALL = -1


def parse_acks(acks: object) -> int:
    """``acks`` as Kafka's ``requiredAcks``: -1 (all), 0 or 1."""
    if acks in ("all", -1, "-1") and not isinstance(acks, bool):
        return ACKS_ALL
    if acks in (0, "0") and not isinstance(acks, bool):
        return 0
    if acks in (1, "1") and not isinstance(acks, bool):
        return 1
    ACKS_VALUES.ensure_valid("acks", str(acks).lower() if isinstance(acks, bool) else acks)
    raise AssertionError("unreachable")  # pragma: no cover


def scala_set(members: list[int] | tuple[int, ...]) -> str:
    """How Scala prints a small immutable ``Set[Int]``: ``Set(1, 2)``."""
    return "Set(" + ", ".join(map(str, members)) + ")"


def not_enough_replicas(
    topic: str, partition: int, isr: list[int] | tuple[int, ...], min_isr: int
) -> NotEnoughReplicasError:
    """The error ``Partition.appendRecordsToLeader`` throws (Kafka 4.1 text)."""
    return NotEnoughReplicasError(
        f"The size of the current ISR : {len(isr)} is insufficient to satisfy the min.isr "
        f"requirement of {min_isr} for partition {topic}-{partition}, "
        f"live replica(s) broker.id are : {scala_set(isr)}")


def enough_replicas_reached(
    ps: PartitionState, broker: int, required_offset: int, min_isr: int
) -> bool:
    """``checkEnoughReplicasReachOffset`` for the leader ``broker``: True when done.

    Raises ``NotEnoughReplicasAfterAppendError`` when the high watermark reached the
    offset but the ISR is below ``min_isr``, and ``NotLeaderOrFollowerError`` when
    ``broker`` lost the leadership while the request waited.
    """
    if not ps.believes_leader(broker):
        raise NotLeaderOrFollowerError()
    log = ps.logs[broker]
    if log.high_watermark < required_offset:
        return False
    if min_isr <= len(ps.isr_seen_by(broker)):
        return True
    raise NotEnoughReplicasAfterAppendError()
