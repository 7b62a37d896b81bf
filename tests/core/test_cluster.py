"""The cluster's admin operations, produce and fetch."""

import re

import pytest

from engine import Cluster, RecordMetadata, partition_for_key
from engine.errors import (
    IllegalArgumentError,
    InvalidPartitionsError,
    InvalidReplicationFactorError,
    InvalidTimestampError,
    InvalidTopicError,
    KafkaError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    OffsetOutOfRangeError,
    TopicAlreadyExistsError,
    TopicNameWarning,
    UnknownTopicOrPartitionError,
)


def test_brokers_are_numbered_from_one_like_the_quickstart() -> None:
    assert Cluster().brokers == (1,)
    assert Cluster(brokers=3).brokers == (1, 2, 3)
    assert Cluster(broker_ids=[101, 102, 103]).brokers == (101, 102, 103)


@pytest.mark.parametrize("kwargs", [{"brokers": 0}, {"broker_ids": []}, {"broker_ids": [1, 1]}])
def test_bad_broker_lists_are_rejected(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        Cluster(**kwargs)


def test_create_and_describe_topic() -> None:
    c = Cluster(brokers=3, seed=7)
    c.create_topic("orders", partitions=3, replication_factor=2, configs={"retention.ms": 1000})
    d = c.describe_topic("orders")
    assert d.name == "orders"
    assert len(d.topic_id) == 22
    assert d.replication_factor == 2
    assert d.configs == {"retention.ms": "1000"}
    assert [p.partition for p in d.partitions] == [0, 1, 2]
    for p in d.partitions:
        assert len(set(p.replicas)) == 2
        assert p.leader == p.replicas[0]
        assert p.isr == p.replicas
        assert (p.log_start_offset, p.high_watermark, p.log_end_offset) == (0, 0, 0)
    assert c.list_topics() == ["orders"]
    assert c.topic_config("orders").retention_ms == 1000
    assert c.topic_config("orders").segment_bytes == 1073741824


def test_defaults_come_from_broker_configs() -> None:
    c = Cluster(configs={"num.partitions": 4})
    c.create_topic("t")
    assert c.num_partitions("t") == 4


def test_produce_assigns_offsets_from_zero_per_partition() -> None:
    c = Cluster()
    c.create_topic("t", partitions=2)
    first = c.produce("t", "a", partition=0)
    second = c.produce("t", "b", partition=0)
    other = c.produce("t", "c", partition=1)
    assert (first.offset, second.offset, other.offset) == (0, 1, 0)
    assert first == RecordMetadata("t", 0, 0, 0)


def test_keys_go_to_the_murmur2_partition() -> None:
    c = Cluster()
    c.create_topic("orders", partitions=3)
    got = [c.produce("orders", "v", key=f"id_{i}").partition for i in range(10)]
    assert got == [1, 0, 2, 0, 2, 2, 0, 2, 1, 2]
    assert got == [partition_for_key(f"id_{i}".encode(), 3) for i in range(10)]


def test_explicit_partition_wins_over_the_key() -> None:
    c = Cluster()
    c.create_topic("t", partitions=3)
    assert c.produce("t", "v", key="id_0", partition=2).partition == 2


def test_explicit_partition_out_of_range_is_rejected_and_nothing_is_written() -> None:
    c = Cluster()
    c.create_topic("t", partitions=3)
    before = c.journal.digest()
    with pytest.raises(KafkaTimeoutError) as info:
        c.produce("t", "v", partition=3)
    assert info.value.message == (
        "Partition 3 of topic t with partition count 3 is not present in metadata after 60000 ms."
    )
    with pytest.raises(IllegalArgumentError, match="should always be non-negative or null"):
        c.produce("t", "v", partition=-1)
    assert c.journal.digest() == before


def test_keyless_records_stick_to_one_partition_then_move() -> None:
    c = Cluster(seed=3)
    c.create_topic("t", partitions=6)
    parts = [c.produce("t", "x" * 100).partition for _ in range(1000)]
    runs = [parts[0]]
    for p in parts[1:]:
        if p != runs[-1]:
            runs.append(p)
    assert len(runs) > 3  # it moved
    # each stay lasts about batch.size (16384) bytes: ~100 records of ~170 bytes each
    first_switch = next(i for i, p in enumerate(parts) if p != parts[0])
    assert 50 <= first_switch <= 200


def test_same_seed_same_keyless_placement() -> None:
    def run(seed: int) -> list[int]:
        c = Cluster(seed=seed)
        c.create_topic("t", partitions=5)
        return [c.produce("t", "y" * 500).partition for _ in range(400)]

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_produce_to_a_missing_topic_creates_it_with_defaults() -> None:
    c = Cluster()
    meta = c.produce("fresh", "hello")
    assert meta.topic == "fresh" and meta.offset == 0
    assert c.num_partitions("fresh") == 1
    assert [e.kind for e in c.journal][-2:] == ["topic_created", "records_appended"]


def test_auto_create_can_be_turned_off() -> None:
    c = Cluster(configs={"auto.create.topics.enable": False})
    before = c.journal.digest()
    with pytest.raises(KafkaTimeoutError) as info:
        c.produce("fresh", "hello")
    assert info.value.message == "Topic fresh not present in metadata after 60000 ms."
    assert c.list_topics() == []
    assert c.journal.digest() == before


def test_str_is_utf8_and_bytes_pass_through() -> None:
    c = Cluster()
    c.produce("t", "clé", key=b"\xff\x00")
    (record,) = c.fetch("t", 0)
    assert record.value == "clé".encode()
    assert record.key == b"\xff\x00"
    assert record.serialized_value_size == 4
    assert record.serialized_key_size == 2


def test_null_key_and_value_and_headers_round_trip() -> None:
    c = Cluster()
    c.produce("t", None, headers=[("trace", "abc"), ("trace", b"def"), ("empty", None)])
    (record,) = c.fetch("t", 0)
    assert record.key is None and record.value is None
    assert record.serialized_key_size == -1
    assert record.headers == (("trace", b"abc"), ("trace", b"def"), ("empty", None))


def test_non_bytes_values_are_rejected_with_a_hint() -> None:
    c = Cluster()
    with pytest.raises(TypeError, match="serialize it first"):
        c.produce("t", 42)
    assert c.list_topics() == []


def test_timestamps_come_from_the_simulated_clock() -> None:
    c = Cluster()
    c.advance(1500)
    assert c.now_ms == 1500
    assert c.produce("t", "v").timestamp == 1500
    assert c.produce("t", "v", timestamp_ms=42).timestamp == 42


def test_fetch_reads_from_an_offset_and_caps_the_count() -> None:
    c = Cluster()
    for i in range(10):
        c.produce("t", f"v{i}")
    records = c.fetch("t", 0, offset=3, max_records=4)
    assert [r.offset for r in records] == [3, 4, 5, 6]
    assert [r.value for r in records] == [b"v3", b"v4", b"v5", b"v6"]
    assert c.fetch("t", 0, offset=10) == []


def test_fetch_out_of_range_and_unknown_partition() -> None:
    c = Cluster()
    c.produce("t", "v")
    with pytest.raises(OffsetOutOfRangeError):
        c.fetch("t", 0, offset=2)
    with pytest.raises(UnknownTopicOrPartitionError):
        c.fetch("t", 1)
    with pytest.raises(UnknownTopicOrPartitionError):
        c.fetch("nope", 0)


def test_produce_batch_matches_produce_one_by_one() -> None:
    records = [(f"k{i % 7}", f"v{i}") for i in range(500)] + [(None, f"n{i}") for i in range(300)]
    one, many = Cluster(seed=5), Cluster(seed=5)
    for c in (one, many):
        c.create_topic("t", partitions=4)
    singles = [one.produce("t", v, key=k) for k, v in records]
    batch = many.produce_batch("t", records)
    keyed = slice(0, 500)
    assert [(m.partition, m.offset) for m in batch[keyed]] == [
        (m.partition, m.offset) for m in singles[keyed]
    ]
    for p in range(4):
        fetched = many.fetch("t", p, max_records=10_000)
        assert [r.offset for r in fetched] == list(range(len(fetched)))


def test_create_partitions_grows_and_validates() -> None:
    c = Cluster()
    c.create_topic("t", partitions=2)
    c.create_partitions("t", 5)
    assert c.num_partitions("t") == 5
    before = c.journal.digest()
    with pytest.raises(InvalidPartitionsError):
        c.create_partitions("t", 5)
    with pytest.raises(InvalidPartitionsError):
        c.create_partitions("t", 3)
    with pytest.raises(UnknownTopicOrPartitionError):
        c.create_partitions("nope", 3)
    assert c.journal.digest() == before
    assert c.num_partitions("t") == 5


def test_delete_topic() -> None:
    c = Cluster()
    c.create_topic("t")
    c.delete_topic("t")
    assert c.list_topics() == []
    with pytest.raises(UnknownTopicOrPartitionError):
        c.delete_topic("t")


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda c: c.create_topic("orders"), TopicAlreadyExistsError),
        (lambda c: c.create_topic("bad name"), InvalidTopicError),
        (lambda c: c.create_topic(""), InvalidTopicError),
        (lambda c: c.create_topic("x" * 250), InvalidTopicError),
        (lambda c: c.create_topic("..",), InvalidTopicError),
        (lambda c: c.create_topic("new", replication_factor=3), InvalidReplicationFactorError),
        (lambda c: c.create_topic("new", partitions=0), InvalidPartitionsError),
        (lambda c: c.create_topic("new", configs={"retention.ms": "soon"}), KafkaError),
        (lambda c: c.create_topic("new", configs={"no.such.config": 1}), KafkaError),
        (lambda c: c.create_topic("or_ders"), InvalidTopicError),  # collides with or.ders
        (lambda c: c.produce("orders", "v", partition=-1), KafkaError),
        (lambda c: c.fetch("orders", 0, offset=-1), OffsetOutOfRangeError),
    ],
)
@pytest.mark.filterwarnings("ignore::engine.core.errors.TopicNameWarning")
def test_bad_input_raises_and_leaves_the_cluster_unchanged(call, error) -> None:
    c = Cluster(seed=11)
    c.create_topic("orders", partitions=2)
    c.create_topic("or.ders")
    c.produce("orders", "v", key="k")
    before = (c.journal.digest(), c.list_topics(), c.describe_topic("orders"))
    with pytest.raises(error):
        call(c)
    assert (c.journal.digest(), c.list_topics(), c.describe_topic("orders")) == before


