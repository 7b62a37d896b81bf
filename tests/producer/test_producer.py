"""The synchronous Producer: sends, linger on the cluster clock, flush, acks, journal."""

from __future__ import annotations

import pytest

from engine.core import Cluster
from engine.core.errors import (
    IllegalStateError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
)
from engine.producer import Producer


def new_cluster(partitions: int = 1, **configs: object) -> Cluster:
    cluster = Cluster(1, seed=5, configs=configs or None)
    cluster.create_topic("t", partitions)
    return cluster


def test_send_queues_and_the_linger_timer_sends_on_any_clock_advance() -> None:
    cluster = new_cluster()
    producer = Producer(cluster, linger_ms=20)
    futures = [producer.send("t", f"v{i}".encode()) for i in range(3)]
    assert not any(f.done() for f in futures) and cluster.now_ms == 0
    cluster.advance(19)
    assert not futures[0].done()
    cluster.advance(1)
    assert [f.result().offset for f in futures] == [0, 1, 2]
    sent = cluster.journal.of_kind("batch_sent")
    assert len(sent) == 1 and sent[0].time_ms == 20
    assert sent[0].data["count"] == 3 and sent[0].data["acks"] == "all"


def test_records_keep_their_own_timestamps_within_a_batch() -> None:
    cluster = new_cluster()
    producer = Producer(cluster, linger_ms=10)
    first = producer.send("t", b"a")
    cluster.advance(4)
    second = producer.send("t", b"b", timestamp_ms=2)
    cluster.advance(6)
    assert (first.result().timestamp, second.result().timestamp) == (0, 2)
    assert [r.timestamp for r in cluster.fetch("t", 0)] == [0, 2]
    assert first.result().timestamp_type == 0 and first.result().log_start_offset == 0


def test_log_append_time_topics_report_the_brokers_time() -> None:
    cluster = Cluster(1)
    cluster.create_topic("t", 1, configs={"message.timestamp.type": "LogAppendTime"})
    producer = Producer(cluster)
    future = producer.send("t", b"a", timestamp_ms=1)
    cluster.advance(5)
    assert (future.result().timestamp, future.result().timestamp_type) == (5, 1)


def test_flush_sends_without_moving_the_clock() -> None:
    cluster = new_cluster(partitions=2)
    producer = Producer(cluster, linger_ms=1000)
    futures = [producer.send("t", b"x", key=str(i).encode()) for i in range(10)]
    producer.flush()
    assert cluster.now_ms == 0 and all(f.done() for f in futures)


def test_acks_0_gives_offset_minus_one_and_acks_1_an_offset() -> None:
    cluster = new_cluster()
    zero = Producer(cluster, acks=0)
    one = Producer(cluster, acks=1)
    f0, f1 = zero.send("t", b"a"), one.send("t", b"b")
    zero.flush()
    one.flush()
    assert f0.result().offset == -1 and f1.result().offset == 1
    assert zero.producer_id == -1 and one.config.enable_idempotence is False


def test_idempotent_producers_get_ids_and_sequences() -> None:
    cluster = new_cluster()
    a, b = Producer(cluster), Producer(cluster)
    assert (a.producer_id, b.producer_id) == (0, 1)
    a.send("t", b"1")
    a.flush()
    a.send("t", b"2")
    a.send("t", b"3")
    a.flush()
    sequences = [e.data["base_sequence"] for e in cluster.journal.of_kind("batch_sent")]
    assert sequences == [0, 1]


def test_serializers_and_bytes_only_without_them() -> None:
    cluster = new_cluster()
    producer = Producer(cluster, key_serializer=str.encode,
                        value_serializer=lambda v: repr(v).encode())
    future = producer.send("t", {"n": 1}, key="k")
    producer.flush()
    record = cluster.fetch("t", 0)[0]
    assert (record.key, record.value) == (b"k", b"{'n': 1}") and future.done()
    plain = Producer(cluster)
    with pytest.raises(TypeError, match="value_serializer"):
        plain.send("t", "text")
    assert len(cluster.journal.of_kind("batch_sent")) == 1


def test_headers_reach_the_log() -> None:
    cluster = new_cluster()
    producer = Producer(cluster)
    producer.send("t", b"v", headers=[("trace", b"1")])
    producer.flush()
    assert cluster.fetch("t", 0)[0].headers == (("trace", b"1"),)


def test_max_request_size_is_checked_at_send() -> None:
    cluster = new_cluster()
    producer = Producer(cluster, max_request_size=1000)
    with pytest.raises(MessageSizeTooLargeError) as info:
        producer.send("t", b"x" * 1000)
    assert info.value.message == (
        "The message is 1086 bytes when serialized which is larger than 1000, which is "
        "the value of the max.request.size configuration.")


def test_unknown_topic_is_created_or_times_out() -> None:
    cluster = new_cluster()
    Producer(cluster).send("new-topic", b"v")
    assert cluster.has_topic("new-topic")
    strict = new_cluster(**{"auto.create.topics.enable": "false"})
    with pytest.raises(KafkaTimeoutError, match="Topic nope not present in metadata"):
        Producer(strict).send("nope", b"v")


