"""Lab 07's checkers: the solution passes, the untouched lab is "not attempted", and known
wrong answers (a missing config, a wrong partition count, keyless lines, the wrong order,
a group that started at the end, offsets reset without reading, another group) are rejected
with the right message."""

from __future__ import annotations

import pytest

from engine import Cluster
from engine.cli import run
from engine.labs import Outcome, lab07
from engine.labs.lab07 import q1, q2, q3

from .checks import (
    assert_hint_ladders,
    assert_quick_passes,
    assert_solution_pointers,
    lab_cluster,
    run_generated_lab,
    run_solution,
    verdict,
)

B = "--bootstrap-server localhost:9092"


cluster = lab_cluster(lab07)


def sh(cluster: Cluster, command: str, *lines: str) -> int:
    return run(cluster, command, input=list(lines)).exit_code


def create_payments(cluster: Cluster, options: str = "--partitions 6 --replication-factor 3 "
                    "--config min.insync.replicas=2") -> None:
    assert sh(cluster, f"kafka-topics {B} --create --topic payments {options}") == 0


KEYED = "--property parse.key=true --property key.separator=:"


# ------------------------------------------------------------ the notebooks
def test_the_solution_notebook_passes_every_check() -> None:
    assert run_solution(lab07.lab, "q1", "q2", "q3") == "Lab 07 · 3 of 3 questions passed"


def test_the_generated_lab_is_not_attempted_and_does_not_crash() -> None:
    assert run_generated_lab(lab07.lab, "q1", "q2", "q3") == "Lab 07 · 0 of 3 questions passed"


def test_every_solution_pointer_names_a_heading_of_the_solution_notebook() -> None:
    assert_solution_pointers(lab07.lab)
    assert_hint_ladders(lab07.lab)


def test_checks_answer_well_under_a_second(cluster: Cluster) -> None:
    create_payments(cluster)
    sh(cluster, f"kafka-console-producer {B} --topic payments {KEYED}", *lab07.PAYMENT_LINES)
    sh(cluster, f"kafka-console-consumer {B} --topic parcels --group shipping --from-beginning")
    assert_quick_passes(q1.check, q2.check, q3.check)


def test_kafka_prints_what_the_tool_prints_and_a_failing_exit_code(
        cluster: Cluster, capsys: pytest.CaptureFixture[str]) -> None:
    lab07.kafka(f"kafka-topics {B} --create --topic t --partitions 1")
    lab07.kafka(f"kafka-topics {B} --create --topic t --partitions 1")
    out, err = capsys.readouterr()
    assert out.startswith("Created topic t.\n")
    assert "Topic 't' already exists." in out and out.endswith("(exit code 1)\n")
    assert "TopicExistsException" in err


# ------------------------------------------------------------------ question 1
def test_q1_not_attempted_without_the_topic(cluster: Cluster) -> None:
    verdict(q1.check(), Outcome.NOT_ATTEMPTED, "there is no topic `payments`")


def test_q1_accepts_the_spec(cluster: Cluster) -> None:
    create_payments(cluster)
    verdict(q1.check(), Outcome.CORRECT, "6 partitions on 3 brokers")


def test_q1_rejects_a_topic_without_the_config(cluster: Cluster) -> None:
    create_payments(cluster, "--partitions 6 --replication-factor 3")
    verdict(q1.check(), Outcome.INCORRECT, "`min.insync.replicas` is not set on the topic")


def test_q1_rejects_wrong_partitions_and_replication(cluster: Cluster) -> None:
    create_payments(cluster, "--partitions 3 --config min.insync.replicas=2")
    verdict(q1.check(), Outcome.INCORRECT, "`payments` has 3 partitions, expected 6",
            "the replication factor is 1, expected 3")


def test_q1_rejects_extra_overrides(cluster: Cluster) -> None:
    create_payments(cluster, "--partitions 6 --replication-factor 3 --config "
                    "min.insync.replicas=3 --config retention.ms=1000")
    verdict(q1.check(), Outcome.INCORRECT, "`min.insync.replicas` is 3, expected 2",
            "also overrides `retention.ms`")


# ------------------------------------------------------------------ question 2
def test_q2_not_attempted_on_an_empty_topic(cluster: Cluster) -> None:
    verdict(q2.check(), Outcome.NOT_ATTEMPTED, "create it first")
    create_payments(cluster)
    verdict(q2.check(), Outcome.NOT_ATTEMPTED, "`payments` is empty")


