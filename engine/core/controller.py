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
  restarted broker registers at once and is unfenced at its first heartbeat (the
  engine does not model the short metadata catch-up in between).
* **Fencing** removes the broker from every ISR (never leaving an ISR empty: its last
  member stays, with no leader) and elects new leaders where it led
  (``handleBrokerFenced``). **Unfencing** elects leaders for leaderless partitions.
* **Elections** follow ``PartitionChangeBuilder`` with eligible leader replicas (ELR)
  off, as in Kafka 4.0 (4.1 turns ELR on for new clusters; the engine does not model
  ELR and ``describe`` prints empty ELR lists): keep the leader if it is still in the
  ISR and acceptable, else the first replica in assignment order that is in the ISR and
  active; else, when the topic has ``unclean.leader.election.enable=true``, the first
  active replica, whose ISR then becomes just itself (records may be lost); else no
  leader. A leader change bumps the leader epoch; every change bumps the partition
  epoch (since metadata version 3.6 an ISR shrink alone does not bump the leader epoch).
* **A restart** is a new incarnation: the controller first removes the broker from
  every ISR and moves its leaderships, as for a fenced broker, then registers it.
* **Controlled shutdown** moves leadership away and removes the broker from ISRs first.
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
    ) -> None:
        self.broker_ids = broker_ids
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
        return self.active is not None and self._network.can_reach(b, self.active)

    def _partitions(self) -> Iterable[tuple[Topic, PartitionState]]:
        return self._replication.partitions()

    # ------------------------------------------------------ quorum
    def _quorum_leader_candidates(self) -> list[int]:
        majority = len(self.voters) // 2 + 1
        return [v for v in sorted(self.voters)
                if self._network.is_running(v)
                and sum(1 for w in self.voters if self._network.can_reach(v, w)) >= majority]

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
                if timer is not None:
                    timer.cancel()
                    del self._fence_timers[b]
                if reg.fenced and not reg.in_controlled_shutdown:
                    self.unfence(b)
            elif not reg.fenced and timer is None:
                self._fence_timers[b] = self._clock.call_at(
                    self._fence_due(reg), lambda b=b: self._session_expired(b),
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

    # ------------------------------------------------------ broker states
    def register(self, b: int) -> None:
        """A (re)started broker registers: a new broker epoch, fenced until it heartbeats.

        A new incarnation first goes through the shutdown handling of the old one, as
        after a fencing (``ClusterControlManager.registerBroker``): it leaves every ISR
        and its leaderships move, even if its old session had not expired yet.
        """
        reg = BrokerRegistration(b, epoch=self._next_broker_epoch, fenced=True,
                                 heartbeat_anchor_ms=self._clock.now_ms)
        self._next_broker_epoch += 1
        self.registrations[b] = reg
        self._change_partitions_without(b, reason="restarted")
        self._record("broker_registered", {"broker": b, "broker_epoch": reg.epoch})
        self.check_heartbeats()

    def fence(self, b: int, *, reason: str) -> None:
        reg = self.registrations[b]
        reg.fenced = True
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
        """Move leadership away from ``b`` and take it out of every ISR, then fence it."""
        reg = self.registrations[b]
        reg.in_controlled_shutdown = True
        self._record("broker_controlled_shutdown", {"broker": b, "broker_epoch": reg.epoch})
        self._change_partitions_without(b, reason="controlled_shutdown")
        reg.fenced = True
        reg.in_controlled_shutdown = False
        timer = self._fence_timers.pop(b, None)
        if timer is not None:
            timer.cancel()
        self._record("broker_fenced", {"broker": b, "broker_epoch": reg.epoch,
                                       "reason": "controlled_shutdown"})

    def _change_partitions_without(self, b: int, *, reason: str) -> None:
        for t, ps in self._partitions():
            if b in ps.isr or ps.leader == b:
                self._elect(t, ps, remove=b, reason=reason)

    # ------------------------------------------------------ elections
    def _acceptable(self, r: int, remove: int | None, add: int | None) -> bool:
        return r != remove and (r == add or self.is_active_broker(r))

    def choose_leader(
        self, t: Topic, ps: PartitionState, target_isr: list[int], *,
        remove: int | None = None, add: int | None = None, preferred: bool = False,
        unclean: bool | None = None,
    ) -> ElectionOutcome:
        """``PartitionChangeBuilder.electLeader`` with ELR off."""
        def valid(r: int | None) -> bool:
            return r is not None and r in target_isr and self._acceptable(r, remove, add)

        if preferred and valid(ps.replicas[0]):
            return ElectionOutcome(ps.replicas[0], False)
        if valid(ps.leader):
            return ElectionOutcome(ps.leader, False)
        for r in ps.replicas:
            if valid(r):
                return ElectionOutcome(r, False)
        if unclean is None:
            unclean = bool(t.config.get("unclean.leader.election.enable"))
        if unclean:
            for r in ps.replicas:
                if self._acceptable(r, remove, add):
                    return ElectionOutcome(r, True)
        return ElectionOutcome(None, False)

    def _elect(
        self, t: Topic, ps: PartitionState, *, remove: int | None = None,
        add: int | None = None, reason: str, preferred: bool = False,
        unclean: bool | None = None,
    ) -> bool:
        """Build and apply one partition change; return whether anything changed."""
        target_isr = [r for r in ps.isr if r != remove]
        outcome = self.choose_leader(t, ps, target_isr, remove=remove, add=add,
                                     preferred=preferred, unclean=unclean)
        new_isr = target_isr if target_isr else list(ps.isr)  # never empty without ELR
        if outcome.unclean and outcome.leader is not None:
            new_isr = [outcome.leader]
        if outcome.leader == ps.leader and new_isr == ps.isr:
            return False
        self.apply(t, ps, outcome.leader, new_isr, reason=reason, unclean=outcome.unclean)
        return True

    def apply(
        self, t: Topic, ps: PartitionState, leader: int | None, isr: list[int], *,
        reason: str, unclean: bool = False,
    ) -> None:
        """Commit a partition change record and let the brokers act on it."""
        previous = ps.leader
        ps.partition_epoch += 1
        ps.isr = list(isr)
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
            if unclean:
                data["lost_offsets"] = lost
            self._record("leader_elected", data)
        else:
            self._record("isr_changed", {
                "topic": t.name, "partition": ps.partition, "leader": leader,
                "isr": list(ps.isr), "partition_epoch": ps.partition_epoch, "reason": reason,
            })
        self.propagate(t, ps)
        self._replication.update_hw_mode(t, ps)
        self._replication.replicate(t, ps)
        self._replication.maybe_increment_hw(t, ps)
        self._replication.arm_isr_expiration()
        self.arm_leader_balance()

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
        ps.partition_epoch += 1
        ps.isr = list(new_isr)
        self._record("isr_changed", {
            "topic": ps.topic, "partition": ps.partition, "leader": leader,
            "isr": list(ps.isr), "partition_epoch": ps.partition_epoch, "reason": reason,
        })
        self.propagate(t, ps)
        return True

    def elect_preferred(self, t: Topic, ps: PartitionState) -> bool:
        return self._elect(t, ps, reason="preferred", preferred=True)

    def elect_unclean(self, t: Topic, ps: PartitionState) -> bool:
        return self._elect(t, ps, reason="unclean", unclean=True)

    def min_isr(self, t: Topic, ps: PartitionState) -> int:
        return effective_min_isr(t, ps)
