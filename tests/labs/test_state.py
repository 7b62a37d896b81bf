"""State helpers: journal replay and tamper detection, records, wording."""

from __future__ import annotations

import pytest

from engine import Cluster
from engine.labs import Incorrect, NotAttempted
from engine.labs.state import (
    count_mismatches,
    duration,
    journal_record_counts,
    plural,
    records_by_partition,
    require_topic,
    show,
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
