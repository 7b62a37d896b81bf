"""AIOKafkaProducer: aiokafka's API on the engine, and how it moves simulated time."""

from __future__ import annotations

import asyncio

import pytest

from engine.core import Cluster
from engine.producer import AIOKafkaProducer
from engine.producer.errors import ProducerClosed, ProducerNotStartedError


def new_cluster(partitions: int = 3) -> Cluster:
    cluster = Cluster(1, seed=4)
    cluster.create_topic("t", partitions)
    return cluster


def test_send_and_wait_takes_linger_ms_of_simulated_time() -> None:
    cluster = new_cluster()

    async def main() -> list[int]:
        times = []
        async with AIOKafkaProducer(cluster=cluster, linger_ms=20) as producer:
            for _ in range(3):
                md = await producer.send_and_wait("t", b"v", key=b"k")
                times.append((cluster.now_ms, md.offset))
        return times

    assert asyncio.run(main()) == [(20, 0), (40, 1), (60, 2)]


def test_default_linger_is_5_ms() -> None:
    cluster = new_cluster()

    async def main() -> int:
        async with AIOKafkaProducer(cluster=cluster) as producer:
            await producer.send_and_wait("t", b"v")
            return cluster.now_ms

    assert asyncio.run(main()) == 5


def test_sends_without_waiting_batch_together_and_callbacks_run_in_flush() -> None:
    cluster = new_cluster(partitions=1)
    seen: list[str] = []

    async def main() -> None:
        producer = AIOKafkaProducer(cluster=cluster, linger_ms=1000)
        await producer.start()
        for i in range(5):
            fut = await producer.send("t", f"v{i}".encode())
            fut.add_done_callback(lambda f, i=i: seen.append(f"{i}@{f.result().offset}"))
        assert cluster.now_ms == 0 and seen == []
        await producer.flush()
        assert seen == [f"{i}@{i}" for i in range(5)]  # before flush returned
        assert cluster.now_ms == 0
        await producer.stop()

    asyncio.run(main())
    (sent,) = cluster.journal.of_kind("batch_sent")
    assert sent.data["count"] == 5


def test_awaiting_a_future_lets_the_sender_move_the_clock() -> None:
    cluster = new_cluster(partitions=1)

    async def main() -> tuple[int, int]:
        async with AIOKafkaProducer(cluster=cluster, linger_ms=7) as producer:
            futures = [await producer.send("t", b"v") for _ in range(4)]
            results = await asyncio.gather(*futures)
            return cluster.now_ms, results[-1].offset

    assert asyncio.run(main()) == (7, 3)
    assert len(cluster.journal.of_kind("batch_sent")) == 1


def test_a_clock_advance_elsewhere_sends_the_batch() -> None:
    cluster = new_cluster(partitions=1)

    async def main() -> bool:
        async with AIOKafkaProducer(cluster=cluster, linger_ms=50) as producer:
            fut = await producer.send("t", b"v")
            cluster.advance(50)  # e.g. a consumer's poll
            return fut.done()

    assert asyncio.run(main())


def test_stop_flushes_and_then_sends_raise_producer_closed() -> None:
    cluster = new_cluster()

    async def main() -> None:
        producer = AIOKafkaProducer(cluster=cluster, linger_ms=500)
        with pytest.raises(ProducerNotStartedError, match="not started"):
            await producer.send("t", b"v")
        await producer.start()
        fut = await producer.send("t", b"v")
        await producer.stop()
        assert fut.done() and fut.result().offset == 0
        with pytest.raises(ProducerClosed):
            await producer.send("t", b"v")
        await producer.stop()  # twice is fine

    asyncio.run(main())


def test_acks_0_gives_offset_minus_one() -> None:
    cluster = new_cluster()

    async def main() -> int:
        async with AIOKafkaProducer(cluster=cluster, acks=0) as producer:
            return (await producer.send_and_wait("t", b"v")).offset

    assert asyncio.run(main()) == -1


