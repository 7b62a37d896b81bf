"""The classic group model: Kafka's HashMap orders for protocol votes and the leader."""

from __future__ import annotations

from engine.assignors import Subscription
from engine.group.state import Group, Member


def _member(member_id: str, *protocols: str) -> Member:
    subscription = Subscription(("t",))
    return Member(member_id=member_id, group_instance_id=None, client_id="c",
                  client_host="/127.0.0.1", session_timeout_ms=10000,
                  rebalance_timeout_ms=60000, protocol_type="consumer",
                  protocols=[(name, subscription) for name in protocols])


def test_a_protocol_tie_goes_to_the_first_name_in_hashmap_order() -> None:
    # ClassicGroup.selectProtocol: votes in a HashMap, Stream.max keeps the first of equal
    # counts; "range" (bucket 9) comes before "roundrobin" (bucket 10) whoever voted first.
    group = Group("g")
    group.add_member(_member("x", "roundrobin", "range"))
    group.add_member(_member("y", "range", "roundrobin"))
    assert group.select_protocol() == "range"


def test_the_most_votes_still_win() -> None:
    group = Group("g")
    for member_id in ("x", "y"):
        group.add_member(_member(member_id, "roundrobin", "range"))
    group.add_member(_member("z", "range", "roundrobin"))
    assert group.select_protocol() == "roundrobin"


def test_members_iterate_in_hashmap_order_of_the_largest_table() -> None:
    group = Group("g")
    for member_id in ("c", "b", "a"):
        group.add_member(_member(member_id, "range"))
    assert group.member_ids_in_java_order() == ["a", "b", "c"]
    ids = [f"m-{i}" for i in range(14)]
    big = Group("h")
    for member_id in ids:
        big.add_member(_member(member_id, "range"))
    for member_id in ids:
        if member_id not in ("m-1", "m-10"):
            del big.members[member_id]
    # 14 members grew the table to 32 buckets; it does not shrink when they leave.
    assert big.peak_members == 14
    assert big.member_ids_in_java_order() == ["m-10", "m-1"]  # ["m-1", "m-10"] in 16
