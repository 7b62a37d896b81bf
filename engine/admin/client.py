"""``AIOKafkaAdminClient``: aiokafka's admin API over an engine cluster.

Each method answers as aiokafka's does against a Kafka 4.x broker: ``create_topics`` and
``delete_topics`` return the broker's response with a code per topic (an existing topic is
``(topic, 36, "Topic 't' already exists.")``, not an exception), ``describe_cluster`` and
``describe_topics`` the Metadata response as dicts, ``list_consumer_groups`` a list of
``(group_id, protocol_type)`` tuples, ``describe_consumer_groups`` one DescribeGroups response
per coordinator, ``list_consumer_group_offsets`` ``{TopicPartition: OffsetAndMetadata}``.
Admin calls take no simulated time.

As aiokafka's, the client must be started first: before ``start()`` every call raises
:class:`NodeNotReadyError` with aiokafka's text (after ``close()`` aiokafka's client
still answers, reconnecting on demand, and so does this one). ``describe_topics`` of a
missing topic asks, as aiokafka's Metadata request does, for it to be auto-created: it
answers error 3 and the topic exists afterwards when ``auto.create.topics.enable`` is
true (an invalid name answers 17, InvalidTopicException). The constructor takes exactly
aiokafka's keywords (``AIOKAFKA_ADMIN_KEYWORDS``) plus ``cluster=``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from engine.admin.protocol import encode_assignment, encode_subscription
from engine.admin.responses import (
    CreatePartitionsResponse_v1,
    CreateTopicsResponse_v3,
    DeleteTopicsResponse_v3,
    DescribeGroupsResponse_v2,
)
from engine.core.errors import (
    InvalidTopicError,
    KafkaError,
    TopicAlreadyExistsError,
    UnknownTopicOrPartitionError,
)
from engine.core.listoffsets import offset_range, record_for_time
from engine.core.names import invalid_reason
from engine.core.records import TopicPartition
from engine.group.state import GroupState

if TYPE_CHECKING:
    from engine.core.cluster import Cluster

#: Where the engine's brokers listen: broker ``i`` (0-based, in id order) on 9092 + i.
HOST = "localhost"
BASE_PORT = 9092


#: aiokafka 0.14's ``AIOKafkaAdminClient`` keywords (``inspect.signature``; the tests check).
AIOKAFKA_ADMIN_KEYWORDS = frozenset({
    "loop", "bootstrap_servers", "client_id", "request_timeout_ms", "connections_max_idle_ms",
    "retry_backoff_ms", "metadata_max_age_ms", "security_protocol", "ssl_context",
    "api_version", "sasl_mechanism", "sasl_plain_username", "sasl_plain_password",
    "sasl_kerberos_service_name", "sasl_kerberos_domain_name", "sasl_oauth_token_provider"})

NODE_NOT_READY = "Attempt to send a request to node which is not ready (node id None)."


class NodeNotReadyError(KafkaError):
    """aiokafka's error for a request before the client connected (``start()``)."""

    retriable = True
    description = NODE_NOT_READY

    def __str__(self) -> str:  # aiokafka's shape: "NodeNotReadyError: <text>"
        return f"{type(self).__name__}: {self.message}"


class OffsetAndMetadata(NamedTuple):
    """A committed offset as aiokafka's admin client returns it."""

    offset: int
    metadata: str


def list_offsets_spec(offsets: Mapping[Any, int | str]) -> dict[TopicPartition, int | str]:
    """Check a ``list_offsets`` request: TopicPartition -> "earliest", "latest" or a
    timestamp (ms, not negative)."""
    out: dict[TopicPartition, int | str] = {}
    for tp, spec in offsets.items():
        key = TopicPartition(tp[0], tp[1])
        is_time = isinstance(spec, int) and not isinstance(spec, bool) and spec >= 0
        if is_time or spec in ("earliest", "latest"):
            out[key] = spec
        else:
            raise ValueError(f"list_offsets: {spec!r} for {key} is not 'earliest', 'latest' "
                             "or a timestamp in milliseconds (an int >= 0)")
    return out


