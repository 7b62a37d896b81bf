"""An append-only, deterministic event journal with listeners and a digest.

Each :class:`Event` has a sequence number, the simulated time it happened at, a kind
(``"topic_created"``, ``"records_appended"``, ...) and a JSON-compatible payload. The
same seed and the same calls give the same events, so :meth:`Journal.digest` is stable
from run to run and from machine to machine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

Listener = Callable[["Event"], None]


class Event(NamedTuple):
    """One change of state: ``seq`` orders events, ``time_ms`` is simulated time."""

    seq: int
    time_ms: int
    kind: str
    data: Mapping[str, Any]

    def to_json(self) -> str:
        """A canonical one-line JSON form (sorted keys, no spaces)."""
        return json.dumps(
            {"seq": self.seq, "time_ms": self.time_ms, "kind": self.kind, "data": self.data},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )


class Journal:
    """The ordered list of events, with subscription for live readers.

    Listeners are called synchronously, in subscription order, after each event is
    appended. A listener that raises does not stop the engine: the error is kept in
    :attr:`listener_errors` so that a broken view cannot corrupt the simulation.
    """

    def __init__(self) -> None:
        self._events: list[Event] = []
        self._listeners: list[Listener] = []
        self._hasher = hashlib.sha256()
        self._hashed = 0
        self.listener_errors: list[BaseException] = []

    def record(self, time_ms: int, kind: str, data: Mapping[str, Any]) -> Event:
        """Append an event and notify the listeners. Engine code is the only caller."""
        event = Event(len(self._events), time_ms, kind, data)
        self._events.append(event)
        for listener in self._listeners:
            try:
                listener(event)
            except Exception as error:  # a view's bug must not break the engine
                self.listener_errors.append(error)
        return event

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` for every future event; returns an unsubscribe function."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def __getitem__(self, index: int) -> Event:
        return self._events[index]

    @property
    def last_seq(self) -> int:
        """The sequence number of the newest event, or -1 when the journal is empty."""
        return len(self._events) - 1

    def since(self, seq: int) -> list[Event]:
        """Events with a sequence number greater than ``seq``."""
        return self._events[max(seq + 1, 0) :]

    def of_kind(self, *kinds: str) -> list[Event]:
        """Events of the given kinds, in order."""
        wanted = set(kinds)
        return [event for event in self._events if event.kind in wanted]

    def digest(self) -> str:
        """SHA-256 over the canonical JSON lines of every event so far.

        It is computed incrementally, so calling it often costs only the new events.
        """
        for event in self._events[self._hashed :]:
            self._hasher.update(event.to_json().encode())
            self._hasher.update(b"\n")
        self._hashed = len(self._events)
        return self._hasher.hexdigest()

    def to_jsonl(self) -> str:
        """The whole journal as JSON lines, e.g. to save next to a failing test."""
        return "".join(event.to_json() + "\n" for event in self._events)

    def __repr__(self) -> str:
        return f"Journal(events={len(self._events)})"
