"""Lab 05's checkers: the solution passes, the untouched lab is "not attempted", and
known wrong answers (a client that does not skip dead brokers, the wrong crash, the
fencing time counted from the crash) are rejected with the right message."""

from __future__ import annotations

from typing import Any

from engine import Cluster
from engine.errors import KafkaConnectionError
from engine.labs import Outcome, lab05
from engine.labs.lab05 import q1, q2

from .checks import (
    assert_hint_ladders,
    assert_quick_passes,
    assert_solution_pointers,
    lab_cluster,
    run_generated_lab,
    run_solution,
    verdict,
)

cluster = lab_cluster(lab05)


def find_leader(cluster: Cluster, bootstrap: list[int], topic: str,
                partition: int) -> tuple[int, int | None]:
    error: KafkaConnectionError | None = None
    for b in bootstrap:
        try:
            md = cluster.metadata(via_broker=b)
        except KafkaConnectionError as e:
            error = e
            continue
        return md.answered_by, md.topics[topic][partition].leader
    assert error is not None
    raise error


def crash_controller(cluster: Cluster, wait_ms: int = 20_000) -> tuple[int, int]:
    """Kill the active controller and wait; ``(new_controller, fenced_at_ms)``."""
    victim = cluster.controller_id
    assert victim is not None
    cluster.kill_broker(victim)
    cluster.advance(wait_ms)
    fenced = [e.time_ms for e in cluster.journal
              if e.kind == "broker_fenced" and e.data["broker"] == victim]
    assert cluster.controller_id is not None
    return cluster.controller_id, fenced[0] if fenced else -1


# ------------------------------------------------------------ the notebooks
def test_the_solution_notebook_passes_every_check() -> None:
    assert run_solution(lab05.lab, "q1", "q2") == "Lab 05 · 2 of 2 questions passed"


def test_the_generated_lab_says_not_attempted_for_every_question() -> None:
    assert run_generated_lab(lab05.lab, "q1", "q2") == "Lab 05 · 0 of 2 questions passed"


def test_every_solution_pointer_names_a_heading_of_the_solution_notebook() -> None:
    assert_solution_pointers(lab05.lab)
    assert_hint_ladders(lab05.lab)


def test_checks_answer_well_under_a_second(cluster: Cluster) -> None:
    new, fenced = crash_controller(cluster)
    assert_quick_passes(lambda: q1.check(find_leader), lambda: q2.check(new, fenced))


def test_start_gives_the_lab_cluster() -> None:
    cluster = lab05.start()
    assert cluster.brokers == (1, 2, 3, 4, 5)
    assert cluster.list_topics() == ["orders"]
    assert cluster.now_ms == lab05.START_MS
    assert cluster.controller_id == 1
    lab05.lab._cluster = None


# ------------------------------------------------------------------ question 1
def test_q1_not_attempted_while_the_function_is_a_stub(cluster: Cluster) -> None:
    def stub(cluster: Cluster, bootstrap: list[int], topic: str, partition: int) -> Any:
        raise NotImplementedError("ask the bootstrap brokers in order")

    verdict(q1.check(stub), Outcome.NOT_ATTEMPTED, "still raises NotImplementedError")


def test_q1_accepts_a_client_that_skips_dead_brokers(cluster: Cluster) -> None:
    verdict(q1.check(find_leader), Outcome.CORRECT, "in all 270 cases")


def test_q1_rejects_a_client_that_gives_up_at_the_first_dead_broker(cluster: Cluster) -> None:
    def first_only(cluster: Cluster, bootstrap: list[int], topic: str, partition: int) -> Any:
        md = cluster.metadata(via_broker=bootstrap[0])
        return md.answered_by, md.topics[topic][partition].leader

    verdict(q1.check(first_only), Outcome.INCORRECT,
            "`find_leader(cluster, [1, 2, 3], 'payments', 0)` raised KafkaConnectionError",
            "skip the brokers that do not answer")


