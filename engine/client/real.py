"""``KafkaBackend``: the backend over a real Kafka cluster, through aiokafka.

Its clients are aiokafka's own classes with three additions, so that a notebook never
hangs on a missing broker:

* ``start()`` first checks that something answers at the bootstrap address (TCP, 2 s),
  then gives aiokafka's bootstrap (the first metadata) 5 s; on failure it stops the client
  and raises :class:`~engine.client.errors.BrokerNotAvailableError` naming the address.
  A consumer's group join that follows may take the group's session/rebalance timeout
  (a member of a restarted kernel is waited for); past that it raises
  :class:`~engine.client.errors.GroupJoinTimeoutError`, a group problem, while the broker
  still answers;
* a consumer's ``getmany``/``getone``/``async for`` run the underlying call while checking
  about once a second that the broker still answers; after ~4 s without an answer they
  cancel the call and raise ``BrokerNotAvailableError`` (so within 10 s);
* ``stop()`` skips the final auto-commit when the broker is gone (aiokafka would retry it
  forever) and gives up after 5 s in any case.

Both errors are raised as subclasses that are also aiokafka's errors
(:func:`real_error`): ``except aiokafka.errors.KafkaError`` catches them in real mode.
aiokafka is imported only when a real backend is made: the engine needs no dependency.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from engine.client.backend import (
    CONSUMER_DEFAULTS,
    PRODUCER_DEFAULTS,
    Backend,
    ObservedConsumer,
    ObservedProducer,
)
from engine.client.errors import BrokerNotAvailableError, GroupJoinTimeoutError
from engine.client.quiet import lines_since, quiet_logs
from engine.core.errors import KafkaError

CONNECT_TIMEOUT_S = 2.0   # the TCP check before a client starts
BOOTSTRAP_TIMEOUT_S = 5.0  # aiokafka's bootstrap: the first metadata from a broker
AFTER_BOOTSTRAP_S = 30.0  # the rest of a start (a producer's InitProducerId, ...) at least
JOIN_MARGIN_S = 10.0      # beyond a group's session/rebalance timeout
STOP_TIMEOUT_S = 5.0      # stop() against a broker that went away
SLICE_S = 1.0             # how often a consume call checks the broker
PROBE_TIMEOUT_S = 0.5     # one reachability probe while consuming
GIVE_UP_S = 4.0           # unreachable for this long: the broker is gone


def addresses(bootstrap_servers: str) -> list[tuple[str, int]]:
    """``"h1:p1,h2:p2"`` as ``[(h1, p1), (h2, p2)]``; a clear error for a bad address."""
    out = []
    for item in bootstrap_servers.split(","):
        host, sep, port = item.strip().rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ValueError(f"bootstrap server {item.strip()!r} is not host:port")
        out.append((host.strip("[]"), int(port)))
    return out


async def reachable(bootstrap_servers: str, timeout: float = CONNECT_TIMEOUT_S) -> bool:
    """True if any of the addresses accepts a TCP connection within ``timeout``."""
    for host, port in addresses(bootstrap_servers):
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        except (TimeoutError, OSError):
            continue
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True
    return False


class GuardedStart:
    """Mixin: ``start()`` fails fast with BrokerNotAvailableError, stopping the client.

    Only aiokafka's bootstrap (the first metadata from a broker) is limited to
    BOOTSTRAP_TIMEOUT_S. What follows (a consumer joining its group) may take as long as
    the group's session or rebalance timeout; beyond that it fails as a group problem
    (:class:`~engine.client.errors.GroupJoinTimeoutError`) while the broker still answers.
    """

    _course_bootstrap: str = ""
    _course_release: Callable[[], Awaitable[None]]  # from BoundedStop or the admin class

    async def start(self) -> None:
        bootstrap = self._course_bootstrap
        if not await reachable(bootstrap):
            await self._course_release()
            raise real_error(BrokerNotAvailableError)(
                bootstrap, "nothing accepts connections there")
        client = getattr(self, "_client", None) or self.client  # type: ignore[attr-defined]
        original = client.bootstrap
        client.bootstrap = functools.partial(_bounded_bootstrap, original)
        limit = self._course_start_limit()
        try:
            await asyncio.wait_for(super().start(), limit)  # type: ignore[misc]
        except _BootstrapFailed as failed:
            await self._course_release()
            raise real_error(BrokerNotAvailableError)(bootstrap, failed.detail) from (
                failed.__cause__)
        except Exception as error:
            await self._course_release()
            if not await reachable(bootstrap, PROBE_TIMEOUT_S):
                raise real_error(BrokerNotAvailableError)(
                    bootstrap, "the broker stopped answering") from error
            group = getattr(self, "_group_id", None)
            if isinstance(error, TimeoutError) and group is not None:
                raise real_error(GroupJoinTimeoutError)(group, limit) from error
            raise
        finally:
            client.bootstrap = original

    def _course_start_limit(self) -> float:
        """How long the whole start may take: a group's join waits up to the session or
        rebalance timeout for the other members."""
        group_ms = max(getattr(self, "_session_timeout_ms", 0) or 0,
                       getattr(self, "_rebalance_timeout_ms", 0) or 0)
        return BOOTSTRAP_TIMEOUT_S + max(group_ms / 1000, AFTER_BOOTSTRAP_S) + JOIN_MARGIN_S


class _BootstrapFailed(Exception):
    """aiokafka's bootstrap did not get metadata in time (raised inside start())."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


