"""What the admin API and ``kafka-consumer-groups`` see: list, describe, lag, delete, alter.

``describe_group`` answers like DescribeGroups (an unknown group is reported ``Dead``
with no members, not as an error; the protocol and the members' assignments are only
reported while the group is ``Stable``); ``describe_offsets`` gives the rows of
``kafka-consumer-groups --describe`` (committed offset, log end offset, lag, owner);
``delete_group`` refuses a group with members (``GroupNotEmptyError``, "The group is not
empty."); ``delete_offsets`` answers like OffsetDelete (per partition: deleted,
``UnknownTopicOrPartitionError`` or ``GroupSubscribedToTopicError``); ``alter_offsets``
commits as an admin client does, which the coordinator only accepts while the group has
no members. The log end offset is the high watermark: what
``ListOffsets(latest)`` returns to a ``read_uncommitted`` client.

Journal events: ``group_deleted`` [group] (after tombstones for its offsets and metadata);
``offsets_deleted`` [group, partitions] (after their tombstones).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from engine.core.errors import (
    GroupIdNotFoundError,
    GroupNotEmptyError,
    GroupSubscribedToTopicError,
    KafkaError,
    UnknownTopicOrPartitionError,
)
from engine.core.records import TopicPartition
from engine.group.coordinator import check_group_id
from engine.group.listorder import shard_order, shards_order
from engine.group.offsets import OffsetsCoordinator
from engine.group.offsets_topic import OFFSETS_TOPIC
from engine.group.state import GroupState, OffsetAndMetadata

S = GroupState


class GroupListing(NamedTuple):
    """One row of ListGroups."""

    group_id: str
    protocol_type: str
    state: str
    type: str = "classic"


class MemberDescription(NamedTuple):
    """A member as DescribeGroups reports it."""

    member_id: str
    group_instance_id: str | None
    client_id: str
    host: str
    assignment: tuple[TopicPartition, ...]


class GroupDescription(NamedTuple):
    """A group as DescribeGroups reports it; ``protocol`` is the assignment strategy,
    ``coordinator`` is None while the group's partition has no leader."""

    group_id: str
    state: str
    protocol_type: str
    protocol: str
    generation: int
    leader: str
    coordinator: int | None
    members: tuple[MemberDescription, ...]


class PartitionOffsets(NamedTuple):
    """One row of ``kafka-consumer-groups --describe``; ``None`` prints as ``-``."""

    group: str
    topic: str
    partition: int
    current_offset: int | None
    log_start_offset: int
    log_end_offset: int
    lag: int | None
    consumer_id: str | None
    host: str | None
    client_id: str | None


