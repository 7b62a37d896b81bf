"""RecordAccumulator: batching per partition, linger on the simulated clock, size limits."""

from __future__ import annotations

from engine.core.clock import SimClock
from engine.core.records import TopicPartition
from engine.core.recordsize import RECORD_BATCH_OVERHEAD, record_size
from engine.producer.accumulator import RecordAccumulator

TP0 = TopicPartition("t", 0)
TP1 = TopicPartition("t", 1)


def make(batch_size: int = 16384, linger_ms: int = 5):
    clock = SimClock()
    fired: list[int] = []
    acc = RecordAccumulator(clock, batch_size, linger_ms, lambda: fired.append(clock.now_ms))
    return clock, acc, fired


def test_records_of_a_partition_share_a_batch_until_linger_passes() -> None:
    clock, acc, fired = make(linger_ms=5)
    acc.append(TP0, None, b"a", (), 0)
    clock.advance(3)
    acc.append(TP0, None, b"b", (), 3)
    acc.append(TP1, None, b"c", (), 3)
    assert acc.drain() == []
    assert acc.next_deadline() == 5
    clock.advance(2)
    assert fired == [5]
    drained = acc.drain()
    assert [(b.topic_partition, b.values) for b in drained] == [(TP0, [b"a", b"b"])]
    assert acc.next_deadline() == 8
    clock.advance(3)
    assert fired == [5, 8]
    assert [b.values for b in acc.drain()] == [[b"c"]]
    assert not acc.has_pending() and acc.next_deadline() is None


def test_batch_size_splits_batches_and_a_full_batch_is_ready_at_once() -> None:
    value = b"x" * 100
    one = record_size(None, value)
    _clock, acc, _ = make(batch_size=RECORD_BATCH_OVERHEAD + 3 * one + 2, linger_ms=1000)
    for _ in range(7):
        acc.append(TP0, None, value, (), 0)
    assert acc.has_full_batch()
    drained = acc.drain()
    assert [b.record_count for b in drained] == [3, 3]
    assert all(b.size_bytes <= b.max_bytes for b in drained)
    assert acc.in_queue() == 1 and acc.next_deadline() == 1000


def test_flush_makes_every_batch_ready() -> None:
    _clock, acc, _ = make(linger_ms=1000)
    acc.append(TP0, None, b"a", (), 0)
    acc.append(TP1, None, b"b", (), 0)
    acc.begin_flush()
    assert [b.topic_partition for b in acc.drain()] == [TP0, TP1]
    acc.end_flush()


def test_a_retried_batch_waits_for_its_backoff_at_the_head() -> None:
    clock, acc, _ = make(linger_ms=0)
    acc.append(TP0, None, b"a", (), 0)
    (batch,) = acc.drain()
    acc.reenqueue(batch, 100)
    acc.append(TP0, None, b"b", (), 0)  # a new batch behind it
    assert acc.drain() == [] and acc.next_deadline() == 100
    clock.advance(100)
    assert [b.values for b in acc.drain()] == [[b"a"], [b"b"]]


def test_muted_partitions_are_not_drained() -> None:
    _clock, acc, _ = make(linger_ms=0)
    acc.append(TP0, None, b"a", (), 0)
    assert acc.drain(muted={TP0}) == [] and acc.next_deadline(muted={TP0}) is None
    assert len(acc.drain()) == 1


def test_sticky_switch_is_allowed_only_when_all_batches_are_full() -> None:
    _clock, acc, _ = make(batch_size=RECORD_BATCH_OVERHEAD + 10, linger_ms=5)
    acc.append(TP0, None, b"a", (), 0)
    assert not acc.all_batches_full(TP0)
    acc.append(TP0, None, b"b" * 20, (), 0)
    assert not acc.all_batches_full(TP0)  # the new batch is still open
    assert acc.all_batches_full(TP1)


def _scan_full(acc: RecordAccumulator) -> int:
    return sum(1 for b in acc.pending_batches() if b.full and b.retry_at_ms is None)


def test_full_count_follows_full_batches_through_append_drain_and_retry() -> None:
    clock, acc, _ = make(batch_size=200, linger_ms=50)
    counts = []
    for i in range(12):
        acc.append(TP0 if i % 3 else TP1, b"k", b"v" * 60, (), clock.now_ms)
        counts.append((acc.full_count, _scan_full(acc)))
    assert all(kept == scanned for kept, scanned in counts)
    assert acc.full_count > 0 and acc.has_full_batch()
    drained = acc.drain()
    assert acc.full_count == _scan_full(acc) == 0 and not acc.has_full_batch()
    acc.reenqueue(drained[0], clock.now_ms + 10)  # a retried batch is full but waits
    assert acc.full_count == _scan_full(acc) == 0
    clock.advance(10)
    acc.drain()
    assert acc.full_count == _scan_full(acc) == 0


def test_append_plain_packs_as_append() -> None:
    from engine.core.recordsize import record_body_size

    _, general, _ = make(batch_size=1000)
    _, plain, _ = make(batch_size=1000)
    for i in range(40):
        key, value = b"key-%d" % i, b"x" * (i * 13 % 90)
        general.append(TP0, key, value, (), i * 5)
        plain.append_plain(TP0, key, value, record_body_size(key, value), i * 5, object())
    assert ([(b.keys, b.timestamps, b.size_bytes, b.full) for b in general.pending_batches()]
            == [(b.keys, b.timestamps, b.size_bytes, b.full) for b in plain.pending_batches()])
    assert general.full_count == plain.full_count > 0
