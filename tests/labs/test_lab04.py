"""Lab 04's checkers: the solution passes, the untouched lab is "not attempted", and known
wrong answers (commit before processing, never commit, a seek without a commit, an
off-by-one rewind) are rejected with the right message."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from engine import Cluster
from engine.checker.processing import check_processing, produced_records
from engine.core.records import TopicPartition
from engine.labs import Outcome, lab04
from engine.labs.lab04 import q1, q2

from .checks import (
    assert_hint_ladders,
    assert_quick_passes,
    assert_solution_pointers,
    lab_cluster,
    run_generated_lab,
    run_solution,
    verdict,
)

cluster = lab_cluster(lab04)


# ------------------------------------------------------------- loop bodies
def process_then_commit(consumer: Any, process: Any) -> None:
    batch = consumer.poll(1000)
    for records in batch.values():
        for record in records:
            process(record)
    consumer.commit()


def commit_then_process(consumer: Any, process: Any) -> None:
    batch = consumer.poll(1000)
    consumer.commit()
    for records in batch.values():
        for record in records:
            process(record)


def never_commit(consumer: Any, process: Any) -> None:
    for records in consumer.poll(1000).values():
        for record in records:
            process(record)


def commit_each_record_first(consumer: Any, process: Any) -> None:
    for tp, records in consumer.poll(1000).items():
        for record in records:
            consumer.commit({tp: record.offset + 1})
            process(record)


def rewind(cluster: Cluster, offsets: dict[int, int]) -> None:
    cluster.groups.alter_offsets("monthly-report", {
        TopicPartition("invoices", p): o for p, o in offsets.items()})


def seek_report_group(cluster: Cluster, offsets: tuple[int, ...]) -> Any:
    """A consumer of the report group, assigned every partition and moved to ``offsets``."""
    consumer = cluster.consumer(group_id="monthly-report", enable_auto_commit=False)
    tps = [TopicPartition("invoices", p) for p in range(len(offsets))]
    consumer.assign(tps)
    for tp, offset in zip(tps, offsets, strict=True):
        consumer.seek(tp, offset)
    return consumer


# ------------------------------------------------------------ the notebooks
def test_the_solution_notebook_passes_every_check() -> None:
    assert run_solution(lab04.lab, "q1", "q2") == "Lab 04 · 2 of 2 questions passed"


def test_the_generated_lab_is_not_attempted_and_does_not_crash() -> None:
    assert run_generated_lab(lab04.lab, "q1", "q2") == "Lab 04 · 0 of 2 questions passed"


def test_every_solution_pointer_names_a_heading_of_the_solution_notebook() -> None:
    assert_solution_pointers(lab04.lab)
    assert_hint_ladders(lab04.lab)


def test_checks_answer_well_under_a_second(cluster: Cluster) -> None:
    lab04.run_pipeline(cluster, process_then_commit)
    rewind(cluster, {0: 5, 1: 2, 2: 0})
    assert_quick_passes(lambda: q1.check(process_then_commit), q2.check)


# ------------------------------------------------------------------ question 1
def test_run_pipeline_crashes_twice_and_writes_the_ledger(cluster: Cluster) -> None:
    summary = lab04.run_pipeline(cluster, process_then_commit)
    assert "2 crashes" in summary and "32 records written to `ledger`" in summary
    crashed = [e for e in cluster.journal if e.kind == "consumer_crashed"]
    assert len(crashed) == 2
    report = check_processing(produced_records(cluster, "payments"),
                              lab04.ledger_processed(cluster))
    assert report.at_least_once and len(report.duplicates) == 2


def test_q1_passes_and_reports_the_duplicates(cluster: Cluster) -> None:
    lab04.run_pipeline(cluster, process_then_commit)
    verdict(q1.check(process_then_commit), Outcome.CORRECT,
            "produced 30, processed 32: 2 duplicate(s), 0 lost")


def test_q1_not_attempted_before_the_pipeline_ran(cluster: Cluster) -> None:
    verdict(q1.check(process_then_commit), Outcome.NOT_ATTEMPTED, "`ledger` is empty")


def test_q1_not_attempted_while_handle_is_a_stub(cluster: Cluster) -> None:
    def stub(consumer: Any, process: Any) -> None:
        raise NotImplementedError("poll, process and commit")

    with pytest.raises(NotImplementedError):
        lab04.run_pipeline(cluster, stub)
    verdict(q1.check(stub), Outcome.NOT_ATTEMPTED, "`ledger` is empty")


def test_q1_rejects_commit_before_processing(cluster: Cluster) -> None:
    lab04.run_pipeline(cluster, commit_then_process)
    verdict(q1.check(commit_then_process), Outcome.INCORRECT,
            "in your run, the pipeline lost 8 records (payments-1@1, payments-1@2, "
            "payments-1@3, payments-1@4, ...)", "commit only what was processed")


def test_q1_rejects_a_commit_per_record_before_processing_it(cluster: Cluster) -> None:
    lab04.run_pipeline(cluster, commit_each_record_first)
    verdict(q1.check(commit_each_record_first), Outcome.INCORRECT,
            "in your run, the pipeline lost 2 records")


def test_q1_rejects_a_loop_that_never_commits(cluster: Cluster) -> None:
    lab04.run_pipeline(cluster, never_commit)
    verdict(q1.check(never_commit), Outcome.INCORRECT,
            "the group `billing-pipeline` committed nothing, short of the end of `payments`")


def test_q1_replays_the_loop_with_other_crash_points(cluster: Cluster) -> None:
    def lucky(consumer: Any, process: Any) -> None:
        # right on the lab's cluster only: anywhere else it commits first
        if consumer._cluster is cluster:
            process_then_commit(consumer, process)
        else:
            commit_then_process(consumer, process)

    lab04.run_pipeline(cluster, lucky)
    verdict(q1.check(lucky), Outcome.INCORRECT,
            "with crashes at other moments (3, 4, 12, 26), the pipeline lost")


def test_q1_rejects_a_ledger_filled_by_hand(cluster: Cluster) -> None:
    for records_of_partition in range(3):
        for record in cluster.fetch("payments", records_of_partition):
            cluster.produce("ledger", value=record.value, partition=0, headers=[
                ("source", f"payments-{record.partition}@{record.offset}".encode())])
    verdict(q1.check(process_then_commit), Outcome.INCORRECT, "the lab injected no crash")
    cluster.produce("ledger", value="stray", partition=0)
    verdict(q1.check(process_then_commit), Outcome.INCORRECT, "has no `source` header")


def test_q1_needs_a_function(cluster: Cluster) -> None:
    verdict(q1.check("handle"), Outcome.INCORRECT, "should be a function")
    verdict(q1.check(), Outcome.NOT_ATTEMPTED, "`q1.check(handle)`")


def test_a_crash_is_not_swallowed_by_except_exception(cluster: Cluster) -> None:
    def careless(consumer: Any, process: Any) -> None:
        batch = consumer.poll(1000)
        consumer.commit()
        for records in batch.values():
            for record in records:
                with contextlib.suppress(Exception):  # the crash is a BaseException
                    process(record)

    summary = lab04.run_pipeline(cluster, careless)
    assert "2 crashes" in summary
    verdict(q1.check(careless), Outcome.INCORRECT, "lost")


# ------------------------------------------------------------------ question 2
def test_q2_not_attempted_on_a_fresh_cluster(cluster: Cluster) -> None:
    verdict(q2.check(), Outcome.NOT_ATTEMPTED, "still committed at the end")


def test_q2_seek_without_commit_changes_nothing(cluster: Cluster) -> None:
    consumer = seek_report_group(cluster, (5, 2, 0))
    consumer.close()
    verdict(q2.check(), Outcome.NOT_ATTEMPTED, "a `seek()` alone does not change that")


def test_q2_accepts_assign_seek_commit_close(cluster: Cluster) -> None:
    consumer = seek_report_group(cluster, (5, 2, 0))
    consumer.commit()
    consumer.close()
    assert q2.check().passed


def test_q2_rejects_an_off_by_one_rewind(cluster: Cluster) -> None:
    rewind(cluster, {0: 4, 1: 1, 2: 0})
    verdict(q2.check(), Outcome.INCORRECT,
            "partition 0 is committed at 4, so the next run re-reads 4 records; expected 5 "
            "(3 records); partition 1 is committed at 1, so the next run re-reads 4 records; "
            "expected 2 (3 records)")


def test_q2_rejects_a_rewind_of_only_some_partitions(cluster: Cluster) -> None:
    rewind(cluster, {0: 5, 1: 2})
    verdict(q2.check(), Outcome.INCORRECT,
            "partition 2 is committed at 2, so the next run re-reads 0 records; expected 0 "
            "(2 records)")


def test_q2_rejects_a_rewind_to_the_beginning(cluster: Cluster) -> None:
    rewind(cluster, {0: 0, 1: 0, 2: 0})
    verdict(q2.check(), Outcome.INCORRECT, "partition 0 is committed at 0, so the next run "
            "re-reads 8 records; expected 5")


def test_q2_rejects_a_group_with_a_live_member(cluster: Cluster) -> None:
    rewind(cluster, {0: 5, 1: 2, 2: 0})
    consumer = cluster.consumer("invoices", group_id="monthly-report")
    consumer.poll(5000)
    verdict(q2.check(), Outcome.INCORRECT, "with a consumer still in it: close it")
