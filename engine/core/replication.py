"""Followers copying from leaders, the high watermark, and the leader's ISR changes.

Timing (the engine's model of Kafka's replica fetchers):

* A follower keeps a fetch parked at its leader (``replica.fetch.wait.max.ms``), so it
  sees new records as soon as they are appended. The engine takes the network round
  trip as zero: when the producer asked for ``acks=all`` (and for the engine's own
  writes), the followers that can reach the leader copy the new records in the same
  simulated millisecond, the leader learns their new log end offsets, and the high
  watermark moves. With ``acks=0``/``acks=1`` the leader answers first and followers copy
  at the next step of the clock (any ``Cluster.advance``), so a leader that crashes
  before the clock moves takes those records with it.
* The high watermark is the smallest log end offset in the ISR, as the leader knows
  them; it never moves while the ISR is smaller than the effective
  ``min.insync.replicas`` (Kafka 4.x's ``Partition.maybeIncrementLeaderHW``).
* A follower joins the ISR once its log end offset reaches the high watermark and the
  current leader epoch's start offset (``isFollowerInSync``), if the controller accepts
  it (the broker must be unfenced and not shutting down).
* Every ``replica.lag.time.max.ms / 2`` (15 s, on multiples of 15 s from the cluster's
  start, and only while some in-sync follower is not fetching) the leader drops
  followers for which ``leader LEO != follower LEO`` and
  ``now - lastCaughtUpTime > replica.lag.time.max.ms`` (``Partition.getOutOfSyncReplicas``).
* A broker follows the leader it last heard of from the controller (its ``belief``). A
  broker cut off from the controller keeps acting on old metadata: an old leader that
  was replaced without hearing of it keeps accepting writes (a "zombie"), but its high
  watermark no longer moves.
* A follower that starts following a new leader truncates where its log diverges from
  the leader's, found from the leader-epoch caches (``OffsetsForLeaderEpoch``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from engine.core.clock import SimClock
from engine.core.log import PartitionLog
from engine.core.network import Network
from engine.core.partition import PartitionState
from engine.journal import Journal

if TYPE_CHECKING:
    from engine.core.topic import Topic

ISR_CHECK_PERIOD_DIVISOR = 2
"""Kafka schedules ``isr-expiration`` every ``replica.lag.time.max.ms / 2``."""


def effective_min_isr(topic: Topic, ps: PartitionState) -> int:
    """``min(min.insync.replicas, replication factor)`` (``Partition.effectiveMinIsr``)."""
    return min(topic.config.min_insync_replicas, len(ps.replicas))


class Replication:
    """Runs the followers' fetches and the leaders' high-watermark and ISR bookkeeping.

    ``controller_alter_partition(ps, leader, new_isr, reason)`` is how a leader asks the
    controller to change the ISR (Kafka's ``AlterPartition``); it returns whether the
    change was accepted.
    """

    def __init__(
        self,
        topics: Mapping[str, Topic],
        network: Network,
        clock: SimClock,
        journal: Journal,
        lag_time_max_ms: int,
    ) -> None:
        self._topics = topics
        self._network = network
        self._clock = clock
        self._journal = journal
        self.lag_time_max_ms = lag_time_max_ms
        self.alter_partition: Callable[[PartitionState, int, list[int], str], bool] = (
            lambda ps, leader, isr, reason: False)
        self._pending: set[tuple[str, int]] = set()
        self._isr_timer_armed = False

    # ------------------------------------------------------------- helpers
    def partitions(self) -> Iterator[tuple[Topic, PartitionState]]:
        for name in sorted(self._topics):
            t = self._topics[name]
            for ps in t.partitions:
                yield t, ps

    def _record(self, kind: str, data: dict[str, object]) -> None:
        self._journal.record(self._clock.now_ms, kind, data)

    def is_real_leader(self, ps: PartitionState, broker: int) -> bool:
        belief = ps.belief.get(broker)
        return (ps.leader == broker and belief is not None
                and belief[:2] == (ps.leader_epoch, broker))

    def update_hw_mode(self, t: Topic, ps: PartitionState) -> None:
        """Let appends move the high watermark directly when the leader alone is the ISR
        and that is enough for ``min.insync.replicas`` (the fast path of RF=1)."""
        for broker, log in ps.logs.items():
            log.hw_follows_leo = (broker == ps.leader and ps.isr == [broker]
                                  and effective_min_isr(t, ps) <= 1)
            if log.hw_follows_leo and self._network.is_running(broker):
                log.high_watermark = log.log_end_offset

    # --------------------------------------------------------------- fetches
    def mark_pending(self, t: Topic, ps: PartitionState) -> None:
        """Followers will copy this partition's new records at the next clock step."""
        if not ps.single:
            self._pending.add((t.name, ps.partition))

    def run_pending(self) -> None:
        """Let followers copy everything appended since the last step (sorted order)."""
        if not self._pending:
            return
        pending, self._pending = sorted(self._pending), set()
        for name, p in pending:
            t = self._topics.get(name)
            if t is not None and p < len(t.partitions):
                self.replicate(t, t.partitions[p])

    def replicate_all(self) -> None:
        """Let followers catch up everywhere, except where records written with acks=0/1
        wait for the next clock step."""
        for t, ps in self.partitions():
            if not ps.single and (t.name, ps.partition) not in self._pending:
                self.replicate(t, ps)

    def replicate(self, t: Topic, ps: PartitionState) -> None:
        """Every follower that can reach its leader fetches up to the leader's log end
        offset; then the leader expands the ISR and moves the high watermark."""
        self._pending.discard((t.name, ps.partition))
        leader = ps.leader
        if leader is None or not self.is_real_leader(ps, leader):
            return
        if not self._network.is_running(leader):
            return
        leader_log = ps.logs[leader]
        now = self._clock.now_ms
        fetched = []
        for f in ps.replicas:
            if f == leader or not self._can_fetch(ps, f, leader):
                continue
            fetched.append(f)
            log = ps.logs[f]
            before = log.log_end_offset
            if before < leader_log.log_start_offset:
                log.restart_at(leader_log.log_start_offset)
                before = log.log_end_offset
            copied = log.copy_from(leader_log, leader_log.log_end_offset)
            if log.log_start_offset < leader_log.log_start_offset:
                log.delete_segments_before(leader_log.log_start_offset)
                if not log.segments:
                    log.roll()
            ps.remote_leo[f] = log.log_end_offset
            if log.log_end_offset == leader_log.log_end_offset:
                ps.last_caught_up_ms[f] = now
            if copied:
                self._record("replica_fetched", {
                    "topic": t.name, "partition": ps.partition, "broker": f,
                    "leader": leader, "from_offset": before, "log_end_offset": log.log_end_offset,
                })
        self._maybe_expand_isr(t, ps, fetched)
        self.maybe_increment_hw(t, ps)

    def _can_fetch(self, ps: PartitionState, follower: int, leader: int) -> bool:
        belief = ps.belief.get(follower)
        return (belief is not None and belief[:2] == (ps.leader_epoch, leader)
                and self._network.can_reach(follower, leader))

    def _maybe_expand_isr(self, t: Topic, ps: PartitionState, fetched: list[int]) -> None:
        """Followers that just fetched and reached the high watermark and the epoch's
        start offset join the ISR, one ``AlterPartition`` each."""
        leader = ps.leader
        assert leader is not None
        leader_log = ps.logs[leader]
        epoch_start = leader_log.epochs[-1][1] if leader_log.epochs else 0
        joining = [f for f in fetched
                   if f not in ps.isr
                   and ps.remote_leo.get(f, -1) >= leader_log.high_watermark
                   and ps.remote_leo.get(f, -1) >= epoch_start]
        if joining:
            new_isr = list(ps.isr)
            for f in joining:
                candidate = [*new_isr, f]
                if self.alter_partition(ps, leader, candidate, "caught_up"):
                    new_isr = candidate

    def maybe_increment_hw(self, t: Topic, ps: PartitionState) -> None:
        """Move the leader's high watermark to the smallest ISR log end offset, unless the
        ISR is below the effective min ISR; then tell followers (``high_watermark_updated``)."""
        leader = ps.leader
        if leader is None or not self.is_real_leader(ps, leader):
            return
        leader_log = ps.logs[leader]
        old = leader_log.high_watermark
        if len(ps.isr) >= effective_min_isr(t, ps):
            new = leader_log.log_end_offset
            for f in ps.isr:
                if f != leader:
                    new = min(new, ps.remote_leo.get(f, -1))
            if new > old:
                leader_log.high_watermark = new
                self._record("high_watermark_updated", {
                    "topic": t.name, "partition": ps.partition, "leader": leader,
                    "high_watermark": new,
                })
        for f in ps.replicas:
            if f != leader and self._can_fetch(ps, f, leader):
                log = ps.logs[f]
                log.high_watermark = min(leader_log.high_watermark, log.log_end_offset)

    # ------------------------------------------------------ leader changes
    def become_leader(self, t: Topic, ps: PartitionState) -> None:
        """The new leader starts its epoch at its log end offset and forgets what it knew
        of the followers (``Partition.makeLeader``)."""
        leader = ps.leader
        if leader is None:
            return
        log = ps.logs[leader]
        log.assign_epoch(ps.leader_epoch, log.log_end_offset)
        log.high_watermark = min(log.high_watermark, log.log_end_offset)
        now = self._clock.now_ms
        ps.remote_leo = {}
        for f in ps.replicas:
            if f != leader:
                ps.last_caught_up_ms[f] = now if f in ps.isr else 0
        t.logs[ps.partition] = log

    def become_follower(self, t: Topic, ps: PartitionState, broker: int) -> None:
        """Truncate ``broker``'s log where it diverges from the current leader's."""
        leader = ps.leader
        if leader is None or broker == leader:
            return
        log = ps.logs[broker]
        leader_log = ps.logs[leader]
        target = divergence_offset(log, leader_log)
        if target < log.log_end_offset:
            before = log.log_end_offset
            dropped = log.truncate_to(target)
            self._record("replica_truncated", {
                "topic": t.name, "partition": ps.partition, "broker": broker,
                "leader": leader, "from_offset": before, "to_offset": target,
                "records": dropped,
            })
        log.hw_follows_leo = False

    # ------------------------------------------------------ ISR expiration
    def refresh_caught_up(self) -> None:
        """Followers that are fetching and caught up were caught up just now: their
        parked fetches keep ``lastCaughtUpTime`` fresh while nothing is written."""
        now = self._clock.now_ms
        for _, ps in self.partitions():
            leader = ps.leader
            if leader is None or ps.single or not self._network.is_running(leader):
                continue
            leo = ps.logs[leader].log_end_offset
            for f in ps.replicas:
                if (f != leader and self._can_fetch(ps, f, leader)
                        and ps.remote_leo.get(f, -1) == leo):
                    ps.last_caught_up_ms[f] = now

    def arm_isr_expiration(self, ps: PartitionState | None = None) -> None:
        """Schedule the next ``isr-expiration`` tick if some in-sync follower (of ``ps``
        only, if given) is stalled."""
        if self._isr_timer_armed:
            return
        if not (self._stalled(ps) if ps is not None else self._any_stalled()):
            return
        period = max(self.lag_time_max_ms // ISR_CHECK_PERIOD_DIVISOR, 1)
        now = self._clock.now_ms
        due = (now // period + 1) * period
        self._isr_timer_armed = True
        self._clock.call_at(due, self._isr_expiration, name="isr-expiration")

    def _any_stalled(self) -> bool:
        return any(self._stalled(ps) for _, ps in self.partitions())

    def _stalled(self, ps: PartitionState) -> bool:
        leader = ps.leader
        if leader is None or len(ps.isr) <= 1 or not self._network.is_running(leader):
            return False
        return any(f != leader and not self._can_fetch(ps, f, leader) for f in ps.isr)

    def _isr_expiration(self) -> None:
        self._isr_timer_armed = False
        now = self._clock.now_ms
        for t, ps in self.partitions():
            leader = ps.leader
            if leader is None or not self._network.is_running(leader):
                continue
            if not self.is_real_leader(ps, leader):
                continue
            leader_leo = ps.logs[leader].log_end_offset
            out = [f for f in ps.isr if f != leader
                   and ps.remote_leo.get(f, -1) != leader_leo
                   and now - ps.last_caught_up_ms.get(f, 0) > self.lag_time_max_ms]
            if out:
                new_isr = [b for b in ps.isr if b not in out]
                if self.alter_partition(ps, leader, new_isr, "lagging"):
                    self.maybe_increment_hw(t, ps)
        self.arm_isr_expiration()


def divergence_offset(follower: PartitionLog, leader: PartitionLog) -> int:
    """Where ``follower`` must truncate to match ``leader`` (``OffsetsForLeaderEpoch``).

    The follower asks for its newest epoch; the leader answers with the largest epoch it
    has at or below that and where that epoch ends in its log. If the leader has the
    same epoch, the follower truncates to the smaller end offset; otherwise to the end
    of the leader's answer epoch in its own log, bounded by the leader's answer.
    """
    if follower.log_end_offset == follower.log_start_offset or not follower.epochs:
        return min(follower.log_end_offset, leader.log_end_offset)
    epoch = follower.latest_epoch
    leader_epoch, leader_end = leader.end_offset_for_epoch(epoch)
    if leader_epoch < 0:
        return follower.log_start_offset
    if leader_epoch == epoch:
        return min(leader_end, follower.log_end_offset)
    _, own_end = follower.end_offset_for_epoch(leader_epoch)
    if own_end < 0:
        return follower.log_start_offset
    return min(own_end, leader_end, follower.log_end_offset)

