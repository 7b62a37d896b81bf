"""Helpers for the sticky assignor tests: Kafka's cooperative follow-up check and isSticky."""

from __future__ import annotations

from collections.abc import Mapping

from engine.assignors import CooperativeStickyAssignor, Subscription, TopicPartition
from tests.assignors.helpers import verify_validity_and_balance

GENERATION = 1  # AbstractStickyAssignorTest.generationId


def settle(
    assignor,
    counts: Mapping[str, int],
    subscriptions: dict[str, Subscription],
    assignment: dict[str, list[TopicPartition]],
) -> dict[str, list[TopicPartition]]:
    """Kafka's ``verifyValidityAndBalance`` for both assignors.

    For the cooperative assignor (as CooperativeStickyAssignorTest does) no partition may be
    revoked and assigned in the same rebalance, and while partitions are being revoked the
    members rejoin with what they now own; ``subscriptions`` is updated in place and the
    final assignment returned.
    """
    if isinstance(assignor, CooperativeStickyAssignor):
        rounds = 0
        while _revoking(subscriptions, assignment):
            for member, partitions in assignment.items():
                old = subscriptions[member]
                subscriptions[member] = Subscription(old.topics, tuple(partitions), GENERATION)
            assignment = assignor.assign(counts, subscriptions)
            rounds += 1
            assert rounds <= 4
    verify_validity_and_balance(subscriptions, assignment, counts)
    return assignment


def _revoking(
    subscriptions: Mapping[str, Subscription], assignment: Mapping[str, list[TopicPartition]]
) -> bool:
    added: set[TopicPartition] = set()
    revoked: set[TopicPartition] = set()
    for member, partitions in assignment.items():
        owned = set(subscriptions[member].owned_partitions)
        revoked |= owned - set(partitions)
        added |= set(partitions) - owned
    assert not added & revoked, f"revoked and assigned in one rebalance: {added & revoked}"
    return bool(revoked)


def is_sticky(
    subscriptions: Mapping[str, Subscription], assignment: Mapping[str, list[TopicPartition]]
) -> bool:
    """Kafka's ``isSticky`` property: partitions of one topic never move both ways between
    the same two members in one rebalance."""
    before = {tp: m for m, s in subscriptions.items() for tp in s.owned_partitions}
    moves: dict[str, set[tuple[str, str]]] = {}
    for member, partitions in assignment.items():
        for tp in partitions:
            old = before.get(tp)
            if old is not None and old != member and old in assignment:
                moves.setdefault(tp.topic, set()).add((old, member))
    return all((b, a) not in pairs for pairs in moves.values() for a, b in pairs)


def owned_by(
    assignment: Mapping[str, list[TopicPartition]], generation: int = GENERATION
) -> dict[str, tuple[tuple[TopicPartition, ...], int]]:
    return {m: (tuple(p), generation) for m, p in assignment.items()}


def parse(text: str) -> list[TopicPartition]:
    """``"t1-0, t2-3"`` (Kafka's toString of partitions) -> partitions."""
    if not text:
        return []
    out = []
    for item in text.split(", "):
        topic, _, partition = item.rpartition("-")
        out.append(TopicPartition(topic, int(partition)))
    return out


def sorted_string(partitions: list[TopicPartition]) -> str:
    """Kafka's ``toSortedString``: ``topic-partition`` strings, sorted as strings."""
    return ", ".join(sorted(f"{t}-{p}" for t, p in partitions))