async def _bounded_bootstrap(bootstrap: Callable[[], Awaitable[None]]) -> None:
    """aiokafka's ``client.bootstrap()`` within BOOTSTRAP_TIMEOUT_S."""
    from aiokafka.errors import KafkaError

    try:
        await asyncio.wait_for(bootstrap(), BOOTSTRAP_TIMEOUT_S)
    except TimeoutError as error:
        raise _BootstrapFailed(f"no answer within {BOOTSTRAP_TIMEOUT_S:.0f} s") from error
    except (OSError, KafkaError) as error:
        raise _BootstrapFailed(str(error)) from error


@functools.cache
def real_error(base: type[KafkaError]) -> type[KafkaError]:
    """``base`` as real mode raises it: a subclass that is also aiokafka's matching error
    (``KafkaConnectionError`` for a missing broker, ``KafkaTimeoutError`` for a group that
    did not join), so ``except aiokafka.errors.KafkaError`` catches it too."""
    from aiokafka import errors

    extra = {BrokerNotAvailableError: errors.KafkaConnectionError,
             GroupJoinTimeoutError: errors.KafkaTimeoutError}[base]
    return type(base.__name__, (base, extra),
                {"__module__": base.__module__, "__qualname__": base.__qualname__,
                 "__doc__": base.__doc__})


class BoundedStop:
    """Mixin for producers and consumers: ``stop()`` returns within STOP_TIMEOUT_S."""

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(super().stop(), STOP_TIMEOUT_S)  # type: ignore[misc]
        except TimeoutError:
            pass
        except asyncio.CancelledError:
            # aiokafka's fetcher awaits the fetch tasks it just cancelled; only a
            # cancellation of this task itself goes on
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
        client = getattr(self, "_client", None) or getattr(self, "client", None)
        if client is not None:  # the connections, whatever happened above
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.close(), PROBE_TIMEOUT_S * 4)

    async def _course_release(self) -> None:
        with contextlib.suppress(Exception):
            await self.stop()


class WatchedConsume:
    """Mixin for a consumer: consume calls raise BrokerNotAvailableError when the broker
    stops answering for good."""

    _course_bootstrap: str = ""
    _course_down_since: float | None = None
    _course_checked: float = 0.0

    async def getmany(self, *partitions: Any, timeout_ms: int = 0,
                      max_records: int | None = None) -> Any:
        call = super().getmany  # type: ignore[misc]
        return await self._course_watch(
            lambda: call(*partitions, timeout_ms=timeout_ms, max_records=max_records))

    async def getone(self, *partitions: Any) -> Any:
        call = super().getone  # type: ignore[misc]
        return await self._course_watch(lambda: call(*partitions))

    async def _course_watch(self, make: Callable[[], Awaitable[Any]]) -> Any:
        task = asyncio.ensure_future(make())
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=SLICE_S)
                if done:
                    result = task.result()
                    if result:
                        self._course_down_since = None
                    else:
                        await self._course_check()
                    return result
                await self._course_check()
        finally:
            if not task.done():
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    current = asyncio.current_task()
                    if current is not None and current.cancelling():
                        raise
                except Exception:  # the call's own failure no longer matters
                    pass

    async def stop(self) -> None:
        """With the broker gone, skip the last auto-commit, which would retry forever."""
        down = self._course_down_since is not None
        if down or not await reachable(self._course_bootstrap, PROBE_TIMEOUT_S):
            coordinator = getattr(self, "_coordinator", None)
            if coordinator is not None:
                coordinator._enable_auto_commit = False
        await super().stop()  # type: ignore[misc]

    async def _course_check(self) -> None:
        now = time.monotonic()
        if now - self._course_checked < SLICE_S and self._course_down_since is None:
            return
        self._course_checked = now
        if await reachable(self._course_bootstrap, PROBE_TIMEOUT_S):
            self._course_down_since = None
            return
        if self._course_down_since is None:
            self._course_down_since = now
        elif now - self._course_down_since >= GIVE_UP_S:
            raise real_error(BrokerNotAvailableError)(
                self._course_bootstrap,
                f"the broker stopped answering {now - self._course_down_since:.0f} s ago")


