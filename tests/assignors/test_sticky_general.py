"""The general builder on its own: balance across different subscriptions, stickiness."""

from __future__ import annotations

from engine.assignors.sticky_general import build_general
from engine.assignors.sticky_owned import check_owned_partitions
from tests.assignors.helpers import sub, tps, verify_validity_and_balance


def test_balances_partitions_over_heterogeneous_subscriptions() -> None:  # javadoc example 2
    counts = {"t0": 1, "t1": 2, "t2": 3}
    subs = {"C0": sub("t0"), "C1": sub("t0", "t1"), "C2": sub("t0", "t1", "t2")}
    result = build_general(counts, subs, check_owned_partitions(counts, subs))
    assert {m: result[m] for m in sorted(result)} == {
        "C0": tps(("t0", 0)),
        "C1": tps(("t1", 0), ("t1", 1)),
        "C2": tps(("t2", 0), ("t2", 1), ("t2", 2)),
    }
    verify_validity_and_balance(subs, result, counts)


def test_keeps_owned_partitions_of_still_subscribed_topics() -> None:
    counts = {"t0": 2, "t1": 2}
    subs = {
        "a": sub("t0", owned=tps(("t0", 0), ("t0", 1), ("t1", 0)), generation=1),
        "b": sub("t0", "t1", owned=tps(("t1", 1)), generation=1),
    }
    result = build_general(counts, subs, check_owned_partitions(counts, subs))
    assert set(result["a"]) <= {("t0", 0), ("t0", 1)}
    assert ("t1", 0) in result["b"] and ("t1", 1) in result["b"]
    verify_validity_and_balance(subs, result, counts)
