"""Checking owned-partition claims before a sticky assignment (AbstractStickyAssignor)."""

from __future__ import annotations

from engine.assignors.sticky_owned import check_owned_partitions
from tests.assignors.helpers import sub, tp, tps


def test_same_generation_claims_are_dropped_from_both() -> None:
    owned = check_owned_partitions(
        {"t": 3},
        {
            "c1": sub("t", owned=tps(("t", 0), ("t", 1)), generation=1),
            "c2": sub("t", owned=tps(("t", 0), ("t", 2)), generation=1),
        },
    )
    assert owned.owned == {"c1": tps(("t", 1)), "c2": tps(("t", 2))}
    assert owned.claimed_by_several == {tp("t", 0)}
    assert owned.all_subscriptions_equal
    assert owned.max_generation == 1


def test_newest_generation_wins_and_stale_claims_are_dropped() -> None:
    owned = check_owned_partitions(
        {"t": 3, "u": 1},
        {
            "c1": sub("t", "u", owned=tps(("t", 0), ("u", 0)), generation=9),
            "c2": sub("t", "u", owned=tps(("t", 0), ("t", 1)), generation=10),
            "c3": sub("t", "u", owned=tps(("t", 1), ("t", 2))),
        },
    )
    assert owned.owned == {"c1": tps(("u", 0)), "c2": tps(("t", 0), ("t", 1)), "c3": tps(("t", 2))}
    assert owned.claimed_by_several == set()
    assert owned.max_generation == 10


def test_partitions_of_unknown_topics_are_ignored_and_subscriptions_compared() -> None:
    owned = check_owned_partitions(
        {"t": 2},
        {"c1": sub("t", owned=tps(("gone", 0), ("t", 1))), "c2": sub("t", "u")},
    )
    assert owned.owned["c1"] == tps(("t", 1))
    assert not owned.all_subscriptions_equal


def test_members_are_visited_in_java_hash_map_order() -> None:
    subs = {name: sub("t") for name in ["c", "b", "a", "Aa", "BB"]}
    assert list(check_owned_partitions({"t": 1}, subs).owned) == ["Aa", "BB", "a", "b", "c"]
