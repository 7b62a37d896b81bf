"""Fault injection: crash, restart, controlled shutdown, and cutting brokers off.

Each fault is journaled first (``broker_killed``, ``broker_restarted``,
``broker_shutdown``, ``link_cut``, ``link_restored``); what follows from it (fencing,
elections, ISR changes, truncation) is journaled by the controller and the
replication as it happens on the simulated clock.

* ``kill`` is a crash: the process stops at once, keeping its log on disk. Its
  partitions keep it as leader until the controller fences it, when its session
  times out (up to ``broker.session.timeout.ms`` after its last heartbeat).
* ``restart`` starts a crashed or shut-down broker. It registers again once the
  controller accepts it (not while the old incarnation's session is valid, see
  :mod:`engine.core.controller`); then each of its replicas truncates where it diverges
  from the current leader and catches up, and it rejoins the ISRs.
* ``shutdown`` is a controlled shutdown: leadership moves away and the broker leaves
  every ISR before it stops, so no request sees a dead leader.
* ``cut``/``isolate`` keep the broker running but stop its traffic with the other
  nodes (brokers and controller); clients can still reach it.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.core.clock import SimClock
from engine.core.controller import KRaftController
from engine.core.network import Network
from engine.core.replication import Replication
from engine.journal import Journal


class Faults:
    """Applies faults to the network, the controller and the replicas."""

    def __init__(
        self,
        broker_ids: tuple[int, ...],
        network: Network,
        controller: KRaftController,
        replication: Replication,
        clock: SimClock,
        journal: Journal,
        check_broker: Callable[[object], int],
    ) -> None:
        self._brokers = broker_ids
        self._network = network
        self._controller = controller
        self._replication = replication
        self._clock = clock
        self._journal = journal
        self._check = check_broker
        self._clean_stops: set[int] = set()
        """Brokers whose last stop was a controlled shutdown."""

    def _record(self, kind: str, data: dict[str, object]) -> None:
        self._journal.record(self._clock.now_ms, kind, data)

    def _settle(self) -> None:
        """Let the controller and replicas react to a changed network."""
        self._controller.check_quorum()
        self._controller.check_heartbeats()
        for t, ps in self._replication.partitions():
            self._controller.propagate(t, ps)
        self._replication.replicate_all()
        self._replication.arm_isr_expiration()

    def kill(self, broker: object) -> None:
        b = self._check(broker)
        if not self._network.process_running(b):
            raise ValueError(f"broker {b} is not running")
        self._replication.refresh_caught_up()
        self._controller.abandon_registration(b)
        self._clean_stops.discard(b)
        self._network.stop(b)
        self._record("broker_killed", {"broker": b})
        self._settle()

    def restart(self, broker: object) -> None:
        b = self._check(broker)
        if self._network.process_running(b):
            raise ValueError(f"broker {b} is already running")
        self._network.begin_start(b)
        self._record("broker_restarted", {"broker": b})
        self._controller.check_quorum()
        self._controller.start_incarnation(b, clean=b in self._clean_stops)
        self._settle()

    def shutdown(self, broker: object) -> None:
        b = self._check(broker)
        if not self._network.process_running(b):
            raise ValueError(f"broker {b} is not running")
        self._replication.refresh_caught_up()
        self._controller.abandon_registration(b)
        self._clean_stops.add(b)
        c = self._controller
        if self._network.is_running(b) and c.active is not None and c.hears(b):
            c.controlled_shutdown(b)
        self._network.stop(b)
        self._record("broker_shutdown", {"broker": b})
        self._settle()

    def cut(self, a: object, b: object) -> None:
        x, y = self._check(a), self._check(b)
        if x == y:
            raise ValueError("a node cannot be cut off from itself")
        self._replication.refresh_caught_up()
        if self._network.cut(x, y):
            self._record("link_cut", {"nodes": sorted((x, y))})
            self._settle()

    def restore(self, a: object, b: object) -> None:
        x, y = self._check(a), self._check(b)
        if self._network.restore(x, y):
            self._record("link_restored", {"nodes": sorted((x, y))})
            self._settle()

    def isolate(self, broker: object) -> None:
        b = self._check(broker)
        self._replication.refresh_caught_up()
        changed = [n for n in self._network.nodes if n != b and self._network.cut(b, n)]
        if changed:
            self._record("broker_isolated", {"broker": b})
            self._settle()

    def heal(self, broker: object | None = None) -> None:
        """Restore every cut link (of ``broker`` only, if given)."""
        who = None if broker is None else self._check(broker)
        restored = [pair for pair in self._network.cut_links()
                    if who is None or who in pair]
        for x, y in restored:
            self._network.restore(x, y)
        if restored:
            self._record("network_healed", {"links": [list(p) for p in restored]})
            self._settle()