class GroupCoordinator(OffsetsCoordinator):
    """Classic groups, committed offsets and the admin view of both: ``cluster.groups``."""

    def list_groups(self, states: list[str] | None = None, *,
                    response_order: bool = False) -> list[GroupListing]:
        """ListGroups: every live group, optionally filtered by state; sorted by id, or
        with ``response_order`` in the order Kafka's brokers answer (see
        :mod:`engine.group.listorder`)."""
        wanted = None if states is None else {s.lower() for s in states}
        ids = self._response_order() if response_order else sorted(self._groups)
        return [GroupListing(g.group_id, g.protocol_type or "", g.state.value)
                for g in (self._groups[gid] for gid in ids)
                if g.state is not S.DEAD and (wanted is None or g.state.value.lower() in wanted)]

    def _response_order(self) -> list[str]:
        """Group ids as the brokers list them: by broker id, shard, then shard table."""
        by_shard: dict[int, list[str]] = {}
        for group_id in self._groups:  # insertion order, as the shards' tables saw it
            by_shard.setdefault(self.offsets_topic.partition_for(group_id), []).append(group_id)
        led: dict[int | None, list[int]] = {}  # each broker's shards (all, for the table size)
        for shard in range(self.offsets_topic.num_partitions):
            leader = None
            if self.offsets_topic.exists():
                leader = self._cluster.partition_leader(OFFSETS_TOPIC, shard)
            led.setdefault(leader, []).append(shard)
        ordered: list[str] = []
        for leader in sorted(led, key=lambda b: (b is None, b or 0)):
            for shard in shards_order(OFFSETS_TOPIC, led[leader]):
                if shard in by_shard:
                    ordered.extend(shard_order(by_shard[shard], self._shard_peaks.get(shard, 0)))
        return ordered

    def group_state(self, group_id: str) -> str:
        group = self._groups.get(group_id)
        return S.DEAD.value if group is None else group.state.value

    def describe_group(self, group_id: str) -> GroupDescription:
        """DescribeGroups for one group (creates ``__consumer_offsets`` if needed, as the
        FindCoordinator before it does in Kafka)."""
        coordinator = self.find_coordinator(group_id)
        described = self.peek_group(group_id)
        if described is None:
            return GroupDescription(group_id, S.DEAD.value, "", "", -1, "", coordinator, ())
        return described

    def peek_group(self, group_id: str) -> GroupDescription | None:
        """The group as DescribeGroups would report it, or ``None`` if there is no such
        group; unlike :meth:`describe_group` it never changes anything (for views)."""
        group = self._groups.get(group_id)
        if group is None:
            return None
        coordinator = (self.offsets_topic.coordinator_for(group_id)
                       if self.offsets_topic.exists() else -1)
        stable = group.state is S.STABLE
        members = tuple(
            MemberDescription(m.member_id, m.group_instance_id, m.client_id, m.client_host,
                              m.assignment if stable else ())
            for m in group.members.values())
        protocol = group.protocol_name or "" if stable else ""  # as Kafka's summary()
        return GroupDescription(group_id, group.state.value, group.protocol_type or "",
                                protocol, group.generation, group.leader_id or "",
                                coordinator, members)

    def committed(self, group_id: str,
                  partitions: list[TopicPartition] | None = None
                  ) -> dict[TopicPartition, OffsetAndMetadata]:
        """The group's committed offsets (OffsetFetch)."""
        return self.fetch_offsets(group_id, partitions)

    def describe_offsets(self, group_id: str) -> list[PartitionOffsets]:
        """Committed offset, log end offset and lag for every partition the group owns or
        has an offset for, sorted by topic and partition."""
        check_group_id(group_id)
        group = self._groups.get(group_id)
        if group is None:
            return []
        owners: dict[TopicPartition, Any] = {}
        if group.state is S.STABLE:
            for member in group.members.values():
                for tp in member.assignment:
                    owners[tp] = member
        rows = []
        for tp in sorted(set(owners) | set(group.offsets)):
            if not self._cluster.has_topic(tp.topic):
                continue
            description = self._cluster.describe_topic(tp.topic)
            if tp.partition >= len(description.partitions):
                continue
            part = description.partitions[tp.partition]
            om = group.offsets.get(tp)
            committed = None if om is None else om.offset
            lag = None if committed is None else part.high_watermark - committed
            owner = owners.get(tp)
            rows.append(PartitionOffsets(
                group_id, tp.topic, tp.partition, committed, part.log_start_offset,
                part.high_watermark, lag,
                owner.member_id if owner else None, owner.client_host if owner else None,
                owner.client_id if owner else None))
        return rows

    def lag(self, group_id: str) -> dict[TopicPartition, int | None]:
        """Lag per partition: high watermark minus committed offset (``None``: none)."""
        return {TopicPartition(r.topic, r.partition): r.lag
                for r in self.describe_offsets(group_id)}

    def total_lag(self, group_id: str) -> int:
        """The group's lag: the sum over partitions that have a committed offset."""
        return sum(lag for lag in self.lag(group_id).values() if lag is not None)

    def delete_group(self, group_id: str) -> None:
        """DeleteGroups: remove an empty group and its offsets."""
        check_group_id(group_id)
        group = self._groups.get(group_id)
        if group is None or group.state is S.DEAD:
            raise GroupIdNotFoundError()
        if group.state is not S.EMPTY:
            raise GroupNotEmptyError()
        if group.offsets:
            self.offsets_topic.append_offsets(group_id, dict.fromkeys(group.offsets))
            group.offsets.clear()
        self._remove_group(group, "group deleted", event="group_deleted")

    def delete_offsets(self, group_id: str, partitions: list[TopicPartition]
                       ) -> dict[TopicPartition, KafkaError | None]:
        """OffsetDelete: forget the group's committed offsets of ``partitions``.

        The group must exist (``GroupIdNotFoundError``) and, while it has members, be a
        consumer group (``GroupNotEmptyError``); each partition then gets ``None`` (done,
        also when nothing was committed), ``UnknownTopicOrPartitionError`` (no such
        partition) or ``GroupSubscribedToTopicError`` (a member subscribes to its topic).
        """
        check_group_id(group_id)
        self.find_coordinator(group_id)
        group = self._groups.get(group_id)
        if group is None or group.state is S.DEAD:
            raise GroupIdNotFoundError()
        subscribed: set[str] | None = set()
        if group.state is not S.EMPTY:
            subscribed = group.subscribed_topics()
            if subscribed is None:
                raise GroupNotEmptyError()
        results: dict[TopicPartition, KafkaError | None] = {}
        gone: dict[TopicPartition, None] = {}
        for tp in sorted(set(partitions)):
            if (not self._cluster.has_topic(tp.topic)
                    or not 0 <= tp.partition < self._cluster.num_partitions(tp.topic)):
                results[tp] = UnknownTopicOrPartitionError()
            elif tp.topic in subscribed:
                results[tp] = GroupSubscribedToTopicError()
            else:
                results[tp] = None
                if tp in group.offsets:
                    gone[tp] = None
        if gone:
            self._expire(group, gone, "deleted by an OffsetDelete request",
                         event="offsets_deleted")
        return results

    def alter_offsets(self, group_id: str,
                      offsets: Mapping[Any, Any]) -> dict[TopicPartition, OffsetAndMetadata]:
        """AlterConsumerGroupOffsets: commit as an admin client (member id ``""``,
        generation -1). Kafka refuses it with ``UnknownMemberIdError`` while the group
        has members; ``kafka-consumer-groups --reset-offsets`` checks the state first."""
        return self.commit_offsets(group_id, offsets, client_id="adminclient")
