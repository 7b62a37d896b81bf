"""The checker: lost, duplicated and reordered acknowledged records."""

from engine import Cluster
from engine.checker import AckHistory, check
from engine.core.records import RecordMetadata


def _scenario(acks: object, min_isr: int) -> Cluster:
    """Leader dies before followers copy: the issue's forced scenario."""
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("orders", partitions=1, replication_factor=3,
                   configs={"min.insync.replicas": min_isr})
    return c


def test_acks_1_loses_acknowledged_records_when_the_leader_dies() -> None:
    c = _scenario(1, 1)
    history = c.record_acks()
    for i in range(3):
        c.produce("orders", f"order-{i}", acks=1)
    c.advance(10)
    c.produce("orders", "order-3", acks=1)
    c.kill_broker(c.describe_topic("orders").partitions[0].leader)
    c.advance(10000)
    c.produce("orders", "order-4", acks=1)
    c.advance(10)  # the followers copy order-4
    report = check(c, history)
    assert not report.valid
    assert [a.value for a in report.lost] == [b"order-3"]
    assert report.present == 4 and report.acknowledged == 5
    assert repr(report).splitlines() == [
        "CheckReport: INVALID: 5 acknowledged, 4 present, 1 lost, 0 duplicated, 0 reordered",
        "  lost: orders-0 offset 3 'order-3': acknowledged with acks=1 at 10 ms; another "
        "record holds its offset now",
    ]


def test_acks_all_with_min_isr_2_loses_nothing() -> None:
    c = _scenario("all", 2)
    history = c.record_acks()
    for i in range(4):
        c.produce("orders", f"order-{i}")
    c.kill_broker(c.describe_topic("orders").partitions[0].leader)
    c.advance(10000)
    c.produce("orders", "order-4")
    report = check(c, history)
    assert report.valid and report.present == 5
    assert repr(report) == ("CheckReport: VALID: 5 acknowledged, 5 present, 0 lost, "
                            "0 duplicated, 0 reordered")


def test_duplicates_and_reordering_are_named() -> None:
    c = Cluster(seed=0)
    c.create_topic("t")
    history = AckHistory()
    first = c.produce("t", "a")
    second = c.produce("t", "b")
    c.produce("t", "a")  # a retry that wrote the record twice
    history.add(second, None, b"b", -1, 0)
    history.add(first, None, b"a", -1, 1)  # acknowledged after b, stored before it
    report = check(c, history)
    assert [a.kind for a in report.anomalies] == ["duplicate", "reordered"]
    assert report.duplicates[0].detail == "2 copies, at offsets 0, 2"
    assert not report.valid


def test_uncommitted_and_unavailable_are_not_counted_as_lost() -> None:
    c = Cluster(brokers=2, seed=0, controller="dedicated")
    c.create_topic("t", partitions=1, replication_factor=2, configs={"min.insync.replicas": 2})
    history = c.record_acks()
    follower = c.describe_topic("t").partitions[0].replicas[1]
    c.kill_broker(follower)
    c.advance(10000)
    c.produce("t", "waiting", acks=1)
    report = check(c, history)
    assert report.valid and [a.kind for a in report.uncommitted] == ["uncommitted"]
    c.kill_broker(c.describe_topic("t").partitions[0].leader)
    c.advance(10000)
    assert [a.kind for a in check(c, history).unavailable] == ["unavailable"]


def test_acks_0_promises_nothing() -> None:
    c = Cluster(seed=0)
    c.create_topic("t")
    history = c.record_acks()
    c.produce("t", "fire-and-forget", acks=0)
    assert len(history) == 0 and repr(history) == "AckHistory(0 acknowledged)"
    md = RecordMetadata("t", 0, 0, 0)
    history.add(md, None, b"x", 1, 5)
    assert history[0].value == b"x" and next(iter(history)).time_ms == 5


def test_acks1_records_beyond_the_new_leaders_log_are_lost_not_an_error() -> None:
    cluster = Cluster(brokers=3, seed=0)
    cluster.create_topic("t", partitions=1, replication_factor=3)
    cluster.advance(1)
    history = cluster.record_acks()
    for value in (b"a", b"b", b"c"):
        cluster.produce("t", value, acks="all")
    for value in (b"d", b"e", b"f"):
        cluster.produce("t", value, acks=1)
    cluster.kill_broker(cluster.describe_topic("t").partitions[0].leader)
    cluster.advance(10_000)
    report = check(cluster, history)
    assert [a.value for a in report.lost] == [b"d", b"e", b"f"]


def test_unavailable_says_why_the_partition_cannot_be_read() -> None:
    c = Cluster(brokers=2, seed=0, controller="dedicated")
    c.create_topic("t", partitions=2, replication_factor=1)
    history = c.record_acks()
    c.produce("t", "a", partition=0)
    c.produce("t", "b", partition=1)
    leader = c.describe_topic("t").partitions[0].leader
    c.kill_broker(leader)  # not fenced yet: still the leader, but down
    details = {a.partition: a.detail for a in check(c, history).unavailable}
    assert details[0] == f"its leader, broker {leader}, is down"
    c.advance(10_000)
    details = {a.partition: a.detail for a in check(c, history).unavailable}
    assert details[0] == "the partition has no leader"
    c.delete_topic("t")
    assert {a.detail for a in check(c, history).unavailable} == {"the topic does not exist"}
