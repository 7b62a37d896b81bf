"""Lab 10 · Consumers and groups in Python: the checks behind ``labs/10-...ipynb``.

The lab's notebook starts with ``cluster = lab10.start()``: a seeded one-broker cluster
with the topic ``payments`` (3 partitions, :data:`PAYMENT_COUNT` keyed records) and the
empty topic ``ledger`` (the service's output). The questions:

1. write ``async def consume(kafka, topic, group, process)``, a consumer service that
   processes every record *at least once* however it crashes. :func:`run_service` runs it
   as a supervisor would: ``process`` crashes on some calls, the service's own clean-up
   code runs (as for any exception), then the process dies (any consumer still open
   crashes: no commit, no ``LeaveGroup``) and the service starts again, in the same group.
   The check runs the processing checker on ``payments`` against ``ledger``, and replays
   the learner's service on a private cluster with other names, records and crash points;
2. write ``async def group_lag(kafka, group, topic)``, a group's lag per partition from
   the admin client's committed offsets and a consumer's end offsets; checked against
   the coordinator's committed offsets on private clusters. A partition the group never
   committed has no lag (Kafka's ``kafka-consumer-groups --describe`` shows ``-``): it is
   left out, or given as None.

Learner coroutines run on a fresh event loop in a worker thread
(:func:`engine.labs.backend.run_coroutine`): a notebook's cell already runs inside an
event loop, and ``check()`` is an ordinary call.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Any

from engine.checker.processing import (
    ProcessingReport,
    check_processing,
    produced_records,
)
from engine.core.cluster import Cluster
from engine.core.errors import KafkaTimeoutError
from engine.core.records import ConsumerRecord, TopicPartition
from engine.labs.backend import LabKafka as BaseLabKafka
from engine.labs.backend import run_coroutine
from engine.labs.lab import Lab
from engine.labs.ledger import LEDGER, ledger_processed, write_to_ledger
from engine.labs.offsets import committed_offsets, log_ends
from engine.labs.question import Incorrect, NotAttempted, require_function
from engine.labs.state import plural, require_topic

SEED = 10
"""The lab cluster's seed: every learner sees the same cluster."""

SOURCE = "payments"
SOURCE_PARTITIONS = 3
PAYMENT_COUNT = 24
GROUP = "billing"
CRASH_POINTS = (5, 14)
"""Question 1: :func:`run_service` makes ``process`` crash on these calls (1-based)."""
HIDDEN = ("invoices", "accounting", 5, 41, (2, 3, 17, 30))
"""Question 1's private replay: topic, group, partitions, records and crash points."""
MAX_RUNS = 12
"""How many times :func:`run_service` starts the service at most."""
RUN_LIMIT_MS = 120_000
"""Simulated time one run of the service may take before the supervisor stops it."""
IDLE_POLL_MS = 100
"""Simulated time the supervisor lets pass after a ``getmany()`` that returned at once
with nothing (``timeout_ms=0``), as real time would."""
LAB_CONSUMER_DEFAULTS: dict[str, Any] = {
    "session_timeout_ms": 6000, "heartbeat_interval_ms": 2000, "max_poll_records": 5,
    "max_wait_ms": RUN_LIMIT_MS}
"""What the lab's consumers get unless the learner sets it: a crashed member's session
ends after 6 s (the broker's minimum), and small batches, so that crashes fall mid-batch."""

LAG_GROUP = "reports"
LAG_BEHIND = (2, 0, 4)
"""Question 2: how far behind the end of each partition of ``payments`` the group
``reports`` committed (partition order)."""


class ProcessCrashed(BaseException):
    """The service's process died inside ``process(record)`` (injected by the lab).

    A ``BaseException``, like ``SystemExit``: an ``except Exception`` in the learner's
    loop does not swallow it, but ``finally`` blocks and ``async with`` still run.
    """


class ServiceStopped(BaseException):
    """The supervisor stopped a run that went on for :data:`RUN_LIMIT_MS`."""


