"""Observed records acknowledged sends and consumers' assignments."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.admin import NewTopic

from engine.client import connect
from engine.client.observed import Observed, SentRecord
from engine.core.errors import MessageSizeTooLargeError
from engine.core.records import TopicPartition


def _metadata(partition: int, offset: int) -> object:
    from engine.producer.metadata import RecordMetadata

    return RecordMetadata("t", partition, TopicPartition("t", partition), offset, 0, 0, 0)


def test_notes_and_partitions_by_key() -> None:
    async def go() -> Observed:
        loop = asyncio.get_running_loop()
        observed = Observed()
        for key, partition, offset in ((b"a", 1, 0), (b"a", 1, 1), (b"b", 0, 0)):
            future = loop.create_future()
            future.set_result(_metadata(partition, offset))
            observed.note_future(key, future)
        return observed

    observed = asyncio.run(go())
    assert observed.sends[1] == SentRecord("t", b"a", 1, 1)
    assert observed.partitions_by_key() == {("t", b"a"): {1}, ("t", b"b"): {0}}
    observed.note_assignment(0, "g", {TopicPartition("t", 1), TopicPartition("t", 0)})
    observed.note_assignment(0, "g", {TopicPartition("t", 1)})
    assert observed.consumers[0].assignment == (("t", 1),)
    observed.clear()
    assert observed.sends == [] and observed.consumers == {}


def test_unread_sends_are_resolved_once_too_many_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.client import observed as module

    monkeypatch.setattr(module, "RESOLVE_AT", 4)

    async def go() -> list[tuple[int, int, int]]:
        loop = asyncio.get_running_loop()
        observed = Observed()
        sizes = []
        in_flight = []
        for i in range(12):
            future = loop.create_future()
            if i % 3:
                future.set_result(_metadata(0, i))
            else:
                in_flight.append(future)  # never done: must be kept
            observed.unresolved_keys.append(i)  # as the engine's producer appends
            observed.unresolved_futures.append(future)
            sizes.append((len(observed.unresolved_futures), len(observed._sends),
                          observed.resolve_at))
        assert [s.key for s in observed.sends] == [i for i in range(12) if i % 3]
        assert observed.unresolved_keys == [0, 3, 6, 9]
        return sizes

    sizes = asyncio.run(go())
    assert all(size <= limit for size, _, limit in sizes)  # never past the limit
    assert sizes[4] == (2, 3, 4)  # the fifth send resolved the three done ones
    # the limit grows with what is still in flight (twice it), so resolving stays cheap
    assert sizes[-1] == (4, 8, 8)


def test_failed_sends_are_not_noted_and_each_consumer_is_its_own_entry() -> None:
    async def go() -> Observed:
        kafka = connect()
        await kafka.fresh_topics(NewTopic("t", 2, 1))
        producer = kafka.producer(max_request_size=2000)
        await producer.start()
        await producer.send_and_wait("t", b"ok", key=b"k")
        with pytest.raises(MessageSizeTooLargeError):
            await producer.send_and_wait("t", b"x" * 5000, key=b"big")
        first = kafka.consumer("t", group_id="g")
        second = kafka.consumer("t", group_id="g")
        await first.start()
        await second.start()
        for _ in range(40):  # group.initial.rebalance.delay.ms is 3 s on the broker
            await first.getmany(timeout_ms=500)
            await second.getmany(timeout_ms=500)
            if first.assignment() and second.assignment():
                break
        await kafka.close()
        return kafka.observed

    observed = asyncio.run(go())
    assert [s.key for s in observed.sends] == [b"k"]
    assert sorted(observed.consumers) == [0, 1]
    owned = [p for seen in observed.consumers.values() for p in seen.assignment]
    assert sorted(owned) == [("t", 0), ("t", 1)]


def test_sends_are_read_from_their_futures_when_asked_for() -> None:
    from engine.producer.metadata import RecordMetadata

    async def go() -> None:
        loop = asyncio.get_running_loop()
        observed = Observed()
        done, waiting, failed, cancelled = (loop.create_future() for _ in range(4))
        for key, future in ((b"a", done), (b"b", waiting), (b"c", failed), (b"d", cancelled)):
            observed.note_future(key, future)
        tp = TopicPartition("t", 1)
        done.set_result(RecordMetadata("t", 1, tp, 7, 0, 0, 0))
        failed.set_exception(MessageSizeTooLargeError())
        cancelled.cancel()
        assert observed.sends == [SentRecord("t", b"a", 1, 7)]
        assert observed.unresolved_keys == [b"b"]  # still waiting: kept for later
        waiting.set_result(RecordMetadata("t", 1, tp, 8, 0, 0, 0))
        assert [s.offset for s in observed.sends] == [7, 8]
        assert observed.unresolved_futures == []

    asyncio.run(go())


def test_a_consumer_seen_keeps_the_client_id_it_was_given() -> None:
    async def go() -> Observed:
        kafka = connect()
        await kafka.fresh_topics(NewTopic("t", 1, 1))
        named = kafka.consumer("t", group_id="g", client_id="billing-1")
        plain = kafka.consumer("t", group_id="g")
        await named.start()
        await plain.start()
        await kafka.close()
        return kafka.observed

    observed = asyncio.run(go())
    assert [c.client_id for c in observed.consumers.values()] == ["billing-1", None]
    assert observed.consumers[0]._fields[-1] == "client_id"