def broker_port(cluster: Cluster, broker_id: int) -> int:
    """The port the engine says ``broker_id`` listens on."""
    return BASE_PORT + cluster.brokers.index(broker_id)


class AIOKafkaAdminClient:
    """An aiokafka-shaped admin client. Pass the engine cluster as ``cluster=``; the other
    keywords (``bootstrap_servers``, ``client_id``, ``request_timeout_ms``, ...) are
    accepted as aiokafka accepts them (requests take no time here, so no timeout applies)."""

    def __init__(self, *, cluster: Cluster, client_id: str = "aiokafka-0.14.0",
                 **config: Any) -> None:
        for name in config:
            if name not in AIOKAFKA_ADMIN_KEYWORDS:
                raise TypeError(f"AIOKafkaAdminClient.__init__() got an unexpected keyword "
                                f"argument '{name}'")
        self._cluster = cluster
        self.client_id = client_id
        self._started = False
        self._closed = False

    @property
    def cluster(self) -> Cluster:
        return self._cluster

    async def start(self) -> None:
        """Connect (nothing to do on the engine but to allow requests)."""
        self._started = True

    async def close(self) -> None:
        """Disconnect. As aiokafka's client reconnects for a request after ``close()``,
        the engine's keeps answering too."""
        self._closed = True

    def _ready(self) -> None:
        """aiokafka's answer to a request sent before ``start()``."""
        if not self._started:
            raise NodeNotReadyError(NODE_NOT_READY)

    # ------------------------------------------------------------ topics
    async def create_topics(self, new_topics: list[Any], timeout_ms: int | None = None,
                            validate_only: bool = False) -> CreateTopicsResponse_v3:
        """CreateTopics for aiokafka ``NewTopic`` objects; one error code per topic."""
        self._ready()
        errors = []
        for new_topic in new_topics:
            if validate_only:
                errors.append(_validate_one(self._cluster, new_topic))
            else:
                errors.append(_create_one(self._cluster, new_topic))
        return CreateTopicsResponse_v3(throttle_time_ms=0, topic_errors=errors)

    async def delete_topics(self, topics: list[str], timeout_ms: int | None = None
                            ) -> DeleteTopicsResponse_v3:
        """DeleteTopics: ``(topic, 0)`` when deleted, ``(topic, 3)`` when unknown."""
        self._ready()
        codes = []
        for topic in topics:
            try:
                if not self._cluster.has_topic(topic):
                    raise UnknownTopicOrPartitionError()
                self._cluster.delete_topic(topic)
                codes.append((topic, 0))
            except KafkaError as error:
                codes.append((topic, error.errno))
        return DeleteTopicsResponse_v3(throttle_time_ms=0, topic_error_codes=codes)

    async def create_partitions(self, topic_partitions: Mapping[str, Any],
                                timeout_ms: int | None = None,
                                validate_only: bool = False) -> CreatePartitionsResponse_v1:
        """Grow topics to ``NewPartitions.total_count``; raises the first error as aiokafka."""
        self._ready()
        target = (_scratch_copy(self._cluster, topic_partitions) if validate_only
                  else self._cluster)
        errors = []
        for topic, new in topic_partitions.items():
            if getattr(new, "new_assignments", None):
                raise NotImplementedError("the engine places new partitions itself; "
                                          "leave NewPartitions.new_assignments empty")
            try:
                target.create_partitions(topic, new.total_count)
                errors.append((topic, 0, None))
            except KafkaError as error:
                errors.append((topic, error.errno, error.message))
        for topic, code, message in errors:
            if code:
                raise error_class(code)(f"Could not create partitions for {topic}: {message}")
        return CreatePartitionsResponse_v1(throttle_time_ms=0, topic_errors=errors)

    async def list_topics(self) -> list[str]:
        """Every topic's name, internal ones included (as the Metadata response)."""
        self._ready()
        return self._cluster.list_topics()

    async def describe_topics(self, topics: list[str] | None = None) -> list[dict[str, Any]]:
        """The Metadata response's topics: error code, partitions, leaders, ISR."""
        self._ready()
        names = self._cluster.list_topics() if topics is None else list(topics)
        return [self._describe_topic(name) for name in names]

    def _describe_topic(self, name: str) -> dict[str, Any]:
        if not self._cluster.has_topic(name):
            return {"error_code": self._auto_create(name), "topic": name,
                    "is_internal": False, "partitions": []}
        live = set(self._cluster.live_brokers)
        description = self._cluster.describe_topic(name)
        partitions = [
            {"error_code": 0, "partition": p.partition,
             "leader": -1 if p.leader is None else p.leader,
             "replicas": list(p.replicas), "isr": list(p.isr),
             "offline_replicas": [b for b in p.replicas if b not in live]}
            for p in description.partitions]
        internal = name not in self._cluster.list_topics(include_internal=False)
        return {"error_code": 0, "topic": name, "is_internal": internal,
                "partitions": partitions}

    def _auto_create(self, name: str) -> int:
        """aiokafka's Metadata request allows auto-creation: the broker creates a missing
        topic with its defaults when ``auto.create.topics.enable`` is true, and answers
        this request with error 3 all the same (17 for a name it cannot create)."""
        if self._cluster.broker_config("auto.create.topics.enable") != "true":
            return UnknownTopicOrPartitionError.errno
        if not isinstance(name, str) or invalid_reason(name) is not None:
            return InvalidTopicError.errno
        with contextlib.suppress(KafkaError):  # the broker could not create it either
            self._cluster.create_topic(name)
        return UnknownTopicOrPartitionError.errno

    async def describe_cluster(self) -> dict[str, Any]:
        """The Metadata response without topics: live brokers, cluster id, controller id
        (in KRaft mode a broker's id: clients never talk to the controllers)."""
        self._ready()
        live = self._cluster.live_brokers
        brokers = [{"node_id": b, "host": HOST, "port": broker_port(self._cluster, b),
                    "rack": None} for b in live]
        active = self._cluster.controller_id
        controller = active if active in live else (live[0] if live else -1)
        return {"throttle_time_ms": 0, "brokers": brokers,
                "cluster_id": self._cluster.cluster_id, "controller_id": controller}

    # ------------------------------------------------------------ groups
    async def find_coordinator(self, group_id: str, coordinator_type: int = 0) -> int:
        """The broker id coordinating ``group_id``."""
        self._ready()
        return self._cluster.groups.lookup_coordinator(group_id)

    async def list_consumer_groups(self, broker_ids: list[int] | None = None
                                   ) -> list[tuple[str, str]]:
        """``(group_id, protocol_type)`` for every group, as ListGroups v0 answers."""
        self._ready()
        return [(g.group_id, g.protocol_type)
                for g in self._cluster.groups.list_groups(response_order=True)]

    async def describe_consumer_groups(self, group_ids: list[str],
                                       group_coordinator_id: int | None = None,
                                       include_authorized_operations: bool = False
                                       ) -> list[DescribeGroupsResponse_v2]:
        """One DescribeGroups response per coordinator; an unknown group is ``Dead``."""
        self._ready()
        by_node: dict[int, list[tuple[Any, ...]]] = {}
        for group_id in group_ids:
            node = (self._cluster.groups.lookup_coordinator(group_id)
                    if group_coordinator_id is None else group_coordinator_id)
            by_node.setdefault(node, []).append(self._describe_group(group_id))
        return [DescribeGroupsResponse_v2(throttle_time_ms=0, groups=groups)
                for groups in by_node.values()]

    def _describe_group(self, group_id: str) -> tuple[Any, ...]:
        coordinator = self._cluster.groups
        description = coordinator.describe_group(group_id)
        group = coordinator._groups.get(group_id)
        stable = group is not None and group.state is GroupState.STABLE
        members = []
        for m in description.members:
            metadata = assignment = b""
            if stable and group is not None:
                subscription = group.members[m.member_id].metadata(description.protocol)
                metadata = encode_subscription(getattr(subscription, "topics", ()))
                assignment = encode_assignment(m.assignment)
            members.append((m.member_id, m.client_id, m.host, metadata, assignment))
        return (0, group_id, description.state, description.protocol_type,
                description.protocol, members)

    async def list_consumer_group_offsets(self, group_id: str,
                                          group_coordinator_id: int | None = None,
                                          partitions: Iterable[Any] | None = None
                                          ) -> dict[TopicPartition, OffsetAndMetadata]:
        """OffsetFetch: committed offsets; an asked-for partition without one is ``-1``."""
        self._ready()
        self._cluster.groups.lookup_coordinator(group_id)
        wanted = None if not partitions else [TopicPartition(*tp) for tp in partitions]
        committed = self._cluster.groups.committed(group_id, wanted)
        if wanted is None:
            return {tp: OffsetAndMetadata(om.offset, om.metadata)
                    for tp, om in committed.items()}
        out = {}
        for tp in wanted:
            om = committed.get(tp)
            out[tp] = (OffsetAndMetadata(-1, "") if om is None
                       else OffsetAndMetadata(om.offset, om.metadata))
        return out

    async def list_offsets(self, offsets: Mapping[TopicPartition, int | str]
                           ) -> dict[TopicPartition, int]:
        """ListOffsets, as Java's ``Admin.listOffsets``: for each partition ``"earliest"``,
        ``"latest"`` or a timestamp in milliseconds, the offset (-1 when no record is at
        or after that time). aiokafka 0.14's admin client has no such call; the course
        adds it to both backends (see :func:`list_offsets_spec`)."""
        self._ready()
        out: dict[TopicPartition, int] = {}
        for tp, spec in list_offsets_spec(offsets).items():
            start, end = offset_range(self._cluster, tp)
            if spec == "earliest":
                out[tp] = start
            elif spec == "latest":
                out[tp] = end
            else:
                found = record_for_time(self._cluster, tp, int(spec))
                out[tp] = -1 if found is None else found.offset
        return out

    async def __aenter__(self) -> AIOKafkaAdminClient:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<engine AIOKafkaAdminClient client_id={self.client_id!r}>"