def test_q1_rejects_a_client_that_asks_any_broker(cluster: Cluster) -> None:
    def anyone(cluster: Cluster, bootstrap: list[int], topic: str, partition: int) -> Any:
        md = cluster.metadata()
        return md.answered_by, md.topics[topic][partition].leader

    verdict(q1.check(anyone), Outcome.INCORRECT,
            "`find_leader(cluster, [2], 'payments', 0)` returned (1, ",
            "but a client gets (2, ")


def test_q1_rejects_an_answer_when_every_bootstrap_broker_is_down(cluster: Cluster) -> None:
    def invents(cluster: Cluster, bootstrap: list[int], topic: str, partition: int) -> Any:
        try:
            return find_leader(cluster, bootstrap, topic, partition)
        except KafkaConnectionError:
            return None, None

    verdict(q1.check(invents), Outcome.INCORRECT, "returned (None, None), but every broker "
            "of that list is down (1)")


def test_q1_rejects_a_leader_worked_out_from_the_live_replicas(cluster: Cluster) -> None:
    def live_replica(cluster: Cluster, bootstrap: list[int], topic: str,
                     partition: int) -> Any:
        answered_by, _ = find_leader(cluster, bootstrap, topic, partition)
        p = cluster.describe_topic(topic).partitions[partition]
        return answered_by, next(b for b in p.replicas if b in cluster.live_brokers)

    verdict(q1.check(live_replica), Outcome.INCORRECT, "ms after the crash)")


def test_q1_wants_a_pair(cluster: Cluster) -> None:
    verdict(q1.check(lambda c, b, t, p: find_leader(c, b, t, p)[1]), Outcome.INCORRECT,
            "return a pair `(answered_by, leader)`")
    verdict(q1.check("find_leader"), Outcome.INCORRECT, "should be a function")


# ------------------------------------------------------------------ question 2
def test_q2_not_attempted_before_the_crash(cluster: Cluster) -> None:
    verdict(q2.check(None, None), Outcome.NOT_ATTEMPTED,
            "the active controller has not crashed yet")


def test_q2_accepts_the_journal_values(cluster: Cluster) -> None:
    new, fenced = crash_controller(cluster)
    assert (new, fenced) == (2, 14_500)
    verdict(q2.check(new, fenced), Outcome.CORRECT, "fenced broker 1 at 14500 ms")


def test_q2_rejects_the_crash_of_another_broker(cluster: Cluster) -> None:
    cluster.kill_broker(3)
    cluster.advance(20_000)
    verdict(q2.check(1, 12_500), Outcome.INCORRECT, "you killed broker 3, but the active "
            "controller then was 1")


def test_q2_asks_to_wait_for_the_fencing(cluster: Cluster) -> None:
    crash_controller(cluster, wait_ms=9000)
    verdict(q2.check(2, 12_500), Outcome.INCORRECT, "it is not fenced yet (9000 ms later)")


def test_q2_explains_a_fencing_time_counted_from_the_crash(cluster: Cluster) -> None:
    new, _ = crash_controller(cluster)
    verdict(q2.check(new, lab05.START_MS + 9000), Outcome.INCORRECT,
            "9 s after the crash, but the new controller only started counting when it "
            "took over")


def test_q2_rejects_the_crashed_broker_as_new_controller(cluster: Cluster) -> None:
    _, fenced = crash_controller(cluster)
    verdict(q2.check(1, fenced), Outcome.INCORRECT, "`new_controller` is 1, the broker that "
            "crashed")
    verdict(q2.check(4, fenced), Outcome.INCORRECT, "`new_controller` is 4, but that is not "
            "the controller the quorum elected")
    verdict(q2.check("2", fenced), Outcome.INCORRECT, "should be a broker id (an int)")


def test_q2_rejects_another_time(cluster: Cluster) -> None:
    new, _ = crash_controller(cluster)
    verdict(q2.check(new, 23_500), Outcome.INCORRECT, "`fenced_at_ms` is 23500, but that is "
            "not when broker 1 was fenced")