def test_replication_factor_error_has_kafkas_text() -> None:
    with pytest.raises(InvalidReplicationFactorError) as info:
        Cluster().create_topic("t", partitions=1, replication_factor=3)
    assert info.value.message == (
        "Unable to replicate the partition 3 time(s): The target replication factor of 3 "
        "cannot be reached because only 1 broker(s) are registered or some brokers have "
        "all their log directories cordoned."
    )


def test_record_too_large_for_the_producer_has_kafkas_numbers() -> None:
    c = Cluster()
    with pytest.raises(MessageSizeTooLargeError) as info:
        c.produce("t", b"x" * 1048576)
    assert info.value.message == (
        "The message is 1048664 bytes when serialized which is larger than 1048576, "
        "which is the value of the max.request.size configuration."
    )
    assert c.list_topics() == []
    c.produce("t", b"x" * 1048489)  # the largest value that fits


def test_batch_over_the_topics_max_message_bytes_is_refused() -> None:
    c = Cluster()
    c.create_topic("small", configs={"max.message.bytes": 1000})
    before = c.journal.digest()
    with pytest.raises(MessageSizeTooLargeError):
        c.produce("small", b"x" * 1000)
    assert c.journal.digest() == before
    c.produce("small", b"x" * 900)


def test_names_with_a_period_or_underscore_warn_as_kafka_topics_does() -> None:
    c = Cluster()
    with pytest.warns(TopicNameWarning, match=r"topics with a period \('.'\) or underscore"):
        c.create_topic("page_views")
    assert c.list_topics() == ["page_views"]


