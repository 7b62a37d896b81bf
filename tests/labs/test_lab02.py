"""Lab 02's checkers: the solution passes, the untouched lab is "not attempted", and
known wrong answers (weak settings, the wrong crashes, weak acks) are rejected with the
right message."""

from __future__ import annotations

from typing import Any

import pytest

from engine import Cluster
from engine.labs import Outcome, lab02
from engine.labs.lab02 import q1, q2, q3

from .checks import (
    assert_hint_ladders,
    assert_quick_passes,
    assert_solution_pointers,
    lab_cluster,
    run_generated_lab,
    run_solution,
    verdict,
)

cluster = lab_cluster(lab02)


# ---------------------------------------------------------------- right answers
def create_ledger(cluster: Cluster, rf: int = 5, min_isr: Any = "3",
                  partitions: int = 2) -> None:
    configs = {} if min_isr is None else {"min.insync.replicas": min_isr}
    cluster.create_topic("ledger", partitions=partitions, replication_factor=rf,
                         configs=configs)


def write(cluster: Cluster, values: tuple[str, ...], acks: Any = "all") -> None:
    for value in values:
        cluster.produce("ledger", value=value, acks=acks)


def leader_and_other(cluster: Cluster) -> tuple[int, int]:
    leader = cluster.describe_topic("ledger").partitions[0].leader
    assert leader is not None
    return leader, next(b for b in cluster.brokers if b != leader)


def prove(cluster: Cluster) -> None:
    write(cluster, lab02.LEDGER_ENTRIES)
    for b in leader_and_other(cluster):
        cluster.kill_broker(b)
    cluster.advance(10_000)
    write(cluster, lab02.LATE_ENTRIES)


def predict(replicas: list[int], isr: list[int], leader: int | None,
            crashed: int) -> tuple[int | None, list[int]]:
    remaining = [b for b in isr if b != crashed]
    if not remaining:
        return None, []
    if leader != crashed:
        return leader, remaining
    return next(b for b in replicas if b in remaining), remaining


# ------------------------------------------------------------ the notebooks
def test_the_solution_notebook_passes_every_check() -> None:
    assert run_solution(lab02.lab, "q1", "q2", "q3") == "Lab 02 · 3 of 3 questions passed"


def test_the_generated_lab_says_not_attempted_for_every_question() -> None:
    assert run_generated_lab(lab02.lab, "q1", "q2", "q3") == "Lab 02 · 0 of 3 questions passed"


def test_every_solution_pointer_names_a_heading_of_the_solution_notebook() -> None:
    assert_solution_pointers(lab02.lab)
    assert_hint_ladders(lab02.lab)


def test_checks_answer_well_under_a_second(cluster: Cluster) -> None:
    create_ledger(cluster)
    prove(cluster)
    assert_quick_passes(q1.check, q2.check, lambda: q3.check(predict))


# ------------------------------------------------------------------ question 1
def test_q1_not_attempted_on_a_fresh_cluster(cluster: Cluster) -> None:
    verdict(q1.check(), Outcome.NOT_ATTEMPTED, "there is no topic `ledger`")


@pytest.mark.parametrize(("rf", "min_isr", "message"), [
    (3, "2", "with replication factor 3 and `min.insync.replicas` 2, 2 brokers down leave "
             "1 in-sync replica, fewer than 2: `acks=all` writes would be refused"),
    (5, "2", "with `min.insync.replicas` 2, an `acks=all` write can be acknowledged while "
             "it is on only 2 brokers; if those brokers fail, an acknowledged write is lost"),
    (5, "4", "2 brokers down leave 3 in-sync replicas, fewer than 4"),
    (4, "3", "2 brokers down leave 2 in-sync replicas, fewer than 3"),
])
def test_q1_rejects_settings_that_miss_the_budget(cluster: Cluster, rf: int, min_isr: str,
                                                  message: str) -> None:
    create_ledger(cluster, rf=rf, min_isr=min_isr)
    verdict(q1.check(), Outcome.INCORRECT, message)


