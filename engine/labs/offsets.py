"""Grading a consumer group's committed offsets: where its next run starts reading.

Labs that ask for a rewind (``alter_offsets``, ``kafka-consumer-groups --reset-offsets``)
grade the offsets the group has committed against the topic's ends (high watermarks):
a partition committed at ``o`` re-reads ``end - o`` records on the group's next run.
The group must also have no members left, or its next run is not the one graded.
"""

from __future__ import annotations

from engine.core.cluster import Cluster
from engine.labs.question import Incorrect
from engine.labs.state import plural


def log_ends(cluster: Cluster, topic: str) -> dict[int, int]:
    """Each partition's end (its high watermark), by partition number."""
    return {p.partition: p.high_watermark for p in cluster.describe_topic(topic).partitions}


def committed_offsets(cluster: Cluster, group: str, topic: str) -> dict[int, int]:
    """The offsets ``group`` has committed for the partitions of ``topic``."""
    return {tp.partition: om.offset for tp, om in cluster.groups.fetch_offsets(group).items()
            if tp.topic == topic}


def require_group_stopped(cluster: Cluster, group: str, *, so_that: str) -> None:
    """Raise :class:`Incorrect` while ``group`` has members; ``so_that`` says why it matters
    ("the group's next run starts at the committed offsets")."""
    state = cluster.groups.group_state(group)
    if state not in ("Empty", "Dead"):
        raise Incorrect(f"the group `{group}` is {state}, with a consumer still in it: close "
                        f"it, so that {so_that}.")


def require_committed(cluster: Cluster, group: str, topic: str, expected: dict[int, int],
                      what: str | None = None) -> None:
    """Raise :class:`Incorrect` unless ``group`` is committed at ``expected`` on ``topic``.

    Each partition that is off is named with the records its next run would re-read and
    the offset expected, explained by ``what`` ("the last 2 records"; by default the
    number of records the expected offset re-reads).
    """
    committed = committed_offsets(cluster, group, topic)
    partitions = cluster.describe_topic(topic).partitions
    ends = log_ends(cluster, topic)
    problems = []
    for partition, want in expected.items():
        got = committed.get(partition)
        if got is None:
            problems.append(f"partition {partition} has no committed offset")
            continue
        if got == want:
            continue
        start = partitions[partition].log_start_offset
        if got < start:
            problems.append(f"partition {partition} is committed at {got}, before its first "
                            f"record (offset {start})")
            continue
        why = what if what is not None else plural(ends[partition] - want, "record")
        problems.append(f"partition {partition} is committed at {got}, so the next run "
                        f"re-reads {plural(ends[partition] - got, 'record')}; expected {want} "
                        f"({why})")
    if problems:
        raise Incorrect("; ".join(problems) + ".")
