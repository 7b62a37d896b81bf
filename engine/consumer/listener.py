"""The rebalance listener a consumer calls when its partitions change.

Methods are called inside ``poll()`` (and ``close()``), in Kafka's order:

* **eager** protocol: ``on_partitions_revoked(all owned partitions)`` before every rejoin
  (except the first join), then ``on_partitions_assigned(new assignment)``, called even
  when the assignment is empty;
* **cooperative** protocol: after the SyncGroup, ``on_partitions_revoked`` with only the
  partitions that moved away (never with an empty set), then ``on_partitions_assigned``
  with only the new ones (always called, possibly empty); revoking triggers a second
  rebalance in which the freed partitions reach their new owner;
* ``on_partitions_lost`` instead of revoked when the member found out it was no longer
  in the group (session timeout, poll timeout, fenced): someone else may already own
  them, so it must not commit. If the listener has no ``on_partitions_lost``, the
  revoked callback is called, as Java's default method does.

Partitions are passed as a sorted list of :class:`TopicPartition`. Listener methods may
also be ``async def`` (aiokafka style); the engine runs them to completion at once.
"""

from __future__ import annotations

from typing import Any

from engine.core.records import TopicPartition


class ConsumerRebalanceListener:
    """Base class for rebalance listeners (override the methods you need)."""

    def on_partitions_revoked(self, revoked: list[TopicPartition]) -> Any:
        """Called before partitions are taken away; commit their offsets here."""

    def on_partitions_assigned(self, assigned: list[TopicPartition]) -> Any:
        """Called after new partitions were given to this consumer."""

    def on_partitions_lost(self, lost: list[TopicPartition]) -> Any:
        """Called when partitions were lost without a chance to revoke them."""
        return self.on_partitions_revoked(lost)


def run_now(result: Any) -> Any:
    """Run a coroutine that never waits on anything outside the engine, to completion."""
    if hasattr(result, "send") and hasattr(result, "throw"):
        try:
            for _ in range(10000):
                result.send(None)
        except StopIteration as done:
            return done.value
        result.close()
        raise RuntimeError("a rebalance listener coroutine waited on something outside the "
                           "engine; listeners must not wait on real I/O")
    return result
