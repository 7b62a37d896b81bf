"""Simulated time: a clock and a queue of timers that fire when the clock reaches them.

Nothing in the engine reads the wall clock. Timers that fall due at the same
millisecond fire in the order they were scheduled (a sequence number breaks ties), so
every run of the same calls is identical.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(order=True)
class Timer:
    """A callback scheduled for a point in simulated time; ``cancel()`` disarms it."""

    due_ms: int
    seq: int
    callback: Callable[[], None] = field(compare=False)
    name: str = field(default="", compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class SimClock:
    """A millisecond clock that only moves when :meth:`advance` is called."""

    def __init__(self, start_ms: int = 0) -> None:
        self._now_ms = start_ms
        self._queue: list[Timer] = []
        self._seq = itertools.count()

    @property
    def now_ms(self) -> int:
        return self._now_ms

    def call_at(self, due_ms: int, callback: Callable[[], None], name: str = "") -> Timer:
        """Run ``callback`` when the clock reaches ``due_ms`` (at once on the next advance
        if ``due_ms`` is not in the future)."""
        timer = Timer(max(due_ms, self._now_ms), next(self._seq), callback, name)
        heapq.heappush(self._queue, timer)
        return timer

    def call_later(self, delay_ms: int, callback: Callable[[], None], name: str = "") -> Timer:
        """Run ``callback`` ``delay_ms`` milliseconds from now."""
        return self.call_at(self._now_ms + delay_ms, callback, name)

    def advance(self, ms: int) -> int:
        """Move the clock forward by ``ms``, firing every timer that falls due on the way.

        While a timer runs, ``now_ms`` reads its due time. A timer's callback may itself
        advance the clock; time never moves backwards after that (later timers that were
        due on the way then see the later time). Returns the number of timers fired.
        """
        if isinstance(ms, bool) or not isinstance(ms, int):
            raise TypeError(f"simulated time moves in whole milliseconds, got {ms!r}")
        if ms < 0:
            raise ValueError(f"cannot move simulated time backwards (advance({ms}))")
        target = self._now_ms + ms
        fired = 0
        while self._queue and self._queue[0].due_ms <= target:
            timer = heapq.heappop(self._queue)
            if timer.cancelled:
                continue
            self._now_ms = max(self._now_ms, timer.due_ms)
            timer.callback()
            fired += 1
        self._now_ms = max(self._now_ms, target)
        return fired

    def pending(self) -> list[Timer]:
        """Armed timers, soonest first."""
        return sorted(t for t in self._queue if not t.cancelled)
