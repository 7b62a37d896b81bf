"""Getting a produce request to the right broker and waiting for its ``acks``.

``Cluster.produce`` and ``Cluster.produce_batch`` choose partitions; this module then
plays the request's trip:

* **Which broker.** By default the request goes to the partition's leader as the
  controller knows it (a client with fresh metadata). ``via_broker`` sends it to a
  given broker instead, which answers from its own metadata: a broker that does not
  believe it leads the partition answers ``NotLeaderOrFollowerError``; a broker that is
  down (or the client cannot reach) gives ``KafkaConnectionError``; a partition with no
  leader gives ``LeaderNotAvailableError``. The engine answers at once where a real
  producer would retry until ``delivery.timeout.ms``.
* **acks=all before the append**: the ISR must be at least the effective
  ``min.insync.replicas``, else ``NotEnoughReplicasError`` and nothing is written.
* **acks=all after the append**: followers copy at once; if the high watermark does not
  pass the records yet (a follower in the ISR is down or cut off and not yet removed),
  the call runs the simulated clock forward, timer by timer, until it does or until
  ``request.timeout.ms`` (30000) passes, which raises ``RequestTimedOutError`` (the
  records stay in the leader's log and may still be committed, or lost).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.core.acks import ACKS_ALL, enough_replicas_reached, not_enough_replicas
from engine.core.clock import SimClock
from engine.core.controller import KRaftController
from engine.core.errors import (
    KafkaConnectionError,
    LeaderNotAvailableError,
    NotLeaderOrFollowerError,
    RequestTimedOutError,
)
from engine.core.log import PartitionLog
from engine.core.network import Network
from engine.core.partition import PartitionState
from engine.core.replication import Replication, effective_min_isr

if TYPE_CHECKING:
    from engine.core.topic import Topic

REQUEST_TIMEOUT_MS = 30000
"""The producer's ``request.timeout.ms``, sent as the produce request's timeout."""


def connection_error(broker: int) -> KafkaConnectionError:
    return KafkaConnectionError(
        f"Connection to node {broker} could not be established. Node may not be available.")


class Delivery:
    """Routes produce requests to a leader and waits for their acknowledgement."""

    def __init__(
        self,
        network: Network,
        controller: KRaftController,
        replication: Replication,
        clock: SimClock,
        advance: Callable[[int], None],
    ) -> None:
        self._network = network
        self._controller = controller
        self._replication = replication
        self._clock = clock
        self._advance = advance

    def leader_log(self, t: Topic, p: int, via_broker: int | None) -> tuple[int, PartitionLog]:
        """The broker that takes the request, and its log; raises if none will."""
        ps = t.partitions[p]
        broker = ps.leader if via_broker is None else via_broker
        if broker is None:
            raise LeaderNotAvailableError()
        if not self._network.is_running(broker):
            raise connection_error(broker)
        if not ps.believes_leader(broker):
            raise NotLeaderOrFollowerError()
        return broker, ps.logs[broker]

    def check_min_isr(self, t: Topic, p: int, broker: int) -> None:
        """``acks=all``: refuse before appending when the ISR is too small."""
        ps = t.partitions[p]
        isr = ps.isr_seen_by(broker)
        min_isr = effective_min_isr(t, ps)
        if len(isr) < min_isr:
            raise not_enough_replicas(t.name, p, isr, min_isr)

    def after_append(self, t: Topic, p: int, acks: int) -> None:
        """Followers copy now (acks=all) or at the next clock step (acks=0/1)."""
        ps = t.partitions[p]
        if ps.single:
            return
        if acks == ACKS_ALL:
            self._replication.replicate(t, ps)
        else:
            self._replication.mark_pending(t, ps)
        self._replication.arm_isr_expiration(ps)

    def await_acks(self, t: Topic, waits: list[tuple[int, int, int]]) -> None:
        """Wait until every ``(partition, broker, end_offset)`` is acknowledged."""
        deadline = self._clock.now_ms + REQUEST_TIMEOUT_MS
        remaining = list(waits)
        while True:
            remaining = [w for w in remaining if not self._done(t, w)]
            if not remaining:
                return
            pending = self._clock.pending()
            now = self._clock.now_ms
            if not pending or pending[0].due_ms > deadline:
                self._advance(deadline - now)
                remaining = [w for w in remaining if not self._done(t, w)]
                if remaining:
                    raise RequestTimedOutError()
                return
            self._advance(max(pending[0].due_ms - now, 0))

    def _done(self, t: Topic, wait: tuple[int, int, int]) -> bool:
        p, broker, end_offset = wait
        ps: PartitionState = t.partitions[p]
        if not self._network.is_running(broker):
            raise connection_error(broker)
        return enough_replicas_reached(ps, broker, end_offset, effective_min_isr(t, ps))
