"""The engine's synchronous consumer: ``cluster.consumer(*topics, **config)``.

**How time passes.** A consumer lives on the cluster's simulated clock. ``poll(timeout_ms)``
first does everything that can be done at the current instant (auto-commit if due,
rebalance steps, looking up positions, fetching). If it has records it returns them at
once, without moving the clock. Otherwise it advances the cluster clock to the next
timer (a heartbeat, the end of the initial rebalance delay, a session timeout, ...) or to
its deadline, whichever comes first, and tries again; so ``poll(5000)`` on an idle topic
returns after exactly 5000 simulated milliseconds, and every other consumer's heartbeats
and the coordinator's timers run while it waits. ``poll(0)`` never moves the clock.
Requests take no time. Other consumers only act inside their own ``poll()``, as in a
real application where each one runs its own poll loop: a rebalance waits for every
member to call ``poll()`` (up to ``max.poll.interval.ms``).

The first ``poll()`` of a new group therefore takes ``group.initial.rebalance.delay.ms``
(3000 ms) before records arrive; later rebalances complete as soon as every member has
polled. To run several consumers, poll them in turn, e.g.
``for _ in range(5): [c.poll(1000) for c in consumers]``. For long idle stretches,
prefer ``cluster.advance(ms)``: a long ``poll`` steps from timer to timer (each
heartbeat is one ``clock_advanced`` event).

Consumers read only up to the high watermark (through ``cluster.fetch``). Records are
returned per partition in assignment order, rotating the starting partition between
polls, at most ``max_poll_records`` in total.

**Broker failures** (Kafka's ``AbstractFetch``/``FetchCollector`` rules). A partition
whose leader is unknown (``LeaderNotAvailableError``) or cannot be reached (a crashed
leader not fenced yet: ``KafkaConnectionError``) gives no records in this poll; the
consumer asks for fresh metadata and tries that partition again ``retry.backoff.ms``
later on the simulated clock, from the same position. No exception reaches the caller
(Kafka only logs); the journal gets ``fetch_failed`` [member_id, topic, partition,
error, leader, position] when a partition starts failing (or fails differently) and
``fetch_resumed`` [member_id, topic, partition, leader, position] when it answers
again, from its new leader. Looking up a reset position (``auto.offset.reset``) waits
for a leader the same way. The other partitions keep flowing. When the group
coordinator moves, see :mod:`engine.consumer.membership`: ``poll()`` keeps looking for
it until its timeout (then still fetches), and ``commit()`` retries until
``default.api.timeout.ms``.

Journal events (with ``client_id`` and ``group``): ``consumer_created`` [group_instance_id,
protocol, assignors, auto_offset_reset, enable_auto_commit], ``consumer_subscribed``
[topics, pattern], ``consumer_assigned`` [partitions], ``consumer_unsubscribed``,
``records_consumed`` [member_id, partitions [{topic, partition, from_offset, to_offset,
count}]] (``to_offset`` is the new position), ``position_reset`` [topic, partition,
offset, strategy], ``position_committed`` [topic, partition, offset] (position taken from
the committed offset), ``consumer_seek`` [topic, partition, offset],
``consumer_paused``/``consumer_resumed`` [partitions], ``consumer_closed`` [member_id],
``consumer_crashed`` [member_id], ``fetch_failed``/``fetch_resumed`` (above); plus the
membership events of
:mod:`engine.consumer.membership` and the coordinator's offsets events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from engine.consumer.config import ConsumerConfig, build_config
from engine.consumer.membership import STABLE, GroupMembership, resolve_assignors
from engine.consumer.subscription import MUTUALLY_EXCLUSIVE, SubscriptionState
from engine.core.args import is_int
from engine.core.delivery import connection_error
from engine.core.errors import (
    CoordinatorNotAvailableError,
    IllegalArgumentError,
    IllegalStateError,
    InvalidGroupIdError,
    KafkaError,
    LeaderNotAvailableError,
    NoOffsetForPartitionError,
    OffsetOutOfRangeError,
    UnknownTopicOrPartitionError,
)
from engine.core.listoffsets import offset_range, record_for_time
from engine.core.records import ConsumerRecord, OffsetAndTimestamp, TopicPartition
from engine.group.coordinator import tp_list

if TYPE_CHECKING:
    from engine.core.cluster import Cluster

NO_GROUP_ID = ("To use the group management or offset commit APIs, you must provide a valid "
               "group.id in the consumer configuration.")
NOT_SUBSCRIBED = "Consumer is not subscribed to any topics or assigned any partitions"
CLOSED = "This consumer has already been closed."
_NOT_ASSIGNED = "You can only check the position for partitions assigned to this consumer."


def _tp(value: Any) -> TopicPartition:
    if (not isinstance(value, tuple) or len(value) != 2 or not isinstance(value[0], str)
            or not is_int(value[1])):
        raise TypeError(f"expected a TopicPartition(topic, partition), got {value!r}")
    return TopicPartition(value[0], value[1])


def _java_set(partitions: Iterable[TopicPartition]) -> str:
    return "[" + ", ".join(f"{tp.topic}-{tp.partition}" for tp in partitions) + "]"


class Consumer:
    """A Kafka consumer on the engine (see the module docstring for how time passes).

    Create it with ``cluster.consumer("topic", group_id="g", ...)``. Methods follow
    aiokafka's names and Kafka's behaviour: ``subscribe``, ``assign``, ``poll`` /
    ``getmany``, ``commit``, ``committed``, ``seek``, ``seek_to_beginning``,
    ``seek_to_end``, ``position``, ``pause``, ``resume``, ``assignment``, ``close``.
    ``crash()`` (engine only) stops it dead: no commit, no LeaveGroup.
    """

    def __init__(self, cluster: Cluster, *topics: str, **config: Any) -> None:
        self._cluster = cluster
        if topics and config.get("group_id", config.get("group.id")) is None:
            raise InvalidGroupIdError(NO_GROUP_ID)
        if any(not isinstance(t, str) or t.strip() == "" for t in topics):
            raise IllegalArgumentError(
                "Topic collection to subscribe to cannot contain null or empty topic")
        self.config: ConsumerConfig = build_config(config, cluster.groups.next_client_sequence)
        assignors = resolve_assignors(self.config.partition_assignment_strategy)
        self._subs = SubscriptionState()
        self._membership = GroupMembership(cluster, self.config, self._subs, assignors)
        self._closed = False
        self._rotation = 0
        self._retry_at: dict[TopicPartition, int] = {}
        """Partitions whose last fetch failed: when to try them again."""
        self._fetch_errors: dict[TopicPartition, str] = {}
        """The error each failing partition last met (for ``fetch_failed`` events)."""
        self._record("consumer_created", {
            "group_instance_id": self.config.group_instance_id,
            "protocol": self._membership.protocol,
            "assignors": [a.name for a in assignors],
            "auto_offset_reset": str(self.config.auto_offset_reset),
            "enable_auto_commit": self.config.enable_auto_commit})
        if topics:
            self.subscribe(list(topics))

    # -------------------------------------------------------------- helpers
    def _record(self, kind: str, data: Mapping[str, Any]) -> None:
        self._cluster.journal.record(self._cluster.now_ms, kind, {
            "client_id": self.config.client_id, "group": self.config.group_id, **data})

    def _ensure_open(self) -> None:
        if self._closed:
            raise IllegalStateError(CLOSED)

    def _require_group(self) -> str:
        if self.config.group_id is None:
            raise InvalidGroupIdError(NO_GROUP_ID)
        return self.config.group_id

    def _require_assigned(self, tp: TopicPartition, message: str | None = None) -> None:
        if tp not in self._subs.assignment:
            raise IllegalStateError(message or f"No current assignment for partition "
                                               f"{tp.topic}-{tp.partition}")

    @property
    def client_id(self) -> str:
        return self.config.client_id

    @property
    def group_id(self) -> str | None:
        return self.config.group_id

    @property
    def member_id(self) -> str:
        """The member id the coordinator gave this consumer ("" before the first join)."""
        return self._membership.member_id

    @property
    def generation(self) -> int:
        return self._membership.generation

    @property
    def rebalance_protocol(self) -> str:
        """``EAGER`` or ``COOPERATIVE``, from the configured assignors."""
        return self._membership.protocol

    @property
    def membership_state(self) -> str:
        """UNJOINED, PREPARING_REBALANCE, COMPLETING_REBALANCE or STABLE (client side)."""
        return self._membership.state

    @property
    def closed(self) -> bool:
        return self._closed

    # -------------------------------------------------------- subscriptions
    def subscribe(self, topics: Iterable[str] | str = (), pattern: str | re.Pattern[str] |
                  None = None, listener: Any = None) -> None:
        """Subscribe to topics, or to every topic matching ``pattern``, as a group member."""
        self._ensure_open()
        if isinstance(topics, str):
            topics = [topics]
        topic_list = list(topics)
        if pattern is not None and topic_list:
            raise IllegalStateError(MUTUALLY_EXCLUSIVE)
        if pattern is not None:
            text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
            if not isinstance(text, str) or text == "":
                raise IllegalArgumentError("Topic pattern to subscribe to cannot be empty")
            self._require_group()
            self._subs.check_mode("pattern")
            compiled = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)
            self._subs.mode, self._subs.pattern, self._subs.topics = "pattern", compiled, ()
            self._subs.listener = listener
            self._record("consumer_subscribed", {"topics": [], "pattern": text})
            return
        if any(not isinstance(t, str) or t.strip() == "" for t in topic_list):
            raise IllegalArgumentError(
                "Topic collection to subscribe to cannot contain null or empty topic")
        if not topic_list:
            self.unsubscribe()
            return
        self._require_group()
        self._subs.check_mode("topics")
        self._subs.mode, self._subs.topics, self._subs.pattern = "topics", tuple(topic_list), None
        self._subs.listener = listener
        self._record("consumer_subscribed", {"topics": sorted(set(topic_list)), "pattern": None})

    def subscription(self) -> set[str]:
        """The subscribed topics (for a pattern: those it matches now)."""
        return set(self._subs.subscribed_topics(self._cluster.list_topics()))

    def unsubscribe(self) -> None:
        """Give up every partition (revoke callbacks run) and leave the group."""
        self._ensure_open()
        if self._subs.auto_assigned:
            self._membership.on_leave_prepare()
            self._membership.maybe_leave_group("the consumer unsubscribed from all topics")
        if self._subs.mode is not None:
            self._record("consumer_unsubscribed", {})
        self._subs.clear()

    def assign(self, partitions: Iterable[TopicPartition]) -> None:
        """Read these partitions directly, with no group membership (Kafka's ``assign``)."""
        self._ensure_open()
        tps = sorted({_tp(p) for p in partitions})
        if any(not tp.topic.strip() for tp in tps):
            raise IllegalArgumentError("Topic partitions to assign to cannot have null or "
                                       "empty topic")
        if not tps:
            self.unsubscribe()
            return
        self._subs.check_mode("manual")
        self._subs.mode = "manual"
        self._subs.set_assignment(tps)
        self._record("consumer_assigned", {"partitions": tp_list(tps)})

    def assignment(self) -> set[TopicPartition]:
        """The partitions this consumer currently owns."""
        return set(self._subs.assignment)

    # ------------------------------------------------------------------ poll
    def poll(self, timeout_ms: int = 0, max_records: int | None = None
             ) -> dict[TopicPartition, list[ConsumerRecord]]:
        """Fetch records, waiting up to ``timeout_ms`` of simulated time for some."""
        return self.getmany(timeout_ms=timeout_ms, max_records=max_records)

    def getmany(self, *partitions: TopicPartition, timeout_ms: int = 0,
                max_records: int | None = None) -> dict[TopicPartition, list[ConsumerRecord]]:
        """aiokafka's ``getmany``: records per partition (optionally only ``partitions``)."""
        self._ensure_open()
        if not is_int(timeout_ms):
            raise TypeError(f"timeout_ms must be an int, got {timeout_ms!r}")
        if timeout_ms < 0:
            raise IllegalArgumentError("Timeout must not be negative")
        limit = self.config.max_poll_records if max_records is None else max_records
        if not is_int(limit) or limit < 1:
            raise IllegalArgumentError(f"max_records must be a positive int, got {limit!r}")
        only = {_tp(p) for p in partitions}
        if self._subs.mode is None:
            raise IllegalStateError(NOT_SUBSCRIBED)
        deadline = self._cluster.now_ms + timeout_ms
        while True:
            ready = self._membership.poll()
            if ready:
                self._membership.check_metadata()
                self._membership.poll()
                self._update_positions()
            # With no coordinator, Kafka's poll() keeps looking for it until its
            # timeout, then still fetches the partitions it owns.
            if ready or self._cluster.now_ms >= deadline:
                records = self._fetch(limit, only)
                if records:
                    return records
            now = self._cluster.now_ms
            if now >= deadline:
                return {}
            pending = self._cluster.clock.pending()
            step = deadline - now
            if pending:
                step = min(step, max(pending[0].due_ms - now, 0))
            wake = self._next_retry_ms(now)
            if wake is not None:
                step = min(step, wake - now)
            self._cluster.advance(step)

    def _next_retry_ms(self, now: int) -> int | None:
        """The earliest retry (a failed partition, the coordinator lookup) after ``now``."""
        assigned = self._subs.assignment
        times = [t for tp, t in self._retry_at.items() if t > now and tp in assigned]
        retry = self._membership.coordinator_retry_ms
        if retry is not None and retry > now:
            times.append(retry)
        return min(times, default=None)

    # ------------------------------------------------------------ failures
    def _leader_error(self, tp: TopicPartition) -> KafkaError | None:
        """Why a request for ``tp`` cannot reach its leader now, or None if it can."""
        try:
            replicas = self._cluster.replicas(tp.topic, tp.partition)
        except KafkaError as error:
            return error
        leader = next((r for r in replicas if r.is_leader), None)
        if leader is None:
            return LeaderNotAvailableError()
        if not leader.running:
            return connection_error(leader.broker)
        return None

    def _partition_failed(self, tp: TopicPartition, error: KafkaError) -> None:
        """A request for ``tp`` failed: refresh metadata, retry after retry.backoff.ms."""
        self._retry_at[tp] = self._cluster.now_ms + self.config.retry_backoff_ms
        name = type(error).__name__
        if self._fetch_errors.get(tp) == name:
            return
        self._fetch_errors[tp] = name
        leader = None if isinstance(error, UnknownTopicOrPartitionError) else (
            self._cluster.partition_leader(tp.topic, tp.partition))
        state = self._subs.assignment.get(tp)
        self._record("fetch_failed", {
            "member_id": self._membership.member_id, "topic": tp.topic,
            "partition": tp.partition, "error": name, "leader": leader,
            "position": None if state is None else state.position})

    def _partition_ok(self, tp: TopicPartition) -> None:
        self._retry_at.pop(tp, None)
        if self._fetch_errors.pop(tp, None) is None:
            return
        state = self._subs.assignment.get(tp)
        self._record("fetch_resumed", {
            "member_id": self._membership.member_id, "topic": tp.topic,
            "partition": tp.partition,
            "leader": self._cluster.partition_leader(tp.topic, tp.partition),
            "position": None if state is None else state.position})

    def _update_positions(self) -> None:
        """Look up a position for every assigned partition that has none."""
        missing = [tp for tp, s in self._subs.assignment.items() if s.position is None]
        if not missing:
            return
        if self._subs.auto_assigned and self._membership.state != STABLE:
            return
        committed = {}
        if self.config.group_id is not None:
            if not self._membership.ensure_coordinator():
                return  # OffsetFetch needs the coordinator: the next poll tries again
            committed = self._cluster.groups.fetch_offsets(self.config.group_id, missing)
        need_reset = []
        for tp in missing:
            om = committed.get(tp)
            if om is not None:
                self._subs.assignment[tp].move_to(om.offset, om.leader_epoch)
                self._record("position_committed", {"topic": tp.topic, "partition": tp.partition,
                                                    "offset": om.offset})
            else:
                need_reset.append(tp)
        self._reset(need_reset)

    def _reset(self, partitions: list[TopicPartition]) -> None:
        if not partitions:
            return
        strategy = self.config.auto_offset_reset
        if strategy.type == "none":
            raise NoOffsetForPartitionError(
                "Undefined offset with no reset policy for partitions: " + _java_set(partitions))
        now = self._cluster.now_ms
        for tp in partitions:
            if self._retry_at.get(tp, now) > now:
                continue
            error = self._leader_error(tp)  # ListOffsets goes to the leader
            if error is not None:
                self._partition_failed(tp, error)
                continue
            offset = self._reset_offset(tp, strategy.type, strategy.duration_ms)
            self._subs.assignment[tp].move_to(offset)
            self._record("position_reset", {"topic": tp.topic, "partition": tp.partition,
                                            "offset": offset, "strategy": str(strategy)})

    def _offsets(self, tp: TopicPartition) -> tuple[int, int]:
        """(log start offset, high watermark) of a partition."""
        return offset_range(self._cluster, tp)

    def _reset_offset(self, tp: TopicPartition, kind: str, duration_ms: int | None) -> int:
        start, end = self._offsets(tp)
        if kind == "earliest":
            return start
        if kind == "latest" or duration_ms is None:
            return end
        return self._offset_for_time(tp, self._cluster.now_ms - duration_ms, start, end)

    def _offset_for_time(self, tp: TopicPartition, timestamp: int, start: int, end: int) -> int:
        """The first offset with a timestamp >= ``timestamp``, or the high watermark when
        there is none (how a ``by_duration`` reset uses ListOffsets)."""
        found = record_for_time(self._cluster, tp, timestamp)
        return end if found is None else found.offset

    def offsets_for_times(self, timestamps: Mapping[TopicPartition, int]
                          ) -> dict[TopicPartition, OffsetAndTimestamp | None]:
        """For each partition, the earliest record whose timestamp is at or after the given
        one (milliseconds), or None; positions do not change (aiokafka's
        ``offsets_for_times``)."""
        wanted = {_tp(tp): int(ts) for tp, ts in timestamps.items()}
        for tp, ts in wanted.items():
            if ts < 0:
                raise ValueError(f"The target time for partition {tp} is {ts}. "
                                 "The target time cannot be negative.")
        return {tp: record_for_time(self._cluster, tp, ts) for tp, ts in wanted.items()}

    def _fetch(self, limit: int, only: set[TopicPartition]
               ) -> dict[TopicPartition, list[ConsumerRecord]]:
        now = self._cluster.now_ms
        fetchable = [tp for tp, s in self._subs.assignment.items()
                     if s.position is not None and not s.paused and (not only or tp in only)
                     and self._cluster.has_topic(tp.topic) and self._retry_at.get(tp, now) <= now]
        if not fetchable:
            return {}
        start = self._rotation % len(fetchable)
        order = fetchable[start:] + fetchable[:start]
        result: dict[TopicPartition, list[ConsumerRecord]] = {}
        consumed = []
        remaining = limit
        for tp in order:
            if remaining <= 0:
                break
            state = self._subs.assignment[tp]
            assert state.position is not None
            try:
                batch = self._cluster.fetch(tp.topic, tp.partition, state.position, remaining)
            except OffsetOutOfRangeError:
                if self.config.auto_offset_reset.type == "none":
                    raise
                state.move_to(None)
                self._reset([tp])
                continue
            except KafkaError as error:  # no leader, leader down...: Kafka logs, retries
                self._partition_failed(tp, error)
                continue
            self._partition_ok(tp)
            if not batch:
                continue
            cfg = self.config
            if cfg.key_deserializer is None and cfg.value_deserializer is None:
                result[tp] = batch  # nothing to decode: the fetched records as they are
            else:
                result[tp] = [self._deserialize(r) for r in batch]
            before = state.position
            state.move_to(batch[-1].offset + 1, self._cluster.record_leader_epoch(
                tp.topic, tp.partition, batch[-1].offset))
            consumed.append({"topic": tp.topic, "partition": tp.partition,
                             "from_offset": before, "to_offset": state.position,
                             "count": len(batch)})
            remaining -= len(batch)
        if result:
            self._rotation += 1
            self._record("records_consumed", {"member_id": self._membership.member_id,
                                              "partitions": consumed})
        return result

    def _deserialize(self, record: ConsumerRecord) -> ConsumerRecord:
        kd, vd = self.config.key_deserializer, self.config.value_deserializer
        if kd is None and vd is None:
            return record
        key = kd(record.key) if kd is not None and record.key is not None else record.key
        value = (vd(record.value) if vd is not None and record.value is not None
                 else record.value)
        return record._replace(key=key, value=value)

    # --------------------------------------------------------------- commits
    def commit(self, offsets: Mapping[TopicPartition, Any] | None = None) -> None:
        """Commit synchronously: ``offsets``, or the position of every assigned partition."""
        self._ensure_open()
        self._require_group()
        to_commit = self._subs.consumed_offsets() if offsets is None else offsets
        if offsets is None and not to_commit:
            return
        self._membership.commit_sync(to_commit, self.config.default_api_timeout_ms)

    def commit_async(self, offsets: Mapping[TopicPartition, Any] | None = None,
                     callback: Any = None) -> None:
        """Commit without raising: errors go to ``callback(offsets, exception)``.

        One attempt: with no coordinator the callback gets the coordinator error."""
        self._ensure_open()
        self._require_group()
        to_commit = self._subs.consumed() if offsets is None else dict(offsets)
        error: Exception | None = None
        try:
            if to_commit:  # the consumed positions go with their leader epochs
                self._membership.commit_once(
                    self._subs.consumed_offsets() if offsets is None else to_commit)
        except KafkaError as exc:
            error = exc
        if callback is not None:
            callback(to_commit, error)

    def committed(self, partition: TopicPartition) -> int | None:
        """The group's committed offset for ``partition`` (``None`` if there is none)."""
        self._ensure_open()
        self._require_group()
        tp = _tp(partition)
        om = self._fetch_committed([tp]).get(tp)
        return None if om is None else om.offset

    def _fetch_committed(self, tps: list[TopicPartition]) -> dict[TopicPartition, Any]:
        """OffsetFetch, retried while the coordinator is unavailable, up to
        ``default.api.timeout.ms`` (then Kafka's ``TimeoutException`` text)."""
        group_id = self._require_group()
        membership = self._membership

        def attempt() -> dict[TopicPartition, Any]:
            if not membership.ensure_coordinator():
                raise CoordinatorNotAvailableError()
            return self._cluster.groups.fetch_offsets(group_id, tps)

        timeout = self.config.default_api_timeout_ms
        return membership.retry_until(  # type: ignore[no-any-return]
            attempt, timeout,
            f"Timeout of {timeout}ms expired before the last committed offset for partitions "
            f"{_java_set(tps)} could be determined. Try tuning default.api.timeout.ms "
            "larger to relax the threshold.")

    # ------------------------------------------------------------- positions
    def position(self, partition: TopicPartition) -> int:
        """The offset of the next record ``poll`` will return for ``partition``."""
        self._ensure_open()
        tp = _tp(partition)
        self._require_assigned(tp, _NOT_ASSIGNED)
        if self._subs.assignment[tp].position is None:
            self._update_positions()
        position = self._subs.assignment[tp].position
        if position is None:
            raise IllegalStateError(f"No position yet for partition {tp.topic}-{tp.partition} "
                                    "(the group is still rebalancing; call poll())")
        return position

    def seek(self, partition: TopicPartition, offset: int) -> None:
        """Make the next ``poll`` start at ``offset`` for ``partition``."""
        self._ensure_open()
        tp = _tp(partition)
        if not is_int(offset):
            raise TypeError(f"offset must be an int, got {offset!r}")
        if offset < 0:
            raise IllegalArgumentError("seek offset must not be a negative number")
        self._require_assigned(tp)
        self._subs.assignment[tp].move_to(offset)
        self._record("consumer_seek", {"topic": tp.topic, "partition": tp.partition,
                                       "offset": offset})

    def _seek_to(self, partitions: tuple[TopicPartition, ...], kind: str) -> None:
        self._ensure_open()
        tps = [_tp(p) for p in partitions] or self._subs.assigned()
        for tp in tps:
            self._require_assigned(tp)
        for tp in tps:
            offset = self._reset_offset(tp, kind, None)
            self._subs.assignment[tp].move_to(offset)
            self._record("consumer_seek", {"topic": tp.topic, "partition": tp.partition,
                                           "offset": offset})

    def seek_to_beginning(self, *partitions: TopicPartition) -> None:
        """Seek to the log start offset (all assigned partitions if none are given)."""
        self._seek_to(partitions, "earliest")

    def seek_to_end(self, *partitions: TopicPartition) -> None:
        """Seek to the high watermark (all assigned partitions if none are given)."""
        self._seek_to(partitions, "latest")

    def seek_to_committed(self, *partitions: TopicPartition) -> None:
        """Seek to the committed offsets (aiokafka's ``seek_to_committed``)."""
        self._ensure_open()
        self._require_group()
        tps = [_tp(p) for p in partitions] or self._subs.assigned()
        for tp in tps:
            self._require_assigned(tp)
        committed = self._fetch_committed(tps)
        for tp in tps:
            if tp in committed:
                self.seek(tp, committed[tp].offset)

    def highwater(self, partition: TopicPartition) -> int:
        """The partition's high watermark."""
        return self._offsets(_tp(partition))[1]

    def beginning_offsets(self, partitions: Iterable[TopicPartition]
                          ) -> dict[TopicPartition, int]:
        return {tp: self._offsets(tp)[0] for tp in map(_tp, partitions)}

    def end_offsets(self, partitions: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: self._offsets(tp)[1] for tp in map(_tp, partitions)}

    def lag(self, partition: TopicPartition) -> int:
        """High watermark minus this consumer's position."""
        return self.highwater(partition) - self.position(partition)

    def pause(self, *partitions: TopicPartition) -> None:
        """Stop returning records for these partitions (they stay assigned)."""
        self._set_paused(partitions, True)

    def resume(self, *partitions: TopicPartition) -> None:
        """Return records for these partitions again."""
        self._set_paused(partitions, False)

    def _set_paused(self, partitions: tuple[TopicPartition, ...], paused: bool) -> None:
        self._ensure_open()
        tps = [_tp(p) for p in partitions]
        for tp in tps:
            self._require_assigned(tp)
        for tp in tps:
            self._subs.assignment[tp].paused = paused
        self._record("consumer_paused" if paused else "consumer_resumed",
                     {"partitions": tp_list(tps)})

    def paused(self) -> set[TopicPartition]:
        return {tp for tp, s in self._subs.assignment.items() if s.paused}

    def topics(self) -> set[str]:
        """Topics the consumer can see (internal topics excluded)."""
        return set(self._cluster.list_topics(include_internal=False))

    def partitions_for_topic(self, topic: str) -> set[int] | None:
        if not self._cluster.has_topic(topic):
            return None
        return set(range(self._cluster.num_partitions(topic)))

    # ----------------------------------------------------------------- close
    def close(self) -> None:
        """Commit (if auto-commit is on), revoke, leave the group, and stop."""
        if self._closed:
            return
        membership = self._membership
        member_id = membership.member_id
        failure: KafkaError | None = None
        if self.config.group_id is not None and self._subs.mode is not None:
            membership.maybe_auto_commit(force=True)
            try:
                membership.on_leave_prepare()
            except KafkaError as error:  # a failing listener: close anyway, then raise
                failure = error
            membership.maybe_leave_group("the consumer is being closed")
        membership.stop()
        self._closed = True
        self._record("consumer_closed", {"member_id": member_id})
        if failure is not None:
            raise failure

    def crash(self) -> None:
        """Engine only: the process dies. No commit, no callbacks, no LeaveGroup; the
        coordinator notices after ``session.timeout.ms``."""
        if self._closed:
            return
        self._membership.stop()
        self._closed = True
        self._record("consumer_crashed", {"member_id": self._membership.member_id})

    def __enter__(self) -> Consumer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"Consumer(client_id={self.config.client_id!r}, "
                f"group_id={self.config.group_id!r}, "
                f"assignment={sorted(self._subs.assignment)})")