@functools.cache
def _classes() -> tuple[type, type, type]:
    """The real client classes (aiokafka imported on first use)."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient

    class KafkaProducer(ObservedProducer, GuardedStart, BoundedStop, AIOKafkaProducer):
        """aiokafka's producer: fails fast without a broker, notes acknowledged sends."""

    class KafkaConsumer(ObservedConsumer, GuardedStart, BoundedStop, WatchedConsume,
                        AIOKafkaConsumer):
        """aiokafka's consumer: fails fast without a broker, notes its assignment."""

    class KafkaAdminClient(GuardedStart, AIOKafkaAdminClient):
        """aiokafka's admin client: fails fast without a broker, and has ``list_offsets``."""

        async def list_offsets(self, offsets: Any) -> dict[Any, int]:
            """Java's ``Admin.listOffsets`` (see the engine admin's): aiokafka's admin client
            lacks it, so a short-lived consumer without a group asks the brokers."""
            from aiokafka.structs import TopicPartition

            from engine.admin.client import list_offsets_spec

            specs = {TopicPartition(*tp): spec
                     for tp, spec in list_offsets_spec(offsets).items()}
            reader = AIOKafkaConsumer(bootstrap_servers=self._course_bootstrap,
                                      enable_auto_commit=False)
            await reader.start()
            try:
                earliest = [tp for tp, spec in specs.items() if spec == "earliest"]
                latest = [tp for tp, spec in specs.items() if spec == "latest"]
                times = {tp: spec for tp, spec in specs.items()
                         if not isinstance(spec, str)}
                out: dict[Any, int] = {}
                if earliest:
                    out.update(await reader.beginning_offsets(earliest))
                if latest:
                    out.update(await reader.end_offsets(latest))
                if times:
                    found = await reader.offsets_for_times(times)
                    out.update({tp: -1 if hit is None else hit.offset
                                for tp, hit in found.items()})
            finally:
                await reader.stop()
            return {tp: out[tp] for tp in specs}

        async def _course_release(self) -> None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.close(), STOP_TIMEOUT_S)

    return KafkaProducer, KafkaConsumer, KafkaAdminClient


class KafkaBackend(Backend):
    """Clients of a real Kafka cluster at ``bootstrap_servers``."""

    kind = "kafka"

    def __init__(self, bootstrap_servers: str, container: Any = None) -> None:
        super().__init__()
        addresses(bootstrap_servers)
        self.bootstrap_servers = bootstrap_servers
        self.container = container
        self._log_mark = quiet_logs()

    @property
    def log(self) -> list[str]:
        """aiokafka's log lines since this backend was made (the last LOG_LINES of them;
        aiokafka's loggers are process-wide, so two live backends see the same lines)."""
        return lines_since(self._log_mark)

    def _prepare(self, client: Any) -> Any:
        client._course_bootstrap = self.bootstrap_servers
        return client

    def producer_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """Kafka's producer defaults under the caller's keywords; as the Java client,
        idempotence is on by default only while ``acks`` is ``all``."""
        defaults = dict(PRODUCER_DEFAULTS)
        if config.get("acks", "all") not in ("all", -1, "-1"):
            del defaults["enable_idempotence"]
        return {**defaults, **config}

    def consumer_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """Kafka's consumer defaults (range assignment) under the caller's keywords."""
        from aiokafka.coordinator.assignors.range import RangePartitionAssignor

        return {**CONSUMER_DEFAULTS,
                "partition_assignment_strategy": (RangePartitionAssignor,), **config}

    def _make_producer(self, config: dict[str, Any]) -> Any:
        config.setdefault("bootstrap_servers", self.bootstrap_servers)
        return self._prepare(_classes()[0](**config))

    def _make_consumer(self, topics: tuple[str, ...], config: dict[str, Any]) -> Any:
        config.setdefault("bootstrap_servers", self.bootstrap_servers)
        return self._prepare(_classes()[1](*topics, **config))

    def _make_admin(self, config: dict[str, Any]) -> Any:
        config.setdefault("bootstrap_servers", self.bootstrap_servers)
        return self._prepare(_classes()[2](**config))

    def _error_class(self, code: int) -> type[Exception]:
        from aiokafka.errors import for_code

        return for_code(code)

    async def close(self) -> None:
        """Stop the clients, then the container if this backend started one."""
        await super().close()
        container, self.container = self.container, None
        if container is not None:
            await asyncio.to_thread(container.stop)
