"""Lab 01's checkers, learntools style: the solution passes, the untouched lab is "not
attempted", and known wrong answers (and cheats) are rejected with the right message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from engine import Cluster, partition_for_key
from engine.labs import Outcome, lab01
from engine.labs.lab01 import q1, q2, q3, q4

from .checks import (
    assert_hint_ladders,
    assert_quick_passes,
    assert_solution_pointers,
    lab_cluster,
    run_generated_lab,
    run_solution,
    verdict,
)

cluster = lab_cluster(lab01)


# ---------------------------------------------------------------- right answers
def create_payments(cluster: Cluster, **overrides: Any) -> None:
    name = overrides.pop("name", "payments")
    spec: dict[str, Any] = {"partitions": 6, "replication_factor": 3,
                            "configs": {"retention.ms": 259200000}}
    spec.update(overrides)
    cluster.create_topic(name, **spec)


def predict(key: str, n: int) -> int:
    return partition_for_key(key.encode(), n)


def produce_customers(cluster: Cluster, **extra: Any) -> None:
    for customer in lab01.CUSTOMERS:
        cluster.produce("payments", value="x", key=customer, **extra)


def produce_accounts(cluster: Cluster, events: Any = None, **extra: Any) -> None:
    if events is None:
        events = sorted(lab01.ACCOUNT_EVENTS, key=lambda e: e[1])
    for account, _, action in events:
        cluster.produce("account-events", value=action, key=account, **extra)


class RegionPartitioner:
    def partition(self, topic: str, key: bytes | None, value: bytes | None, n: int) -> int:
        if key is None or b":" not in key:
            return lab01.OTHER_PARTITION
        return lab01.REGION_PARTITIONS.get(key.decode().split(":", 1)[0],
                                           lab01.OTHER_PARTITION)


def produce_orders(cluster: Cluster, partitioner: Any = None, orders: Any = None,
                   **extra: Any) -> None:
    for key, value in orders or lab01.REGION_ORDERS:
        cluster.produce("orders-by-region", value=value, key=key,
                        partitioner=partitioner or RegionPartitioner(), **extra)


# ------------------------------------------------------------ the notebooks
def test_the_solution_notebook_passes_every_check() -> None:
    assert run_solution(lab01.lab, "q1", "q2", "q3", "q4") == "Lab 01 · 4 of 4 questions passed"


def test_the_generated_lab_says_not_attempted_for_every_question() -> None:
    title = run_generated_lab(lab01.lab, "q1", "q2", "q3", "q4")
    assert title == "Lab 01 · 0 of 4 questions passed"


def test_every_solution_pointer_names_a_heading_of_the_solution_notebook() -> None:
    assert_solution_pointers(lab01.lab)
    for q in lab01.lab.questions:
        assert "create_topic" not in q.solution().message


def test_questions_have_a_ladder_of_at_least_two_hints() -> None:
    assert_hint_ladders(lab01.lab)


def test_checks_answer_well_under_a_second(cluster: Cluster) -> None:
    create_payments(cluster)
    produce_customers(cluster)
    produce_accounts(cluster)
    produce_orders(cluster)
    assert_quick_passes(q1.check, lambda: q2.check(predict), q3.check,
                        lambda: q4.check(RegionPartitioner))


# ------------------------------------------------------------------ question 1
def test_q1_not_attempted_before_start_and_on_a_fresh_cluster() -> None:
    lab01.lab._cluster = None
    verdict(q1.check(), Outcome.NOT_ATTEMPTED, "lab01.start()")
    lab01.start()
    verdict(q1.check(), Outcome.NOT_ATTEMPTED, "there is no topic `payments`")


@pytest.mark.parametrize(("spec", "message"), [
    ({"partitions": 3}, "`payments` has 3 partitions, expected 6"),
    ({"replication_factor": 1}, "replication factor is 1, expected 3"),
    ({"configs": None}, "keeps the default 604800000 (7 days); expected 259200000 (3 days)"),
    ({"configs": {"retention.ms": 259200}},
     "`retention.ms` is 259200 (259.2 seconds), expected 259200000 (3 days)"),
    ({"configs": {"retention.ms": 259200000, "cleanup.policy": "compact"}},
     "also overrides `cleanup.policy`"),
])
def test_q1_rejects_a_topic_off_spec(cluster: Cluster, spec: dict[str, Any],
                                     message: str) -> None:
    create_payments(cluster, **spec)
    verdict(q1.check(), Outcome.INCORRECT, message)


def test_q1_names_every_difference_at_once(cluster: Cluster) -> None:
    cluster.create_topic("payments", partitions=2)
    verdict(q1.check(), Outcome.INCORRECT, "has 2 partitions, expected 6",
            "replication factor is 1, expected 3", "`retention.ms` is not set")


def test_q1_points_at_a_misspelt_topic(cluster: Cluster) -> None:
    create_payments(cluster, name="Payments")
    verdict(q1.check(), Outcome.INCORRECT, "there is `Payments`")


def test_q1_ignores_a_topic_made_on_another_cluster(cluster: Cluster) -> None:
    create_payments(Cluster(brokers=3, seed=lab01.SEED))
    verdict(q1.check(), Outcome.NOT_ATTEMPTED, "there is no topic `payments`")


def test_q1_accepts_retention_given_as_a_string(cluster: Cluster) -> None:
    create_payments(cluster, configs={"retention.ms": "259200000"})
    assert q1.check().passed


# ------------------------------------------------------------------ question 2
def test_q2_not_attempted_while_the_function_is_a_stub(cluster: Cluster) -> None:
    def stub(key: str, n: int) -> int:
        raise NotImplementedError("compute the partition")

    verdict(q2.check(stub), Outcome.NOT_ATTEMPTED, "still raises NotImplementedError")


def test_q2_rejects_pythons_hash() -> None:
    lab01.start()
    verdict(q2.check(lambda key, n: hash(key) % n), Outcome.INCORRECT,
            "but Kafka's producer puts key")


def test_q2_explains_the_missing_to_positive(cluster: Cluster) -> None:
    from engine import murmur2

    verdict(q2.check(lambda key, n: murmur2(key.encode()) % n), Outcome.INCORRECT,
            "`predict_partition('bob', 6)` returned 4, but Kafka's producer puts key 'bob' "
            "in partition 0 of 6", "toPositive")


def test_q2_rejects_an_answer_that_is_not_an_int(cluster: Cluster) -> None:
    verdict(q2.check(lambda key, n: str(predict(key, n))), Outcome.INCORRECT,
            "returned '3' (str); return the partition as an int")


def test_q2_rejects_predictions_hard_coded_for_the_six_customers(cluster: Cluster) -> None:
    known = {c: predict(c, 6) for c in lab01.CUSTOMERS}
    verdict(q2.check(lambda key, n: known.get(key, 0)), Outcome.INCORRECT,
            "`predict_partition('', 6)` returned 0, but Kafka's producer puts key '' in "
            "partition 3 of 6")


def test_q2_rejects_a_function_that_crashes(cluster: Cluster) -> None:
    verdict(q2.check(lambda key, n: key.encode() // n), Outcome.INCORRECT,
            "raised TypeError")


def test_q2_needs_the_function(cluster: Cluster) -> None:
    verdict(q2.check(), Outcome.NOT_ATTEMPTED, "`q2.check(predict_partition)`")
    verdict(q2.check(42), Outcome.INCORRECT, "should be a function")


def test_q2_asks_for_question_1_first(cluster: Cluster) -> None:
    verdict(q2.check(predict), Outcome.NOT_ATTEMPTED, "question 1")


def test_q2_asks_to_verify_by_producing(cluster: Cluster) -> None:
    create_payments(cluster)
    cluster.produce("payments", value="x", key="alice")
    verdict(q2.check(predict), Outcome.INCORRECT, "none yet with key 'bob', 'carol'")


def test_q2_rejects_records_placed_with_partition(cluster: Cluster) -> None:
    create_payments(cluster)
    produce_customers(cluster, partition=5)
    verdict(q2.check(predict), Outcome.INCORRECT,
            "a record with key 'alice' is in partition 5 of `payments`, but Kafka's "
            "partitioner puts 'alice' in partition 3")


# ------------------------------------------------------------------ question 3
def test_q3_rejects_events_in_arrival_order(cluster: Cluster) -> None:
    produce_accounts(cluster, events=lab01.ACCOUNT_EVENTS)
    verdict(q3.check(), Outcome.INCORRECT,
            "`acct-17` reads back as 'withdraw 20', 'opened', 'deposit 250'; expected "
            "'opened', 'deposit 250', 'withdraw 20'")


def test_q3_rejects_events_without_keys(cluster: Cluster) -> None:
    for _, _, action in sorted(lab01.ACCOUNT_EVENTS, key=lambda e: e[1]):
        cluster.produce("account-events", value=action)
    verdict(q3.check(), Outcome.INCORRECT, "has no key")


def test_q3_rejects_everything_in_one_partition(cluster: Cluster) -> None:
    produce_accounts(cluster, partition=0)
    verdict(q3.check(), Outcome.INCORRECT,
            "(key 'acct-17') is not where Kafka's partitioner puts 'acct-17' (partition 2)")


def test_q3_counts_records_per_partition(cluster: Cluster) -> None:
    produce_accounts(cluster)
    produce_accounts(cluster)
    verdict(q3.check(), Outcome.INCORRECT, "partition 0 has 8 records, expected 4; "
            "partition 1 has 6 records, expected 3; partition 2 has 12 records, expected 6")


def test_q3_rejects_keys_that_are_not_accounts(cluster: Cluster) -> None:
    for account, seq, action in lab01.ACCOUNT_EVENTS:
        cluster.produce("account-events", value=action, key=f"{account}-{seq}")
    verdict(q3.check(), Outcome.INCORRECT, "which is not one of the accounts")


def test_q3_catches_records_slipped_into_a_log(cluster: Cluster) -> None:
    produce_accounts(cluster)
    log = cluster._topic("account-events").logs[0]
    log.append_batch([b"acct-42"], [b"opened"], 0, 80)
    verdict(q3.check(), Outcome.INCORRECT, "do not match the journal")


# ------------------------------------------------------------------ question 4
class Stub:
    def partition(self, topic: str, key: bytes | None, value: bytes | None, n: int) -> int:
        raise NotImplementedError("return the partition of the key's region")


def partitioner(function: Callable[[bytes | None, int], Any]) -> type:
    class Learner:
        def partition(self, topic: str, key: bytes | None, value: bytes | None,
                      n: int) -> Any:
            return function(key, n)

    return Learner


def test_q4_not_attempted_while_the_partitioner_is_a_stub(cluster: Cluster) -> None:
    verdict(q4.check(Stub), Outcome.NOT_ATTEMPTED, "still raises NotImplementedError")


def test_q4_rejects_a_constant_partition(cluster: Cluster) -> None:
    verdict(q4.check(partitioner(lambda key, n: 0)), Outcome.INCORRECT,
            "key 'us:bob' went to partition 0, expected 1 (region 'us')")


def test_q4_rejects_kafkas_default_partitioning(cluster: Cluster) -> None:
    default = partitioner(lambda key, n: partition_for_key(key, n))
    verdict(q4.check(default), Outcome.INCORRECT, "key 'eu:anna' went to partition")


def test_q4_reports_a_crash_on_a_record_without_key(cluster: Cluster) -> None:
    crashing = partitioner(lambda key, n: lab01.REGION_PARTITIONS.get(
        key.decode().split(":")[0], 3))
    verdict(q4.check(crashing), Outcome.INCORRECT,
            "your partitioner raised AttributeError for key None")


def test_q4_reports_kafkas_error_for_a_partition_that_does_not_exist(
        cluster: Cluster) -> None:
    def too_far(key: bytes | None, n: int) -> int:
        region = key.decode().split(":", 1)[0] if key and b":" in key else None
        return lab01.REGION_PARTITIONS.get(region, 4)  # type: ignore[arg-type]

    verdict(q4.check(partitioner(too_far)), Outcome.INCORRECT,
            "KafkaTimeoutError: Partition 4 of topic orders-by-region with partition count "
            "4 is not present in metadata after 60000 ms.")


def test_q4_reports_kafkas_error_for_a_partition_that_is_not_an_int(
        cluster: Cluster) -> None:
    verdict(q4.check(partitioner(lambda key, n: "0")), Outcome.INCORRECT,
            "IllegalArgumentError: The partitioner returned '0'; a partition must be an int.")


def test_q4_rejects_something_that_is_not_a_partitioner(cluster: Cluster) -> None:
    verdict(q4.check(lambda key: 0), Outcome.INCORRECT, "needs a method `partition")


def test_q4_accepts_an_instance(cluster: Cluster) -> None:
    produce_orders(cluster)
    assert q4.check(RegionPartitioner()).passed


def test_q4_asks_for_the_orders_once_the_partitioner_works(cluster: Cluster) -> None:
    verdict(q4.check(RegionPartitioner), Outcome.INCORRECT, "Now produce")


def test_q4_rejects_orders_placed_by_hand(cluster: Cluster) -> None:
    for key, value in lab01.REGION_ORDERS:
        cluster.produce("orders-by-region", value=value, key=key, partition=0)
    verdict(q4.check(RegionPartitioner), Outcome.INCORRECT,
            "partition 0 has 9 records, expected 3; partition 1 has 0 records, expected 2")


def test_q4_rejects_orders_in_the_wrong_order(cluster: Cluster) -> None:
    produce_orders(cluster, orders=tuple(reversed(lab01.REGION_ORDERS)))
    verdict(q4.check(RegionPartitioner), Outcome.INCORRECT,
            "holds the right orders in the wrong order")


def test_q4_rejects_orders_with_other_values(cluster: Cluster) -> None:
    produce_orders(cluster, orders=[(k, v.upper()) for k, v in lab01.REGION_ORDERS])
    verdict(q4.check(RegionPartitioner), Outcome.INCORRECT,
            "partition 0 holds key 'eu:anna' with value 'ORDER 1'")


def test_q3_and_q4_notice_a_recreated_topic(cluster: Cluster) -> None:
    for topic in ("account-events", "orders-by-region"):
        cluster.delete_topic(topic)
        cluster.create_topic(topic, partitions=2)
    verdict(q3.check(), Outcome.INCORRECT, "`account-events` has 2 partitions, but the lab "
            "made it with 3")
    verdict(q4.check(RegionPartitioner), Outcome.INCORRECT, "`orders-by-region` has 2")


# ------------------------------------------------------------------ the lab
def test_progress_counts_what_passed(cluster: Cluster) -> None:
    create_payments(cluster)
    feedback = lab01.progress()
    assert feedback.title == "Lab 01 · 1 of 4 questions passed"
    assert "q2 · Predict, then verify, a key's partition: not checked yet" in feedback.message


def test_start_gives_a_fresh_cluster_with_the_lab_topics() -> None:
    first = lab01.start()
    create_payments(first)
    second = lab01.start()
    assert second is not first
    assert second.list_topics() == ["account-events", "orders-by-region"]
    assert second.brokers == (1, 2, 3)
    verdict(q1.check(), Outcome.NOT_ATTEMPTED)


def test_q1_on_a_topic_auto_created_by_producing_first(cluster: Cluster) -> None:
    cluster.produce("payments", value="too early")
    verdict(q1.check(), Outcome.INCORRECT, "`payments` has 1 partition, expected 6")