def test_serializers_bad_values_and_partitions_for() -> None:
    cluster = new_cluster()

    async def main() -> None:
        async with AIOKafkaProducer(cluster=cluster, value_serializer=str.encode) as producer:
            md = await producer.send_and_wait("t", "text", partition=2)
            assert (md.partition, md.topic_partition.partition) == (2, 2)
            assert await producer.partitions_for("t") == {0, 1, 2}
        async with AIOKafkaProducer(cluster=cluster) as producer:
            with pytest.raises(TypeError, match="value_serializer"):
                await producer.send("t", "text")
            with pytest.raises(AssertionError, match="Need at least one"):
                await producer.send("t")

    asyncio.run(main())
    assert cluster.fetch("t", 2)[0].value == b"text"


def test_create_batch_and_send_batch() -> None:
    cluster = new_cluster()

    async def main() -> int:
        async with AIOKafkaProducer(cluster=cluster) as producer:
            batch = producer.create_batch()
            for i in range(3):
                assert batch.append(key=None, value=f"{i}".encode(), timestamp=None)
            assert batch.record_count() == 3
            fut = await producer.send_batch(batch, "t", partition=1)
            return (await fut).offset

    assert asyncio.run(main()) == 0
    assert [r.value for r in cluster.fetch("t", 1)] == [b"0", b"1", b"2"]


@pytest.mark.parametrize(("acks", "timestamp_type"), [
    ("all", "CreateTime"), (1, "LogAppendTime"), (0, "CreateTime")])
def test_send_batch_resolves_with_the_brokers_answer_as_aiokafka(
        acks: object, timestamp_type: str) -> None:
    cluster = Cluster(1, seed=4)
    cluster.create_topic("t", 2, configs={"message.timestamp.type": timestamp_type})
    cluster.advance(1000)

    async def main() -> tuple[object, object]:
        async with AIOKafkaProducer(cluster=cluster, acks=acks) as producer:
            await producer.send_and_wait("t", b"before", partition=1)
            batch = producer.create_batch()
            for i in range(3):
                batch.append(key=None, value=b"%d" % i, timestamp=500 + i)
            fut = await producer.send_batch(batch, "t", partition=1)
            return await fut, cluster.now_ms

    metadata, now = asyncio.run(main())
    if acks == 0:
        assert metadata is None  # aiokafka's done_noack
        return
    assert metadata is not None
    assert (metadata.offset, metadata.partition) == (1, 1)  # the batch's base offset
    if timestamp_type == "CreateTime":
        assert (metadata.timestamp, metadata.timestamp_type) == (-1, 0)
    else:
        assert (metadata.timestamp, metadata.timestamp_type) == (now, 1)
        assert [r.timestamp for r in cluster.fetch("t", 1)][1:] == [now] * 3


def test_a_closed_or_full_batch_builder_takes_no_more_records() -> None:
    cluster = new_cluster()

    async def main() -> None:
        async with AIOKafkaProducer(cluster=cluster, max_batch_size=200) as producer:
            closed = producer.create_batch()
            assert closed.append(key=None, value=b"a", timestamp=None) is not None
            closed.close()
            assert closed.closed()
            assert closed.append(key=None, value=b"b", timestamp=None) is None
            assert closed.record_count() == 1
            full = producer.create_batch()
            while full.append(key=None, value=b"x" * 40, timestamp=None) is not None:
                pass
            count = full.record_count()
            assert full.closed()  # a full builder closes itself, as aiokafka's
            assert full.append(key=None, value=b"y", timestamp=None) is None
            assert full.record_count() == count and full.size() <= 200
            with pytest.raises(TypeError, match=r"^Expected bytes, got str$"):
                producer.create_batch().append(key=None, value=b"v", timestamp=None,
                                               headers=[("h", "text")])

    asyncio.run(main())


