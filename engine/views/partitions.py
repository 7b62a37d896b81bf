"""``PartitionView``: a live picture of a topic's partition logs, one row per partition.

The widget follows the cluster's journal. Python keeps the authoritative state in a
:class:`~engine.views.logstate.TopicLogState` and talks to the browser through two
synced traits: ``snapshot`` (the whole state, sent when the view starts, when the topic
is created or deleted, and when the browser asks for it) and ``delta`` (the small change
made by one journal event, numbered by ``seq``), with the plumbing shared by every live
view (:class:`~engine.views.live.LiveView`). The browser side, ``partitions.js`` after
``live.js``, applies each delta to its own copy; when it sees a gap in the numbering (a page reload,
or deltas that arrived before it was ready) it sends ``{"kind": "resync"}`` and gets a
fresh snapshot back.

Outside a live kernel the widget still shows something: its MIME bundle carries a
static ``text/html`` drawing and a deterministic ``text/plain`` line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.views.live import LiveView, front_end, front_end_css
from engine.views.logstate import TopicLogState
from engine.views.static_html import render_html

if TYPE_CHECKING:
    from engine import Cluster


class PartitionView(LiveView):
    """One topic's partitions as rows of record cells, coloured by key, updated live.

    ``PartitionView(cluster, "orders")`` works before the topic exists (it appears when
    created). Each row shows the newest ``max_cells`` records of a partition, a marker
    for the older ones, and the log start offset, high watermark and log end offset.
    Call :meth:`close` to stop following the journal.
    """

    _esm = front_end("partitions.js")
    _css = front_end_css("partitions.css")

    _state: TopicLogState

    def __init__(self, cluster: Cluster, topic: str, *, max_cells: int = 20) -> None:
        self._state = TopicLogState(cluster, topic, max_cells)
        self._start(cluster)

    # -------------------------------------------------------------- reading
    @property
    def topic(self) -> str:
        return self._state.topic

    @property
    def exists(self) -> bool:
        """Whether the topic exists now."""
        return self._state.exists

    @property
    def partition_count(self) -> int:
        return len(self._state.partitions)

    @property
    def record_count(self) -> int:
        """Records in the topic's logs now (summed over partitions, end minus start)."""
        return self._state.record_count

    # ------------------------------------------------------------- showing
    def to_html(self) -> str:
        """A static, self-contained HTML drawing of the current state (no JavaScript)."""
        return render_html(self._state.snapshot())

    def __repr__(self) -> str:
        state = self._state
        missing = "" if state.exists else ", exists=False"
        return (f"PartitionView(topic={state.topic!r}, partitions={len(state.partitions)}, "
                f"records={state.record_count}{missing})")
