"""The consumer's side of the classic group protocol (Kafka's ``ConsumerCoordinator``).

It runs inside the consumer's ``poll()``: it sends JoinGroup when the member must
(re)join, computes the assignment when it is the leader, sends SyncGroup, and calls the
rebalance listener in Kafka's order (see :mod:`engine.consumer.listener`). A background
"heartbeat thread" is a timer on the cluster's clock: every ``heartbeat.interval.ms`` it
sends a Heartbeat, learns that a rebalance started (and asks ``poll()`` to rejoin), or
that the member was removed; and if ``poll()`` was not called for
``max.poll.interval.ms`` it leaves the group (a static member just stops).

The rebalance protocol is COOPERATIVE when every configured assignor supports it, else
EAGER (the default ``[range, cooperative-sticky]`` is EAGER, as in Kafka).

Journal events (client side; ``client_id`` and ``group`` in every one):
``partitions_revoked``, ``partitions_assigned`` and ``partitions_lost`` [member_id,
generation, protocol (EAGER/COOPERATIVE), partitions; assigned also has ``assignment``,
the full new assignment], ``consumer_left_group`` [member_id, reason],
``poll_timeout_expired`` [member_id, max_poll_interval_ms], ``auto_commit_failed``
[error].

**The coordinator moving.** The client remembers which broker coordinates its group
(FindCoordinator) and checks it before each request: a crashed broker cannot be
reached, a live one that no longer leads the group's ``__consumer_offsets`` partition
answers ``NOT_COORDINATOR``. Either way the client forgets it (Kafka's
``markCoordinatorUnknown``, journal ``coordinator_unavailable`` [member_id, coordinator,
error], once per outage) and looks it up again every ``retry.backoff.ms``, from
``poll()`` and from the heartbeat thread. When a lookup finds a coordinator that answers,
``coordinator_changed`` [member_id, previous, coordinator] follows (``previous`` is the
lost one, None if none was ever found; it may be the same broker back again). Nothing
is rebalanced: the new coordinator knows the group. A synchronous commit retries until
``default.api.timeout.ms`` (60000), sleeping ``retry.backoff.ms`` doubled after each
attempt up to ``retry.backoff.max.ms`` (Kafka adds random jitter; the engine does not),
then raises :class:`KafkaTimeoutError` with Kafka's text. An auto-commit that fails is
only journaled (``auto_commit_failed``, once per error) and retried after
``retry.backoff.ms``. Nothing here changes the clock on a healthy cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from engine.consumer.listener import run_now
from engine.core.errors import (
    CommitFailedError,
    CoordinatorNotAvailableError,
    FencedInstanceIdError,
    IllegalArgumentError,
    IllegalGenerationError,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    NotCoordinatorForGroupError,
    RebalanceInProgressError,
    UnknownMemberIdError,
)
from engine.core.java import capacity_after_puts, hash_order, java_list, string_hash
from engine.core.records import TopicPartition
from engine.group.coordinator import tp_list
from engine.group.offsets import normalize_offsets
from engine.group.state import Pending

if TYPE_CHECKING:
    from engine.consumer.config import ConsumerConfig
    from engine.consumer.subscription import SubscriptionState
    from engine.core.cluster import Cluster

UNJOINED = "UNJOINED"
PREPARING_REBALANCE = "PREPARING_REBALANCE"
COMPLETING_REBALANCE = "COMPLETING_REBALANCE"
STABLE = "STABLE"

NOT_IN_GROUP = ("Offset commit cannot be completed since the consumer is not part of an "
                "active group for auto partition assignment; it is likely that the consumer "
                "was kicked out of the group.")
CLIENT_REBALANCING = ("Offset commit cannot be completed since the consumer is undergoing a "
                      "rebalance for auto partition assignment. You can try completing the "
                      "rebalance by calling poll() and then retry the operation.")
COORDINATOR_ERRORS = (CoordinatorNotAvailableError, NotCoordinatorForGroupError,
                      KafkaConnectionError)
"""Errors after which a client forgets its coordinator and finds it again."""
GROUP_REBALANCING = ("Offset commit cannot be completed since the consumer group is executing "
                     "a rebalance at the moment. You can try completing the rebalance by "
                     "calling poll() and then retry commit again")


def _subscription_class() -> Any:
    from engine.assignors import Subscription

    return Subscription


def resolve_assignors(strategies: tuple[Any, ...]) -> list[Any]:
    """Assignor objects for ``partition.assignment.strategy`` (names, classes or objects),
    with Kafka's errors for unknown names and duplicates (``engine.assignors.get_all``)."""
    from engine.assignors import get_all

    return list(get_all(strategies))


