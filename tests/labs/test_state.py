"""State helpers: journal replay and tamper detection, records, wording."""

from __future__ import annotations

import pytest

from engine import Cluster
from engine.labs import Incorrect, NotAttempted
from engine.labs.state import (
    count_mismatches,
    duration,
    journal_record_counts,
    other_overrides,
    plural,
    records_by_partition,
    require_topic,
    show,
    topic_spec_problems,
    verify_journal,
)


def busy_cluster() -> Cluster:
    cluster = Cluster(seed=0)
    cluster.create_topic("a", partitions=2)
    cluster.produce_batch("a", [("k", "v")] * 3)
    cluster.produce("a", "v", partition=1)
    cluster.create_partitions("a", 3)
    cluster.create_topic("gone", partitions=1)
    cluster.produce("gone", "v")
    cluster.delete_topic("gone")
    return cluster


def test_journal_replay_matches_the_logs() -> None:
    cluster = busy_cluster()
    ends = [p.log_end_offset for p in cluster.describe_topic("a").partitions]
    assert journal_record_counts(cluster) == {"a": ends}
    verify_journal(cluster)


def test_records_written_past_the_engine_are_caught() -> None:
    cluster = busy_cluster()
    cluster._topic("a").logs[2].append_batch([b"k"], [b"v"], 0, 70)
    with pytest.raises(Incorrect, match="do not match the journal"):
        verify_journal(cluster)


def test_a_topic_added_past_the_engine_is_caught() -> None:
    cluster = busy_cluster()
    other = Cluster(seed=0)
    other.create_topic("sneaky")
    cluster._topics["sneaky"] = other._topics["sneaky"]
    with pytest.raises(Incorrect, match="topics do not match its journal"):
        verify_journal(cluster)


def test_records_by_partition_reads_everything_kept() -> None:
    cluster = busy_cluster()
    cluster.produce_batch("a", [(None, str(i)) for i in range(600)])
    parts = records_by_partition(cluster, "a")
    assert [len(p) for p in parts] == [
        p.log_end_offset for p in cluster.describe_topic("a").partitions]
    assert all(r.offset == i for p in parts for i, r in enumerate(p))


def test_require_topic() -> None:
    cluster = busy_cluster()
    require_topic(cluster, "a")
    with pytest.raises(NotAttempted, match="no topic `payments`"):
        require_topic(cluster, "payments")
    with pytest.raises(NotAttempted, match="custom"):
        require_topic(cluster, "payments", missing="custom")
    cluster.create_topic("payment")
    with pytest.raises(Incorrect, match="but there is `payment`"):
        require_topic(cluster, "payments")


def test_count_mismatches_names_each_partition_off() -> None:
    assert count_mismatches([3, 5, 1], [3, 5, 1]) is None
    assert count_mismatches([3, 1, 0], [5, 1, 2]) == (
        "partition 0 has 3 records, expected 5; partition 2 has 0 records, expected 2")
    assert count_mismatches([1], [2]) == "partition 0 has 1 record, expected 2"
    assert plural(1, "partition") == "1 partition" and plural(0, "topic") == "0 topics"


@pytest.mark.parametrize(("ms", "text"), [
    (259200000, "3 days"), (86400000, "1 day"), (7200000, "2 hours"), (90000, "90 seconds"),
    (60000, "1 minute"), (259200, "259.2 seconds"), (250, "250 ms"), (0, "0 ms"),
])
def test_duration(ms: int, text: str) -> None:
    assert duration(ms) == text


def test_show() -> None:
    assert show(b"alice") == "'alice'"
    assert show(b"\xff") == "b'\\xff'"
    assert show(None) == "None"


# ------------------------------------------------------------------ replication and failures


