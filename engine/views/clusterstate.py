"""What the cluster view draws: brokers, and each partition's replicas against its HW.

:class:`ClusterState` follows the journal (see :class:`~engine.views.live.LiveState`), but
does not fold events into its state: after an event that can move what it draws it reads
the cluster's public state again (``describe_brokers``, ``controller_id``,
``describe_topic`` and ``replicas``) and returns only what changed as JSON ops, which
``cluster.js`` applies with the same rules as :func:`apply_op`:

- ``{"op": "set", "key": k, "value": v}`` replaces a top-level field (``now_ms``,
  ``controller``, ``brokers``, ``message``);
- ``{"op": "row", "i": i, "row": r}`` replaces partition row ``i``.

A topic created or deleted changes the rows themselves: then the whole state is sent
again (:data:`~engine.views.live.RESET`).

The snapshot::

    {"seq": 12, "now_ms": 9000, "controller": 0, "message": "",
     "topics": ["t"],
     "brokers": [{"id": 1, "status": "up", "leads": 2}, ...],
     "rows": [{"topic": "t", "partition": 0, "leader": 2, "hw": 5, "min_isr": 2,
               "health": "ok", "replicas": [{"broker": 2, "leo": 5, "in_isr": true,
               "leader": true, "running": true}, ...]}, ...]}

A broker's ``status`` is ``up``, ``fenced`` (running, but the controller fenced it: it has
just restarted, or it is cut off), ``isolated`` (running, cut off from the others, not yet
fenced) or ``down`` (not running). A row's ``health`` is Kafka's: ``offline`` (no leader),
``under-min-isr`` (ISR smaller than the effective min.insync.replicas),
``under-replicated`` (ISR smaller than the replica list) or ``ok``.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from engine.views.live import RESET

if TYPE_CHECKING:
    from engine import Cluster, Event

TOP_LEVEL = ("now_ms", "controller", "brokers", "message")
"""The fields a ``set`` op may replace, in the order ops are sent."""

CLIENT_KINDS = frozenset({
    "auto_commit_failed", "consumer_assigned", "consumer_closed", "consumer_crashed",
    "consumer_created", "consumer_left_group", "consumer_paused", "consumer_seek",
    "consumer_subscribed", "consumer_unsubscribed", "coordinator_changed",
    "coordinator_unavailable", "fetch_failed", "fetch_resumed", "group_assignment_set",
    "group_created", "group_deleted", "group_generation_started",
    "group_metadata_write_failed", "group_removed", "group_state_changed", "member_joined",
    "member_removed", "offsets_committed", "offsets_deleted", "offsets_expired",
    "poll_timeout_expired", "position_committed", "position_reset", "records_consumed",
    "static_member_replaced",
})
"""Consumer and group events: they change no broker, controller or replica drawn."""

LOG_KINDS = frozenset({
    "records_appended", "segment_rolled", "high_watermark_updated", "replica_fetched",
    "replica_truncated",
})
"""Events of one partition's logs: they change only the rows of their own topic."""


def broker_status(running: bool, fenced: bool, isolated: bool) -> str:
    """One word for a broker's state (see the module docstring)."""
    if not running:
        return "down"
    if fenced:
        return "fenced"
    return "isolated" if isolated else "up"


def row_health(leader: int | None, replicas: int, isr: int, min_isr: int) -> str:
    """Kafka's words for a partition that is not fine, as ``kafka-topics`` groups them."""
    if leader is None:
        return "offline"
    if isr < min(min_isr, replicas):
        return "under-min-isr"
    return "under-replicated" if isr < replicas else "ok"


