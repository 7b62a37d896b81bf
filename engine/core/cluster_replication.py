"""The replication half of :class:`~engine.core.cluster.Cluster`'s public API.

Brokers failing and recovering, the controller's state, leader elections, metadata
as brokers serve it, and each replica's log. ``Cluster`` inherits these methods; the
work itself is done by :mod:`engine.core.faults`, :mod:`engine.core.controller`,
:mod:`engine.core.replication` and :mod:`engine.core.delivery`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from engine.core.acks import ACKS_ALL
from engine.core.args import require_int
from engine.core.clock import SimClock
from engine.core.controller import KRaftController
from engine.core.delivery import Delivery, connection_error
from engine.core.errors import (
    ElectionNotNeededError,
    EligibleLeadersNotAvailableError,
    IllegalArgumentError,
    KafkaError,
    LeaderNotAvailableError,
    PreferredLeaderNotAvailableError,
    UnknownTopicOrPartitionError,
)
from engine.core.faults import Faults
from engine.core.log import PartitionLog
from engine.core.metadata import (
    BASE_PORT,
    RETRIABLE_ROUTING_ERRORS,
    BrokerMetadata,
    ClusterMetadata,
    MetadataCache,
    PartitionMetadata,
)
from engine.core.network import Network
from engine.core.partition import PartitionState
from engine.core.records import (
    BrokerDescription,
    ConsumerRecord,
    RecordMetadata,
    ReplicaDescription,
    TopicPartition,
)
from engine.core.replication import Replication
from engine.journal import Journal

if TYPE_CHECKING:
    from engine.checker.history import AckHistory
    from engine.core.appender import Appender
    from engine.core.topic import Topic

ELECTION_TYPES = {"preferred": "PREFERRED", "unclean": "UNCLEAN"}


class ReplicationMixin:
    """Faults, controller, elections, metadata and replica logs (mixed into ``Cluster``)."""

    _brokers: tuple[int, ...]
    _topics: dict[str, Topic]
    _clock: SimClock
    journal: Journal
    _broker_configs: dict[str, str]
    _appender: Appender
    cluster_id: str
    advance: Callable[[int], None]

    # ------------------------------------------------------------ set-up
    def _init_replication(self, mode: str, *, eligible_leader_replicas: bool = True) -> None:
        brokers = self._brokers
        if mode == "dedicated":
            controller_node = 0 if 0 not in brokers else max(brokers) + 1
            nodes = (*brokers, controller_node)
            voters: tuple[int, ...] = (controller_node,)
        else:
            nodes, voters = brokers, tuple(sorted(brokers))
        self._network = Network(nodes)
        self._replication = Replication(
            self._topics, self._network, self._clock, self.journal,
            int(self._broker_configs["replica.lag.time.max.ms"]))
        self._controller = KRaftController(
            brokers, voters, self._topics, self._network, self._clock, self.journal,
            self._replication, self._broker_configs,
            eligible_leader_replicas=eligible_leader_replicas)
        self._delivery = Delivery(self._network, self._controller, self._replication,
                                  self._clock, self.advance)
        self._faults = Faults(brokers, self._network, self._controller, self._replication,
                              self._clock, self.journal, self._check_broker)
        self._ack_histories: list[AckHistory] = []
        self._appender.on_append = self._after_internal_append

    def _add_partition_states(self, topic: Topic, start: int) -> None:
        """Registrations and replica logs for partitions ``start..`` of a new topic; the
        ISR holds the active replicas, the first of them leads (``createTopic``)."""
        for p in range(start, len(topic.replicas)):
            replicas = topic.replicas[p]
            active = [b for b in replicas if self._controller.is_active_broker(b)]
            ps = PartitionState(topic.name, p, replicas, active)
            topic.partitions.append(ps)
            topic.logs.append(ps.logs[ps.isr[0]])
            self._replication.update_hw_mode(topic, ps)

    def _fenced_brokers(self) -> set[int]:
        return {b for b in self._brokers if not self._controller.is_active_broker(b)}

    def _check_broker(self, broker: object) -> int:
        b = require_int(broker, "broker")
        if b not in self._brokers:
            raise ValueError(f"no broker {b}; the brokers are {list(self._brokers)}")
        return b

    def _after_internal_append(self, t: Topic, log: PartitionLog) -> None:
        """Writes that do not come through ``produce`` (e.g. the group coordinator's) are
        replicated at once, as the broker writes them with acks=all."""
        ps = t.partitions[log.partition]
        if not ps.single:
            self._replication.replicate(t, ps)

    # ------------------------------------------------------------- faults
    def kill_broker(self, broker: int) -> None:
        """Crash ``broker``: it stops at once; the controller fences it when its session
        times out (``broker.session.timeout.ms`` after its last heartbeat)."""
        self._faults.kill(broker)

    def restart_broker(self, broker: int) -> None:
        """Start a crashed or shut-down broker: it registers, truncates where its logs
        diverge from the leaders' and catches up."""
        self._faults.restart(broker)

    def shutdown_broker(self, broker: int) -> None:
        """Controlled shutdown: leadership moves away and ``broker`` leaves the ISRs first."""
        self._faults.shutdown(broker)

    def isolate_broker(self, broker: int) -> None:
        """Cut ``broker`` off from every other node; it keeps running, and clients can
        still reach it."""
        self._faults.isolate(broker)

    def cut_link(self, a: int, b: int) -> None:
        """Cut the network link between brokers ``a`` and ``b`` only."""
        self._faults.cut(a, b)

    def heal(self, broker: int | None = None) -> None:
        """Restore every cut link (only ``broker``'s, if given)."""
        self._faults.heal(broker)

    # ---------------------------------------------------- cluster state
    @property
    def controller_id(self) -> int | None:
        """The active KRaft controller's node id, or ``None`` while there is none."""
        return self._controller.active

    @property
    def live_brokers(self) -> tuple[int, ...]:
        """Brokers whose process is running."""
        return tuple(b for b in self._brokers if self._network.is_running(b))

    def describe_brokers(self) -> tuple[BrokerDescription, ...]:
        """Each broker's process and registration state."""
        out = []
        for b in self._brokers:
            reg = self._controller.registrations.get(b)
            out.append(BrokerDescription(
                broker_id=b,
                running=self._network.process_running(b),
                fenced=reg is None or reg.fenced or self._network.is_starting(b),
                isolated=self._network.is_isolated(b),
                broker_epoch=-1 if reg is None else reg.epoch,
                leader_of=sum(1 for _, ps in self._replication.partitions() if ps.leader == b),
            ))
        return tuple(out)

    def replicas(self, topic: str, partition: int) -> tuple[ReplicaDescription, ...]:
        """Every replica of a partition: log end offset, high watermark, ISR membership."""
        ps = self._partition(topic, partition)
        out = []
        for b in ps.replicas:
            log = ps.logs[b]
            out.append(ReplicaDescription(
                broker=b,
                is_leader=ps.leader == b,
                in_isr=b in ps.isr,
                log_start_offset=log.log_start_offset,
                log_end_offset=log.log_end_offset,
                high_watermark=log.high_watermark,
                running=self._network.is_running(b),
                believes_leader=ps.believes_leader(b),
            ))
        return tuple(out)

    def replica_records(
        self, topic: str, partition: int, broker: int, offset: int | None = None,
        max_records: int = 500,
    ) -> list[ConsumerRecord]:
        """A replica's whole log from ``offset`` (its log start by default), past its high
        watermark up to its log end offset: what views show, not what consumers see."""
        ps = self._partition(topic, partition)
        b = self._check_broker(broker)
        if b not in ps.logs:
            raise UnknownTopicOrPartitionError()
        log = ps.logs[b]
        t = self._topics[topic]
        start = log.log_start_offset if offset is None else offset
        ts_type = int(t.config.message_timestamp_type == "LogAppendTime")
        return log.read(start, max_records, timestamp_type=ts_type,
                        max_offset=log.log_end_offset)

    def _partition(self, topic: str, partition: int) -> PartitionState:
        t = self._topics.get(topic)
        if t is None or not isinstance(partition, int) or not 0 <= partition < len(t.partitions):
            raise UnknownTopicOrPartitionError()
        return t.partitions[partition]

    # ----------------------------------------------------------- metadata
    def metadata(self, via_broker: int | None = None) -> ClusterMetadata:
        """A Metadata response for every topic, as ``via_broker`` (default: the first
        running broker that hears the controller) knows it. A broker that is down
        cannot answer."""
        if via_broker is None:
            running = self.live_brokers
            if not running:
                raise connection_error(self._brokers[0])
            informed = [b for b in running if self._controller.hears(b)]
            via = (informed or list(running))[0]
        else:
            via = self._check_broker(via_broker)
            if not self._network.is_running(via):
                raise connection_error(via)
        registrations = self._controller.registrations
        live = tuple(
            BrokerMetadata(b, "localhost", BASE_PORT + i)
            for i, b in enumerate(self._brokers)
            if (reg := registrations.get(b)) is not None and not reg.fenced)
        hears = self._controller.hears(via)
        topics: dict[str, tuple[PartitionMetadata, ...]] = {}
        for name in sorted(self._topics):
            parts = []
            for ps in self._topics[name].partitions:
                stale = via in ps.belief and not hears  # answers from what it last heard
                epoch, leader, isr = (ps.belief[via] if stale else
                                      (ps.leader_epoch, ps.leader, tuple(ps.isr)))
                parts.append(PartitionMetadata(name, ps.partition, leader, epoch,
                                               tuple(ps.replicas), tuple(isr)))
            topics[name] = tuple(parts)
        return ClusterMetadata(self.cluster_id, self._controller.active, live, topics, via)

    # ---------------------------------------------------------- elections
    def elect_leaders(
        self,
        election_type: str = "preferred",
        partitions: Iterable[TopicPartition | tuple[str, int]] | None = None,
    ) -> dict[TopicPartition, KafkaError | None]:
        """``Admin.electLeaders``: ``"preferred"`` moves leadership back to each
        partition's first replica; ``"unclean"`` gives a leaderless partition any live
        replica (records may be lost). Returns each partition's error, or ``None``.

        With ``partitions=None``, every partition is tried and only those where an
        election was needed are returned.
        """
        if election_type not in ELECTION_TYPES:
            raise IllegalArgumentError(
                f"election_type must be 'preferred' or 'unclean', got {election_type!r}")
        if partitions is None:
            targets = [TopicPartition(t.name, ps.partition)
                       for t, ps in self._replication.partitions()]
            only_needed = True
        else:
            targets = [TopicPartition(*tp) for tp in partitions]
            only_needed = False
            for tp in targets:
                self._partition(tp.topic, tp.partition)
        results: dict[TopicPartition, KafkaError | None] = {}
        for tp in targets:
            t = self._topics[tp.topic]
            ps = t.partitions[tp.partition]
            error = self._elect_one(t, ps, election_type)
            if only_needed and isinstance(error, ElectionNotNeededError):
                continue
            results[tp] = error
        return results

    def _elect_one(self, t: Topic, ps: PartitionState, kind: str) -> KafkaError | None:
        if self._controller.active is None:
            return LeaderNotAvailableError()
        if kind == "preferred":
            if ps.leader == ps.replicas[0]:
                return ElectionNotNeededError()
            if not self._controller.elect_preferred(t, ps):
                return PreferredLeaderNotAvailableError()
            return None
        if ps.leader is not None:
            return ElectionNotNeededError()
        if not self._controller.elect_unclean(t, ps):
            return EligibleLeadersNotAvailableError()
        return None

    # ------------------------------------------------------- acknowledgements
    def record_acks(self) -> AckHistory:
        """Start keeping every acknowledgement produce returns from now on (for the
        checker, :func:`engine.checker.check`)."""
        from engine.checker.history import AckHistory

        history = AckHistory()
        self._ack_histories.append(history)
        return history

    def _note_acks(
        self, metadata: list[RecordMetadata], keys: list[bytes | None],
        values: list[bytes | None], acks: int,
    ) -> None:
        for history in self._ack_histories:
            for md, k, v in zip(metadata, keys, values, strict=True):
                history.add(md, k, v, acks, self._clock.now_ms)

    def _available_partitions(self, t: Topic) -> list[int] | None:
        """Partitions with a leader, or ``None`` when all have one (KIP-794's choice)."""
        if all(ps.leader is not None for ps in t.partitions):
            return None
        return [ps.partition for ps in t.partitions if ps.leader is not None]

    def _route(self, t: Topic, p: int, via_broker: int | None,
               metadata: MetadataCache | None) -> tuple[int, PartitionLog]:
        """The broker that takes a request for partition ``p`` and its log. With a client
        metadata cache, ask its leader; on a routing error refresh and retry."""
        if metadata is None:
            return self._delivery.leader_log(t, p, via_broker)
        tried: set[int | None] = set()
        while True:
            leader = metadata.leader_for(self, TopicPartition(t.name, p))
            if leader is None:
                raise LeaderNotAvailableError()
            try:
                return self._delivery.leader_log(t, p, leader)
            except RETRIABLE_ROUTING_ERRORS as error:
                metadata.history.append(("error", leader, type(error).__name__))
                tried.add(leader)
                metadata.refresh(self)
                if metadata.current is None or metadata.current.leader_for(t.name, p) in tried:
                    raise

    def _deliver_one(
        self, t: Topic, p: int, keys: list[bytes | None], values: list[bytes | None],
        timestamp: int, batch_bytes: int, headers: Any, acks: int,
        via_broker: int | None, metadata: MetadataCache | None,
    ) -> int:
        """Route, check, append one batch and wait for ``acks``; the base offset."""
        broker, log = self._route(t, p, via_broker, metadata)
        multi = not t.partitions[p].single
        if acks == ACKS_ALL and multi:
            self._delivery.check_min_isr(t, p, broker)
        offset = self._appender.append(t, log, keys, values, timestamp, batch_bytes, headers,
                                       notify=False)
        if multi:
            self._delivery.after_append(t, p, acks)
            if acks == ACKS_ALL:
                self._delivery.await_acks(t, [(p, broker, offset + len(keys))])
        return offset

    def _deliver_many(
        self, t: Topic, parts: list[int], acks: int, via_broker: int | None,
        append: Callable[[Mapping[int, PartitionLog] | None], list[RecordMetadata]],
    ) -> list[RecordMetadata]:
        """Route and check every partition first, append, then wait for ``acks``."""
        touched = sorted(set(parts))
        routes = {p: self._delivery.leader_log(t, p, via_broker) for p in touched}
        if acks == ACKS_ALL:
            for p in touched:
                if not t.partitions[p].single:
                    self._delivery.check_min_isr(t, p, routes[p][0])
        logs = {p: log for p, (_, log) in routes.items() if log is not t.logs[p]}
        result = append(logs or None)
        waits = []
        for p in touched:
            if not t.partitions[p].single:
                self._delivery.after_append(t, p, acks)
                broker, log = routes[p]
                waits.append((p, broker, log.log_end_offset))
        if acks == ACKS_ALL and waits:
            self._delivery.await_acks(t, waits)
        return result