@pytest.mark.parametrize(
    ("call", "error", "text"),
    [
        (lambda c: c.create_topic("a", partitions="3"), TypeError, "partitions must be an int"),
        (lambda c: c.create_topic("a", partitions=2.5), TypeError, "partitions must be an int"),
        (lambda c: c.create_topic("a", replication_factor=True), TypeError, "replication_factor"),
        (lambda c: c.create_topic("a", configs=[("retention.ms", 1)]), TypeError, "mapping"),
        (lambda c: c.create_partitions("orders", "5"), TypeError, "total must be an int"),
        (lambda c: c.advance(1.5), TypeError, "whole milliseconds"),
        (lambda c: c.produce("orders", "v", timestamp_ms=-5), IllegalArgumentError,
         "Invalid timestamp: -5. Timestamp should always be non-negative or null."),
        (lambda c: c.produce_batch("orders", ["kv"]), TypeError, "(key, value) pair"),
        (lambda c: c.produce_batch("orders", [("k", "v", "x")]), TypeError, "(key, value) pair"),
    ],
)
def test_wrong_argument_types_fail_clearly_and_change_nothing(call, error, text) -> None:
    c = Cluster()
    c.create_topic("orders", partitions=2)
    before = c.journal.digest()
    with pytest.raises(error, match=re.escape(text)):
        call(c)
    assert c.journal.digest() == before
    assert c.list_topics() == ["orders"] and c.now_ms == 0


def test_log_append_time_replaces_the_producers_timestamp() -> None:
    c = Cluster()
    c.create_topic("t", configs={"message.timestamp.type": "LogAppendTime"})
    c.advance(500)
    assert c.produce("t", "v", timestamp_ms=42).timestamp == 500
    (record,) = c.fetch("t", 0)
    assert (record.timestamp, record.timestamp_type) == (500, 1)
    c.create_topic("u")
    c.produce("u", "v", timestamp_ms=42)
    assert (c.fetch("u", 0)[0].timestamp, c.fetch("u", 0)[0].timestamp_type) == (42, 0)


def test_timestamps_too_far_in_the_future_are_refused_with_kafkas_text() -> None:
    c = Cluster()
    c.create_topic("t")
    c.advance(1000)
    c.produce("t", "v", timestamp_ms=1000 + 3_600_000)  # exactly one hour ahead: accepted
    before = c.journal.digest()
    with pytest.raises(InvalidTimestampError) as info:
        c.produce_batch("t", [("k", "v")], timestamp_ms=1000 + 3_600_001)
    assert info.value.message == (
        "Timestamp 3601001 of message with offset 0 is out of range. The timestamp should be "
        f"within [{1000 - (2**63 - 1)}, 3601000]"
    )
    assert c.journal.digest() == before
