"""Lab 04 · Offsets and delivery semantics: the checks behind ``labs/04-...ipynb``.

The lab's notebook starts with ``cluster = lab04.start()``: a seeded three-broker cluster
with the topics ``payments`` (3 partitions, :data:`PAYMENT_COUNT` records), ``ledger``
(1 partition, empty: the pipeline's output) and ``invoices`` (3 partitions holding
:data:`INVOICE_COUNTS` records), and a group ``monthly-report`` whose committed offsets
are at the end of ``invoices``. The questions:

1. write ``handle(consumer, process)``, one turn of a pipeline's poll loop, so that the
   pipeline is *at least once* when it crashes: :func:`run_pipeline` runs it with
   crashes injected into ``process`` and writes each processed record to ``ledger``;
   the check runs the processing checker on ``payments`` against ``ledger`` (and
   replays the learner's loop on a private cluster with other crash points);
2. rewind ``monthly-report`` so that its next run re-reads the last
   :data:`REREAD` records of each partition, graded on its committed offsets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from engine.checker.processing import (
    ProcessingReport,
    check_processing,
    produced_records,
)
from engine.core.cluster import Cluster
from engine.core.records import ConsumerRecord, TopicPartition
from engine.labs.lab import Lab
from engine.labs.ledger import LEDGER, ledger_processed, write_to_ledger
from engine.labs.offsets import (
    committed_offsets,
    log_ends,
    require_committed,
    require_group_stopped,
)
from engine.labs.question import Incorrect, NotAttempted, require_function
from engine.labs.state import plural, require_topic

SEED = 4
"""The lab cluster's seed: every learner sees the same cluster."""

SOURCE = "payments"
SOURCE_PARTITIONS = 3
PAYMENT_COUNT = 30
PIPELINE_GROUP = "billing-pipeline"
CRASH_POINTS = (7, 19)
"""Question 1: :func:`run_pipeline` makes ``process`` crash on these calls (1-based)."""
HIDDEN_CRASH_POINTS = (3, 4, 12, 26)
"""Question 1: the crash points of the checker's private replay of the learner's loop."""
MAX_TURNS = 300

INVOICES = "invoices"
INVOICE_COUNTS = (8, 5, 2)
REPORT_GROUP = "monthly-report"
REREAD = 3


class ProcessCrashed(BaseException):
    """The pipeline's process died inside ``process(record)`` (injected by the lab).

    It derives from ``BaseException``, like ``SystemExit``, so that an ``except
    Exception`` in the learner's loop does not swallow it: a dead process runs no more
    code.
    """


def _setup() -> Cluster:
    cluster = Cluster(brokers=3, seed=SEED)
    cluster.create_topic(SOURCE, partitions=SOURCE_PARTITIONS, replication_factor=1)
    cluster.create_topic(LEDGER, partitions=1, replication_factor=1)
    _fill_payments(cluster)
    cluster.create_topic(INVOICES, partitions=len(INVOICE_COUNTS), replication_factor=1)
    for partition, count in enumerate(INVOICE_COUNTS):
        for i in range(count):
            cluster.produce(INVOICES, value=f"invoice {partition}-{i}", partition=partition)
    cluster.groups.alter_offsets(REPORT_GROUP, {
        TopicPartition(INVOICES, p): count for p, count in enumerate(INVOICE_COUNTS)})
    return cluster


def _fill_payments(cluster: Cluster) -> None:
    for i in range(PAYMENT_COUNT):
        cluster.produce(SOURCE, value=f"payment {i}", key=f"customer-{i % 7}")


lab = Lab(4, "offsets-and-delivery", "Offsets and delivery semantics", _setup)
start = lab.start
progress = lab.progress


