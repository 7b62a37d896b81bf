"""The consumer API: the seed's crash-and-restart scenario, resets, seeks, commits."""

from __future__ import annotations

import re

import pytest

from engine.core.errors import (
    CommitFailedError,
    IllegalArgumentError,
    IllegalStateError,
    InvalidGroupIdError,
    NoOffsetForPartitionError,
)
from engine.core.records import TopicPartition as TP
from tests.consumer.helpers import drive, new_cluster


def _values(got):
    return [r.value.decode() for records in got.values() for r in records]


def test_seed_scenario_read_commit_crash_restart_reads_from_five() -> None:
    cluster = new_cluster(partitions=1)
    for i in range(1, 5):
        cluster.produce("t", str(i))
    first = cluster.consumer("t", group_id="app", enable_auto_commit=False,
                             auto_offset_reset="earliest")
    assert _values(first.poll(5000)) == ["1", "2", "3", "4"]
    first.commit()
    first.crash()
    for i in range(5, 8):
        cluster.produce("t", str(i))
    restarted = cluster.consumer("t", group_id="app", enable_auto_commit=False,
                                 auto_offset_reset="earliest")
    # the crashed member still holds its place until session.timeout.ms (45 s) passes
    got = restarted.poll(60000)
    assert _values(got) == ["5", "6", "7"]
    assert cluster.now_ms - 3000 >= 45000


def test_earliest_and_latest_for_a_group_without_offsets() -> None:
    cluster = new_cluster(partitions=1)
    cluster.produce("t", "old")
    early = cluster.consumer("t", group_id="a", auto_offset_reset="earliest")
    late = cluster.consumer("t", group_id="b", auto_offset_reset="latest")
    got = drive([early, late], rounds=1, timeout_ms=5000)
    assert got[early] == [b"old"] and got[late] == []
    cluster.produce("t", "new")
    got = drive([early, late], rounds=1, timeout_ms=100)
    assert got[early] == [b"new"] and got[late] == [b"new"]


def test_the_latest_trap_records_sent_before_the_assignment_are_never_seen() -> None:
    cluster = new_cluster(partitions=1)
    consumer = cluster.consumer("t", group_id="new-group")  # latest is the default
    consumer.poll(0)                 # joins; the group waits 3 s for more members
    cluster.produce("t", "sent while the group was forming")
    assert consumer.poll(5000) == {}
    cluster.produce("t", "after")
    assert _values(consumer.poll(100)) == ["after"]


def test_none_raises_without_a_committed_offset() -> None:
    cluster = new_cluster(partitions=2)
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="none")
    with pytest.raises(NoOffsetForPartitionError, match=re.escape(
            "Undefined offset with no reset policy for partitions: [t-0, t-1]")):
        consumer.poll(5000)
    cluster.groups.alter_offsets("other", {TP("t", 0): 0, TP("t", 1): 0})
    ok = cluster.consumer(group_id="other", auto_offset_reset="none")
    ok.assign([TP("t", 0), TP("t", 1)])
    assert ok.poll(0) == {}
    assert ok.position(TP("t", 0)) == 0


def test_by_duration_starts_at_the_first_record_inside_the_window() -> None:
    cluster = new_cluster(partitions=1)
    for i in range(5):
        cluster.produce("t", str(i))
        cluster.advance(60000)  # one record per minute, at 0, 60 s, ... 240 s
    consumer = cluster.consumer(group_id="g", auto_offset_reset="by_duration:PT2M30S")
    consumer.assign([TP("t", 0)])
    # now = 300 s; window starts at 150 s: the record at 180 s (offset 3)
    assert consumer.position(TP("t", 0)) == 3
    old = cluster.consumer(group_id="g2", auto_offset_reset="by_duration:PT1S")
    old.assign([TP("t", 0)])
    assert old.position(TP("t", 0)) == 5  # nothing that recent: latest


def test_manual_assign_seek_and_replay() -> None:
    cluster = new_cluster(partitions=2)
    for i in range(6):
        cluster.produce("t", str(i), partition=i % 2)
    consumer = cluster.consumer(auto_offset_reset="earliest")
    assert consumer.client_id.startswith("consumer-null-")
    consumer.assign([TP("t", 0)])
    assert _values(consumer.poll(0)) == ["0", "2", "4"]
    consumer.seek(TP("t", 0), 1)
    assert _values(consumer.poll(0)) == ["2", "4"]
    consumer.seek_to_beginning()
    assert consumer.position(TP("t", 0)) == 0
    consumer.seek_to_end(TP("t", 0))
    assert consumer.position(TP("t", 0)) == 3 and consumer.highwater(TP("t", 0)) == 3
    assert consumer.poll(100) == {}
    with pytest.raises(InvalidGroupIdError, match=r"must provide a valid group\.id"):
        consumer.commit()