def test_close_flushes_and_refuses_more_sends() -> None:
    cluster = new_cluster()
    producer = Producer(cluster, linger_ms=1000)
    future = producer.send("t", b"v")
    producer.close()
    assert future.result().offset == 0
    with pytest.raises(IllegalStateError, match="after producer has been closed"):
        producer.send("t", b"v")
    kinds = [e.kind for e in cluster.journal if e.kind.startswith(("producer", "batch"))]
    assert kinds == ["producer_created", "batch_sent", "producer_closed"]


def test_two_runs_give_the_same_journal() -> None:
    def run() -> str:
        cluster = Cluster(3, seed=9)
        cluster.create_topic("t", 3, 3, configs={"min.insync.replicas": 2})
        producer = Producer(cluster, max_batch_size=500)
        for i in range(50):
            producer.send("t", b"v" * (i % 7), key=None if i % 3 else str(i).encode())
            if i % 10 == 0:
                cluster.advance(3)
        cluster.kill_broker(2)
        for _ in range(5):
            producer.send("t", b"late")
        producer.close()
        return cluster.journal.digest()
    assert run() == run()


def _journal(cluster: Cluster) -> list[tuple[int, str, dict[str, object]]]:
    return [(e.time_ms, e.kind, dict(e.data)) for e in cluster.journal]


def _keyed_workload(cluster: Cluster, send: object) -> list[object]:
    """Keys and values of many sizes (varint edges at 63/64 bytes, keys too long to be
    remembered), gaps in time that make timestamp deltas of 64 ms and more, and enough
    records to fill batches."""
    futures = []
    for i in range(700):
        key = b"k" * (i % 70 + 1) if i % 11 else b"long-%d" % (i % 3) * 60  # > 256 bytes
        value = None if i % 97 == 0 else b"v" * (i * 7 % 120)
        futures.append(send(key, value))  # type: ignore[operator]
        if i % 50 == 49:
            cluster.advance(i % 3 * 32)
    return futures


def test_send_plain_is_send_for_the_common_record() -> None:
    from engine.producer.batch import FutureRecordMetadata

    def run(plain: bool) -> tuple[list[object], list[object]]:
        cluster = new_cluster(3)
        producer = Producer(cluster, linger_ms=200, max_batch_size=9000)
        if plain:
            def send(key: bytes, value: bytes | None) -> object:
                future = FutureRecordMetadata()
                assert producer.send_plain("t", key, value, future)
                return future
        else:
            def send(key: bytes, value: bytes | None) -> object:
                return producer.send("t", value, key)
        futures = _keyed_workload(cluster, send)
        producer.flush()
        return [f.result() for f in futures], _journal(cluster)  # type: ignore[attr-defined]

    general, plain = run(False), run(True)
    assert plain[0] == general[0]
    assert plain[1] == general[1]
    assert sum(1 for _, kind, _ in plain[1] if kind == "batch_sent") > 3


def test_send_plain_declines_what_send_must_handle() -> None:
    from engine.producer.batch import FutureRecordMetadata

    cluster = new_cluster(2)
    producer = Producer(cluster, max_request_size=500)
    events = len(cluster.journal)
    assert not producer.send_plain("missing", b"k", b"v", FutureRecordMetadata())
    assert not producer.send_plain("t", b"k", b"v" * 500, FutureRecordMetadata())
    assert not producer._accumulator.has_pending()
    assert len(cluster.journal) == events and not cluster.has_topic("missing")
    producer.close()
    assert not producer.send_plain("t", b"k", b"v", FutureRecordMetadata())


def test_send_plain_follows_the_topic_when_it_changes() -> None:
    from engine.core.partitioner import positive_hash
    from engine.producer.batch import FutureRecordMetadata

    cluster = new_cluster(1)
    producer = Producer(cluster, linger_ms=0)
    key = next(k for k in (b"a%d" % i for i in range(100)) if positive_hash(k) % 4 != 0)
    first = FutureRecordMetadata()
    assert producer.send_plain("t", key, b"v", first)
    producer.flush()
    cluster.create_partitions("t", 4)
    second = FutureRecordMetadata()
    assert producer.send_plain("t", key, b"v", second)
    producer.flush()
    assert first.result().partition == 0
    assert second.result().partition == positive_hash(key) % 4
    cluster.delete_topic("t")
    assert not producer.send_plain("t", key, b"v", FutureRecordMetadata())


@pytest.mark.parametrize(("headers", "error", "message"), [
    ([("trace", "1")], TypeError, "Expected bytes, got str"),
    ([("trace", bytearray(b"1"))], TypeError, "Expected bytes, got bytearray"),
    ([(b"trace", b"1")], TypeError, "Expected str, got bytes"),
    ([["trace", b"1"]], TypeError, "Expected tuple, got list"),
    ([("trace", b"1", b"2")], ValueError, "too many values to unpack (expected 2)"),
])
def test_headers_are_checked_as_aiokafka_does(headers: list[object], error: type,
                                              message: str) -> None:
    cluster = new_cluster()
    producer = Producer(cluster)
    with pytest.raises(error) as info:
        producer.send("t", b"v", headers=headers)  # type: ignore[arg-type]
    assert str(info.value) == message
    producer.flush()
    assert cluster.fetch("t", 0) == [] and producer._accumulator.in_queue() == 0


def test_a_null_header_value_is_kept() -> None:
    cluster = new_cluster()
    producer = Producer(cluster)
    producer.send("t", b"v", headers=[("a", None), ("a", b"2")])
    producer.flush()
    assert cluster.fetch("t", 0)[0].headers == (("a", None), ("a", b"2"))
