"""Check what a consuming pipeline did with the records it read: duplicates, losses, reorderings.

Delivery semantics are about *processing*: a consumer that crashes between processing a
record and committing its offset processes it again after the restart (a duplicate); one
that commits before processing and crashes in between never processes it (a loss).
:func:`check_processing` compares the records that were produced with the records the
pipeline processed, in the order it processed them, partition by partition:

* **duplicate**: a record processed more than once (each extra time is counted);
* **lost**: a record produced but never processed;
* **reordered**: a record processed for the first time *after* a record that follows it
  in the same partition was processed for the first time;
* **unexpected**: a processed record that was never produced (a mistake in the scenario).

Records are identified by ``(topic, partition, offset)``. Anything with those three
attributes will do (a :class:`~engine.core.records.ConsumerRecord`, a producer's
``RecordMetadata``), as will a plain ``(topic, partition, offset)`` tuple.
:func:`produced_records` lists every record a topic holds, for the ``produced`` side.

A pipeline is *at most once* when the report has no duplicates, *at least once* when it
has no losses, and *exactly once* (in effect) when it has neither.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from engine.checker.committed import committed_records
from engine.core.records import TopicPartition

if TYPE_CHECKING:
    from engine.core.cluster import Cluster


class RecordId(NamedTuple):
    """Where a record lives: its partition and offset."""

    topic: str
    partition: int
    offset: int

    @property
    def topic_partition(self) -> TopicPartition:
        return TopicPartition(self.topic, self.partition)

    def __str__(self) -> str:
        return f"{self.topic}-{self.partition}@{self.offset}"


class PartitionProcessing(NamedTuple):
    """One partition's counts: records produced, times processed, and what went wrong."""

    topic: str
    partition: int
    produced: int
    processed: int
    duplicates: int
    lost: int
    reordered: int


class ProcessingReport(NamedTuple):
    """The checker's verdict on a pipeline's processing (see the module docstring)."""

    produced: int
    processed: int
    duplicates: tuple[RecordId, ...]
    """One entry per extra processing, in the order they happened."""
    lost: tuple[RecordId, ...]
    reordered: tuple[RecordId, ...]
    unexpected: tuple[RecordId, ...]
    partitions: tuple[PartitionProcessing, ...]

    @property
    def at_most_once(self) -> bool:
        """Nothing was processed twice."""
        return not self.duplicates

    @property
    def at_least_once(self) -> bool:
        """Nothing produced was missed."""
        return not self.lost

    @property
    def exactly_once(self) -> bool:
        """Every produced record was processed once, and nothing else was processed."""
        return not (self.duplicates or self.lost or self.unexpected)

    @property
    def in_order(self) -> bool:
        """Within every partition, records were first processed in offset order."""
        return not self.reordered

    def semantics(self) -> str:
        """``exactly once``, ``at least once``, ``at most once`` or ``neither``."""
        if self.exactly_once:
            return "exactly once"
        if self.at_least_once and not self.unexpected:
            return "at least once"
        if self.at_most_once and not self.unexpected:
            return "at most once"
        return "neither"

    def summary(self) -> str:
        """One line: counts of each finding and the delivery semantics they amount to."""
        text = (f"produced {self.produced}, processed {self.processed}: "
                f"{len(self.duplicates)} duplicate(s), {len(self.lost)} lost, "
                f"{len(self.reordered)} reordered")
        if self.unexpected:
            text += f", {len(self.unexpected)} unexpected"
        return f"{text} → {self.semantics()}"

    def table(self) -> str:
        """Per partition counts, as a small fixed-width table."""
        lines = [f"{'partition':<16}{'produced':>9}{'processed':>10}{'duplicates':>11}"
                 f"{'lost':>6}{'reordered':>10}"]
        for p in self.partitions:
            lines.append(f"{p.topic + '-' + str(p.partition):<16}{p.produced:>9}"
                         f"{p.processed:>10}{p.duplicates:>11}{p.lost:>6}{p.reordered:>10}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def record_id(record: Any) -> RecordId:
    """The :class:`RecordId` of a record, record metadata or ``(topic, partition, offset)``."""
    if isinstance(record, tuple) and not hasattr(record, "offset") and len(record) == 3:
        topic, partition, offset = record
    else:
        try:
            topic, partition, offset = record.topic, record.partition, record.offset
        except AttributeError:
            raise TypeError(f"expected a record with topic, partition and offset, or a "
                            f"(topic, partition, offset) tuple, got {record!r}") from None
    if (not isinstance(topic, str) or isinstance(partition, bool) or not isinstance(partition, int)
            or isinstance(offset, bool) or not isinstance(offset, int)):
        raise TypeError(f"expected (str, int, int) for topic, partition and offset, got "
                        f"{(topic, partition, offset)!r}")
    return RecordId(topic, partition, offset)


def produced_records(cluster: Cluster, *topics: str) -> list[RecordId]:
    """Every record the topics hold now (log start to high watermark), by partition."""
    found: list[RecordId] = []
    for topic in topics:
        for p in cluster.describe_topic(topic).partitions:
            found.extend(RecordId(topic, r.partition, r.offset)
                         for r in committed_records(cluster, topic, p))
    return found


def check_processing(produced: Iterable[Any], processed: Iterable[Any]) -> ProcessingReport:
    """Compare the records produced with those processed (in processing order)."""
    wanted = [record_id(r) for r in produced]
    done = [record_id(r) for r in processed]
    expected = set(wanted)
    seen: Counter[RecordId] = Counter()
    duplicates: list[RecordId] = []
    reordered: list[RecordId] = []
    unexpected: list[RecordId] = []
    highest: dict[TopicPartition, int] = {}
    for rid in done:
        seen[rid] += 1
        if rid not in expected:
            unexpected.append(rid)
            continue
        if seen[rid] > 1:
            duplicates.append(rid)
            continue
        tp = rid.topic_partition
        if rid.offset < highest.get(tp, -1):
            reordered.append(rid)
        highest[tp] = max(highest.get(tp, -1), rid.offset)
    lost = tuple(sorted(rid for rid in expected if not seen[rid]))
    partitions = _per_partition(wanted, done, duplicates, lost, reordered)
    return ProcessingReport(len(wanted), len(done), tuple(duplicates), lost, tuple(reordered),
                            tuple(unexpected), partitions)


def _per_partition(wanted: list[RecordId], done: list[RecordId], duplicates: list[RecordId],
                   lost: tuple[RecordId, ...], reordered: list[RecordId]
                   ) -> tuple[PartitionProcessing, ...]:
    def count(ids: Iterable[RecordId]) -> Counter[TopicPartition]:
        return Counter(rid.topic_partition for rid in ids)

    produced, processed = count(wanted), count(done)
    dup, gone, moved = count(duplicates), count(lost), count(reordered)
    return tuple(
        PartitionProcessing(tp.topic, tp.partition, produced[tp], processed[tp], dup[tp],
                            gone[tp], moved[tp])
        for tp in sorted(set(produced) | set(processed)))


__all__ = [
    "PartitionProcessing",
    "ProcessingReport",
    "RecordId",
    "check_processing",
    "produced_records",
    "record_id",
]
