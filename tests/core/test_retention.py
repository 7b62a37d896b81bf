"""Retention runs on the broker's check interval and only for cleanup.policy=delete."""

from engine import Cluster


def fill(c: Cluster, topic: str) -> None:
    for _ in range(4):
        c.produce(topic, "v")
        c.advance(1001)


def test_compacted_topics_are_not_deleted_by_time() -> None:
    c = Cluster()
    common = {"segment.ms": 1000, "retention.ms": 1000}
    c.create_topic("deleting", configs=common)
    c.create_topic("compacted", configs={**common, "cleanup.policy": "compact"})
    c.create_topic("both", configs={**common, "cleanup.policy": "compact,delete"})
    for topic in ("deleting", "compacted", "both"):
        fill(c, topic)
    c.advance(300_000)
    starts = {t: c.describe_topic(t).partitions[0].log_start_offset
              for t in ("deleting", "compacted", "both")}
    assert starts == {"deleting": 3, "compacted": 0, "both": 3}


def test_the_check_runs_every_interval_and_is_journaled_in_topic_order() -> None:
    c = Cluster(configs={"log.retention.check.interval.ms": 10_000})
    for topic in ("b", "a"):
        c.create_topic(topic, configs={"segment.ms": 1000, "retention.ms": 1000})
    for topic in ("b", "a"):
        fill(c, topic)
    before = len(c.journal.of_kind("segments_deleted"))
    c.advance(10_000)
    deleted = c.journal.of_kind("segments_deleted")[before:]
    assert [e.data["topic"] for e in deleted] == ["a", "b"]
    assert all(e.time_ms % 10_000 == 0 for e in c.journal.of_kind("segments_deleted"))
