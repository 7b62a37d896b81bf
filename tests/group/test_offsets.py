"""OffsetCommit / OffsetFetch, the records they write, and offsets retention."""

from __future__ import annotations

import json

import pytest

from engine.core.errors import (
    IllegalArgumentError,
    IllegalGenerationError,
    InvalidGroupIdError,
    RebalanceInProgressError,
    UnknownMemberIdError,
)
from engine.core.records import TopicPartition as TP
from engine.group.hashing import partition_for_group
from tests.group.helpers import join, new_cluster, state

WEEK_MS = 7 * 24 * 3600 * 1000


def test_standalone_commit_creates_an_empty_group_and_a_record() -> None:
    cluster = new_cluster()
    cluster.groups.commit_offsets("g", {TP("t", 0): 5, TP("t", 1): (7, "note")})
    assert state(cluster) == "Empty"
    committed = cluster.groups.fetch_offsets("g")
    assert {tp: om.offset for tp, om in committed.items()} == {TP("t", 0): 5, TP("t", 1): 7}
    assert committed[TP("t", 1)].metadata == "note"
    p = partition_for_group("g")
    records = cluster.fetch("__consumer_offsets", p, 0)
    offsets = [r for r in records if b'"topic"' in r.key]
    assert [json.loads(r.key) for r in offsets] == [
        {"group": "g", "partition": 0, "topic": "t"},
        {"group": "g", "partition": 1, "topic": "t"}]
    assert json.loads(offsets[0].value)["offset"] == 5


def test_bad_commits_change_nothing() -> None:
    cluster = new_cluster()
    cluster.groups.commit_offsets("g", {TP("t", 0): 1})
    digest = cluster.journal.digest()
    with pytest.raises(IllegalArgumentError, match="Invalid negative offset"):
        cluster.groups.commit_offsets("g", {TP("t", 0): 5, TP("t", 1): -1})
    with pytest.raises(TypeError):
        cluster.groups.commit_offsets("g", {("t", "0"): 5})
    with pytest.raises(InvalidGroupIdError):
        cluster.groups.commit_offsets("", {TP("t", 0): 5})
    assert cluster.journal.digest() == digest
    assert cluster.groups.fetch_offsets("g")[TP("t", 0)].offset == 1


def test_member_commits_are_checked_against_the_generation() -> None:
    cluster = new_cluster()
    j = join(cluster)
    cluster.advance(3000)
    member = j.value.member_id
    with pytest.raises(RebalanceInProgressError):  # CompletingRebalance
        cluster.groups.commit_offsets("g", {TP("t", 0): 1}, member_id=member, generation=1)
    cluster.groups.sync_group("g", member, 1, assignments={member: [TP("t", 0)]})
    with pytest.raises(IllegalGenerationError):
        cluster.groups.commit_offsets("g", {TP("t", 0): 1}, member_id=member, generation=0)
    with pytest.raises(UnknownMemberIdError):
        cluster.groups.commit_offsets("g", {TP("t", 0): 1}, member_id="x", generation=1)
    with pytest.raises(UnknownMemberIdError):  # an admin commit to an active group
        cluster.groups.commit_offsets("g", {TP("t", 0): 1})
    cluster.groups.commit_offsets("g", {TP("t", 0): 1}, member_id=member, generation=1)
    assert cluster.groups.fetch_offsets("g")[TP("t", 0)].offset == 1


def test_commit_to_an_unknown_group_with_a_generation_is_refused() -> None:
    cluster = new_cluster()
    with pytest.raises(IllegalGenerationError):
        cluster.groups.commit_offsets("g", {TP("t", 0): 1}, member_id="m", generation=3)


def test_offsets_of_an_empty_consumer_group_expire_after_seven_days() -> None:
    cluster = new_cluster()
    j = join(cluster)
    cluster.advance(3000)
    member = j.value.member_id
    cluster.groups.sync_group("g", member, 1, assignments={member: [TP("t", 0)]})
    cluster.groups.commit_offsets("g", {TP("t", 0): 4}, member_id=member, generation=1)
    cluster.groups.leave_group("g", member)
    emptied = cluster.now_ms
    # the check runs every 10 minutes: at the first check at or after emptied + 7 days
    cluster.advance(WEEK_MS - 1)
    assert cluster.groups.fetch_offsets("g")
    cluster.advance(600000)
    assert cluster.groups.fetch_offsets("g") == {}
    expired = [e for e in cluster.journal if e.kind == "offsets_expired"]
    assert expired[0].data["partitions"] == [["t", 0]]
    assert expired[0].time_ms >= emptied + WEEK_MS
    assert state(cluster) == "Dead"
    assert [e.kind for e in cluster.journal if e.kind.startswith("group_")][-1] == (
        "group_removed")
    assert cluster.groups.list_groups() == []


def test_stable_group_keeps_offsets_of_subscribed_topics() -> None:
    cluster = new_cluster()
    cluster.create_topic("other", partitions=1)
    j = join(cluster, session_timeout_ms=1800000, rebalance_timeout_ms=1800000)
    cluster.advance(3000)
    member = j.value.member_id
    cluster.groups.sync_group("g", member, 1, assignments={member: [TP("t", 0)]})
    cluster.groups.commit_offsets("g", {TP("t", 0): 1, TP("other", 0): 1},
                                  member_id=member, generation=1)
    for _ in range(8 * 72):  # heartbeat every 20 minutes for 8 days
        cluster.advance(1200 * 1000)
        assert cluster.groups.heartbeat("g", member, 1) is None
    assert list(cluster.groups.fetch_offsets("g")) == [TP("t", 0)]


def test_deleting_a_topic_drops_its_offsets() -> None:
    cluster = new_cluster()
    cluster.groups.commit_offsets("g", {TP("t", 0): 3})
    cluster.delete_topic("t")
    assert cluster.groups.fetch_offsets("g") == {}