class ClusterState:
    """The cluster view's state: brokers and the partition rows of the followed topics.

    ``topics=None`` follows every topic that is not internal, including ones created
    later; a list follows those topics (each appears when it exists).
    """

    def __init__(self, cluster: Cluster, topics: list[str] | None = None) -> None:
        self.cluster = cluster
        self.fixed_topics = None if topics is None else list(topics)
        self.seq = 0
        self.message = ""
        self._current = self._read()

    # ------------------------------------------------------------ reading
    def _topics(self) -> list[str]:
        existing = self.cluster.list_topics(include_internal=False)
        if self.fixed_topics is None:
            return existing
        return [t for t in self.fixed_topics if t in existing]

    def _rows(self, topic: str) -> list[dict[str, Any]]:
        rows = []
        for p in self.cluster.describe_topic(topic).partitions:
            replicas = [
                {
                    "broker": r.broker,
                    "leo": r.log_end_offset,
                    "in_isr": r.in_isr,
                    "leader": r.is_leader,
                    "running": r.running,
                }
                for r in self.cluster.replicas(topic, p.partition)
            ]
            rows.append({
                "topic": topic,
                "partition": p.partition,
                "leader": p.leader,
                "hw": p.high_watermark,
                "min_isr": p.min_insync_replicas,
                "health": row_health(p.leader, len(p.replicas), len(p.isr),
                                     p.min_insync_replicas),
                "replicas": replicas,
            })
        return rows

    def _read(self) -> dict[str, Any]:
        topics = self._topics()
        brokers = [
            {
                "id": b.broker_id,
                "status": broker_status(b.running, b.fenced, b.isolated),
                "leads": b.leader_of,
            }
            for b in self.cluster.describe_brokers()
        ]
        return {
            "now_ms": self.cluster.now_ms,
            "controller": self.cluster.controller_id,
            "message": self.message,
            "topics": topics,
            "brokers": brokers,
            "rows": [row for t in topics for row in self._rows(t)],
        }

    # ----------------------------------------------------------- folding
    def refresh(self) -> list[dict[str, Any]] | str | None:
        """Read the cluster again; the ops that turn the old state into the new one."""
        fresh = self._read()
        old, self._current = self._current, fresh
        if fresh == old:
            return None
        self.seq += 1
        keys = [(r["topic"], r["partition"]) for r in fresh["rows"]]
        if fresh["topics"] != old["topics"] or keys != [
            (r["topic"], r["partition"]) for r in old["rows"]
        ]:
            return RESET
        ops: list[dict[str, Any]] = [
            {"op": "set", "key": key, "value": copy.deepcopy(fresh[key])}
            for key in TOP_LEVEL
            if fresh[key] != old[key]
        ]
        ops += [
            {"op": "row", "i": i, "row": copy.deepcopy(row)}
            for i, (row, before) in enumerate(zip(fresh["rows"], old["rows"], strict=True))
            if row != before
        ]
        return ops

    def apply(self, event: Event) -> list[dict[str, Any]] | str | None:
        """Follow one journal event: the whole cluster is read again, unless the event
        cannot move what is drawn (a consumer or group event, or a log event of a topic
        not shown), when only the clock is brought up to date."""
        if event.kind in CLIENT_KINDS or (
                event.kind in LOG_KINDS and event.data.get("topic") not in self._current["topics"]):
            return self._tick()
        return self.refresh()

    def _tick(self) -> list[dict[str, Any]] | None:
        """Only ``now_ms`` moved: its op, or None if it did not."""
        now = self.cluster.now_ms
        if now == self._current["now_ms"]:
            return None
        self._current["now_ms"] = now
        self.seq += 1
        return [{"op": "set", "key": "now_ms", "value": now}]

    def say(self, message: str) -> list[dict[str, Any]] | str | None:
        """Show the outcome of an action from the view's buttons."""
        self.message = message
        return self.refresh()

    def snapshot(self) -> dict[str, Any]:
        return {"seq": self.seq, **copy.deepcopy(self._current)}

    # ----------------------------------------------------------- summary
    @property
    def brokers(self) -> list[dict[str, Any]]:
        return self._current["brokers"]

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self._current["rows"]

    @property
    def controller(self) -> int | None:
        return self._current["controller"]


def apply_op(state: dict[str, Any], op: dict[str, Any]) -> None:
    """Apply one op to a snapshot, as ``cluster.js`` does."""
    if op["op"] == "set" and op["key"] in TOP_LEVEL:
        state[op["key"]] = copy.deepcopy(op["value"])
    elif op["op"] == "row" and 0 <= op["i"] < len(state["rows"]):
        state["rows"][op["i"]] = copy.deepcopy(op["row"])
