"""Lab 02 · Brokers and replication: the checks behind ``labs/02-...ipynb``.

The lab's notebook starts with ``cluster = lab02.start()``: a seeded cluster of five
brokers with a dedicated KRaft controller, which records every acknowledgement the
producer gets (:meth:`~engine.core.cluster.Cluster.record_acks`). The questions:

1. create the topic ``ledger`` with the replication factor and ``min.insync.replicas``
   that meet a failure budget (any 2 brokers down) with as few copies as possible;
2. prove it: write :data:`LEDGER_ENTRIES` with ``acks=all``, kill two brokers (one of
   them a leader of a ``ledger`` partition), write :data:`LATE_ENTRIES` while both are
   down, and let the checker find every acknowledged entry;
3. write ``predict_after_crash(replicas, isr, leader, crashed)``, the leader and ISR a
   partition has once the controller has fenced a crashed broker; it is compared with
   the engine on private clusters.

Checks read the topic's configs, the acknowledgements, the journal (which brokers were
killed, and when) and :func:`engine.checker.check`'s verdict.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any

from engine.checker import AckHistory, check
from engine.core.cluster import Cluster
from engine.labs.lab import Lab
from engine.labs.question import Incorrect, NotAttempted, call_learner, require_function
from engine.labs.state import plural, require_topic, show

SEED = 2
"""The lab cluster's seed: every learner sees the same cluster."""

BROKERS = 5
FAILURE_BUDGET = 2
"""Question 1: how many brokers may be down at once."""

LEDGER = "ledger"
LEDGER_PARTITIONS = 2
EXPECTED_RF = 5
EXPECTED_MIN_ISR = 3

LEDGER_ENTRIES = tuple(f"entry {n}" for n in range(10))
"""Question 2: written with ``acks=all`` before the crashes."""
LATE_ENTRIES = tuple(f"late entry {n}" for n in range(4))
"""Question 2: written with ``acks=all`` while two brokers are down."""

SESSION_TIMEOUT_MS = 9000
"""``broker.session.timeout.ms``: how long the controller waits before fencing."""

_histories: weakref.WeakKeyDictionary[Cluster, AckHistory] = weakref.WeakKeyDictionary()


def _setup() -> Cluster:
    cluster = Cluster(brokers=BROKERS, seed=SEED, controller="dedicated")
    _histories[cluster] = cluster.record_acks()
    return cluster


def acknowledged(cluster: Cluster) -> AckHistory:
    """Every acknowledgement the lab's cluster gave since :func:`start`."""
    history = _histories.get(cluster)
    if history is None:
        raise Incorrect("this cluster was not made by `lab02.start()`: start the lab again.")
    return history


# ------------------------------------------------------------ the journal and replicas
def replayed_log_ends(cluster: Cluster) -> dict[tuple[str, int, int], int]:
    """Each replica's log end offset, ``(topic, partition, broker) -> offset``, replayed
    from the journal: appends, follower fetches and truncations."""
    ends: dict[tuple[str, int, int], int] = {}
    for event in cluster.journal:
        data = event.data
        kind = event.kind
        if kind == "topic_created":
            for p, replicas in enumerate(data["replicas"]):
                for b in replicas:
                    ends[(data["topic"], p, b)] = 0
        elif kind == "topic_deleted":
            ends = {k: v for k, v in ends.items() if k[0] != data["topic"]}
        elif kind == "records_appended" and "broker" in data:
            ends[(data["topic"], data["partition"], data["broker"])] = (
                data["base_offset"] + data["count"])
        elif kind == "replica_fetched":
            ends[(data["topic"], data["partition"], data["broker"])] = data["log_end_offset"]
        elif kind == "replica_truncated":
            ends[(data["topic"], data["partition"], data["broker"])] = data["to_offset"]
    return ends


def verify_replicas(cluster: Cluster) -> None:
    """Raise :class:`Incorrect` unless every replica's log end offset matches the journal.

    Replicated clusters truncate logs after a leader change, so the journal's append
    counts alone (``verify_journal``) do not add up; this replays the replicas instead.
    """
    if type(cluster) is not Cluster:
        raise Incorrect(f"the lab's cluster was replaced by a {type(cluster).__name__}: "
                        "start the lab again.")
    ends = replayed_log_ends(cluster)
    topics = cluster.list_topics()
    if sorted({t for t, _, _ in ends}) != sorted(
            t for t in topics if cluster.describe_topic(t).partitions):
        raise Incorrect("the cluster's topics do not match its journal: topics must be "
                        "created with `cluster.create_topic`. Start the lab again.")
    for name in topics:
        for p in cluster.describe_topic(name).partitions:
            for r in cluster.replicas(name, p.partition):
                want = ends.get((name, p.partition, r.broker), 0)
                if r.log_end_offset != want:
                    raise Incorrect(
                        f"the log of `{name}` partition {p.partition} on broker {r.broker} "
                        f"does not match the journal (log end offset {r.log_end_offset}, "
                        f"journal {want}): records must be written with `cluster.produce`. "
                        "Start the lab again.")