def test_two_runs_give_the_same_journal() -> None:
    def run() -> str:
        cluster = Cluster(3, seed=2, controller="dedicated")
        cluster.create_topic("t", 3, 3)

        async def main() -> None:
            async with AIOKafkaProducer(cluster=cluster) as producer:
                for i in range(30):
                    fut = await producer.send("t", b"v", key=str(i % 4).encode())
                    if i % 7 == 0:
                        await fut
                cluster.kill_broker(2)
                await producer.send_and_wait("t", b"after")

        asyncio.run(main())
        return cluster.journal.digest()

    assert run() == run()


def _journal(cluster: Cluster) -> list[tuple[int, str, dict[str, object]]]:
    return [(e.time_ms, e.kind, dict(e.data)) for e in cluster.journal]


def test_the_common_send_and_the_general_send_leave_the_same_journal() -> None:
    async def main(headers: list[tuple[str, bytes]] | None) -> tuple[list[object], object]:
        cluster = new_cluster()
        async with AIOKafkaProducer(cluster=cluster, max_batch_size=3000) as producer:
            futures = [await producer.send("t", b"v" * (i % 150), key=b"k%d" % (i % 7),
                                           headers=headers) for i in range(300)]
            await producer.flush()
        return [f.result() for f in futures], _journal(cluster)

    plain = asyncio.run(main(None))
    general = asyncio.run(main([]))  # headers given: the general path
    assert plain == general
    assert all(isinstance(md.offset, int) for md in plain[0])  # type: ignore[attr-defined]


def test_a_cancelled_send_future_does_not_stop_the_others() -> None:
    cluster = new_cluster(1)

    async def main() -> tuple[bool, list[int]]:
        async with AIOKafkaProducer(cluster=cluster) as producer:
            first = await producer.send("t", b"a", key=b"k")
            second = await producer.send("t", b"b", key=b"k")
            assert isinstance(first, asyncio.Future)
            first.cancel()
            md = await second
            return first.cancelled(), [md.offset, len(cluster.fetch("t", 0, 0))]

    cancelled, (offset, end) = asyncio.run(main())
    assert cancelled and offset == 1 and end == 2


def test_callbacks_run_batch_by_batch_in_the_order_batches_were_sent() -> None:
    cluster = new_cluster()

    async def main() -> tuple[list[int], list[tuple[int, int]]]:
        seen: list[int] = []
        futures = []
        async with AIOKafkaProducer(cluster=cluster, max_batch_size=500) as producer:
            for i in range(60):
                fut = await producer.send("t", b"v" * 40, key=b"key-%d" % (i % 5))
                fut.add_done_callback(lambda _f, i=i: seen.append(i))
                futures.append(fut)
            await producer.flush()
            placed = [(f.result().partition, f.result().offset) for f in futures]
            return seen, placed

    seen, placed = asyncio.run(main())
    # one callback per record, before flush() returned
    assert sorted(seen) == list(range(60))
    # exactly: batch after batch as the sender sent them, each batch in offset order
    batches = [(e.data["partition"], e.data["base_offset"], e.data["count"])
               for e in cluster.journal.of_kind("batch_sent")]
    expected = [placed.index((p, offset))
                for p, base, count in batches for offset in range(base, base + count)]
    assert seen == expected
    # so each partition's callbacks keep send order, but not the sends as a whole
    for partition in {p for p, _ in placed}:
        mine = [i for i in seen if placed[i][0] == partition]
        assert mine == sorted(mine)
    assert len({p for p, _, _ in batches}) > 1 and seen != sorted(seen)


def test_the_sender_task_moves_the_clock_only_once_a_send_wakes_it() -> None:
    cluster = new_cluster(1)

    async def main() -> tuple[int, bool, int]:
        async with AIOKafkaProducer(cluster=cluster, linger_ms=30) as producer:
            queued = producer.sync.send("t", b"direct")  # the engine producer, no wake-up
            for _ in range(5):
                await asyncio.sleep(0)
            before = cluster.now_ms
            await producer.send_and_wait("t", b"woken")
            return before, queued.done(), cluster.now_ms

    assert asyncio.run(main()) == (0, True, 30)
