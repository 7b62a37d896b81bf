"""Compare acknowledged records with the committed logs: lost, duplicated, reordered.

For each partition the checker reads the current leader's log up to the high
watermark, which is what any consumer can read now. Records are recognised by their
key and value together, so a scenario should produce distinct values.

* **lost**: acknowledged, but not in the partition's committed log.
* **duplicate**: a record (key and value) that appears more than once in a partition's
  committed log (a retry after a lost acknowledgement writes it twice).
* **reordered**: two records acknowledged in one order whose positions in the log are
  the other way round.
* **uncommitted** (not counted against validity): acknowledged (with ``acks=1``), still
  in the leader's log at its offset, but above the high watermark, so no consumer can
  read it yet; it becomes visible if the ISR recovers, or is lost if the leader fails.
* A partition that cannot be read now (no leader, its leader down, or the topic
  deleted) has its acknowledged records listed as ``unavailable`` rather than lost.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, NamedTuple

from engine.checker.committed import committed_records
from engine.checker.history import AckHistory, Acknowledged
from engine.core.errors import KafkaConnectionError, LeaderNotAvailableError

if TYPE_CHECKING:
    from engine.core.cluster import Cluster
    from engine.core.records import PartitionDescription


class Anomaly(NamedTuple):
    """One thing the checker found wrong."""

    kind: str
    """``lost``, ``duplicate``, ``reordered``, ``uncommitted`` or ``unavailable``."""
    topic: str
    partition: int
    offset: int
    """Where the record was acknowledged (for ``duplicate``: its first log offset)."""
    key: bytes | None
    value: bytes | None
    detail: str

    def describe(self) -> str:
        shown = self.value.decode("utf-8", "replace") if self.value is not None else "null"
        return f"{self.kind}: {self.topic}-{self.partition} offset {self.offset} {shown!r}: " \
               f"{self.detail}"


class CheckReport(NamedTuple):
    """The checker's verdict; ``valid`` when nothing acknowledged was lost, duplicated or
    reordered."""

    acknowledged: int
    present: int
    lost: tuple[Anomaly, ...]
    duplicates: tuple[Anomaly, ...]
    reordered: tuple[Anomaly, ...]
    uncommitted: tuple[Anomaly, ...]
    unavailable: tuple[Anomaly, ...]

    @property
    def valid(self) -> bool:
        return not (self.lost or self.duplicates or self.reordered)

    @property
    def anomalies(self) -> tuple[Anomaly, ...]:
        return (self.lost + self.duplicates + self.reordered + self.uncommitted
                + self.unavailable)

    def __repr__(self) -> str:
        verdict = "VALID" if self.valid else "INVALID"
        lines = [
            f"CheckReport: {verdict}: {self.acknowledged} acknowledged, {self.present} "
            f"present, {len(self.lost)} lost, {len(self.duplicates)} duplicated, "
            f"{len(self.reordered)} reordered"
            + (f", {len(self.uncommitted)} uncommitted" if self.uncommitted else "")
            + (f", {len(self.unavailable)} unavailable" if self.unavailable else "")
        ]
        lines.extend("  " + a.describe() for a in self.anomalies)
        return "\n".join(lines)

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:  # IPython
        printer.text(repr(self))  # type: ignore[attr-defined]


Record = tuple[bytes | None, bytes | None]


def _committed(cluster: Cluster, topic: str,
               description: PartitionDescription) -> list[Record] | str:
    """``(key, value)`` of every committed record, indexed from the log start; or why
    the partition cannot be read now."""
    if description.leader is None:
        return "the partition has no leader"
    try:
        records = committed_records(cluster, topic, description)
    except LeaderNotAvailableError:
        return "the partition has no leader"
    except KafkaConnectionError:
        return f"its leader, broker {description.leader}, is down"
    start = description.log_start_offset
    return [(None, None)] * start + [(r.key, r.value) for r in records]


def check(cluster: Cluster, history: AckHistory) -> CheckReport:
    """Judge ``history`` against the committed logs of ``cluster`` now."""
    by_partition: dict[tuple[str, int], list[Acknowledged]] = defaultdict(list)
    for ack in history:
        by_partition[(ack.topic, ack.partition)].append(ack)
    lost: list[Anomaly] = []
    duplicates: list[Anomaly] = []
    reordered: list[Anomaly] = []
    uncommitted: list[Anomaly] = []
    unavailable: list[Anomaly] = []
    present = 0
    for (topic, partition), acks in sorted(by_partition.items()):
        if cluster.has_topic(topic):
            description = cluster.describe_topic(topic).partitions[partition]
            log = _committed(cluster, topic, description)
        else:
            description, log = None, "the topic does not exist"
        if isinstance(log, str):
            unavailable.extend(Anomaly("unavailable", topic, partition, a.offset, a.key,
                                       a.value, log) for a in acks)
            continue
        assert description is not None
        tail = _LeaderTail(cluster, topic, description)
        positions: dict[tuple[bytes | None, bytes | None], list[int]] = defaultdict(list)
        for offset, record in enumerate(log):
            positions[record].append(offset)
        last_position = -1
        last_ack: Acknowledged | None = None
        for a in acks:
            where = positions.get((a.key, a.value))
            if not where and tail.holds(a):
                uncommitted.append(Anomaly(
                    "uncommitted", topic, partition, a.offset, a.key, a.value,
                    f"in the leader's log above the high watermark {len(log)}"))
                continue
            if not where:
                beyond = a.offset >= len(log)
                lost.append(Anomaly(
                    "lost", topic, partition, a.offset, a.key, a.value,
                    f"acknowledged with acks={'all' if a.acks == -1 else a.acks} at "
                    f"{a.time_ms} ms; " + ("the committed log ends at offset "
                                           f"{len(log)}" if beyond else
                                           "another record holds its offset now")))
                continue
            present += 1
            position = a.offset if a.offset in where else where[0]
            if position < last_position and last_ack is not None:
                reordered.append(Anomaly(
                    "reordered", topic, partition, a.offset, a.key, a.value,
                    f"acknowledged after offset {last_ack.offset} but stored before it "
                    f"(at {position})"))
            last_position, last_ack = max(last_position, position), a
        seen_dup: set[tuple[bytes | None, bytes | None]] = set()
        for a in acks:
            where = positions.get((a.key, a.value), [])
            if len(where) > 1 and (a.key, a.value) not in seen_dup:
                seen_dup.add((a.key, a.value))
                duplicates.append(Anomaly(
                    "duplicate", topic, partition, where[0], a.key, a.value,
                    f"{len(where)} copies, at offsets {', '.join(map(str, where))}"))
    return CheckReport(len(history), present, tuple(lost), tuple(duplicates),
                       tuple(reordered), tuple(uncommitted), tuple(unavailable))


class _LeaderTail:
    """The leader's log of one partition, beyond what the committed log shows; its end
    offset is looked up once, on first use."""

    def __init__(self, cluster: Cluster, topic: str, description: PartitionDescription) -> None:
        self._cluster = cluster
        self._topic = topic
        self._partition = description.partition
        self._leader = description.leader
        self._end: int | None = None

    def holds(self, a: Acknowledged) -> bool:
        """Whether the leader's log holds ``a`` at its offset, above the high watermark."""
        leader = self._leader
        if leader is None:
            return False
        if self._end is None:
            self._end = next(r.log_end_offset
                             for r in self._cluster.replicas(self._topic, self._partition)
                             if r.broker == leader)
        if not 0 <= a.offset < self._end:
            return False
        records = self._cluster.replica_records(self._topic, self._partition, leader,
                                                a.offset, 1)
        return bool(records) and (records[0].key, records[0].value) == (a.key, a.value)
