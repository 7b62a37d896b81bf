"""Lab 05 · Discovery, KRaft and Kafka's guarantees: the checks behind ``labs/05-...ipynb``.

The lab's notebook starts with ``cluster = lab05.start()``: a seeded cluster of five
brokers that are also its five KRaft controllers (combined mode), with a topic
``orders`` (6 partitions, RF=3), 3.5 simulated seconds after it started. The questions:

1. write ``find_leader(cluster, bootstrap, topic, partition)``, a client's broker
   discovery: ask the bootstrap brokers in order for metadata and return who answered
   and the leader it names; it is compared with the engine on private clusters where
   some brokers are down;
2. crash the broker that is the active controller, follow the quorum until the new
   controller has fenced it, and report the new controller and the time of the fencing
   (graded against the journal).
"""

from __future__ import annotations

from typing import Any

from engine.core.cluster import Cluster
from engine.core.errors import KafkaConnectionError
from engine.labs.lab02 import ReplicatedLab
from engine.labs.question import Incorrect, NotAttempted, require_function

SEED = 5
"""The lab cluster's seed: every learner sees the same cluster."""

BROKERS = 5
ORDERS = "orders"
START_MS = 3500
"""The lab cluster's clock when the lab starts."""

SESSION_TIMEOUT_MS = 9000
QUORUM_TIMEOUT_MS = 2000


def _setup() -> Cluster:
    cluster = Cluster(brokers=BROKERS, seed=SEED)
    cluster.create_topic(ORDERS, partitions=6, replication_factor=3)
    cluster.advance(START_MS)
    return cluster


lab = ReplicatedLab(5, "discovery-kraft-guarantees", "Discovery, KRaft and Kafka's guarantees",
                    _setup)
start = lab.start
progress = lab.progress


# ------------------------------------------------------------------ question 1
DISCOVERY_SCENARIOS: tuple[tuple[int, tuple[int, ...], int], ...] = (
    (21, (), 0),
    (22, (1,), 10_000),
    (23, (2, 4), 10_000),
    (24, (3,), 1000),
    (25, (5, 1), 500),
)
"""Question 1's private clusters: ``(seed, brokers killed, ms advanced after)``."""

BOOTSTRAP_LISTS: tuple[tuple[int, ...], ...] = (
    (1,), (2,), (3, 1), (1, 2, 3), (2, 4, 5), (4, 2), (5, 1, 3), (1, 5), (3, 4, 5, 1, 2),
)


def _expected(private: Cluster, bootstrap: tuple[int, ...], topic: str,
              partition: int) -> tuple[int, int | None] | None:
    """``(answered_by, leader)`` as a client would find them; None if nobody answers."""
    for b in bootstrap:
        try:
            md = private.metadata(via_broker=b)
        except KafkaConnectionError:
            continue
        return md.answered_by, md.topics[topic][partition].leader
    return None


def _discovery_cluster(seed: int, killed: tuple[int, ...], advance_ms: int) -> Cluster:
    private = Cluster(brokers=BROKERS, seed=seed, controller="dedicated")
    private.create_topic("payments", partitions=4, replication_factor=3)
    private.create_topic("audit", partitions=2, replication_factor=2)
    for b in killed:
        private.kill_broker(b)
    private.advance(advance_ms)
    return private


def _call_find_leader(find_leader: Any, private: Cluster, bootstrap: list[int], topic: str,
                      partition: int, what: str, nobody: bool) -> Any:
    try:
        return find_leader(private, bootstrap, topic, partition)
    except NotImplementedError:
        raise NotAttempted(f"`{what}` still raises NotImplementedError: replace the stub "
                           "with your code.") from None
    except KafkaConnectionError as error:
        if nobody:
            return error
        raise Incorrect(f"`{what}` raised KafkaConnectionError ({error.message}), but a "
                        "broker of the bootstrap list is running: skip the brokers that do "
                        "not answer and ask the next.") from None
    except Exception as error:
        raise Incorrect(f"`{what}` raised {type(error).__name__}: {error}") from None


@lab.question(
    "Find a partition's leader from the bootstrap brokers",
    answers=("find_leader",),
    hints=(
        "A client asks the bootstrap brokers for metadata, one after the other, until one "
        "answers: `cluster.metadata(via_broker=b)`. A broker that is down raises "
        "`KafkaConnectionError`: catch it and try the next.",
        "The answer has `answered_by` and `topics[topic][partition].leader`. Return "
        "`(md.answered_by, leader)` for the first broker that answers. If none answers, "
        "let the last `KafkaConnectionError` propagate.",
        "Report what the broker says, even when it names a leader that has just crashed: "
        "until the controller fences that broker, every broker's metadata still names it. "
        "Do not work out the leader yourself from `describe_topic`.",
    ),
)
def q1(cluster: Cluster, find_leader: Any) -> str:
    require_function(find_leader, "find_leader")
    cases = 0
    for seed, killed, advance_ms in DISCOVERY_SCENARIOS:
        private = _discovery_cluster(seed, killed, advance_ms)
        for bootstrap in BOOTSTRAP_LISTS:
            for topic in ("payments", "audit"):
                for partition in range(private.num_partitions(topic)):
                    what = f"find_leader(cluster, {list(bootstrap)}, {topic!r}, {partition})"
                    want = _expected(private, bootstrap, topic, partition)
                    got = _call_find_leader(find_leader, private, list(bootstrap), topic,
                                            partition, what, want is None)
                    cases += 1
                    if want is None:
                        if not isinstance(got, KafkaConnectionError):
                            raise Incorrect(
                                f"`{what}` returned {got!r}, but every broker of that list "
                                f"is down ({', '.join(map(str, bootstrap))}): nobody can "
                                "answer, so let the `KafkaConnectionError` propagate.")
                        continue
                    if not (isinstance(got, tuple | list) and len(got) == 2):
                        raise Incorrect(f"`{what}` returned {got!r}; return a pair "
                                        "`(answered_by, leader)`.")
                    if tuple(got) != want:
                        down = ", ".join(map(str, killed)) or "none"
                        raise Incorrect(
                            f"`{what}` returned {tuple(got)!r}, but a client gets "
                            f"{want!r} (brokers down: {down}; "
                            f"{advance_ms} ms after the crash).")
    return (f"Your client finds the leader as a Kafka client does, in all {cases} cases: "
            "from the first bootstrap broker that answers.")