def choose_protocol(assignors: list[Any]) -> str:
    """COOPERATIVE if every assignor supports it, else EAGER (Kafka's rule)."""
    common = set.intersection(*(set(getattr(a, "supported_protocols", ("EAGER",)))
                                for a in assignors))
    if not common:
        # Kafka collects the names with Collectors.toSet(): a HashSet, printed as [a, b].
        names = list(dict.fromkeys(a.name for a in assignors))
        names = hash_order(names, string_hash, capacity_after_puts(len(names)))
        raise IllegalArgumentError(f"Specified assignors {java_list(names)} do not have "
                                   "commonly supported rebalance protocol")
    return "COOPERATIVE" if "COOPERATIVE" in common else "EAGER"


class GroupMembership:
    """One consumer's membership in its group (driven by ``Consumer.poll``)."""

    def __init__(self, cluster: Cluster, config: ConsumerConfig,
                 subscriptions: SubscriptionState, assignors: list[Any]) -> None:
        self._cluster = cluster
        self._config = config
        self._subs = subscriptions
        self.assignors = assignors
        self.protocol = choose_protocol(assignors)
        self.group_id = config.group_id
        self.member_id = ""
        self.generation = -1
        self.protocol_name: str | None = None
        self.state = UNJOINED
        self.rejoin_needed = True
        self.needs_join_prepare = True
        self.is_leader = False
        self._join: Pending | None = None
        self._sync: Pending | None = None
        self._heartbeat_timer: Any = None
        self.last_poll_ms = cluster.now_ms
        self.next_auto_commit_ms = cluster.now_ms + config.auto_commit_interval_ms
        self.joined_topics: tuple[str, ...] = ()
        self.previous_assignment: tuple[TopicPartition, ...] = ()
        self.metadata_snapshot: dict[str, int] = {}
        self.metadata_refreshed_ms = cluster.now_ms
        self.fatal: KafkaError | None = None
        self._callback_error: Exception | None = None
        self.stopped = False
        self.coordinator_id: int | None = None
        """The broker this client believes coordinates its group (None: unknown)."""
        self.lost_coordinator: int | None = None
        """The coordinator lost in the current outage (None: no outage)."""
        self.coordinator_retry_ms: int | None = None
        """When ``poll()`` should look for the coordinator again (None: not waiting)."""
        self._auto_commit_error: str | None = None

    # -------------------------------------------------------------- helpers
    @property
    def coordinator(self) -> Any:
        return self._cluster.groups

    def _record(self, kind: str, data: Mapping[str, Any]) -> None:
        self._cluster.journal.record(self._cluster.now_ms, kind, {
            "client_id": self._config.client_id, "group": self.group_id, **data})

    def _callback(self, kind: str, partitions: list[TopicPartition],
                  assignment: list[TopicPartition] | None = None) -> None:
        data: dict[str, Any] = {"member_id": self.member_id, "generation": self.generation,
                                "protocol": self.protocol, "partitions": tp_list(partitions)}
        if assignment is not None:
            data["assignment"] = tp_list(assignment)
        self._record(kind, data)
        listener = self._subs.listener
        if listener is None:
            return
        method = getattr(listener, "on_" + kind, None)
        if method is None and kind == "partitions_lost":
            method = getattr(listener, "on_partitions_revoked", None)
        if method is not None:
            try:
                run_now(method(list(partitions)))
            except Exception as error:  # the rebalance goes on; poll() raises it after
                if self._callback_error is None:
                    self._callback_error = error

    def _raise_callback_error(self) -> None:
        error, self._callback_error = self._callback_error, None
        if error is not None:
            raise KafkaError("User rebalance callback throws an error") from error

    def backoff_ms(self, attempts: int) -> int:
        """Kafka's exponential retry backoff, without its random jitter."""
        base = self._config.retry_backoff_ms
        ceiling = max(self._config.retry_backoff_max_ms, base)
        return min(base * 2 ** min(attempts, 30), ceiling)

    # ---------------------------------------------------------- coordinator
    def ensure_coordinator(self) -> bool:
        """FindCoordinator unless a coordinator is known and answers; True when one does.

        On failure ``coordinator_retry_ms`` says when to try again."""
        assert self.group_id is not None
        for _ in range(2):  # a stale coordinator: forget it, then look up once more
            if self.coordinator_id is None:
                try:
                    self.coordinator_id = self.coordinator.lookup_coordinator(self.group_id)
                except COORDINATOR_ERRORS as error:
                    self._coordinator_failed(None, error)
                    return False
            error = self.coordinator.coordinator_error(self.group_id, self.coordinator_id)
            if error is None:
                self.coordinator_retry_ms = None
                if self.lost_coordinator is not None:
                    self._record("coordinator_changed", {
                        "member_id": self.member_id,
                        "previous": None if self.lost_coordinator < 0 else self.lost_coordinator,
                        "coordinator": self.coordinator_id})
                    self.lost_coordinator = None
                return True
            self.mark_coordinator_unknown(error)
        return False

    def mark_coordinator_unknown(self, error: KafkaError) -> None:
        """Forget the coordinator after ``error`` (Kafka's ``markCoordinatorUnknown``)."""
        lost, self.coordinator_id = self.coordinator_id, None
        self._coordinator_failed(lost, error)

    def _coordinator_failed(self, lost: int | None, error: KafkaError) -> None:
        self.coordinator_retry_ms = self._cluster.now_ms + self._config.retry_backoff_ms
        if self.lost_coordinator is None:
            self.lost_coordinator = -1 if lost is None else lost
            self._record("coordinator_unavailable", {
                "member_id": self.member_id, "coordinator": lost,
                "error": type(error).__name__})
        elif self.lost_coordinator == -1 and lost is not None:
            self.lost_coordinator = lost

    @property
    def in_rebalance(self) -> bool:
        return self.state in (PREPARING_REBALANCE, COMPLETING_REBALANCE)

    def reset_generation(self, reset_member_id: bool) -> None:
        self.generation = -1
        if reset_member_id:
            self.member_id = ""
        self.state = UNJOINED
        self.rejoin_needed = True
        self.needs_join_prepare = True
        self._stop_heartbeats()

    # ------------------------------------------------------------ heartbeat
    def _start_heartbeats(self) -> None:
        if self._heartbeat_timer is None and not self.stopped:
            self._heartbeat_timer = self._cluster.clock.call_later(
                self._config.heartbeat_interval_ms, self._heartbeat_tick,
                name=f"heartbeat:{self._config.client_id}")

    def _stop_heartbeats(self) -> None:
        if self._heartbeat_timer is not None:
            self._heartbeat_timer.cancel()
            self._heartbeat_timer = None

    def _heartbeat_tick(self) -> None:
        self._heartbeat_timer = None
        if self.stopped or self.state in (UNJOINED, PREPARING_REBALANCE):
            return
        now = self._cluster.now_ms
        if now - self.last_poll_ms > self._config.max_poll_interval_ms:
            self._record("poll_timeout_expired", {
                "member_id": self.member_id,
                "max_poll_interval_ms": self._config.max_poll_interval_ms})
            self.maybe_leave_group("consumer poll timeout has expired.")
            return
        assert self.group_id is not None
        if not self.ensure_coordinator():  # the heartbeat thread looks for it too
            self._heartbeat_timer = self._cluster.clock.call_later(
                self._config.retry_backoff_ms, self._heartbeat_tick,
                name=f"heartbeat:{self._config.client_id}")
            return
        error = self.coordinator.heartbeat(self.group_id, self.member_id, self.generation,
                                           self._config.group_instance_id)
        if error is RebalanceInProgressError:
            if self.state == STABLE:
                self.rejoin_needed = True
        elif error in (UnknownMemberIdError, IllegalGenerationError):
            self.reset_generation(reset_member_id=error is UnknownMemberIdError)
            return
        elif error is FencedInstanceIdError:
            self.fatal = FencedInstanceIdError()
            self._stop_heartbeats()
            return
        self._start_heartbeats()

    # ----------------------------------------------------------- join/sync
    def poll(self) -> bool:
        """Make every step of the rebalance that can be made now, without waiting.

        Returns False when a group member has no coordinator to talk to (``poll()``
        then keeps looking for it until its timeout, as Kafka's does)."""
        if self.fatal is not None:
            raise self.fatal
        self.last_poll_ms = self._cluster.now_ms
        if self.group_id is None:
            return True
        if not self._subs.auto_assigned:
            self.maybe_auto_commit()  # assign() with a group.id auto-commits too
            return True
        if not self.ensure_coordinator():
            return False
        self.maybe_auto_commit()
        for _ in range(100):  # each pass makes progress or stops
            if not self._step():
                break
            if self._callback_error is not None:
                break
        self._raise_callback_error()
        return True

    def _step(self) -> bool:
        if self._sync is not None:
            if not self._sync.done:
                return False
            response, self._sync = self._sync.value, None
            self._on_sync_response(response)
            return True
        if self._join is not None:
            if not self._join.done:
                return False
            response, self._join = self._join.value, None
            self._on_join_response(response)
            return True
        if self.rejoin_needed or self.state == UNJOINED:
            self._send_join()
            return True
        return False

    def _send_join(self) -> None:
        assert self.group_id is not None
        if self.needs_join_prepare:
            self.needs_join_prepare = False
            self._on_join_prepare()
        self.rejoin_needed = False
        self.state = PREPARING_REBALANCE
        self._stop_heartbeats()
        self._auto_create_topics()
        topics = tuple(self._subs.subscribed_topics(self._list_topics()))
        self.joined_topics = topics
        self.metadata_refreshed_ms = self._cluster.now_ms
        subscription = _subscription_class()
        owned = tuple(self._subs.assigned())
        protocols = []
        for assignor in self.assignors:
            if self.protocol == "COOPERATIVE":
                carried = owned
            elif assignor.name == "sticky":
                carried = self.previous_assignment
            else:
                carried = ()
            protocols.append((assignor.name, subscription(
                topics, owned_partitions=carried, generation=self.generation,
                group_instance_id=self._config.group_instance_id)))
        self._join = self.coordinator.join_group(
            self.group_id, self.member_id, group_instance_id=self._config.group_instance_id,
            client_id=self._config.client_id, client_host=self._config.client_host,
            session_timeout_ms=self._config.session_timeout_ms,
            rebalance_timeout_ms=self._config.rebalance_timeout_ms,
            protocol_type="consumer", protocols=protocols)

    def _on_join_prepare(self) -> None:
        if self._config.enable_auto_commit and self.generation >= 0:
            self.maybe_auto_commit(force=True)
        owned = self._subs.assigned()
        if self.generation < 0 or self.member_id == "":
            if owned:
                self._callback("partitions_lost", owned)
                self._subs.set_assignment([])
        elif self.protocol == "EAGER":
            self.previous_assignment = tuple(owned)
            self._callback("partitions_revoked", owned)
            self._subs.set_assignment([])
        else:
            subscribed = set(self._subs.subscribed_topics(self._list_topics()))
            gone = [tp for tp in owned if tp.topic not in subscribed]
            if gone:
                self._callback("partitions_revoked", gone)
                self._subs.set_assignment([tp for tp in owned if tp.topic in subscribed])
        self.is_leader = False

    def _on_join_response(self, response: Any) -> None:
        error = response.error
        if error is not None:
            if error in (UnknownMemberIdError, IllegalGenerationError):
                self.reset_generation(reset_member_id=error is UnknownMemberIdError)
            elif error in (RebalanceInProgressError, CoordinatorNotAvailableError):
                self.rejoin_needed = True
            else:
                self.rejoin_needed = True
                self.state = UNJOINED
                if error is FencedInstanceIdError:
                    self.fatal = FencedInstanceIdError()
                raise error()
            return
        self.member_id = response.member_id
        self.generation = response.generation
        self.protocol_name = response.protocol_name
        self.state = COMPLETING_REBALANCE
        self._start_heartbeats()
        assignments = None
        self.is_leader = response.leader == self.member_id
        if self.is_leader and not response.skip_assignment:
            try:
                assignments = self._perform_assignment(response.protocol_name,
                                                       response.members)
            except Exception:
                self.rejoin_needed = True  # a failing assignor: the next poll rejoins
                raise
        assert self.group_id is not None
        self._sync = self.coordinator.sync_group(
            self.group_id, self.member_id, self.generation,
            group_instance_id=self._config.group_instance_id, assignments=assignments)

    def _perform_assignment(self, protocol_name: str,
                            members: tuple[tuple[str, str | None, Any], ...]
                            ) -> dict[str, list[TopicPartition]]:
        assignor = next(a for a in self.assignors if a.name == protocol_name)
        subscriptions = {member_id: meta for member_id, _, meta in members}
        topics = sorted({t for meta in subscriptions.values() for t in meta.topics})
        partitions_per_topic = {t: self._cluster.num_partitions(t)
                                for t in topics if self._cluster.has_topic(t)}
        self.metadata_snapshot = dict(partitions_per_topic)
        result = assignor.assign(partitions_per_topic, subscriptions)
        assignments = {member_id: [TopicPartition(*tp) for tp in result.get(member_id, [])]
                       for member_id in subscriptions}
        if self.protocol == "COOPERATIVE":
            from engine.assignors.cooperative import validate_cooperative_assignment

            owned = {member_id: meta.owned_partitions for member_id, meta in subscriptions.items()}
            validate_cooperative_assignment(assignor.name, owned, assignments)
        return assignments

    def _on_sync_response(self, response: Any) -> None:
        error = response.error
        if error is not None:
            if error is RebalanceInProgressError:
                self.rejoin_needed = True
            elif error in (UnknownMemberIdError, IllegalGenerationError):
                self.reset_generation(reset_member_id=error is UnknownMemberIdError)
            elif error is FencedInstanceIdError:
                self.fatal = FencedInstanceIdError()
                raise self.fatal
            else:
                self.rejoin_needed = True
            return
        self.state = STABLE
        self.needs_join_prepare = True
        self._on_join_complete(list(response.assignment))

    def _on_join_complete(self, assigned: list[TopicPartition]) -> None:
        subscribed = set(self.joined_topics)
        if any(tp.topic not in subscribed for tp in assigned):
            self.rejoin_needed = True
            return
        owned = set(self._subs.assigned())
        added = sorted(set(assigned) - owned)
        if self.protocol == "COOPERATIVE":
            revoked = sorted(owned - set(assigned))
            if revoked:
                self._callback("partitions_revoked", revoked)
                self.rejoin_needed = True
        self.next_auto_commit_ms = self._cluster.now_ms + self._config.auto_commit_interval_ms
        self._subs.set_assignment(sorted(assigned))
        self.previous_assignment = tuple(sorted(assigned))
        self._callback("partitions_assigned", added, sorted(assigned))

    # -------------------------------------------------------------- metadata
    def _list_topics(self) -> list[str]:
        return self._cluster.list_topics(include_internal=not self._config.exclude_internal_topics)

    def _auto_create_topics(self) -> None:
        """A metadata request for missing subscribed topics creates them when both the
        consumer (``allow.auto.create.topics``) and the broker allow it."""
        if (self._subs.mode != "topics" or not self._config.allow_auto_create_topics
                or self._cluster.broker_config("auto.create.topics.enable") != "true"):
            return
        for topic in sorted(set(self._subs.topics)):
            if not self._cluster.has_topic(topic):
                self._cluster.create_topic(topic)

    def check_metadata(self) -> None:
        """Rejoin when the subscription changed, or, at each metadata refresh (every
        ``metadata.max.age.ms``), when a pattern matches other topics or (for the leader)
        a topic's partition count changed."""
        if self.state != STABLE:
            return
        now = self._cluster.now_ms
        refresh = now - self.metadata_refreshed_ms >= self._config.metadata_max_age_ms
        if (self._subs.mode == "topics"
                and tuple(sorted(set(self._subs.topics))) != self.joined_topics):
            self.rejoin_needed = True
            return
        if not refresh:
            return
        self.metadata_refreshed_ms = now
        topics = tuple(self._subs.subscribed_topics(self._list_topics()))
        if topics != self.joined_topics:
            self.rejoin_needed = True
        elif self.is_leader:
            current = {t: self._cluster.num_partitions(t)
                       for t in self.metadata_snapshot if self._cluster.has_topic(t)}
            if current != self.metadata_snapshot:
                self.rejoin_needed = True

    # ---------------------------------------------------------------- commit
    def commit(self, offsets: Mapping[Any, Any], auto: bool = False) -> dict[Any, Any]:
        """Commit for the group, turning coordinator errors into the client's errors."""
        assert self.group_id is not None
        member_id, generation = "", -1
        if self._subs.auto_assigned:
            if self.state != STABLE:
                if self.in_rebalance:
                    raise RebalanceInProgressError(CLIENT_REBALANCING)
                raise CommitFailedError(NOT_IN_GROUP)
            member_id, generation = self.member_id, self.generation
        try:
            return dict(self.coordinator.commit_offsets(
                self.group_id, offsets, member_id=member_id, generation=generation,
                group_instance_id=self._config.group_instance_id if member_id else None,
                client_id=self._config.client_id, auto=auto))
        except RebalanceInProgressError:
            self.rejoin_needed = True
            raise RebalanceInProgressError(GROUP_REBALANCING) from None
        except (UnknownMemberIdError, IllegalGenerationError) as error:
            # Java's OffsetCommitResponseHandler: CommitFailedException, also for a consumer
            # outside the group (assign() with a group id) while the group has members
            if member_id:
                self.reset_generation(reset_member_id=isinstance(error, UnknownMemberIdError))
            raise CommitFailedError() from None

    def commit_once(self, offsets: Mapping[Any, Any], auto: bool = False) -> dict[Any, Any]:
        """One OffsetCommit to the coordinator; a coordinator error forgets the
        coordinator and is raised (``CoordinatorNotAvailableError`` when none is known)."""
        if not self.ensure_coordinator():
            raise CoordinatorNotAvailableError()
        try:
            return self.commit(offsets, auto=auto)
        except COORDINATOR_ERRORS as error:
            self.mark_coordinator_unknown(error)
            raise

    def retry_until(self, attempt: Any, timeout_ms: int,
                    message: str | Callable[[], str]) -> Any:
        """Run ``attempt()`` until it succeeds, retrying coordinator errors with backoff
        on the simulated clock; after ``timeout_ms`` raise ``KafkaTimeoutError(message)``
        (``message`` may be a function, called only then)."""
        deadline = self._cluster.now_ms + timeout_ms
        attempts = 0
        while True:
            try:
                return attempt()
            except COORDINATOR_ERRORS:
                pass
            now = self._cluster.now_ms
            if now >= deadline:
                raise KafkaTimeoutError(message if isinstance(message, str) else message())
            self._cluster.advance(min(self.backoff_ms(attempts), deadline - now))
            attempts += 1

    def commit_sync(self, offsets: Mapping[Any, Any], timeout_ms: int) -> dict[Any, Any]:
        """``commitSync``: retry while the coordinator is unavailable, up to ``timeout_ms``."""
        return self.retry_until(
            lambda: self.commit_once(offsets), timeout_ms,
            lambda: f"Timeout of {timeout_ms}ms expired before successfully committing "
                    f"offsets {java_offsets(offsets)}")

    def maybe_auto_commit(self, force: bool = False) -> None:
        """Auto-commit consumed positions when ``auto.commit.interval.ms`` has passed."""
        if not self._config.enable_auto_commit or self.group_id is None:
            return
        now = self._cluster.now_ms
        if not force and now < self.next_auto_commit_ms:
            return
        self.next_auto_commit_ms = now + self._config.auto_commit_interval_ms
        consumed = self._subs.consumed_offsets()
        if not consumed:
            return
        if self._subs.auto_assigned and self.state != STABLE and not force:
            return
        try:
            self.commit_once(consumed, auto=True)
        except KafkaError as error:  # Kafka logs a failed auto-commit and goes on
            name = type(error).__name__
            if isinstance(error, COORDINATOR_ERRORS):  # retried after retry.backoff.ms
                self.next_auto_commit_ms = now + self._config.retry_backoff_ms
            if name != self._auto_commit_error:
                self._record("auto_commit_failed", {"error": name})
            self._auto_commit_error = name
        else:
            self._auto_commit_error = None

    # ----------------------------------------------------------------- leave
    def maybe_leave_group(self, reason: str) -> None:
        """Leave (dynamic members send LeaveGroup; static members just stop)."""
        if (self._config.group_instance_id is None and self.member_id
                and self.state != UNJOINED and self.group_id is not None
                and self.ensure_coordinator()):  # no coordinator: Kafka only logs
            self.coordinator.leave_group(self.group_id, self.member_id)
            self._record("consumer_left_group", {"member_id": self.member_id,
                                                 "reason": reason})
        self.reset_generation(reset_member_id=True)
        self._join = None
        self._sync = None

    def on_leave_prepare(self) -> None:
        """Revoke (or, if the member was already out, lose) every owned partition."""
        owned = self._subs.assigned()
        if self._subs.auto_assigned and owned:
            if self.generation < 0 or self.member_id == "" or self.in_rebalance:
                self._callback("partitions_lost", owned)
            else:
                self._callback("partitions_revoked", owned)
            self._subs.set_assignment([])
        self._raise_callback_error()

    def stop(self) -> None:
        self.stopped = True
        self._stop_heartbeats()


def java_offsets(offsets: Mapping[Any, Any]) -> str:
    """Offsets as Java prints a ``Map<TopicPartition, OffsetAndMetadata>``."""
    items = []
    for tp, om in sorted(normalize_offsets(offsets, -1).items()):
        epoch = om.leader_epoch if om.leader_epoch >= 0 else "null"
        items.append(f"{tp.topic}-{tp.partition}=OffsetAndMetadata{{offset={om.offset}, "
                     f"leaderEpoch={epoch}, metadata='{om.metadata}'}}")
    return "{" + ", ".join(items) + "}"
