"""Which previously owned partitions a sticky assignor may keep (``AbstractStickyAssignor``).

Members report the partitions they own and the generation in which they got them. Before
keeping any of them, Kafka's sticky assignors throw out claims that cannot all be true:

* a partition claimed by two members **of the same generation** is taken from both (and
  remembered, so that whoever gets it is told it changed hands);
* a partition claimed by members of **different generations** stays with the newest one;
* partitions of topics no longer in the assignment are dropped.

The same pass finds out whether every member subscribes to the same topics, which decides
between the "constrained" and the "general" assignment builder. Members are visited in the
order of the Java ``HashMap`` the group leader keeps them in, as that order decides a few
corner cases (see :mod:`engine.assignors.java`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.assignors.java import string_hash_order
from engine.assignors.subscription import DEFAULT_GENERATION, Subscription
from engine.core.records import TopicPartition


@dataclass
class OwnedPartitions:
    """The outcome of checking the members' ownership claims."""

    all_subscriptions_equal: bool
    """True if every member subscribes to the same set of topics."""
    owned: dict[str, list[TopicPartition]]
    """Each member's valid owned partitions, members in the leader's ``HashMap`` order."""
    claimed_by_several: set[TopicPartition]
    """Partitions claimed by more than one member of the same generation."""
    max_generation: int
    """The highest generation any member reports (``-1`` if none)."""


def check_owned_partitions(
    topics: Mapping[str, int], subscriptions: Mapping[str, Subscription]
) -> OwnedPartitions:
    """Validate the ownership claims of ``subscriptions`` against the assigned ``topics``."""
    all_equal = True
    reference: set[str] = set()
    owned: dict[str, list[TopicPartition]] = {}
    claimed_by_several: set[TopicPartition] = set()
    owner_of: dict[TopicPartition, str] = {}
    max_generation = DEFAULT_GENERATION

    for member in string_hash_order(subscriptions):
        subscription = subscriptions[member]
        member_topics = set(subscription.topics)
        # Kafka takes the first non-empty topic set it meets as the reference.
        if not reference:
            reference |= member_topics
        elif all_equal and member_topics != reference:
            all_equal = False

        generation = subscription.generation
        max_generation = max(max_generation, generation)
        mine: list[TopicPartition] = []
        owned[member] = mine
        for tp in subscription.owned_partitions:
            if tp.topic not in topics:
                continue
            other = owner_of.get(tp)
            if other is None:
                mine.append(tp)
                owner_of[tp] = member
                continue
            other_generation = subscriptions[other].generation
            if generation == other_generation:
                claimed_by_several.add(tp)
                _discard(owned[other], tp)
                owner_of[tp] = member
            elif generation > other_generation:
                mine.append(tp)
                _discard(owned[other], tp)
                owner_of[tp] = member
    return OwnedPartitions(all_equal, owned, claimed_by_several, max_generation)


def _discard(partitions: list[TopicPartition], tp: TopicPartition) -> None:
    if tp in partitions:
        partitions.remove(tp)