def test_max_poll_records_and_rotation() -> None:
    cluster = new_cluster(partitions=2)
    cluster.produce_batch("t", [(None, str(i)) for i in range(10)], partition=0)
    cluster.produce_batch("t", [(None, str(i)) for i in range(10)], partition=1)
    consumer = cluster.consumer(auto_offset_reset="earliest", max_poll_records=4)
    consumer.assign([TP("t", 0), TP("t", 1)])
    first = consumer.poll(0)
    assert list(first) == [TP("t", 0)] and len(first[TP("t", 0)]) == 4
    second = consumer.poll(0)
    assert list(second) == [TP("t", 1)]
    assert sum(len(r) for r in consumer.getmany(TP("t", 0), max_records=100).values()) == 6


def test_pause_and_resume() -> None:
    cluster = new_cluster(partitions=2)
    cluster.produce("t", "a", partition=0)
    cluster.produce("t", "b", partition=1)
    consumer = cluster.consumer(auto_offset_reset="earliest")
    consumer.assign([TP("t", 0), TP("t", 1)])
    consumer.pause(TP("t", 0))
    assert _values(consumer.poll(0)) == ["b"] and consumer.paused() == {TP("t", 0)}
    consumer.resume(TP("t", 0))
    assert _values(consumer.poll(0)) == ["a"]


def test_commit_and_committed() -> None:
    cluster = new_cluster(partitions=1)
    cluster.produce("t", "a")
    consumer = cluster.consumer("t", group_id="g", enable_auto_commit=False,
                                auto_offset_reset="earliest")
    consumer.poll(5000)
    assert consumer.committed(TP("t", 0)) is None
    consumer.commit()
    assert consumer.committed(TP("t", 0)) == 1
    consumer.commit({TP("t", 0): 0})
    assert consumer.committed(TP("t", 0)) == 0
    results = []
    consumer.commit_async(callback=lambda offsets, error: results.append((offsets, error)))
    assert results == [({TP("t", 0): 1}, None)]


def test_commit_after_being_kicked_out_fails() -> None:
    cluster = new_cluster(partitions=1)
    consumer = cluster.consumer("t", group_id="g", enable_auto_commit=False,
                                max_poll_interval_ms=10000, session_timeout_ms=30000)
    consumer.poll(5000)
    cluster.advance(20000)  # no poll: the heartbeat thread leaves the group
    with pytest.raises(CommitFailedError, match="not part of an active group"):
        consumer.commit({TP("t", 0): 0})


def test_commit_with_a_stale_generation_fails() -> None:
    cluster = new_cluster(partitions=1)
    consumer = cluster.consumer("t", group_id="g", enable_auto_commit=False)
    consumer.poll(5000)
    cluster.groups.leave_group("g", consumer.member_id)  # as if it had been removed
    with pytest.raises(CommitFailedError, match="already rebalanced"):
        consumer.commit({TP("t", 0): 0})


def test_pattern_subscription_picks_up_new_topics_at_metadata_refresh() -> None:
    cluster = new_cluster(partitions=1)
    cluster.create_topic("orders-eu")
    consumer = cluster.consumer(group_id="g", metadata_max_age_ms=10000)
    consumer.subscribe(pattern="orders-.*")
    consumer.poll(5000)
    assert consumer.assignment() == {TP("orders-eu", 0)}
    cluster.create_topic("orders-us")
    consumer.poll(3000)
    assert consumer.assignment() == {TP("orders-eu", 0)}
    consumer.poll(8000)
    assert consumer.assignment() == {TP("orders-eu", 0), TP("orders-us", 0)}


def test_subscribing_creates_a_missing_topic_when_allowed() -> None:
    cluster = new_cluster()
    consumer = cluster.consumer("fresh", group_id="g")
    consumer.poll(0)
    assert cluster.has_topic("fresh")


