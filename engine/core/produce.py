"""Turning what a learner passes to ``produce`` into the bytes Kafka stores.

Kafka stores keys, values and header values as bytes. For convenience the engine takes
``str`` too and encodes it as UTF-8, which is what Kafka's ``StringSerializer`` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from engine.core.args import require_int
from engine.core.errors import (
    IllegalArgumentError,
    InvalidTimestampError,
    MessageSizeTooLargeError,
)
from engine.core.log import Headers


class _HasMaxMessageBytes(Protocol):
    max_message_bytes: int


def encode(data: bytes | str | None, what: str) -> bytes | None:
    """``bytes`` as they are, ``str`` as UTF-8, ``None`` as null; anything else is an error."""
    if data is None or type(data) is bytes:
        return data
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(
        f"the {what} must be bytes, str or None, not {type(data).__name__}: "
        f"serialize it first (for example str({what}).encode() or json.dumps({what}).encode())"
    )


def encode_headers(headers: Iterable[tuple[str, bytes | str | None]] | None) -> Headers:
    """Headers as a tuple of ``(str, bytes | None)`` pairs; keys may repeat, as in Kafka."""
    if headers is None:
        return ()
    result = []
    for item in headers:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
            raise TypeError(f"each header must be a (str, bytes) pair, got {item!r}")
        result.append((item[0], encode(item[1], "header value")))
    return tuple(result)


def check_timestamp(timestamp_ms: object) -> int:
    """A record timestamp as ``ProducerRecord`` accepts it: a non-negative int."""
    timestamp = require_int(timestamp_ms, "timestamp_ms")
    if timestamp < 0:
        raise IllegalArgumentError(
            f"Invalid timestamp: {timestamp}. Timestamp should always be non-negative or null."
        )
    return timestamp


MAX_REQUEST_SIZE = 1048576
"""The producer's ``max.request.size`` default: the largest request it will send."""


def check_request_size(record_body_bytes: int) -> None:
    """The producer's own check, made before anything reaches a broker.

    Kafka's producer bounds a record from above as the batch header (61 bytes) plus the
    largest record overhead (21) plus the key, value and headers fields, which are the
    record body less its 3 bytes of attributes and deltas.
    """
    estimate = 61 + 21 + record_body_bytes - 3
    if estimate > MAX_REQUEST_SIZE:
        raise MessageSizeTooLargeError(
            f"The message is {estimate} bytes when serialized which is larger than "
            f"{MAX_REQUEST_SIZE}, which is the value of the max.request.size configuration."
        )


def check_batch_size(config: _HasMaxMessageBytes, batch_bytes: int) -> None:
    """The broker's check of a batch against the topic's ``max.message.bytes``.

    The broker logs a detailed text but sends the producer only the error code, so the
    learner sees the code's default text, as with a real producer.
    """
    if batch_bytes > config.max_message_bytes:
        raise MessageSizeTooLargeError()


class _TimestampConfig(Protocol):
    message_timestamp_type: str
    message_timestamp_before_max_ms: int
    message_timestamp_after_max_ms: int


def log_timestamp(config: _TimestampConfig, timestamp: int, now_ms: int) -> int:
    """The timestamp the broker stores for a batch, as ``LogValidator`` decides it.

    With ``message.timestamp.type=LogAppendTime`` the broker's clock replaces the
    producer's timestamp. With ``CreateTime`` the producer's timestamp is kept, unless it
    is more than ``message.timestamp.before.max.ms`` in the past or
    ``message.timestamp.after.max.ms`` (one hour since Kafka 4.0) in the future.
    """
    if config.message_timestamp_type == "LogAppendTime":
        return now_ms
    before = config.message_timestamp_before_max_ms
    after = config.message_timestamp_after_max_ms
    if timestamp - now_ms > after or now_ms - timestamp > before:
        raise InvalidTimestampError(
            f"Timestamp {timestamp} of message with offset 0 is out of range. The timestamp "
            f"should be within [{now_ms - before}, {now_ms + after}]"
        )
    return timestamp
