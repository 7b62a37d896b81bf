"""The real backend's guards: address parsing, reachability, and consume calls that give up
when the broker stops answering (timings shortened here; tests/real runs the real thing)."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import aiokafka.errors
import pytest

from engine.client import BrokerNotAvailableError, GroupJoinTimeoutError, real
from engine.client.containers import free_port
from engine.client.real import WatchedConsume, addresses, reachable


def test_addresses() -> None:
    assert addresses("a:1, [::1]:2") == [("a", 1), ("::1", 2)]
    with pytest.raises(ValueError, match="'a' is not host:port"):
        addresses("a")


def test_reachable_sees_a_listener_and_not_afree_port() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        bootstrap = f"127.0.0.1:{free_port()},127.0.0.1:{port}"
        assert asyncio.run(reachable(bootstrap)) is True
    assert asyncio.run(reachable(f"127.0.0.1:{free_port()}")) is False


class Hanging:
    """A consumer underneath whose calls wait until cancelled (a broker that went away)."""

    cancelled = 0

    async def getmany(self, *partitions: Any, timeout_ms: int = 0,
                      max_records: int | None = None) -> dict:
        await self.getone()
        return {}

    async def getone(self, *partitions: Any) -> Any:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            Hanging.cancelled += 1
            raise


class Watched(WatchedConsume, Hanging):
    pass


def test_a_hanging_consume_call_raises_once_the_broker_stays_unreachable(monkeypatch) -> None:
    monkeypatch.setattr(real, "SLICE_S", 0.05)
    monkeypatch.setattr(real, "GIVE_UP_S", 0.3)
    consumer = Watched()
    consumer._course_bootstrap = f"127.0.0.1:{free_port()}"

    async def go() -> tuple[float, set]:
        began = time.monotonic()
        with pytest.raises(BrokerNotAvailableError, match="stopped answering") as raised:
            await consumer.getone()
        assert isinstance(raised.value, aiokafka.errors.KafkaConnectionError)
        with pytest.raises(BrokerNotAvailableError, match="stopped answering"):
            await consumer.getmany(timeout_ms=100)
        took = time.monotonic() - began
        await asyncio.sleep(0)
        return took, {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}

    took, left = asyncio.run(go())
    assert 0.3 <= took < 2.5
    assert left == set()
    assert Hanging.cancelled == 2


def test_a_call_that_returns_in_time_is_untouched() -> None:
    class Quick:
        async def getmany(self, *partitions: Any, **kwargs: Any) -> dict:
            return {"tp": [1]}

    class WatchedQuick(WatchedConsume, Quick):
        pass

    consumer = WatchedQuick()
    consumer._course_bootstrap = f"127.0.0.1:{free_port()}"
    assert asyncio.run(consumer.getmany(timeout_ms=10)) == {"tp": [1]}
    assert consumer._course_down_since is None


class Starting:
    """A client underneath whose bootstrap takes ``bootstrap_s`` and whose group join then
    takes ``join_s`` (aiokafka's start: bootstrap first, then the rest)."""

    def __init__(self, bootstrap_s: float, join_s: float) -> None:
        self.bootstrap_s, self.join_s = bootstrap_s, join_s
        self.released = 0
        outer = self

        class Client:
            async def bootstrap(self) -> None:
                await asyncio.sleep(outer.bootstrap_s)

        self._client = Client()

    async def start(self) -> None:
        await self._client.bootstrap()
        await asyncio.sleep(self.join_s)

    async def _course_release(self) -> None:
        self.released += 1


class GuardedStarting(real.GuardedStart, Starting):
    _group_id = "billing"
    _session_timeout_ms = 100
    _rebalance_timeout_ms = 100


def _start(monkeypatch, bootstrap_s: float, join_s: float) -> tuple[Any, BaseException | None]:
    monkeypatch.setattr(real, "BOOTSTRAP_TIMEOUT_S", 0.3)
    monkeypatch.setattr(real, "AFTER_BOOTSTRAP_S", 0.1)
    monkeypatch.setattr(real, "JOIN_MARGIN_S", 0.2)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        client = GuardedStarting(bootstrap_s, join_s)
        client._course_bootstrap = f"127.0.0.1:{server.getsockname()[1]}"
        try:
            asyncio.run(client.start())
        except Exception as error:
            return client, error
        return client, None


def test_only_the_bootstrap_is_held_to_the_short_limit(monkeypatch) -> None:
    # bootstrap 0.1 s, then a join of 0.35 s: past the bootstrap limit, within the group's
    client, error = _start(monkeypatch, 0.1, 0.35)
    assert error is None and client.released == 0
    client, error = _start(monkeypatch, 1.0, 0.0)
    assert isinstance(error, BrokerNotAvailableError) and client.released == 1
    assert "no answer within 0 s" in str(error)
    assert isinstance(error, aiokafka.errors.KafkaConnectionError)


def test_a_join_past_the_group_timeouts_is_a_group_error_not_a_broker_one(monkeypatch) -> None:
    client, error = _start(monkeypatch, 0.0, 5.0)
    assert isinstance(error, GroupJoinTimeoutError), repr(error)
    assert isinstance(error, aiokafka.errors.KafkaTimeoutError)
    assert "'billing' did not finish joining" in str(error)
    assert "No Kafka broker" not in str(error) and client.released == 1
