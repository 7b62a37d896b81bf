"""One partition's replication state: its registration and its replicas' logs.

The registration is what the KRaft controller stores for a partition (Kafka's
``PartitionRegistration``): the replica list, the leader, the leader epoch, the ISR,
the eligible leader replicas (ELR, KIP-966) and the last known ELR, and the partition
epoch. Beside it the engine keeps every replica's log (one
:class:`~engine.core.log.PartitionLog` per broker) and, for the leader's bookkeeping,
when each follower was last caught up (Kafka's ``Replica.lastCaughtUpTimeMs``).
"""

from __future__ import annotations

from engine.core.log import PartitionLog


class PartitionState:
    """A partition's registration plus its replicas' logs (engine-internal)."""

    __slots__ = (
        "belief", "elr", "isr", "last_caught_up_ms", "last_known_elr", "leader", "leader_epoch",
        "logs", "partition",
        "partition_epoch", "remote_leo", "replicas", "single", "topic",
    )

    def __init__(
        self, topic: str, partition: int, replicas: list[int], active: list[int] | None = None
    ) -> None:
        """``active`` lists the replicas on unfenced brokers, in assignment order: the
        ISR starts with them and the first leads (all replicas when none or not given)."""
        isr = list(active) if active else list(replicas)
        self.topic = topic
        self.partition = partition
        self.replicas = replicas
        """The assignment, preferred leader first (the same list as ``Topic.replicas[p]``)."""
        self.single = len(replicas) == 1
        """Replication factor 1: nothing to replicate."""
        self.leader: int | None = isr[0]
        self.leader_epoch = 0
        self.partition_epoch = 0
        self.isr: list[int] = isr
        self.elr: list[int] = []
        """Eligible leader replicas: left the ISR while it was below min.insync.replicas."""
        self.last_known_elr: list[int] = []
        """Kafka 4.x keeps the last leader here when the ISR becomes empty."""
        self.logs: dict[int, PartitionLog] = {}
        for b in replicas:
            log = PartitionLog(topic, partition)
            log.broker = b
            log.hw_follows_leo = len(replicas) == 1
            self.logs[b] = log
        self.last_caught_up_ms: dict[int, int] = dict.fromkeys(replicas, 0)
        self.remote_leo: dict[int, int] = {}
        """The followers' log end offsets as the leader last saw them in their fetches."""
        self.belief: dict[int, tuple[int, int | None, tuple[int, ...]]] = {
            b: (0, isr[0], tuple(isr)) for b in replicas}
        """What each broker last heard from the controller: ``(leader_epoch, leader,
        isr)``. A broker cut off from the controller keeps an old belief; an old leader
        that still believes it leads is a "zombie"."""
        self.logs[isr[0]].assign_epoch(0, 0)

    def believes_leader(self, broker: int) -> bool:
        """Whether ``broker`` last heard from the controller that it leads (a cut-off
        old leader still does)."""
        belief = self.belief.get(broker)
        return belief is not None and belief[1] == broker

    def isr_seen_by(self, broker: int) -> list[int]:
        """The ISR as ``broker`` knows it: the current one if it heard the current
        leader epoch, else the one it last heard."""
        epoch, _, isr = self.belief[broker]
        return self.isr if epoch == self.leader_epoch else list(isr)

    def __repr__(self) -> str:
        return (f"PartitionState({self.topic}-{self.partition}, leader={self.leader}, "
                f"epoch={self.leader_epoch}, isr={self.isr}, replicas={self.replicas})")
