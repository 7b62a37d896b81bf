"""The aiokafka-shaped facade runs aiokafka-style code on the engine."""

from __future__ import annotations

import asyncio

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
