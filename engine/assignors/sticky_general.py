"""The sticky assignors' "general" builder, for members that subscribe to different topics.

Kafka's ``GeneralAssignmentBuilder``:

1. keeps every valid owned partition whose topic the member still subscribes to;
2. hands each remaining partition (topics with the fewest subscribers first) to the
   least-loaded member that subscribes to its topic (ties: smaller member id);
3. then moves partitions one at a time from a member to one with at least two fewer, until
   no such move is possible, preferring to move a partition back to its owner of an earlier
   generation, and avoiding moving partitions of a topic back and forth between two members;
4. keeps the result only if it is better balanced (or when starting from nothing).

Members and topics are compared with Java's ``String.compareTo``; the one ``HashSet`` whose
order matters is walked in Java's order (:class:`~engine.assignors.java.JavaHashSet`).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass

from engine.assignors.java import JavaHashSet, compare_key, string_hash_order, topic_partition_hash
from engine.assignors.sticky_owned import OwnedPartitions
from engine.assignors.subscription import DEFAULT_GENERATION, Subscription
from engine.core.records import TopicPartition


@dataclass(frozen=True)
class _Previous:
    member: str
    generation: int


class _Movements:
    """Kafka's ``PartitionMovements``: where partitions moved during this rebalance."""

    def __init__(self) -> None:
        self.by_partition: dict[TopicPartition, tuple[str, str]] = {}
        self.by_topic: dict[str, dict[tuple[str, str], JavaHashSet[TopicPartition]]] = {}

    def _remove(self, tp: TopicPartition) -> tuple[str, str]:
        pair = self.by_partition.pop(tp)
        pairs = self.by_topic[tp.topic]
        pairs[pair].remove(tp)
        if not len(pairs[pair]):
            del pairs[pair]
        if not pairs:
            del self.by_topic[tp.topic]
        return pair

    def _add(self, tp: TopicPartition, pair: tuple[str, str]) -> None:
        self.by_partition[tp] = pair
        pairs = self.by_topic.setdefault(tp.topic, {})
        pairs.setdefault(pair, JavaHashSet(topic_partition_hash)).add(tp)

    def move(self, tp: TopicPartition, old: str, new: str) -> None:
        if tp in self.by_partition:
            source, _ = self._remove(tp)
            if source != new:
                self._add(tp, (source, new))
        else:
            self._add(tp, (old, new))

    def actual_partition_to_move(self, tp: TopicPartition, old: str, new: str) -> TopicPartition:
        """Rather move back a partition of the same topic that went ``new -> old`` earlier."""
        pairs = self.by_topic.get(tp.topic)
        if pairs is None:
            return tp
        if tp in self.by_partition:
            old = self.by_partition[tp][0]
        reverse = pairs.get((new, old))
        if reverse is None:
            return tp
        return reverse.first()


class _LoadOrder:
    """Kafka's ``TreeSet`` of members ordered by (number of partitions, member id)."""

    def __init__(self, assignment: dict[str, list[TopicPartition]]) -> None:
        self._assignment = assignment
        self._keys: list[tuple[int, bytes, str]] = []

    def _key(self, member: str) -> tuple[int, bytes, str]:
        return (len(self._assignment[member]), compare_key(member), member)

    def add(self, member: str) -> None:
        key = self._key(member)
        index = bisect.bisect_left(self._keys, key)
        if index == len(self._keys) or self._keys[index] != key:
            self._keys.insert(index, key)

    def remove(self, member: str) -> None:
        key = self._key(member)
        index = bisect.bisect_left(self._keys, key)
        if index < len(self._keys) and self._keys[index] == key:
            del self._keys[index]

    def members(self) -> list[str]:
        return [key[2] for key in self._keys]

    def first(self) -> str:
        return self._keys[0][2]

    def last(self) -> str:
        return self._keys[-1][2]


def build_general(
    partitions_per_topic: dict[str, int],
    subscriptions: Mapping[str, Subscription],
    owned: OwnedPartitions,
) -> dict[str, list[TopicPartition]]:
    """Assign all partitions of ``partitions_per_topic`` to the members of ``subscriptions``."""
    return _General(partitions_per_topic, subscriptions, owned).build()


