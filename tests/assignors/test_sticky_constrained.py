"""The constrained builder on its own: quotas, round-robin fill, transfers."""

from __future__ import annotations

from engine.assignors.sticky_constrained import build_constrained
from engine.assignors.sticky_owned import check_owned_partitions
from tests.assignors.helpers import sub, tp, tps


def test_fresh_members_get_round_robin_in_member_id_order() -> None:
    subs = {"b": sub("t"), "a": sub("t"), "c": sub("t")}
    result = build_constrained({"t": 4}, check_owned_partitions({"t": 4}, subs))
    assert result.assignment == {
        "a": tps(("t", 0), ("t", 3)),
        "b": tps(("t", 1)),
        "c": tps(("t", 2)),
    }
    assert result.transferring == {}


def test_owners_keep_up_to_quota_and_excess_transfers() -> None:
    subs = {
        "a": sub("t", owned=tps(("t", 0), ("t", 1), ("t", 2), ("t", 3)), generation=1),
        "b": sub("t", generation=1),
    }
    result = build_constrained({"t": 4}, check_owned_partitions({"t": 4}, subs))
    assert result.assignment == {"a": tps(("t", 0), ("t", 1)), "b": tps(("t", 2), ("t", 3))}
    assert result.transferring == {tp("t", 2): "b", tp("t", 3): "b"}
