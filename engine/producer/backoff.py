"""``ExponentialBackoff``: how long a producer waits before it retries a batch (KIP-580).

Kafka 4.x's ``RecordAccumulator`` waits ``retry.backoff.ms`` after a batch's first failed
attempt and doubles the wait after each further one, up to ``retry.backoff.max.ms``
(1000 ms by default), each wait multiplied by a random factor in ``[0.8, 1.2)`` so that
many clients do not retry in step. The factor comes from a seeded ``random.Random`` (the
producer's own), so a run is the same every time. When ``retry.backoff.max.ms`` is not
above ``retry.backoff.ms`` the wait is constant and has no jitter, as in Java.
"""

from __future__ import annotations

import math
import random

RETRY_BACKOFF_EXP_BASE = 2
"""``CommonClientConfigs.RETRY_BACKOFF_EXP_BASE``: each retry waits twice as long."""
RETRY_BACKOFF_JITTER = 0.2
"""``CommonClientConfigs.RETRY_BACKOFF_JITTER``: a wait varies by up to 20% either way."""


class ExponentialBackoff:
    """``org.apache.kafka.common.utils.ExponentialBackoff`` with a seeded random source."""

    def __init__(self, initial_ms: int, multiplier: int, max_ms: int, jitter: float,
                 rng: random.Random) -> None:
        self.initial_ms = min(max_ms, initial_ms)
        self.multiplier = multiplier
        self.max_ms = max_ms
        self.jitter = jitter
        self._rng = rng
        self._exp_max = (math.log(max_ms / max(initial_ms, 1)) / math.log(multiplier)
                         if max_ms > initial_ms else 0.0)

    def backoff(self, attempts: int) -> int:
        """The wait after ``attempts + 1`` failed attempts (``backoff(0)``: the first)."""
        if self._exp_max == 0:
            return self.initial_ms
        term = self.initial_ms * self.multiplier ** min(attempts, self._exp_max)
        factor = (self._rng.uniform(1 - self.jitter, 1 + self.jitter)
                  if self.jitter > 0 else 1.0)
        return min(int(factor * term), self.max_ms)
