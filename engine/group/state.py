"""The coordinator's in-memory model of a classic consumer group.

A :class:`Group` holds its members, generation, chosen protocol, leader, current
assignment and committed offsets. The coordinator (``engine.group.coordinator``) is the
only code that changes it; views and the admin API read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from engine.core.clock import Timer
from engine.core.java import capacity_after_puts, hash_order, string_hash
from engine.core.records import TopicPartition


class GroupState(StrEnum):
    """``ClassicGroupState``: the five states of a classic group, as Kafka names them."""

    EMPTY = "Empty"
    PREPARING_REBALANCE = "PreparingRebalance"
    COMPLETING_REBALANCE = "CompletingRebalance"
    STABLE = "Stable"
    DEAD = "Dead"


class OffsetAndMetadata(NamedTuple):
    """A committed offset: the next offset to read, plus the committer's metadata string.

    ``commit_timestamp`` is the simulated time of the commit (what retention counts from
    for standalone consumers).
    """

    offset: int
    metadata: str = ""
    commit_timestamp: int = -1
    leader_epoch: int = -1


class JoinResponse(NamedTuple):
    """What a JoinGroup request gets back. Only the leader sees ``members``."""

    error: type[Exception] | None
    member_id: str
    generation: int = -1
    protocol_name: str | None = None
    leader: str = ""
    members: tuple[tuple[str, str | None, Any], ...] = ()
    skip_assignment: bool = False


class SyncResponse(NamedTuple):
    """What a SyncGroup request gets back: this member's partitions."""

    error: type[Exception] | None
    assignment: tuple[TopicPartition, ...] = ()
    protocol_name: str | None = None


class Pending:
    """A response that may not be ready yet (a parked JoinGroup or SyncGroup request)."""

    def __init__(self) -> None:
        self.done = False
        self.value: Any = None

    def complete(self, value: Any) -> None:
        if self.done:
            return
        self.done = True
        self.value = value

    def __repr__(self) -> str:
        return f"Pending(done={self.done}, value={self.value!r})"


@dataclass
class Member:
    """One member of a classic group, as the coordinator knows it."""

    member_id: str
    group_instance_id: str | None
    client_id: str
    client_host: str
    session_timeout_ms: int
    rebalance_timeout_ms: int
    protocol_type: str
    protocols: list[tuple[str, Any]]
    assignment: tuple[TopicPartition, ...] = ()
    awaiting_join: Pending | None = None
    awaiting_sync: Pending | None = None
    last_heartbeat_ms: int = 0
    heartbeat_timer: Timer | None = None

    def protocol_names(self) -> list[str]:
        return [name for name, _ in self.protocols]

    def metadata(self, protocol: str) -> Any:
        for name, meta in self.protocols:
            if name == protocol:
                return meta
        return None

    def vote(self, candidates: set[str]) -> str:
        """The first of this member's protocols (its preference order) that all support."""
        for name, _ in self.protocols:
            if name in candidates:
                return name
        raise ValueError("member does not support any of the candidate protocols")


@dataclass
class Group:
    """A classic group: membership, generation and committed offsets."""

    group_id: str
    state: GroupState = GroupState.EMPTY
    previous_state: GroupState | None = None
    state_timestamp_ms: int = 0
    generation: int = 0
    protocol_type: str | None = None
    protocol_name: str | None = None
    leader_id: str | None = None
    members: dict[str, Member] = field(default_factory=dict)
    static_members: dict[str, str] = field(default_factory=dict)
    pending_sync: set[str] = field(default_factory=set)
    offsets: dict[TopicPartition, OffsetAndMetadata] = field(default_factory=dict)
    new_member_added: bool = False
    peak_members: int = 0
    join_timer: Timer | None = None
    sync_timer: Timer | None = None

    @property
    def rebalance_timeout_ms(self) -> int:
        """The longest rebalance timeout of the members (Kafka waits that long)."""
        return max((m.rebalance_timeout_ms for m in self.members.values()), default=0)

    def has_all_members_joined(self) -> bool:
        return all(m.awaiting_join is not None for m in self.members.values())

    def not_yet_rejoined(self) -> list[Member]:
        return [m for m in self.members.values() if m.awaiting_join is None]

    def candidate_protocols(self) -> set[str]:
        members = list(self.members.values())
        if not members:
            return set()
        common = set(members[0].protocol_names())
        for member in members[1:]:
            common &= set(member.protocol_names())
        return common

    def supports_protocols(self, protocol_type: str, names: list[str]) -> bool:
        """Kafka's ``supportsProtocols``: same type, and a protocol every member knows."""
        if not names or not protocol_type:
            return False
        if not self.members:
            return True
        if self.protocol_type not in (None, protocol_type):
            return False
        return bool(self.candidate_protocols() & set(names))

    def add_member(self, member: Member) -> None:
        """Put ``member`` into the members map (``members.put`` in Kafka)."""
        self.members[member.member_id] = member
        self.peak_members = max(self.peak_members, len(self.members))

    def member_ids_in_java_order(self) -> list[str]:
        """The member ids in the iteration order of Kafka's ``HashMap<String, ...>`` of
        members: by ``String.hashCode`` bucket, then insertion order. The table has grown
        with the most members the group ever held at once (a ``HashMap`` never shrinks)."""
        capacity = capacity_after_puts(max(self.peak_members, len(self.members)))
        return hash_order(self.members, string_hash, capacity)

    def select_protocol(self) -> str:
        """Each member votes for its preferred common protocol; the most votes win.

        As in Kafka, the members vote in the order of their ``HashMap`` and the votes are
        counted in a fresh ``HashMap``; ``Stream.max`` keeps the first of equal counts, so a
        tie goes to the protocol name that comes first in that map's iteration order.
        """
        candidates = self.candidate_protocols()
        votes: dict[str, int] = {}
        for member_id in self.member_ids_in_java_order():
            name = self.members[member_id].vote(candidates)
            votes[name] = votes.get(name, 0) + 1
        ordered = hash_order(votes, string_hash, capacity_after_puts(len(votes)))
        best = max(votes.values())
        return next(name for name in ordered if votes[name] == best)

    def subscribed_topics(self) -> set[str] | None:
        """Topics the members subscribe to (from the chosen protocol's metadata)."""
        if self.protocol_name is None or self.protocol_type != "consumer":
            return None
        topics: set[str] = set()
        for member in self.members.values():
            meta = member.metadata(self.protocol_name)
            topics.update(getattr(meta, "topics", ()) or ())
        return topics