def unclean_cluster() -> Cluster:
    """RF 3; the followers die, the leader alone commits one more record, then dies; a
    stale follower becomes leader by an unclean election (offset 3 is lost)."""
    cluster = Cluster(brokers=3, seed=0, controller="dedicated")
    cluster.create_topic("r", partitions=1, replication_factor=3)
    for i in range(3):
        cluster.produce("r", f"v{i}")
    leader = cluster.describe_topic("r").partitions[0].leader
    followers = [b for b in (1, 2, 3) if b != leader]
    for b in followers:
        cluster.kill_broker(b)
    cluster.advance(20000)
    cluster.produce("r", "lost")
    cluster.produce("r", "zombie", acks=1)  # never replicated
    assert leader is not None
    cluster.kill_broker(leader)
    cluster.advance(20000)
    cluster.restart_broker(followers[0])
    cluster.advance(5000)
    cluster.elect_leaders("unclean")
    cluster.restart_broker(leader)  # truncates its log to the new leader's
    cluster.advance(5000)
    return cluster


def test_the_replay_follows_replicas_through_truncation_and_unclean_election() -> None:
    cluster = unclean_cluster()
    assert cluster.journal.of_kind("replica_truncated")
    verify_journal(cluster)
    assert [r.value for r in records_by_partition(cluster, "r")[0]] == [b"v0", b"v1", b"v2"]


def test_records_written_to_a_follower_past_the_engine_are_caught() -> None:
    cluster = Cluster(brokers=3, seed=0)
    cluster.create_topic("r", partitions=1, replication_factor=3)
    cluster.produce("r", "v")
    verify_journal(cluster)
    state = cluster._topic("r").partitions[0]
    follower = next(b for b in state.replicas if b != state.leader)
    state.logs[follower].append_batch([b"k"], [b"v"], 0, 70)
    with pytest.raises(Incorrect, match=f"on broker {follower}"):
        verify_journal(cluster)


def test_records_by_partition_without_a_leader_keeps_the_last_state() -> None:
    cluster = Cluster(brokers=3, seed=0, controller="dedicated")
    cluster.create_topic("r", partitions=2, replication_factor=1)
    for i in range(4):
        cluster.produce("r", f"v{i}", partition=i % 2)
    cluster.produce("r", "unreplicated", partition=0, acks=1)  # RF 1: committed at once
    victim = cluster.describe_topic("r").partitions[0].leader
    assert victim is not None
    cluster.kill_broker(victim)
    assert [len(p) for p in records_by_partition(cluster, "r")] == [3, 2]  # down, unfenced
    cluster.advance(20000)
    assert cluster.describe_topic("r").partitions[0].leader is None
    assert [[r.value for r in p] for p in records_by_partition(cluster, "r")] == [
        [b"v0", b"v2", b"unreplicated"], [b"v1", b"v3"]]
    verify_journal(cluster)


def test_records_by_partition_reads_below_the_high_watermark_only() -> None:
    cluster = Cluster(brokers=3, seed=0)
    cluster.create_topic("r", partitions=1, replication_factor=3)
    cluster.produce("r", "safe")
    cluster.produce("r", "pending", acks=1)
    assert [r.value for r in records_by_partition(cluster, "r")[0]] == [b"safe"]
    verify_journal(cluster)
    cluster.advance(0)
    assert len(records_by_partition(cluster, "r")[0]) == 2


def test_topic_spec_problems_name_partitions_and_replication() -> None:
    cluster = Cluster(seed=0, brokers=3)
    cluster.create_topic("t", partitions=1, replication_factor=1,
                         configs={"retention.ms": 1000, "cleanup.policy": "compact"})
    topic = cluster.describe_topic("t")
    assert topic_spec_problems(topic, 1, 1) == []
    assert topic_spec_problems(topic, 6, 3) == [
        "`t` has 1 partition, expected 6", "the replication factor is 1, expected 3"]
    assert other_overrides(topic, "retention.ms") == (
        "the spec sets only `retention.ms`, but the topic also overrides `cleanup.policy`")
    cluster.create_topic("u", partitions=2, configs={"retention.ms": 1000})
    assert other_overrides(cluster.describe_topic("u"), "retention.ms") is None
