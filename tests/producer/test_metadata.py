"""The producer's RecordMetadata has aiokafka's fields, in aiokafka's order."""

from aiokafka.structs import RecordMetadata as AioRecordMetadata

from engine.core.records import TopicPartition
from engine.producer.metadata import RecordMetadata


def test_fields_are_aiokafkas() -> None:
    assert RecordMetadata._fields == AioRecordMetadata._fields


def test_equal_to_aiokafkas_value_and_prints_like_it() -> None:
    tp = TopicPartition("t", 1)
    ours = RecordMetadata("t", 1, tp, 7, 1000, 0, 0)
    theirs = AioRecordMetadata("t", 1, tp, 7, 1000, 0, 0)
    assert ours == theirs
    assert repr(ours) == repr(theirs)
