"""Reading the engine's state for checkers, and the wording of their feedback.

Checkers read only what the engine recorded: ``describe_topic``, ``topic_config``,
``replicas``, ``replica_records`` and the journal. :func:`verify_journal` replays the
journal and compares it with every replica's log, so records slipped into a partition
behind the engine's back (or a cluster whose logs were edited directly) are caught
before any question is graded.

Both work on a cluster with failures: the replay follows each replica
(``records_appended`` names the broker that appended, ``replica_fetched`` and
``replica_truncated`` move a follower's log end), and :func:`records_by_partition`
reads the committed records (below the high watermark) from the leader, or, for a
partition with no leader, from the replica its last leader left, without raising.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from engine.core.cluster import Cluster
from engine.core.records import ConsumerRecord, TopicDescription
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


def journal_log_ends(cluster: Cluster) -> dict[tuple[str, int, int], int]:
    """Each replica's log end offset, ``(topic, partition, broker)``, from the journal."""
    ends: dict[tuple[str, int, int], int] = {}
    for event in cluster.journal:
        data = event.data
        kind = event.kind
        if kind == "topic_deleted":
            ends = {key: end for key, end in ends.items() if key[0] != data["topic"]}
        elif kind == "records_appended":
            ends[(data["topic"], data["partition"], data.get("broker", -1))] = (
                data["base_offset"] + data["count"])
        elif kind == "replica_fetched":
            ends[(data["topic"], data["partition"], data["broker"])] = data["log_end_offset"]
        elif kind == "replica_truncated":
            ends[(data["topic"], data["partition"], data["broker"])] = data["to_offset"]
    return ends


def verify_journal(cluster: Cluster) -> None:
    """Raise :class:`Incorrect` unless the topics and every replica's log end offset
    match the journal."""
    if type(cluster) is not Cluster:
        raise Incorrect(f"the lab's cluster was replaced by a {type(cluster).__name__}: "
                        "start the lab again.")
    replayed = journal_record_counts(cluster)
    topics = cluster.list_topics()
    if sorted(replayed) != topics:
        raise Incorrect("the cluster's topics do not match its journal: topics must be "
                        "created with `cluster.create_topic`. Start the lab again.")
    replica_ends = journal_log_ends(cluster)
    for name in topics:
        for p, _ in enumerate(replayed[name]):
            for r in cluster.replicas(name, p):
                want = replica_ends.get((name, p, r.broker), 0)
                # An empty replica holds nothing smuggled (a follower may restart at
                # its leader's log start offset without fetching a record).
                if r.log_end_offset != want and r.log_end_offset != r.log_start_offset:
                    ends = [d.log_end_offset for d in cluster.describe_topic(name).partitions]
                    raise Incorrect(
                        f"the logs of topic `{name}` do not match the journal (log end "
                        f"offset {r.log_end_offset} on broker {r.broker} for partition {p}, "
                        f"journal {want}; log end offsets {ends}): records must be written "
                        "with `cluster.produce` or `cluster.produce_batch`. Start the lab again."
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


def topic_spec_problems(topic: TopicDescription, partitions: int,
                        replication_factor: int) -> list[str]:
    """What is off in a topic's partition count and replication factor, as problems."""
    problems = []
    if len(topic.partitions) != partitions:
        problems.append(f"`{topic.name}` has {plural(len(topic.partitions), 'partition')}, "
                        f"expected {partitions}")
    if topic.replication_factor != replication_factor:
        problems.append(f"the replication factor is {topic.replication_factor}, expected "
                        f"{replication_factor}")
    return problems


def other_overrides(topic: TopicDescription, config: str) -> str | None:
    """A problem naming the configs the topic overrides besides ``config``, or None."""
    extra = sorted(set(topic.configs) - {config})
    if not extra:
        return None
    return (f"the spec sets only `{config}`, but the topic also overrides "
            + ", ".join(f"`{name}`" for name in extra))


def committed_records(cluster: Cluster, topic: str, partition: int) -> list[ConsumerRecord]:
    """The partition's committed records (below the high watermark), from its leader's
    replica, or with no leader from the replica its last leader left; never raises for
    a leader that is down."""
    replicas = cluster.replicas(topic, partition)
    source = next((r for r in replicas if r.is_leader), None)
    if source is None:
        pd = cluster.describe_topic(topic).partitions[partition]
        last = (pd.log_start_offset, pd.high_watermark, pd.log_end_offset)
        source = next((r for r in replicas if (
            r.log_start_offset, r.high_watermark, r.log_end_offset) == last), None)
    if source is None or source.high_watermark <= source.log_start_offset:
        return []
    return cluster.replica_records(topic, partition, source.broker, source.log_start_offset,
                                   source.high_watermark - source.log_start_offset)


def records_by_partition(cluster: Cluster, topic: str) -> list[list[ConsumerRecord]]:
    """Every committed record the topic holds, partition by partition, in offset order."""
    return [committed_records(cluster, topic, p.partition)
            for p in cluster.describe_topic(topic).partitions]


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