def _create_one(cluster: Cluster, new_topic: Any) -> tuple[str, int, str | None]:
    """Create one ``NewTopic`` on ``cluster``: ``(name, error_code, error_message)``."""
    name = new_topic.name
    if getattr(new_topic, "replica_assignments", None):
        raise NotImplementedError("the engine places replicas itself; give num_partitions "
                                  "and replication_factor instead of replica_assignments")
    configs = {k: str(v) for k, v in (getattr(new_topic, "topic_configs", None) or {}).items()}
    try:
        cluster.create_topic(name, new_topic.num_partitions, new_topic.replication_factor,
                             configs=configs)
    except KafkaError as error:
        return (name, error.errno, error.message)
    return (name, 0, None)


def _scratch_copy(cluster: Cluster, topics: Iterable[str] = ()) -> Cluster:
    """A throwaway cluster with the same brokers and configs, and ``topics`` copied (their
    partition counts, replication and overrides): where ``validate_only`` requests run."""
    from engine.core.cluster import Cluster

    scratch = Cluster(broker_ids=cluster.brokers, configs=cluster.static_broker_configs())
    for name in topics:
        if cluster.has_topic(name) and not scratch.has_topic(name):
            d = cluster.describe_topic(name)
            scratch.create_topic(name, len(d.partitions), d.replication_factor, d.configs)
    return scratch


def _validate_one(cluster: Cluster, new_topic: Any) -> tuple[str, int, str | None]:
    """What creating ``new_topic`` would answer, without creating it."""
    if isinstance(new_topic.name, str) and cluster.has_topic(new_topic.name):
        return (new_topic.name, TopicAlreadyExistsError.errno,
                f"Topic '{new_topic.name}' already exists.")
    return _create_one(_scratch_copy(cluster), new_topic)


def error_class(code: int) -> type[KafkaError]:
    """The engine's error class for a Kafka error code."""
    from engine.core import errors

    for value in vars(errors).values():
        if isinstance(value, type) and issubclass(value, KafkaError) and value.errno == code:
            return value
    return KafkaError
