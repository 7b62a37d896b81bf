"""Lab 03 · Consumers and consumer groups: the checks behind ``labs/03-...ipynb``.

The lab's notebook starts with ``cluster = lab03.start()``: a seeded three-broker cluster
with the topics ``clicks`` and ``views`` (3 partitions each), ``orders`` (5) and
``refunds`` (4). The questions:

1. run a group ``analytics`` of two static members on ``clicks`` and ``views`` with an
   assignment strategy that gives each member the same number of partitions, and
   predict the assignment; graded on the group coordinator's state;
2. write ``BalancedRangeAssignor`` (contiguous ranges per topic, the extra partitions
   to the members that have the fewest so far), checked by running the engine's group
   coordinator with it on hidden groups, then on the group ``billing`` of the lab.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from engine.assignors import Subscription, TopicPartition, sorted_members
from engine.core.cluster import Cluster
from engine.group.admin import GroupDescription
from engine.labs.lab import Lab
from engine.labs.question import Incorrect, NotAttempted, call_learner
from engine.labs.state import plural

SEED = 3
"""The lab cluster's seed: every learner sees the same cluster."""

Q1_GROUP = "analytics"
Q1_TOPICS = {"clicks": 3, "views": 3}
Q1_MEMBERS = ("a", "b")

Q2_GROUP = "billing"
Q2_TOPICS = {"orders": 5, "refunds": 4}
Q2_MEMBERS = ("c1", "c2", "c3")
ASSIGNOR_NAME = "balanced-range"


def _setup() -> Cluster:
    cluster = Cluster(brokers=3, seed=SEED)
    for topic, partitions in (Q1_TOPICS | Q2_TOPICS).items():
        cluster.create_topic(topic, partitions=partitions, replication_factor=1)
    return cluster


lab = Lab(3, "consumers-and-groups", "Consumers and consumer groups", _setup)
start = lab.start
progress = lab.progress


def names(partitions: Sequence[tuple[str, int]]) -> str:
    """``"clicks-0, views-2"`` (or ``"nothing"``)."""
    return ", ".join(f"{t}-{p}" for t, p in partitions) or "nothing"


def _group(cluster: Cluster, group_id: str, missing: str) -> GroupDescription:
    described = cluster.groups.peek_group(group_id)
    if described is None or described.state == "Dead":
        raise NotAttempted(missing)
    if described.state != "Stable":
        raise Incorrect(f"the group `{group_id}` is {described.state}, not Stable: keep "
                        "calling `poll()` on every member until the rebalance completes "
                        "(a few rounds of `poll(1000)` each).")
    return described


def _by_instance(described: GroupDescription, expected: Sequence[str]
                 ) -> dict[str, list[TopicPartition]]:
    members = {m.group_instance_id: sorted(m.assignment) for m in described.members}
    instances = [m.group_instance_id for m in described.members]
    if sorted(instances, key=str) != sorted(expected):
        shown = ", ".join(repr(i) for i in sorted(instances, key=str))
        raise Incorrect(f"the group `{described.group_id}` has the members {shown} "
                        f"(by `group_instance_id`); expected "
                        + ", ".join(repr(i) for i in expected)
                        + ". Give each consumer its `group_instance_id` and close any other.")
    return {str(k): v for k, v in members.items()}


# ------------------------------------------------------------------ question 1
@lab.question(
    "Choose a strategy and predict the assignment",
    answers=("prediction",),
    hints=(
        "With the default strategy list `[range, cooperative-sticky]` the group uses "
        "`range`, which works topic by topic: with 3 partitions for 2 members, the first "
        "member gets 2 of each topic. Which assignors balance the total instead?",
        "Pass `partition_assignment_strategy=[\"roundrobin\"]` (or `\"sticky\"`, or "
        "`\"cooperative-sticky\"`) to both consumers, with `group_instance_id=\"a\"` and "
        "`\"b\"`. Static members are sorted by instance id, so `a` comes first.",
        "Roundrobin lists every partition, sorted by topic then number (`clicks-0`, "
        "`clicks-1`, ..., `views-2`), and deals them to `a`, `b`, `a`, `b`, ... You can "
        "also ask the assignor itself: `assignors.get(\"roundrobin\").assign(...)` as in "
        "the lesson.",
    ),
)
def q1(cluster: Cluster, prediction: Any) -> str:
    if prediction is None or prediction is Ellipsis:
        raise NotAttempted("`prediction` is still None: choose a strategy and write what "
                           "you expect, `{\"a\": [(\"clicks\", 0), ...], \"b\": [...]}`.")
    described = _group(cluster, Q1_GROUP, "there is no group `analytics` yet: start its two "
                       "consumers and poll them.")
    actual = _by_instance(described, Q1_MEMBERS)
    every = sorted(TopicPartition(t, p) for t, n in Q1_TOPICS.items() for p in range(n))
    owned = sorted(tp for tps in actual.values() for tp in tps)
    if owned != every:
        missing = sorted(set(every) - set(owned))
        raise Incorrect(f"the members own {names(owned)}; nobody owns {names(missing)}. "
                        "Subscribe both consumers to both `clicks` and `views`.")
    counts = {member: len(tps) for member, tps in actual.items()}
    if len(set(counts.values())) != 1:
        shares = " and ".join(f"`{m}` owns {plural(counts[m], 'partition')}"
                              for m in Q1_MEMBERS)
        raise Incorrect(f"{shares}: the group uses `{described.protocol}`, which does not "
                        "balance the total here. Choose a strategy that does, then start again "
                        "from `cluster = lab03.start()`.")
    _check_prediction(prediction, actual)
    shown = "; ".join(f"{m} → {names(actual[m])}" for m in Q1_MEMBERS)
    return (f"The group uses `{described.protocol}` and each member owns 3 partitions, as "
            f"you predicted: {shown}.")


