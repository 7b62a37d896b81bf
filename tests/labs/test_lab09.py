"""Lab 09's checkers: the solution passes, the untouched lab is "not attempted", and known
wrong answers (no key, a random partition, sorted events, acks=0 or 1, idempotence off,
Java's in-flight setting, an unflushed or never stopped producer, receipts without
callbacks, a callback that logs the partition as the timestamp) are rejected with the
right message."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from engine import Cluster
from engine.labs import Outcome, lab09
from engine.labs.lab09 import q1, q2

from .checks import (
    assert_hint_ladders,
    assert_quick_passes,
    assert_solution_pointers,
    lab_cluster,
    run_generated_lab,
    run_solution,
    verdict,
)

cluster = lab_cluster(lab09)


# ------------------------------------------------------------------ senders
def sender(**config: Any) -> Any:
    """A correct sender whose producer gets ``config``."""

    async def send_in_order(kafka: Any, topic: str, events: list[tuple[str, str]]) -> None:
        async with kafka.producer(**config) as producer:
            for key, value in events:
                await producer.send(topic, value.encode(), key=key.encode())

    return send_in_order


send_in_order = sender(acks="all", enable_idempotence=True)


async def keyless(kafka: Any, topic: str, events: list[tuple[str, str]]) -> None:
    async with kafka.producer() as producer:
        for _, value in events:
            await producer.send(topic, value.encode())


async def random_partition(kafka: Any, topic: str, events: list[tuple[str, str]]) -> None:
    chooser = random.Random(3)
    async with kafka.producer() as producer:
        partitions = sorted(await producer.partitions_for(topic))
        for key, value in events:
            await producer.send(topic, value.encode(), key=key.encode(),
                                partition=chooser.choice(partitions))


async def sorted_events(kafka: Any, topic: str, events: list[tuple[str, str]]) -> None:
    await send_in_order(kafka, topic, sorted(events))


async def one_partition(kafka: Any, topic: str, events: list[tuple[str, str]]) -> None:
    async with kafka.producer() as producer:
        for key, value in events:
            await producer.send(topic, value.encode(), key=key.encode(), partition=0)


async def never_flushed(kafka: Any, topic: str, events: list[tuple[str, str]]) -> None:
    producer = kafka.producer()
    await producer.start()
    for key, value in events:
        await producer.send(topic, value.encode(), key=key.encode())


# ------------------------------------------------------------------ receipts
def receipts_with(make: Any) -> Any:
    """A receipts function storing ``make(metadata)`` for each value, via callbacks."""

    async def send_with_receipts(kafka: Any, topic: str, values: list[str]) -> dict:
        receipts: dict[str, Any] = {}
        async with kafka.producer() as producer:
            for value in values:
                future = await producer.send(topic, value.encode())

                def on_done(future: Any, value: str = value) -> None:
                    receipts[value] = make(future.result())

                future.add_done_callback(on_done)
            await producer.flush()
        return receipts

    return send_with_receipts


good_receipts = receipts_with(lambda m: (m.partition, m.offset, m.timestamp))
seed_bug = receipts_with(lambda m: (m.partition, m.offset, m.partition))


async def receipts_too_early(kafka: Any, topic: str, values: list[str]) -> dict:
    receipts: dict[str, Any] = {}
    producer = kafka.producer()
    await producer.start()
    for value in values:
        future = await producer.send(topic, value.encode())
        future.add_done_callback(lambda f, v=value: receipts.__setitem__(
            v, (f.result().partition, f.result().offset, f.result().timestamp)))
    return receipts


# ------------------------------------------------------------ the notebooks
def test_the_solution_notebook_passes_every_check() -> None:
    assert run_solution(lab09.lab, "q1", "q2") == "Lab 09 · 2 of 2 questions passed"


def test_the_generated_lab_is_not_attempted_and_does_not_crash() -> None:
    assert run_generated_lab(lab09.lab, "q1", "q2") == "Lab 09 · 0 of 2 questions passed"


def test_every_solution_pointer_names_a_heading_of_the_solution_notebook() -> None:
    assert_solution_pointers(lab09.lab)
    assert_hint_ladders(lab09.lab)


def test_checks_answer_well_under_a_second(cluster: Cluster) -> None:
    lab09.run_sender(cluster, send_in_order)
    lab09.run_receipts(cluster, good_receipts)
    assert_quick_passes(lambda: q1.check(send_in_order), lambda: q2.check(good_receipts))


async def receipts_awaited(kafka: Any, topic: str, values: list[str]) -> dict:
    """Right receipts, but from awaiting each send instead of callbacks."""
    receipts: dict[str, Any] = {}
    async with kafka.producer() as producer:
        for value in values:
            m = await producer.send_and_wait(topic, value.encode())
            receipts[value] = (m.partition, m.offset, m.timestamp)
    return receipts


async def receipts_never_stopped(kafka: Any, topic: str, values: list[str]) -> dict:
    """Right receipts from callbacks, but the producer is flushed and never stopped."""
    receipts: dict[str, Any] = {}
    producer = kafka.producer()
    await producer.start()
    for value in values:
        future = await producer.send(topic, value.encode())
        future.add_done_callback(lambda f, v=value: receipts.__setitem__(
            v, (f.result().partition, f.result().offset, f.result().timestamp)))
    await producer.flush()
    return receipts


# ------------------------------------------------------------------ question 1
def test_q1_passes_with_keys_in_order(cluster: Cluster) -> None:
    lab09.run_sender(cluster, send_in_order)
    assert lab09.order_problems(cluster, "orders", lab09.EVENTS) is None
    verdict(q1.check(send_in_order), Outcome.CORRECT, "in the order sent, none lost",
            "18 events of 5 keys on `telemetry`")


def test_q1_passes_with_the_defaults(cluster: Cluster) -> None:
    lab09.run_sender(cluster, sender())
    assert q1.check(sender()).passed


def test_q1_rejects_javas_in_flight_setting_instead_of_idempotence(cluster: Cluster) -> None:
    # aiokafka has no such keyword, and without idempotence a retry can write twice
    java = sender(enable_idempotence=False, max_in_flight_requests_per_connection=1)
    with pytest.raises(TypeError, match="unexpected keyword argument "
                                        "'max_in_flight_requests_per_connection'"):
        lab09.run_sender(cluster, java)
    verdict(q1.check(java), Outcome.INCORRECT, "your run raised TypeError",
            "aiokafka's producer has no `max_in_flight_requests_per_connection`",
            "keep `enable_idempotence=True`")


def test_q1_rejects_a_producer_left_running(cluster: Cluster) -> None:
    async def awaited_not_stopped(kafka: Any, topic: str, events: Any) -> None:
        producer = kafka.producer()
        await producer.start()
        for key, value in events:
            await producer.send_and_wait(topic, value.encode(), key=key.encode())

    lab09.run_sender(cluster, awaited_not_stopped)
    verdict(q1.check(awaited_not_stopped), Outcome.INCORRECT,
            "`send_in_order` returned with 1 producer still running", "`async with`")


def test_q1_not_attempted_before_the_sender_ran(cluster: Cluster) -> None:
    verdict(q1.check(send_in_order), Outcome.NOT_ATTEMPTED, "`orders` is empty")


def test_q1_not_attempted_while_the_function_is_a_stub(cluster: Cluster) -> None:
    async def stub(kafka: Any, topic: str, events: Any) -> None:
        raise NotImplementedError("send")

    with pytest.raises(NotImplementedError):
        lab09.run_sender(cluster, stub)
    verdict(q1.check(stub), Outcome.NOT_ATTEMPTED, "`orders` is empty")


def test_q1_rejects_records_without_a_key(cluster: Cluster) -> None:
    lab09.run_sender(cluster, keyless)
    verdict(q1.check(keyless), Outcome.INCORRECT, "in your run", "without a key")


def test_q1_rejects_a_random_partition(cluster: Cluster) -> None:
    lab09.run_sender(cluster, random_partition)
    verdict(q1.check(random_partition), Outcome.INCORRECT,
            "are spread over several partitions", "no `partition=`")


def test_q1_rejects_sorted_events(cluster: Cluster) -> None:
    lab09.run_sender(cluster, sorted_events)
    verdict(q1.check(sorted_events), Outcome.INCORRECT, "in your run",
            "are in the order", "but were sent as")


def test_q1_rejects_one_partition_for_everything(cluster: Cluster) -> None:
    lab09.run_sender(cluster, one_partition)
    verdict(q1.check(one_partition), Outcome.INCORRECT, "all 5 keys went to partition 0")


@pytest.mark.parametrize(("config", "fragment"), [
    ({"acks": 0}, "`acks=0`"),
    ({"acks": 1}, "`acks=1`"),
    ({"acks": 1, "enable_idempotence": False}, "`acks=1`"),
    ({"enable_idempotence": False}, "`enable_idempotence=False`: when the answer"),
    ({"acks": "all", "enable_idempotence": False}, "a duplicate"),
])
def test_q1_rejects_unsafe_settings(cluster: Cluster, config: dict[str, Any],
                                    fragment: str) -> None:
    unsafe = sender(**config)
    lab09.run_sender(cluster, unsafe)
    verdict(q1.check(unsafe), Outcome.INCORRECT, "on the topic `telemetry`", fragment)


def test_q1_rejects_a_producer_that_was_never_flushed(cluster: Cluster) -> None:
    lab09.run_sender(cluster, never_flushed)
    verdict(q1.check(never_flushed), Outcome.INCORRECT, "only 0 of 12 events had reached",
            "`flush()`")


def test_q1_rejects_a_run_twice(cluster: Cluster) -> None:
    lab09.run_sender(cluster, send_in_order)
    lab09.run_sender(cluster, send_in_order)
    verdict(q1.check(send_in_order), Outcome.INCORRECT, "more than once",
            "`cluster = lab09.start()`")


def test_q1_replays_the_function_on_other_events(cluster: Cluster) -> None:
    async def lucky(kafka: Any, topic: str, events: list[tuple[str, str]]) -> None:
        # right for the lab's events only: elsewhere it drops the keys
        if topic == "orders":
            await send_in_order(kafka, topic, events)
        else:
            await keyless(kafka, topic, events)

    lab09.run_sender(cluster, lucky)
    verdict(q1.check(lucky), Outcome.INCORRECT, "with the checker's events on the topic "
            "`telemetry`", "without a key")


def test_q1_needs_a_function(cluster: Cluster) -> None:
    verdict(q1.check("send"), Outcome.INCORRECT, "should be a function")
    verdict(q1.check(), Outcome.NOT_ATTEMPTED, "`q1.check(send_in_order)`")


# ------------------------------------------------------------------ question 2
def test_q2_passes_with_callbacks(cluster: Cluster) -> None:
    receipts = lab09.run_receipts(cluster, good_receipts)
    assert sorted(receipts) == sorted(lab09.RECEIPT_VALUES)
    assert all(t == lab09.START_MS for _, _, t in receipts.values())
    verdict(q2.check(good_receipts), Outcome.CORRECT, "11 values on `alerts`")


def test_q2_rejects_receipts_without_callbacks(cluster: Cluster) -> None:
    receipts = lab09.run_receipts(cluster, receipts_awaited)
    assert lab09.receipt_problems(cluster, "receipts", lab09.RECEIPT_VALUES, receipts) is None
    verdict(q2.check(receipts_awaited), Outcome.INCORRECT, "no send's future got a callback",
            "`future.add_done_callback(on_done)`")


def test_q2_rejects_a_producer_that_was_never_stopped(cluster: Cluster) -> None:
    lab09.run_receipts(cluster, receipts_never_stopped)
    verdict(q2.check(receipts_never_stopped), Outcome.INCORRECT,
            "`send_with_receipts` returned with 1 producer still running")


def test_callbacks_are_counted_but_not_asyncios_own() -> None:
    kafka = lab09.LabKafka(lab09.start())

    async def scenario() -> None:
        async with kafka.producer() as producer:
            first = await producer.send("receipts", b"a")
            first.add_done_callback(lambda f: None)
            second = await producer.send("receipts", b"b")
            await asyncio.gather(first, second)
            await producer.send_and_wait("receipts", b"c")

    lab09.run_coroutine(scenario)
    assert kafka.callbacks == 1


def test_q2_not_attempted_before_the_run(cluster: Cluster) -> None:
    verdict(q2.check(good_receipts), Outcome.NOT_ATTEMPTED, "no receipts yet")


def test_q2_names_the_seed_bug(cluster: Cluster) -> None:
    lab09.run_receipts(cluster, seed_bug)
    verdict(q2.check(seed_bug), Outcome.INCORRECT, "which is its partition",
            "`metadata.timestamp`")


def test_q2_rejects_returning_before_the_callbacks_ran(cluster: Cluster) -> None:
    lab09.run_receipts(cluster, receipts_too_early)
    verdict(q2.check(receipts_too_early), Outcome.INCORRECT, "7 of the 7 receipts are missing",
            "`await producer.flush()`")


def test_q2_rejects_offsets_that_are_not_the_records(cluster: Cluster) -> None:
    counted = receipts_with(lambda m: (m.partition, m.offset + 1, m.timestamp))
    lab09.run_receipts(cluster, counted)
    verdict(q2.check(counted), Outcome.INCORRECT, "says partition 0 offset 1",
            "but the record is at partition 0 offset 0")


def test_q2_replays_the_function_on_other_values(cluster: Cluster) -> None:
    async def lucky(kafka: Any, topic: str, values: list[str]) -> dict:
        receipts = await good_receipts(kafka, topic, values)
        if topic != "receipts":
            receipts.popitem()
        return receipts

    lab09.run_receipts(cluster, lucky)
    verdict(q2.check(lucky), Outcome.INCORRECT, "with the checker's values on `alerts`",
            "1 of the 11 receipts are missing")