class ReplicatedLab(Lab):
    """A lab whose checks replay replicas, not just appends (see :func:`verify_replicas`)."""

    def verify(self, cluster: Cluster) -> None:
        verify_replicas(cluster)


lab = ReplicatedLab(2, "brokers-and-replication", "Brokers and replication", _setup)
start = lab.start
progress = lab.progress


# ------------------------------------------------------------------ question 1
def _budget_problems(rf: int, min_isr: int) -> list[str]:
    k = FAILURE_BUDGET
    effective = min(min_isr, rf)
    problems = []
    if effective <= k:
        problems.append(
            f"with `min.insync.replicas` {effective}, an `acks=all` write can be "
            f"acknowledged while it is on only {plural(effective, 'broker')}; if "
            f"{'that broker fails' if effective == 1 else 'those brokers fail'}, "
            "an acknowledged write is lost")
    if rf - k < effective:
        problems.append(
            f"with replication factor {rf} and `min.insync.replicas` {min_isr}, "
            f"{k} brokers down leave {plural(max(rf - k, 0), 'in-sync replica')}, fewer "
            f"than {effective}: `acks=all` writes would be refused")
    return problems


@lab.question(
    "Pick RF and min.insync.replicas for a failure budget",
    hints=(
        "Two conditions. An acknowledged `acks=all` write is on at least "
        "`min.insync.replicas` brokers: how many must that be so that it survives any 2 "
        "failures? And with 2 brokers down, how many replicas are left to be in sync?",
        "`min.insync.replicas` must be more than the failure budget (at least 3), and "
        "the replication factor at least `min.insync.replicas` + the budget. Take the "
        "smallest values that work.",
        "`cluster.create_topic(\"ledger\", partitions=2, replication_factor=5, "
        "configs={...})` with `min.insync.replicas` in `configs`. A topic's replication "
        "factor cannot be changed here: if yours is wrong, run `cluster = lab02.start()` "
        "again.",
    ),
)
def q1(cluster: Cluster) -> str:
    require_topic(cluster, LEDGER, missing="there is no topic `ledger` in the lab's cluster "
                  "yet. Create it with `cluster.create_topic(...)`.")
    topic = cluster.describe_topic(LEDGER)
    rf = topic.replication_factor
    min_isr = int(cluster.topic_config(LEDGER).get("min.insync.replicas"))
    problems = []
    if len(topic.partitions) != LEDGER_PARTITIONS:
        problems.append(f"`ledger` has {plural(len(topic.partitions), 'partition')}, "
                        f"expected {LEDGER_PARTITIONS}")
    if "min.insync.replicas" not in topic.configs:
        problems.append("`min.insync.replicas` is not set on the topic, so it is the "
                        f"default, {min_isr}")
    problems.extend(_budget_problems(rf, min_isr))
    if not problems and (rf, min_isr) != (EXPECTED_RF, EXPECTED_MIN_ISR):
        problems.append(f"replication factor {rf} with `min.insync.replicas` {min_isr} "
                        "meets the budget, but uses more copies than needed")
    if problems:
        raise Incorrect("; ".join(problems) + ".")
    return (f"Replication factor {rf} and `min.insync.replicas` {min_isr}: with any "
            f"{FAILURE_BUDGET} brokers down, {rf - FAILURE_BUDGET} replicas remain, enough "
            f"for `acks=all`, and every acknowledged write is on at least {min_isr} brokers, "
            f"so {FAILURE_BUDGET} failures cannot take all its copies.")


# ------------------------------------------------------------------ question 2
def _down_at_each_event(cluster: Cluster) -> Iterator[tuple[Any, frozenset[int]]]:
    """Each journal event with the brokers that are down just after it."""
    down: set[int] = set()
    for event in cluster.journal:
        if event.kind in ("broker_killed", "broker_shutdown"):
            down.add(event.data["broker"])
        elif event.kind == "broker_restarted":
            down.discard(event.data["broker"])
        yield event, frozenset(down)


