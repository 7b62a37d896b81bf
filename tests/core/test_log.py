"""Segments roll by size and time; retention deletes whole closed segments."""

from engine import Cluster
from engine.core.log import PartitionLog


def test_segments_roll_by_segment_bytes() -> None:
    c = Cluster()
    c.create_topic("t", configs={"segment.bytes": 1048576})
    for _ in range(30):
        c.produce("t", "x" * 100_000)
    rolled = c.journal.of_kind("segment_rolled")
    # ten ~100 kB batches fit in 1 MiB, the eleventh starts a new segment
    assert [e.data["base_offset"] for e in rolled] == [10, 20]


def test_segments_roll_by_segment_ms() -> None:
    c = Cluster()
    c.create_topic("t", configs={"segment.ms": 1000})
    c.produce("t", "a")
    c.advance(1000)
    c.produce("t", "b")  # exactly segment.ms later: not yet
    c.advance(1)
    c.produce("t", "c")  # more than segment.ms after the first batch: roll
    assert [e.data["base_offset"] for e in c.journal.of_kind("segment_rolled")] == [2]


def test_retention_deletes_closed_segments_on_the_check_interval() -> None:
    c = Cluster()
    c.create_topic("t", configs={"segment.ms": 1000, "retention.ms": 5000})
    for _ in range(6):
        c.produce("t", "v")
        c.advance(1001)
    # segments hold one record each now; the active one is never deleted
    c.advance(300_000 - c.now_ms)  # the first retention check runs at 300 s
    deleted = c.journal.of_kind("segments_deleted")
    assert deleted and deleted[-1].data["log_start_offset"] == 5
    d = c.describe_topic("t").partitions[0]
    assert (d.log_start_offset, d.log_end_offset) == (5, 6)
    assert [r.offset for r in c.fetch("t", 0, offset=5)] == [5]


def test_retention_bytes() -> None:
    log = PartitionLog("t", 0)
    for i in range(4):
        if i:
            log.roll()
        log.append_batch((None,), (b"x",), i, 100)
    # 400 bytes against 250: dropping the first 100-byte segment leaves 300 >= 250,
    # dropping a second would leave 200 < 250, so Kafka stops after one
    assert log.retention_cutoff(0, -1, 250) == 1
    assert log.retention_cutoff(0, -1, 200) == 2
    assert log.retention_cutoff(0, -1, -1) == 0


def test_read_returns_nothing_above_the_high_watermark() -> None:
    log = PartitionLog("t", 0)
    log.append_batch((b"k", b"k"), (b"a", b"b"), 0, 80)
    log.high_watermark = 1
    assert [r.value for r in log.read(0, 10)] == [b"a"]
