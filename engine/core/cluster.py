"""The simulated Kafka cluster: brokers, topics, partition logs, time and the journal.

``Cluster`` is the engine's front door. Every method validates its input completely
before it changes anything, so an error (raised with Kafka's own text) leaves the
cluster exactly as it was. Every change of state is written to :attr:`Cluster.journal`.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from engine.core.acks import parse_acks
from engine.core.appender import Appender, default_partitions
from engine.core.args import require_int
from engine.core.clock import SimClock
from engine.core.cluster_replication import ReplicationMixin
from engine.core.configs import (
    BROKER_CONFIGS_WITHOUT_DEFAULT,
    BROKER_DEFAULTS,
    TopicConfig,
    validate_topic_configs,
)
from engine.core.delivery import connection_error
from engine.core.errors import (
    InvalidTopicError,
    KafkaTimeoutError,
    LeaderNotAvailableError,
    TopicAlreadyExistsError,
    TopicDeletionDisabledError,
    TopicNameWarning,
    UnknownTopicOrPartitionError,
)
from engine.core.log import Headers
from engine.core.metadata import MetadataCache
from engine.core.names import (
    COLLISION_WARNING,
    colliding_topic,
    collision_error,
    has_collision_chars,
    validate_topic_name,
)
from engine.core.partitioner import (
    Partitioner,
    StickyPartitioner,
    check_partition,
    custom_partition,
    positive_hash,
)
from engine.core.placement import place_replicas, validate_new_partition_count
from engine.core.produce import (
    check_batch_size,
    check_request_size,
    check_timestamp,
    encode,
    encode_headers,
    log_timestamp,
)
from engine.core.producer_append import PendingAppend, acks_reached, append_producer_batch
from engine.core.records import (
    ConsumerRecord,
    PartitionDescription,
    RecordMetadata,
    TopicDescription,
)
from engine.core.recordsize import RECORD_BATCH_OVERHEAD, record_body_size, size_at_offset_delta
from engine.core.retention import apply_retention
from engine.core.topic import Topic, new_uuid
from engine.journal import Journal

if TYPE_CHECKING:
    from engine.consumer import Consumer
    from engine.group import GroupCoordinator


class Cluster(ReplicationMixin):
    """A deterministic, in-memory Kafka 4.x cluster in KRaft mode.

    ``Cluster(brokers=3, seed=0)`` has brokers 1, 2 and 3, like Kafka's quickstart
    node ids; ``Cluster(broker_ids=[101, 102, 103])`` names them. ``configs`` sets
    broker configs such as ``auto.create.topics.enable`` or ``num.partitions``.
    The same seed and the same calls give the same results and the same journal.
    ``controller="combined"`` (default) makes every broker a KRaft controller voter too;
    ``controller="dedicated"`` adds one controller-only node (see
    :mod:`engine.core.controller`). ``eligible_leader_replicas=True`` (default, as a
    new Kafka 4.1+ cluster) models KIP-966's eligible leader replicas; ``False``
    elects as Kafka 4.0 does by default. ``start_ms`` is the simulated clock's first
    reading, in milliseconds since the epoch (0 by default; ``connect()`` starts at
    2026-01-01 so that record timestamps look like a real producer's).
    """

    def __init__(
        self,
        brokers: int = 1,
        *,
        broker_ids: Sequence[int] | None = None,
        seed: int = 0,
        configs: Mapping[str, object] | None = None,
        controller: str = "combined",
        eligible_leader_replicas: bool = True,
        start_ms: int = 0,
    ) -> None:
        if controller not in ("combined", "dedicated"):
            raise ValueError(f"controller must be 'combined' or 'dedicated', got {controller!r}")
        if not isinstance(eligible_leader_replicas, bool):
            raise TypeError("eligible_leader_replicas must be True or False, got "
                            f"{eligible_leader_replicas!r}")
        if broker_ids is None:
            if require_int(brokers, "brokers") < 1:
                raise ValueError(f"a cluster needs at least one broker, got brokers={brokers}")
            broker_ids = range(1, brokers + 1)
        ids = tuple(int(b) for b in broker_ids)
        if not ids or len(set(ids)) != len(ids) or min(ids) < 0:
            raise ValueError(f"broker ids must be distinct non-negative ints, got {list(ids)}")
        unknown = set(configs or {}) - set(BROKER_DEFAULTS) - BROKER_CONFIGS_WITHOUT_DEFAULT
        if unknown:
            raise ValueError(f"unknown broker config(s): {', '.join(sorted(unknown))}")
        given = {k: str(v).lower() if isinstance(v, bool) else str(v)
                 for k, v in (configs or {}).items()}
        self._broker_configs = {**BROKER_DEFAULTS, **given}
        self._static_broker_configs = dict(given)
        self.seed = seed
        self._rng = random.Random(seed)
        self._clock = SimClock(require_int(start_ms, "start_ms"))
        self.journal = Journal()
        self._brokers = ids
        self._topics: dict[str, Topic] = {}
        self._appender = Appender(self.journal, lambda: self._clock.now_ms)
        self.cluster_id = new_uuid(self._rng)
        self._init_replication(controller, eligible_leader_replicas=eligible_leader_replicas)
        self.journal.record(
            self._clock.now_ms, "cluster_started",
            {"cluster_id": self.cluster_id, "brokers": list(ids), "seed": seed,
             "controller": self._controller.active, "controller_mode": controller,
             "voters": list(self._controller.voters)},
        )
        self._schedule_retention_check()

    # ------------------------------------------------------------------ time
    @property
    def now_ms(self) -> int:
        """Simulated time in milliseconds since the cluster started."""
        return self._clock.now_ms

    def advance(self, ms: int) -> None:
        """Move simulated time forward by ``ms`` and run everything that falls due."""
        start = self._clock.now_ms
        self._replication.run_pending()
        self._clock.advance(ms)
        if ms:
            self.journal.record(self.now_ms, "clock_advanced", {"from_ms": start,
                                                                 "to_ms": self.now_ms})

    @property
    def clock(self) -> SimClock:
        return self._clock

    # ------------------------------------------------------------ metadata
    @property
    def brokers(self) -> tuple[int, ...]:
        """The node ids of the brokers, in the order they were given."""
        return self._brokers

    def static_broker_configs(self) -> dict[str, str]:
        """The broker configs given when the cluster was made (its ``server.properties``).

        DescribeConfigs reports them as ``STATIC_BROKER_CONFIG``, not as defaults, so
        ``kafka-topics --describe`` lists their topic synonyms under ``Configs``.
        """
        return dict(self._static_broker_configs)

    def broker_config(self, name: str) -> str:
        """A broker config's value, as a string, as Kafka reports it."""
        return self._broker_configs[name]

    def list_topics(self, *, include_internal: bool = True) -> list[str]:
        """Topic names, sorted as ``kafka-topics --list`` prints them."""
        return sorted(n for n, t in self._topics.items() if include_internal or not t.internal)

    def has_topic(self, name: str) -> bool:
        return name in self._topics

    def num_partitions(self, topic: str) -> int:
        """How many partitions ``topic`` has."""
        return len(self._topic(topic).logs)

    def describe_topic(self, name: str) -> TopicDescription:
        """Partitions with leader, replicas, ISR and log offsets, plus the topic's configs."""
        topic = self._topic(name)
        min_isr = topic.config.min_insync_replicas
        partitions = tuple(
            PartitionDescription(
                partition=p,
                leader=ps.leader,
                replicas=tuple(ps.replicas),
                isr=tuple(ps.isr),
                log_start_offset=log.log_start_offset,
                high_watermark=log.high_watermark,
                log_end_offset=log.log_end_offset,
                leader_epoch=ps.leader_epoch,
                replica_log_end_offsets=tuple(ps.logs[b].log_end_offset for b in ps.replicas),
                min_insync_replicas=min_isr,
                elr=tuple(ps.elr),
                last_known_elr=tuple(ps.last_known_elr),
            )
            for p, (ps, log) in enumerate(zip(topic.partitions, topic.logs, strict=True))
        )
        return TopicDescription(
            name=topic.name,
            topic_id=topic.topic_id,
            partitions=partitions,
            replication_factor=len(topic.replicas[0]),
            configs=dict(topic.config.overrides),
        )

    def topic_config(self, name: str) -> TopicConfig:
        """The topic's configuration (overrides over Kafka's defaults)."""
        return self._topic(name).config

    # ---------------------------------------------------------- admin ops
    def create_topic(
        self,
        name: str,
        partitions: int | None = None,
        replication_factor: int | None = None,
        configs: Mapping[str, object] | None = None,
    ) -> TopicDescription:
        """Create a topic, as the controller does for a CreateTopics request.

        ``partitions`` and ``replication_factor`` default to the broker's
        ``num.partitions`` and ``default.replication.factor``.
        """
        if not isinstance(name, str):
            raise InvalidTopicError(f"Topic name must be a str, got {type(name).__name__}")
        validate_topic_name(name)
        if name in self._topics:
            raise TopicAlreadyExistsError(f"Topic '{name}' already exists.")
        existing = colliding_topic(name, self._topics)
        if existing is not None:
            raise collision_error(name, existing)
        if partitions is not None:
            require_int(partitions, "partitions")
        if replication_factor is not None:
            require_int(replication_factor, "replication_factor")
        if configs is not None and not isinstance(configs, Mapping):
            raise TypeError(f"configs must be a mapping such as a dict, got "
                            f"{type(configs).__name__}")
        if partitions is None or partitions == -1:
            partitions = int(self._broker_configs["num.partitions"])
        if replication_factor is None or replication_factor == -1:
            replication_factor = int(self._broker_configs["default.replication.factor"])
        overrides = validate_topic_configs(configs)
        assignment = self._place(partitions, replication_factor)
        topic = self._new_topic(
            name, assignment, TopicConfig(overrides, broker_configs=self._broker_configs)
        )
        if has_collision_chars(name):
            warnings.warn(COLLISION_WARNING, TopicNameWarning, stacklevel=2)
        self.journal.record(
            self.now_ms, "topic_created",
            {"topic": name, "topic_id": topic.topic_id, "partitions": partitions,
             "replication_factor": replication_factor, "replicas": assignment,
             "configs": dict(topic.config.overrides)},
        )
        return self.describe_topic(name)

    def delete_topic(self, name: str) -> None:
        """Delete a topic and all its records."""
        topic = self._topic(name)
        if self._broker_configs.get("delete.topic.enable", "true") != "true":
            raise TopicDeletionDisabledError()
        del self._topics[name]
        self.journal.record(self.now_ms, "topic_deleted",
                            {"topic": name, "topic_id": topic.topic_id})

    def create_partitions(self, name: str, total: int) -> TopicDescription:
        """Grow a topic to ``total`` partitions. Existing keys may map elsewhere after."""
        topic = self._topic(name)
        require_int(total, "total")
        current = len(topic.logs)
        validate_new_partition_count(current, total, name)
        rf = len(topic.replicas[0])
        added = self._place(total - current, rf, start=current)
        topic.replicas.extend([list(r) for r in added])
        self._add_partition_states(topic, current)
        self.journal.record(
            self.now_ms, "partitions_created",
            {"topic": name, "from": current, "to": total, "replicas": added},
        )
        return self.describe_topic(name)

    # ------------------------------------------------------------ produce
    def produce(
        self,
        topic: str,
        value: bytes | str | None,
        key: bytes | str | None = None,
        partition: int | None = None,
        headers: Iterable[tuple[str, bytes | str | None]] | None = None,
        timestamp_ms: int | None = None,
        partitioner: Partitioner | None = None,
        *,
        acks: int | str = "all",
        via_broker: int | None = None,
        metadata: MetadataCache | None = None,
    ) -> RecordMetadata:
        """Append one record, choosing its partition as Kafka's producer would.

        ``str`` keys and values are encoded as UTF-8. A topic that does not exist is
        created with the broker defaults when ``auto.create.topics.enable`` is true.
        The record travels alone in its batch, as if the producer flushed after it.
        ``acks`` is ``"all"`` (Kafka 4.x's default, also ``-1``), ``1`` or ``0`` (the
        offset is then -1). The request goes to the partition's leader, or to
        ``via_broker``, or to the leader a client's ``metadata`` cache names (see
        :mod:`engine.core.delivery` for the answers and the simulated time they take).
        """
        acks_n = -1 if acks == "all" else parse_acks(acks)
        key_b = encode(key, "key")
        value_b = encode(value, "value")
        record_headers = encode_headers(headers)
        timestamp = self.now_ms if timestamp_ms is None else check_timestamp(timestamp_ms)
        body = record_body_size(key_b, value_b, record_headers)
        check_request_size(body)
        size = size_at_offset_delta(body, 0)
        t = self._topic_for_produce(topic)
        timestamp = log_timestamp(t.config, timestamp, self.now_ms)
        batch_bytes = RECORD_BATCH_OVERHEAD + size
        check_batch_size(t.config, batch_bytes)  # before the sticky partitioner draws
        n = len(t.logs)
        if partition is not None:
            check_partition(topic, partition, n)
            p = partition
        elif partitioner is not None:
            p = custom_partition(partitioner, topic, key_b, value_b, n)
        elif key_b is not None:
            p = positive_hash(key_b) % n
        else:
            # one view of which partitions have a leader for the whole call, as the
            # producer partitions and updates its sticky choice from one metadata snapshot
            available = self._available_partitions(t)
            p = t.sticky.partition(n, available)
        ps = t.partitions[p]
        if (ps.single and ps.leader is not None and not self._network.down_set
                and via_broker is None and metadata is None):  # RF=1 on a healthy cluster
            offset = self._appender.append(t, t.logs[p], [key_b], [value_b], timestamp,
                                           batch_bytes,
                                           [record_headers] if record_headers else None,
                                           notify=False)
        else:
            offset = self._deliver_one(t, p, [key_b], [value_b], timestamp, batch_bytes,
                                       [record_headers] if record_headers else None, acks_n,
                                       via_broker, metadata)
        if key_b is None and partition is None and partitioner is None:
            t.sticky.update(batch_bytes, n, available=available)
        result = RecordMetadata(topic, p, offset if acks_n else -1, timestamp)
        if self._ack_histories and acks_n:
            self._note_acks([result], [key_b], [value_b], acks_n)
        return result

    def produce_batch(
        self,
        topic: str,
        records: Iterable[tuple[bytes | str | None, bytes | str | None]],
        *,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        partitioner: Partitioner | None = None,
        acks: int | str = "all",
        via_broker: int | None = None,
    ) -> list[RecordMetadata]:
        """Append many ``(key, value)`` records the way a producer's accumulator would.

        Each record is partitioned as :meth:`produce` would do it; then the records of
        each partition are packed, in input order, into batches of at most
        ``batch.size`` (16384) bytes, and each batch is appended at once. Returns one
        :class:`RecordMetadata` per record, in input order. ``acks`` and ``via_broker``
        work as in :meth:`produce`; every partition's leader is checked before anything
        is appended.
        """
        acks_n = parse_acks(acks)
        timestamp = self.now_ms if timestamp_ms is None else check_timestamp(timestamp_ms)
        keys: list[bytes | None] = []
        values: list[bytes | None] = []
        bodies: list[int] = []
        for record in records:
            if not isinstance(record, (tuple, list)) or len(record) != 2:
                raise TypeError(f"each record must be a (key, value) pair, got {record!r}")
            key, value = record
            k = key if type(key) is bytes else encode(key, "key")
            v = value if type(value) is bytes else encode(value, "value")
            keys.append(k)
            values.append(v)
            # record_body_size, inlined for the common case of short keys and values
            if k is not None and v is not None and len(k) < 64 and len(v) < 64:
                bodies.append(6 + len(k) + len(v))
            else:
                bodies.append(record_body_size(k, v))
        if not keys:
            return []
        largest_body = max(bodies)
        check_request_size(largest_body)
        t = self._topic_for_produce(topic)
        timestamp = log_timestamp(t.config, timestamp, self.now_ms)
        check_batch_size(t.config, RECORD_BATCH_OVERHEAD + size_at_offset_delta(largest_body, 0))
        n = len(t.logs)
        if partition is not None:
            check_partition(topic, partition, n)
            parts = [partition] * len(keys)
        elif partitioner is not None:
            parts = [custom_partition(partitioner, topic, k, v, n)
                     for k, v in zip(keys, values, strict=True)]
        else:
            parts = default_partitions(t, keys, bodies, self._available_partitions(t))
        result = self._deliver_many(
            t, parts, acks_n, via_broker,
            lambda logs: self._appender.append_grouped(t, parts, keys, values, bodies,
                                                       timestamp, logs, notify=False))
        if self._ack_histories and acks_n:
            self._note_acks(result, keys, values, acks_n)
        if not acks_n:
            result = [md._replace(offset=-1) for md in result]
        return result

    def append_records(
        self, topic: str, partition: int, keys: Sequence[bytes | None],
        values: Sequence[bytes | None], timestamps: Sequence[int],
        headers: Sequence[Headers], *, batch_bytes: int, acks: int,
    ) -> PendingAppend:
        """Append one batch a producer client packed, as its leader would (see
        :mod:`engine.core.producer_append`): per-record timestamps and headers, ``acks``
        -1, 0 or 1. Check :meth:`acks_reached` for the ``acks=all`` answer; the clock
        does not move."""
        return append_producer_batch(self, topic, partition, keys, values, timestamps,
                                     headers, batch_bytes, acks)

    def acks_reached(self, pending: PendingAppend) -> bool:
        """Whether an :meth:`append_records` batch is acknowledged (raises the leader's
        error, such as ``NotEnoughReplicasAfterAppendError``)."""
        return acks_reached(self, pending)

    def init_producer_id(self) -> int:
        """A new producer id, as ``InitProducerId`` hands them out (0, 1, 2, ...)."""
        self._next_producer_id = getattr(self, "_next_producer_id", -1) + 1
        return self._next_producer_id

    # -------------------------------------------------------------- fetch
    def fetch(
        self, topic: str, partition: int, offset: int = 0, max_records: int = 500
    ) -> list[ConsumerRecord]:
        """Read records from ``offset`` on, up to the high watermark (what consumers see)."""
        t = self._topic(topic)
        self._check_fetch_leader(t, partition)
        log_append_time = t.config.message_timestamp_type == "LogAppendTime"
        return t.logs[partition].read(offset, max_records, timestamp_type=int(log_append_time))

    def partition_leader(self, topic: str, partition: int) -> int | None:
        """The id of the partition's current leader; ``None`` while it has none."""
        t = self._topic(topic)
        if not 0 <= partition < len(t.logs):
            raise UnknownTopicOrPartitionError()
        return t.partitions[partition].leader

    def _check_fetch_leader(self, t: Topic, partition: int) -> None:
        """Raise what a fetch from ``partition`` gets without a reachable leader."""
        if not 0 <= partition < len(t.logs):
            raise UnknownTopicOrPartitionError()
        leader = t.partitions[partition].leader
        if leader is None:
            raise LeaderNotAvailableError()
        if not self._network.is_running(leader):
            raise connection_error(leader)

    def record_leader_epoch(self, topic: str, partition: int, offset: int) -> int:
        """The leader epoch stamped on the batch holding ``offset`` (its
        ``partitionLeaderEpoch``, which a consumer commits with the offset after it); -1
        if the leader's epoch cache has none."""
        t = self._topic(topic)
        if not 0 <= partition < len(t.logs):
            raise UnknownTopicOrPartitionError()
        return t.logs[partition].epoch_at(offset)

    # ----------------------------------------------------------- internals
    def _topic(self, name: str) -> Topic:
        topic = self._topics.get(name)
        if topic is None:
            raise UnknownTopicOrPartitionError()  # Kafka's protocol text for a missing topic
        return topic

    def _place(self, count: int, replication_factor: int, start: int = 0) -> list[list[int]]:
        """Replica lists for ``count`` new partitions numbered from ``start``, placed on
        the unfenced brokers; the seeded random source is left untouched on an error."""
        rng_state = self._rng.getstate()
        try:
            return place_replicas(self._brokers, count, replication_factor, self._rng,
                                  starting_partition=start, fenced=self._fenced_brokers())
        except Exception:
            self._rng.setstate(rng_state)
            raise

    def _new_topic(self, name: str, assignment: list[list[int]], config: TopicConfig) -> Topic:
        topic = Topic(
            name=name,
            topic_id=new_uuid(self._rng),
            config=config,
            replicas=[list(r) for r in assignment],
            logs=[],
            sticky=StickyPartitioner(self._rng),
        )
        self._add_partition_states(topic, 0)
        self._topics[name] = topic
        return topic

    def _topic_for_produce(self, name: str) -> Topic:
        """The topic to produce to, created with the broker defaults if allowed."""
        topic = self._topics.get(name)
        if topic is not None:
            return topic
        if not isinstance(name, str):
            raise InvalidTopicError(f"Topic name must be a str, got {type(name).__name__}")
        if self._broker_configs["auto.create.topics.enable"] != "true":
            # A real producer keeps asking for the topic's metadata until max.block.ms
            # runs out; the engine gives the same answer without moving the clock.
            raise KafkaTimeoutError(f"Topic {name} not present in metadata after 60000 ms.")
        self.create_topic(name)
        return self._topics[name]

    def _schedule_retention_check(self) -> None:
        interval = int(self._broker_configs["log.retention.check.interval.ms"])
        self._clock.call_later(interval, self._retention_check, name="log-retention")

    def _retention_check(self) -> None:
        apply_retention(self._topics, self.now_ms, self.journal)
        self._schedule_retention_check()

    # ------------------------------------------------------ consumer groups
    @property
    def groups(self) -> GroupCoordinator:
        """The classic group coordinator and committed-offsets store (built on first use)."""
        coordinator = self.__dict__.get("_groups")
        if coordinator is None:
            from engine.group import GroupCoordinator

            coordinator = GroupCoordinator(self)
            self.__dict__["_groups"] = coordinator
        return coordinator

    def consumer(self, *topics: str, **config: object) -> Consumer:
        """A consumer client on this cluster, configured with aiokafka's keyword names
        (``group_id=``, ``auto_offset_reset=``, ...); subscribed to ``topics`` if given."""
        from engine.consumer import Consumer

        return Consumer(self, *topics, **config)

    def _create_internal_topic(
        self, name: str, partitions: int, replication_factor: int, configs: Mapping[str, str]
    ) -> TopicDescription:
        """Create an internal topic such as ``__consumer_offsets`` (the broker does this
        itself, so no name checks or warnings)."""
        assignment = self._place(partitions, replication_factor)
        topic = self._new_topic(
            name, assignment,
            TopicConfig(validate_topic_configs(configs), broker_configs=self._broker_configs),
        )
        topic.internal = True
        self.journal.record(
            self.now_ms, "topic_created",
            {"topic": name, "topic_id": topic.topic_id, "partitions": partitions,
             "replication_factor": replication_factor, "replicas": assignment,
             "configs": dict(topic.config.overrides), "internal": True},
        )
        return self.describe_topic(name)

    def __repr__(self) -> str:
        return (f"Cluster(brokers={list(self._brokers)}, topics={len(self._topics)}, "
                f"now_ms={self.now_ms})")