def test_q1_says_when_min_insync_replicas_is_left_at_its_default(cluster: Cluster) -> None:
    create_ledger(cluster, min_isr=None)
    verdict(q1.check(), Outcome.INCORRECT, "`min.insync.replicas` is not set on the topic, "
            "so it is the default, 1", "if that broker fails")


def test_q1_names_the_wrong_partition_count(cluster: Cluster) -> None:
    create_ledger(cluster, partitions=3)
    verdict(q1.check(), Outcome.INCORRECT, "`ledger` has 3 partitions, expected 2")


# ------------------------------------------------------------------ question 2
def test_q2_waits_for_question_1(cluster: Cluster) -> None:
    create_ledger(cluster, rf=3, min_isr="2")
    verdict(q2.check(), Outcome.NOT_ATTEMPTED, "make `ledger` pass `q1.check()` first")


def test_q2_not_attempted_before_any_write(cluster: Cluster) -> None:
    create_ledger(cluster)
    verdict(q2.check(), Outcome.NOT_ATTEMPTED, "no write to `ledger` was acknowledged yet")


def test_q2_asks_for_the_crashes(cluster: Cluster) -> None:
    create_ledger(cluster)
    write(cluster, lab02.LEDGER_ENTRIES)
    verdict(q2.check(), Outcome.INCORRECT, "no broker was killed")


def test_q2_rejects_acks_1(cluster: Cluster) -> None:
    create_ledger(cluster)
    write(cluster, lab02.LEDGER_ENTRIES, acks=1)
    verdict(q2.check(), Outcome.INCORRECT, "'entry 0' was acknowledged with acks=1")


def test_q2_rejects_a_single_crash(cluster: Cluster) -> None:
    create_ledger(cluster)
    write(cluster, lab02.LEDGER_ENTRIES)
    leader, _ = leader_and_other(cluster)
    cluster.kill_broker(leader)
    cluster.advance(10_000)
    write(cluster, lab02.LATE_ENTRIES)
    verdict(q2.check(), Outcome.INCORRECT, f"only broker {leader} was killed")


def test_q2_rejects_crashes_that_spare_every_leader(cluster: Cluster) -> None:
    create_ledger(cluster)
    write(cluster, lab02.LEDGER_ENTRIES)
    leaders = {p.leader for p in cluster.describe_topic("ledger").partitions}
    followers = [b for b in cluster.brokers if b not in leaders][:2]
    for b in followers:
        cluster.kill_broker(b)
    cluster.advance(10_000)
    write(cluster, lab02.LATE_ENTRIES)
    verdict(q2.check(), Outcome.INCORRECT, "was leading a `ledger` partition")


def test_q2_rejects_late_entries_written_before_the_crashes(cluster: Cluster) -> None:
    create_ledger(cluster)
    write(cluster, lab02.LEDGER_ENTRIES)
    write(cluster, lab02.LATE_ENTRIES)
    for b in leader_and_other(cluster):
        cluster.kill_broker(b)
    verdict(q2.check(), Outcome.INCORRECT, "'late entry 0' was written while only 0 brokers "
            "were down (none)")


def test_q2_rejects_late_entries_after_a_restart(cluster: Cluster) -> None:
    create_ledger(cluster)
    write(cluster, lab02.LEDGER_ENTRIES)
    leader, other = leader_and_other(cluster)
    cluster.kill_broker(leader)
    cluster.kill_broker(other)
    cluster.advance(10_000)
    cluster.restart_broker(other)
    write(cluster, lab02.LATE_ENTRIES)
    verdict(q2.check(), Outcome.INCORRECT, f"while only 1 broker was down ({leader})")