def _kills(cluster: Cluster) -> list[tuple[int, int, bool]]:
    """``(seq, broker, led_a_ledger_partition)`` for every crash, in journal order."""
    leaders: dict[int, int | None] = {}
    out = []
    for event in cluster.journal:
        data = event.data
        if event.kind == "topic_created" and data["topic"] == LEDGER:
            leaders = {p: replicas[0] for p, replicas in enumerate(data["replicas"])}
        elif event.kind == "topic_deleted" and data["topic"] == LEDGER:
            leaders = {}
        elif event.kind == "leader_elected" and data["topic"] == LEDGER:
            leaders[data["partition"]] = data["leader"]
        elif event.kind == "broker_killed":
            b = data["broker"]
            out.append((event.seq, b, b in leaders.values()))
    return out


def _append_seq(cluster: Cluster, partition: int, offset: int) -> int | None:
    """The journal seq of the last append to ``ledger``-``partition`` covering ``offset``."""
    found = None
    for event in cluster.journal:
        d = event.data
        if (event.kind == "records_appended" and d["topic"] == LEDGER
                and d["partition"] == partition
                and d["base_offset"] <= offset < d["base_offset"] + d["count"]):
            found = event.seq
    return found


@lab.question(
    "Prove it by killing brokers",
    hints=(
        "Write each of `lab02.LEDGER_ENTRIES` with `cluster.produce(\"ledger\", value=..., "
        "acks=\"all\")`. Then `cluster.kill_broker(...)` two brokers: find a leader with "
        "`cluster.describe_topic(\"ledger\")`.",
        "After the kills, `cluster.advance(10_000)` lets the controller notice (it fences a "
        "broker `broker.session.timeout.ms`, 9 s, after its last heartbeat). Then write "
        "each of `lab02.LATE_ENTRIES` with `acks=\"all\"`, with both brokers still down.",
        "`from engine.checker import check` and `check(cluster, lab02.acknowledged(cluster))` "
        "shows what the grader sees. Started wrong? `cluster = lab02.start()` and redo "
        "question 1 too.",
    ),
)
def q2(cluster: Cluster) -> str:
    try:
        q1.checker(cluster)
    except (Incorrect, NotAttempted):
        raise NotAttempted("question 2 proves question 1's topic: make `ledger` pass "
                           "`q1.check()` first.") from None
    history = acknowledged(cluster)
    acks = [a for a in history if a.topic == LEDGER]
    if not acks:
        raise NotAttempted("no write to `ledger` was acknowledged yet. Write "
                           "`lab02.LEDGER_ENTRIES` to it with `acks=\"all\"`.")
    by_value: dict[str, list[Any]] = {}
    for a in acks:
        by_value.setdefault((a.value or b"").decode("utf-8", "replace"), []).append(a)
    for value in LEDGER_ENTRIES:
        if value not in by_value:
            raise Incorrect(f"{value!r} of `lab02.LEDGER_ENTRIES` was never acknowledged: "
                            "write every entry to `ledger`.")
    weak = [a for a in acks if a.acks != -1]
    if weak:
        a = weak[0]
        raise Incorrect(f"{show(a.value)} was acknowledged with acks={a.acks}: the "
                        "failure budget holds for `acks=\"all\"` writes only. Start again "
                        "with `cluster = lab02.start()`.")
    kills = _kills(cluster)
    first_late = min((a for v in LATE_ENTRIES for a in by_value.get(v, [])),
                     key=lambda a: a.time_ms, default=None)
    if not kills:
        raise Incorrect("no broker was killed: kill two brokers with `cluster.kill_broker`, "
                        "one of them the leader of a `ledger` partition.")
    killed = sorted({b for _, b, _ in kills})
    if len(killed) < FAILURE_BUDGET:
        raise Incorrect(f"only broker {killed[0]} was killed; the budget is "
                        f"{FAILURE_BUDGET} brokers down at once: kill one more.")
    if not any(led for _, _, led in kills):
        raise Incorrect("none of the brokers you killed (" + ", ".join(map(str, killed))
                        + ") was leading a `ledger` partition: crash a leader too, so that "
                        "the controller has to elect a new one.")
    missing = [v for v in LATE_ENTRIES if v not in by_value]
    if missing:
        raise Incorrect(f"{missing[0]!r} of `lab02.LATE_ENTRIES` was never acknowledged: "
                        "with two brokers down, write every late entry with "
                        "`acks=\"all\"`.")
    down_after = dict((e.seq, down) for e, down in _down_at_each_event(cluster))
    assert first_late is not None
    for value in LATE_ENTRIES:
        a = by_value[value][-1]
        seq = _append_seq(cluster, a.partition, a.offset)
        down = down_after.get(seq, frozenset()) if seq is not None else frozenset()
        if len(down) < FAILURE_BUDGET:
            shown = ", ".join(map(str, sorted(down))) or "none"
            raise Incorrect(f"{value!r} was written while only {plural(len(down), 'broker')} "
                            f"{'was' if len(down) == 1 else 'were'} down ({shown}): write "
                            f"`lab02.LATE_ENTRIES` while {FAILURE_BUDGET} brokers are down.")
    report = check(cluster, history)
    if not report.valid:
        problems = "; ".join(x.describe() for x in report.anomalies[:3])
        raise Incorrect(f"the checker finds the history INVALID: {problems}.")
    if report.unavailable or report.uncommitted:
        x = (report.unavailable + report.uncommitted)[0]
        raise Incorrect(f"not every acknowledged entry can be read now: {x.describe()}.")
    return (f"Brokers {' and '.join(map(str, killed))} crashed, the `ledger` kept taking "
            f"`acks=all` writes, and the checker finds all {report.acknowledged} "
            "acknowledged entries, in order: VALID.")


