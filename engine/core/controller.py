"""The KRaft controller: broker liveness, partition leaders, ISRs and leader epochs.

The engine models Kafka 4.x's controller (``QuorumController`` with
``ClusterControlManager`` and ``ReplicationControlManager``) with these choices:

* **Quorum.** ``controller="combined"`` (the default, like the quickstart's node 1 with
  ``process.roles=broker,controller``): every broker is also a controller voter. The
  active controller is the lowest-id voter that is running and can reach a majority of
  the voters. When it is lost, the others elect a new one after
  ``controller.quorum.fetch.timeout.ms`` (2000 ms); without a majority there is no
  active controller, and nothing is fenced or elected until there is one again.
  ``controller="dedicated"``: one controller-only node (id 0, or one past the largest
  broker id when 0 is a broker) that faults do not touch.
* **Registration and heartbeats.** Each broker registers (a new broker epoch) and sends
  a heartbeat every ``broker.heartbeat.interval.ms`` (2000 ms), counted from its
  registration or from the active controller's start. A broker whose heartbeats stop
  is fenced ``broker.session.timeout.ms`` (9000 ms) after its last heartbeat. A
  restarted broker is unfenced at its first heartbeat after its registration (the
  engine does not model the short metadata catch-up in between).
* **Fencing** removes the broker from every ISR (never leaving an ISR empty: its last
  member stays, with no leader) and elects new leaders where it led
  (``handleBrokerFenced``). **Unfencing** elects leaders for leaderless partitions.
* **Elections** follow ``PartitionChangeBuilder``: keep the leader if it is still in the
  ISR and acceptable (registered, unfenced, not shutting down), else the first replica
  in assignment order that is in the ISR and acceptable; else (ELR on, ISR empty) the
  first acceptable eligible leader replica, whose ISR becomes just itself; else (ELR
  on, ISR and ELR empty) the last known leader if acceptable, as an unclean election;
  else, when the topic has ``unclean.leader.election.enable=true``, the first
  acceptable replica, whose ISR then becomes just itself (records may be lost); else no
  leader. A preferred election tries the first replica first and never goes unclean.
  A leader change bumps the leader epoch; every change bumps the partition epoch (since
  metadata version 3.6 an ISR shrink alone does not bump the leader epoch).
* **Eligible leader replicas** (KIP-966; ``eligible_leader_replicas=True``, the default,
  as ``eligible.leader.replicas.version=1`` on a new Kafka 4.1+ cluster): whenever a
  change leaves the ISR below the effective ``min.insync.replicas``, the replicas that
  leave it (and the ELR members still outside it) become the ELR, which may be
  elected once the ISR is empty; an ISR back at min.insync.replicas clears the ELR.
  The ISR may become empty; the leader it had is then kept as the last known ELR
  (``useLastKnownLeaderInBalancedRecovery``), cleared again once there is a leader. A
  broker that registers after a crash (not a controlled shutdown) leaves every ISR and
  ELR first (``handleBrokerUncleanShutdown``): it may have lost unflushed records.
  An unclean election clears the ELR. With ELR off (Kafka 4.0's default) the ISR
  never becomes empty: its last member stays, with no leader.
* **A restart** is a new incarnation. While the old incarnation's session is valid
  (until its last heartbeat plus ``broker.session.timeout.ms``, also after a controlled
  shutdown) the controller refuses the registration (``ClusterControlManager.registerBroker``
  throws ``DuplicateBrokerRegistrationException``); the broker retries every
  ``broker.heartbeat.interval.ms`` (2000 ms, as measured on Kafka 4.4) and serves neither
  clients nor followers until it is registered. So a broker restarted right after a
  crash keeps its leaderships (as a dead leader) until the controller fences the old
  incarnation; then it registers, is unfenced and rejoins as a follower.
* **Controlled shutdown** moves leadership away and removes the broker from ISRs first;
  the stopped broker is fenced when its session times out.
* **Automatic leader balancing** (``auto.leader.rebalance.enable=true``): while some
  partition is not led by its preferred (first) replica, the controller tries a
  preferred-leader election for it every ``leader.imbalance.check.interval.seconds``
  (300 s), counted from when the imbalance appeared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.core.clock import SimClock, Timer
from engine.core.network import Network
from engine.core.partition import PartitionState
from engine.core.replication import Replication, effective_min_isr
from engine.journal import Journal

if TYPE_CHECKING:
    from engine.core.topic import Topic

QUORUM_FETCH_TIMEOUT_MS = 2000
"""``controller.quorum.fetch.timeout.ms``: how long voters wait before electing anew."""


@dataclass
class BrokerRegistration:
    """A broker as the controller sees it (``BrokerRegistration``)."""

    broker_id: int
    epoch: int
    fenced: bool = False
    in_controlled_shutdown: bool = False
    heartbeat_anchor_ms: int = 0
    """Heartbeats are sent at this time plus multiples of the heartbeat interval."""
    session_expires_ms: int | None = None
    """Once heartbeats stop: the last heartbeat plus ``broker.session.timeout.ms``."""


@dataclass(frozen=True)
class ElectionOutcome:
    """What an election did for one partition."""

    leader: int | None
    unclean: bool


class KRaftController:
    """The active controller's decisions, applied at once to the partitions."""

    def __init__(
        self,
        broker_ids: tuple[int, ...],
        voters: tuple[int, ...],
        topics: Mapping[str, Topic],
        network: Network,
        clock: SimClock,
        journal: Journal,
        replication: Replication,
        broker_configs: Mapping[str, str],
        *,
        eligible_leader_replicas: bool = True,
    ) -> None:
        self.broker_ids = broker_ids
        self.elr_enabled = eligible_leader_replicas
        self.voters = voters
        self._topics = topics
        self._network = network
        self._clock = clock
        self._journal = journal
        self._replication = replication
        self.heartbeat_interval_ms = int(broker_configs["broker.heartbeat.interval.ms"])
        self.session_timeout_ms = int(broker_configs["broker.session.timeout.ms"])
        self.registrations: dict[int, BrokerRegistration] = {
            b: BrokerRegistration(b, epoch=i) for i, b in enumerate(broker_ids)}
        self._next_broker_epoch = len(broker_ids)
        self.active: int | None = min(voters)
        self.epoch = 1
        self._fence_timers: dict[int, Timer] = {}
        self._registering: dict[int, tuple[bool, Timer | None]] = {}
        """Restarted brokers waiting for their registration: (clean shutdown, retry timer)."""
        self._election_timer: Timer | None = None
        self._balance_timer: Timer | None = None
        self.auto_rebalance = broker_configs.get("auto.leader.rebalance.enable", "true") == "true"
        self.imbalance_check_ms = 1000 * int(
            broker_configs.get("leader.imbalance.check.interval.seconds", "300"))
        replication.alter_partition = self.alter_partition

    # ------------------------------------------------------------- helpers
    def _record(self, kind: str, data: dict[str, object]) -> None:
        self._journal.record(self._clock.now_ms, kind, data)

    def is_active_broker(self, b: int) -> bool:
        """Registered, unfenced and not shutting down (``ClusterControlManager.isActive``)."""
        reg = self.registrations.get(b)
        return reg is not None and not reg.fenced and not reg.in_controlled_shutdown

    def hears(self, b: int) -> bool:
        """Whether broker ``b`` and the active controller can talk."""
        return self.active is not None and self._network.links_up(b, self.active)

    def _partitions(self) -> Iterable[tuple[Topic, PartitionState]]:
        return self._replication.partitions()

    # ------------------------------------------------------ quorum
    def _quorum_leader_candidates(self) -> list[int]:
        majority = len(self.voters) // 2 + 1
        return [v for v in sorted(self.voters)
                if self._network.process_running(v)
                and sum(1 for w in self.voters if self._network.links_up(v, w)) >= majority]

    def check_quorum(self) -> None:
        """Drop an active controller that lost its majority; start an election if none."""
        candidates = self._quorum_leader_candidates()
        if self.active is not None and self.active not in candidates:
            previous, self.active = self.active, None
            self._record("controller_unavailable", {"previous": previous})
        if self.active is None and candidates and self._election_timer is None:
            self._election_timer = self._clock.call_later(
                QUORUM_FETCH_TIMEOUT_MS, self._elect_controller, name="controller-election")

    def _elect_controller(self) -> None:
        self._election_timer = None
        candidates = self._quorum_leader_candidates()
        if self.active is not None or not candidates:
            return
        self.active = candidates[0]
        self.epoch += 1
        self._record("controller_elected", {"controller": self.active, "epoch": self.epoch})
        now = self._clock.now_ms
        for reg in self.registrations.values():
            reg.heartbeat_anchor_ms = now
            timer = self._fence_timers.pop(reg.broker_id, None)
            if timer is not None:
                timer.cancel()
        self.check_heartbeats()
        for t, ps in self._partitions():
            self.propagate(t, ps)

    # ------------------------------------------------------ heartbeats
    def check_heartbeats(self) -> None:
        """Arm fencing for brokers whose heartbeats stopped; unfence returning ones."""
        if self.active is None:
            return
        for b in self.broker_ids:
            reg = self.registrations.get(b)
            if reg is None:
                continue
            beating = self._network.is_running(b) and self.hears(b)
            timer = self._fence_timers.get(b)
            if beating:
                reg.session_expires_ms = None
                if timer is not None:
                    timer.cancel()
                    del self._fence_timers[b]
                if reg.fenced and not reg.in_controlled_shutdown:
                    self.unfence(b)
            elif not reg.fenced and timer is None:
                reg.session_expires_ms = self._fence_due(reg)
                self._fence_timers[b] = self._clock.call_at(
                    reg.session_expires_ms, lambda b=b: self._session_expired(b),
                    name=f"fence-broker-{b}")

    def _fence_due(self, reg: BrokerRegistration) -> int:
        now = self._clock.now_ms
        beats = (now - reg.heartbeat_anchor_ms) // self.heartbeat_interval_ms
        last = reg.heartbeat_anchor_ms + beats * self.heartbeat_interval_ms
        return last + self.session_timeout_ms

    def _session_expired(self, b: int) -> None:
        self._fence_timers.pop(b, None)
        reg = self.registrations.get(b)
        if self.active is None or reg is None or reg.fenced:
            return
        if self._network.is_running(b) and self.hears(b):
            return
        self.fence(b, reason="session_timeout")

    # ------------------------------------------------------ registration
    def has_valid_session(self, b: int) -> bool:
        """Whether ``b``'s registered incarnation still has a valid session
        (``BrokerHeartbeatManager.hasValidSession``): it heartbeats, or its last heartbeat
        was at most ``broker.session.timeout.ms`` ago. Kafka 4.4 refuses a new incarnation
        for as long, also when the old one was fenced by a controlled shutdown."""
        reg = self.registrations.get(b)
        if reg is None:
            return False
        return reg.session_expires_ms is None or self._clock.now_ms <= reg.session_expires_ms

    def start_incarnation(self, b: int, *, clean: bool) -> None:
        """A restarted broker asks to register (its process must be starting on the
        network); ``clean`` says whether the previous incarnation shut down cleanly."""
        self.abandon_registration(b)
        self._registering[b] = (clean, None)
        self._try_register(b)

    def abandon_registration(self, b: int) -> None:
        """The starting broker stopped again: no more registration attempts."""
        pending = self._registering.pop(b, None)
        if pending is not None and pending[1] is not None:
            pending[1].cancel()

    def _try_register(self, b: int) -> None:
        clean, _ = self._registering[b]
        if not self._network.is_starting(b):
            del self._registering[b]
            return
        if self.active is not None and self._network.links_up(b, self.active):
            if not self.has_valid_session(b):
                del self._registering[b]
                self._network.start(b)
                self.register(b, clean=clean)
                self._replication.replicate_all()
                self._replication.arm_isr_expiration()
                return
            reg = self.registrations[b]
            self._record("broker_registration_refused", {
                "broker": b, "error": "DuplicateBrokerRegistrationException",
                "registered_epoch": reg.epoch, "session_expires_ms": reg.session_expires_ms,
            })
        timer = self._clock.call_later(self.heartbeat_interval_ms,
                                       lambda: self._try_register(b), name=f"register-broker-{b}")
        self._registering[b] = (clean, timer)

    def register(self, b: int, *, clean: bool = True) -> None:
        """A (re)started broker registers: a new broker epoch, fenced until it heartbeats.

        Only called once the old incarnation's session has expired. If the old
        incarnation is not fenced yet (its session ended this very millisecond) it is
        fenced first.
        """
        timer = self._fence_timers.pop(b, None)
        if timer is not None:
            timer.cancel()
        old = self.registrations.get(b)
        if old is not None and not old.fenced:
            self.fence(b, reason="session_timeout")
        reg = BrokerRegistration(b, epoch=self._next_broker_epoch, fenced=True,
                                 heartbeat_anchor_ms=self._clock.now_ms)
        self._next_broker_epoch += 1
        if not clean and self.elr_enabled:
            for t, ps in self._partitions():
                if b in ps.isr or b in ps.elr:
                    self._elect(t, ps, unclean_shutdown=b, reason="unclean_shutdown")
        self.registrations[b] = reg
        self._record("broker_registered", {"broker": b, "broker_epoch": reg.epoch,
                                           "clean_shutdown": clean})
        self.check_heartbeats()

    def fence(self, b: int, *, reason: str) -> None:
        reg = self.registrations[b]
        reg.fenced = True
        reg.in_controlled_shutdown = False
        self._change_partitions_without(b, reason="fenced")
        self._record("broker_fenced", {"broker": b, "broker_epoch": reg.epoch, "reason": reason})

    def unfence(self, b: int) -> None:
        reg = self.registrations[b]
        reg.fenced = False
        self._record("broker_unfenced", {"broker": b, "broker_epoch": reg.epoch})
        for t, ps in self._partitions():
            if ps.leader is None and b in ps.replicas:
                self._elect(t, ps, add=b, reason="unfenced")
            else:
                self.propagate(t, ps)
        self._replication.replicate_all()

    def controlled_shutdown(self, b: int) -> None:
        """Move leadership away from ``b`` and take it out of every ISR. The broker then
        stops; it stays registered "in controlled shutdown" (no leader, in no ISR) and is
        fenced when its session times out, ``broker.session.timeout.ms`` after the
        heartbeat that asked to shut down (as measured on Kafka 4.4)."""
        reg = self.registrations[b]
        reg.in_controlled_shutdown = True
        reg.session_expires_ms = self._clock.now_ms + self.session_timeout_ms
        self._record("broker_controlled_shutdown", {"broker": b, "broker_epoch": reg.epoch})
        self._change_partitions_without(b, reason="controlled_shutdown")
        timer = self._fence_timers.pop(b, None)
        if timer is not None:
            timer.cancel()
        self._fence_timers[b] = self._clock.call_at(
            reg.session_expires_ms, lambda: self._session_expired(b), name=f"fence-broker-{b}")

    def _change_partitions_without(self, b: int, *, reason: str) -> None:
        for t, ps in self._partitions():
            if b in ps.isr or ps.leader == b:
                self._elect(t, ps, remove=b, reason=reason)

    # ------------------------------------------------------ elections
    def _acceptable(self, r: int, remove: int | None, add: int | None,
                    unclean_shutdown: int | None = None) -> bool:
        return (r != remove and r != unclean_shutdown
                and (r == add or self.is_active_broker(r)))

    def target_elr(self, t: Topic, ps: PartitionState, target_isr: list[int],
                   unclean_shutdown: int | None = None) -> list[int]:
        """The ELR that goes with ``target_isr`` (``maybePopulateTargetElr``)."""
        if not self.elr_enabled or len(target_isr) >= effective_min_isr(t, ps):
            return []
        candidates = set(ps.elr) | set(ps.isr)
        return sorted(r for r in candidates if r not in target_isr and r != unclean_shutdown)

    def _last_known_elr(self, ps: PartitionState, leader: int | None,
                        isr: list[int]) -> list[int]:
        """``maybeUpdateLastKnownLeader``: the last leader, once the ISR becomes empty."""
        if not self.elr_enabled:
            return []
        if (not isr and isr != ps.isr and ps.leader is not None
                and ps.last_known_elr != [ps.leader]):
            return [ps.leader]
        if leader is not None:
            return []
        return list(ps.last_known_elr)

    def choose_leader(
        self, t: Topic, ps: PartitionState, target_isr: list[int], *,
        target_elr: list[int] | None = None, remove: int | None = None,
        add: int | None = None, preferred: bool = False, unclean: bool | None = None,
        unclean_shutdown: int | None = None,
    ) -> ElectionOutcome:
        """``PartitionChangeBuilder.electLeader``."""
        elr = target_elr or []

        def acceptable(r: int) -> bool:
            return self._acceptable(r, remove, add, unclean_shutdown)

        def valid(r: int | None) -> bool:
            return (r is not None and (r in target_isr or (not target_isr and r in elr))
                    and acceptable(r))

        order = list(ps.replicas)
        if preferred and valid(ps.replicas[0]):
            return ElectionOutcome(ps.replicas[0], False)
        if valid(ps.leader):
            return ElectionOutcome(ps.leader, False)
        for r in order:
            if valid(r):
                return ElectionOutcome(r, False)
        lke = ps.last_known_elr
        if (self.elr_enabled and not elr and not target_isr and len(lke) == 1
                and acceptable(lke[0])):
            return ElectionOutcome(lke[0], True)
        if preferred:
            return ElectionOutcome(None, False)
        if unclean is None:
            unclean = bool(t.config.get("unclean.leader.election.enable"))
        if unclean:
            for r in order:
                if acceptable(r):
                    return ElectionOutcome(r, True)
        return ElectionOutcome(None, False)

    def _elect(
        self, t: Topic, ps: PartitionState, *, remove: int | None = None,
        add: int | None = None, reason: str, preferred: bool = False,
        unclean: bool | None = None, unclean_shutdown: int | None = None,
    ) -> bool:
        """Build and apply one partition change; return whether anything changed."""
        target_isr = [r for r in ps.isr if r != remove and r != unclean_shutdown]
        elr = self.target_elr(t, ps, target_isr, unclean_shutdown)
        outcome = self.choose_leader(t, ps, target_isr, target_elr=elr, remove=remove,
                                     add=add, preferred=preferred, unclean=unclean,
                                     unclean_shutdown=unclean_shutdown)
        # without ELR the ISR never becomes empty: its last member stays
        new_isr = target_isr if target_isr or self.elr_enabled else list(ps.isr)
        leader = outcome.leader
        if leader is not None and leader != ps.leader:
            if leader in elr:
                new_isr = [leader]
                elr = [r for r in elr if r != leader]
            elif outcome.unclean:
                new_isr = [leader]
        if outcome.unclean:
            elr = []
        lke = self._last_known_elr(ps, leader, new_isr)
        if (leader, new_isr, elr, lke) == (ps.leader, ps.isr, ps.elr, ps.last_known_elr):
            return False
        self.apply(t, ps, leader, new_isr, reason=reason, unclean=outcome.unclean,
                   elr=elr, last_known_elr=lke)
        return True

    def apply(
        self, t: Topic, ps: PartitionState, leader: int | None, isr: list[int], *,
        reason: str, unclean: bool = False, elr: list[int] | None = None,
        last_known_elr: list[int] | None = None,
    ) -> None:
        """Commit a partition change record and let the brokers act on it."""
        previous = ps.leader
        before = (list(ps.elr), list(ps.last_known_elr))
        ps.partition_epoch += 1
        ps.isr = list(isr)
        ps.elr = list(elr or [])
        ps.last_known_elr = list(last_known_elr or [])
        if leader != previous:
            lost = None
            if unclean and leader is not None:
                committed = max(log.high_watermark for log in ps.logs.values())
                new_end = ps.logs[leader].log_end_offset
                if committed > new_end:
                    lost = [new_end, committed]
            ps.leader = leader
            ps.leader_epoch += 1
            data: dict[str, object] = {
                "topic": t.name, "partition": ps.partition, "leader": leader,
                "previous_leader": previous, "leader_epoch": ps.leader_epoch,
                "isr": list(ps.isr), "election": "unclean" if unclean else reason,
            }
            self._add_elr(data, ps, before)
            if unclean:
                data["lost_offsets"] = lost
            self._record("leader_elected", data)
        else:
            changed: dict[str, object] = {
                "topic": t.name, "partition": ps.partition, "leader": leader,
                "isr": list(ps.isr), "partition_epoch": ps.partition_epoch, "reason": reason,
            }
            self._add_elr(changed, ps, before)
            self._record("isr_changed", changed)
        self.propagate(t, ps)  # ends with update_hw_mode
        self._replication.replicate(t, ps)
        # not redundant: replicate() stops early when the leader is down; this still moves
        # the (dead) leader's high watermark after an ISR shrink, as before.
        self._replication.maybe_increment_hw(t, ps)
        self._replication.arm_isr_expiration()
        self.arm_leader_balance()

    @staticmethod
    def _add_elr(data: dict[str, object], ps: PartitionState,
                 before: tuple[list[int], list[int]]) -> None:
        """Name the ELR and last known ELR in an event when they are set or change, as a
        ``PartitionChangeRecord`` carries them only then."""
        if ps.elr or ps.last_known_elr or before != (ps.elr, ps.last_known_elr):
            data["elr"] = list(ps.elr)
            data["last_known_elr"] = list(ps.last_known_elr)

    # ------------------------------------------------------ leader balance
    def arm_leader_balance(self) -> None:
        """Schedule a balancing pass if some partition is off its preferred leader."""
        if not self.auto_rebalance or self._balance_timer is not None:
            return
        if all(ps.leader == ps.replicas[0] for _, ps in self._partitions()):
            return
        self._balance_timer = self._clock.call_later(
            self.imbalance_check_ms, self._balance_leaders, name="leader-balance")

    def _balance_leaders(self) -> None:
        self._balance_timer = None
        if self.active is not None:
            for t, ps in self._partitions():
                if ps.leader != ps.replicas[0]:
                    self._elect(t, ps, reason="preferred", preferred=True)
        self.arm_leader_balance()

    def propagate(self, t: Topic, ps: PartitionState) -> None:
        """Brokers that hear the controller learn the partition's new state: the new
        leader starts its epoch, followers truncate to the leader's log."""
        current = (ps.leader_epoch, ps.leader, tuple(ps.isr))
        order = sorted(ps.replicas, key=lambda b: b != ps.leader)
        for b in order:
            if not (self._network.is_running(b) and self.hears(b)):
                continue
            old = ps.belief.get(b)
            if old == current:
                continue
            ps.belief[b] = current
            if old is not None and old[:2] == current[:2]:
                continue
            if b == ps.leader:
                self._replication.become_leader(t, ps)
            elif ps.leader is not None:
                self._replication.become_follower(t, ps, b)
        self._replication.update_hw_mode(t, ps)

    def alter_partition(
        self, ps: PartitionState, leader: int, new_isr: list[int], reason: str
    ) -> bool:
        """A leader's ``AlterPartition``: accepted if the leader can reach the active
        controller, still leads at the current epoch and every new member is eligible."""
        if self.active is None or not self.hears(leader) or ps.leader != leader:
            return False
        if any(b not in ps.isr and not self.is_active_broker(b) for b in new_isr):
            return False
        t = self._topics[ps.topic]
        before = (list(ps.elr), list(ps.last_known_elr))
        ps.partition_epoch += 1
        ps.elr = self.target_elr(t, ps, new_isr)
        ps.last_known_elr = []
        ps.isr = list(new_isr)
        data: dict[str, object] = {
            "topic": ps.topic, "partition": ps.partition, "leader": leader,
            "isr": list(ps.isr), "partition_epoch": ps.partition_epoch, "reason": reason,
        }
        self._add_elr(data, ps, before)
        self._record("isr_changed", data)
        self.propagate(t, ps)
        return True

    def elect_preferred(self, t: Topic, ps: PartitionState) -> bool:
        return self._elect(t, ps, reason="preferred", preferred=True)

    def elect_unclean(self, t: Topic, ps: PartitionState) -> bool:
        return self._elect(t, ps, reason="unclean", unclean=True)