def test_q2_accepts_keyed_lines(cluster: Cluster) -> None:
    create_payments(cluster)
    sh(cluster, f"kafka-console-producer {B} --topic payments {KEYED}", *lab07.PAYMENT_LINES)
    verdict(q2.check(), Outcome.CORRECT, "alice → partition 3")


def test_q2_rejects_lines_without_parse_key(cluster: Cluster) -> None:
    create_payments(cluster)
    sh(cluster, f"kafka-console-producer {B} --topic payments", *lab07.PAYMENT_LINES)
    verdict(q2.check(), Outcome.INCORRECT, "6 records of `payments` have no key",
            "'alice:coffee 3.50'", "--property parse.key=true")


def test_a_missing_separator_sends_nothing(cluster: Cluster) -> None:
    create_payments(cluster)
    code = sh(cluster, f"kafka-console-producer {B} --topic payments "
              "--property parse.key=true", *lab07.PAYMENT_LINES)
    assert code == 1
    verdict(q2.check(), Outcome.NOT_ATTEMPTED, "`payments` is empty")


def test_q2_rejects_the_wrong_order(cluster: Cluster) -> None:
    create_payments(cluster)
    sh(cluster, f"kafka-console-producer {B} --topic payments {KEYED}",
       *reversed(lab07.PAYMENT_LINES))
    verdict(q2.check(), Outcome.INCORRECT, "alice's payments read back as ['bagel 2.10', "
            "'cake 4.20', 'coffee 3.50']", "produce the lines in the order given")


def test_q2_rejects_lines_sent_twice(cluster: Cluster) -> None:
    create_payments(cluster)
    sh(cluster, f"kafka-console-producer {B} --topic payments {KEYED}", *lab07.PAYMENT_LINES)
    sh(cluster, f"kafka-console-producer {B} --topic payments {KEYED}", "alice:coffee 3.50")
    verdict(q2.check(), Outcome.INCORRECT, "`payments` holds 7 records, expected 6",
            "not in the list: alice:coffee 3.50")


# ------------------------------------------------------------------ question 3
def test_q3_not_attempted_before_the_group_ran(cluster: Cluster) -> None:
    verdict(q3.check(), Outcome.NOT_ATTEMPTED, "the group `shipping` has not read")


def test_q3_accepts_from_beginning(cluster: Cluster) -> None:
    sh(cluster, f"kafka-console-consumer {B} --topic parcels --group shipping --from-beginning")
    verdict(q3.check(), Outcome.CORRECT, "started at the first parcel")


def test_q3_rejects_a_group_that_started_at_the_end(cluster: Cluster) -> None:
    sh(cluster, f"kafka-console-consumer {B} --topic parcels --group shipping")
    verdict(q3.check(), Outcome.INCORRECT, "partition 0 started at offset 3, after 3 records",
            "The group skipped 9 parcels", "`--from-beginning`")
    # --from-beginning now changes nothing: the group has committed offsets
    sh(cluster, f"kafka-console-consumer {B} --topic parcels --group shipping --from-beginning")
    verdict(q3.check(), Outcome.INCORRECT, "The group skipped 9 parcels")


def test_q3_accepts_a_reset_to_the_earliest_and_a_second_read(cluster: Cluster) -> None:
    sh(cluster, f"kafka-console-consumer {B} --topic parcels --group shipping")
    sh(cluster, f"kafka-consumer-groups {B} --group shipping --reset-offsets --to-earliest "
       "--topic parcels --execute")
    verdict(q3.check(), Outcome.INCORRECT, "partition 0 is committed at 0, not at its end 3")
    sh(cluster, f"kafka-console-consumer {B} --topic parcels --group shipping")
    assert q3.check().passed


def test_q3_rejects_offsets_reset_without_reading(cluster: Cluster) -> None:
    # the admin's commits are not reads: the group never consumed a record
    for where in ("--to-earliest", "--to-latest"):
        sh(cluster, f"kafka-consumer-groups {B} --group shipping --reset-offsets {where} "
           "--topic parcels --execute")
    verdict(q3.check(), Outcome.INCORRECT, "partition 0 was never read by the group",
            "partition 2 was never read by the group")


def test_q3_names_other_groups(cluster: Cluster) -> None:
    sh(cluster, f"kafka-console-consumer {B} --topic parcels --group shiping --from-beginning")
    verdict(q3.check(), Outcome.NOT_ATTEMPTED, "the cluster has the groups shiping")
