"""Which nodes are running and which of them can talk to each other.

The engine has no sockets; this module answers the two questions a network would:
is broker ``b`` running, and can node ``a`` reach node ``b``? Faults change the
answers: a crash stops a node, a restart starts it again, and a cut link (or a node
cut off from all others) keeps both ends running but silent to each other. Clients
are not nodes: a running broker is reachable by clients even when it is cut off from
the other brokers, which is how a "zombie" leader keeps accepting writes.

A restarted node can be *starting*: its process is up (as a KRaft voter, in the
combined layout, it takes part in the quorum) but its broker does not serve clients or
replicas yet, because the controller has not accepted its registration. For the data
plane it is still down; :meth:`Network.process_running` and :meth:`Network.links_up`
answer for the process.
"""

from __future__ import annotations

from collections.abc import Iterable


class Network:
    """Running nodes and cut links between node ids."""

    def __init__(self, nodes: Iterable[int]) -> None:
        self.nodes: tuple[int, ...] = tuple(nodes)
        self._down: set[int] = set()
        self.down_set = self._down
        """The stopped nodes (read-only; empty on a healthy cluster)."""
        self._cut: set[frozenset[int]] = set()
        self._starting: set[int] = set()

    def is_running(self, node: int) -> bool:
        return node in self.nodes and node not in self._down

    def can_reach(self, a: int, b: int) -> bool:
        """Whether ``a`` and ``b`` are both running and the link between them is up."""
        if not (self.is_running(a) and self.is_running(b)):
            return False
        return a == b or frozenset((a, b)) not in self._cut

    def is_starting(self, node: int) -> bool:
        """Whether ``node``'s process is up but its broker is not serving yet."""
        return node in self._starting

    def process_running(self, node: int) -> bool:
        """Whether ``node``'s process is up (serving, or starting)."""
        return self.is_running(node) or node in self._starting

    def links_up(self, a: int, b: int) -> bool:
        """Whether the processes of ``a`` and ``b`` are up and the link between them is."""
        if not (self.process_running(a) and self.process_running(b)):
            return False
        return a == b or frozenset((a, b)) not in self._cut

    def stop(self, node: int) -> None:
        self._down.add(node)
        self._starting.discard(node)

    def begin_start(self, node: int) -> None:
        """The process of a stopped node starts; its broker does not serve yet."""
        if node in self._down:
            self._starting.add(node)

    def start(self, node: int) -> None:
        self._down.discard(node)
        self._starting.discard(node)

    def cut(self, a: int, b: int) -> bool:
        """Cut the link between ``a`` and ``b``; False if it was cut already."""
        link = frozenset((a, b))
        if a == b or link in self._cut:
            return False
        self._cut.add(link)
        return True

    def restore(self, a: int, b: int) -> bool:
        """Restore the link between ``a`` and ``b``; False if it was up."""
        link = frozenset((a, b))
        if link not in self._cut:
            return False
        self._cut.discard(link)
        return True

    def cut_links(self) -> list[tuple[int, int]]:
        """Every cut link as a sorted pair, sorted."""
        return sorted(tuple(sorted(link)) for link in self._cut)  # type: ignore[misc]

    def is_isolated(self, node: int) -> bool:
        """Whether ``node`` is cut off from every other node."""
        others = [n for n in self.nodes if n != node]
        return bool(others) and all(frozenset((node, n)) in self._cut for n in others)
