"""The classic-protocol group coordinator: JoinGroup, SyncGroup, Heartbeat, LeaveGroup.

It follows Kafka 4.x's ``GroupMetadataManager`` for classic groups, on the cluster's
simulated clock and with zero network latency:

* **JoinGroup** parks the request until the join phase completes. The first join of an
  ``Empty`` group waits ``group.initial.rebalance.delay.ms`` (3000), extended by the same
  delay for each new member, up to the rebalance timeout; later rebalances complete as
  soon as every known member has rejoined, or after the longest rebalance timeout
  (``max.poll.interval.ms``), removing the dynamic members that did not rejoin.
* Completing the join bumps the generation, picks the protocol every member supports
  (each member votes for its first choice), keeps or elects the leader and answers every
  parked JoinGroup; only the leader gets the members' subscriptions.
* **SyncGroup** from the leader carries the assignment: the group becomes ``Stable`` and
  every parked SyncGroup gets its partitions. Members that do not sync within the
  rebalance timeout are removed.
* **Heartbeat** keeps a member alive for ``session.timeout.ms``; during a rebalance it
  answers ``REBALANCE_IN_PROGRESS``, which tells the member to rejoin.
* **LeaveGroup**, a session timeout, or a missed rebalance removes a member and starts a
  rebalance. Static members (``group.instance.id``) do not send LeaveGroup; one that
  rejoins with the same instance id takes over its old member id's place and, in a
  ``Stable`` group, its assignment, with no rebalance.

Simplifications, all invisible in the group's states and assignments: requests take no
time; a new member gets its member id in its first JoinGroup (Kafka 2.2+ first answers
``MEMBER_ID_REQUIRED`` with the id and expects a second JoinGroup); the five-minute
timeout for parked new members and ``group.max.size`` are not modelled.

Coordinator failover: the coordinator is the leader of the group's ``__consumer_offsets``
partition. Clients find it with :meth:`lookup_coordinator` and check each request with
:meth:`coordinator_error` (a crashed broker cannot be reached; a live broker that no
longer leads the partition answers ``NOT_COORDINATOR``). The groups' state is shared by
every broker, so a new coordinator has it at once, as Kafka's does after loading the
partition; while no running broker leads the partition, session timeouts do not fire
(they restart when the coordinator is back), and commits fail with
``COORDINATOR_NOT_AVAILABLE``.

Committed offsets, group listing and offsets retention are in
:mod:`engine.group.offsets` and :mod:`engine.group.admin`; both extend this class.

Journal events written here (``data`` keys in brackets; partitions are ``[topic, p]``):

* ``group_created`` [group, partition, coordinator]: the coordinator loaded a new group;
* ``group_state_changed`` [group, from, to, generation, reason];
* ``member_joined`` [group, member_id, group_instance_id, client_id, protocols, topics,
  owned, rejoin]: a JoinGroup was accepted (``rejoin``: the member was known);
* ``static_member_replaced`` [group, group_instance_id, old_member_id, new_member_id];
* ``group_generation_started`` [group, generation, protocol, leader, members]: the join
  phase completed (the group is now ``CompletingRebalance``, or ``Empty`` with no
  members);
* ``group_assignment_set`` [group, generation, assignment {member_id: partitions}]: the
  leader's SyncGroup arrived and the group is ``Stable``;
* ``member_removed`` [group, member_id, group_instance_id, reason] with reason one of
  ``left``, ``session_timeout``, ``rebalance_timeout``, ``sync_timeout``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from engine.core.delivery import connection_error
from engine.core.errors import (
    CoordinatorNotAvailableError,
    FencedInstanceIdError,
    IllegalGenerationError,
    InconsistentGroupProtocolError,
    InvalidGroupIdError,
    InvalidSessionTimeoutError,
    KafkaError,
    NotCoordinatorForGroupError,
    RebalanceInProgressError,
    UnknownMemberIdError,
)
from engine.core.java import hash_order, hash_set_copy_capacity, java_list, string_hash
from engine.core.records import TopicPartition
from engine.group.offsets_topic import OffsetsTopic
from engine.group.state import (
    Group,
    GroupState,
    JoinResponse,
    Member,
    Pending,
    SyncResponse,
)

if TYPE_CHECKING:
    from engine.core.cluster import Cluster

GROUP_MIN_SESSION_TIMEOUT_MS = 6000
GROUP_MAX_SESSION_TIMEOUT_MS = 1800000
"""The broker's ``group.min.session.timeout.ms`` and ``group.max.session.timeout.ms``."""