# ------------------------------------------------------------------ question 1
def run_pipeline(cluster: Cluster, handle: Callable[[Any, Any], Any],
                 crash_at: Iterable[int] = CRASH_POINTS, group: str = PIPELINE_GROUP) -> str:
    """Run the pipeline ``payments`` → ``ledger`` with ``handle`` as its loop body.

    ``handle(consumer, process)`` is called again and again. ``process(record)`` is the
    pipeline's work: it writes the record to ``ledger`` (with its origin in the header
    ``source``), except on the calls listed in ``crash_at``, where the process dies
    (:class:`ProcessCrashed`). After a crash the lab crashes the consumer too and starts
    a new one in the same group. The run ends when the group has committed the end of
    every partition (or after :data:`MAX_TURNS` turns). Returns a one-line summary.
    """
    crash_points = sorted(set(crash_at))
    calls = 0

    def process(record: ConsumerRecord) -> None:
        nonlocal calls
        calls += 1
        if crash_points and calls == crash_points[0]:
            crash_points.pop(0)
            raise ProcessCrashed(f"the process died while processing {record.topic}-"
                                 f"{record.partition}@{record.offset}")
        write_to_ledger(cluster, record)

    crashes = 0
    consumer = None
    turns = 0
    for turns in range(1, MAX_TURNS + 1):  # noqa: B007 (the count is reported)
        if consumer is None:
            consumer = cluster.consumer(
                SOURCE, group_id=group, client_id=f"pipeline-{crashes + 1}",
                enable_auto_commit=False, auto_offset_reset="earliest", max_poll_records=5,
                session_timeout_ms=10000, heartbeat_interval_ms=3000)
        try:
            handle(consumer, process)
        except ProcessCrashed:
            consumer.crash()
            consumer = None
            crashes += 1
            continue
        if _caught_up(cluster, group):
            break
    if consumer is not None:
        consumer.close()
    crashed = "1 crash" if crashes == 1 else f"{crashes} crashes"
    return (f"{turns} turns of the loop, {crashed}, "
            f"{plural(calls - crashes, 'record')} written to `{LEDGER}`")


def _caught_up(cluster: Cluster, group: str) -> bool:
    committed = committed_offsets(cluster, group, SOURCE)
    return all(committed.get(partition, -1) >= end
               for partition, end in log_ends(cluster, SOURCE).items())




def _verdict(report: ProcessingReport, where: str) -> None:
    if report.lost:
        shown = ", ".join(str(r) for r in report.lost[:4])
        more = "" if len(report.lost) <= 4 else ", ..."
        raise Incorrect(f"{where}, the pipeline lost {plural(len(report.lost), 'record')} "
                        f"({shown}{more}): they were never processed. A crash came after "
                        "their offsets were committed and before they were processed: "
                        "commit only what was processed.")
    if report.unexpected:
        raise Incorrect(f"{where}, `{LEDGER}` holds records that are not in `{SOURCE}`: "
                        f"{report.unexpected[0]}.")


