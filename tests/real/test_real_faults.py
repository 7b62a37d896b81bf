"""Real-mode failures are short and clear: no broker at the address, or the broker dies
while a consumer waits. Nothing hangs, and no asyncio task or socket is left behind.

The broker-death test starts its own single-node cluster ("pytest-fault", port 49092) with
tools.realkafka and kills it (SIGKILL) mid-consume; the shared broker is never touched.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import aiokafka.errors
import pytest
from aiokafka.admin import NewTopic

from engine.client import BrokerNotAvailableError, GroupJoinTimeoutError, connect
from engine.client.containers import free_port
from tools import realkafka
from tools.realkafka import cluster as realcluster

pytestmark = pytest.mark.realkafka

CLUSTER_NAME = "pytest-fault"
CLUSTER_PORT = 49092


def _open_sockets() -> int:
    """How many sockets this process holds open."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
        except OSError:
            continue
    return count


def _other_tasks() -> set[asyncio.Task[Any]]:
    return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}


async def _start_each(bootstrap: str) -> list[tuple[str, float, str]]:
    kafka = connect(bootstrap)
    out = []
    for kind, make in (("producer", kafka.producer), ("consumer", lambda: kafka.consumer("t")),
                       ("admin", kafka.admin)):
        client = make()
        began = time.monotonic()
        with pytest.raises(BrokerNotAvailableError) as raised:
            await client.start()
        assert isinstance(raised.value, aiokafka.errors.KafkaConnectionError)
        out.append((kind, time.monotonic() - began, str(raised.value)))
    await kafka.close()
    await asyncio.sleep(0.1)
    assert _other_tasks() == set()
    return out


def test_no_broker_at_the_address_fails_fast_and_leaks_nothing() -> None:
    bootstrap = f"127.0.0.1:{free_port()}"
    sockets = _open_sockets()
    for kind, seconds, text in asyncio.run(_start_each(bootstrap)):
        assert seconds < 5.0, kind
        assert bootstrap in text and "course.py kafka-start" in text and "connect()" in text
    assert _open_sockets() <= sockets


def test_a_listener_that_is_not_kafka_fails_within_the_start_timeout() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        bootstrap = f"127.0.0.1:{server.getsockname()[1]}"

        async def go() -> float:
            kafka = connect(bootstrap)
            admin = kafka.admin()
            began = time.monotonic()
            with pytest.raises(BrokerNotAvailableError, match="no answer within 5 s"):
                await admin.start()
            seconds = time.monotonic() - began
            await kafka.close()
            await asyncio.sleep(0.1)
            assert _other_tasks() == set()
            return seconds

        assert asyncio.run(go()) < 8.0


@pytest.fixture(scope="module")
def fault_cluster(real_kafka: str, kafka_tools: None) -> Iterator[str]:
    """Our own single combined node, stopped after the module (it is killed by the test)."""
    realcluster.stop_cluster(CLUSTER_NAME)
    try:
        spec = realcluster.start_cluster(CLUSTER_NAME, brokers=1, base_port=CLUSTER_PORT,
                                         layout="combined")
    except realkafka.RealKafkaError as error:
        pytest.fail(f"the fault cluster did not start: {error}", pytrace=False)
    yield spec.bootstrap_servers
    realcluster.stop_cluster(CLUSTER_NAME, timeout=20.0)


