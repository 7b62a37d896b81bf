"""Sizes of records and record batches in Kafka's on-disk format (magic v2).

Kafka counts bytes in several places a learner can observe: ``segment.bytes`` rolls a
segment, ``max.message.bytes`` bounds a batch, and the sticky partitioner switches
partition after ``batch.size`` bytes. These functions give the same sizes Kafka's
``DefaultRecord.sizeInBytes`` and ``DefaultRecordBatch`` would.
"""

from __future__ import annotations

from collections.abc import Sequence

RECORD_BATCH_OVERHEAD = 61
"""Bytes of a v2 record batch header (``DefaultRecordBatch.RECORD_BATCH_OVERHEAD``)."""
MAX_RECORD_OVERHEAD = 21
"""``DefaultRecord.MAX_RECORD_OVERHEAD``: the most a record adds to its key, value and
headers (length prefix, attributes, timestamp and offset deltas at their widest)."""
RECORD_BODY_FIXED = 3
"""Bytes of a record body before its key at offset and timestamp delta 0: attributes and
the two one-byte deltas."""
SIZE_BOUND_EXTRA = RECORD_BATCH_OVERHEAD + MAX_RECORD_OVERHEAD - RECORD_BODY_FIXED
"""What the producer's size check adds to a record body (delta 0) to bound the record
from above (``AbstractRecords.estimateSizeInBytesUpperBound``): 79 bytes."""


def varint_size(value: int) -> int:
    """Bytes of a zig-zag varint holding the signed 32/64-bit ``value``."""
    zigzag = (value << 1) if value >= 0 else ((-value << 1) - 1)
    if zigzag < 0x80:
        return 1
    return (zigzag.bit_length() + 6) // 7


def length_size(n: int) -> int:
    """Bytes of the varint holding a length or count ``n >= 0`` (1 below 64, 2 below
    8192); the comparisons come first so that the usual sizes cost no bit counting."""
    return 1 if n < 64 else 2 if n < 8192 else varint_size(n)


def size_upper_bound(body_at_zero: int) -> int:
    """The producer's upper bound for a record whose body takes ``body_at_zero`` bytes at
    delta 0, batch header included (what ``max.request.size`` is checked against)."""
    return body_at_zero + SIZE_BOUND_EXTRA


def _bytes_field_size(data: bytes | None) -> int:
    if data is None:
        return 1  # varint(-1)
    n = len(data)
    return length_size(n) + n


def record_body_size(
    key: bytes | None,
    value: bytes | None,
    headers: Sequence[tuple[str, bytes | None]] = (),
    offset_delta: int = 0,
    timestamp_delta: int = 0,
) -> int:
    """The body of ``DefaultRecord``: everything but its own length prefix."""
    body = 1  # attributes
    body += varint_size(timestamp_delta)
    body += varint_size(offset_delta)
    body += _bytes_field_size(key)
    body += _bytes_field_size(value)
    body += varint_size(len(headers))
    for header_key, header_value in headers:
        body += _bytes_field_size(header_key.encode())
        body += _bytes_field_size(header_value)
    return body


def record_size(
    key: bytes | None,
    value: bytes | None,
    headers: Sequence[tuple[str, bytes | None]] = (),
    offset_delta: int = 0,
    timestamp_delta: int = 0,
) -> int:
    """``DefaultRecord.sizeInBytes``: the record body plus its own length prefix."""
    body = record_body_size(key, value, headers, offset_delta, timestamp_delta)
    return varint_size(body) + body


def size_at_offset_delta(body_at_zero: int, offset_delta: int) -> int:
    """The size of a record whose body is ``body_at_zero`` bytes at offset delta 0,
    when it sits at ``offset_delta`` in its batch (only that varint grows)."""
    body = body_at_zero if offset_delta < 64 else body_at_zero + length_size(offset_delta) - 1
    return body + length_size(body)
