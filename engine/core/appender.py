"""Appending record batches to partition logs, and journaling each append.

This is the write half of the engine's hot path. ``Cluster.produce`` and
``Cluster.produce_batch`` validate their input and choose partitions; the
:class:`Appender` packs records into batches of at most ``batch.size`` bytes, rolls
segments as Kafka's ``LogSegment.shouldRoll`` decides, appends, and writes one
``records_appended`` event per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from itertools import repeat

from engine.core.log import Headers, PartitionLog
from engine.core.partitioner import _hash_cache, positive_hash
from engine.core.records import RecordMetadata
from engine.core.recordsize import RECORD_BATCH_OVERHEAD, size_at_offset_delta
from engine.core.topic import Topic
from engine.journal import Journal

_new_record_metadata = partial(tuple.__new__, RecordMetadata)


def default_partitions(
    t: Topic, keys: list[bytes | None], bodies: list[int], available: list[int] | None = None
) -> list[int]:
    """Key hash for keyed records; the sticky partition, in batch.size strides, else,
    drawn from ``available`` (the partitions with a leader; ``None`` when all have one)."""
    n = len(t.logs)
    sticky = t.sticky
    cached = _hash_cache.get
    parts: list[int] = []
    append = parts.append
    for k, body in zip(keys, bodies, strict=True):
        if k is None:
            append(sticky.partition(n, available))
            sticky.update(size_at_offset_delta(body, 0), n, available=available)
        else:
            h = cached(k)
            append((h if h is not None else positive_hash(k)) % n)
    return parts


class Appender:
    """Writes batches to logs and records them in the journal."""

    def __init__(self, journal: Journal, now_ms: Callable[[], int]) -> None:
        self._journal = journal
        self._now_ms = now_ms
        self.on_append: Callable[[Topic, PartitionLog], None] | None = None
        """Called after every batch (replication hooks in here)."""

    def append(
        self, t: Topic, log: PartitionLog, keys: list[bytes | None],
        values: list[bytes | None], timestamp: int, batch_bytes: int,
        headers: list[Headers] | None = None, *, notify: bool = True,
    ) -> int:
        """Append one batch (rolling the segment first if due); return its base offset.

        ``notify=False`` skips :attr:`on_append` (``produce`` handles replication itself).
        """
        config = t.config
        if log.should_roll(batch_bytes, timestamp, config.segment_bytes, config.segment_ms):
            segment = log.roll()
            self._journal.record(
                self._now_ms(), "segment_rolled",
                {"topic": t.name, "partition": log.partition, "base_offset": segment.base_offset},
            )
        base = log.append_batch(keys, values, timestamp, batch_bytes, headers)
        self._journal.record(
            self._now_ms(), "records_appended",
            {"topic": t.name, "partition": log.partition, "base_offset": base,
             "count": len(keys), "bytes": batch_bytes, "broker": log.broker},
        )
        if notify and self.on_append is not None:
            self.on_append(t, log)
        return base

    def append_grouped(
        self, t: Topic, parts: list[int], keys: list[bytes | None],
        values: list[bytes | None], bodies: list[int], timestamp: int,
        logs: Mapping[int, PartitionLog] | None = None, *, notify: bool = True,
    ) -> list[RecordMetadata]:
        """Pack each partition's records, in order, into batches of at most batch.size
        bytes (and max.message.bytes) and append them; return one RecordMetadata per
        record, in input order. ``logs`` overrides the log of some partitions (a
        request sent to a broker other than the current leader)."""
        # batch.size, or less where the topic's max.message.bytes is lower: a real
        # producer splits a batch the broker refused as too large and sends it again.
        cap = min(t.sticky.batch_size, t.config.max_message_bytes)
        buckets: list[list[int]] = [[] for _ in t.logs]
        for i, p in enumerate(parts):
            buckets[p].append(i)
        offsets = [0] * len(parts)
        for p, members in enumerate(buckets):
            start = 0
            while start < len(members):
                batch_bytes = RECORD_BATCH_OVERHEAD
                stop = start
                for i in members[start:]:
                    body, delta = bodies[i], stop - start
                    if body < 62 and delta < 8192:  # size_at_offset_delta, inlined
                        grow = body + 1 if delta < 64 else body + 2
                    else:
                        grow = size_at_offset_delta(body, delta)
                    if stop > start and batch_bytes + grow > cap:
                        break
                    batch_bytes += grow
                    stop += 1
                chunk = members[start:stop]
                log = logs[p] if logs and p in logs else t.logs[p]
                base = self.append(t, log, [keys[i] for i in chunk],
                                   [values[i] for i in chunk], timestamp, batch_bytes,
                                   notify=notify)
                for offset, i in enumerate(chunk, base):
                    offsets[i] = offset
                start = stop
        count = len(parts)
        return list(map(_new_record_metadata, zip(
            repeat(t.name, count), parts, offsets, repeat(timestamp, count), strict=True
        )))
