"""The sticky assignors' "constrained" builder, used when every member subscribes alike.

With ``P`` partitions and ``C`` members, every member must end with ``P // C`` (``min_quota``)
or ``ceil(P / C)`` (``max_quota``) partitions, and exactly ``P % C`` of them with the larger
number. Kafka's ``ConstrainedAssignmentBuilder`` then:

1. lets each member keep its valid owned partitions (sorted by partition, then topic) up to
   its quota; owned partitions beyond it may be revoked;
2. deals the partitions nobody kept, in (topic, partition) order, round-robin over the
   members below ``min_quota`` (sorted by member id), then tops up members sitting at
   ``min_quota`` to ``max_quota`` in turn until ``P % C`` members hold ``max_quota``.

A partition dealt to a member other than the one that owned it is "transferring ownership":
the cooperative assignor holds it back for one rebalance. Rack-aware steps are not modelled.
Kafka's consistency checks raise :class:`~engine.core.errors.IllegalStateError` with Kafka's
texts (they cannot fail for valid input).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.assignors.java import compare_key
from engine.assignors.sticky_owned import OwnedPartitions
from engine.core.errors import IllegalStateError
from engine.core.records import TopicPartition


@dataclass
class ConstrainedResult:
    """The assignment (in the leader's member order) and the partitions changing owner."""

    assignment: dict[str, list[TopicPartition]]
    transferring: dict[TopicPartition, str] = field(default_factory=dict)


def build_constrained(
    partitions_per_topic: dict[str, int], owned: OwnedPartitions
) -> ConstrainedResult:
    """Assign all partitions of ``partitions_per_topic`` to the members of ``owned.owned``."""
    members = list(owned.owned)
    total = sum(partitions_per_topic.values())
    min_quota, extra = divmod(total, len(members))
    max_quota = min_quota + (1 if extra else 0)
    expected_over_min = extra
    over_min = 0

    assignment: dict[str, list[TopicPartition]] = {member: [] for member in members}
    transferring: dict[TopicPartition, str] = {}
    maybe_revoked: dict[TopicPartition, str] = {}
    kept: set[TopicPartition] = set()
    under_min: list[str] = []
    at_min: list[str] = []

    # Step 1: keep owned partitions, up to the quota.
    for member in members:
        mine = sorted(owned.owned[member], key=lambda tp: (tp.partition, compare_key(tp.topic)))
        mine = [tp for tp in mine if tp not in owned.claimed_by_several]
        if len(mine) < min_quota:
            assignment[member].extend(mine)
            kept.update(mine)
            under_min.append(member)
        elif len(mine) >= max_quota and over_min < expected_over_min:
            over_min += 1
            if over_min == expected_over_min:
                at_min.clear()
            assignment[member].extend(mine[:max_quota])
            kept.update(mine[:max_quota])
            for tp in mine[max_quota:]:
                maybe_revoked[tp] = member
        else:
            assignment[member].extend(mine[:min_quota])
            kept.update(mine[:min_quota])
            for tp in mine[min_quota:]:
                maybe_revoked[tp] = member
            if over_min < expected_over_min:
                at_min.append(member)

    unassigned = [
        TopicPartition(topic, p)
        for topic in sorted(partitions_per_topic, key=compare_key)
        for p in range(partitions_per_topic[topic])
        if TopicPartition(topic, p) not in kept
    ]
    under_min.sort(key=compare_key)
    at_min.sort(key=compare_key)

    def give(tp: TopicPartition, member: str) -> int:
        assignment[member].append(tp)
        previous = maybe_revoked.get(tp)
        if (previous is not None and previous != member) or tp in owned.claimed_by_several:
            transferring[tp] = member
        return len(assignment[member])

    # Step 3: round-robin what is left (Java walks under_min with an iterator that it resets).
    cursor = 0
    for tp in unassigned:
        from_cursor = cursor < len(under_min)
        if from_cursor:
            member = under_min[cursor]
            cursor += 1
        elif not under_min and not at_min:
            raise IllegalStateError("No more unfilled consumers to be assigned.")
        elif not under_min:
            member = at_min.pop(0)
        else:
            cursor = 0
            member = under_min[cursor]
            cursor += 1
            from_cursor = True
        count = give(tp, member)
        if count == min_quota:
            if from_cursor:
                cursor -= 1
                del under_min[cursor]
            at_min.append(member)
        elif count == max_quota:
            over_min += 1

    # Kafka's verifyUnfilledMembers.
    if under_min:
        if over_min != expected_over_min:
            raise IllegalStateError(
                "We haven't reached the expected number of members with more than the "
                "minQuota partitions, but no more partitions to be assigned"
            )
        for member in under_min:
            if len(assignment[member]) != min_quota:
                raise IllegalStateError(
                    f"Consumer: [{member}] doesn't reach minQuota partitions, "
                    "and no more partitions to be assigned"
                )
    return ConstrainedResult(assignment, transferring)
