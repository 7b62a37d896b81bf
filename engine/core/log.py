"""A partition's log: an append-only sequence of records split into segments.

Records are stored column by column (keys, values, timestamps) rather than one object
per record, which keeps a million records in a few tens of megabytes. Offsets are
positions: the record at offset ``o`` sits at index ``o - log_start_offset``.

Segments roll as Kafka's ``LogSegment.shouldRoll`` decides, when a batch is appended:
when the batch would push the active segment past ``segment.bytes``, or when the
batch's timestamp is more than ``segment.ms`` after the segment's first batch.
Retention deletes whole closed segments, never the active one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import repeat

from engine.core.errors import OffsetOutOfRangeError
from engine.core.records import ConsumerRecord

Headers = tuple[tuple[str, bytes | None], ...]

_new_consumer_record = partial(tuple.__new__, ConsumerRecord)


def _sizes(column: list[bytes | None]) -> Iterable[int]:
    """Serialized sizes as Kafka reports them: ``len``, or -1 for null."""
    if None in column:
        return [-1 if item is None else len(item) for item in column]
    return map(len, column)  # type: ignore[arg-type]


@dataclass
class LogSegment:
    """One segment: where it starts, how big it is, and its timestamps."""

    base_offset: int
    size_bytes: int = 0
    first_batch_timestamp: int | None = None
    max_timestamp: int = -1
    end_offset: int = 0  # exclusive: the offset after its last record


class PartitionLog:
    """The log of one topic partition on one replica (broker).

    While ``hw_follows_leo`` is true (the leader is the only in-sync replica and that
    satisfies ``min.insync.replicas``) every append moves the high watermark to the log
    end offset; otherwise :mod:`engine.core.replication` moves it. ``epochs`` is the
    leader-epoch cache: ``(leader_epoch, start_offset)`` pairs, as Kafka's
    ``LeaderEpochFileCache`` keeps them, used to find where a follower diverged.
    """

    def __init__(self, topic: str, partition: int) -> None:
        self.topic = topic
        self.partition = partition
        self.keys: list[bytes | None] = []
        self.values: list[bytes | None] = []
        self.timestamps: list[int] = []
        self.headers: dict[int, Headers] = {}
        self.log_start_offset = 0
        self.log_end_offset = 0
        self.high_watermark = 0
        self.segments: list[LogSegment] = [LogSegment(0)]
        self.epochs: list[tuple[int, int]] = []
        self.hw_follows_leo = True
        self.broker: int | None = None

    @property
    def active_segment(self) -> LogSegment:
        return self.segments[-1]

    def __len__(self) -> int:
        return self.log_end_offset - self.log_start_offset

    def should_roll(
        self, batch_bytes: int, batch_max_timestamp: int, segment_bytes: int, segment_ms: int
    ) -> bool:
        """Kafka's roll rule for the active segment, evaluated before an append."""
        segment = self.active_segment
        if segment.size_bytes == 0:
            return False
        if segment.size_bytes > segment_bytes - batch_bytes:
            return True
        first = segment.first_batch_timestamp
        return first is not None and batch_max_timestamp - first > segment_ms

    def roll(self) -> LogSegment:
        """Close the active segment and start a new one at the log end offset."""
        segment = LogSegment(self.log_end_offset, end_offset=self.log_end_offset)
        self.segments.append(segment)
        return segment

    def append_batch(
        self,
        keys: Sequence[bytes | None],
        values: Sequence[bytes | None],
        timestamp: int,
        batch_bytes: int,
        headers: Sequence[Headers] | None = None,
    ) -> int:
        """Append one record batch (all records share ``timestamp``); return its base offset.

        The caller checks sizes and rolls segments first, so this cannot fail halfway.
        """
        base = self.log_end_offset
        count = len(keys)
        self.keys.extend(keys)
        self.values.extend(values)
        self.timestamps.extend([timestamp] * count)
        if headers is not None:
            for i, record_headers in enumerate(headers):
                if record_headers:
                    self.headers[base + i] = tuple(record_headers)
        self.log_end_offset = base + count
        if self.hw_follows_leo:
            self.high_watermark = self.log_end_offset
        segment = self.active_segment
        segment.size_bytes += batch_bytes
        if segment.first_batch_timestamp is None:
            segment.first_batch_timestamp = timestamp
        segment.max_timestamp = max(segment.max_timestamp, timestamp)
        segment.end_offset = self.log_end_offset
        return base

    def read(
        self, offset: int, max_records: int, timestamp_type: int = 0,
        max_offset: int | None = None,
    ) -> list[ConsumerRecord]:
        """Records from ``offset`` up to the high watermark, at most ``max_records``.

        ``timestamp_type`` is 0 (``CreateTime``) or 1 (``LogAppendTime``), from the
        topic's ``message.timestamp.type``. ``max_offset`` reads up to that offset
        instead of the high watermark (the log end offset shows the whole replica).
        """
        if offset < self.log_start_offset:
            raise OffsetOutOfRangeError(
                f"Received request for offset {offset} for partition "
                f"{self.topic}-{self.partition}, but we only have log segments starting from "
                f"offset: {self.log_start_offset}."
            )
        if offset > self.log_end_offset:
            raise OffsetOutOfRangeError(
                f"Received request for offset {offset} for partition "
                f"{self.topic}-{self.partition}, but we only have log segments upto "
                f"{self.log_end_offset}."
            )
        limit = self.high_watermark if max_offset is None else max_offset
        stop = min(limit, offset + max(max_records, 0))
        if stop <= offset:
            return []
        start_index = offset - self.log_start_offset
        stop_index = stop - self.log_start_offset
        keys = self.keys[start_index:stop_index]
        values = self.values[start_index:stop_index]
        count = stop - offset
        headers: Iterable[Headers] = repeat((), count)
        if self.headers:
            headers = [self.headers.get(o, ()) for o in range(offset, stop)]
        # Built column-wise with C-level iterators: this is the engine's fetch hot path.
        return list(map(_new_consumer_record, zip(
            repeat(self.topic, count), repeat(self.partition, count), range(offset, stop),
            self.timestamps[start_index:stop_index], repeat(timestamp_type, count), keys, values,
            repeat(None, count), _sizes(keys), _sizes(values), headers, strict=False,
        )))

    def delete_segments_before(self, new_start_offset: int) -> None:
        """Drop whole segments that end at or before ``new_start_offset``."""
        drop = new_start_offset - self.log_start_offset
        if drop <= 0:
            return
        del self.keys[:drop]
        del self.values[:drop]
        del self.timestamps[:drop]
        if self.headers:
            self.headers = {o: h for o, h in self.headers.items() if o >= new_start_offset}
        self.segments = [s for s in self.segments if s.base_offset >= new_start_offset]
        self.log_start_offset = new_start_offset

    def retention_cutoff(self, now_ms: int, retention_ms: int, retention_bytes: int) -> int:
        """The new log start offset that retention allows, or the current one.

        A closed segment goes when its newest record is older than ``retention.ms``, or
        while the log is bigger than ``retention.bytes`` (either limit -1 means none).
        Deletion stops at the first segment that must stay, as in Kafka.
        """
        closed = self.segments[:-1]
        total = sum(s.size_bytes for s in self.segments)
        cutoff = self.log_start_offset
        for segment in closed:
            too_old = retention_ms >= 0 and now_ms - segment.max_timestamp > retention_ms
            too_big = retention_bytes >= 0 and total - segment.size_bytes >= retention_bytes
            if not (too_old or too_big):
                break
            total -= segment.size_bytes
            cutoff = segment.end_offset
        return cutoff

    # ------------------------------------------------------------ replication
    @property
    def latest_epoch(self) -> int:
        """The newest leader epoch in the cache, or -1 when it is empty."""
        return self.epochs[-1][0] if self.epochs else -1

    def epoch_at(self, offset: int) -> int:
        """The leader epoch of the record at ``offset`` (-1 if the cache has none)."""
        found = -1
        for epoch, start in self.epochs:
            if start > offset:
                break
            found = epoch
        return found

    def assign_epoch(self, epoch: int, start_offset: int) -> None:
        """Record that ``epoch`` starts at ``start_offset`` (``LeaderEpochFileCache.assign``):
        entries for the same or a newer epoch, or starting at or after the offset, go."""
        if self.epochs and self.epochs[-1] == (epoch, start_offset):
            return
        self.epochs = [(e, s) for e, s in self.epochs if e < epoch and s < start_offset]
        self.epochs.append((epoch, start_offset))

    def end_offset_for_epoch(self, epoch: int) -> tuple[int, int]:
        """``LeaderEpochFileCache.endOffsetFor``: the largest epoch at or below ``epoch``
        and the offset where the epoch after it starts (the log end offset for the
        newest). ``(-1, -1)`` when every cached epoch is newer."""
        if not self.epochs or epoch < self.epochs[0][0]:
            return (-1, -1)
        if epoch >= self.epochs[-1][0]:
            return (self.epochs[-1][0], self.log_end_offset)
        for i, (e, _) in enumerate(self.epochs):
            following = self.epochs[i + 1]
            if e <= epoch < following[0]:
                return (e, following[1])
        return (-1, -1)  # unreachable: the loop covers every epoch in range

    def truncate_to(self, offset: int) -> int:
        """Drop every record at or after ``offset``; return how many were dropped.

        Segments after the offset go; the segment holding it keeps a size in
        proportion to the records it keeps (the engine keeps no per-record sizes).
        """
        offset = max(offset, self.log_start_offset)
        dropped = self.log_end_offset - offset
        if dropped <= 0:
            return 0
        keep = offset - self.log_start_offset
        del self.keys[keep:]
        del self.values[keep:]
        del self.timestamps[keep:]
        if self.headers:
            self.headers = {o: h for o, h in self.headers.items() if o < offset}
        kept = [s for s in self.segments if s.base_offset < offset]
        if not kept:
            kept = [LogSegment(offset, end_offset=offset)]
        last = kept[-1]
        span = last.end_offset - last.base_offset
        if span > 0 and last.end_offset > offset:
            last.size_bytes = last.size_bytes * (offset - last.base_offset) // span
            last.end_offset = offset
            stamps = self.timestamps[max(last.base_offset - self.log_start_offset, 0):]
            last.max_timestamp = max(stamps) if stamps else -1
        self.segments = kept
        self.log_end_offset = offset
        self.high_watermark = min(self.high_watermark, offset)
        self.epochs = [(e, s) for e, s in self.epochs if s < offset]
        return dropped

    def restart_at(self, offset: int) -> None:
        """Empty the log and start it at ``offset`` (``truncateFullyAndStartAt``)."""
        self.keys.clear()
        self.values.clear()
        self.timestamps.clear()
        self.headers = {}
        self.segments = [LogSegment(offset, end_offset=offset)]
        self.log_start_offset = offset
        self.log_end_offset = offset
        self.high_watermark = offset
        self.epochs = []

    def copy_from(self, leader: PartitionLog, upto: int) -> int:
        """Append the leader's records from this log's end up to ``upto``, as a follower's
        fetch does; return how many were copied.

        The follower rolls its segments where the leader's begin and gives each copied
        range its share of the leader segment's bytes.
        """
        start = self.log_end_offset
        if upto <= start:
            return 0
        src_from = start - leader.log_start_offset
        src_to = upto - leader.log_start_offset
        self.keys.extend(leader.keys[src_from:src_to])
        self.values.extend(leader.values[src_from:src_to])
        stamps = leader.timestamps[src_from:src_to]
        self.timestamps.extend(stamps)
        if leader.headers:
            for o in range(start, upto):
                h = leader.headers.get(o)
                if h:
                    self.headers[o] = h
        for seg in leader.segments:
            lo, hi = max(seg.base_offset, start), min(seg.end_offset, upto)
            if hi <= lo:
                continue
            if seg.base_offset >= start and seg.base_offset > self.active_segment.base_offset:
                if self.active_segment.size_bytes or self.active_segment.end_offset > \
                        self.active_segment.base_offset:
                    self.segments.append(LogSegment(seg.base_offset, end_offset=seg.base_offset))
                else:
                    self.active_segment.base_offset = seg.base_offset
            span = seg.end_offset - seg.base_offset
            active = self.active_segment
            active.size_bytes += seg.size_bytes * (hi - lo) // span if span else 0
            part = stamps[lo - start:hi - start]
            if active.first_batch_timestamp is None:
                active.first_batch_timestamp = part[0]
            active.max_timestamp = max(active.max_timestamp, max(part))
            active.end_offset = hi
        first_epoch = leader.epoch_at(start)
        if first_epoch >= 0 and first_epoch != self.latest_epoch:
            self.epochs.append((first_epoch, start))
        for e, s in leader.epochs:
            if start < s < upto:
                self.epochs.append((e, s))
        self.log_end_offset = upto
        return upto - start
