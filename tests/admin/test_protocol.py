"""The consumer protocol bytes are those aiokafka writes (seen on a Kafka 4.4 broker)."""

from __future__ import annotations

from engine.admin.protocol import decode_assignment, encode_assignment, encode_subscription
from engine.core.records import TopicPartition

#: A member's bytes as DescribeGroups returned them for an aiokafka consumer of "probe-dd8547dd".
REAL_METADATA = b"\x00\x00\x00\x00\x00\x01\x00\x0eprobe-dd8547dd\x00\x00\x00\x00"
REAL_ASSIGNMENT = (b"\x00\x00\x00\x00\x00\x01\x00\x0eprobe-dd8547dd\x00\x00\x00\x03"
                   b"\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x00")


def test_subscription_bytes_match_aiokafkas() -> None:
    assert encode_subscription(["probe-dd8547dd"]) == REAL_METADATA


def test_assignment_bytes_match_aiokafkas_in_any_input_order() -> None:
    tps = [TopicPartition("probe-dd8547dd", p) for p in (2, 0, 1)]
    assert encode_assignment(tps) == REAL_ASSIGNMENT


def test_assignment_round_trips_over_several_topics() -> None:
    tps = [TopicPartition("b", 1), TopicPartition("a", 0), TopicPartition("b", 0)]
    assert decode_assignment(encode_assignment(tps)) == sorted(tps)
    assert decode_assignment(b"") == []
    assert encode_assignment([]) == b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