# ------------------------------------------------------------------ question 3
CRASH_SCENARIOS: tuple[tuple[int, tuple[int, ...]], ...] = (
    (11, (1, 4)),
    (12, (3, 5, 2)),
    (13, (2, 1, 5)),
    (14, (5, 3, 4)),
)
"""Question 3's private tests: ``(seed, brokers crashed one after another)``."""


def _crash_cluster(seed: int) -> Cluster:
    cluster = Cluster(brokers=BROKERS, seed=seed, controller="dedicated")
    cluster.create_topic("stock", partitions=6, replication_factor=3)
    cluster.create_topic("prices", partitions=3, replication_factor=2)
    cluster.create_topic("audit", partitions=2, replication_factor=1)
    return cluster


def _show_isr(isr: Any) -> str:
    return "[" + ", ".join(map(str, isr)) + "]"


@lab.question(
    "Predict the new leader and ISR after a crash",
    answers=("predict_after_crash",),
    hints=(
        "Once the controller has fenced the crashed broker, it is out of every ISR. Where "
        "it led, the controller picks a new leader from what is left of the ISR. Where it "
        "did not lead, the leader stays.",
        "The new leader is the first broker in `replicas` order that is still in the ISR; "
        "with unclean leader election off (the default), a broker outside the ISR never "
        "becomes leader.",
        "When the crashed broker was the ISR's only member, Kafka 4.x (with eligible leader "
        "replicas, on by default since 4.1) empties the ISR: the partition has no leader "
        "(`None`) and ISR `[]`, and remembers the crashed broker as an *eligible leader "
        "replica* until it returns.",
    ),
)
def q3(cluster: Cluster, predict_after_crash: Any) -> str:
    require_function(predict_after_crash, "predict_after_crash")
    cases = 0
    for seed, crashes in CRASH_SCENARIOS:
        private = _crash_cluster(seed)
        for crashed in crashes:
            before = {t: private.describe_topic(t).partitions for t in private.list_topics()}
            private.kill_broker(crashed)
            private.advance(SESSION_TIMEOUT_MS + 1000)
            for topic, partitions in before.items():
                for p, after in zip(partitions, private.describe_topic(topic).partitions,
                                    strict=True):
                    what = (f"predict_after_crash(replicas={list(p.replicas)}, "
                            f"isr={list(p.isr)}, leader={p.leader}, crashed={crashed})")
                    got = call_learner(predict_after_crash, list(p.replicas), list(p.isr),
                                       p.leader, crashed, what=what)
                    if not (isinstance(got, tuple | list) and len(got) == 2):
                        raise Incorrect(f"`{what}` returned {got!r}; return a pair "
                                        "`(leader, isr)`.")
                    leader, isr = got
                    try:
                        isr_ok = sorted(isr) == sorted(after.isr)
                    except TypeError:
                        isr_ok = False
                    if leader != after.leader or not isr_ok:
                        raise Incorrect(
                            f"`{what}` returned ({leader!r}, {isr!r}), but the engine's "
                            f"controller made broker {after.leader} the leader with ISR "
                            f"{_show_isr(after.isr)}." if after.leader is not None else
                            f"`{what}` returned ({leader!r}, {isr!r}), but the partition has "
                            f"no leader (`None`) and its ISR is {_show_isr(after.isr)}.")
                    cases += 1
    return (f"Your predictions match the controller in all {cases} cases: leaders, "
            "ISRs, and the partitions left without a leader.")