def test_misuse_raises_kafkas_errors_and_changes_nothing() -> None:
    cluster = new_cluster()
    consumer = cluster.consumer(group_id="g")
    digest = cluster.journal.digest()
    with pytest.raises(IllegalStateError, match="not subscribed to any topics"):
        consumer.poll(0)
    with pytest.raises(IllegalStateError, match="No current assignment for partition t-0"):
        consumer.seek(TP("t", 0), 1)
    with pytest.raises(IllegalStateError, match="You can only check the position"):
        consumer.position(TP("t", 0))
    with pytest.raises(IllegalArgumentError, match="cannot contain null or empty topic"):
        consumer.subscribe(["t", ""])
    with pytest.raises(IllegalStateError, match="mutually exclusive"):
        consumer.subscribe(["t"], pattern="t.*")
    assert cluster.journal.digest() == digest
    consumer.assign([TP("t", 0)])
    digest = cluster.journal.digest()
    with pytest.raises(IllegalStateError, match="mutually exclusive"):
        consumer.subscribe(["t"])
    with pytest.raises(IllegalArgumentError, match="seek offset must not be a negative"):
        consumer.seek(TP("t", 0), -1)
    assert cluster.journal.digest() == digest
    consumer.close()
    with pytest.raises(IllegalStateError, match="already been closed"):
        consumer.poll(0)


def test_deserializers() -> None:
    cluster = new_cluster(partitions=1)
    cluster.produce("t", "v", key="k")
    consumer = cluster.consumer(auto_offset_reset="earliest", value_deserializer=bytes.decode,
                                key_deserializer=lambda b: b.upper())
    consumer.assign([TP("t", 0)])
    record = consumer.poll(0)[TP("t", 0)][0]
    assert (record.key, record.value) == (b"K", "v")


def test_bad_construction_changes_nothing() -> None:
    cluster = new_cluster()
    digest = cluster.journal.digest()
    with pytest.raises(InvalidGroupIdError):
        cluster.consumer("t")  # subscribing needs a group.id
    with pytest.raises(IllegalArgumentError):
        cluster.consumer("", group_id="g")
    assert cluster.journal.digest() == digest


def test_three_brokers_with_replicated_topics() -> None:
    from engine import Cluster

    cluster = Cluster(brokers=3, seed=4)
    cluster.create_topic("t", partitions=3, replication_factor=3)
    for i in range(9):
        cluster.produce("t", f"v{i}", key=f"k{i}")
    consumers = [cluster.consumer("t", group_id="g", auto_offset_reset="earliest")
                 for _ in range(2)]
    got = drive(consumers, rounds=6, timeout_ms=1000)
    assert sum(len(v) for v in got.values()) == 9
    for consumer in consumers:
        consumer.commit()
    assert cluster.groups.total_lag("g") == 0
    assert cluster.describe_topic("__consumer_offsets").replication_factor == 3


def test_commits_carry_the_leader_epoch_of_the_last_record() -> None:
    cluster = new_cluster(partitions=1)
    consumer = cluster.consumer("t", group_id="g", enable_auto_commit=False,
                                auto_offset_reset="earliest")
    consumer.poll(5000)
    consumer.commit()  # nothing consumed: the reset position has no epoch
    assert cluster.groups.committed("g")[TP("t", 0)].leader_epoch == -1
    cluster.produce("t", "a")
    consumer.poll(5000)
    consumer.commit()
    assert cluster.groups.committed("g")[TP("t", 0)][:1] == (1,)
    assert cluster.groups.committed("g")[TP("t", 0)].leader_epoch == 0
    consumer.seek(TP("t", 0), 0)  # a seek forgets the epoch, as Kafka's does
    consumer.commit()
    assert cluster.groups.committed("g")[TP("t", 0)].leader_epoch == -1
    consumer.commit({TP("t", 0): 1})  # explicit offsets carry none either
    assert cluster.groups.committed("g")[TP("t", 0)].leader_epoch == -1


def test_a_commit_from_outside_a_group_with_members_fails_as_in_java() -> None:
    # Kafka's coordinator answers UNKNOWN_MEMBER_ID to a commit without a member id while
    # the group has members; Java's consumer (and aiokafka) raise CommitFailedException
    cluster = new_cluster(partitions=1)
    member = cluster.consumer("t", group_id="g", auto_offset_reset="earliest")
    drive([member])
    outsider = cluster.consumer(group_id="g")
    outsider.assign([TP("t", 0)])
    with pytest.raises(CommitFailedError, match="already rebalanced"):
        outsider.commit({TP("t", 0): 0})
    assert cluster.groups.committed("g") == {}
    member.close()
    outsider.commit({TP("t", 0): 0})  # an empty group takes it
    assert cluster.groups.committed("g")[TP("t", 0)].offset == 0
