"""A group's lag over simulated time, computed from the journal alone, and its SVG.

:class:`LagSeries` folds the whole journal, from the cluster's first event, so a view
made late still draws the history. Per partition it tracks, from events only:

* the high watermark: ``records_appended`` moves it with the log end offset on a topic
  with one replica; with more, ``high_watermark_updated`` moves it (the leader's high
  watermark trails its log end offset until the in-sync followers have the records);
* the group's committed offset: ``offsets_committed``, ``offsets_expired``,
  ``offsets_deleted``,
  ``group_deleted``/``group_removed``, and ``topic_deleted`` (which drops them);
* the partitions: ``topic_created``, ``partitions_created``, ``topic_deleted``.

Whenever a lag of the group changes it adds a point ``[time_ms, total, [lag per
partition]]``. A partition's lag is high watermark minus committed offset (``None``
before its first commit, as ``kafka-consumer-groups`` prints ``-``); the total sums the
partitions that have a commit (``None`` while none has). Changes within one
millisecond make one point. ``clock_advanced`` only moves ``now``, up to which the last
values are drawn.

:func:`render_svg` draws the snapshot as a step plot with integer coordinates only, so
``lag.js`` (the same algorithm) draws the very same SVG in the browser. Shapes::

    snapshot = {"seq", "group", "partitions": [[topic, partition]], "points": [point],
                "now"}
    point    = [time_ms, total or None, [lag or None per partition]]
    op       = {"op": "point", "point"} | {"op": "last", "point"} | {"op": "now", "t"}
"""

from __future__ import annotations

import copy
from html import escape
from typing import TYPE_CHECKING, Any

from engine.views.live import RESET
from engine.views.offsetsstate import GroupTopics
from engine.views.static_html import time_label

if TYPE_CHECKING:
    from engine import Cluster, Event

Op = dict[str, Any]

LINE_COLOURS: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)
"""Stroke colours of the partitions' lines (dark enough for thin lines on white)."""

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 10, 44