def _check_prediction(prediction: Any, actual: Mapping[str, list[TopicPartition]]) -> None:
    if not isinstance(prediction, Mapping):
        raise Incorrect(f"`prediction` should be a dict from instance id to a list of "
                        f"(topic, partition) pairs, got {type(prediction).__name__}.")
    for member in sorted(actual):
        if member not in prediction:
            raise Incorrect(f"`prediction` has no entry for member {member!r}.")
        try:
            predicted = sorted(TopicPartition(str(t), int(p)) for t, p in prediction[member])
        except (TypeError, ValueError):
            raise Incorrect(f"`prediction[{member!r}]` should be a list of (topic, "
                            f"partition) pairs, got {prediction[member]!r}.") from None
        if predicted != actual[member]:
            raise Incorrect(f"you predicted {names(predicted)} for `{member}`, but the "
                            f"coordinator gave it {names(actual[member])}.")


# ------------------------------------------------------------------ question 2
def balanced_range(partitions_per_topic: Mapping[str, int],
                   subscriptions: Mapping[str, Subscription]) -> dict[str, list[TopicPartition]]:
    """The reference answer of question 2 (see the module docstring)."""
    members = sorted_members(subscriptions)
    result: dict[str, list[TopicPartition]] = {m: [] for m in members}
    for topic in sorted(partitions_per_topic):
        readers = [m for m in members if topic in subscriptions[m].topics]
        if not readers:
            continue
        base, extra = divmod(partitions_per_topic[topic], len(readers))
        fewest = sorted(readers, key=lambda m: (len(result[m]), readers.index(m)))
        lucky = set(fewest[:extra])
        start = 0
        for member in readers:
            count = base + (member in lucky)
            result[member].extend(TopicPartition(topic, p) for p in range(start, start + count))
            start += count
    return result


class Case(NamedTuple):
    """A hidden group: topics with partition counts; members (instance id or None, topics)."""

    topics: dict[str, int]
    members: tuple[tuple[str | None, tuple[str, ...]], ...]

    def describe(self) -> str:
        topics = ", ".join(f"{t} ({n})" for t, n in self.topics.items())
        members = ", ".join(
            f"{instance or 'a dynamic member'} on {'+'.join(subscribed)}"
            for instance, subscribed in self.members)
        return f"topics {topics}; members {members}"


HIDDEN_CASES = (
    Case({"x": 7, "y": 2, "z": 4},
         (("m1", ("x", "y", "z")), ("m2", ("x", "y", "z")), ("m3", ("x", "y", "z")))),
    Case({"t1": 3, "t2": 2}, (("m1", ("t1",)), ("m2", ("t1", "t2")), ("m3", ("t1",)))),
    Case({"p": 5, "q": 5, "r": 1},
         (("s1", ("p", "q", "r")), (None, ("p", "q", "r")), (None, ("p", "q")))),
    Case({"few": 2}, (("m1", ("few",)), ("m2", ("few",)), ("m3", ("few",)),
                      ("m4", ("few",)))),
    Case({"alpha": 4, "beta": 3, "gamma": 2, "delta": 5},
         (("m2", ("alpha", "beta", "gamma", "delta")),
          ("m1", ("alpha", "beta", "gamma", "delta")))),
)
"""Groups the checker runs with the learner's assignor; the notebook shows none of them."""


def _instantiate(assignor: Any) -> Any:
    if isinstance(assignor, type):
        assignor = call_learner(assignor, what=f"{assignor.__name__}()")
    if not callable(getattr(assignor, "assign", None)):
        raise Incorrect("an assignor needs a method `assign(partitions_per_topic, "
                        "subscriptions)`; subclass `AbstractPartitionAssignor`.")
    if getattr(assignor, "name", None) != ASSIGNOR_NAME:
        raise Incorrect(f"the assignor's `name` is {getattr(assignor, 'name', None)!r}; "
                        f"call it {ASSIGNOR_NAME!r}.")
    return assignor