S = GroupState


def java_uuid(rng: random.Random) -> str:
    """``UUID.randomUUID().toString()``: 36 characters, version 4, from a seeded RNG."""
    value = rng.getrandbits(128)
    value = (value & ~(0xF << 76)) | (0x4 << 76)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def tp_list(partitions: Sequence[TopicPartition]) -> list[list[Any]]:
    """Partitions as JSON-friendly ``[topic, partition]`` pairs, sorted."""
    return [[tp.topic, tp.partition] for tp in sorted(partitions)]


class ClassicGroupCoordinator:
    """Classic consumer groups of one cluster (every broker's coordinator share, at once).

    Reach it as ``cluster.groups``. The request methods (``join_group``, ``sync_group``,
    ``heartbeat``, ``leave_group``) are what the engine's consumer calls; lessons usually
    use the admin methods (``list_groups``, ``describe_group``, ...).
    """

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster
        self._rng = random.Random(f"group-coordinator:{cluster.seed}")
        self._groups: dict[str, Group] = {}
        self.offsets_topic = OffsetsTopic(cluster)
        self._retention_timer_armed = False
        #: (group, member) sessions re-armed while no broker coordinated the group.
        self._sessions_held: set[tuple[str, str]] = set()
        self._client_sequence = 0
        #: the most groups each ``__consumer_offsets`` partition ever held at once (the
        #: size of Kafka's per-shard group table, which fixes the ListGroups order).
        self._shard_peaks: dict[int, int] = {}
        #: when each (``__consumer_offsets`` partition, leader) pair was last elected
        #: (filled from the journal's ``leader_elected`` events by ``OffsetsCoordinator``).
        self._offsets_elections: dict[tuple[Any, Any], int] = {}

    def next_client_sequence(self) -> int:
        """The next ``n`` for a default ``client.id`` of ``consumer-<group>-<n>`` (from 1)."""
        self._client_sequence += 1
        return self._client_sequence

    # -------------------------------------------------------------- helpers
    @property
    def now_ms(self) -> int:
        return self._cluster.now_ms

    def _record(self, kind: str, data: Mapping[str, Any]) -> None:
        self._cluster.journal.record(self.now_ms, kind, data)

    def _config_int(self, name: str) -> int:
        return int(self._cluster.broker_config(name))

    def find_coordinator(self, group_id: str) -> int | None:
        """FindCoordinator: the broker id coordinating ``group_id``.

        Creates ``__consumer_offsets`` the first time, as Kafka does.
        """
        check_group_id(group_id)
        if self.offsets_topic.ensure():
            self._arm_retention()
        return self.offsets_topic.coordinator_for(group_id)

    def lookup_coordinator(self, group_id: str) -> int:
        """FindCoordinator as a client sees it: the broker id, or Kafka's error.

        Any running broker answers from its metadata, so a coordinator that crashed but
        is not fenced yet is still named (requests to it then fail to connect); a
        partition with no leader is ``COORDINATOR_NOT_AVAILABLE``.
        """
        if not self._cluster.live_brokers:
            raise connection_error(self._cluster.brokers[0])
        leader = self.find_coordinator(group_id)
        if leader is None:
            raise CoordinatorNotAvailableError()
        return leader

    def coordinator_error(self, group_id: str, broker: int) -> KafkaError | None:
        """What a group request sent to ``broker`` meets: ``None`` when ``broker`` is
        running and leads the group's ``__consumer_offsets`` partition, a connection
        error when it is down, ``NOT_COORDINATOR`` when another broker leads it now."""
        if broker not in self._cluster.live_brokers:
            return connection_error(broker)
        if self.offsets_topic.coordinator_for(group_id) != broker:
            return NotCoordinatorForGroupError()
        return None

    def coordinator_down(self, group_id: str) -> bool:
        """Whether no running broker coordinates ``group_id`` now (its partition has no
        leader, or the leader crashed): such a coordinator runs no timers."""
        if not self.offsets_topic.exists():
            return False
        leader = self.offsets_topic.coordinator_for(group_id)
        return leader is None or leader not in self._cluster.live_brokers

    def _coordinator_loaded_ms(self, group_id: str) -> int:
        """When the current leader of the group's ``__consumer_offsets`` partition was
        elected (it loaded the group then); 0 when the journal has no such election."""
        partition = self.offsets_topic.partition_for(group_id)
        leader = self.offsets_topic.coordinator_for(group_id)
        return self._offsets_elections.get((partition, leader), 0)

    def _arm_retention(self) -> None:
        if self._retention_timer_armed:
            return
        self._retention_timer_armed = True
        interval = self._config_int("offsets.retention.check.interval.ms")
        self._cluster.clock.call_later(interval, self._retention_tick, name="offsets-retention")

    def _retention_tick(self) -> None:
        self.expire_offsets()
        interval = self._config_int("offsets.retention.check.interval.ms")
        self._cluster.clock.call_later(interval, self._retention_tick, name="offsets-retention")

    def expire_offsets(self) -> None:  # overridden in engine.group.offsets
        """Drop committed offsets past ``offsets.retention.minutes`` (see OffsetsMixin)."""

    def _group(self, group_id: str, create: bool = False) -> Group | None:
        group = self._groups.get(group_id)
        if group is None and create:
            group = Group(group_id, state_timestamp_ms=self.now_ms)
            self._groups[group_id] = group
            shard = self.offsets_topic.partition_for(group_id)
            held = sum(self.offsets_topic.partition_for(g) == shard for g in self._groups)
            self._shard_peaks[shard] = max(self._shard_peaks.get(shard, 0), held)
            self._record("group_created", {
                "group": group_id, "partition": self.offsets_topic.partition_for(group_id),
                "coordinator": self.offsets_topic.coordinator_for(group_id)})
        return group

    def _transition(self, group: Group, to: GroupState, reason: str) -> None:
        before = group.state
        group.previous_state = before
        group.state = to
        group.state_timestamp_ms = self.now_ms
        self._record("group_state_changed", {
            "group": group.group_id, "from": before.value, "to": to.value,
            "generation": group.generation, "reason": reason})

    def _schedule(self, group: Group, attr: str, delay_ms: int,
                  callback: Callable[[], None]) -> None:
        old = getattr(group, attr)
        if old is not None:
            old.cancel()
        timer = self._cluster.clock.call_later(delay_ms, callback,
                                               name=f"group:{group.group_id}:{attr}")
        setattr(group, attr, timer)

    def _cancel(self, group: Group, attr: str) -> None:
        old = getattr(group, attr)
        if old is not None:
            old.cancel()
            setattr(group, attr, None)

    def _reschedule_heartbeat(self, group: Group, member: Member,
                              delay_ms: int | None = None) -> None:
        """(Re)arm the member's session timer: ``delay_ms`` from now (default: a whole
        session), as if its last heartbeat was a session before the deadline."""
        delay = member.session_timeout_ms if delay_ms is None else delay_ms
        member.last_heartbeat_ms = self.now_ms + delay - member.session_timeout_ms
        if member.heartbeat_timer is not None:
            member.heartbeat_timer.cancel()
        member_id = member.member_id
        member.heartbeat_timer = self._cluster.clock.call_later(
            delay,
            lambda: self._expire_heartbeat(group.group_id, member_id),
            name=f"group:{group.group_id}:session:{member_id}")

    # ------------------------------------------------------------ JoinGroup
    def join_group(
        self,
        group_id: str,
        member_id: str,
        *,
        group_instance_id: str | None,
        client_id: str,
        client_host: str,
        session_timeout_ms: int,
        rebalance_timeout_ms: int,
        protocol_type: str,
        protocols: Sequence[tuple[str, Any]],
        reason: str = "",
    ) -> Pending:
        """A JoinGroup request; the returned :class:`Pending` completes with a
        :class:`JoinResponse` when the join phase completes (or at once on error)."""
        future = Pending()
        check_group_id(group_id)
        if not GROUP_MIN_SESSION_TIMEOUT_MS <= session_timeout_ms <= GROUP_MAX_SESSION_TIMEOUT_MS:
            future.complete(JoinResponse(InvalidSessionTimeoutError, member_id))
            return future
        self.find_coordinator(group_id)
        group = self._group(group_id, create=True)
        assert group is not None
        names = [name for name, _ in protocols]
        if group.state is S.DEAD:
            future.complete(JoinResponse(CoordinatorNotAvailableError, member_id))
        elif not group.supports_protocols(protocol_type, names):
            future.complete(JoinResponse(InconsistentGroupProtocolError, member_id))
        elif member_id == "":
            new_id = (group_instance_id or client_id) + "-" + java_uuid(self._rng)
            request = dict(group_instance_id=group_instance_id, client_id=client_id,
                           client_host=client_host, session_timeout_ms=session_timeout_ms,
                           rebalance_timeout_ms=rebalance_timeout_ms,
                           protocol_type=protocol_type, protocols=list(protocols))
            if group_instance_id is not None and group_instance_id in group.static_members:
                self._replace_static_member(group, new_id, request, future, reason)
            else:
                self._add_member(group, new_id, request, future, reason)
        else:
            self._join_existing(group, member_id, group_instance_id, session_timeout_ms,
                                rebalance_timeout_ms, list(protocols), future, reason)
        return future

    def _validate_member(self, group: Group, member_id: str,
                         group_instance_id: str | None) -> type[Exception] | None:
        if group_instance_id is not None:
            existing = group.static_members.get(group_instance_id)
            if existing is not None and existing != member_id:
                return FencedInstanceIdError
        if member_id not in group.members:
            return UnknownMemberIdError
        return None

    def _join_event(self, group: Group, member: Member, rejoin: bool) -> None:
        meta = member.protocols[0][1] if member.protocols else None
        self._record("member_joined", {
            "group": group.group_id, "member_id": member.member_id,
            "group_instance_id": member.group_instance_id, "client_id": member.client_id,
            "protocols": member.protocol_names(),
            "topics": sorted(getattr(meta, "topics", ()) or ()),
            "owned": tp_list(getattr(meta, "owned_partitions", ()) or ()),
            "rejoin": rejoin})

    def _add_member(self, group: Group, member_id: str, request: dict[str, Any],
                    future: Pending, reason: str) -> None:
        member = Member(member_id=member_id, **request)
        member.awaiting_join = future
        member.last_heartbeat_ms = self.now_ms
        if group.state is S.PREPARING_REBALANCE and group.previous_state is S.EMPTY:
            group.new_member_added = True
        if not group.members:
            group.protocol_type = member.protocol_type
        group.add_member(member)
        if member.group_instance_id is not None:
            group.static_members[member.group_instance_id] = member_id
        if group.leader_id is None:
            group.leader_id = member_id
        self._join_event(group, member, rejoin=False)
        self._reschedule_heartbeat(group, member)
        self._prepare_or_complete(
            group, f"Adding new member {member_id} with group instance id "
                   f"{member.group_instance_id}; client reason: {reason or 'not provided'}")

    def _replace_static_member(self, group: Group, new_id: str, request: dict[str, Any],
                               future: Pending, reason: str) -> None:
        instance_id = request["group_instance_id"]
        old_id = group.static_members[instance_id]
        old = group.members.pop(old_id)
        if old.heartbeat_timer is not None:
            old.heartbeat_timer.cancel()
        if old.awaiting_join is not None:
            old.awaiting_join.complete(JoinResponse(FencedInstanceIdError, old_id))
        if old.awaiting_sync is not None:
            old.awaiting_sync.complete(SyncResponse(FencedInstanceIdError))
        member = Member(member_id=new_id, **request)
        member.assignment = old.assignment
        group.add_member(member)
        group.static_members[instance_id] = new_id
        if old_id in group.pending_sync:
            group.pending_sync.discard(old_id)
            group.pending_sync.add(new_id)
        if group.leader_id == old_id:
            group.leader_id = new_id
        self._record("static_member_replaced", {
            "group": group.group_id, "group_instance_id": instance_id,
            "old_member_id": old_id, "new_member_id": new_id})
        member.awaiting_join = future
        self._reschedule_heartbeat(group, member)
        self._join_event(group, member, rejoin=True)
        if group.state is S.STABLE:
            if group.protocol_name == group.select_protocol():
                # No rebalance: the member gets the current generation and assignment.
                member.awaiting_join = None
                is_leader = group.leader_id == new_id
                future.complete(JoinResponse(
                    None, new_id, group.generation, group.protocol_name, group.leader_id or "",
                    self._member_list(group) if is_leader else (), skip_assignment=is_leader))
                self._write_group_metadata(group)
            else:
                self._prepare_or_complete(
                    group, f"Group's selectedProtocol will change because static member "
                           f"{new_id} with instance id {instance_id} joined with change of "
                           f"protocol; client reason: {reason or 'not provided'}")
        elif group.state is S.COMPLETING_REBALANCE:
            self._prepare_rebalance(
                group, f"Updating metadata for static member {new_id} with instance id "
                       f"{instance_id}; client reason: {reason or 'not provided'}")
        else:
            self._maybe_complete_join(group)

    def _join_existing(self, group: Group, member_id: str, group_instance_id: str | None,
                       session_timeout_ms: int, rebalance_timeout_ms: int,
                       protocols: list[tuple[str, Any]], future: Pending, reason: str) -> None:
        error = self._validate_member(group, member_id, group_instance_id)
        if error is not None:
            future.complete(JoinResponse(error, member_id))
            return
        member = group.members[member_id]
        why = reason or "not provided"
        if group.state is S.PREPARING_REBALANCE:
            self._update_member(group, member, protocols, session_timeout_ms,
                                rebalance_timeout_ms, future)
            self._prepare_or_complete(
                group, f"Member {member_id} is joining group during PreparingRebalance; "
                       f"client reason: {why}")
        elif group.state in (S.COMPLETING_REBALANCE, S.STABLE):
            same = _protocols_key(member.protocols) == _protocols_key(protocols)
            if same and not (group.state is S.STABLE and group.leader_id == member_id):
                is_leader = group.leader_id == member_id
                members = (self._member_list(group)
                           if is_leader and group.state is S.COMPLETING_REBALANCE else ())
                future.complete(JoinResponse(None, member_id, group.generation,
                                             group.protocol_name, group.leader_id or "",
                                             members))
                return
            self._update_member(group, member, protocols, session_timeout_ms,
                                rebalance_timeout_ms, future)
            what = ("Leader " + member_id + " re-joining group"
                    if same else "Updating metadata for member " + member_id)
            self._prepare_or_complete(
                group, f"{what} during {group.state.value}; client reason: {why}")
        else:
            future.complete(JoinResponse(UnknownMemberIdError, member_id))

    def _update_member(self, group: Group, member: Member, protocols: list[tuple[str, Any]],
                       session_timeout_ms: int, rebalance_timeout_ms: int,
                       future: Pending) -> None:
        member.protocols = protocols
        member.session_timeout_ms = session_timeout_ms
        member.rebalance_timeout_ms = rebalance_timeout_ms
        if member.awaiting_join is not None and member.awaiting_join is not future:
            member.awaiting_join.complete(JoinResponse(RebalanceInProgressError,
                                                       member.member_id))
        member.awaiting_join = future
        self._join_event(group, member, rejoin=True)

    def _member_list(self, group: Group) -> tuple[tuple[str, str | None, Any], ...]:
        name = group.protocol_name
        return tuple((m.member_id, m.group_instance_id, m.metadata(name or ""))
                     for m in group.members.values())

    def _prepare_or_complete(self, group: Group, reason: str) -> None:
        if group.state in (S.STABLE, S.COMPLETING_REBALANCE, S.EMPTY):
            self._prepare_rebalance(group, reason)
        else:
            self._maybe_complete_join(group)

    def _prepare_rebalance(self, group: Group, reason: str) -> None:
        if group.state is S.COMPLETING_REBALANCE:
            for member in group.members.values():
                member.assignment = ()
                if member.awaiting_sync is not None:
                    pending, member.awaiting_sync = member.awaiting_sync, None
                    pending.complete(SyncResponse(RebalanceInProgressError))
        self._cancel(group, "sync_timer")
        group.pending_sync.clear()
        initial = group.state is S.EMPTY
        if initial:
            delay = self._config_int("group.initial.rebalance.delay.ms")
            remaining = max(group.rebalance_timeout_ms - delay, 0)
            self._schedule(group, "join_timer", delay,
                           lambda: self._initial_join_tick(group, delay, remaining))
        self._transition(group, S.PREPARING_REBALANCE, reason)
        if not initial:
            if group.has_all_members_joined():
                self._complete_join(group)
            else:
                self._schedule(group, "join_timer", group.rebalance_timeout_ms,
                               lambda: self._complete_join(group))

    def _initial_join_tick(self, group: Group, delay_ms: int, remaining_ms: int) -> None:
        group.join_timer = None
        if group.new_member_added and remaining_ms != 0:
            group.new_member_added = False
            base = self._config_int("group.initial.rebalance.delay.ms")
            new_delay = min(base, remaining_ms)
            new_remaining = max(remaining_ms - delay_ms, 0)
            self._schedule(group, "join_timer", new_delay,
                           lambda: self._initial_join_tick(group, new_delay, new_remaining))
        else:
            self._complete_join(group)

    def _maybe_complete_join(self, group: Group) -> None:
        if (group.state is S.PREPARING_REBALANCE and group.previous_state is not S.EMPTY
                and group.has_all_members_joined()):
            self._complete_join(group)

    def _complete_join(self, group: Group) -> None:
        self._cancel(group, "join_timer")
        if group.state is not S.PREPARING_REBALANCE:
            return
        for member in [m for m in group.not_yet_rejoined() if m.group_instance_id is None]:
            self._remove_member(group, member, "rebalance_timeout", update=False)
        if group.members and not self._elect_joined_leader(group):
            self._schedule(group, "join_timer", group.rebalance_timeout_ms,
                           lambda: self._complete_join(group))
            return
        group.generation += 1
        if not group.members:
            group.protocol_name = None
            group.leader_id = None
            self._record("group_generation_started", {
                "group": group.group_id, "generation": group.generation, "protocol": None,
                "leader": None, "members": []})
            self._transition(group, S.EMPTY, "all members left")
            self._write_group_metadata(group)
            return
        group.protocol_name = group.select_protocol()
        self._record("group_generation_started", {
            "group": group.group_id, "generation": group.generation,
            "protocol": group.protocol_name, "leader": group.leader_id,
            "members": list(group.members)})
        self._transition(group, S.COMPLETING_REBALANCE,
                         f"Stabilized group generation {group.generation} with "
                         f"{len(group.members)} members")
        for member in group.members.values():
            is_leader = member.member_id == group.leader_id
            response = JoinResponse(None, member.member_id, group.generation,
                                    group.protocol_name, group.leader_id or "",
                                    self._member_list(group) if is_leader else ())
            if member.awaiting_join is not None:
                pending, member.awaiting_join = member.awaiting_join, None
                pending.complete(response)
            self._reschedule_heartbeat(group, member)
            group.pending_sync.add(member.member_id)
        generation = group.generation
        self._schedule(group, "sync_timer", group.rebalance_timeout_ms,
                       lambda: self._expire_pending_sync(group, generation))

    def _elect_joined_leader(self, group: Group) -> bool:
        leader = group.members.get(group.leader_id or "")
        if leader is not None and leader.awaiting_join is not None:
            return True
        for member_id in group.member_ids_in_java_order():
            if group.members[member_id].awaiting_join is not None:
                group.leader_id = member_id
                return True
        return False

    def _expire_pending_sync(self, group: Group, generation: int) -> None:
        group.sync_timer = None
        if generation != group.generation or not group.pending_sync:
            return
        if group.state not in (S.COMPLETING_REBALANCE, S.STABLE):
            return
        # Kafka copies the pending ids into a HashSet and prints it (``[a, b]``).
        pending = [m for m in sorted(group.pending_sync) if m in group.members]
        missing = hash_order(pending, string_hash, hash_set_copy_capacity(len(pending)))
        for member_id in missing:
            self._remove_member(group, group.members[member_id], "sync_timeout", update=False)
        self._prepare_rebalance(
            group, f"Removing {java_list(missing)} on pending sync request expiration")

    # ------------------------------------------------------------ SyncGroup
    def sync_group(self, group_id: str, member_id: str, generation: int, *,
                   group_instance_id: str | None = None,
                   assignments: Mapping[str, Sequence[TopicPartition]] | None = None) -> Pending:
        """A SyncGroup request; completes with a :class:`SyncResponse`."""
        future = Pending()
        group = self._group(group_id)
        if group is None or group.state in (S.EMPTY, S.DEAD):
            future.complete(SyncResponse(UnknownMemberIdError))
            return future
        error = self._validate_member(group, member_id, group_instance_id)
        if error is None and generation != group.generation:
            error = IllegalGenerationError
        if error is None and group.state is S.PREPARING_REBALANCE:
            error = RebalanceInProgressError
        if error is not None:
            future.complete(SyncResponse(error))
            return future
        member = group.members[member_id]
        group.pending_sync.discard(member_id)
        if group.state is S.STABLE:
            future.complete(SyncResponse(None, member.assignment, group.protocol_name))
            return future
        member.awaiting_sync = future
        if member_id == group.leader_id and assignments is not None:
            self._cancel(group, "sync_timer")
            for mid, m in group.members.items():
                m.assignment = tuple(sorted(assignments.get(mid, ())))
            self._record("group_assignment_set", {
                "group": group.group_id, "generation": group.generation,
                "assignment": {mid: tp_list(m.assignment) for mid, m in group.members.items()}})
            self._transition(group, S.STABLE, f"leader {member_id} sent the assignment")
            self._write_group_metadata(group)
            for m in group.members.values():
                if m.awaiting_sync is not None:
                    pending, m.awaiting_sync = m.awaiting_sync, None
                    pending.complete(SyncResponse(None, m.assignment, group.protocol_name))
            if group.pending_sync:
                generation_now = group.generation
                self._schedule(group, "sync_timer", group.rebalance_timeout_ms,
                               lambda: self._expire_pending_sync(group, generation_now))
        return future

    # ------------------------------------------------------------ Heartbeat
    def heartbeat(self, group_id: str, member_id: str, generation: int,
                  group_instance_id: str | None = None) -> type[Exception] | None:
        """A Heartbeat request; returns the error class Kafka would answer, or None."""
        group = self._group(group_id)
        if group is None or group.state in (S.EMPTY, S.DEAD):
            return UnknownMemberIdError
        error = self._validate_member(group, member_id, group_instance_id)
        if error is not None:
            return error
        member = group.members[member_id]
        if group.state is S.PREPARING_REBALANCE:
            self._reschedule_heartbeat(group, member)
            return RebalanceInProgressError
        if generation != group.generation:
            return IllegalGenerationError
        self._reschedule_heartbeat(group, member)
        return None

    def _expire_heartbeat(self, group_id: str, member_id: str) -> None:
        group = self._groups.get(group_id)
        if group is None or group.state is S.DEAD:
            return
        member = group.members.get(member_id)
        if member is None:
            return
        if self.coordinator_down(group_id):
            # A crashed coordinator expires no one; the next one starts the session anew.
            self._reschedule_heartbeat(group, member)
            self._sessions_held.add((group_id, member_id))
            return
        if (group_id, member_id) in self._sessions_held:
            self._sessions_held.discard((group_id, member_id))
            # Kafka's GroupMetadataManager.onLoaded restarts every member's session when
            # the new coordinator loads the group: at its election, not at our last re-arm.
            loaded_ms = self._coordinator_loaded_ms(group_id)
            if loaded_ms > member.last_heartbeat_ms:
                remaining = loaded_ms + member.session_timeout_ms - self.now_ms
                if remaining > 0:
                    self._reschedule_heartbeat(group, member, remaining)
                    return
        if member.awaiting_join is not None or member.awaiting_sync is not None:
            self._reschedule_heartbeat(group, member)  # parked requests keep it alive
            return
        self._remove_member(group, member, "session_timeout")

    # ----------------------------------------------------------- LeaveGroup
    def leave_group(self, group_id: str, member_id: str,
                    group_instance_id: str | None = None) -> type[Exception] | None:
        """A LeaveGroup request for one member; returns an error class or None."""
        group = self._group(group_id)
        if group is None or group.state is S.DEAD:
            return UnknownMemberIdError
        error = self._validate_member(group, member_id, group_instance_id)
        if error is not None:
            return error
        self._remove_member(group, group.members[member_id], "left")
        return None

    def _remove_member(self, group: Group, member: Member, reason: str,
                       update: bool = True) -> None:
        if member.awaiting_join is not None:
            pending, member.awaiting_join = member.awaiting_join, None
            pending.complete(JoinResponse(UnknownMemberIdError, ""))
        if member.awaiting_sync is not None:
            pending, member.awaiting_sync = member.awaiting_sync, None
            pending.complete(SyncResponse(UnknownMemberIdError))
        if member.heartbeat_timer is not None:
            member.heartbeat_timer.cancel()
        del group.members[member.member_id]
        if member.group_instance_id is not None:
            group.static_members.pop(member.group_instance_id, None)
        group.pending_sync.discard(member.member_id)
        if group.leader_id == member.member_id:
            group.leader_id = next(iter(group.member_ids_in_java_order()), None)
        self._record("member_removed", {
            "group": group.group_id, "member_id": member.member_id,
            "group_instance_id": member.group_instance_id, "reason": reason})
        if not update:
            return
        if reason == "left":  # GroupMetadataManager.classicGroupLeaveToClassicGroup
            why = f"explicit `LeaveGroup` request for ({member.member_id}) members."
        elif reason == "session_timeout":
            why = f"removing member {member.member_id} on heartbeat expiration."
        else:
            why = f"removing member {member.member_id} on {reason}"
        if group.state in (S.STABLE, S.COMPLETING_REBALANCE):
            self._prepare_rebalance(group, why)
        elif group.state is S.PREPARING_REBALANCE and group.has_all_members_joined():
            self._complete_join(group)

    # ------------------------------------------------------------- metadata
    def _write_group_metadata(self, group: Group) -> None:
        """Persist the group's metadata; a failed write is only logged, as in Kafka."""
        try:
            self._append_group_metadata(group)
        except CoordinatorNotAvailableError:
            self._record("group_metadata_write_failed", {"group": group.group_id})

    def _append_group_metadata(self, group: Group) -> None:
        self.offsets_topic.append_group(group.group_id, {
            "protocol_type": group.protocol_type or "", "generation": group.generation,
            "protocol": group.protocol_name, "leader": group.leader_id,
            "current_state_timestamp": group.state_timestamp_ms,
            "members": [{"member_id": m.member_id, "group_instance_id": m.group_instance_id,
                         "client_id": m.client_id, "client_host": m.client_host,
                         "assignment": tp_list(m.assignment)}
                        for m in group.members.values()]})


def _protocols_key(protocols: Sequence[tuple[str, Any]]) -> tuple[Any, ...]:
    """What Kafka compares byte for byte: each protocol's name and metadata."""
    key = []
    for name, meta in protocols:
        key.append((name, tuple(getattr(meta, "topics", ()) or ()),
                    tuple(sorted(getattr(meta, "owned_partitions", ()) or ())),
                    getattr(meta, "generation", -1)))
    return tuple(key)


def check_group_id(group_id: object) -> None:
    """Kafka refuses a null or empty group id for group operations."""
    if not isinstance(group_id, str) or group_id == "":
        raise InvalidGroupIdError()