def _setup() -> Cluster:
    cluster = Cluster(brokers=1, seed=SEED)
    cluster.create_topic(SOURCE, partitions=SOURCE_PARTITIONS)
    cluster.create_topic(LEDGER, partitions=1)
    _fill(cluster, SOURCE, PAYMENT_COUNT)
    cluster.groups.alter_offsets(LAG_GROUP, {
        TopicPartition(SOURCE, p): max(end - behind, 0)
        for (p, end), behind in zip(log_ends(cluster, SOURCE).items(), LAG_BEHIND, strict=True)})
    return cluster


def _fill(cluster: Cluster, topic: str, count: int) -> None:
    for i in range(count):
        cluster.produce(topic, value=f"{topic} {i}", key=f"customer-{i % 7}")


lab = Lab(10, "python-consumer-and-groups", "Consumers and groups in Python", _setup)
start = lab.start
progress = lab.progress


# ------------------------------------------------------------------ the lab's Kafka
class LabKafka(BaseLabKafka):
    """The ``kafka`` a service gets: the course's backend over the lab's cluster, whose
    consumers get :data:`LAB_CONSUMER_DEFAULTS` and are remembered, so that the
    supervisor can crash the ones a dead process left open."""

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.consumers: list[Any] = []
        self.made: list[tuple[tuple[str, ...], Any]] = []
        """Each consumer's topics and ``group_id`` as the service asked for them."""
        self.run_started_ms = cluster.now_ms

    def consumer(self, *topics: str, **config: Any) -> Any:
        consumer = super().consumer(*topics, **{**LAB_CONSUMER_DEFAULTS, **config})
        self.consumers.append(consumer)
        self.made.append((topics, config.get("group_id")))
        self._guard(consumer)
        return consumer

    def _guard(self, consumer: Any) -> None:
        """Stop the run (:class:`ServiceStopped`) once it has gone on long enough."""
        getmany, getone = consumer.getmany, consumer.getone

        def check() -> None:
            if self.cluster.now_ms - self.run_started_ms >= RUN_LIMIT_MS:
                raise ServiceStopped()

        async def guarded_getmany(*args: Any, **kwargs: Any) -> Any:
            check()
            before = self.cluster.now_ms
            batch = await getmany(*args, **kwargs)
            if not batch and self.cluster.now_ms == before:
                # getmany() with aiokafka's default timeout_ms=0: on a real Kafka, time
                # passes between two calls and the group makes progress; here it must too
                self.cluster.advance(IDLE_POLL_MS)
            return batch

        async def guarded_getone(*args: Any) -> Any:
            check()
            try:
                return await getone(*args)
            except KafkaTimeoutError:
                raise ServiceStopped() from None

        consumer.getmany, consumer.getone = guarded_getmany, guarded_getone

    def auto_committing(self) -> bool:
        """Whether any consumer of the service committed automatically."""
        return any(c.sync.config.enable_auto_commit for c in self.consumers)

    def kill(self) -> None:
        """The process dies: every consumer it left open crashes."""
        for consumer in self.consumers:
            consumer.sync.crash()


# ------------------------------------------------------------------ question 1
class ServiceRun:
    """What :func:`run_service` saw: runs, crashes, calls of ``process``, auto-commit."""

    def __init__(self) -> None:
        self.runs = 0
        self.crashes = 0
        """Crashes that reached the supervisor (the service did not catch them)."""
        self.injected = 0
        """Crashes ``process`` raised."""
        self.calls = 0
        self.auto_commit = False
        self.made: list[tuple[tuple[str, ...], Any]] = []

    def __str__(self) -> str:
        crashes = "1 crash" if self.crashes == 1 else f"{self.crashes} crashes"
        return (f"{plural(self.runs, 'run')} of the service, {crashes}, "
                f"{plural(self.calls - self.injected, 'record')} processed")