# ------------------------------------------------------------------ question 2
def _controller_crash(cluster: Cluster) -> tuple[int, int, int | None, int | None,
                                                 int | None]:
    """``(victim, killed_at, new_controller, elected_at, fenced_at)`` for the first crash
    of the active controller; raises NotAttempted/Incorrect when there is none."""
    active: int | None = None
    victim: int | None = None
    killed_at = 0
    new: int | None = None
    elected_at: int | None = None
    fenced_at: int | None = None
    other_kill: tuple[int, int | None] | None = None
    for event in cluster.journal:
        d = event.data
        if event.kind == "cluster_started":
            active = d["controller"]
        elif event.kind == "controller_elected":
            if victim is not None and new is None:
                new, elected_at = d["controller"], event.time_ms
            active = d["controller"]
        elif event.kind == "controller_unavailable":
            active = None
        elif event.kind == "broker_killed" and victim is None:
            if d["broker"] == active:
                victim, killed_at = d["broker"], event.time_ms
            elif other_kill is None:
                other_kill = (d["broker"], active)
        elif (event.kind == "broker_fenced" and victim is not None
              and d["broker"] == victim and fenced_at is None):
            fenced_at = event.time_ms
    if victim is None:
        if other_kill is not None:
            b, was = other_kill
            raise Incorrect(f"you killed broker {b}, but the active controller then was "
                            f"{was}: kill the broker that `cluster.controller_id` names. "
                            "Start again with `cluster = lab05.start()`.")
        raise NotAttempted("the active controller has not crashed yet: find it with "
                           "`cluster.controller_id` and `cluster.kill_broker` it.")
    return victim, killed_at, new, elected_at, fenced_at


@lab.question(
    "Follow the controller through its own crash",
    answers=("new_controller", "fenced_at_ms"),
    hints=(
        "`cluster.controller_id` names the active controller; kill that broker. The "
        "remaining controllers elect a new one after `controller.quorum.fetch.timeout.ms` "
        "(2 s); then `cluster.controller_id` names it.",
        "Advance the clock in steps (`cluster.advance(1000)`) and watch "
        "`cluster.describe_brokers()`: the crashed broker shows `fenced=True` once the new "
        "controller has fenced it. The journal's `broker_fenced` event has the time.",
        "The new controller has never heard from the crashed broker, so it counts the "
        "9 s session (`broker.session.timeout.ms`) from the moment it took over, not from "
        "the crash.",
    ),
)
def q2(cluster: Cluster, new_controller: Any, fenced_at_ms: Any) -> str:
    victim, killed_at, new, elected_at, fenced_at = _controller_crash(cluster)
    if new is None or fenced_at is None:
        waited = cluster.now_ms - killed_at
        raise Incorrect(f"broker {victim}, the active controller, crashed at {killed_at} ms, "
                        f"but it is not fenced yet ({waited} ms later): advance the clock "
                        "until the new controller fences it.")
    problems = []
    if isinstance(new_controller, bool) or not isinstance(new_controller, int):
        problems.append(f"`new_controller` should be a broker id (an int), got "
                        f"{new_controller!r}")
    elif new_controller == victim:
        problems.append(f"`new_controller` is {victim}, the broker that crashed: a crashed "
                        "node cannot lead the quorum")
    elif new_controller != new:
        problems.append(f"`new_controller` is {new_controller}, but that is not the "
                        "controller the quorum elected after the crash: look at "
                        "`cluster.controller_id`")
    if isinstance(fenced_at_ms, bool) or not isinstance(fenced_at_ms, int):
        problems.append(f"`fenced_at_ms` should be a time in ms (an int), got "
                        f"{fenced_at_ms!r}")
    elif fenced_at_ms != fenced_at:
        if fenced_at_ms == killed_at + SESSION_TIMEOUT_MS:
            problems.append(f"`fenced_at_ms` is {fenced_at_ms}, 9 s after the crash, but the "
                            "new controller only started counting when it took over")
        else:
            problems.append(f"`fenced_at_ms` is {fenced_at_ms}, but that is not when "
                            f"broker {victim} was fenced: look for the journal's "
                            "`broker_fenced` event, or `describe_brokers()`")
    if problems:
        raise Incorrect("; ".join(problems) + ".")
    assert elected_at is not None
    return (f"Broker {victim} crashed at {killed_at} ms; broker {new} became the active "
            f"controller at {elected_at} ms ({elected_at - killed_at} ms later) and fenced "
            f"broker {victim} at {fenced_at} ms, {SESSION_TIMEOUT_MS // 1000} s after taking "
            "over. Its partitions then got new leaders from their ISRs.")
