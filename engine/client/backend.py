"""``Backend``: what :func:`engine.client.connect` returns, the same on both kinds.

A backend makes aiokafka-shaped clients (``producer()``, ``consumer()``, ``admin()``, none
started), keeps every client it made so that ``close()`` stops them, re-creates topics
with ``fresh_topics()`` so a lesson can run again on a real cluster, and records what its
clients saw in ``observed``. :mod:`engine.client.engine_backend` and
:mod:`engine.client.real` fill in how clients are made.

Both backends give a client Kafka 4.x's Java defaults: the engine's clients have them
already (the caller's keywords go to them unchanged); the real backend adds
``PRODUCER_DEFAULTS`` and ``CONSUMER_DEFAULTS`` to aiokafka's (the caller's keywords win).
A keyword the engine's clients take but aiokafka's do not (a Java client setting such as
``delivery_timeout_ms``, or a dotted Kafka name) is refused on both backends with a
``TypeError``, so lesson code that runs on one runs on the other.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from engine.admin.client import AIOKAFKA_ADMIN_KEYWORDS
from engine.client.observed import Observed
from engine.consumer import config as consumer_config
from engine.producer import config as producer_config

if TYPE_CHECKING:
    from engine.core.cluster import Cluster

#: The Java producer's defaults where aiokafka's differ (``AIOKAFKA_DEFAULTS`` holds
#: aiokafka's): what the real backend adds; the engine's producer has them already.
PRODUCER_DEFAULTS: dict[str, Any] = {
    name: producer_config.PRODUCER_DEFAULTS[name] for name in producer_config.AIOKAFKA_DEFAULTS}
#: The consumer's defaults the real backend passes (aiokafka agrees on "latest"; it adds
#: range assignment too).
CONSUMER_DEFAULTS: dict[str, Any] = {"auto_offset_reset": "latest"}

#: aiokafka 0.14's keyword names (``inspect.signature``; checked by the tests), so that
#: the engine needs no aiokafka to refuse what aiokafka would not take.
AIOKAFKA_PRODUCER_KEYWORDS = frozenset({
    "loop", "bootstrap_servers", "client_id", "metadata_max_age_ms", "request_timeout_ms",
    "api_version", "acks", "key_serializer", "value_serializer", "compression_type",
    "max_batch_size", "partitioner", "max_request_size", "linger_ms", "retry_backoff_ms",
    "security_protocol", "ssl_context", "connections_max_idle_ms", "enable_idempotence",
    "transactional_id", "transaction_timeout_ms", "sasl_mechanism", "sasl_plain_password",
    "sasl_plain_username", "sasl_kerberos_service_name", "sasl_kerberos_domain_name",
    "sasl_oauth_token_provider"})
AIOKAFKA_CONSUMER_KEYWORDS = frozenset({
    "loop", "bootstrap_servers", "client_id", "group_id", "group_instance_id",
    "key_deserializer", "value_deserializer", "fetch_max_wait_ms", "fetch_max_bytes",
    "fetch_min_bytes", "max_partition_fetch_bytes", "request_timeout_ms", "retry_backoff_ms",
    "auto_offset_reset", "enable_auto_commit", "auto_commit_interval_ms", "check_crcs",
    "metadata_max_age_ms", "partition_assignment_strategy", "max_poll_interval_ms",
    "rebalance_timeout_ms", "session_timeout_ms", "heartbeat_interval_ms",
    "consumer_timeout_ms", "max_poll_records", "ssl_context", "security_protocol",
    "api_version", "exclude_internal_topics", "connections_max_idle_ms", "isolation_level",
    "sasl_mechanism", "sasl_plain_password", "sasl_plain_username",
    "sasl_kerberos_service_name", "sasl_kerberos_domain_name", "sasl_oauth_token_provider",
    "client_rack"})


def java_only_producer_keywords() -> frozenset[str]:
    """Keywords the engine's producer takes and aiokafka's does not."""
    return frozenset(producer_config.KNOWN) - AIOKAFKA_PRODUCER_KEYWORDS


def java_only_consumer_keywords() -> frozenset[str]:
    """Keywords the engine's consumer takes and aiokafka's does not."""
    return frozenset(consumer_config.KNOWN) - AIOKAFKA_CONSUMER_KEYWORDS


def refuse_java_only(client: str, config: dict[str, Any], aiokafka_keywords: frozenset[str],
                     java_only: frozenset[str]) -> None:
    """Raise TypeError for the first keyword in ``config`` that aiokafka's ``client`` class
    does not take but the engine's would (a dotted Kafka name, a Java-only setting)."""
    for name in sorted(config):
        if name in aiokafka_keywords:
            continue
        if "." in name:
            raise TypeError(
                f"{client}() got an unexpected keyword argument {name!r}: dotted names are "
                f"the Java client's spelling, which aiokafka does not take; write "
                f"{name.replace('.', '_')!r} (where aiokafka has that setting)")
        if name in java_only:
            raise TypeError(
                f"{client}() got an unexpected keyword argument {name!r}: {name} is a Java "
                f"client setting that aiokafka's {client} does not take (the engine would, "
                "but lesson code must run on both backends)")
        if client == "AIOKafkaAdminClient":
            raise TypeError(
                f"{client}() got an unexpected keyword argument {name!r}: aiokafka's admin "
                "client does not take it (Java admin client settings are not available)")


