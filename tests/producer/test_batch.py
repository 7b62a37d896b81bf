"""ProducerBatch sizes and FutureRecordMetadata."""

from __future__ import annotations

import pytest

from engine.core.records import TopicPartition
from engine.core.recordsize import RECORD_BATCH_OVERHEAD, record_size
from engine.producer.batch import FutureRecordMetadata, ProducerBatch
from engine.producer.metadata import RecordMetadata


def test_batch_counts_bytes_in_the_v2_format_and_fills_up() -> None:
    batch = ProducerBatch(TopicPartition("t", 0), 0, max_bytes=RECORD_BATCH_OVERHEAD + 30)
    assert batch.try_append(b"k", b"v" * 10, (), 0) is not None
    assert batch.size_bytes == RECORD_BATCH_OVERHEAD + record_size(b"k", b"v" * 10)
    second = record_size(b"k", b"v" * 10, (), 1, 3)
    assert batch.size_bytes + second > batch.max_bytes
    assert batch.try_append(b"k", b"v" * 10, (), 3) is None
    assert batch.full and batch.record_count == 1


def test_the_first_record_always_fits() -> None:
    batch = ProducerBatch(TopicPartition("t", 0), 0, max_bytes=10)
    assert batch.try_append(None, b"x" * 100, (), 0) is not None


def test_future_runs_callbacks_once_in_order() -> None:
    future = FutureRecordMetadata()
    seen: list[int] = []
    future.add_callback(lambda f: seen.append(1))
    future.add_callback(lambda f: seen.append(2))
    with pytest.raises(RuntimeError):
        future.result()
    md = RecordMetadata("t", 0, TopicPartition("t", 0), 4, 10, 0, 0)
    future.set_result(md)
    future.add_callback(lambda f: seen.append(3))
    assert seen == [1, 2, 3] and future.result() == md
    with pytest.raises(RuntimeError):
        future.set_result(md)
