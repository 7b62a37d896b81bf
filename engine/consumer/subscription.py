"""What a consumer reads: its subscription or manual assignment, positions and pauses.

Like Kafka's ``SubscriptionState``: subscribing to topics, to a pattern, and assigning
partitions by hand are mutually exclusive; each assigned partition has a position (the
next offset to return, ``None`` until it is looked up), the leader epoch that goes with
it (Kafka's ``FetchPosition.offsetEpoch``) and a paused flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from engine.core.errors import IllegalStateError
from engine.core.records import TopicPartition
from engine.group.state import OffsetAndMetadata

MUTUALLY_EXCLUSIVE = "Subscription to topics, partitions and pattern are mutually exclusive"


@dataclass
class PartitionState:
    """One assigned partition's fetch state."""

    position: int | None = None
    paused: bool = False
    offset_epoch: int = -1
    """The leader epoch of the last record returned before ``position`` (the batch's
    ``partitionLeaderEpoch``), or of the committed offset the position came from; -1
    (Kafka's empty ``Optional``) after a seek or an ``auto.offset.reset``."""

    def move_to(self, position: int | None, epoch: int = -1) -> None:
        """Set the position and the leader epoch that goes with it."""
        self.position = position
        self.offset_epoch = epoch


class SubscriptionState:
    """The consumer's subscription (``topics``/``pattern``) or manual assignment."""

    def __init__(self) -> None:
        self.mode: str | None = None  # "topics", "pattern" or "manual"
        self.topics: tuple[str, ...] = ()
        self.pattern: re.Pattern[str] | None = None
        self.listener: Any = None
        self.assignment: dict[TopicPartition, PartitionState] = {}

    @property
    def auto_assigned(self) -> bool:
        """Whether partitions come from the group (``subscribe``) rather than ``assign``."""
        return self.mode in ("topics", "pattern")

    def check_mode(self, mode: str) -> None:
        if self.mode not in (None, mode):
            raise IllegalStateError(MUTUALLY_EXCLUSIVE)

    def subscribed_topics(self, existing: list[str]) -> list[str]:
        """The topics this subscription covers, given the topics the metadata lists."""
        if self.mode == "topics":
            return sorted(set(self.topics))
        if self.mode == "pattern" and self.pattern is not None:
            return [t for t in existing if self.pattern.fullmatch(t)]
        return []

    def assigned(self) -> list[TopicPartition]:
        return sorted(self.assignment)

    def set_assignment(self, partitions: list[TopicPartition]) -> None:
        """Replace the assignment, keeping the position of partitions that stay."""
        self.assignment = {tp: self.assignment.get(tp, PartitionState())
                           for tp in sorted(partitions)}

    def consumed(self) -> dict[TopicPartition, int]:
        """Positions of the partitions that have one."""
        return {tp: s.position for tp, s in sorted(self.assignment.items())
                if s.position is not None}

    def consumed_offsets(self) -> dict[TopicPartition, OffsetAndMetadata]:
        """What a commit of the consumed positions sends (Kafka's ``allConsumed``): each
        position with its leader epoch and empty metadata."""
        return {tp: OffsetAndMetadata(s.position, "", -1, s.offset_epoch)
                for tp, s in sorted(self.assignment.items()) if s.position is not None}

    def clear(self) -> None:
        self.mode = None
        self.topics = ()
        self.pattern = None
        self.listener = None
        self.assignment = {}
