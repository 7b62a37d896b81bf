"""``Backend``: what :func:`engine.client.connect` returns, the same on both kinds.

A backend makes aiokafka-shaped clients (``producer()``, ``consumer()``, ``admin()``, none
started), applies the Java client's Kafka 4.x defaults where aiokafka's differ (the
caller's keywords always win), keeps every client it made so that ``close()`` stops them,
re-creates topics with ``fresh_topics()`` so a lesson can run again on a real cluster, and
records what its clients saw in ``observed``. :mod:`engine.client.engine_backend` and
:mod:`engine.client.real` fill in how clients are made.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from engine.client.observed import Observed
from engine.client.quiet import quiet_logs

if TYPE_CHECKING:
    from engine.core.cluster import Cluster

#: The Java producer's defaults where aiokafka's differ (aiokafka: acks=1, no idempotence,
#: linger_ms=0, request_timeout_ms=40000).
PRODUCER_DEFAULTS: dict[str, Any] = {
    "acks": "all", "enable_idempotence": True, "linger_ms": 5, "request_timeout_ms": 30000,
}
#: The consumer's defaults every backend applies (both agree on "latest").
CONSUMER_DEFAULTS: dict[str, Any] = {"auto_offset_reset": "latest"}

#: How long fresh_topics waits for a deleted topic to be gone or a new one to be ready.
TOPIC_WAIT_S = 30.0


class Backend:
    """The common part of both backends; subclasses make the clients."""

    kind: str = ""
    bootstrap_servers: str = ""

    def __init__(self) -> None:
        self.observed = Observed()
        self.log: list[str] = quiet_logs()
        self._clients: list[tuple[str, Any]] = []
        self._next_consumer = 0

    @property
    def cluster(self) -> Cluster | None:
        """The engine cluster (None on real Kafka)."""
        return None

    # ----------------------------------------------------------- clients
    def producer(self, **config: Any) -> Any:
        """An AIOKafkaProducer (not started) with Kafka's producer defaults."""
        defaults = dict(PRODUCER_DEFAULTS)
        if config.get("acks", "all") not in ("all", -1):
            # as the Java client: idempotence is only on by default while acks=all
            del defaults["enable_idempotence"]
        client = self._make_producer({**defaults, **config})
        client._course_observed = self.observed
        if hasattr(client, "note_sends_into"):
            client.note_sends_into(self.observed.unresolved_keys,
                                   self.observed.unresolved_futures)
        self._clients.append(("producer", client))
        return client

    def consumer(self, *topics: str, **config: Any) -> Any:
        """An AIOKafkaConsumer (not started) with Kafka's consumer defaults."""
        client = self._make_consumer(topics, {**self.consumer_defaults(), **config})
        client._course_observed = self.observed
        client._course_number = self._next_consumer
        client._course_client_id = config.get("client_id")
        self._next_consumer += 1
        self._clients.append(("consumer", client))
        return client

    def admin(self, **config: Any) -> Any:
        """An AIOKafkaAdminClient (not started)."""
        client = self._make_admin(dict(config))
        self._clients.append(("admin", client))
        return client

    def consumer_defaults(self) -> dict[str, Any]:
        return dict(CONSUMER_DEFAULTS)

    def _make_producer(self, config: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _make_consumer(self, topics: tuple[str, ...], config: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _make_admin(self, config: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _error_class(self, code: int) -> type[Exception]:
        """The error class this backend's clients raise for a Kafka error code."""
        raise NotImplementedError

    async def _sleep(self, seconds: float) -> None:
        """Wait between checks while topics are deleted or created."""
        await asyncio.sleep(seconds)

    # ------------------------------------------------------------ topics
    async def fresh_topics(self, *new_topics: Any) -> list[str]:
        """Delete these topics if they exist (and wait until they are gone), then create
        them (and wait until every partition has a leader). Takes aiokafka ``NewTopic``s."""
        names = [t.name for t in new_topics]
        admin = self._make_admin({})
        await admin.start()
        try:
            existing = set(await admin.list_topics()) & set(names)
            if existing:
                await admin.delete_topics(sorted(existing))
                await self._wait(admin, lambda topics: not (set(topics) & existing),
                                 f"topics {sorted(existing)} to be deleted")
            pending = list(new_topics)
            deadline = asyncio.get_running_loop().time() + TOPIC_WAIT_S
            while pending:
                response = await admin.create_topics(pending)
                retry = []
                for topic, code, message in response.topic_errors:
                    if code == 36 and asyncio.get_running_loop().time() < deadline:
                        retry.append(topic)  # the deletion is still finishing
                    elif code:
                        raise self._error_class(code)(message)
                pending = [t for t in pending if t.name in retry]
                if pending:
                    await self._sleep(0.2)
            await self._wait_ready(admin, new_topics)
        finally:
            await admin.close()
        return names

    async def _wait(self, admin: Any, done: Any, what: str) -> None:
        deadline = asyncio.get_running_loop().time() + TOPIC_WAIT_S
        while not done(await admin.list_topics()):
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"gave up waiting {TOPIC_WAIT_S:.0f} s for {what}")
            await self._sleep(0.2)

    async def _wait_ready(self, admin: Any, new_topics: tuple[Any, ...]) -> None:
        def ready(described: list[dict[str, Any]]) -> bool:
            return all(
                d["error_code"] == 0 and d["partitions"]
                and all(p["leader"] >= 0 for p in d["partitions"])
                for d in described)

        deadline = asyncio.get_running_loop().time() + TOPIC_WAIT_S
        names = [t.name for t in new_topics]
        while not ready(await admin.describe_topics(names)):
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"gave up waiting for topics {names} to have leaders")
            await self._sleep(0.2)

    # ------------------------------------------------------------- close
    async def close(self) -> None:
        """Stop every client this backend made (consumers first, then producers, admins)."""
        order = {"consumer": 0, "producer": 1, "admin": 2}
        clients, self._clients = self._clients, []
        for kind, client in sorted(clients, key=lambda item: order[item[0]]):
            with contextlib.suppress(Exception):
                await (client.close() if kind == "admin" else client.stop())
        self.observed.sends  # noqa: B018 - reads the sends' results while they are at hand

    async def __aenter__(self) -> Backend:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} kind={self.kind!r} at {self.bootstrap_servers}>"


