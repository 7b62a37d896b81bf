"""The simulated clock fires timers in time order, ties in scheduling order."""

import pytest

from engine.core.clock import SimClock


def test_advance_moves_time_and_fires_due_timers_in_order() -> None:
    clock = SimClock()
    fired: list[tuple[str, int]] = []
    clock.call_later(30, lambda: fired.append(("b", clock.now_ms)))
    clock.call_later(10, lambda: fired.append(("a", clock.now_ms)))
    clock.call_later(30, lambda: fired.append(("c", clock.now_ms)))
    clock.call_later(31, lambda: fired.append(("late", clock.now_ms)))
    assert clock.advance(30) == 3
    assert fired == [("a", 10), ("b", 30), ("c", 30)]
    assert clock.now_ms == 30
    clock.advance(1)
    assert fired[-1] == ("late", 31)


def test_timers_scheduled_by_timers_fire_in_the_same_advance() -> None:
    clock = SimClock()
    ticks: list[int] = []

    def tick() -> None:
        ticks.append(clock.now_ms)
        clock.call_later(100, tick)

    clock.call_later(100, tick)
    clock.advance(350)
    assert ticks == [100, 200, 300]
    assert len(clock.pending()) == 1


def test_cancelled_timers_do_not_fire() -> None:
    clock = SimClock()
    fired: list[int] = []
    timer = clock.call_later(5, lambda: fired.append(1))
    timer.cancel()
    clock.advance(10)
    assert fired == []


def test_time_cannot_go_backwards() -> None:
    with pytest.raises(ValueError):
        SimClock().advance(-1)


def test_a_timer_that_advances_the_clock_never_moves_it_backwards() -> None:
    clock = SimClock()
    seen: list[int] = []
    clock.call_at(10, lambda: clock.advance(50))
    clock.call_at(20, lambda: seen.append(clock.now_ms))
    clock.advance(30)
    assert seen == [20]  # fired by the inner advance, at its own due time
    assert clock.now_ms == 60  # not back to 30 when the outer advance ends
