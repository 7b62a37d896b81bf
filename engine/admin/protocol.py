"""The consumer protocol's bytes that DescribeGroups reports for each member.

A classic consumer group stores, per member, the subscription it joined with and the
assignment the leader gave it, in the encoding of Kafka's ``ConsumerProtocolSubscription``
and ``ConsumerProtocolAssignment`` (version 0, as aiokafka writes them): big-endian
``int16`` version, then arrays as an ``int32`` count, strings as an ``int16`` length, and
the user data as ``int32`` length-prefixed bytes (empty here).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

from engine.core.records import TopicPartition


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack(">h", len(data)) + data


def encode_subscription(topics: Iterable[str]) -> bytes:
    """``ConsumerProtocolSubscription`` v0: the topics (sorted) and empty user data."""
    names = sorted(set(topics))
    body = b"".join(_string(t) for t in names)
    return struct.pack(">hi", 0, len(names)) + body + struct.pack(">i", 0)


def encode_assignment(partitions: Iterable[TopicPartition]) -> bytes:
    """``ConsumerProtocolAssignment`` v0: partitions grouped by topic, and empty user data."""
    by_topic: dict[str, list[int]] = {}
    for tp in partitions:
        by_topic.setdefault(tp.topic, []).append(tp.partition)
    out = [struct.pack(">hi", 0, len(by_topic))]
    for topic in sorted(by_topic):
        numbers = sorted(by_topic[topic])
        out.append(_string(topic) + struct.pack(f">i{len(numbers)}i", len(numbers), *numbers))
    out.append(struct.pack(">i", 0))
    return b"".join(out)


def decode_assignment(data: bytes) -> list[TopicPartition]:
    """The partitions of an encoded assignment (either backend's bytes)."""
    if not data:
        return []
    pos = 2
    (count,) = struct.unpack_from(">i", data, pos)
    pos += 4
    out = []
    for _ in range(count):
        (length,) = struct.unpack_from(">h", data, pos)
        topic = data[pos + 2:pos + 2 + length].decode("utf-8")
        pos += 2 + length
        (n,) = struct.unpack_from(">i", data, pos)
        numbers = struct.unpack_from(f">{n}i", data, pos + 4)
        pos += 4 + 4 * n
        out.extend(TopicPartition(topic, p) for p in numbers)
    return out