async def _consume_through_a_crash(bootstrap: str) -> dict[str, Any]:
    sockets = _open_sockets()
    kafka = connect(bootstrap)
    await kafka.fresh_topics(NewTopic("faults", 2, 1))
    producer = kafka.producer()
    await producer.start()
    for i in range(4):
        await producer.send_and_wait("faults", b"v%d" % i, key=b"k%d" % i)
    many = kafka.consumer("faults", group_id="fault-many", auto_offset_reset="earliest")
    one = kafka.consumer("faults", group_id="fault-one", auto_offset_reset="earliest")
    await many.start()
    await one.start()
    seen = 0
    deadline = time.monotonic() + 30
    while seen < 4 and time.monotonic() < deadline:
        seen += sum(len(r) for r in (await many.getmany(timeout_ms=1000)).values())
    first = await one.getone()

    async def poll_many() -> BaseException | None:
        try:
            while True:
                await many.getmany(timeout_ms=1000)
        except Exception as error:
            return error

    async def iterate_one() -> BaseException | None:
        try:
            async for _ in one:
                pass
        except Exception as error:
            return error
        return None

    realcluster.kill_node(CLUSTER_NAME, 1)
    killed = time.monotonic()
    errors = await asyncio.wait_for(asyncio.gather(poll_many(), iterate_one()), 20)
    surfaced = time.monotonic() - killed
    began = time.monotonic()
    await asyncio.wait_for(kafka.close(), 20)
    closing = time.monotonic() - began
    await asyncio.sleep(0.1)
    return {"seen": seen, "first": first, "errors": errors, "surfaced": surfaced,
            "closing": closing, "tasks": _other_tasks(),
            "sockets_left": _open_sockets() - sockets}


def test_a_broker_that_dies_mid_consume_surfaces_within_ten_seconds(fault_cluster: str) -> None:
    result = asyncio.run(_consume_through_a_crash(fault_cluster))
    assert result["seen"] == 4
    assert result["first"].topic == "faults"
    for error in result["errors"]:
        assert isinstance(error, BrokerNotAvailableError), repr(error)
        assert fault_cluster in str(error)
    assert result["surfaced"] < 10.0
    assert result["closing"] < 15.0
    assert result["tasks"] == set()
    assert result["sockets_left"] <= 0


DEAD_MEMBER = """
import asyncio, sys
from aiokafka import AIOKafkaConsumer
from aiokafka.coordinator.assignors.range import RangePartitionAssignor

async def main():
    consumer = AIOKafkaConsumer(sys.argv[2], bootstrap_servers=sys.argv[1],
                                group_id=sys.argv[3], session_timeout_ms=10000,
                                partition_assignment_strategy=(RangePartitionAssignor,))
    await consumer.start()
    print("joined", flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


def test_a_group_with_a_dead_member_joins_after_its_session_not_as_a_broker_error(
        real_kafka: str) -> None:
    """A consumer of a killed kernel stays in its group until its session times out (10 s);
    a new member's start() waits for that instead of calling the broker unavailable."""
    topic, group = f"dead-member-{uuid.uuid4().hex[:8]}", f"dead-{uuid.uuid4().hex[:8]}"

    async def setup() -> None:
        kafka = connect(real_kafka)
        await kafka.fresh_topics(NewTopic(topic, 1, 1))
        await kafka.close()

    asyncio.run(setup())
    member = subprocess.Popen([sys.executable, "-c", DEAD_MEMBER, real_kafka, topic, group],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert member.stdout is not None and member.stdout.readline().strip() == "joined"
    finally:
        member.kill()  # SIGKILL: no LeaveGroup, as a restarted kernel
        member.wait()

    async def join() -> tuple[float, list[tuple[str, int]]]:
        kafka = connect(real_kafka)
        consumer = kafka.consumer(topic, group_id=group)
        began = time.monotonic()
        await consumer.start()
        seconds = time.monotonic() - began
        assignment = sorted((tp.topic, tp.partition) for tp in consumer.assignment())
        await kafka.close()
        return seconds, assignment

    seconds, assignment = asyncio.run(join())
    assert assignment == [(topic, 0)]
    assert 5.0 < seconds < 25.0  # longer than the bootstrap limit, yet no broker error


def test_a_join_timeout_is_a_group_error_and_an_aiokafka_error() -> None:
    from engine.client.real import real_error

    error = real_error(GroupJoinTimeoutError)("billing", 45.0)
    assert isinstance(error, GroupJoinTimeoutError)
    assert isinstance(error, aiokafka.errors.KafkaTimeoutError)
    assert "'billing' did not finish joining within 45 s" in str(error)
    assert "No Kafka broker" not in str(error)
