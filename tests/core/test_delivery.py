"""Produce requests: routing, acks, min.insync.replicas, timeouts."""

import pytest

from engine import Cluster
from engine.errors import (
    KafkaConnectionError,
    LeaderNotAvailableError,
    NotEnoughReplicasError,
    NotLeaderOrFollowerError,
    RequestTimedOutError,
)


def _rf3(**configs: object) -> tuple[Cluster, int, list[int]]:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=1, replication_factor=3, configs=configs or None)
    leader = c.describe_topic("t").partitions[0].leader
    assert leader is not None
    return c, leader, [b for b in c.brokers if b != leader]


def test_acks_0_returns_offset_minus_1_and_still_writes() -> None:
    c, _, _ = _rf3()
    assert c.produce("t", "a", acks=0).offset == -1
    assert [md.offset for md in c.produce_batch("t", [(None, "b"), (None, "c")], acks=0)] \
        == [-1, -1]
    assert c.describe_topic("t").partitions[0].log_end_offset == 3


def test_acks_all_below_min_isr_appends_nothing() -> None:
    c, leader, followers = _rf3(**{"min.insync.replicas": 2})
    for f in followers:
        c.kill_broker(f)
    c.advance(10000)
    digest = c.journal.digest()
    with pytest.raises(NotEnoughReplicasError) as info:
        c.produce("t", "x")
    assert str(info.value) == (
        "[Error 19] NotEnoughReplicasError: The size of the current ISR : 1 is insufficient "
        f"to satisfy the min.isr requirement of 2 for partition t-0, live replica(s) "
        f"broker.id are : Set({leader})")
    with pytest.raises(NotEnoughReplicasError):
        c.produce_batch("t", [(None, "x")], acks=-1)
    assert c.journal.digest() == digest
    assert c.produce("t", "y", acks=1).offset == 0


def test_effective_min_isr_is_capped_by_the_replication_factor() -> None:
    c = Cluster(brokers=1, seed=0)
    c.create_topic("t", configs={"min.insync.replicas": 2})
    assert c.produce("t", "ok").offset == 0


def test_acks_all_waits_for_the_controller_to_drop_a_dead_follower() -> None:
    c, _, followers = _rf3()
    c.kill_broker(followers[0])
    md = c.produce("t", "a")
    assert md.offset == 0 and c.now_ms == 9000  # committed once the follower is fenced


def test_acks_all_times_out_when_the_isr_cannot_shrink() -> None:
    c = Cluster(brokers=3, seed=0)  # combined quorum: two down, no controller
    c.create_topic("t", partitions=1, replication_factor=3,
                   configs={"min.insync.replicas": 2})
    leader = c.describe_topic("t").partitions[0].leader
    for b in c.brokers:
        if b != leader:
            c.kill_broker(b)
    with pytest.raises(RequestTimedOutError):
        c.produce("t", "a")
    assert c.now_ms == 30000
    assert c.describe_topic("t").partitions[0].log_end_offset == 1  # written, not committed


def test_requests_to_the_wrong_broker() -> None:
    c, leader, followers = _rf3()
    with pytest.raises(NotLeaderOrFollowerError):
        c.produce("t", "a", via_broker=followers[0])
    c.kill_broker(leader)
    with pytest.raises(KafkaConnectionError):
        c.produce("t", "a")
    with pytest.raises(KafkaConnectionError):
        c.fetch("t", 0)


def test_a_partition_without_a_leader() -> None:
    c = Cluster(brokers=1, seed=0, controller="dedicated")
    c.create_topic("t")
    c.kill_broker(1)
    c.advance(10000)
    assert c.describe_topic("t").partitions[0].leader is None
    with pytest.raises(LeaderNotAvailableError):
        c.produce("t", "a")
    with pytest.raises(LeaderNotAvailableError):
        c.fetch("t", 0)


def test_keyless_records_avoid_partitions_without_a_leader() -> None:
    c = Cluster(brokers=2, seed=0, controller="dedicated")
    c.create_topic("t", partitions=4, replication_factor=1)
    c.kill_broker(1)
    c.advance(10000)
    led = {p.partition for p in c.describe_topic("t").partitions if p.leader is not None}
    parts = {c.produce("t", "x" * 9000).partition for _ in range(12)}
    assert parts <= led


def test_produce_batch_waits_for_acks_on_every_partition() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=3, replication_factor=3)
    out = c.produce_batch("t", [(f"k{i}", f"v{i}") for i in range(30)])
    assert len(out) == 30
    assert all(p.high_watermark == p.log_end_offset for p in c.describe_topic("t").partitions)
