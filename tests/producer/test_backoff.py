"""ExponentialBackoff: KIP-580's retry waits, with jitter from a seeded random source."""

from __future__ import annotations

import random

import pytest

from engine.producer.backoff import (
    RETRY_BACKOFF_EXP_BASE,
    RETRY_BACKOFF_JITTER,
    ExponentialBackoff,
)


def kafka_default(initial: int = 100, ceiling: int = 1000, seed: str = "s") -> ExponentialBackoff:
    return ExponentialBackoff(initial, RETRY_BACKOFF_EXP_BASE, ceiling, RETRY_BACKOFF_JITTER,
                              random.Random(seed))


def test_without_jitter_the_wait_doubles_up_to_the_ceiling() -> None:
    backoff = ExponentialBackoff(100, 2, 1000, 0.0, random.Random(0))
    assert [backoff.backoff(n) for n in range(7)] == [100, 200, 400, 800, 1000, 1000, 1000]


def test_jitter_keeps_each_wait_within_20_percent_and_under_the_ceiling() -> None:
    backoff = kafka_default()
    for attempts in range(8):
        term = 100 * 2 ** min(attempts, 3.3219280948873626)
        waits = {backoff.backoff(attempts) for _ in range(200)}
        assert min(waits) >= int(0.8 * term) and max(waits) <= min(int(1.2 * term), 1000)
        assert len(waits) > 1  # the factor varies
    assert max(backoff.backoff(9) for _ in range(200)) == 1000  # capped


def test_the_same_seed_gives_the_same_waits() -> None:
    first, second, other = kafka_default(seed="a"), kafka_default(seed="a"), kafka_default(seed="b")
    waits = [first.backoff(n % 6) for n in range(30)]
    assert waits == [second.backoff(n % 6) for n in range(30)]
    assert waits != [other.backoff(n % 6) for n in range(30)]


@pytest.mark.parametrize(("initial", "ceiling", "expected"), [
    (1000, 1000, 1000),  # ceiling not above the start: constant, no jitter
    (2000, 1000, 1000),  # the start is cut down to the ceiling
    (0, 1000, 0),        # retry.backoff.ms=0: no wait at all
])
def test_constant_and_zero_waits(initial: int, ceiling: int, expected: int) -> None:
    backoff = kafka_default(initial, ceiling)
    assert {backoff.backoff(n) for n in range(10)} == {expected}
