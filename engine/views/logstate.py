"""What a partition view draws, kept up to date from the journal as small JSON changes.

:class:`TopicLogState` reads one topic through the cluster's public API once
(``describe_topic`` for leaders, ``replicas`` for offsets, ``replica_records`` for the
newest records), then follows the journal. Each relevant event becomes a list of
*ops*: small JSON-ready dicts that the widget sends to the browser, where
``partitions.js`` applies them to its own copy with the same rules as
:meth:`TopicLogState.apply` does here.

The JSON shapes, shared by the widget, its front end and the static HTML::

    snapshot  = {"seq", "topic", "exists", "max_cells", "palette", "partitions": [part]}
    part      = {"partition", "leader", "replicas", "start", "hw", "leo",
                 "segments": [base offsets of rolled segments], "cells": [cell]}
    cell      = [offset, key label or None, colour index, tooltip]
    op        = {"op": "append", "p", "start", "hw", "leo", "cells"}
              | {"op": "roll", "p", "start", "hw", "leo", "base"}
              | {"op": "offsets", "p", "start", "hw", "leo"}
              | {"op": "add", "partitions": [part]}

Only the newest ``max_cells`` records of each partition are kept as cells; the records
between the log start offset and the first cell are counted, not drawn.

Cells are the partition's *committed* log: records below the high watermark, read from
the current leader's replica (``cluster.replica_records``, which never raises for a
leader that is down). A record appears when the high watermark passes it, which with
replication is after its ``records_appended`` (at ``high_watermark_updated``). With no
leader the row keeps the last leader's state. A leader change (``leader_elected``)
re-reads the topic and returns :data:`RESET`: the new leader's high watermark and log may
differ (an unclean election loses records), so cells are not patched but redrawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.errors import KafkaError
from engine.views.live import RESET
from engine.views.palette import PALETTE, key_colour, key_label, record_tip

if TYPE_CHECKING:
    from engine import Cluster, Event, PartitionDescription

Part = dict[str, Any]
Op = dict[str, Any]


class TopicLogState:
    """The drawable state of one topic's partition logs, updated event by event.

    ``seq`` counts the changes: the snapshot carries the ``seq`` it was taken at and
    each batch of ops carries the next one, so a reader can notice a missed change.
    """

    def __init__(self, cluster: Cluster, topic: str, max_cells: int) -> None:
        if max_cells < 1:
            raise ValueError(f"max_cells must be at least 1, got {max_cells}")
        self.cluster = cluster
        self.topic = topic
        self.max_cells = max_cells
        self.seq = 0
        self.exists = False
        self.partitions: list[Part] = []
        self._drawn: list[int] = []
        """Per partition, the high watermark up to which cells were read."""
        self.load()

    # -------------------------------------------------------------- reading
    def load(self) -> None:
        """(Re)read the whole topic from the cluster."""
        if not self.cluster.has_topic(self.topic):
            self.exists = False
            self.partitions = []
            self._drawn = []
            return
        description = self.cluster.describe_topic(self.topic)
        rolled = self._rolled_segments()
        self.exists = True
        self._drawn = []
        self.partitions = [
            self._new_part(pd, rolled.get(pd.partition, [])) for pd in description.partitions
        ]

    def _rolled_segments(self) -> dict[int, list[int]]:
        """Base offsets of rolled segments per partition, from the journal's history."""
        rolled: dict[int, list[int]] = {}
        journal = self.cluster.journal
        for index in range(len(journal) - 1, -1, -1):  # newest first, back to creation
            event = journal[index]
            if event.data.get("topic") != self.topic:
                continue
            if event.kind == "topic_created":
                break
            if event.kind == "segment_rolled":
                rolled.setdefault(event.data["partition"], []).insert(
                    0, event.data["base_offset"])
        return rolled

    def _new_part(self, pd: PartitionDescription, segments: list[int]) -> Part:
        broker, start, hw, leo = self._log_offsets(pd.partition)
        first = max(start, hw - self.max_cells)
        self._drawn.append(hw)
        return {
            "partition": pd.partition,
            "leader": pd.leader,
            "replicas": list(pd.replicas),
            "start": start,
            "hw": hw,
            "leo": leo,
            "segments": [s for s in segments if s > start],
            "cells": self._cells(pd.partition, broker, first, hw),
        }

    def _log_offsets(self, partition: int) -> tuple[int | None, int, int, int]:
        """``(broker, log start, high watermark, log end)`` of the replica drawn: the
        leader's (read from the replica itself, which is already current when the
        ``leader_elected`` event is recorded), or with no leader the last leader's."""
        replicas = self.cluster.replicas(self.topic, partition)
        for r in replicas:
            if r.is_leader:
                return r.broker, r.log_start_offset, r.high_watermark, r.log_end_offset
        pd = self.cluster.describe_topic(self.topic).partitions[partition]
        offsets = (pd.log_start_offset, pd.high_watermark, pd.log_end_offset)
        broker = next((r.broker for r in replicas if (
            r.log_start_offset, r.high_watermark, r.log_end_offset) == offsets), None)
        return (broker, *offsets)

    def _cells(self, partition: int, broker: int | None, first: int,
               stop: int) -> list[list[Any]]:
        """Cells for the committed records in ``[first, stop)`` of one partition, read
        from ``broker``'s replica (the one :meth:`_log_offsets` names)."""
        if stop <= first or broker is None:
            return []
        try:
            records = self.cluster.replica_records(self.topic, partition, broker, first,
                                                   stop - first)
        except KafkaError:  # e.g. retention moved the log start meanwhile
            return []
        return [
            [r.offset, key_label(r.key), key_colour(r.key),
             record_tip(r.offset, r.key, r.value, r.timestamp)]
            for r in records
        ]

    def _offsets(self, part: Part) -> tuple[int | None, Op]:
        """Refresh one partition's offsets from the cluster; return the broker whose
        replica is drawn and the offsets as op fields."""
        broker, start, hw, leo = self._log_offsets(part["partition"])
        part["start"], part["hw"], part["leo"] = start, hw, leo
        part["cells"] = [c for c in part["cells"] if c[0] >= start]
        part["segments"] = [s for s in part["segments"] if s > start]
        return broker, {"p": part["partition"], "start": start, "hw": part["hw"],
                        "leo": part["leo"]}

    # ------------------------------------------------------------- updating
    def apply(self, event: Event) -> list[Op] | str | None:
        """Follow one journal event: ``None`` if it changes nothing drawn, else the ops
        to send, or :data:`~engine.views.live.RESET` when the topic was created or
        deleted or a partition's leader was elected (the replica drawn may change)."""
        data = event.data
        if data.get("topic") != self.topic:
            return None
        kind = event.kind
        if kind in ("topic_created", "topic_deleted") or (
                kind == "leader_elected" and self.exists):
            self.load()
            self.seq += 1
            return RESET
        if not self.exists:
            return None
        if kind == "partitions_created":
            ops = self._add_partitions()
        elif "partition" in data and 0 <= data["partition"] < len(self.partitions):
            ops = [self._partition_op(kind, data, self.partitions[data["partition"]])]
        else:
            return None
        self.seq += 1
        return ops

    def _add_partitions(self) -> list[Op]:
        description = self.cluster.describe_topic(self.topic)
        del self._drawn[len(self.partitions):]
        added = [self._new_part(pd, []) for pd in description.partitions[len(self.partitions):]]
        self.partitions.extend(added)
        return [{"op": "add", "partitions": [copy_part(p) for p in added]}]

    def _partition_op(self, kind: str, data: Any, part: Part) -> Op:
        broker, offsets = self._offsets(part)
        p = part["partition"]
        drawn = self._drawn[p]
        if part["hw"] < drawn:  # not expected without a leader change: drop what went
            part["cells"] = [c for c in part["cells"] if c[0] < part["hw"]]
            self._drawn[p] = drawn = part["hw"]
        if kind == "records_appended" or part["hw"] > drawn:
            # Newly committed records: the high watermark passed them.
            first = max(drawn, part["hw"] - self.max_cells, part["start"])
            cells = self._cells(p, broker, first, part["hw"])
            self._drawn[p] = part["hw"]
            part["cells"].extend(cells)
            del part["cells"][: -self.max_cells]
            return {"op": "append", **offsets, "cells": cells}
        if kind == "segment_rolled":
            base = data["base_offset"]
            if base > part["start"] and base not in part["segments"]:
                part["segments"].append(base)
            return {"op": "roll", **offsets, "base": base}
        return {"op": "offsets", **offsets}

    # -------------------------------------------------------------- results
    @property
    def record_count(self) -> int:
        """Records currently in the topic's logs (log end offset minus log start offset)."""
        return sum(p["leo"] - p["start"] for p in self.partitions)

    def snapshot(self) -> dict[str, Any]:
        """The whole state as fresh JSON-ready objects (safe to keep after more events)."""
        return {
            "seq": self.seq,
            "topic": self.topic,
            "exists": self.exists,
            "max_cells": self.max_cells,
            "palette": list(PALETTE),
            "partitions": [copy_part(p) for p in self.partitions],
        }


def copy_part(part: Part) -> Part:
    """A copy of a partition's state that later changes to ``part`` do not affect."""
    copied = dict(part)
    for name in ("replicas", "segments", "cells"):
        copied[name] = list(part[name])
    return copied