@lab.question(
    "Make a crash-prone pipeline at least once",
    answers=("handle",),
    hints=(
        "The team's loop commits as soon as `poll()` returns, before processing. If the "
        "process dies in the middle of the batch, the records it had not processed yet "
        "are already committed, and the next consumer starts after them.",
        "Swap the order: `batch = consumer.poll(1000)`, then `process(record)` for every "
        "record of every partition in `batch.values()`, and only then `consumer.commit()`.",
        "Do not catch the crash: a dead process runs no more code. If your loop never "
        "commits, a restart starts over from the beginning, and the check wants the group "
        "to reach the end of every partition. Re-run `cluster = lab04.start()` and "
        "`lab04.run_pipeline(cluster, handle)` after a change.",
    ),
)
def q1(cluster: Cluster, handle: Any) -> str:
    require_function(handle, "handle", signature="handle(consumer, process)")
    require_topic(cluster, LEDGER)
    processed = ledger_processed(cluster)
    if not processed:
        raise NotAttempted(f"`{LEDGER}` is empty: run `lab04.run_pipeline(cluster, handle)` "
                           "after writing `handle`.")
    crashed = [e for e in cluster.journal if e.kind == "consumer_crashed"
               and e.data.get("group") == PIPELINE_GROUP]
    if len(crashed) < len(CRASH_POINTS):
        raise Incorrect(f"the lab injected no crash into this run: fill `{LEDGER}` only with "
                        "`lab04.run_pipeline(cluster, handle)`; start again from "
                        "`cluster = lab04.start()`.")
    report = check_processing(produced_records(cluster, SOURCE), processed)
    _verdict(report, "in your run")
    if not _caught_up(cluster, PIPELINE_GROUP):
        behind = dict(sorted(committed_offsets(cluster, PIPELINE_GROUP, SOURCE).items()))
        raise Incorrect(f"the group `{PIPELINE_GROUP}` committed {behind or 'nothing'}, short "
                        f"of the end of `{SOURCE}`: commit after processing each batch, so "
                        "that a restart continues where the last one stopped.")
    private = Cluster(brokers=1, seed=SEED + 100)
    private.create_topic(SOURCE, partitions=SOURCE_PARTITIONS)
    private.create_topic(LEDGER, partitions=1)
    _fill_payments(private)
    try:
        run_pipeline(private, handle, HIDDEN_CRASH_POINTS)
    except NotImplementedError:
        raise NotAttempted("`handle` still raises NotImplementedError: replace the stub with "
                           "your code.") from None
    except Exception as error:
        raise Incorrect(f"when the checker ran your `handle` with other crash points, it "
                        f"raised {type(error).__name__}: {error}") from None
    hidden = check_processing(produced_records(private, SOURCE), ledger_processed(private))
    _verdict(hidden, f"with crashes at other moments ({', '.join(map(str, HIDDEN_CRASH_POINTS))})")
    if not _caught_up(private, PIPELINE_GROUP):
        raise Incorrect("with crashes at other moments, the pipeline never committed the end "
                        f"of `{SOURCE}`: commit after processing each batch.")
    twice = plural(len(report.duplicates), "record")
    return (f"No payment lost, whatever the crashes: {report.summary()}. The {twice} "
            "processed twice had been processed but not committed when the process died; an "
            "idempotent `process` would make them harmless.")


# ------------------------------------------------------------------ question 2
def _expected_rewind(cluster: Cluster) -> dict[int, int]:
    return {p.partition: max(p.high_watermark - REREAD, p.log_start_offset)
            for p in cluster.describe_topic(INVOICES).partitions}


@lab.question(
    "Rewind a group to re-read the last records",
    hints=(
        "A group's next run starts at its *committed* offsets. Compute, for each partition "
        "of `invoices`, its end (the high watermark, `describe_topic(...).partitions[p]"
        ".high_watermark`) minus 3, but never before the log start offset.",
        "`cluster.groups.alter_offsets(\"monthly-report\", {TopicPartition(\"invoices\", p): "
        "offset, ...})` commits offsets for a group that has no members, as "
        "`kafka-consumer-groups --reset-offsets --shift-by -3` does.",
        "A `seek()` only moves one consumer's position; it changes nothing for the group "
        "unless that consumer commits. If you used a consumer in the group, close it "
        "afterwards.",
    ),
)
def q2(cluster: Cluster) -> str:
    require_topic(cluster, INVOICES)
    ends = log_ends(cluster, INVOICES)
    if (committed_offsets(cluster, REPORT_GROUP, INVOICES) == ends
            and ends == dict(enumerate(INVOICE_COUNTS))):
        raise NotAttempted("the group `monthly-report` is still committed at the end of "
                           "every partition of `invoices`: a `seek()` alone does not change "
                           "that, only a commit does.")
    require_group_stopped(cluster, REPORT_GROUP,
                          so_that="the report job's next run gets the partitions")
    expected = _expected_rewind(cluster)
    require_committed(cluster, REPORT_GROUP, INVOICES, expected)
    shown = ", ".join(f"{p} → {o}" for p, o in expected.items())
    return (f"The group's committed offsets are {shown}: its next run re-reads the last "
            f"{REREAD} invoices of each partition, and all of partition 2, which has only 2.")


__all__ = [
    "CRASH_POINTS",
    "INVOICE_COUNTS",
    "LEDGER",
    "PAYMENT_COUNT",
    "PIPELINE_GROUP",
    "REREAD",
    "ProcessCrashed",
    "lab",
    "ledger_processed",
    "progress",
    "q1",
    "q2",
    "run_pipeline",
    "start",
]