def run_service(cluster: Cluster, consume: Callable[..., Any],
                crash_at: Iterable[int] = CRASH_POINTS, topic: str = SOURCE,
                group: str = GROUP, ledger: str = LEDGER) -> ServiceRun:
    """Run ``consume(kafka, topic, group, process)`` under a supervisor, with crashes.

    ``process(record)`` writes the record to ``ledger`` (its origin in the header
    ``source``), except on the calls in ``crash_at``, where it raises
    :class:`ProcessCrashed`. After each run (crashed, returned, or stopped after
    :data:`RUN_LIMIT_MS`), the consumers still open crash, and the service starts again
    until ``group`` has committed the end of ``topic`` (at most :data:`MAX_RUNS` runs).
    Exceptions other than the lab's propagate (the stub's ``NotImplementedError``).
    """
    crash_points = sorted(set(crash_at))
    seen = ServiceRun()

    def process(record: ConsumerRecord) -> None:
        seen.calls += 1
        if crash_points and seen.calls == crash_points[0]:
            crash_points.pop(0)
            seen.injected += 1
            raise ProcessCrashed(f"the process died while processing {record.topic}-"
                                 f"{record.partition}@{record.offset}")
        write_to_ledger(cluster, record, ledger)

    for _ in range(MAX_RUNS):
        seen.runs += 1
        kafka = LabKafka(cluster)

        async def supervised(kafka: LabKafka = kafka) -> None:
            try:
                await consume(kafka, topic, group, process)
            except ProcessCrashed:
                seen.crashes += 1
            except ServiceStopped:
                pass

        try:
            run_coroutine(supervised)
        finally:
            seen.auto_commit = seen.auto_commit or kafka.auto_committing()
            seen.made += kafka.made
            kafka.kill()
        if _caught_up(cluster, group, topic):
            break
    _services[cluster] = seen
    return seen


_services: weakref.WeakKeyDictionary[Cluster, ServiceRun] = weakref.WeakKeyDictionary()
"""The clusters :func:`run_service` ran on (a run that processed nothing still counts)."""


def _caught_up(cluster: Cluster, group: str, topic: str) -> bool:
    """Whether ``group`` committed the end of every partition of ``topic`` that has records:
    an empty partition (end = log start) needs no commit, as a per-partition
    ``commit({tp: offset + 1})`` never commits one."""
    committed = committed_offsets(cluster, group, topic)
    starts = _log_starts(cluster, topic)
    return all(committed[p] >= end if p in committed else end == starts[p]
               for p, end in log_ends(cluster, topic).items())


def _log_starts(cluster: Cluster, topic: str) -> dict[int, int]:
    return {p.partition: p.log_start_offset for p in cluster.describe_topic(topic).partitions}




AUTO_COMMIT = ("your consumer commits automatically (`enable_auto_commit` is on, aiokafka's "
               "default): it commits the positions `getmany()` returned, processed or not: in "
               "the background every 5 seconds on aiokafka, and when it stops (in a clean-up "
               "after a crash, too). Make it with `enable_auto_commit=False` and "
               "`await consumer.commit()` after processing.")


def _verdict(report: ProcessingReport, seen: ServiceRun, where: str) -> None:
    if report.unexpected:
        raise Incorrect(f"{where}, `{LEDGER}` holds records that are not in the topic read: "
                        f"{report.unexpected[0]}.")
    if not report.lost:
        return
    if report.processed == 0:
        raise Incorrect(f"{where}, the service processed nothing: a new group starts at the "
                        "end of the partitions with aiokafka's `auto_offset_reset=\"latest\"`; "
                        "make the consumer with `auto_offset_reset=\"earliest\"`.")
    shown = ", ".join(str(r) for r in report.lost[:4]) + (", ..." if len(report.lost) > 4 else "")
    lost = f"{where}, the service lost {plural(len(report.lost), 'record')} ({shown})"
    if seen.auto_commit:
        raise Incorrect(f"{lost}: {AUTO_COMMIT}")
    raise Incorrect(f"{lost}: they were never processed. Their offsets were committed before "
                    "they were processed, and the process died in between: commit only what "
                    "was processed, after `process(record)`.")


