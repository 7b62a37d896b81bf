"""What an offsets view draws: per partition, the offsets that matter to one group.

:class:`OffsetsState` follows the journal for one consumer group and keeps one row per
partition of the group's topics (the topics its members subscribe to or were assigned,
plus any topic it has committed offsets for; or the topics given explicitly):

* ``start``, ``hw``, ``leo``: log start offset, high watermark, log end offset, from
  ``cluster.describe_topic`` (with replication the high watermark may trail the end);
* ``committed``: the group's committed offset, from
  :meth:`GroupCoordinator.fetch_offsets` (``None``: nothing committed);
* ``lag``: high watermark minus committed offset, as ``kafka-consumer-groups`` prints it
  (``None`` without a committed offset);
* ``positions``: ``[client id, colour, offset]`` for each consumer of the group that has
  a position on the partition, from its last ``records_consumed`` (``to_offset``),
  ``position_reset``, ``position_committed`` or ``consumer_seek``; a revoke, a loss, a
  close or a crash forgets it.

Shapes (shared with ``offsets.js`` and the static HTML)::

    snapshot = {"seq", "group", "palette", "topics": [[topic, partitions]], "rows": [row]}
    row      = {"topic", "partition", "start", "committed", "hw", "leo", "lag",
                "positions": [[client, colour, offset]]}
    op       = {"op": "rows", "topics", "rows"} | {"op": "row", "i", "row"}
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from engine.errors import KafkaError
from engine.views.groupstate import MemberColours, group_topics
from engine.views.palette import PALETTE

if TYPE_CHECKING:
    from engine import Cluster, Event

Row = dict[str, Any]
Op = dict[str, Any]

POSITION_KINDS = frozenset({"position_reset", "position_committed", "consumer_seek"})


class GroupTopics:
    """The topics a group reads, in order of first mention, folded from its events."""

    def __init__(self, fixed: list[str] | None = None) -> None:
        self.fixed = fixed is not None
        self.names: list[str] = list(fixed or [])

    def follow(self, event: Event) -> None:
        if self.fixed:
            return
        data = event.data
        if event.kind in ("consumer_subscribed", "member_joined"):
            self._add(data.get("topics") or [])
        elif event.kind == "consumer_assigned":
            self._add(p[0] for p in data.get("partitions") or [])
        elif event.kind == "offsets_committed":
            self._add(o["topic"] for o in data.get("offsets") or [])

    def _add(self, topics: Any) -> None:
        for topic in topics:
            if topic not in self.names:
                self.names.append(topic)


class Positions:
    """Each consumer's position per partition, from the client's journal events."""

    def __init__(self) -> None:
        self.at: dict[tuple[str, str, int], int] = {}

    def follow(self, event: Event) -> None:
        data, kind = event.data, event.kind
        client = data.get("client_id")
        if client is None:
            return
        if kind == "records_consumed":
            for p in data["partitions"]:
                self.at[(client, p["topic"], p["partition"])] = p["to_offset"]
        elif kind in POSITION_KINDS:
            self.at[(client, data["topic"], data["partition"])] = data["offset"]
        elif kind in ("partitions_revoked", "partitions_lost"):
            for topic, partition in data["partitions"]:
                self.at.pop((client, topic, partition), None)
        elif kind == "consumer_assigned":
            keep = {(t, p) for t, p in data["partitions"]}
            for key in [k for k in self.at if k[0] == client and k[1:] not in keep]:
                del self.at[key]
        elif kind in ("consumer_closed", "consumer_crashed", "consumer_unsubscribed"):
            for key in [k for k in self.at if k[0] == client]:
                del self.at[key]

    def on(self, topic: str, partition: int) -> list[tuple[str, int]]:
        """``(client, offset)`` pairs on one partition, sorted by client id."""
        return sorted((c, o) for (c, t, p), o in self.at.items()
                      if t == topic and p == partition)


class OffsetsState:
    """The drawable offsets of one group's partitions, updated event by event."""

    def __init__(self, cluster: Cluster, group: str, topics: list[str] | None = None) -> None:
        self.cluster = cluster
        self.group = group
        self.seq = 0
        self.colours = MemberColours()
        self.topics = GroupTopics(topics)
        self.positions = Positions()
        for event in list(cluster.journal):
            self._follow(event)
        self.topic_counts = group_topics(cluster, self.topics.names)
        self.rows = self._rows(self.topic_counts)

    def _relevant(self, event: Event) -> bool:
        data = event.data
        if data.get("group") == self.group:
            return True
        return data.get("topic") in self.topics.names

    def _follow(self, event: Event) -> bool:
        if not self._relevant(event):
            return False
        if event.data.get("group") == self.group:
            self.colours.follow(event)
            self.topics.follow(event)
            self.positions.follow(event)
        return True

    def _committed(self) -> dict[tuple[str, int], int]:
        try:
            offsets = self.cluster.groups.fetch_offsets(self.group)
        except KafkaError:  # an invalid group id: nothing committed
            return {}
        return {(tp.topic, tp.partition): om.offset for tp, om in offsets.items()}

    def _rows(self, counts: list[list[Any]]) -> list[Row]:
        committed = self._committed()
        rows = []
        for topic, count in counts:
            if count == 0:
                continue
            for pd in self.cluster.describe_topic(topic).partitions:
                offset = committed.get((topic, pd.partition))
                rows.append({
                    "topic": topic, "partition": pd.partition, "start": pd.log_start_offset,
                    "committed": offset, "hw": pd.high_watermark, "leo": pd.log_end_offset,
                    "lag": None if offset is None else pd.high_watermark - offset,  # unclamped
                    "positions": [[client, self.colours.of_client(client), position]
                                  for client, position in self.positions.on(topic, pd.partition)],
                })
        return rows

    def apply(self, event: Event) -> list[Op] | None:
        """Follow one journal event: ``None`` if nothing drawn changed, else the ops."""
        if not self._follow(event):
            return None
        counts = group_topics(self.cluster, self.topics.names)
        rows = self._rows(counts)
        if counts != self.topic_counts or len(rows) != len(self.rows):
            self.topic_counts, self.rows = counts, rows
            ops: list[Op] = [{"op": "rows", "topics": copy.deepcopy(counts),
                              "rows": copy.deepcopy(rows)}]
        else:
            ops = [{"op": "row", "i": i, "row": copy.deepcopy(row)}
                   for i, (old, row) in enumerate(zip(self.rows, rows, strict=True))
                   if old != row]
            self.rows = rows
        if not ops:
            return None
        self.seq += 1
        return ops

    @property
    def total_lag(self) -> int:
        """The sum of the lags of partitions with a committed offset."""
        return sum(row["lag"] for row in self.rows if row["lag"] is not None)

    def snapshot(self) -> dict[str, Any]:
        """The whole state as fresh JSON-ready objects."""
        return {"seq": self.seq, "group": self.group, "palette": list(PALETTE),
                "topics": copy.deepcopy(self.topic_counts), "rows": copy.deepcopy(self.rows)}


def apply_op(state: dict[str, Any], op: Op) -> None:
    """Apply one op to a snapshot-shaped state (``offsets.js`` has the same rules)."""
    if op["op"] == "rows":
        state["topics"], state["rows"] = op["topics"], op["rows"]
    elif op["op"] == "row" and 0 <= op["i"] < len(state["rows"]):
        state["rows"][op["i"]] = op["row"]
