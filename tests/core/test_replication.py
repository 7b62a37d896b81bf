"""Followers copying from leaders, the high watermark and the leader's ISR changes."""

from engine import Cluster


def _cluster(**configs: object) -> tuple[Cluster, int, list[int]]:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=1, replication_factor=3, configs=configs or None)
    leader = c.describe_topic("t").partitions[0].leader
    assert leader is not None
    return c, leader, [b for b in c.brokers if b != leader]


def _leos(c: Cluster) -> dict[int, int]:
    return {r.broker: r.log_end_offset for r in c.replicas("t", 0)}


def test_acks_all_replicates_at_once_and_moves_the_high_watermark() -> None:
    c, _, _ = _cluster()
    c.produce("t", "a")
    assert set(_leos(c).values()) == {1}
    assert c.describe_topic("t").partitions[0].high_watermark == 1
    assert c.now_ms == 0
    kinds = [e.kind for e in c.journal][-4:]
    assert kinds == ["records_appended", "replica_fetched", "replica_fetched",
                     "high_watermark_updated"]


def test_acks_1_followers_copy_at_the_next_clock_step() -> None:
    c, leader, followers = _cluster()
    c.produce("t", "a", acks=1)
    assert _leos(c) == {leader: 1, followers[0]: 0, followers[1]: 0}
    assert c.fetch("t", 0) == []  # not committed yet: consumers cannot see it
    c.advance(0)
    assert set(_leos(c).values()) == {1}
    assert [r.value for r in c.fetch("t", 0)] == [b"a"]


def test_a_follower_that_stops_fetching_leaves_the_isr_after_the_lag_time() -> None:
    c, leader, followers = _cluster()
    c.advance(5000)
    c.cut_link(leader, followers[0])  # still heartbeats to the controller: not fenced
    c.produce("t", "a", acks=1)
    c.advance(30000)  # ticks at 15000, 30000: caught up 5000 ms ago... not yet 30000 ms late
    assert followers[0] in c.describe_topic("t").partitions[0].isr
    c.advance(15000)  # tick at 45000: 40000 ms since it was last caught up
    shrink = c.journal.of_kind("isr_changed")[-1]
    assert shrink.time_ms == 45000 and shrink.data["reason"] == "lagging"
    assert followers[0] not in shrink.data["isr"]
    assert c.describe_topic("t").partitions[0].high_watermark == 1


def test_a_follower_rejoins_the_isr_when_it_catches_up() -> None:
    c, leader, followers = _cluster()
    c.cut_link(leader, followers[0])
    c.produce("t", "a", acks=1)
    c.advance(45000)
    assert followers[0] not in c.describe_topic("t").partitions[0].isr
    c.heal()
    grow = c.journal.of_kind("isr_changed")[-1]
    assert grow.data["reason"] == "caught_up" and grow.data["isr"][-1] == followers[0]
    assert _leos(c)[followers[0]] == 1


def test_the_high_watermark_stops_below_min_insync_replicas() -> None:
    c, leader, followers = _cluster(**{"min.insync.replicas": 2})
    c.produce("t", "a")
    for f in followers:
        c.kill_broker(f)
    c.advance(10000)
    assert c.describe_topic("t").partitions[0].isr == (leader,)
    c.produce("t", "b", acks=1)  # accepted, but Kafka 4.x keeps the HW while under min ISR
    p = c.describe_topic("t").partitions[0]
    assert (p.high_watermark, p.log_end_offset) == (1, 2)
    assert p.under_min_isr and p.under_replicated


def test_an_rf1_topic_keeps_the_fast_path() -> None:
    c = Cluster(brokers=3, seed=0)
    c.create_topic("one", partitions=2, replication_factor=1)
    c.produce("one", "a", partition=0)
    assert [e.kind for e in c.journal][-1] == "records_appended"
    assert c.describe_topic("one").partitions[0].high_watermark == 1
