"""Committed offsets: OffsetCommit, OffsetFetch, and ``offsets.retention.minutes``.

A commit is accepted from a member of the current generation (``Stable`` or
``PreparingRebalance``: members commit while they revoke), or, with no member id and
generation -1, from a standalone consumer or an admin client while the group has no
members. Each accepted commit appends one record per partition to the group's
``__consumer_offsets`` partition and then updates the in-memory table.

Retention runs every ``offsets.retention.check.interval.ms`` (10 minutes) on the
simulated clock, with ``offsets.retention.minutes`` (7 days), as Kafka does since
KIP-211: the offsets of an ``Empty`` consumer group expire together, 7 days after the
group became empty; those of a standalone group (no protocol type) each expire 7 days
after their commit; in an active group, only offsets of topics no member subscribes to
expire. An ``Empty`` group left with no offsets becomes ``Dead`` and disappears.
Deleting a topic drops its committed offsets at once.

Journal events: ``offsets_committed`` [group, member_id, generation, client_id, auto,
offsets [{topic, partition, offset, metadata}]], ``offsets_expired`` [group, reason,
partitions], and ``group_state_changed`` to ``Dead`` followed by ``group_removed``
[group, reason].
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engine.core.args import is_int
from engine.core.errors import (
    CoordinatorNotAvailableError,
    IllegalArgumentError,
    IllegalGenerationError,
    RebalanceInProgressError,
    UnknownMemberIdError,
)
from engine.core.records import TopicPartition
from engine.group.coordinator import ClassicGroupCoordinator, check_group_id, tp_list
from engine.group.offsets_topic import OFFSETS_TOPIC
from engine.group.state import Group, GroupState, OffsetAndMetadata

if TYPE_CHECKING:
    from engine.core.cluster import Cluster
    from engine.journal import Event

S = GroupState


def normalize_offsets(
    offsets: Mapping[Any, Any], now_ms: int
) -> dict[TopicPartition, OffsetAndMetadata]:
    """Check a commit's offsets (before anything changes) and stamp them with ``now_ms``.

    Values may be an int offset, an ``(offset, metadata)`` pair or an
    :class:`OffsetAndMetadata`.
    """
    if not isinstance(offsets, Mapping):
        raise TypeError(f"offsets must be a mapping of TopicPartition to offset, "
                        f"got {type(offsets).__name__}")
    result: dict[TopicPartition, OffsetAndMetadata] = {}
    for key, value in offsets.items():
        if (not isinstance(key, tuple) or len(key) != 2 or not isinstance(key[0], str)
                or not is_int(key[1])):
            raise TypeError(f"offsets keys must be TopicPartition(topic, partition), got {key!r}")
        metadata, epoch = "", -1
        if isinstance(value, OffsetAndMetadata):
            offset, metadata, epoch = value.offset, value.metadata, value.leader_epoch
        elif isinstance(value, tuple) and len(value) == 2:
            offset, metadata = value
        else:
            offset = value
        if not is_int(offset):
            raise TypeError(f"an offset must be an int, got {offset!r}")
        if offset < 0:
            raise IllegalArgumentError("Invalid negative offset")
        if not isinstance(metadata, str):
            raise TypeError(f"offset metadata must be a str, got {metadata!r}")
        result[TopicPartition(key[0], key[1])] = OffsetAndMetadata(
            offset, metadata, now_ms, epoch)
    return result


class OffsetsCoordinator(ClassicGroupCoordinator):
    """The coordinator plus its offsets store (see the module docstring)."""

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        cluster.journal.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if event.kind == "topic_deleted":
            self._drop_topic_offsets(str(event.data["topic"]))
        elif event.kind == "leader_elected" and event.data.get("topic") == OFFSETS_TOPIC:
            partition, leader = event.data.get("partition"), event.data.get("leader")
            self._offsets_elections[(partition, leader)] = event.time_ms

    def _drop_topic_offsets(self, topic: str) -> None:
        for group_id in sorted(self._groups):
            group = self._groups[group_id]
            gone = {tp: None for tp in group.offsets if tp.topic == topic}
            if gone:
                try:
                    self._expire(group, gone, "topic deleted")
                except CoordinatorNotAvailableError:
                    for tp in gone:  # forget them anyway; the tombstones come later
                        group.offsets.pop(tp, None)

    # --------------------------------------------------------- OffsetCommit
    def commit_offsets(
        self,
        group_id: str,
        offsets: Mapping[Any, Any],
        *,
        member_id: str = "",
        generation: int = -1,
        group_instance_id: str | None = None,
        client_id: str | None = None,
        auto: bool = False,
    ) -> dict[TopicPartition, OffsetAndMetadata]:
        """OffsetCommit: store ``offsets`` for ``group_id`` or raise Kafka's error."""
        check_group_id(group_id)
        stamped = normalize_offsets(offsets, self.now_ms)
        self.find_coordinator(group_id)
        group = self._groups.get(group_id)
        if group is None:
            if generation >= 0:
                raise IllegalGenerationError()
            group = self._group(group_id, create=True)
            assert group is not None
        self._validate_commit(group, member_id, generation, group_instance_id)
        if not stamped:
            return {}
        self.offsets_topic.append_offsets(group_id, stamped)
        group.offsets.update(stamped)
        self._record("offsets_committed", {
            "group": group_id, "member_id": member_id, "generation": generation,
            "client_id": client_id, "auto": auto,
            "offsets": [{"topic": tp.topic, "partition": tp.partition, "offset": om.offset,
                         "metadata": om.metadata} for tp, om in sorted(stamped.items())]})
        return stamped

    def _validate_commit(self, group: Group, member_id: str, generation: int,
                         group_instance_id: str | None) -> None:
        if group.state is S.DEAD:
            raise CoordinatorNotAvailableError()
        if generation < 0 and member_id == "" and group_instance_id is None:
            if group.state is not S.EMPTY:
                raise UnknownMemberIdError()
            return
        error = self._validate_member(group, member_id, group_instance_id)
        if error is not None:
            raise error()
        if generation != group.generation:
            raise IllegalGenerationError()
        if group.state is S.COMPLETING_REBALANCE:
            raise RebalanceInProgressError()

    # ---------------------------------------------------------- OffsetFetch
    def fetch_offsets(
        self, group_id: str, partitions: list[TopicPartition] | None = None
    ) -> dict[TopicPartition, OffsetAndMetadata]:
        """OffsetFetch: the committed offsets of ``group_id`` (all, or of ``partitions``)."""
        check_group_id(group_id)
        group = self._groups.get(group_id)
        if group is None:
            return {}
        if partitions is None:
            return dict(sorted(group.offsets.items()))
        return {tp: group.offsets[tp] for tp in partitions if tp in group.offsets}

    # ------------------------------------------------------------ retention
    def expire_offsets(self) -> None:
        """One run of the offsets retention check (the coordinator's timer calls it)."""
        retention_ms = int(self._cluster.broker_config("offsets.retention.minutes")) * 60000
        now = self.now_ms
        for group_id in sorted(self._groups):
            group = self._groups[group_id]
            if group.state is S.DEAD:
                continue
            expired: dict[TopicPartition, None] = {}
            if group.protocol_type and group.state is S.EMPTY:
                if now - group.state_timestamp_ms >= retention_ms:
                    expired = dict.fromkeys(group.offsets)
                reason = "group empty for offsets.retention.minutes"
            else:
                subscribed = group.subscribed_topics() if group.protocol_type else None
                expired = {tp: None for tp, om in group.offsets.items()
                           if now - om.commit_timestamp >= retention_ms
                           and (subscribed is None or tp.topic not in subscribed)}
                reason = "committed more than offsets.retention.minutes ago"
            if expired:
                try:
                    self._expire(group, expired, reason)
                except CoordinatorNotAvailableError:
                    continue  # the next check tries again
            if group.state is S.EMPTY and not group.offsets:
                self._remove_group(group, "group is empty and has no committed offsets")

    def _expire(self, group: Group, expired: dict[TopicPartition, None], reason: str,
                event: str = "offsets_expired") -> None:
        """Tombstone and forget ``expired`` offsets; journal ``event`` (``offsets_expired``
        for retention, ``offsets_deleted`` for an OffsetDelete request)."""
        self.offsets_topic.append_offsets(group.group_id, expired)
        for tp in expired:
            del group.offsets[tp]
        self._record(event, {"group": group.group_id, "reason": reason,
                             "partitions": tp_list(list(expired))})

    def _remove_group(self, group: Group, reason: str, event: str = "group_removed") -> None:
        """Make ``group`` ``Dead``, tombstone it and forget it; journal ``event``
        (``group_removed`` for retention, ``group_deleted`` for a DeleteGroups request)."""
        self._cancel(group, "join_timer")
        self._cancel(group, "sync_timer")
        self._transition(group, S.DEAD, reason)
        with contextlib.suppress(CoordinatorNotAvailableError):
            self.offsets_topic.append_group(group.group_id, None)
        del self._groups[group.group_id]
        self._record(event, {"group": group.group_id, "reason": reason})
