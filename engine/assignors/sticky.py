"""Kafka's ``StickyAssignor`` (``"sticky"``) and ``CooperativeStickyAssignor``
(``"cooperative-sticky"``).

Both aim first at balance (member loads differ by at most one where subscriptions allow),
then at stickiness (members keep what they owned). When every member subscribes to the same
topics the "constrained" builder runs (:mod:`~engine.assignors.sticky_constrained`),
otherwise the "general" one (:mod:`~engine.assignors.sticky_general`); owned partitions are
checked first (:mod:`~engine.assignors.sticky_owned`).

The cooperative variant then leaves out every partition that is moving from one member to
another: its owner must revoke it first, and the next rebalance hands it over.

Members are ordered by member id alone here: Kafka's sticky assignors ignore
``group.instance.id`` (only ``range`` and ``roundrobin`` put static members first).

Unlike Kafka's Java objects, these assignors keep no state between calls (Kafka's remembers
the highest generation it has seen); everything comes from the subscriptions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from engine.assignors.base import AbstractPartitionAssignor, RebalanceProtocol, prepare_input
from engine.assignors.cooperative import transferring_ownership
from engine.assignors.java import compute_if_absent_order
from engine.assignors.ordering import sorted_members
from engine.assignors.sticky_constrained import build_constrained
from engine.assignors.sticky_general import build_general
from engine.assignors.sticky_owned import check_owned_partitions
from engine.assignors.subscription import Subscription
from engine.core.records import TopicPartition


@dataclass(frozen=True)
class StickyPlan:
    """What the sticky algorithm decided, before the cooperative adjustment.

    * ``assignment``: each member's partitions (members in Kafka's member order; each list
      holds the kept partitions first, then the new ones);
    * ``partitions_transferring_ownership``: partition -> new member, for partitions that
      another member owned (Kafka's ``partitionsTransferringOwnership``);
    * ``builder``: ``"constrained"`` (all subscriptions equal) or ``"general"``.
    """

    assignment: dict[str, list[TopicPartition]]
    partitions_transferring_ownership: dict[TopicPartition, str]
    builder: str


class _AbstractStickyAssignor(AbstractPartitionAssignor):
    """What ``sticky`` and ``cooperative-sticky`` share (Kafka's ``AbstractStickyAssignor``)."""

    def plan(
        self,
        partitions_per_topic: Mapping[str, int],
        subscriptions: Mapping[str, Subscription | Iterable[str]],
    ) -> StickyPlan:
        """The sticky assignment with how it was reached (checked input, as :meth:`assign`)."""
        counts, members = prepare_input(partitions_per_topic, subscriptions)
        if not members:
            return StickyPlan({}, {}, "constrained")
        return self._sticky_plan(counts, members)

    def _sticky_plan(
        self, partitions_per_topic: dict[str, int], subscriptions: Mapping[str, Subscription]
    ) -> StickyPlan:
        subscriptions = {m: self._member_data(sub) for m, sub in subscriptions.items()}
        owned = check_owned_partitions(partitions_per_topic, subscriptions)
        order = sorted_members(subscriptions)
        if owned.all_subscriptions_equal:
            result = build_constrained(partitions_per_topic, owned)
            assignment = {member: result.assignment[member] for member in order}
            return StickyPlan(assignment, result.transferring, "constrained")
        built = build_general(partitions_per_topic, subscriptions, owned)
        assignment = {member: built[member] for member in order}
        return StickyPlan(assignment, _transferring(subscriptions, assignment), "general")

    def _member_data(self, subscription: Subscription) -> Subscription:
        """Owned partitions and generation as the assignor reads them (Kafka's ``memberData``)."""
        return subscription

    def assign_partitions(
        self, partitions_per_topic: dict[str, int], subscriptions: Mapping[str, Subscription]
    ) -> dict[str, list[TopicPartition]]:
        return self._finish(self._sticky_plan(partitions_per_topic, subscriptions))

    def _finish(self, plan: StickyPlan) -> dict[str, list[TopicPartition]]:
        return plan.assignment


class StickyAssignor(_AbstractStickyAssignor):
    """Balanced and sticky, eager: members revoke everything, then mostly get it back.

    For the eager ``sticky`` assignor Kafka carries a member's previous assignment and its
    generation in the subscription's user data; here they are ``owned_partitions`` and
    ``generation`` of :class:`~engine.assignors.subscription.Subscription`.
    """

    name = "sticky"
    supported_protocols = (RebalanceProtocol.EAGER,)

    def _member_data(self, subscription: Subscription) -> Subscription:
        # Kafka's user data stores the previous assignment grouped by topic (a HashMap filled
        # with computeIfAbsent), so that is the order in which the leader reads it back.
        by_topic: dict[str, list[TopicPartition]] = {}
        for tp in subscription.owned_partitions:
            by_topic.setdefault(tp.topic, []).append(tp)
        regrouped = tuple(
            tp for topic in compute_if_absent_order(by_topic) for tp in by_topic[topic]
        )
        return replace(subscription, owned_partitions=regrouped)


class CooperativeStickyAssignor(_AbstractStickyAssignor):
    """Balanced and sticky, cooperative: partitions that must move are held back one round."""

    name = "cooperative-sticky"
    supported_protocols = (RebalanceProtocol.COOPERATIVE, RebalanceProtocol.EAGER)

    def _finish(self, plan: StickyPlan) -> dict[str, list[TopicPartition]]:
        return {
            member: [tp for tp in tps if plan.partitions_transferring_ownership.get(tp) != member]
            for member, tps in plan.assignment.items()
        }


def _transferring(
    subscriptions: Mapping[str, Subscription], assignment: Mapping[str, list[TopicPartition]]
) -> dict[TopicPartition, str]:
    """Kafka's ``computePartitionsTransferringOwnership``: added to one, revoked from another."""
    owned = {member: sub.owned_partitions for member, sub in subscriptions.items()}
    return transferring_ownership(owned, assignment)