#: How long fresh_topics waits for a deleted topic to be gone or a new one to be ready.
TOPIC_WAIT_S = 30.0


class Backend:
    """The common part of both backends; subclasses make the clients."""

    kind: str = ""
    bootstrap_servers: str = ""

    #: Whether topic operations take real time to settle (False on the engine: they take
    #: effect at once, so fresh_topics checks once instead of waiting).
    settles_in_real_time = True

    def __init__(self) -> None:
        self.observed = Observed()
        self._clients: list[tuple[str, Any]] = []
        self._next_consumer = 0

    @property
    def log(self) -> list[str]:
        """aiokafka's log lines since this backend was made (none on the engine)."""
        return []

    @property
    def cluster(self) -> Cluster | None:
        """The engine cluster (None on real Kafka)."""
        return None

    # ----------------------------------------------------------- clients
    def producer(self, **config: Any) -> Any:
        """An AIOKafkaProducer (not started) with Kafka's producer defaults."""
        refuse_java_only("AIOKafkaProducer", config, AIOKAFKA_PRODUCER_KEYWORDS,
                         java_only_producer_keywords())
        client = self._make_producer(self.producer_config(config))
        client._course_observed = self.observed
        if hasattr(client, "note_sends_into"):
            client.note_sends_into(self.observed.unresolved_keys,
                                   self.observed.unresolved_futures)
        self._clients.append(("producer", client))
        return client

    def consumer(self, *topics: str, **config: Any) -> Any:
        """An AIOKafkaConsumer (not started) with Kafka's consumer defaults."""
        refuse_java_only("AIOKafkaConsumer", config, AIOKAFKA_CONSUMER_KEYWORDS,
                         java_only_consumer_keywords())
        client = self._make_consumer(topics, self.consumer_config(config))
        client._course_observed = self.observed
        client._course_number = self._next_consumer
        client._course_client_id = config.get("client_id")
        self._next_consumer += 1
        self._clients.append(("consumer", client))
        return client

    def admin(self, **config: Any) -> Any:
        """An AIOKafkaAdminClient (not started)."""
        refuse_java_only("AIOKafkaAdminClient", config, AIOKAFKA_ADMIN_KEYWORDS, frozenset())
        client = self._make_admin(dict(config))
        self._clients.append(("admin", client))
        return client

    def producer_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """The keywords the producer is made with: the caller's (the engine's producer
        has Kafka's defaults itself); the real backend adds Kafka's."""
        return dict(config)

    def consumer_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """The keywords the consumer is made with (as ``producer_config``)."""
        return dict(config)

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
                    if code == 36 and self._may_wait(deadline):
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
            if not self._may_wait(deadline):
                raise TimeoutError(self._gave_up(what))
            await self._sleep(0.2)

    def _may_wait(self, deadline: float) -> bool:
        """Whether to check again: on real Kafka until ``deadline``, never on the engine."""
        return (self.settles_in_real_time
                and asyncio.get_running_loop().time() < deadline)

    def _gave_up(self, what: str) -> str:
        if self.settles_in_real_time:
            return f"gave up waiting {TOPIC_WAIT_S:.0f} s for {what}"
        return f"still waiting for {what} on the engine, where topic operations are immediate"

    async def _wait_ready(self, admin: Any, new_topics: tuple[Any, ...]) -> None:
        def ready(described: list[dict[str, Any]]) -> bool:
            return all(
                d["error_code"] == 0 and d["partitions"]
                and all(p["leader"] >= 0 for p in d["partitions"])
                for d in described)

        deadline = asyncio.get_running_loop().time() + TOPIC_WAIT_S
        names = [t.name for t in new_topics]
        while not ready(await admin.describe_topics(names)):
            if not self._may_wait(deadline):
                raise TimeoutError(self._gave_up(f"topics {names} to have leaders"))
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