def _not_caught_up(cluster: Cluster, group: str, topic: str, where: str) -> None:
    if _caught_up(cluster, group, topic):
        return
    behind = dict(sorted(committed_offsets(cluster, group, topic).items()))
    ends, starts = log_ends(cluster, topic), _log_starts(cluster, topic)
    if behind and all(behind.get(p) == end - 1 for p, end in ends.items() if end > starts[p]):
        raise Incorrect(f"{where}, the group `{group}` committed {behind}, each one short of "
                        "the end of its partition: the committed offset is the offset of the "
                        "*next* record to read, not of the last one processed. Commit "
                        "`{tp: record.offset + 1}`, or `commit()` without arguments (it "
                        "commits the positions, which already point past what was returned).")
    raise Incorrect(f"{where}, the group `{group}` committed {behind or 'nothing'} after "
                    f"{MAX_RUNS} runs, short of the end of `{topic}`: commit after processing "
                    "each batch, so that a restart continues where the last run stopped.")


def _private_run(consume: Callable[..., Any]) -> tuple[ProcessingReport, ServiceRun, Cluster]:
    topic, group, partitions, count, crashes = HIDDEN
    private = Cluster(brokers=1, seed=SEED + 100)
    private.create_topic(topic, partitions=partitions)
    private.create_topic(LEDGER, partitions=1)
    _fill(private, topic, count)
    try:
        seen = run_service(private, consume, crashes, topic=topic, group=group)
    except NotImplementedError:
        raise NotAttempted("`consume` still raises NotImplementedError: replace the stub "
                           "with your code.") from None
    except Exception as error:
        raise Incorrect(f"when the checker ran your `consume` on the topic `{topic}` with the "
                        f"group `{group}`, it raised {type(error).__name__}: {error}") from None
    for topics, group_id in seen.made:
        if group_id != group or (topics and topic not in topics):
            asked = f"{', '.join(map(repr, topics))}, " if topics else ""
            raise Incorrect(f"the checker called `consume(kafka, {topic!r}, {group!r}, process)` "
                            f"and your code made `kafka.consumer({asked}group_id={group_id!r}, "
                            "...)`: use the arguments `topic` and `group`, not the lab's names.")
    if not seen.made:
        raise Incorrect("`consume` made no consumer with `kafka.consumer(...)`.")
    report = check_processing(produced_records(private, topic), ledger_processed(private))
    return report, seen, private


@lab.question(
    "A consumer service that survives crashes",
    answers=("consume",),
    hints=(
        "Make the consumer with `kafka.consumer(topic, group_id=group, "
        "enable_auto_commit=False, auto_offset_reset=\"earliest\")`, `await` its `start()`, "
        "and loop on `await consumer.getmany(timeout_ms=1000)`.",
        "In each turn: call `process(record)` (no `await`) for every record of every "
        "partition in the batch, and only then `await consumer.commit()`. A crash can then "
        "only leave records processed but not committed (processed twice after the restart), "
        "never committed but not processed (lost).",
        "Use the arguments, not the lab's names: the checker runs your `consume` on another "
        "topic with another group. Do not catch the crash (it is not an `Exception`), and "
        "stop the consumer in a `finally` (or use `async with`). Re-run `cluster = "
        "lab10.start()` before `lab10.run_service(cluster, consume)` after a change.",
    ),
)
def q1(cluster: Cluster, consume: Any) -> str:
    require_function(consume, "consume", signature="consume(kafka, topic, group, process)")
    require_topic(cluster, LEDGER)
    processed = ledger_processed(cluster)
    if not processed and cluster not in _services:
        raise NotAttempted(f"`{LEDGER}` is empty: run `lab10.run_service(cluster, consume)` "
                           "after writing `consume`.")
    report, seen, private = _private_run(consume)
    if seen.injected > seen.crashes:
        raise Incorrect("your code caught the crash that `process(record)` raised (with "
                        "`except BaseException:` or a bare `except:`) and carried on. The "
                        "crash stands for the process dying: it must not be swallowed. Let "
                        "it propagate; do the clean-up in `finally` or with `async with`.")
    _verdict(report, seen, f"on the topic `{HIDDEN[0]}` with crashes at other moments")
    _not_caught_up(private, HIDDEN[1], HIDDEN[0], f"on the topic `{HIDDEN[0]}`")
    mine = check_processing(produced_records(cluster, SOURCE), processed)
    if mine.lost or not _caught_up(cluster, GROUP, SOURCE):
        raise Incorrect("your function passes the checker's replay, but the lab's own run "
                        f"did not finish (`{LEDGER}` misses {plural(len(mine.lost), 'record')}): "
                        "run `cluster = lab10.start()` and `lab10.run_service(cluster, consume)` "
                        "again with the code you have now.")
    if seen.auto_commit:
        raise Incorrect(f"nothing was lost this time, but {AUTO_COMMIT}")
    twice = plural(len(report.duplicates), "record")
    return (f"Nothing lost, whatever the crashes. The checker's replay ({seen}): "
            f"{report.summary()}. The {twice} processed twice had been processed but not "
            "committed when the process died: at least once. An idempotent `process` makes "
            "them harmless.")


