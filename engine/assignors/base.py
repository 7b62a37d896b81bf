"""The assignor contract, and a base class to build a new assignor on.

An assignor is a pure function from "which topics have how many partitions" and "who
subscribes to what" to "who reads which partitions". Kafka runs it in the group leader's
client (classic protocol); the engine's group coordinator runs it the same way. Any object
with the three members of :class:`PartitionAssignor` will do; :class:`AbstractPartitionAssignor`
does the common work (Kafka's class of the same name) so that a new assignor only writes
:meth:`~AbstractPartitionAssignor.assign_partitions`.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import ClassVar, Protocol, runtime_checkable

from engine.assignors.ordering import sorted_members
from engine.assignors.subscription import Subscription
from engine.core.args import is_int
from engine.core.errors import IllegalArgumentError
from engine.core.records import TopicPartition


class RebalanceProtocol(enum.StrEnum):
    """Kafka's ``ConsumerPartitionAssignor.RebalanceProtocol``.

    ``EAGER``: every member gives up all its partitions before the group rebalances.
    ``COOPERATIVE``: members keep their partitions while rejoining and give up only those
    that move, after which the group rebalances once more to hand them over.
    """

    EAGER = "EAGER"
    COOPERATIVE = "COOPERATIVE"


Assignment = dict[str, list[TopicPartition]]


@runtime_checkable
class PartitionAssignor(Protocol):
    """What the group coordinator needs from an assignor (Kafka's ``ConsumerPartitionAssignor``).

    * ``name``: the name members advertise in JoinGroup (``"range"``, ...);
    * ``supported_protocols``: the :class:`RebalanceProtocol` values it supports, preferred
      first (``("EAGER",)`` or ``("COOPERATIVE", "EAGER")``);
    * ``assign(partitions_per_topic, subscriptions)``: the partitions of every member. It must
      return a list (maybe empty) for each member of ``subscriptions``, never give a partition
      to two members, and only give a member partitions of topics it subscribes to.
    """

    name: str
    supported_protocols: tuple[str, ...]

    def assign(
        self,
        partitions_per_topic: Mapping[str, int],
        subscriptions: Mapping[str, Subscription],
    ) -> Assignment: ...


class AbstractPartitionAssignor(ABC):
    """A base for assignors: checks and trims the input, then calls :meth:`assign_partitions`.

    As Kafka's ``AbstractPartitionAssignor`` does, :meth:`assign` keeps only the topics that
    someone subscribes to and that have partitions, and makes sure every member gets a list.
    A subclass sets ``name`` (and ``supported_protocols`` if it can run cooperatively) and
    writes :meth:`assign_partitions`. For example, an assignor that gives everything to the
    first member in Kafka's member order::

        class FirstTakesAll(AbstractPartitionAssignor):
            name = "first-takes-all"

            def assign_partitions(self, partitions_per_topic, subscriptions):
                first = sorted_members(subscriptions)[0]
                return {first: [TopicPartition(t, p)
                                for t in subscriptions[first].topics
                                for p in range(partitions_per_topic.get(t, 0))]}
    """

    name: ClassVar[str]
    supported_protocols: ClassVar[tuple[str, ...]] = (RebalanceProtocol.EAGER,)

    def assign(
        self,
        partitions_per_topic: Mapping[str, int],
        subscriptions: Mapping[str, Subscription | Iterable[str]],
    ) -> Assignment:
        """Every member's partitions, members in Kafka's member order.

        ``subscriptions`` values may also be plain lists of topic names (a member that owns
        nothing and is not static).
        """
        counts, members = prepare_input(partitions_per_topic, subscriptions)
        raw = self.assign_partitions(counts, members) if members else {}
        return {member: list(raw.get(member, [])) for member in sorted_members(members)}

    @abstractmethod
    def assign_partitions(
        self, partitions_per_topic: dict[str, int], subscriptions: Mapping[str, Subscription]
    ) -> Mapping[str, list[TopicPartition]]:
        """The assignment for checked input: only subscribed topics with partitions are given."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


def prepare_input(
    partitions_per_topic: Mapping[str, int],
    subscriptions: Mapping[str, Subscription | Iterable[str]],
) -> tuple[dict[str, int], dict[str, Subscription]]:
    """Checked input: the subscribed topics that have partitions, and each member's Subscription."""
    members = _check_subscriptions(subscriptions)
    counts = _check_partition_counts(partitions_per_topic)
    subscribed = {topic for subscription in members.values() for topic in subscription.topics}
    trimmed = {topic: n for topic, n in counts.items() if topic in subscribed and n > 0}
    return trimmed, members


def _check_subscriptions(
    subscriptions: Mapping[str, Subscription | Iterable[str]],
) -> dict[str, Subscription]:
    if not isinstance(subscriptions, Mapping):
        raise IllegalArgumentError("subscriptions must map each member id to its Subscription")
    checked: dict[str, Subscription] = {}
    for member, subscription in subscriptions.items():
        if not isinstance(member, str) or not member:
            raise IllegalArgumentError(f"Invalid member id {member!r}: must be a non-empty str")
        if isinstance(subscription, str):
            raise IllegalArgumentError(
                f"Invalid subscription for member {member!r}: give a Subscription or a list "
                "of topics, not a str"
            )
        if not isinstance(subscription, Subscription):
            subscription = Subscription(tuple(subscription))
        checked[member] = subscription
    return checked


def _check_partition_counts(partitions_per_topic: Mapping[str, int]) -> dict[str, int]:
    if not isinstance(partitions_per_topic, Mapping):
        raise IllegalArgumentError(
            "partitions_per_topic must map each topic to its partition count"
        )
    counts: dict[str, int] = {}
    for topic, count in partitions_per_topic.items():
        if not is_int(count) or count < 0:
            raise IllegalArgumentError(
                f"Invalid partition count {count!r} for topic {topic!r}: must be an int >= 0"
            )
        counts[str(topic)] = count
    return counts