class ObservedProducer:
    """Mixin for a producer class: notes each send into ``observed``, which reads the
    send's future when it needs the result (no callback per send).

    A producer class that notes its sends itself (it has ``note_sends_into(log)``, as the
    engine's) keeps its own ``send``; the backend hands it ``observed``'s two lists.
    """

    _course_observed: Observed | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        mro = cls.__mro__
        for base in mro[mro.index(ObservedProducer) + 1:]:
            if "send" in vars(base):
                if hasattr(base, "note_sends_into"):
                    cls.send = base.send  # type: ignore[method-assign]
                return

    async def send(self, topic: str, value: Any = None, key: Any = None,
                   *args: Any, **kwargs: Any) -> Any:
        future = await super().send(topic, value, key, *args, **kwargs)  # type: ignore[misc]
        observed = self._course_observed
        if observed is not None:
            observed.note_future(key, future)
        return future


class ObservedConsumer:
    """Mixin for a consumer class: notes its group id and its assignment after start and
    after each ``getmany``/``getone`` (so the entry keeps the last assignment it consumed
    with, not the empty one of a consumer that stopped)."""

    _course_observed: Observed | None = None
    _course_number: int = 0
    _course_client_id: str | None = None
    """The ``client_id`` the caller configured (None when left to the client's default,
    which differs between the engine and aiokafka)."""

    def _course_note(self) -> None:
        observed = self._course_observed
        if observed is None:
            return
        with contextlib.suppress(Exception):
            observed.note_assignment(self._course_number, self._course_group_id(),
                                     self.assignment(),  # type: ignore[attr-defined]
                                     self._course_client_id)

    def _course_group_id(self) -> str | None:
        group = getattr(self, "_group_id", None)
        if group is None and hasattr(self, "sync"):
            group = self.sync.group_id  # type: ignore[attr-defined]
        return group


    async def start(self) -> None:
        await super().start()  # type: ignore[misc]
        self._course_note()

    async def getmany(self, *partitions: Any, **kwargs: Any) -> Any:
        result = await super().getmany(*partitions, **kwargs)  # type: ignore[misc]
        self._course_note()
        return result

    async def getone(self, *partitions: Any) -> Any:
        result = await super().getone(*partitions)  # type: ignore[misc]
        self._course_note()
        return result