def _drive(consumers: list[Any], rounds: int = 8) -> None:
    for _ in range(rounds):
        for consumer in consumers:
            consumer.poll(1000)


def _run_case(assignor: Any, case: Case) -> None:
    """Run a private group with the learner's assignor; raise if it differs from the reference."""
    private = Cluster(brokers=1, seed=SEED)
    for topic, n in case.topics.items():
        private.create_topic(topic, partitions=n)
    consumers = [
        private.consumer(*subscribed, group_id="hidden", group_instance_id=instance,
                         client_id=instance or f"dynamic-{i}",
                         partition_assignment_strategy=[assignor])
        for i, (instance, subscribed) in enumerate(case.members)]
    try:
        _drive(consumers)
    except NotImplementedError:
        raise NotAttempted("`assign_partitions` still raises NotImplementedError: replace "
                           "the stub with your code.") from None
    except Exception as error:
        raise Incorrect(f"in a hidden group ({case.describe()}), your assignor raised "
                        f"{type(error).__name__} when the group leader ran it: {error}") \
            from None
    subscriptions = {c.member_id: Subscription(subscribed, group_instance_id=instance)
                     for c, (instance, subscribed) in zip(consumers, case.members, strict=True)}
    expected = balanced_range(case.topics, subscriptions)
    described = private.groups.describe_group("hidden")
    if described.state != "Stable":
        raise Incorrect(f"in a hidden group ({case.describe()}), the group never became "
                        f"stable with your assignor (it is {described.state}).")
    got = {m.member_id: sorted(m.assignment) for m in described.members}
    for consumer, (instance, _) in zip(consumers, case.members, strict=True):
        mine, want = got.get(consumer.member_id, []), sorted(expected[consumer.member_id])
        if mine != want:
            who = f"`{instance}`" if instance else f"the dynamic member `{consumer.member_id}`"
            raise Incorrect(f"in a hidden group ({case.describe()}), the coordinator ran "
                            f"your assignor and {who} got {names(mine)}; expected "
                            f"{names(want)}.")


@lab.question(
    "Write an assignor of your own",
    answers=("BalancedRangeAssignor",),
    hints=(
        "Go through the topics in sorted order. For each, take the members that subscribe "
        "to it, in Kafka's member order (`sorted_members(subscriptions)`, then keep those "
        "whose `subscriptions[m].topics` has the topic). `divmod(partitions, len(readers))` "
        "gives each one's share and the number of extra partitions.",
        "The extras go to the readers with the fewest partitions so far (over all topics "
        "before this one), ties to the earlier member: `sorted(readers, key=lambda m: "
        "(len(result[m]), readers.index(m)))[:extra]`. Then lay the ranges out in member "
        "order: the first reader gets partitions 0.., the next one continues, and so on.",
        "Then start three consumers with `group_id=\"billing\"`, `group_instance_id` `c1`, "
        "`c2`, `c3`, subscribed to `orders` and `refunds`, each with "
        "`partition_assignment_strategy=[BalancedRangeAssignor()]`, and poll them a few "
        "rounds.",
    ),
)
def q2(cluster: Cluster, assignor_class: Any) -> str:
    assignor = _instantiate(assignor_class)
    for case in HIDDEN_CASES:
        _run_case(assignor, case)
    described = _group(cluster, Q2_GROUP, "your assignor gives the expected assignment in "
                       "every hidden group. Now run it: start the group `billing` of the "
                       "lab's cluster with it.")
    if described.protocol != ASSIGNOR_NAME:
        raise Incorrect(f"the group `billing` uses `{described.protocol}`; give its "
                        "consumers `partition_assignment_strategy=[BalancedRangeAssignor()]`.")
    actual = _by_instance(described, Q2_MEMBERS)
    subscriptions = {m: Subscription(tuple(Q2_TOPICS), group_instance_id=m) for m in Q2_MEMBERS}
    expected = balanced_range(Q2_TOPICS, subscriptions)
    for member in Q2_MEMBERS:
        if actual[member] != sorted(expected[member]):
            raise Incorrect(f"in the group `billing`, `{member}` owns {names(actual[member])}; "
                            f"expected {names(sorted(expected[member]))}. Subscribe every "
                            "member to both `orders` and `refunds`.")
    shown = "; ".join(f"{m} → {names(actual[m])}" for m in Q2_MEMBERS)
    return (f"The coordinator ran your assignor on {len(HIDDEN_CASES)} hidden groups and on "
            f"`billing`: {shown}. Three partitions each, where `range` gives 4, 3 and 2.")


__all__ = [
    "ASSIGNOR_NAME",
    "HIDDEN_CASES",
    "Q1_TOPICS",
    "Q2_TOPICS",
    "balanced_range",
    "lab",
    "names",
    "progress",
    "q1",
    "q2",
    "start",
]
