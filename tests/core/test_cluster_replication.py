"""The replication part of the cluster's API: describe, replicas, brokers, elections."""

import pytest

from engine import Cluster, TopicPartition
from engine.errors import IllegalArgumentError, UnknownTopicOrPartitionError


def test_describe_reports_leader_replicas_isr_and_the_cli_flags() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=2, replication_factor=3, configs={"min.insync.replicas": 2})
    p = c.describe_topic("t").partitions[0]
    assert p.leader == p.replicas[0] and p.isr == p.replicas
    assert p.elr == () and p.last_known_elr == () and p.min_insync_replicas == 2
    assert not (p.under_replicated or p.unavailable or p.under_min_isr or p.at_min_isr)
    assert p.replica_log_end_offsets == (0, 0, 0)
    c.kill_broker(p.replicas[2])
    c.advance(10000)
    p = c.describe_topic("t").partitions[0]
    assert p.under_replicated and p.at_min_isr and not p.under_min_isr


def test_replicas_and_replica_records_show_each_copy() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=1, replication_factor=3)
    c.produce("t", "a")
    c.produce("t", "b", acks=1)
    replicas = c.replicas("t", 0)
    leader = next(r for r in replicas if r.is_leader)
    assert (leader.log_end_offset, leader.high_watermark) == (2, 1)
    follower = next(r for r in replicas if not r.is_leader)
    assert (follower.log_end_offset, follower.in_isr, follower.running) == (1, True, True)
    assert [r.value for r in c.replica_records("t", 0, leader.broker)] == [b"a", b"b"]
    assert [r.value for r in c.replica_records("t", 0, leader.broker, 1)] == [b"b"]
    with pytest.raises(UnknownTopicOrPartitionError):
        c.replicas("t", 5)


def test_describe_brokers_and_live_brokers() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=3, replication_factor=2)
    assert sum(b.leader_of for b in c.describe_brokers()) == 3
    c.kill_broker(3)
    assert c.live_brokers == (1, 2)
    c.advance(9000)
    three = c.describe_brokers()[2]
    assert (three.running, three.fenced, three.leader_of) == (False, True, 0)


def test_elect_leaders_all_partitions_reports_only_those_that_needed_it() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=3, replication_factor=3)
    assert c.elect_leaders() == {}
    c.shutdown_broker(1)
    c.restart_broker(1)
    c.advance(10_000)  # registered once its old session expired, then caught up
    moved = c.elect_leaders("preferred")
    assert moved and all(v is None for v in moved.values())
    assert all(isinstance(tp, TopicPartition) for tp in moved)
    unclean = c.elect_leaders("unclean", [TopicPartition("t", 0)])
    assert type(unclean[TopicPartition("t", 0)]).__name__ == "ElectionNotNeededError"
    with pytest.raises(IllegalArgumentError):
        c.elect_leaders("random")


def test_new_partitions_leave_out_fenced_brokers_from_leadership_and_isr() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.kill_broker(2)
    c.advance(10000)
    d = c.create_topic("t", partitions=3, replication_factor=3)
    for p in d.partitions:
        assert p.leader != 2 and 2 not in p.isr and 2 in p.replicas


def test_partition_leader_names_the_current_leader_or_none() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=3, replication_factor=1)
    leaders = [c.partition_leader("t", p) for p in range(3)]
    assert leaders == [p.leader for p in c.describe_topic("t").partitions]
    gone = leaders[0]
    assert gone is not None
    c.kill_broker(gone)
    c.advance(10_000)
    assert c.partition_leader("t", 0) is None
    with pytest.raises(UnknownTopicOrPartitionError):
        c.partition_leader("t", 3)


def test_keyless_produce_batch_skips_partitions_without_a_leader() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=6, replication_factor=1)
    c.kill_broker(2)
    c.advance(10_000)
    assert c.describe_brokers()[1].fenced
    leaderless = {p.partition for p in c.describe_topic("t").partitions if p.leader is None}
    assert leaderless
    result = c.produce_batch("t", [(None, f"v{i}") for i in range(3000)])
    assert len(result) == 3000
    assert not {md.partition for md in result} & leaderless


def test_consumer_offsets_is_placed_around_fenced_brokers() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.kill_broker(2)
    c.advance(10_000)
    c.groups.find_coordinator("g")
    d = c.describe_topic("__consumer_offsets")
    assert all(p.replicas[0] != 2 and p.leader != 2 for p in d.partitions)


def test_election_errors_are_retriable_as_in_kafka() -> None:
    from engine.core.errors import ElectionNotNeededError, EligibleLeadersNotAvailableError

    assert ElectionNotNeededError.retriable and EligibleLeadersNotAvailableError.retriable
