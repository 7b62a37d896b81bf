"""Lab 03's checkers: the solution passes, the untouched lab is "not attempted", and known
wrong answers (the default strategy, wrong predictions, built-in assignors passed off as
the new one) are rejected with the right message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from engine import Cluster
from engine.assignors import (
    AbstractPartitionAssignor,
    Subscription,
    TopicPartition,
    get,
    sorted_members,
)
from engine.labs import Outcome, lab03
from engine.labs.lab03 import q1, q2

from .checks import (
    assert_hint_ladders,
    assert_quick_passes,
    assert_solution_pointers,
    lab_cluster,
    run_generated_lab,
    run_solution,
    verdict,
)

ROUNDROBIN_PREDICTION = {
    "a": [("clicks", 0), ("clicks", 2), ("views", 1)],
    "b": [("clicks", 1), ("views", 0), ("views", 2)],
}


cluster = lab_cluster(lab03)


def run_group(cluster: Cluster, group: str, topics: tuple[str, ...], members: tuple[str, ...],
              strategy: list[Any], rounds: int = 4) -> list[Any]:
    consumers = [cluster.consumer(*topics, group_id=group, group_instance_id=m,
                                  partition_assignment_strategy=strategy) for m in members]
    for _ in range(rounds):
        for consumer in consumers:
            consumer.poll(1000)
    return consumers


def analytics(cluster: Cluster, strategy: list[Any], **kw: Any) -> list[Any]:
    return run_group(cluster, "analytics", ("clicks", "views"), ("a", "b"), strategy, **kw)


def billing(cluster: Cluster, assignor: Any) -> list[Any]:
    return run_group(cluster, "billing", ("orders", "refunds"), ("c1", "c2", "c3"), [assignor])


def assignor_class(function: Any, name: str = "balanced-range") -> type:
    class Learner(AbstractPartitionAssignor):
        def assign_partitions(self, partitions_per_topic: dict[str, int],
                              subscriptions: Mapping[str, Subscription]) -> Any:
            return function(partitions_per_topic, subscriptions)

    Learner.name = name
    return Learner


Balanced = assignor_class(lab03.balanced_range)


# ------------------------------------------------------------ the notebooks
def test_the_solution_notebook_passes_every_check() -> None:
    assert run_solution(lab03.lab, "q1", "q2") == "Lab 03 · 2 of 2 questions passed"


def test_the_generated_lab_is_not_attempted_and_does_not_crash() -> None:
    assert run_generated_lab(lab03.lab, "q1", "q2") == "Lab 03 · 0 of 2 questions passed"


def test_every_solution_pointer_names_a_heading_of_the_solution_notebook() -> None:
    assert_solution_pointers(lab03.lab)
    assert_hint_ladders(lab03.lab)


def test_checks_answer_well_under_a_second(cluster: Cluster) -> None:
    analytics(cluster, ["roundrobin"])
    billing(cluster, Balanced())
    assert_quick_passes(lambda: q1.check(ROUNDROBIN_PREDICTION), lambda: q2.check(Balanced))


# ------------------------------------------------------------------ question 1
def test_q1_not_attempted_without_a_prediction_or_a_group(cluster: Cluster) -> None:
    verdict(q1.check(None), Outcome.NOT_ATTEMPTED, "`prediction` is still None")
    verdict(q1.check(ROUNDROBIN_PREDICTION), Outcome.NOT_ATTEMPTED, "no group `analytics`")


@pytest.mark.parametrize("strategy", [["roundrobin"], ["sticky"], ["cooperative-sticky"]])
def test_q1_accepts_every_balancing_strategy(cluster: Cluster, strategy: list[str]) -> None:
    analytics(cluster, strategy)
    assert q1.check(ROUNDROBIN_PREDICTION).passed


def test_q1_rejects_kafkas_default_which_uses_range(cluster: Cluster) -> None:
    analytics(cluster, ["range", "cooperative-sticky"])
    verdict(q1.check(ROUNDROBIN_PREDICTION), Outcome.INCORRECT,
            "`a` owns 4 partitions and `b` owns 2 partitions: the group uses `range`")


def test_q1_rejects_a_wrong_prediction(cluster: Cluster) -> None:
    analytics(cluster, ["roundrobin"])
    swapped = {"a": ROUNDROBIN_PREDICTION["b"], "b": ROUNDROBIN_PREDICTION["a"]}
    verdict(q1.check(swapped), Outcome.INCORRECT,
            "you predicted clicks-1, views-0, views-2 for `a`, but the coordinator gave it "
            "clicks-0, clicks-2, views-1")
    verdict(q1.check({"a": ROUNDROBIN_PREDICTION["a"]}), Outcome.INCORRECT,
            "no entry for member 'b'")
    verdict(q1.check({"a": "clicks-0", "b": []}), Outcome.INCORRECT,
            "should be a list of (topic, partition) pairs")


def test_q1_rejects_dynamic_members(cluster: Cluster) -> None:
    consumers = [cluster.consumer("clicks", "views", group_id="analytics",
                                  partition_assignment_strategy=["roundrobin"])
                 for _ in range(2)]
    for _ in range(4):
        for consumer in consumers:
            consumer.poll(1000)
    verdict(q1.check(ROUNDROBIN_PREDICTION), Outcome.INCORRECT,
            "has the members None, None", "`group_instance_id`")


def test_q1_rejects_a_group_on_one_topic(cluster: Cluster) -> None:
    run_group(cluster, "analytics", ("clicks",), ("a", "b"), ["roundrobin"])
    verdict(q1.check(ROUNDROBIN_PREDICTION), Outcome.INCORRECT,
            "nobody owns views-0, views-1, views-2")


def test_q1_rejects_a_group_still_rebalancing(cluster: Cluster) -> None:
    analytics(cluster, ["roundrobin"], rounds=1)
    verdict(q1.check(ROUNDROBIN_PREDICTION), Outcome.INCORRECT, "not Stable")


# ------------------------------------------------------------------ question 2
def test_q2_not_attempted_while_the_assignor_is_a_stub(cluster: Cluster) -> None:
    def stub(partitions_per_topic: Any, subscriptions: Any) -> Any:
        raise NotImplementedError("return each member's partitions")

    verdict(q2.check(assignor_class(stub)), Outcome.NOT_ATTEMPTED,
            "still raises NotImplementedError")


def test_q2_asks_to_run_the_billing_group(cluster: Cluster) -> None:
    verdict(q2.check(Balanced), Outcome.NOT_ATTEMPTED, "Now run it")


def test_q2_rejects_kafkas_range_under_a_new_name(cluster: Cluster) -> None:
    fake = assignor_class(lambda ppt, subs: get("range").assign(ppt, subs))
    verdict(q2.check(fake), Outcome.INCORRECT,
            "in a hidden group (topics x (7), y (2), z (4); members m1 on x+y+z",
            "the coordinator ran your assignor and `m1` got x-0, x-1, x-2, y-0, z-0, z-1; "
            "expected x-0, x-1, x-2, z-0, z-1")


def test_q2_rejects_roundrobin_under_a_new_name(cluster: Cluster) -> None:
    fake = assignor_class(lambda ppt, subs: get("roundrobin").assign(ppt, subs))
    verdict(q2.check(fake), Outcome.INCORRECT, "`m1` got x-0, x-3, x-6")


def test_q2_rejects_ties_broken_towards_the_later_member(cluster: Cluster) -> None:
    def later_wins(ppt: Any, subs: Any) -> Any:
        members = sorted_members(subs)
        result: dict[str, list[TopicPartition]] = {m: [] for m in members}
        for topic in sorted(ppt):
            readers = [m for m in members if topic in subs[m].topics]
            share, extra = divmod(ppt[topic], len(readers))
            lucky = set(sorted(readers, key=lambda m: (len(result[m]),
                                                       -readers.index(m)))[:extra])
            start = 0
            for m in readers:
                count = share + (m in lucky)
                result[m] += [TopicPartition(topic, p) for p in range(start, start + count)]
                start += count
        return result

    verdict(q2.check(assignor_class(later_wins)), Outcome.INCORRECT,
            "in a hidden group (topics x (7), y (2), z (4)", "`m1` got x-0, x-1, y-0, z-0")


def test_q2_rejects_an_assignor_hard_coded_for_billing(cluster: Cluster) -> None:
    answer = lab03.balanced_range(
        lab03.Q2_TOPICS, {m: Subscription(tuple(lab03.Q2_TOPICS), group_instance_id=m)
                          for m in ("c1", "c2", "c3")})

    def hard_coded(ppt: Any, subs: Any) -> Any:
        return {m: answer[subs[m].group_instance_id] for m in subs}

    verdict(q2.check(assignor_class(hard_coded)), Outcome.INCORRECT,
            "your assignor raised KeyError when the group leader ran it")


def test_q2_wants_the_name(cluster: Cluster) -> None:
    verdict(q2.check(assignor_class(lab03.balanced_range, name="mine")), Outcome.INCORRECT,
            "the assignor's `name` is 'mine'; call it 'balanced-range'")
    verdict(q2.check(42), Outcome.INCORRECT, "needs a method `assign")


def test_q2_rejects_billing_run_with_another_strategy(cluster: Cluster) -> None:
    billing(cluster, "range")
    verdict(q2.check(Balanced), Outcome.INCORRECT, "the group `billing` uses `range`")


def test_q2_rejects_billing_on_one_topic(cluster: Cluster) -> None:
    run_group(cluster, "billing", ("orders",), ("c1", "c2", "c3"), [Balanced()])
    verdict(q2.check(Balanced), Outcome.INCORRECT, "in the group `billing`, `c1` owns "
            "orders-0, orders-1; expected orders-0, orders-1, refunds-0")


def test_q2_passes_with_an_instance(cluster: Cluster) -> None:
    billing(cluster, Balanced())
    assert q2.check(Balanced()).passed


def test_reference_assignor_gives_every_partition_exactly_once() -> None:
    for case in lab03.HIDDEN_CASES:
        subs = {f"{i}": Subscription(t, group_instance_id=inst)
                for i, (inst, t) in enumerate(case.members)}
        plan = lab03.balanced_range(case.topics, subs)
        owned = sorted(tp for tps in plan.values() for tp in tps)
        subscribed = {t for _, topics in case.members for t in topics}
        assert owned == sorted(TopicPartition(t, p) for t, n in case.topics.items()
                               if t in subscribed for p in range(n))
