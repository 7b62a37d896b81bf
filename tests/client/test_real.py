"""The real backend's guards: address parsing, reachability, and consume calls that give up
when the broker stops answering (timings shortened here; tests/real runs the real thing)."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import pytest

from engine.client import BrokerNotAvailableError, real
from engine.client.real import WatchedConsume, addresses, reachable


def test_addresses() -> None:
    assert addresses("a:1, [::1]:2") == [("a", 1), ("::1", 2)]
    with pytest.raises(ValueError, match="'a' is not host:port"):
        addresses("a")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_reachable_sees_a_listener_and_not_a_closed_port() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        bootstrap = f"127.0.0.1:{_closed_port()},127.0.0.1:{port}"
        assert asyncio.run(reachable(bootstrap)) is True
    assert asyncio.run(reachable(f"127.0.0.1:{_closed_port()}")) is False


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
    consumer._course_bootstrap = f"127.0.0.1:{_closed_port()}"

    async def go() -> tuple[float, set]:
        began = time.monotonic()
        with pytest.raises(BrokerNotAvailableError, match="stopped answering"):
            await consumer.getone()
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
    consumer._course_bootstrap = f"127.0.0.1:{_closed_port()}"
    assert asyncio.run(consumer.getmany(timeout_ms=10)) == {"tp": [1]}
    assert consumer._course_down_since is None
