"""``Observed``: what a backend's clients saw, for the side-by-side engine/Kafka view.

Every producer a backend makes notes each send as its key and its future; ``sends`` turns
those whose future succeeded into (topic, key, partition, offset) when it is read, in send
order, and keeps the others until they are done. Nothing is done per send beyond two list
appends; when more than ``RESOLVE_AT`` sends wait unread, the done ones are resolved then
(so a long run that never reads ``sends`` holds records, not futures). Every consumer
notes its group id, client id and its latest assignment (the final one once it stopped).
The view adds end offsets, committed offsets and lag, which it asks the admin client for.
"""

from __future__ import annotations

from typing import Any, NamedTuple

RESOLVE_AT = 100_000
"""Unread sends kept as futures before the done ones are resolved."""


class SentRecord(NamedTuple):
    """One acknowledged send."""

    topic: str
    key: Any
    partition: int
    offset: int


class ConsumerSeen(NamedTuple):
    """A consumer's group id, its latest assignment as sorted (topic, partition), and the
    ``client_id`` it was configured with."""

    client: int
    group_id: str | None
    assignment: tuple[tuple[str, int], ...]
    client_id: str | None = None


class Observed:
    """The recorder a backend's clients write into (``backend.observed``)."""

    def __init__(self) -> None:
        self._sends: list[SentRecord] = []
        self.unresolved_keys: list[Any] = []
        """The key of each send noted whose result has not been read yet ..."""
        self.unresolved_futures: list[Any] = _Pending(self)
        """... and its future (two lists rather than pairs: nothing to allocate per send)."""
        self.resolve_at = RESOLVE_AT
        self.consumers: dict[int, ConsumerSeen] = {}

    @property
    def sends(self) -> list[SentRecord]:
        """Every acknowledged send so far (sends still waiting are left for later)."""
        if self.unresolved_futures:
            self._resolve()
        return self._sends

    def _resolve(self) -> None:
        keys: list[Any] = []
        futures: list[Any] = []
        for key, future in zip(self.unresolved_keys, self.unresolved_futures, strict=True):
            if not future.done():
                keys.append(key)
                futures.append(future)
            elif not future.cancelled() and future.exception() is None:
                md = future.result()
                self._sends.append(SentRecord(md.topic, key, md.partition, md.offset))
        self.unresolved_keys[:] = keys
        self.unresolved_futures[:] = futures
        # sends still in flight stay; the next resolve waits until as many more arrive
        self.resolve_at = max(RESOLVE_AT, 2 * len(futures))

    def note_future(self, key: Any, future: Any) -> None:
        """Record a send of ``key`` whose result ``future`` (an asyncio future) gives
        later (its metadata names the topic)."""
        self.unresolved_keys.append(key)
        self.unresolved_futures.append(future)

    def note_assignment(self, client: int, group_id: str | None,
                        assignment: Any, client_id: str | None = None) -> None:
        """Record ``client``'s current assignment (a set of TopicPartitions)."""
        tps = tuple(sorted((tp.topic, tp.partition) for tp in assignment))
        self.consumers[client] = ConsumerSeen(client, group_id, tps, client_id)

    def partitions_by_key(self) -> dict[tuple[str, Any], set[int]]:
        """Which partitions each (topic, key) went to."""
        out: dict[tuple[str, Any], set[int]] = {}
        for sent in self.sends:
            out.setdefault((sent.topic, sent.key), set()).add(sent.partition)
        return out

    def clear(self) -> None:
        """Forget everything noted so far."""
        self._sends.clear()
        self.unresolved_keys.clear()
        self.unresolved_futures.clear()
        self.consumers.clear()


class _Pending(list[Any]):
    """The futures list: resolves the done ones once it grows past ``resolve_at``."""

    __slots__ = ("_observed",)

    def __init__(self, observed: Observed) -> None:
        super().__init__()
        self._observed = observed

    def append(self, future: Any) -> None:
        super().append(future)
        if len(self) > self._observed.resolve_at:
            self._observed._resolve()
