"""The aiokafka-shaped facade runs aiokafka-style code on the engine."""

from __future__ import annotations

import asyncio
from typing import Any

from engine.consumer import AIOKafkaConsumer
from engine.core.records import TopicPartition as TP
from tests.consumer.helpers import new_cluster


def test_async_consume_commit_stop() -> None:
    cluster = new_cluster(partitions=1)
    for i in range(3):
        cluster.produce("t", str(i))

    async def main() -> list[bytes]:
        seen = []
        async with AIOKafkaConsumer("t", cluster=cluster, group_id="g",
                                    enable_auto_commit=False,
                                    auto_offset_reset="earliest") as consumer:
            async for record in consumer:
                seen.append(record.value)
                if len(seen) == 3:
                    break
            await consumer.commit()
            assert await consumer.committed(TP("t", 0)) == 3
            assert consumer.assignment() == {TP("t", 0)}
            batch = await consumer.getmany(timeout_ms=100)
            assert batch == {}
        return seen

    assert asyncio.run(main()) == [b"0", b"1", b"2"]
    assert cluster.groups.group_state("g") == "Empty"


def test_async_listener_coroutines_run() -> None:
    cluster = new_cluster(partitions=2)
    calls = []

    class Listener:
        async def on_partitions_revoked(self, revoked):
            calls.append(("revoked", sorted(revoked)))

        async def on_partitions_assigned(self, assigned):
            calls.append(("assigned", sorted(assigned)))

    async def main() -> None:
        consumer = AIOKafkaConsumer(cluster=cluster, group_id="g")
        consumer.subscribe(["t"], listener=Listener())
        await consumer.start()
        await consumer.getmany(timeout_ms=4000)
        await consumer.stop()

    asyncio.run(main())
    assert calls == [("assigned", [TP("t", 0), TP("t", 1)]),
                     ("revoked", [TP("t", 0), TP("t", 1)])]


def test_a_getmany_loop_with_the_default_timeout_makes_progress() -> None:
    cluster = new_cluster(partitions=1)
    for i in range(3):
        cluster.produce("t", str(i))

    async def main() -> tuple[list[bytes], int]:
        seen: list[bytes] = []
        calls = 0
        async with AIOKafkaConsumer("t", cluster=cluster, group_id="g",
                                    auto_offset_reset="earliest") as consumer:
            while len(seen) < 3 and calls < 100:
                calls += 1
                for records in (await consumer.getmany()).values():
                    seen.extend(r.value for r in records)
        return seen, calls

    start = cluster.now_ms
    seen, calls = asyncio.run(main())
    assert seen == [b"0", b"1", b"2"]
    # the group's first join waits group.initial.rebalance.delay.ms (3000 ms); each call
    # that finds nothing lets one fetch round of fetch.max.wait.ms (500 ms) pass, so the
    # sixth call reaches 3000 ms, when the group forms and the records arrive
    assert calls == 6
    assert cluster.now_ms - start == 3000


def test_offsets_for_times_finds_the_first_record_at_or_after_a_time() -> None:
    cluster = new_cluster(partitions=2)
    for i in range(3):
        cluster.produce("t", str(i), partition=0, timestamp_ms=1000 * (i + 1))

    async def main() -> Any:
        consumer = AIOKafkaConsumer(cluster=cluster)
        await consumer.start()
        found = await consumer.offsets_for_times({TP("t", 0): 2000, TP("t", 1): 0})
        await consumer.stop()
        return found

    found = asyncio.run(main())
    assert found[TP("t", 0)] == (1, 2000)
    assert found[TP("t", 1)] is None
