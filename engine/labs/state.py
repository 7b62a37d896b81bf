"""Reading the engine's state for checkers, and the wording of their feedback.

Checkers read only what the engine recorded: ``describe_topic``, ``topic_config``,
``fetch`` and the journal. :func:`verify_journal` replays the journal and compares it
with the logs, so records slipped into a partition behind the engine's back (or a
cluster whose logs were edited directly) are caught before any question is graded.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from engine.core.cluster import Cluster
from engine.core.records import ConsumerRecord
from engine.labs.question import Incorrect, NotAttempted


def journal_record_counts(cluster: Cluster) -> dict[str, list[int]]:
    """Records appended to each partition of each live topic, replayed from the journal."""
    counts: dict[str, list[int]] = {}
    for event in cluster.journal:
        data = event.data
        if event.kind == "topic_created":
            counts[data["topic"]] = [0] * data["partitions"]
        elif event.kind == "partitions_created":
            counts[data["topic"]].extend([0] * (data["to"] - data["from"]))
        elif event.kind == "topic_deleted":
            counts.pop(data["topic"], None)
        elif event.kind == "records_appended":
            counts[data["topic"]][data["partition"]] += data["count"]
    return counts


def verify_journal(cluster: Cluster) -> None:
    """Raise :class:`Incorrect` unless the topics and log end offsets match the journal."""
    if type(cluster) is not Cluster:
        raise Incorrect(f"the lab's cluster was replaced by a {type(cluster).__name__}: "
                        "start the lab again.")
    replayed = journal_record_counts(cluster)
    topics = cluster.list_topics()
    if sorted(replayed) != topics:
        raise Incorrect("the cluster's topics do not match its journal: topics must be "
                        "created with `cluster.create_topic`. Start the lab again.")
    for name in topics:
        ends = [p.log_end_offset for p in cluster.describe_topic(name).partitions]
        if ends != replayed[name]:
            raise Incorrect(
                f"the logs of topic `{name}` do not match the journal (log end offsets "
                f"{ends}, journal {replayed[name]}): records must be written with "
                "`cluster.produce` or `cluster.produce_batch`. Start the lab again."
            )


def require_topic(cluster: Cluster, name: str, *, missing: str | None = None) -> None:
    """Raise unless ``name`` exists: not attempted, or incorrect when a near name exists."""
    if cluster.has_topic(name):
        return
    close = difflib.get_close_matches(name, cluster.list_topics(), n=1, cutoff=0.75)
    if close:
        raise Incorrect(f"there is no topic `{name}`, but there is `{close[0]}`: check the "
                        "spelling (topic names are case-sensitive).")
    raise NotAttempted(missing or f"there is no topic `{name}` in the lab's cluster yet.")


def records_by_partition(cluster: Cluster, topic: str) -> list[list[ConsumerRecord]]:
    """Every record the topic holds, partition by partition, in offset order."""
    result = []
    for p in cluster.describe_topic(topic).partitions:
        count = p.high_watermark - p.log_start_offset
        result.append(cluster.fetch(topic, p.partition, p.log_start_offset, max_records=count)
                      if count else [])
    return result


def count_mismatches(actual: Sequence[int], expected: Sequence[int]) -> str | None:
    """``"partition 2 has 3 records, expected 5"`` for each partition that is off, or None."""
    wrong = [
        f"partition {p} has {_records(a)}, expected {e}"
        for p, (a, e) in enumerate(zip(actual, expected, strict=True))
        if a != e
    ]
    return "; ".join(wrong) if wrong else None


def plural(n: int, word: str) -> str:
    """``"1 record"``, ``"3 records"``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _records(n: int) -> str:
    return plural(n, "record")


def show(data: bytes | str | None) -> str:
    """A key or value as a learner wrote it: ``'alice'``, ``b'\\xff'`` or ``None``."""
    if isinstance(data, bytes):
        try:
            return repr(data.decode("utf-8"))
        except UnicodeDecodeError:
            return repr(data)
    return repr(data)


_UNITS = (("day", 86_400_000), ("hour", 3_600_000), ("minute", 60_000), ("second", 1000))


def duration(ms: int) -> str:
    """A millisecond count in the largest whole unit (``"3 days"``), else in seconds."""
    for unit, size in _UNITS:
        if ms >= size and ms % size == 0:
            n = ms // size
            return f"{n} {unit}" if n == 1 else f"{n} {unit}s"
    return f"{ms / 1000:g} seconds" if ms >= 1000 else f"{ms} ms"
