"""The plumbing shared by the live widgets: snapshot, deltas, resync, fallback, front end.

A :class:`LiveState` follows journal events, reading the cluster as it needs (some fold
the events, some read the cluster again after one): ``apply(event)`` returns
``None`` (nothing drawn changed), a list of small JSON ops, or :data:`RESET` (send the
whole state again). :class:`LiveView` is the anywidget that carries it to the browser
with two synced traits: ``snapshot`` (the whole state as of ``snapshot["seq"]``) and
``delta`` (``{"seq", "ops"}`` for one event). The front end asks ``{"kind": "resync"}``
when it sees a gap in ``seq``.

The browser half of that plumbing is ``live.js``. anywidget loads one ES module per
widget (``_esm``, a path or the module's text), so a view's module cannot import
``live.js`` at run time: :func:`front_end` makes the module's text from ``live.js``
followed by the view's own file, which only says how ops change the state and how the
state is drawn. :func:`front_end_css` does the same for ``live.css`` and the view's styles.

Outside a live kernel, the MIME bundle carries a static ``text/html`` drawing and a
deterministic ``text/plain`` line (:meth:`LiveView.__repr__`).
"""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol

import anywidget
import traitlets

if TYPE_CHECKING:
    from engine import Cluster, Event

RESET: Final = "reset"
"""Returned by ``apply`` when the whole state must be sent again."""

_HERE = pathlib.Path(__file__).parent


def _joined(shared: str, own: str) -> str:
    return "\n".join((_HERE / name).read_text(encoding="utf-8") for name in (shared, own))


def front_end(name: str) -> str:
    """The ES module of one view: ``live.js`` followed by the view's file ``name``."""
    return _joined("live.js", name)


def front_end_css(name: str) -> str:
    """The styles of one view: ``live.css`` followed by the view's file ``name``."""
    return _joined("live.css", name)


class LiveState(Protocol):
    """What a :class:`LiveView` needs from its state."""

    seq: int

    def apply(self, event: Event) -> list[dict[str, Any]] | str | None: ...

    def snapshot(self) -> dict[str, Any]: ...


class LiveView(anywidget.AnyWidget):
    """An anywidget that follows the journal through a :class:`LiveState`.

    Subclasses set ``_esm = front_end("view.js")`` (and ``_css``), build ``self._state``
    before calling :meth:`_start`, and implement :meth:`to_html` and ``__repr__``.
    """

    snapshot = traitlets.Dict().tag(sync=True)
    """The whole state, as of ``snapshot["seq"]``."""
    delta = traitlets.Dict().tag(sync=True)
    """The newest change: ``{"seq": n, "ops": [...]}``; applies on top of seq ``n - 1``."""

    _state: LiveState
    _kind: ClassVar[str] = "view"

    def _start(self, cluster: Cluster) -> None:
        super().__init__(snapshot=self._state.snapshot(),
                         delta={"seq": self._state.seq, "ops": []})
        self.on_msg(self._on_front_end_message)
        self._unsubscribe = cluster.journal.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        change = self._state.apply(event)
        if change is not None:
            self._send_change(change)

    def _send_change(self, change: Any) -> None:
        """Send what the state returned: the whole snapshot for :data:`RESET`, else the ops."""
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
        unsubscribe = getattr(self, "_unsubscribe", None)
        if unsubscribe is not None:
            unsubscribe()
        super().close()

    @property
    def state(self) -> dict[str, Any]:
        """The current whole state, in the JSON shape the front end keeps."""
        return self._state.snapshot()

    def to_html(self) -> str:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        return {**data, "text/html": self.to_html(), "text/plain": repr(self)}, metadata