# ------------------------------------------------------------------ question 2
def _lag_cluster(seed: int, counts: tuple[int, ...], committed: tuple[int | None, ...],
                 topic: str, group: str) -> Cluster:
    cluster = Cluster(brokers=1, seed=seed)
    cluster.create_topic(topic, partitions=len(counts))
    for partition, count in enumerate(counts):
        for i in range(count):
            cluster.produce(topic, value=f"{topic} {partition}-{i}", partition=partition)
    cluster.groups.alter_offsets(group, {
        TopicPartition(topic, p): o for p, o in enumerate(committed) if o is not None})
    return cluster


HIDDEN_LAG = (
    ((7, 3, 0, 5), (7, 1, 0, 2), "clicks", "dashboard"),
    ((4, 4), (0, 4), "audit", "auditors"),
    ((3, 6, 2), (1, None, 2), "views", "analytics"),
)
"""Question 2's private cases: records per partition, committed offsets (None: the group
never committed that partition), topic, group."""


def expected_lag(cluster: Cluster, group: str, topic: str) -> dict[int, int]:
    """The lag per partition of ``topic`` that ``group`` committed (end - committed).

    A partition the group never committed has no lag, as in Kafka's
    ``kafka-consumer-groups --describe`` (``-`` for CURRENT-OFFSET and LAG) and in
    ``list_consumer_group_offsets()``, which leaves it out."""
    committed = committed_offsets(cluster, group, topic)
    return {p: end - committed[p] for p, end in log_ends(cluster, topic).items()
            if p in committed}


def _call_lag(group_lag: Callable[..., Any], cluster: Cluster, group: str,
              topic: str) -> Any:
    try:
        return run_lag(cluster, group_lag, group, topic)
    except NotImplementedError:
        raise NotAttempted("`group_lag` still raises NotImplementedError: replace the stub "
                           "with your code.") from None
    except Exception as error:
        raise Incorrect(f"`group_lag(kafka, {group!r}, {topic!r})` raised "
                        f"{type(error).__name__}: {error}") from None


def _lag_problem(got: Any, expected: dict[int, int], committed: dict[int, int],
                 topic: str, where: str) -> str | None:
    """How ``got`` (the learner's answer) differs from ``expected`` lag per partition."""
    if not isinstance(got, dict):
        return (f"{where}, `group_lag` returned {type(got).__name__}; expected a dict from "
                "partition number to lag.")
    normal: dict[Any, Any] = {}
    for key, value in got.items():
        if isinstance(key, tuple) and len(key) == 2:  # a TopicPartition
            if key[0] != topic:
                return (f"{where}, `group_lag` holds `{key[0]}` partition {key[1]}: keep only "
                        f"the partitions of `{topic}`.")
            key = key[1]
        if value is None and key not in committed:
            continue  # no committed offset, no lag: the CLI's `-`
        normal[key] = value
    extra = sorted(p for p in normal if p not in expected and p not in committed)
    if extra and isinstance(extra[0], int) and set(normal) - set(extra) == set(expected):
        return (f"{where}, `group_lag` gives partition {extra[0]} the lag {normal[extra[0]]!r}, "
                "but the group never committed an offset there: it has no position, so "
                "there is no lag to give (`kafka-consumer-groups --describe` shows `-` as "
                "its CURRENT-OFFSET and LAG). Leave such partitions out (or give None): "
                "`list_consumer_group_offsets()` only returns the committed ones.")
    if set(normal) != set(expected):
        return (f"{where}, `group_lag` has the partitions {sorted(normal, key=str)}; expected "
                f"{sorted(expected)} (the partitions of `{topic}` the group committed).")
    if normal == expected:
        return None
    wrong = "; ".join(f"partition {p}: {normal[p]!r}, expected {lag}"
                      for p, lag in expected.items() if normal[p] != lag)
    if normal == committed:
        why = " Those are the committed offsets; the lag is end offset − committed offset."
    elif all(normal[p] == lag - 1 for p, lag in expected.items()):
        why = (" Each is one short: the end offset is where the next record will be written "
               "(the high watermark), one past the last record's offset.")
    else:
        why = " The lag is end offset − committed offset."
    return f"{where}, {wrong}.{why}"


