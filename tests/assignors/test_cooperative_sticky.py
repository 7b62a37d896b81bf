"""CooperativeStickyAssignor: apache/kafka's CooperativeStickyAssignorTest (rack-less cases)."""

from __future__ import annotations

import pytest

from engine.assignors import CooperativeStickyAssignor, StickyAssignor
from tests.assignors.helpers import is_fully_balanced, sub, tp, tps
from tests.assignors.sticky_support import settle

cooperative = CooperativeStickyAssignor()


def test_name_and_protocols() -> None:
    assert cooperative.name == "cooperative-sticky"
    assert cooperative.supported_protocols == ("COOPERATIVE", "EAGER")


@pytest.mark.parametrize(
    ("partitions", "consumer1"),
    [(3, tps(("topic", 1))), (4, tps(("topic", 1), ("topic", 3)))],
    ids=["equal", "unequal"],
)
def test_partition_claimed_by_several_is_held_back(partitions, consumer1) -> None:
    counts = {"topic": partitions}
    subs = {
        "consumer1": sub("topic", owned=tps(("topic", 0), ("topic", 1)), generation=1),
        "consumer2": sub("topic", owned=tps(("topic", 0), ("topic", 2)), generation=1),
        "consumer3": sub("topic", generation=1),
    }
    result = cooperative.assign(counts, subs)
    # topic-0 counts as owned: nobody gets it until both claimants have revoked it
    assert result == {"consumer1": consumer1, "consumer2": tps(("topic", 2)), "consumer3": []}
    final = settle(cooperative, counts, subs, result)
    assert final["consumer3"] == tps(("topic", 0))
    assert is_fully_balanced(final)


def test_assignor_with_old_version_subscriptions() -> None:
    counts = {"topic1": 3}
    subs = {
        "consumer1": sub("topic1", owned=tps(("topic1", 0)), generation=1),
        "consumer2": sub("topic1", owned=tps(("topic1", 1)), generation=1),
        "consumer3": sub("topic1", generation=1),
    }
    assert cooperative.assign(counts, subs) == {
        "consumer1": tps(("topic1", 0)),
        "consumer2": tps(("topic1", 1)),
        "consumer3": tps(("topic1", 2)),
    }


def test_moving_partitions_are_revoked_first_then_handed_over() -> None:
    counts = {"topic": 3}
    subs = {
        "consumer1": sub(
            "topic", owned=tps(("topic", 0), ("topic", 1), ("topic", 2)), generation=1
        ),
        "consumer2": sub("topic", generation=1),
    }
    plan = cooperative.plan(counts, subs)
    assert plan.partitions_transferring_ownership == {tp("topic", 2): "consumer2"}
    first = cooperative.assign(counts, subs)
    assert first == {"consumer1": tps(("topic", 0), ("topic", 1)), "consumer2": []}
    assert StickyAssignor().assign(counts, subs) == plan.assignment
    # consumer1 revokes topic-2 and rejoins: the follow-up rebalance hands it over
    subs = {
        "consumer1": sub("topic", owned=first["consumer1"], generation=2),
        "consumer2": sub("topic", generation=2),
    }
    assert cooperative.assign(counts, subs) == {
        "consumer1": tps(("topic", 0), ("topic", 1)),
        "consumer2": tps(("topic", 2)),
    }


def test_general_builder_computes_transfers_from_owned_partitions() -> None:
    counts = {"topic1": 3, "topic2": 2}
    subs = {
        "consumer1": sub(
            "topic1", owned=tps(("topic1", 0), ("topic1", 1), ("topic1", 2)), generation=1
        ),
        "consumer2": sub("topic1", "topic2", owned=tps(("topic2", 0), ("topic2", 1)), generation=1),
        "consumer3": sub("topic1", generation=1),
    }
    plan = cooperative.plan(counts, subs)
    assert plan.builder == "general"
    moved = plan.partitions_transferring_ownership
    assert moved and all(member == "consumer3" for member in moved.values())
    result = cooperative.assign(counts, subs)
    assert result["consumer3"] == []
    final = settle(cooperative, counts, subs, result)
    assert len(final["consumer3"]) == 1