def test_q2_asks_for_every_late_entry(cluster: Cluster) -> None:
    create_ledger(cluster)
    write(cluster, lab02.LEDGER_ENTRIES)
    for b in leader_and_other(cluster):
        cluster.kill_broker(b)
    cluster.advance(10_000)
    write(cluster, lab02.LATE_ENTRIES[:2])
    verdict(q2.check(), Outcome.INCORRECT, "'late entry 2' of `lab02.LATE_ENTRIES` was "
            "never acknowledged")


def test_q2_passes_and_the_journal_replay_survives_truncation(cluster: Cluster) -> None:
    create_ledger(cluster)
    prove(cluster)
    for b in (1, 2, 3, 4, 5):
        if b not in cluster.live_brokers:
            cluster.restart_broker(b)
    cluster.advance(1000)
    assert q2.check().passed


def test_replay_matches_replicas_after_an_acks_1_loss() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=1, replication_factor=3)
    c.advance(1000)
    for n in range(3):
        c.produce("t", value=f"v{n}", acks=1)
    leader = c.describe_topic("t").partitions[0].leader
    assert leader is not None
    c.kill_broker(leader)
    c.advance(10_000)
    c.produce("t", value="after")
    c.restart_broker(leader)
    c.advance(1000)
    lab02.verify_replicas(c)  # raises if the replay and the replicas disagree


# ------------------------------------------------------------------ question 3
def test_q3_not_attempted_while_the_function_is_a_stub(cluster: Cluster) -> None:
    def stub(replicas: list[int], isr: list[int], leader: int | None, crashed: int) -> Any:
        raise NotImplementedError("return (new_leader, new_isr)")

    verdict(q3.check(stub), Outcome.NOT_ATTEMPTED, "still raises NotImplementedError")


def test_q3_accepts_the_right_rule(cluster: Cluster) -> None:
    verdict(q3.check(predict), Outcome.CORRECT, "match the controller in all")


def test_q3_rejects_a_leader_outside_the_isr(cluster: Cluster) -> None:
    def next_replica(replicas: list[int], isr: list[int], leader: int | None,
                     crashed: int) -> Any:
        remaining = [b for b in isr if b != crashed]
        if leader != crashed:
            return leader, remaining
        return next((b for b in replicas if b != crashed), None), remaining

    verdict(q3.check(next_replica), Outcome.INCORRECT, "but the engine's controller made "
            "broker")


def test_q3_rejects_an_isr_kept_as_kafka_4_0_keeps_it(cluster: Cluster) -> None:
    def keeps(replicas: list[int], isr: list[int], leader: int | None,
              crashed: int) -> Any:
        remaining = [b for b in isr if b != crashed]
        if not remaining:  # Kafka 4.0 without ELR: the last member stays
            return None, list(isr)
        if leader != crashed:
            return leader, remaining
        return next(b for b in replicas if b in remaining), remaining

    verdict(q3.check(keeps), Outcome.INCORRECT, "but the partition has no leader (`None`) "
            "and its ISR is []")


def test_q3_rejects_an_unchanged_isr(cluster: Cluster) -> None:
    verdict(q3.check(lambda r, isr, leader, c: (leader, list(isr))), Outcome.INCORRECT,
            "returned (")


def test_q3_wants_a_pair(cluster: Cluster) -> None:
    verdict(q3.check(lambda r, isr, leader, c: leader), Outcome.INCORRECT,
            "return a pair `(leader, isr)`")
    verdict(q3.check(42), Outcome.INCORRECT, "should be a function")


def test_start_gives_a_fresh_cluster_that_records_acknowledgements() -> None:
    first = lab02.start()
    create_ledger(first)
    second = lab02.start()
    assert second is not first and second.list_topics() == []
    assert second.brokers == (1, 2, 3, 4, 5) and second.controller_id == 0
    assert len(lab02.acknowledged(second)) == 0
    verdict(q1.check(), Outcome.NOT_ATTEMPTED)
    lab02.lab._cluster = None
