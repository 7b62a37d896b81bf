"""Batches: at most batch.size bytes each, sized exactly as Kafka's record format."""

from engine import Cluster
from engine.core.recordsize import RECORD_BATCH_OVERHEAD, record_size


def test_produce_batch_packs_batches_of_at_most_batch_size() -> None:
    c = Cluster()
    c.create_topic("t", partitions=1)
    c.produce_batch("t", [("k", "x" * 1000) for _ in range(100)])
    appended = c.journal.of_kind("records_appended")
    assert len(appended) > 1
    assert all(e.data["bytes"] <= 16384 for e in appended)
    assert sum(e.data["count"] for e in appended) == 100


def test_produce_batch_counts_bytes_exactly_as_kafkas_record_format() -> None:
    c = Cluster()
    c.create_topic("t", partitions=1)
    values = [b"v" * (i % 90) for i in range(300)]
    c.produce_batch("t", [(b"key", v) for v in values])
    expected, offset = [], 0
    for event in c.journal.of_kind("records_appended"):
        count = event.data["count"]
        chunk = values[offset : offset + count]
        expected.append(RECORD_BATCH_OVERHEAD + sum(
            record_size(b"key", v, offset_delta=j) for j, v in enumerate(chunk)
        ))
        offset += count
    assert [e.data["bytes"] for e in c.journal.of_kind("records_appended")] == expected
    assert offset == 300


def test_batches_stay_under_a_lower_max_message_bytes() -> None:
    c = Cluster()
    c.create_topic("small", configs={"max.message.bytes": 1000})
    c.produce_batch("small", [("k", "x" * 300) for _ in range(10)])
    appended = c.journal.of_kind("records_appended")
    assert sum(e.data["count"] for e in appended) == 10
    assert all(e.data["bytes"] <= 1000 for e in appended)
