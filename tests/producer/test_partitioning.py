"""Partition choice in the producer client: explicit, custom, keyed, sticky."""

from __future__ import annotations

import pytest

from engine.core import Cluster, partition_for_key
from engine.core.errors import IllegalArgumentError, KafkaTimeoutError
from engine.producer import Producer
from engine.producer.partitioning import ProducerPartitioner


def test_keyed_records_go_to_murmur2s_partition() -> None:
    cluster = Cluster(1)
    cluster.create_topic("t", 6)
    producer = Producer(cluster)
    keys = [f"user-{i}".encode() for i in range(40)]
    futures = [producer.send("t", b"v", key=k) for k in keys]
    producer.flush()
    got = [f.result().partition for f in futures]
    assert got == [partition_for_key(k, 6) for k in keys]
    assert len(set(got)) > 1


def test_keyless_records_stick_to_one_partition_until_batch_size() -> None:
    cluster = Cluster(1, seed=3)
    cluster.create_topic("t", 4)
    producer = Producer(cluster, max_batch_size=1000, linger_ms=100000)
    futures = [producer.send("t", b"x" * 90) for _ in range(60)]
    producer.flush()
    parts = [f.result().partition for f in futures]
    runs = [parts[0]]
    for p in parts[1:]:
        if p != runs[-1]:
            runs.append(p)
    assert len(runs) > 2  # it switched several times ...
    first_run = parts.index(runs[1])
    # Java's rule: switch after batch.size bytes once the partition's batches are all
    # full, else after 2 * batch.size; the open batch is never exactly full here.
    assert 17 <= first_run <= 22


def test_sticky_state_is_per_producer_and_repeats() -> None:
    def parts(seed_client: str) -> list[int]:
        p = ProducerPartitioner(seed_client, batch_size=100)
        out = []
        for _ in range(30):
            out.append(p.partition("t", None, None, 8, None))
            p.sticky("t").update(60, 8)
        return out
    assert parts("0/producer-1") == parts("0/producer-1")
    assert parts("0/producer-1") != parts("0/producer-2")


def test_available_partitions_only_for_keyless_records() -> None:
    p = ProducerPartitioner("s", batch_size=100)
    for _ in range(20):
        assert p.partition("t", None, None, 5, [1, 3]) in (1, 3)
        p.sticky("t").update(200, 5, True, [1, 3])


def test_explicit_partition_wins_and_is_checked() -> None:
    p = ProducerPartitioner("s", batch_size=100)
    assert p.partition("t", b"k", 2, 3, None) == 2
    with pytest.raises(IllegalArgumentError, match="Invalid partition: -1"):
        p.partition("t", None, -1, 3, None)
    with pytest.raises(KafkaTimeoutError, match="Partition 3 of topic t with partition count 3"):
        p.partition("t", None, 3, 3, None)


def test_custom_partitioner_is_called_as_aiokafka_calls_it() -> None:
    calls = []

    def last(key, all_partitions, available):
        calls.append((key, all_partitions, available))
        return all_partitions[-1]

    p = ProducerPartitioner("s", batch_size=100, custom=last)
    assert p.partition("t", b"k", None, 3, None) == 2
    assert calls == [(b"k", [0, 1, 2], [0, 1, 2])]
    bad = ProducerPartitioner("s", batch_size=100, custom=lambda k, a, v: "0")
    with pytest.raises(IllegalArgumentError, match="must be an int"):
        bad.partition("t", b"k", None, 3, None)
