"""What a member tells the group leader when it joins.

Kafka's ``ConsumerPartitionAssignor.Subscription``, without the rack and the user data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.core.args import is_int
from engine.core.records import TopicPartition

#: ``AbstractStickyAssignor.DEFAULT_GENERATION``: a member that reports no generation.
DEFAULT_GENERATION = -1


@dataclass(frozen=True)
class Subscription:
    """One member's subscription, as the group leader's assignor sees it.

    * ``topics``: the topics the member subscribes to (duplicates dropped, order kept);
    * ``owned_partitions``: the partitions it owns while rejoining. With the cooperative
      protocol these are its current partitions; for the eager ``sticky`` assignor they
      stand for the previous assignment Kafka carries in the subscription's user data;
    * ``generation``: the generation in which it got them (``-1``: none);
    * ``group_instance_id``: its ``group.instance.id`` if it is a static member.

    Kafka's ``rackId`` is not modelled (rack-aware assignment is left out).
    """

    topics: tuple[str, ...]
    owned_partitions: tuple[TopicPartition, ...] = ()
    generation: int = DEFAULT_GENERATION
    group_instance_id: str | None = field(default=None)

    def __post_init__(self) -> None:
        topics = self.topics
        if isinstance(topics, str):
            raise TypeError("Subscription topics must be a collection of topic names, not a str")
        unique = tuple(dict.fromkeys(str(topic) for topic in topics))
        object.__setattr__(self, "topics", unique)
        object.__setattr__(self, "owned_partitions", _partitions(self.owned_partitions))
        if not is_int(self.generation):
            raise TypeError(f"Subscription generation must be an int, not {self.generation!r}")


def _partitions(values: Iterable[TopicPartition | tuple[str, int]]) -> tuple[TopicPartition, ...]:
    partitions = []
    for value in values:
        topic, partition = value
        partitions.append(TopicPartition(str(topic), int(partition)))
    return tuple(partitions)
