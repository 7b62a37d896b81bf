"""Lab 10's checkers: the solution passes, the untouched lab is "not attempted", and known
wrong answers (commit before processing, auto-commit with a crash, `latest`, never
committing, committing the last offset instead of the next, swallowing the crash, the
lab's names instead of the arguments; committed offsets, an off-by-one or a lag for an
uncommitted partition as the lag) are rejected with the right message."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from engine import Cluster
from engine.checker.processing import check_processing, produced_records
from engine.core.records import TopicPartition
from engine.labs import Outcome, lab10
from engine.labs.lab10 import q1, q2

from .checks import (
    assert_hint_ladders,
    assert_quick_passes,
    assert_solution_pointers,
    lab_cluster,
    run_generated_lab,
    run_solution,
    verdict,
)

cluster = lab_cluster(lab10)


# ------------------------------------------------------------------ services
def service(*, commit_first: bool = False, **config: Any) -> Any:
    """A poll loop that commits after (or, wrongly, before) processing each batch."""
    settings = {"enable_auto_commit": False, "auto_offset_reset": "earliest", **config}

    async def consume(kafka: Any, topic: str, group: str, process: Any) -> None:
        consumer = kafka.consumer(topic, group_id=group, **settings)
        await consumer.start()
        try:
            while True:
                batch = await consumer.getmany(timeout_ms=1000)
                if commit_first and batch:
                    await consumer.commit()
                for records in batch.values():
                    for record in records:
                        process(record)
                if not commit_first and batch:
                    await consumer.commit()
        finally:
            await consumer.stop()

    return consume


consume = service()


async def auto_commit_async_with(kafka: Any, topic: str, group: str, process: Any) -> None:
    async with kafka.consumer(topic, group_id=group, auto_offset_reset="earliest") as consumer:
        async for record in consumer:
            process(record)


async def auto_commit_no_cleanup(kafka: Any, topic: str, group: str, process: Any) -> None:
    consumer = kafka.consumer(topic, group_id=group, auto_offset_reset="earliest")
    await consumer.start()
    while True:
        for records in (await consumer.getmany(timeout_ms=1000)).values():
            for record in records:
                process(record)


async def lab_names(kafka: Any, topic: str, group: str, process: Any) -> None:
    await consume(kafka, "payments", "billing", process)


# ------------------------------------------------------------------ lag functions
def lag_with(make: Any, *, only_topic: bool = True) -> Any:
    """A lag function returning ``make(end, committed)`` per partition."""

    async def group_lag(kafka: Any, group: str, topic: str) -> dict:
        admin = kafka.admin()
        await admin.start()
        committed = await admin.list_consumer_group_offsets(group)
        await admin.close()
        mine = [tp for tp in committed if tp.topic == topic or not only_topic]
        consumer = kafka.consumer()
        await consumer.start()
        ends = await consumer.end_offsets(mine)
        await consumer.stop()
        if only_topic:
            return {tp.partition: make(ends[tp], committed[tp].offset) for tp in mine}
        return {tp: make(ends[tp], committed[tp].offset) for tp in mine}

    return group_lag


group_lag = lag_with(lambda end, committed: end - committed)


# ------------------------------------------------------------ the notebooks
def test_the_solution_notebook_passes_every_check() -> None:
    assert run_solution(lab10.lab, "q1", "q2") == "Lab 10 · 2 of 2 questions passed"


def test_the_generated_lab_is_not_attempted_and_does_not_crash() -> None:
    assert run_generated_lab(lab10.lab, "q1", "q2") == "Lab 10 · 0 of 2 questions passed"


def test_every_solution_pointer_names_a_heading_of_the_solution_notebook() -> None:
    assert_solution_pointers(lab10.lab)
    assert_hint_ladders(lab10.lab)


def test_checks_answer_well_under_a_second(cluster: Cluster) -> None:
    lab10.run_service(cluster, consume)
    assert_quick_passes(lambda: q1.check(consume), lambda: q2.check(group_lag))


# ------------------------------------------------------------------ question 1
def test_run_service_crashes_twice_and_restarts_in_the_group(cluster: Cluster) -> None:
    seen = lab10.run_service(cluster, consume)
    assert seen.crashes == 2 and seen.runs == 3
    ended = [e for e in cluster.journal if e.kind in ("consumer_closed", "consumer_crashed")]
    assert len(ended) == 3  # two crashes, and the last run stopped by the supervisor
    report = check_processing(produced_records(cluster, "payments"),
                              lab10.ledger_processed(cluster))
    assert report.at_least_once and report.duplicates


def test_q1_passes_and_reports_the_duplicates(cluster: Cluster) -> None:
    lab10.run_service(cluster, consume)
    verdict(q1.check(consume), Outcome.CORRECT, "nothing lost, whatever the crashes",
            "0 lost", "processed twice")


def test_q1_passes_with_async_for_and_commits_per_record(cluster: Cluster) -> None:
    async def per_record(kafka: Any, topic: str, group: str, process: Any) -> None:
        async with kafka.consumer(topic, group_id=group, enable_auto_commit=False,
                                  auto_offset_reset="earliest") as consumer:
            async for record in consumer:
                process(record)
                await consumer.commit()

    lab10.run_service(cluster, per_record)
    assert q1.check(per_record).passed


def test_q1_passes_with_getmany_s_default_timeout_of_zero(cluster: Cluster) -> None:
    async def busy(kafka: Any, topic: str, group: str, process: Any) -> None:
        consumer = kafka.consumer(topic, group_id=group, enable_auto_commit=False,
                                  auto_offset_reset="earliest")
        await consumer.start()
        try:
            while True:
                batch = await consumer.getmany()
                for records in batch.values():
                    for record in records:
                        process(record)
                if batch:
                    await consumer.commit()
        finally:
            await consumer.stop()

    seen = lab10.run_service(cluster, busy)
    assert seen.crashes == 2
    assert q1.check(busy).passed


def test_q1_not_attempted_before_the_service_ran(cluster: Cluster) -> None:
    verdict(q1.check(consume), Outcome.NOT_ATTEMPTED, "`ledger` is empty")


def test_q1_not_attempted_while_consume_is_a_stub(cluster: Cluster) -> None:
    async def stub(kafka: Any, topic: str, group: str, process: Any) -> None:
        raise NotImplementedError("consume")

    with pytest.raises(NotImplementedError):
        lab10.run_service(cluster, stub)
    verdict(q1.check(stub), Outcome.NOT_ATTEMPTED, "`ledger` is empty")


def test_q1_rejects_commit_before_processing(cluster: Cluster) -> None:
    wrong = service(commit_first=True)
    lab10.run_service(cluster, wrong)
    verdict(q1.check(wrong), Outcome.INCORRECT, "on the topic `invoices`",
            "the service lost", "commit only what was processed")


def test_q1_rejects_auto_commit_that_loses_records(cluster: Cluster) -> None:
    lab10.run_service(cluster, auto_commit_async_with)
    verdict(q1.check(auto_commit_async_with), Outcome.INCORRECT, "the service lost",
            "commits automatically", "`enable_auto_commit=False`")


def test_q1_rejects_auto_commit_even_when_nothing_was_lost(cluster: Cluster) -> None:
    lab10.run_service(cluster, auto_commit_no_cleanup)
    verdict(q1.check(auto_commit_no_cleanup), Outcome.INCORRECT,
            "nothing was lost this time, but your consumer commits automatically")


def test_q1_rejects_starting_at_latest(cluster: Cluster) -> None:
    latest = service(auto_offset_reset="latest")
    lab10.run_service(cluster, latest)
    verdict(q1.check(latest), Outcome.INCORRECT, "the service processed nothing",
            "`auto_offset_reset=\"earliest\"`")


def test_q1_rejects_a_service_that_never_commits(cluster: Cluster) -> None:
    async def never_commits(kafka: Any, topic: str, group: str, process: Any) -> None:
        consumer = kafka.consumer(topic, group_id=group, enable_auto_commit=False,
                                  auto_offset_reset="earliest")
        await consumer.start()
        while True:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    process(record)

    lab10.run_service(cluster, never_commits)
    verdict(q1.check(never_commits), Outcome.INCORRECT,
            "the group `accounting` committed nothing after 12 runs")


def test_q1_rejects_the_lab_names_instead_of_the_arguments(cluster: Cluster) -> None:
    lab10.run_service(cluster, lab_names)
    verdict(q1.check(lab_names), Outcome.INCORRECT,
            "`consume(kafka, 'invoices', 'accounting', process)`",
            "`kafka.consumer('payments', group_id='billing', ...)`", "use the arguments")


def per_partition(*, next_offset: bool = True) -> Any:
    """A loop that commits each partition's batch explicitly: ``{tp: last + 1}``, or
    (wrongly) ``{tp: last}``."""
    async def consume(kafka: Any, topic: str, group: str, process: Any) -> None:
        async with kafka.consumer(topic, group_id=group, enable_auto_commit=False,
                                  auto_offset_reset="earliest") as consumer:
            while True:
                batch = await consumer.getmany(timeout_ms=500)
                for tp, records in batch.items():
                    for record in records:
                        process(record)
                    if records:
                        await consumer.commit({tp: records[-1].offset + next_offset})

    return consume


def test_q1_passes_with_explicit_commits_per_partition_and_empty_partitions(
        cluster: Cluster) -> None:
    right = per_partition()
    lab10.run_service(cluster, right)
    verdict(q1.check(right), Outcome.CORRECT, "nothing lost")
    private = Cluster(brokers=1, seed=5)
    private.create_topic("t", partitions=4)  # partitions 2 and 3 stay empty
    for i in range(6):
        private.produce("t", value=f"{i}", partition=i % 2)
    private.create_topic("ledger", partitions=1)
    seen = lab10.run_service(private, right, (3,), topic="t", group="g")
    assert seen.runs == 2  # finished: the empty partitions need no commit
    assert sorted(lab10.committed_offsets(private, "g", "t")) == [0, 1]


def test_q1_explains_that_the_committed_offset_is_the_next_one(cluster: Cluster) -> None:
    wrong = per_partition(next_offset=False)
    lab10.run_service(cluster, wrong)
    verdict(q1.check(wrong), Outcome.INCORRECT, "each one short of the end",
            "the offset of the *next* record to read", "`{tp: record.offset + 1}`")


def test_q1_says_the_crash_must_not_be_swallowed(cluster: Cluster) -> None:
    async def swallows(kafka: Any, topic: str, group: str, process: Any) -> None:
        async with kafka.consumer(topic, group_id=group, enable_auto_commit=False,
                                  auto_offset_reset="earliest") as consumer:
            while True:
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    for record in records:
                        with contextlib.suppress(BaseException):  # the wrong answer
                            process(record)
                await consumer.commit()

    seen = lab10.run_service(cluster, swallows)
    assert seen.injected == 2 and seen.crashes == 0
    verdict(q1.check(swallows), Outcome.INCORRECT, "caught the crash",
            "it must not be swallowed")


def test_q1_needs_a_function(cluster: Cluster) -> None:
    verdict(q1.check("consume"), Outcome.INCORRECT, "should be a function")
    verdict(q1.check(), Outcome.NOT_ATTEMPTED, "`q1.check(consume)`")


def test_a_crash_is_not_swallowed_by_except_exception(cluster: Cluster) -> None:
    async def careless(kafka: Any, topic: str, group: str, process: Any) -> None:
        consumer = kafka.consumer(topic, group_id=group, enable_auto_commit=False,
                                  auto_offset_reset="earliest")
        await consumer.start()
        while True:
            batch = await consumer.getmany(timeout_ms=1000)
            if batch:
                await consumer.commit()
            for records in batch.values():
                for record in records:
                    with contextlib.suppress(Exception):  # the crash is a BaseException
                        process(record)

    seen = lab10.run_service(cluster, careless)
    assert seen.crashes == 2
    verdict(q1.check(careless), Outcome.INCORRECT, "lost")


# ------------------------------------------------------------------ question 2
def test_q2_passes_and_the_lab_group_lags(cluster: Cluster) -> None:
    assert lab10.run_lag(cluster, group_lag) == {0: 2, 1: 0, 2: 4}
    assert lab10.expected_lag(cluster, "reports", "payments") == {0: 2, 1: 0, 2: 4}
    verdict(q2.check(group_lag), Outcome.CORRECT, "lags 0: 2, 1: 0, 2: 4")


def test_q2_not_attempted_while_a_stub(cluster: Cluster) -> None:
    async def stub(kafka: Any, group: str, topic: str) -> dict:
        raise NotImplementedError("lag")

    verdict(q2.check(stub), Outcome.NOT_ATTEMPTED, "`group_lag` still raises")


def test_q2_rejects_committed_offsets_as_lag(cluster: Cluster) -> None:
    wrong = lag_with(lambda end, committed: committed)
    verdict(q2.check(wrong), Outcome.INCORRECT, "partition 0: 5, expected 2",
            "Those are the committed offsets")


def test_q2_rejects_an_off_by_one_end(cluster: Cluster) -> None:
    wrong = lag_with(lambda end, committed: end - 1 - committed)
    verdict(q2.check(wrong), Outcome.INCORRECT, "Each is one short", "high watermark")


def test_q2_rejects_partitions_of_other_topics(cluster: Cluster) -> None:
    wrong = lag_with(lambda end, committed: end - committed, only_topic=False)
    verdict(q2.check(wrong), Outcome.INCORRECT, "for the checker's group `dashboard`",
            "keep only the partitions of `clicks`")


def test_q2_replays_the_function_on_other_groups(cluster: Cluster) -> None:
    async def hard_coded(kafka: Any, group: str, topic: str) -> dict:
        return {0: 2, 1: 0, 2: 4}

    verdict(q2.check(hard_coded), Outcome.INCORRECT, "`dashboard` on `clicks`",
            "has the partitions [0, 1, 2]; expected [0, 1, 2, 3]")


def test_q2_leaves_out_a_partition_the_group_never_committed() -> None:
    private = lab10._lag_cluster(1, (3, 6, 2), (1, None, 2), "views", "analytics")
    assert lab10.expected_lag(private, "analytics", "views") == {0: 2, 2: 0}
    assert lab10.run_lag(private, group_lag, "analytics", "views") == {0: 2, 2: 0}


def test_q2_rejects_a_lag_for_an_uncommitted_partition(cluster: Cluster) -> None:
    async def from_zero(kafka: Any, group: str, topic: str) -> dict:
        admin = kafka.admin()
        await admin.start()
        committed = await admin.list_consumer_group_offsets(group)
        await admin.close()
        consumer = kafka.consumer()
        await consumer.start()
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        ends = await consumer.end_offsets(tps)
        await consumer.stop()
        return {tp.partition: ends[tp] - (committed[tp].offset if tp in committed else 0)
                for tp in tps}

    verdict(q2.check(from_zero), Outcome.INCORRECT, "`analytics` on `views`",
            "gives partition 1 the lag 6", "never committed an offset there", "`-`")
    # the CLI's `-` as None is accepted for a partition without a committed offset
    assert lab10._lag_problem({0: 2, 1: None, 2: 0}, {0: 2, 2: 0}, {0: 1, 2: 2}, "views",
                              "here") is None


def test_q2_lag_counts_records_not_yet_committed() -> None:
    private = Cluster(brokers=1, seed=1)
    private.create_topic("t", partitions=2)
    for partition, count in enumerate((5, 3)):
        for i in range(count):
            private.produce("t", value=f"{i}", partition=partition)
    private.groups.alter_offsets("g", {TopicPartition("t", 0): 1, TopicPartition("t", 1): 3})
    assert lab10.expected_lag(private, "g", "t") == {0: 4, 1: 0}
    assert lab10.run_lag(private, group_lag, "g", "t") == {0: 4, 1: 0}
