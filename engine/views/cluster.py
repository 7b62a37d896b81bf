"""``ClusterView``: brokers, leaders, followers, ISRs and replica log ends, updated live.

The top strip shows the active KRaft controller and every broker with its state (up,
fenced, isolated or down) and how many partitions it leads. Below, one row per partition
of the followed topics: each replica as a box -- the leader starred, ISR members solid,
replicas out of the ISR dashed, replicas on stopped brokers greyed -- with a bar up to its
log end offset and a mark at the partition's high watermark (consumers read below it).

In JupyterLab the view has buttons: kill, shut down and restart each broker, let
simulated time pass (fencing waits for ``broker.session.timeout.ms``), and produce one
record to a partition with the ``acks`` chosen in the selector. They call the engine's
public API (:meth:`kill`, :meth:`shutdown`, :meth:`restart`, :meth:`advance`,
:meth:`produce` here do the same from Python) and show the outcome in a status line.

Outside a live kernel, the MIME bundle carries a static ``text/html`` drawing (no buttons)
and a deterministic ``text/plain`` line.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

from engine.views.clusterstate import ClusterState
from engine.views.group import plural
from engine.views.live import LiveView, front_end, front_end_css
from engine.views.static_html import (
    BORDER,
    FG2,
    MONO,
    ROOT,
    ROW_BG,
    html_attrs,
    pct,
    time_label,
)

if TYPE_CHECKING:
    from engine import Cluster

STATUS_COLOURS = {"up": "#2e7d32", "fenced": "#c62828", "isolated": "#ef6c00", "down": "#757575"}
"""The colour of each broker status (``cluster.css`` uses the same)."""
HEALTH_COLOURS = {
    "ok": "#2e7d32",
    "under-replicated": "#ef6c00",
    "under-min-isr": "#c62828",
    "offline": "#c62828",
}
ACKS_CHOICES = ("all", "1", "0")


class ClusterView(LiveView):
    """The cluster's brokers and each partition's replicas, live, with failure buttons.

    ``ClusterView(cluster)`` follows every topic that is not internal (new ones appear);
    ``topics=[...]`` follows those. It reads the journal and the cluster's public state
    only.
    """

    _esm = front_end("cluster.js")
    _css = front_end_css("cluster.css")

    def __init__(self, cluster: Cluster, *, topics: list[str] | None = None) -> None:
        self._cluster = cluster
        self._state: ClusterState = ClusterState(cluster, topics)
        self._produced = 0
        self._start(cluster)

    # ------------------------------------------------------------ actions
    def _act(self, action: Callable[[], str]) -> str:
        """Run an action; show its outcome (or the error it raised) in the status line."""
        try:
            message = action()
        except Exception as error:  # a button has no other way to report it
            text = str(error)  # Kafka errors name themselves: "[Error 19] NotEnough..."
            name = type(error).__name__
            message = text if name in text else f"{name}: {text}"
        self._show(message)
        return message

    def _show(self, message: str) -> None:
        change = self._state.say(message)
        if change:
            self._send_change(change)

    def kill(self, broker: int) -> str:
        """Crash ``broker`` (``cluster.kill_broker``); return the status line."""

        def act() -> str:
            self._cluster.kill_broker(broker)
            return f"broker {broker} killed"

        return self._act(act)

    def shutdown(self, broker: int) -> str:
        """Stop ``broker`` the controlled way (``cluster.shutdown_broker``)."""

        def act() -> str:
            self._cluster.shutdown_broker(broker)
            return f"broker {broker} shut down"

        return self._act(act)

    def restart(self, broker: int) -> str:
        """Start ``broker`` again (``cluster.restart_broker``)."""

        def act() -> str:
            self._cluster.restart_broker(broker)
            return f"broker {broker} restarted"

        return self._act(act)

    def advance(self, ms: int) -> str:
        """Let ``ms`` of simulated time pass (``cluster.advance``)."""

        def act() -> str:
            self._cluster.advance(ms)
            return f"{ms} ms passed"

        return self._act(act)

    def produce(self, topic: str, partition: int, acks: str = "all") -> str:
        """Produce one record (value ``v<n>``, no key) to a partition with ``acks``."""

        def act() -> str:
            value = f"v{self._produced}"
            self._produced += 1
            sent = self._cluster.produce(topic, value, partition=partition, acks=acks)
            return f"{topic}-{partition}: {value!r} at offset {sent.offset} (acks={acks})"

        return self._act(act)

    def _on_front_end_message(self, widget: Any, content: Any, buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("kind")
        if kind in ("kill", "shutdown", "restart") and isinstance(content.get("broker"), int):
            getattr(self, kind)(content["broker"])
        elif kind == "advance" and isinstance(content.get("ms"), int):
            self.advance(content["ms"])
        elif kind == "produce" and content.get("acks") in ACKS_CHOICES:
            topic, partition = content.get("topic"), content.get("partition")
            if isinstance(topic, str) and isinstance(partition, int):
                self.produce(topic, partition, content["acks"])
        else:
            super()._on_front_end_message(widget, content, buffers)

    # ------------------------------------------------------------ reading
    @property
    def brokers(self) -> list[dict[str, Any]]:
        """One dict per broker: ``id``, ``status`` and ``leads``."""
        return self._state.brokers

    @property
    def rows(self) -> list[dict[str, Any]]:
        """One dict per partition (see :mod:`engine.views.clusterstate`)."""
        return self._state.rows

    @property
    def message(self) -> str:
        """The status line: the outcome of the last button or action method."""
        return self._state.message

    # ------------------------------------------------------------ showing
    def to_html(self) -> str:
        """A static, self-contained HTML drawing of the current state (no JavaScript)."""
        return render_html(self._state.snapshot())

    def __repr__(self) -> str:
        brokers, rows = self._state.brokers, self._state.rows
        up = sum(1 for b in brokers if b["status"] != "down")
        controller = self._state.controller
        under = sum(1 for r in rows if r["health"] in ("under-replicated", "under-min-isr"))
        offline = sum(1 for r in rows if r["health"] == "offline")
        return (f"ClusterView(brokers={len(brokers)}, running={up}, controller={controller}, "
                f"partitions={len(rows)}, under_replicated={under}, offline={offline})")


# ------------------------------------------------------------------ static HTML
def header_text(snapshot: dict[str, Any]) -> str:
    """The line after the title (``cluster.js`` builds the same text)."""
    controller = snapshot["controller"]
    active = "no active controller" if controller is None else f"controller {controller}"
    brokers = snapshot["brokers"]
    up = sum(1 for b in brokers if b["status"] != "down")
    return (f" · {active} · {up} of {plural(len(brokers), 'broker')} running · "
            f"{plural(len(snapshot['rows']), 'partition')} · t = {time_label(snapshot['now_ms'])}")


def replica_text(replica: dict[str, Any]) -> str:
    star = " ★" if replica["leader"] else ""
    return f"b{replica['broker']}{star}"


def row_scale(row: dict[str, Any]) -> int:
    return max([1, row["hw"], *(r["leo"] for r in row["replicas"])])


def isr_of(row: dict[str, Any]) -> list[int]:
    return [r["broker"] for r in row["replicas"] if r["in_isr"]]


def row_text(row: dict[str, Any]) -> str:
    leader = "none" if row["leader"] is None else row["leader"]
    isr = ",".join(map(str, isr_of(row))) or "-"
    return f"leader {leader} · ISR {isr} · HW {row['hw']} · min.insync {row['min_isr']}"


def _broker(broker: dict[str, Any]) -> str:
    colour = STATUS_COLOURS[broker["status"]]
    attrs = html_attrs(class_=f"kc-broker kc-broker-{broker['status']}", data_broker=broker["id"],
                   data_status=broker["status"], data_leads=broker["leads"])
    return (f'<span{attrs} style="display:inline-flex;gap:6px;align-items:center;'
            f"padding:3px 8px;margin:0 6px 4px 0;border:2px solid {colour};border-radius:6px;"
            f'background:{ROW_BG};"><b>broker {broker["id"]}</b>'
            f'<span class="kc-broker-status" style="color:{colour};">{broker["status"]}</span>'
            f'<span class="kc-broker-leads" style="color:{FG2};font-size:11px;">leads '
            f'{broker["leads"]}</span></span>')


def _replica(replica: dict[str, Any], hw: int, scale: int) -> str:
    border = "solid" if replica["in_isr"] else "dashed"
    faded = "" if replica["running"] else "opacity:.45;"
    weight = "font-weight:600;" if replica["leader"] else ""
    classes = "kc-replica" + (" kc-leader" if replica["leader"] else "") + (
        " kc-in-isr" if replica["in_isr"] else " kc-out-of-isr") + (
        "" if replica["running"] else " kc-replica-down")
    attrs = html_attrs(class_=classes, data_broker=replica["broker"], data_leo=replica["leo"],
                   data_in_isr=str(replica["in_isr"]).lower(),
                   data_leader=str(replica["leader"]).lower(),
                   title=f"broker {replica['broker']}: log end offset {replica['leo']}")
    return (f'<span{attrs} style="display:inline-flex;flex-direction:column;gap:2px;'
            f"min-width:90px;padding:2px 6px;border:1px {border} {FG2};border-radius:5px;"
            f'{faded}{weight}"><span class="kc-replica-name">{replica_text(replica)}</span>'
            f'<span class="kc-replica-bar" style="position:relative;height:8px;'
            f'border:1px solid {BORDER};border-radius:2px;">'
            f'<span class="kc-replica-fill" style="position:absolute;top:0;bottom:0;left:0;'
            f'width:{pct(replica["leo"], scale)};background:#80b1d3;"></span>'
            f'<span class="kc-hw-mark" style="position:absolute;top:-2px;bottom:-2px;'
            f'left:{pct(hw, scale)};width:2px;margin-left:-1px;background:#1b1b1b;"></span>'
            f'</span><span class="kc-replica-leo" style="font-family:{MONO};font-size:11px;'
            f'color:{FG2};">LEO {replica["leo"]}</span></span>')


def _row(row: dict[str, Any]) -> str:
    scale = row_scale(row)
    health = row["health"]
    attrs = html_attrs(class_="kc-cluster-row", data_topic=row["topic"],
                   data_partition=row["partition"],
                   data_leader="none" if row["leader"] is None else row["leader"],
                   data_isr=",".join(map(str, isr_of(row))), data_hw=row["hw"],
                   data_health=health)
    replicas = "".join(_replica(r, row["hw"], scale) for r in row["replicas"])
    return (f'<div{attrs} style="display:flex;align-items:center;gap:8px;padding:4px 6px;'
            f'margin:3px 0;background:{ROW_BG};border:1px solid {BORDER};border-radius:6px;">'
            f'<span style="display:flex;flex-direction:column;min-width:170px;">'
            f'<b class="kc-partition-name">{escape(row["topic"])}-{row["partition"]}'
            f'<span class="kc-health" style="margin-left:6px;font-weight:normal;font-size:11px;'
            f'color:{HEALTH_COLOURS[health]};">{health}</span></b>'
            f'<span class="kc-row-text" style="color:{FG2};font-size:11px;font-family:{MONO};">'
            f"{row_text(row)}</span></span>"
            f'<span class="kc-replicas" style="display:flex;gap:6px;flex-wrap:wrap;">'
            f"{replicas}</span></div>")


def render_html(snapshot: dict[str, Any]) -> str:
    """A :class:`ClusterState` snapshot as static HTML (the same text as ``cluster.js``)."""
    rows = snapshot["rows"]
    root = html_attrs(class_="kc-cluster-view kc-static",
                  data_controller="none" if snapshot["controller"] is None
                  else snapshot["controller"],
                  data_brokers=len(snapshot["brokers"]), data_partitions=len(rows))
    head = (f'<div class="kc-cluster-header"><b>Cluster</b><span class="kc-cluster-summary" '
            f'style="color:{FG2};">{escape(header_text(snapshot))}</span></div>')
    brokers = ('<div class="kc-brokers" style="margin:4px 0;">'
               + "".join(_broker(b) for b in snapshot["brokers"]) + "</div>")
    message = (f'<div class="kc-message" style="color:{FG2};font-family:{MONO};font-size:11px;">'
               f"{escape(snapshot['message'])}</div>" if snapshot["message"] else "")
    if rows:
        body = "".join(_row(row) for row in rows)
    else:
        body = f'<div class="kc-missing" style="color:{FG2};">No topics yet.</div>'
    return f'<div{root} style="{ROOT}">{head}{brokers}{message}{body}</div>'
