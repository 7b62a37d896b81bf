"""Lab 08 · The CLI: consumer groups: the checks behind ``labs/08-...ipynb``.

The lab's notebook starts with ``cluster = lab08.start()``: a seeded three-broker
cluster with the topic ``clicks`` (3 partitions; one click per simulated minute, then
a burst on one partition) and three stopped groups that have committed offsets:
``dashboard`` (behind, unevenly), ``reports`` (behind) and ``audit`` (at the end). The
learner types Kafka's commands with :func:`kafka` (:func:`engine.cli.run` on the lab's
cluster). The questions:

1. find the partition where ``dashboard`` lags most, and its lag: graded against the
   engine's lag for the group (``cluster.groups.describe_offsets``);
2. reset ``reports`` so that its next run re-reads the last :data:`REREAD` records of
   every partition of ``clicks``: graded on its committed offsets;
3. reset ``audit`` to :data:`AUDIT_FROM` (the first click at or after that moment, in
   every partition): graded on its committed offsets against the records' timestamps.
"""

from __future__ import annotations

from engine.core.cluster import Cluster
from engine.core.records import TopicPartition
from engine.labs.lab import Lab
from engine.labs.lab07 import cli_for
from engine.labs.offsets import (
    committed_offsets,
    log_ends,
    require_committed,
    require_group_stopped,
)
from engine.labs.question import Incorrect, NotAttempted
from engine.labs.state import plural, records_by_partition, require_topic

SEED = 8
"""The lab cluster's seed: every learner sees the same cluster."""

CLICKS = "clicks"
USERS = ("alice", "bob", "carol", "dave", "erin", "frank")
"""Keys of the first :data:`MINUTES` clicks, in turn (murmur2 puts two users in each
partition of three)."""
MINUTES = 15
BURST_USER = "dave"
BURST = 7
"""After the minutes, ``dave`` clicks :data:`BURST` more times, every 10 seconds."""

DASHBOARD = "dashboard"
DASHBOARD_BEHIND = (1, 2, 3)
"""How far behind the end of each partition, *before the burst*, ``dashboard`` committed."""
REPORTS = "reports"
REPORTS_BEHIND = (1, 4, 0)
"""How far behind the end of each partition ``reports`` committed."""
REREAD = 2
AUDIT = "audit"
STOPPED = "the group's next run starts at the committed offsets"
AUDIT_FROM = "1970-01-01T00:05:00.000"
"""Question 3: ``audit`` must re-read every click from this moment (UTC) on."""
AUDIT_FROM_MS = 5 * 60 * 1000


def _setup() -> Cluster:
    cluster = Cluster(brokers=3, seed=SEED)
    cluster.create_topic(CLICKS, partitions=3, replication_factor=3)
    for minute in range(MINUTES):
        cluster.produce(CLICKS, value=f"click {minute}", key=USERS[minute % len(USERS)])
        cluster.advance(60_000)
    ends = log_ends(cluster, CLICKS)
    cluster.groups.alter_offsets(DASHBOARD, {
        TopicPartition(CLICKS, p): ends[p] - behind for p, behind in enumerate(DASHBOARD_BEHIND)})
    for i in range(BURST):
        cluster.produce(CLICKS, value=f"burst {i}", key=BURST_USER)
        cluster.advance(10_000)
    ends = log_ends(cluster, CLICKS)
    cluster.groups.alter_offsets(REPORTS, {
        TopicPartition(CLICKS, p): ends[p] - behind for p, behind in enumerate(REPORTS_BEHIND)})
    cluster.groups.alter_offsets(AUDIT, {TopicPartition(CLICKS, p): end
                                         for p, end in ends.items()})
    return cluster


lab = Lab(8, "cli-consumer-groups", "The CLI: consumer groups", _setup)
start = lab.start
progress = lab.progress
kafka = cli_for(lab)


