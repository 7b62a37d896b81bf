"""The labs' shared backend: ``run_coroutine`` runs a coroutine from a plain call (also
inside a running event loop) and re-raises its errors; ``LabKafka`` hands out the engine
clients of the lab's cluster."""

from __future__ import annotations

import asyncio

import pytest

from engine import Cluster
from engine.labs.backend import LabKafka, run_coroutine


def test_run_coroutine_returns_and_raises_from_its_own_loop() -> None:
    async def answer() -> int:
        return 42

    async def fails() -> None:
        raise NotImplementedError("stub")

    assert run_coroutine(answer) == 42
    with pytest.raises(NotImplementedError, match="stub"):
        run_coroutine(fails)


def test_run_coroutine_works_inside_a_running_loop() -> None:
    async def inner() -> str:
        return "inner"

    async def notebook_cell() -> str:
        return str(run_coroutine(inner))

    assert asyncio.run(notebook_cell()) == "inner"


def test_lab_kafka_talks_to_the_labs_cluster() -> None:
    cluster = Cluster(brokers=1, seed=1)
    cluster.create_topic("t", partitions=2)
    kafka = LabKafka(cluster)

    async def send() -> int:
        async with kafka.producer() as producer:
            metadata = await producer.send_and_wait("t", b"v", key=b"k")
        return int(metadata.offset)

    assert kafka.kind == "engine"
    assert kafka.bootstrap_servers
    assert run_coroutine(send) == 0
    assert sum(p.high_watermark for p in cluster.describe_topic("t").partitions) == 1