@lab.question(
    "A group's lag, from the admin client",
    answers=("group_lag",),
    hints=(
        "`admin = kafka.admin()`, `await admin.start()`, then `await "
        "admin.list_consumer_group_offsets(group)`: a dict from TopicPartition to an object "
        "whose `.offset` is the committed offset. Close the admin client at the end.",
        "For the ends, make a consumer without a group (`kafka.consumer()`), `await` its "
        "`start()`, and `await consumer.end_offsets(partitions)`; then stop it.",
        "Return `{tp.partition: ends[tp] - committed[tp].offset for tp in committed if "
        "tp.topic == topic}`: only the topic asked for, keyed by partition number.",
    ),
)
def q2(cluster: Cluster, group_lag: Any) -> str:
    require_function(group_lag, "group_lag", signature="group_lag(kafka, group, topic)")
    expected = expected_lag(cluster, LAG_GROUP, SOURCE)
    problem = _lag_problem(_call_lag(group_lag, cluster, LAG_GROUP, SOURCE), expected,
                           committed_offsets(cluster, LAG_GROUP, SOURCE), SOURCE,
                           f"for `{LAG_GROUP}` on `{SOURCE}`")
    if problem:
        raise Incorrect(problem)
    for seed, (counts, committed, topic, group) in enumerate(HIDDEN_LAG, SEED + 200):
        private = _lag_cluster(seed, counts, committed, topic, group)
        private.create_topic("other", partitions=2)
        private.groups.alter_offsets(group, {TopicPartition("other", 0): 0})
        private.produce("other", value="x", partition=0)
        hidden = expected_lag(private, group, topic)
        problem = _lag_problem(_call_lag(group_lag, private, group, topic), hidden,
                               committed_offsets(private, group, topic), topic,
                               f"for the checker's group `{group}` on `{topic}`")
        if problem:
            raise Incorrect(problem)
    shown = ", ".join(f"{p}: {lag}" for p, lag in expected.items())
    return (f"The group `{LAG_GROUP}` lags {shown} on `{SOURCE}`, and your function got the "
            "checker's other groups right too.")


def run_lag(cluster: Cluster, group_lag: Callable[..., Any], group: str = LAG_GROUP,
            topic: str = SOURCE) -> Any:
    """Run ``group_lag(kafka, group, topic)`` against ``cluster`` and return its answer."""
    from engine.client import connect

    async def call() -> Any:
        backend = connect(cluster)
        try:
            return await group_lag(backend, group, topic)
        finally:
            await backend.close()

    return run_coroutine(call)


__all__ = [
    "CRASH_POINTS",
    "GROUP",
    "LAB_CONSUMER_DEFAULTS",
    "LAG_GROUP",
    "LEDGER",
    "PAYMENT_COUNT",
    "ProcessCrashed",
    "ServiceRun",
    "expected_lag",
    "lab",
    "ledger_processed",
    "progress",
    "q1",
    "q2",
    "run_lag",
    "run_service",
    "start",
]
