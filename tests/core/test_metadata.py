"""Metadata from any broker, and a client's cache that refreshes on routing errors."""

import pytest

from engine import Cluster
from engine.core.metadata import MetadataCache
from engine.errors import KafkaConnectionError


def _rf3() -> Cluster:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=3, replication_factor=3)
    return c


def test_any_broker_answers_for_the_whole_cluster() -> None:
    c = _rf3()
    answers = [c.metadata(via_broker=b) for b in c.brokers]
    assert all(md.topics == answers[0].topics for md in answers)
    md = answers[0]
    assert [b.nodeId for b in md.brokers] == [1, 2, 3]
    assert [(b.host, b.port) for b in md.brokers] == [("localhost", p) for p in (9092, 9093, 9094)]
    assert md.controller_id == 0 and md.answered_by == 1
    described = c.describe_topic("t").partitions
    assert [p.leader for p in md.topics["t"]] == [p.leader for p in described]


def test_a_dead_broker_cannot_answer_and_a_fenced_one_is_not_listed() -> None:
    c = _rf3()
    c.kill_broker(2)
    with pytest.raises(KafkaConnectionError):
        c.metadata(via_broker=2)
    c.advance(10000)
    assert [b.nodeId for b in c.metadata().brokers] == [1, 3]


def test_an_isolated_broker_answers_with_stale_metadata() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=1, replication_factor=3)
    leader = c.describe_topic("t").partitions[0].leader
    c.isolate_broker(leader)
    c.advance(10000)
    stale = c.metadata(via_broker=leader).topics["t"][0]
    fresh = c.metadata(via_broker=next(b for b in c.brokers if b != leader)).topics["t"][0]
    assert stale.leader == leader and stale.leader_epoch == 0
    assert fresh.leader != leader and fresh.leader_epoch == 1


def test_a_client_refreshes_its_metadata_after_not_leader_or_follower() -> None:
    c = _rf3()
    cache = MetadataCache(bootstrap=[1])
    md = c.produce("t", "a", partition=0, metadata=cache)
    old_leader = cache.current.leader_for("t", 0)  # type: ignore[union-attr]
    c.shutdown_broker(old_leader)
    c.restart_broker(old_leader)
    c.advance(10_000)  # registered again: alive, but no longer the leader of t-0
    md = c.produce("t", "b", partition=0, metadata=cache)
    assert md.offset == 1
    assert ("error", old_leader, "NotLeaderOrFollowerError") in cache.history
    assert cache.history[-1][0] == "refresh"
    assert cache.current.leader_for("t", 0) != old_leader  # type: ignore[union-attr]


def test_a_client_skips_a_dead_bootstrap_broker() -> None:
    c = _rf3()
    c.kill_broker(1)
    cache = MetadataCache([1, 2])
    md = cache.refresh(c)
    assert md.answered_by == 2
    assert cache.history == [("error", 1, "KafkaConnectionError"), ("refresh", 2)]
    with pytest.raises(ValueError):
        MetadataCache([])
