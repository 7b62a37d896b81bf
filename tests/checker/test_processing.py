"""The processing checker: duplicates, losses and reorderings of a consuming pipeline."""

from __future__ import annotations

import pytest

from engine import Cluster
from engine.checker.processing import (
    PartitionProcessing,
    RecordId,
    check_processing,
    produced_records,
    record_id,
)
from engine.core.records import TopicPartition


def ids(partition: int, *offsets: int, topic: str = "t") -> list[RecordId]:
    return [RecordId(topic, partition, o) for o in offsets]


def test_everything_processed_once_in_order_is_exactly_once() -> None:
    produced = ids(0, 0, 1, 2) + ids(1, 0, 1)
    processed = ids(1, 0) + ids(0, 0, 1) + ids(1, 1) + ids(0, 2)  # partitions interleave
    report = check_processing(produced, processed)
    assert report.exactly_once and report.at_least_once and report.at_most_once
    assert report.in_order
    assert report.semantics() == "exactly once"
    assert report.summary() == ("produced 5, processed 5: 0 duplicate(s), 0 lost, "
                                "0 reordered → exactly once")


def test_reprocessing_after_a_crash_counts_duplicates_not_reorderings() -> None:
    produced = ids(0, 0, 1, 2, 3)
    processed = ids(0, 0, 1, 2) + ids(0, 1, 2, 3)  # restarted from committed offset 1
    report = check_processing(produced, processed)
    assert report.duplicates == tuple(ids(0, 1, 2))
    assert not report.lost and not report.reordered
    assert report.at_least_once and not report.at_most_once
    assert report.semantics() == "at least once"
    assert report.partitions == (PartitionProcessing("t", 0, 4, 6, 2, 0, 0),)


def test_a_skipped_record_is_lost() -> None:
    produced = ids(0, 0, 1, 2, 3) + ids(1, 0)
    processed = ids(0, 0, 1) + ids(0, 3)
    report = check_processing(produced, processed)
    assert report.lost == (RecordId("t", 0, 2), RecordId("t", 1, 0))
    assert report.at_most_once and not report.at_least_once
    assert report.semantics() == "at most once"
    assert [p.lost for p in report.partitions] == [1, 1]


def test_losses_and_duplicates_together_are_neither() -> None:
    report = check_processing(ids(0, 0, 1, 2), ids(0, 0, 0, 2))
    assert report.semantics() == "neither"
    assert len(report.duplicates) == 1 and report.lost == (RecordId("t", 0, 1),)


def test_first_processing_out_of_offset_order_is_a_reordering() -> None:
    report = check_processing(ids(0, 0, 1, 2), ids(0, 0, 2, 1))
    assert report.reordered == (RecordId("t", 0, 1),)
    assert report.exactly_once and not report.in_order
    other_partition = check_processing(ids(0, 5) + ids(1, 0), ids(0, 5) + ids(1, 0))
    assert other_partition.in_order  # order is per partition only


def test_records_never_produced_are_unexpected() -> None:
    report = check_processing(ids(0, 0), ids(0, 0) + ids(0, 7))
    assert report.unexpected == (RecordId("t", 0, 7),)
    assert not report.exactly_once and report.semantics() == "neither"
    assert report.summary().endswith("1 unexpected → neither")


def test_accepts_records_metadata_and_tuples() -> None:
    cluster = Cluster(brokers=1, seed=3)
    cluster.create_topic("t", partitions=2)
    metas = [cluster.produce("t", f"v{i}", partition=i % 2) for i in range(4)]
    consumer = cluster.consumer(auto_offset_reset="earliest")
    consumer.assign([TopicPartition("t", 0), TopicPartition("t", 1)])
    records = [r for batch in consumer.poll(0).values() for r in batch]
    assert check_processing(metas, records).exactly_once
    assert check_processing([("t", 0, 0)], [("t", 0, 0)]).exactly_once
    assert record_id(metas[1]) == RecordId("t", 1, 0)
    assert str(RecordId("t", 1, 0)) == "t-1@0"


def test_produced_records_reads_every_partition_up_to_the_high_watermark() -> None:
    cluster = Cluster(brokers=1, seed=3)
    cluster.create_topic("t", partitions=2)
    cluster.create_topic("u", partitions=1)
    for i in range(3):
        cluster.produce("t", f"v{i}", partition=0)
    cluster.produce("u", "x")
    assert produced_records(cluster, "t", "u") == ids(0, 0, 1, 2) + ids(0, 0, topic="u")


@pytest.mark.parametrize("bad", [("t", 0), "t-0", ("t", "0", 1), ("t", True, 0), 42])
def test_rejects_something_that_is_not_a_record(bad: object) -> None:
    with pytest.raises(TypeError, match="topic, partition and offset"):
        check_processing([bad], [])


def test_table_lists_each_partition() -> None:
    report = check_processing(ids(0, 0, 1) + ids(1, 0), ids(0, 0, 0, 1))
    assert report.table().splitlines() == [
        "partition        produced processed duplicates  lost reordered",
        "t-0                     2         3          1     0         0",
        "t-1                     1         0          0     1         0",
    ]
