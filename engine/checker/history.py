"""What producers were told: one entry per acknowledged record, in acknowledgement order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from engine.core.records import RecordMetadata


class Acknowledged(NamedTuple):
    """A record the producer was told was written, and where."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    acks: int
    time_ms: int


class AckHistory:
    """Acknowledged records in the order the producer received them.

    ``cluster.record_acks()`` makes one and fills it from every successful ``produce``
    with ``acks`` 1 or all (``acks=0`` promises nothing: its offset is -1). ``add`` lets
    a client record its own acknowledgements.
    """

    def __init__(self) -> None:
        self._entries: list[Acknowledged] = []

    def add(
        self, metadata: RecordMetadata, key: bytes | None, value: bytes | None, acks: int,
        time_ms: int,
    ) -> None:
        self._entries.append(Acknowledged(metadata.topic, metadata.partition, metadata.offset,
                                          key, value, acks, time_ms))

    def __iter__(self) -> Iterator[Acknowledged]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index: int) -> Acknowledged:
        return self._entries[index]

    def __repr__(self) -> str:
        return f"AckHistory({len(self._entries)} acknowledged)"