# ------------------------------------------------------------------ question 1
@lab.question(
    "Find the lagging partition",
    answers=("lagging_partition", "lag"),
    hints=(
        "`kafka(\"kafka-consumer-groups --bootstrap-server localhost:9092 --describe "
        "--group dashboard\")` prints one row per partition. Which column says how many "
        "records wait for the group?",
        "`LAG` is `LOG-END-OFFSET - CURRENT-OFFSET`. Set `lagging_partition` to the "
        "`PARTITION` of the row with the biggest `LAG`, and `lag` to that `LAG`, both as "
        "numbers (`1`, not `\"clicks-1\"`).",
    ),
)
def q1(cluster: Cluster, lagging_partition: object = None, lag: object = None) -> str:
    require_topic(cluster, CLICKS)
    if lagging_partition is None and lag is None:
        raise NotAttempted("set `lagging_partition` and `lag`, then run "
                           "`q1.check(lagging_partition, lag)`.")
    for name, value in (("lagging_partition", lagging_partition), ("lag", lag)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise Incorrect(f"`{name}` should be a number (an int), got {value!r}.")
    assert isinstance(lagging_partition, int) and isinstance(lag, int)
    lags = {row.partition: row.lag for row in cluster.groups.describe_offsets(DASHBOARD)
            if row.topic == CLICKS and row.lag is not None}
    if not lags:
        raise Incorrect(f"the group `{DASHBOARD}` has no committed offsets any more, so it has "
                        "no lag to find: start over with `cluster = lab08.start()`.")
    worst = max(lags, key=lambda p: (lags[p], -p))
    if lagging_partition not in lags:
        raise Incorrect(f"`{CLICKS}` has no partition {lagging_partition} in the group's "
                        f"offsets: its partitions are {', '.join(map(str, sorted(lags)))}.")
    if lagging_partition != worst:
        raise Incorrect(f"partition {lagging_partition} has a lag of {lags[lagging_partition]}, "
                        "but another partition lags more: compare the `LAG` column of every "
                        "row.")
    if lag != lags[worst]:
        raise Incorrect(f"partition {worst} is the one, but its lag is not {lag}: `LAG` is "
                        "`LOG-END-OFFSET - CURRENT-OFFSET`.")
    return (f"Partition {worst} lags by {plural(lags[worst], 'record')}, out of "
            f"{sum(lags.values())} for the group: `{BURST_USER}`'s burst of clicks all went "
            "to that partition, the one its key hashes to.")


# ------------------------------------------------------------------ question 2
@lab.question(
    "Re-read the last records of every partition",
    hints=(
        "`--reset-offsets` with `--group reports --topic clicks` and one mode. Try modes "
        "as a dry run first (no `--execute`): the plan is printed, nothing changes.",
        "`--shift-by -2` moves each partition 2 back from where the group *is committed*, "
        "not from the end. `reports` is behind, so first move it to the end "
        "(`--to-latest --execute`), then `--shift-by -2 --execute`.",
        "Check with `--describe --group reports`: the `LAG` column should be 2 everywhere.",
    ),
)
def q2(cluster: Cluster) -> str:
    require_topic(cluster, CLICKS)
    ends = log_ends(cluster, CLICKS)
    setup = {p: ends[p] - behind for p, behind in enumerate(REPORTS_BEHIND)}
    if committed_offsets(cluster, REPORTS, CLICKS) == setup:
        raise NotAttempted(f"the group `{REPORTS}` is still committed where it stopped: reset "
                           "it with `kafka-consumer-groups --reset-offsets ... --execute` "
                           "(without `--execute` it is only a dry run).")
    require_group_stopped(cluster, REPORTS, so_that=STOPPED)
    starts = {p.partition: p.log_start_offset for p in cluster.describe_topic(CLICKS).partitions}
    expected = {p: max(end - REREAD, starts[p]) for p, end in ends.items()}
    require_committed(cluster, REPORTS, CLICKS, expected, f"the last {REREAD} records")
    return (f"`{REPORTS}` is committed {REREAD} records before the end of every partition: its "
            f"next run re-reads exactly the last {REREAD} clicks of each.")


# ------------------------------------------------------------------ question 3
def _expected_audit(cluster: Cluster) -> dict[int, int]:
    expected = {}
    ends = log_ends(cluster, CLICKS)
    for partition, records in enumerate(records_by_partition(cluster, CLICKS)):
        later = [r.offset for r in records if r.timestamp >= AUDIT_FROM_MS]
        expected[partition] = later[0] if later else ends[partition]
    return expected


@lab.question(
    "Reset a group to a moment in time",
    hints=(
        "One mode of `--reset-offsets` takes a date and time. Which one, and in which "
        "format? `kafka(\"kafka-consumer-groups --help\")` lists them.",
        f"`--to-datetime {AUDIT_FROM}` (UTC, format `YYYY-MM-DDThh:mm:ss.sss`) with "
        "`--group audit --topic clicks --execute`: in each partition, Kafka looks up the "
        "first record whose timestamp is at or after that moment.",
        "`--by-duration` counts back from *now* (the end of the lab's clicks, plus the time "
        "your commands took), so it does not name a fixed moment: use `--to-datetime`.",
    ),
)
def q3(cluster: Cluster) -> str:
    require_topic(cluster, CLICKS)
    if committed_offsets(cluster, AUDIT, CLICKS) == log_ends(cluster, CLICKS):
        raise NotAttempted(f"the group `{AUDIT}` is still committed at the end of every "
                           "partition: reset it with `--reset-offsets ... --execute`.")
    require_group_stopped(cluster, AUDIT, so_that=STOPPED)
    expected = _expected_audit(cluster)
    require_committed(cluster, AUDIT, CLICKS, expected,
                      f"the first click at or after {AUDIT_FROM[11:19]}")
    shown = ", ".join(f"{p} → {o}" for p, o in expected.items())
    return (f"`{AUDIT}` is committed at the first click of {AUDIT_FROM[11:16]} or later in "
            f"every partition ({shown}): its next run re-reads everything since then.")


__all__ = [
    "AUDIT",
    "AUDIT_FROM",
    "CLICKS",
    "DASHBOARD",
    "REPORTS",
    "REREAD",
    "kafka",
    "lab",
    "progress",
    "q1",
    "q2",
    "q3",
    "start",
]