class LagSeries:
    """Lag per partition and in total for one group, as points over simulated time."""

    def __init__(self, cluster: Cluster, group: str, topics: list[str] | None = None,
                 max_points: int = 400) -> None:
        if max_points < 4:
            raise ValueError(f"max_points must be at least 4, got {max_points}")
        self.group = group
        self.max_points = max_points
        self.seq = 0
        self.topics = GroupTopics(topics)
        self.replication: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.hw: dict[tuple[str, int], int] = {}
        self.leo: dict[tuple[str, int], int] = {}
        self.committed: dict[tuple[str, int], int] = {}
        self.partitions: list[list[Any]] = []
        self.points: list[list[Any]] = []
        self.now = 0
        for event in list(cluster.journal):
            self.apply(event)
        self.now = max(self.now, cluster.now_ms)
        self.seq = 0

    # ------------------------------------------------------------ following
    def _fold(self, event: Event) -> bool:
        """Update the offsets from one event; return whether a lag may have changed."""
        data, kind = event.data, event.kind
        topic = data.get("topic")
        if kind == "records_appended":
            key = (topic, data["partition"])
            self.leo[key] = max(self.leo.get(key, 0), data["base_offset"] + data["count"])
            if self.replication.get(topic, 1) == 1:
                self.hw[key] = self.leo[key]
        elif kind == "high_watermark_updated":
            self.hw[(topic, data["partition"])] = data["high_watermark"]
        elif kind == "topic_created":
            self.replication[topic] = data.get("replication_factor", 1)
            self.counts[topic] = data["partitions"]
        elif kind == "partitions_created":
            self.counts[topic] = data["to"]
        elif kind == "topic_deleted":
            self.counts.pop(topic, None)
            for table in (self.hw, self.leo, self.committed):
                for key in [k for k in table if k[0] == topic]:
                    del table[key]
        elif data.get("group") == self.group:
            self.topics.follow(event)
            if kind == "offsets_committed":
                for o in data["offsets"]:
                    self.committed[(o["topic"], o["partition"])] = o["offset"]
            elif kind in ("offsets_expired", "offsets_deleted"):
                for t, p in data["partitions"]:
                    self.committed.pop((t, p), None)
            elif kind in ("group_deleted", "group_removed"):
                self.committed.clear()
        else:
            return False
        return topic is None or topic in self.topics.names

    def _lags(self) -> tuple[list[list[Any]], list[int | None]]:
        partitions: list[list[Any]] = []
        lags: list[int | None] = []
        for topic in self.topics.names:
            for partition in range(self.counts.get(topic, 0)):
                key = (topic, partition)
                partitions.append([topic, partition])
                offset = self.committed.get(key)
                lags.append(None if offset is None else max(self.hw.get(key, 0) - offset, 0))
        return partitions, lags

    def _measure(self, time_ms: int) -> list[Op] | str | None:
        """Read the lags now; return the op that records them (or RESET, or None)."""
        partitions, lags = self._lags()
        reset = False
        if partitions != self.partitions:
            if partitions[: len(self.partitions)] == self.partitions:
                pad = [None] * (len(partitions) - len(self.partitions))
                for point in self.points:
                    point[2] = point[2] + pad
            else:
                self.points = []
            self.partitions = partitions
            reset = True
        known = [lag for lag in lags if lag is not None]
        point = [time_ms, sum(known) if known else None, lags]
        self.now = max(self.now, time_ms)
        last = self.points[-1] if self.points else None
        if last is not None and last[1:] == point[1:]:
            return RESET if reset else None
        if last is not None and last[0] == time_ms:
            self.points[-1] = point
            op: Op = {"op": "last", "point": copy.deepcopy(point)}
        else:
            self.points.append(point)
            op = {"op": "point", "point": copy.deepcopy(point)}
        if len(self.points) > self.max_points:
            self._thin()
            reset = True
        return RESET if reset else [op]

    def _thin(self) -> None:
        """Halve the older half of the points (keep the later of each pair)."""
        half = max(len(self.points) // 2, 2)
        older, newer = self.points[:half], self.points[half:]
        self.points = older[1::2] + newer

    def apply(self, event: Event) -> list[Op] | str | None:
        """Follow one journal event: ``None``, the ops to send, or :data:`RESET`."""
        if event.kind == "clock_advanced":
            if event.data["to_ms"] <= self.now:
                return None
            self.now = event.data["to_ms"]
            self.seq += 1
            return [{"op": "now", "t": self.now}]
        if not self._fold(event):
            return None
        change = self._measure(event.time_ms)
        if change is None:
            return None
        self.seq += 1
        return change

    # -------------------------------------------------------------- results
    @property
    def total_lag(self) -> int | None:
        """The newest total (``None`` before the group's first commit)."""
        return self.points[-1][1] if self.points else None

    def snapshot(self) -> dict[str, Any]:
        return {"seq": self.seq, "group": self.group,
                "partitions": copy.deepcopy(self.partitions),
                "points": copy.deepcopy(self.points), "now": self.now}


def apply_op(state: dict[str, Any], op: Op) -> None:
    """Apply one op to a snapshot-shaped state (``lag.js`` has the same rules)."""
    if op["op"] == "point":
        state["points"].append(op["point"])
        state["now"] = max(state["now"], op["point"][0])
    elif op["op"] == "last" and state["points"]:
        state["points"][-1] = op["point"]
        state["now"] = max(state["now"], op["point"][0])
    elif op["op"] == "now":
        state["now"] = op["t"]


# ------------------------------------------------------------------------- SVG
def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least ``value``."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def render_svg(snapshot: dict[str, Any]) -> str:
    """The lag plot as an SVG document; ``lag.js`` builds the same string."""
    points, partitions = snapshot["points"], snapshot["partitions"]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="kc-lag-plot" width="{WIDTH}" '
             f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-size="10" '
             f'font-family="sans-serif">']
    axis = 'stroke="currentColor" stroke-opacity="0.4"'
    parts.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" '
                 f'y2="{TOP + plot_h}" {axis}/>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" {axis}/>')
    if not points:
        parts.append(f'<text x="{LEFT + 8}" y="{TOP + plot_h // 2}" fill="currentColor" '
                     'fill-opacity="0.6">no lag measured yet</text></svg>')
        return "".join(parts)
    t0 = points[0][0]
    t1 = max(snapshot["now"], points[-1][0])
    span = max(t1 - t0, 1)
    values = [p[1] for p in points if p[1] is not None]
    values += [v for p in points for v in p[2] if v is not None]
    ymax = nice_ceiling(max([1, *values]))

    def x(t: int) -> int:
        return LEFT + ((t - t0) * plot_w * 2 + span) // (2 * span)

    def y(v: int) -> int:
        return TOP + plot_h - (v * plot_h * 2 + ymax) // (2 * ymax)

    def path(series: list[int | None]) -> str:
        d: list[str] = []
        drawing = False
        for k, value in enumerate(series):
            if value is None:
                if drawing:
                    d.append(f"H{x(points[k][0])}")
                drawing = False
                continue
            if drawing:
                d.append(f"H{x(points[k][0])}V{y(value)}")
            else:
                d.append(f"M{x(points[k][0])} {y(value)}")
                drawing = True
        if drawing:
            d.append(f"H{x(t1)}")
        return "".join(d)

    parts.append(f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" '
                 f'fill="currentColor">{ymax}</text>')
    parts.append(f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end" '
                 'fill="currentColor">0</text>')
    parts.append(f'<text x="{LEFT}" y="{TOP + plot_h + 14}" fill="currentColor">'
                 f"{time_label(t0)}</text>")
    parts.append(f'<text x="{LEFT + plot_w}" y="{TOP + plot_h + 14}" text-anchor="end" '
                 f'fill="currentColor">{time_label(t1)}</text>')
    for k, (topic, partition) in enumerate(partitions):
        colour = LINE_COLOURS[k % len(LINE_COLOURS)]
        d = path([p[2][k] if k < len(p[2]) else None for p in points])
        if d:
            parts.append(f'<path class="kc-lag-line" data-topic="{escape(topic)}" '
                         f'data-partition="{partition}" d="{d}" fill="none" stroke="{colour}" '
                         'stroke-width="1.5"/>')
    d = path([p[1] for p in points])
    if d:
        parts.append(f'<path class="kc-lag-total" d="{d}" fill="none" stroke="currentColor" '
                     'stroke-width="2.5"/>')
    legend_y = HEIGHT - 8
    parts.append(f'<text x="{LEFT}" y="{legend_y}" fill="currentColor" font-weight="bold">'
                 "total</text>")
    for k, (topic, partition) in enumerate(partitions[:8]):
        colour = LINE_COLOURS[k % len(LINE_COLOURS)]
        parts.append(f'<text x="{LEFT + 40 + k * 70}" y="{legend_y}" fill="{colour}">'
                     f"{escape(topic)}-{partition}</text>")
    if len(partitions) > 8:
        parts.append(f'<text x="{LEFT + 40 + 8 * 70}" y="{legend_y}" fill="currentColor">'
                     f"+{len(partitions) - 8}</text>")
    parts.append("</svg>")
    return "".join(parts)
