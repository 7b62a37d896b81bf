"""``PartitionView``: a live picture of a topic's partition logs, one row per partition.

The widget follows the cluster's journal. Python keeps the authoritative state in a
:class:`~engine.views.logstate.TopicLogState` and talks to the browser through two
synced traits: ``snapshot`` (the whole state, sent when the view starts, when the topic
is created or deleted, and when the browser asks for it) and ``delta`` (the small change
made by one journal event, numbered by ``seq``). The browser side, ``partitions.js``,
applies each delta to its own copy; when it sees a gap in the numbering (a page reload,
or deltas that arrived before it was ready) it sends ``{"kind": "resync"}`` and gets a
fresh snapshot back.

Outside a live kernel the widget still shows something: its MIME bundle carries a
static ``text/html`` drawing and a deterministic ``text/plain`` line.
"""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from engine.views.logstate import RESET, TopicLogState
from engine.views.static_html import render_html

if TYPE_CHECKING:
    from engine import Cluster, Event

_HERE = pathlib.Path(__file__).parent


class PartitionView(anywidget.AnyWidget):
    """One topic's partitions as rows of record cells, coloured by key, updated live.

    ``PartitionView(cluster, "orders")`` works before the topic exists (it appears when
    created). Each row shows the newest ``max_cells`` records of a partition, a marker
    for the older ones, and the log start offset, high watermark and log end offset.
    Call :meth:`close` to stop following the journal.
    """

    _esm = _HERE / "partitions.js"
    _css = _HERE / "partitions.css"

    snapshot = traitlets.Dict().tag(sync=True)
    """The whole state, as of ``snapshot["seq"]``."""
    delta = traitlets.Dict().tag(sync=True)
    """The newest change: ``{"seq": n, "ops": [...]}``; applies on top of seq ``n - 1``."""

    def __init__(self, cluster: Cluster, topic: str, *, max_cells: int = 20) -> None:
        self._state = TopicLogState(cluster, topic, max_cells)
        super().__init__(snapshot=self._state.snapshot(),
                         delta={"seq": self._state.seq, "ops": []})
        self.on_msg(self._on_front_end_message)
        self._unsubscribe = cluster.journal.subscribe(self._on_event)

    # ------------------------------------------------------------ following
    def _on_event(self, event: Event) -> None:
        change = self._state.apply(event)
        if change is None:
            return
        if change == RESET:
            self._send_snapshot()
        else:
            self.delta = {"seq": self._state.seq, "ops": change}

    def _send_snapshot(self) -> None:
        fresh = self._state.snapshot()
        if fresh == self.snapshot:
            self.send_state("snapshot")  # an equal value is not re-sent by traitlets
        else:
            self.snapshot = fresh

    def _on_front_end_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("kind") == "resync":
            self._send_snapshot()

    def close(self) -> None:
        """Stop following the journal and close the widget's front-end model."""
        self._unsubscribe()
        super().close()

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

    @property
    def state(self) -> dict[str, Any]:
        """The current whole state, in the JSON shape the front end keeps."""
        return self._state.snapshot()

    # ------------------------------------------------------------- showing
    def to_html(self) -> str:
        """A static, self-contained HTML drawing of the current state (no JavaScript)."""
        return render_html(self._state.snapshot())

    def __repr__(self) -> str:
        state = self._state
        missing = "" if state.exists else ", exists=False"
        return (f"PartitionView(topic={state.topic!r}, partitions={len(state.partitions)}, "
                f"records={state.record_count}{missing})")

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        return {**data, "text/html": self.to_html(), "text/plain": repr(self)}, metadata
