"""Replica placement, as the KRaft controller's ``StripedReplicaPlacer`` does it.

Kafka 4.x places the replicas of new partitions with
``metadata/.../placement/StripedReplicaPlacer.java`` (the algorithm is identical in 4.0.0,
4.1.0 and 4.4.0; the error texts here are 4.4.0's, which mention cordoned log directories).
With no racks, all brokers sit in one rack and the algorithm reduces to this:

* The brokers are sorted by id, and a random start offset is drawn.
* Partition ``i`` takes ``rf`` consecutive brokers (wrapping around) beginning at the
  offset; the offset then moves on by one, so leaders (first replicas) go round the
  brokers -- the "striped" pattern.
* After as many partitions as there are unfenced brokers, the broker list is shuffled,
  so that the next round does not repeat the same replica sets.
* Fenced brokers (if any are given) are only used once the unfenced ones are used up
  for the partition, and never as the leader.

Each Java ``Random`` call is mirrored by one draw from the engine's seeded
``random.Random``; see :func:`place_replicas`. A new placement starts afresh on every
call, as the controller builds a new ``RackList`` for every CreateTopics or
CreatePartitions request.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Sequence

from engine.core.errors import InvalidPartitionsError, InvalidReplicationFactorError

NextInt = Callable[[int], int]
"""A source of Java-style ``Random.nextInt(bound)`` draws: an int in ``[0, bound)``."""


def python_next_int(rng: random.Random) -> NextInt:
    """``nextInt(bound)`` as one ``rng.random()`` draw: ``floor(random() * bound)``.

    Only ``random()`` is used because Python promises that its sequence for a given seed
    never changes between versions (``randrange`` and ``shuffle`` make no such promise).
    """

    def next_int(bound: int) -> int:
        return min(int(rng.random() * bound), bound - 1)

    return next_int


def _java_shuffle(items: list[int], next_int: NextInt) -> None:
    """``Collections.shuffle(list, rnd)``: for i from size down to 2, swap i-1 with
    ``rnd.nextInt(i)`` (so a list of n items costs n-1 draws, none for n <= 1)."""
    for i in range(len(items), 1, -1):
        j = next_int(i)
        items[i - 1], items[j] = items[j], items[i - 1]


class _BrokerList:
    """``StripedReplicaPlacer.BrokerList``: brokers walked round-robin from an offset."""

    def __init__(self, brokers: list[int]) -> None:
        self.brokers = brokers
        self.index = 0
        self.offset = 0
        self.epoch = 0

    def initialize(self, next_int: NextInt) -> None:
        if self.brokers:
            self.brokers.sort()
            self.offset = next_int(len(self.brokers))

    def shuffle(self, next_int: NextInt) -> None:
        _java_shuffle(self.brokers, next_int)

    def next(self, epoch: int) -> int:
        """The next broker in this iteration epoch, or -1 once all were returned."""
        n = len(self.brokers)
        if n == 0:
            return -1
        if self.epoch != epoch:
            self.epoch = epoch
            self.index = 0
            self.offset = (self.offset + 1) % n
        if self.index >= n:
            return -1
        broker = self.brokers[(self.index + self.offset) % n]
        self.index += 1
        return broker


class _SingleRack:
    """``RackList`` with the one rack every broker is in when no rack is configured.

    Java draws, in this order, when the rack list is built: ``unfenced.initialize``
    (``nextInt(#unfenced)``; Java initializes the fenced list first, which draws
    ``nextInt(#fenced)`` only when there are fenced brokers), then ``nextInt(#racks)`` =
    ``nextInt(1)`` for the rack offset, which is always 0 but still consumes a draw.
    """

    def __init__(self, unfenced: list[int], fenced: list[int], next_int: NextInt) -> None:
        self.next_int = next_int
        self.unfenced = _BrokerList(unfenced)
        self.fenced = _BrokerList(fenced)
        self.fenced.initialize(next_int)
        self.unfenced.initialize(next_int)
        next_int(1)  # RackList.offset = random.nextInt(rackNames.size())
        self.epoch = 0

    def place(self, replication_factor: int) -> list[int]:
        num_unfenced = len(self.unfenced.brokers)
        # After one partition per unfenced broker, shuffle to avoid repeating replica sets
        # (Collections.shuffle of the one rack name draws nothing; then fenced, unfenced).
        if self.epoch == num_unfenced and num_unfenced > 1:
            self.fenced.shuffle(self.next_int)
            self.unfenced.shuffle(self.next_int)
            self.epoch = 0
        replicas = [self.unfenced.next(self.epoch)]  # the leader is never fenced
        while len(replicas) < replication_factor:
            broker = self.unfenced.next(self.epoch)
            if broker < 0:
                broker = self.fenced.next(self.epoch)
            replicas.append(broker)
        self.epoch += 1
        return replicas


def _placer_error(replication_factor: int, num_unfenced: int, num_total: int) -> str | None:
    """``StripedReplicaPlacer.place``'s checks, in its order, or ``None`` if all pass."""
    if replication_factor <= 0:
        return (f"Invalid replication factor {replication_factor}: "
                "the replication factor must be positive.")
    if num_unfenced == 0:
        return "All brokers are currently fenced, or have all their log directories cordoned."
    if replication_factor > num_total:
        return (f"The target replication factor of {replication_factor} cannot be reached "
                f"because only {num_total} broker(s) are registered or some brokers have all "
                "their log directories cordoned.")
    return None


def place_replicas_with(
    broker_ids: Sequence[int],
    num_partitions: int,
    replication_factor: int,
    next_int: NextInt,
    *,
    fenced: Collection[int] = (),
) -> list[list[int]]:
    """The placement itself, drawing from any ``nextInt(bound)`` source.

    No request-level checks here, only the placer's own (see :func:`place_replicas`).
    Tests feed it a port of Java's ``Random`` to replay apache/kafka's own test vectors.
    """
    fenced_set = set(fenced)
    unfenced = [b for b in broker_ids if b not in fenced_set]
    fenced_ids = [b for b in broker_ids if b in fenced_set]
    error = _placer_error(replication_factor, len(unfenced), len(broker_ids))
    if error is not None:
        raise InvalidReplicationFactorError(error)
    rack = _SingleRack(unfenced, fenced_ids, next_int)
    return [rack.place(replication_factor) for _ in range(num_partitions)]


def place_replicas(
    broker_ids: Sequence[int],
    num_partitions: int,
    replication_factor: int,
    rng: random.Random,
    *,
    starting_partition: int = 0,
    fenced: Collection[int] = (),
) -> list[list[int]]:
    """Replica lists for ``num_partitions`` new partitions; the leader is each list's first.

    ``starting_partition`` is the id the first new partition gets: 0 for CreateTopics,
    the current partition count for CreatePartitions. As in Kafka it does not change the
    placement itself, only which request's checks and texts apply:

    * CreateTopics (0): ``Replication factor must be larger than 0, or -1 to use the
      default value.`` for rf <= 0, ``Number of partitions was set to an invalid
      non-positive value.`` for partitions <= 0 (rf is checked first), and the placer's
      errors prefixed with ``Unable to replicate the partition <rf> time(s): `` (e.g.
      ``... The target replication factor of 3 cannot be reached because only 1
      broker(s) are registered or some brokers have all their log directories
      cordoned.``).
    * CreatePartitions (> 0): the placer's text alone, as the controller does not wrap it.

    Callers resolve the ``-1`` ("broker default") values before calling. Nothing is
    drawn from ``rng`` when a check fails.

    Draws (each one ``rng.random()``, see :func:`python_next_int`), in Java's order:
    ``nextInt(#fenced)`` if there are fenced brokers, ``nextInt(#unfenced)`` (start
    offset), ``nextInt(1)`` (rack offset); then, before every partition that follows a
    full round of ``#unfenced`` partitions (when ``#unfenced > 1``), a Java
    ``Collections.shuffle`` of the fenced and then the unfenced list:
    ``nextInt(n), nextInt(n-1), ..., nextInt(2)``.
    """
    if starting_partition < 0:
        raise ValueError(f"starting_partition must be >= 0, got {starting_partition}")
    fenced_set = set(fenced)
    num_unfenced = sum(1 for b in broker_ids if b not in fenced_set)
    if starting_partition == 0:
        if replication_factor <= 0:
            raise InvalidReplicationFactorError(
                "Replication factor must be larger than 0, or -1 to use the default value.")
        if num_partitions <= 0:
            raise InvalidPartitionsError(
                "Number of partitions was set to an invalid non-positive value.")
        error = _placer_error(replication_factor, num_unfenced, len(broker_ids))
        if error is not None:
            raise InvalidReplicationFactorError(
                f"Unable to replicate the partition {replication_factor} time(s): {error}")
    elif num_partitions <= 0:
        raise ValueError(f"num_partitions must be > 0, got {num_partitions}")
    return place_replicas_with(broker_ids, num_partitions, replication_factor,
                               python_next_int(rng), fenced=fenced_set)


def validate_new_partition_count(current: int, requested: int, topic: str) -> None:
    """Raise :class:`InvalidPartitionsError` with the controller's text unless
    ``requested`` is more than ``current`` (CreatePartitions).

    The same count: ``Topic already has 3 partition(s).``; fewer: ``The topic orders
    currently has 3 partition(s); 2 would not be an increase.``
    """
    if requested == current:
        raise InvalidPartitionsError(f"Topic already has {current} partition(s).")
    if requested < current:
        raise InvalidPartitionsError(
            f"The topic {topic} currently has {current} partition(s); "
            f"{requested} would not be an increase.")


__all__ = [
    "NextInt",
    "place_replicas",
    "place_replicas_with",
    "python_next_int",
    "validate_new_partition_count",
]