class _General:
    def __init__(
        self,
        partitions_per_topic: dict[str, int],
        subscriptions: Mapping[str, Subscription],
        owned: OwnedPartitions,
    ) -> None:
        self.partitions_per_topic = partitions_per_topic
        self.subscriptions = subscriptions
        self.owned = owned
        self.total = sum(partitions_per_topic.values())
        self.member_order = string_hash_order(subscriptions)
        self.topic_members: dict[str, list[str]] = {topic: [] for topic in partitions_per_topic}
        self.member_topics: dict[str, list[str]] = {}
        self.current: dict[str, list[TopicPartition]] = {m: list(p) for m, p in owned.owned.items()}
        for member in self.member_order:
            topics = [t for t in subscriptions[member].topics if t in partitions_per_topic]
            self.member_topics[member] = topics
            for topic in topics:
                self.topic_members[topic].append(member)
            self.current.setdefault(member, [])
        self.owner: dict[TopicPartition, str] = {
            tp: member for member, tps in self.current.items() for tp in tps
        }
        topics_sorted = sorted(
            partitions_per_topic, key=lambda t: (len(self.topic_members[t]), compare_key(t))
        )
        self.all_partitions = [
            TopicPartition(t, p) for t in topics_sorted for p in range(partitions_per_topic[t])
        ]
        self.load = _LoadOrder(self.current)
        self.movements = _Movements()
        self.revocation_required = False

    # -- steps ---------------------------------------------------------------------------

    def build(self) -> dict[str, list[TopicPartition]]:
        previous = self._previous_assignment()
        kept = self._keep_owned()
        unassigned = [tp for tp in self.all_partitions if tp not in kept]
        for member in self.current:
            self.load.add(member)
        self._balance(previous, unassigned)
        return self.current

    def _previous_assignment(self) -> dict[TopicPartition, _Previous]:
        """Owners of an older generation, for moving partitions back to them."""
        previous: dict[TopicPartition, _Previous] = {}
        maximum = self.owned.max_generation
        for member in self.member_order:
            subscription = self.subscriptions[member]
            generation = subscription.generation
            if generation != DEFAULT_GENERATION and generation < maximum:
                self._remember(previous, subscription.owned_partitions, member, generation)
            elif generation == DEFAULT_GENERATION and maximum > DEFAULT_GENERATION:
                self._remember(previous, subscription.owned_partitions, member, DEFAULT_GENERATION)
        return previous

    @staticmethod
    def _remember(
        previous: dict[TopicPartition, _Previous],
        partitions: tuple[TopicPartition, ...],
        member: str,
        generation: int,
    ) -> None:
        for tp in partitions:
            known = previous.get(tp)
            if known is None or generation > known.generation:
                previous[tp] = _Previous(member, generation)

    def _keep_owned(self) -> set[TopicPartition]:
        kept: set[TopicPartition] = set()
        for member, partitions in self.current.items():
            topics = self.subscriptions[member].topics
            for tp in list(partitions):
                if tp.topic not in self.topic_members:
                    partitions.remove(tp)
                    self.owner.pop(tp, None)
                elif tp.topic not in topics:
                    partitions.remove(tp)
                    self.revocation_required = True
                else:
                    kept.add(tp)
        return kept

    def _balance(
        self, previous: dict[TopicPartition, _Previous], unassigned: list[TopicPartition]
    ) -> None:
        initializing = not self.current[self.load.last()] if self.current else True
        for tp in unassigned:
            if self.topic_members[tp.topic]:
                self._assign_to_least_loaded(tp)

        fixed_topics = {t for t, members in self.topic_members.items() if len(members) < 2}
        reassignable_all = [tp for tp in self.all_partitions if tp.topic not in fixed_topics]
        reassignable_new = [tp for tp in unassigned if tp.topic not in fixed_topics]

        fixed: dict[str, list[TopicPartition]] = {}
        for member in list(self.member_topics):
            if not self._can_participate(member):
                self.load.remove(member)
                fixed[member] = self.current.pop(member)

        before = {member: list(tps) for member, tps in self.current.items()}
        owner_before = dict(self.owner)

        if not self.revocation_required:
            self._reassign(reassignable_new, previous)
        performed = self._reassign(reassignable_all, previous)

        if not initializing and performed and _score(self.current) >= _score(before):
            self.current.clear()
            self.current.update(before)
            self.owner = owner_before

        for member, partitions in fixed.items():
            self.current[member] = partitions
            self.load.add(member)

    # -- helpers -------------------------------------------------------------------------

    def _assign_to_least_loaded(self, tp: TopicPartition) -> None:
        for member in self.load.members():
            if tp.topic in self.member_topics[member]:
                self.load.remove(member)
                self.current[member].append(tp)
                self.owner[tp] = member
                self.load.add(member)
                return

    def _max_size(self, member: str) -> int:
        topics = self.member_topics[member]
        if len(topics) == len(self.partitions_per_topic):
            return self.total
        return sum(self.partitions_per_topic[t] for t in topics)

    def _can_participate(self, member: str) -> bool:
        partitions = self.current[member]
        if len(partitions) < self._max_size(member):
            return True
        return any(len(self.topic_members[tp.topic]) >= 2 for tp in partitions)

    def _is_balanced(self) -> bool:
        if len(self.current[self.load.first()]) >= len(self.current[self.load.last()]) - 1:
            return True
        holder = {tp: member for member, tps in self.current.items() for tp in tps}
        for member in self.load.members():
            mine = self.current[member]
            count = len(mine)
            if count == self._max_size(member):
                continue
            mine_set = set(mine)
            for topic in self.member_topics[member]:
                for p in range(self.partitions_per_topic[topic]):
                    tp = TopicPartition(topic, p)
                    if tp not in mine_set and count + 1 < len(self.current[holder[tp]]):
                        return False
        return True

    def _reassign(
        self, partitions: list[TopicPartition], previous: dict[TopicPartition, _Previous]
    ) -> bool:
        performed = False
        modified = True
        while modified:
            modified = False
            for tp in partitions:
                if self._is_balanced():
                    break
                member = self.owner[tp]
                earlier = previous.get(tp)
                if (
                    earlier is not None
                    and earlier.member in self.current
                    and len(self.current[member]) > len(self.current[earlier.member]) + 1
                ):
                    self._move(tp, earlier.member)
                    performed = modified = True
                    continue
                size = len(self.current[member])
                if any(
                    size > len(self.current[other]) + 1 for other in self.topic_members[tp.topic]
                ):
                    target = next(
                        m for m in self.load.members() if tp.topic in self.member_topics[m]
                    )
                    self._move(tp, target)
                    performed = modified = True
        return performed

    def _move(self, tp: TopicPartition, new: str) -> None:
        actual = self.movements.actual_partition_to_move(tp, self.owner[tp], new)
        old = self.owner[actual]
        self.load.remove(old)
        self.load.remove(new)
        self.movements.move(actual, old, new)
        self.current[old].remove(actual)
        self.current[new].append(actual)
        self.owner[actual] = new
        self.load.add(new)
        self.load.add(old)


def _score(assignment: Mapping[str, list[TopicPartition]]) -> int:
    sizes = [len(tps) for tps in assignment.values()]
    return sum(abs(a - b) for i, a in enumerate(sizes) for b in sizes[i + 1 :])
