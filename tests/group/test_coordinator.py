"""Classic group states, generations, delays, timeouts and static membership."""

from __future__ import annotations

import pytest

from engine.core.errors import (
    FencedInstanceIdError,
    IllegalGenerationError,
    InconsistentGroupProtocolError,
    InvalidGroupIdError,
    InvalidSessionTimeoutError,
    RebalanceInProgressError,
    UnknownMemberIdError,
)
from engine.core.records import TopicPartition as TP
from engine.group.coordinator import java_uuid
from tests.group.helpers import join, kinds, new_cluster, state


def _stable_single(cluster):
    j = join(cluster, client_id="c1")
    cluster.advance(3000)
    assert j.done and j.value.error is None
    r = j.value
    s = cluster.groups.sync_group("g", r.member_id, r.generation,
                                  assignments={r.member_id: [TP("t", 0), TP("t", 1)]})
    assert s.done
    return r.member_id


def test_first_join_waits_for_the_initial_rebalance_delay() -> None:
    cluster = new_cluster()
    j = join(cluster, client_id="c1")
    assert state(cluster) == "PreparingRebalance"
    cluster.advance(2999)
    assert not j.done
    cluster.advance(1)
    assert j.done
    r = j.value
    assert r.error is None and r.generation == 1 and r.leader == r.member_id
    assert r.protocol_name == "range"
    assert r.member_id.startswith("c1-") and len(r.member_id) == len("c1-") + 36
    assert [m[0] for m in r.members] == [r.member_id]
    assert state(cluster) == "CompletingRebalance"


def test_each_new_member_extends_the_initial_delay() -> None:
    cluster = new_cluster()
    j1 = join(cluster, client_id="c1")
    cluster.advance(2000)
    j2 = join(cluster, client_id="c2")
    cluster.advance(1000)  # 3000: first delay ends, a member was added: wait 3000 more
    assert not j1.done
    cluster.advance(3000)
    assert j1.done and j2.done
    assert j1.value.generation == j2.value.generation == 1
    assert len(j1.value.members) == 2 and j2.value.members == ()


def test_sync_makes_the_group_stable_and_hands_out_assignments() -> None:
    cluster = new_cluster()
    j1, j2 = join(cluster, client_id="c1"), join(cluster, client_id="c2")
    cluster.advance(6000)
    leader, follower = j1.value.member_id, j2.value.member_id
    s2 = cluster.groups.sync_group("g", follower, 1)
    assert not s2.done  # waits for the leader
    s1 = cluster.groups.sync_group("g", leader, 1, assignments={
        leader: [TP("t", 0), TP("t", 1)], follower: [TP("t", 2)]})
    assert s1.value.assignment == (TP("t", 0), TP("t", 1))
    assert s2.value.assignment == (TP("t", 2),)
    assert state(cluster) == "Stable"
    d = cluster.groups.describe_group("g")
    assert d.protocol == "range" and d.generation == 1 and d.leader == leader
    assert [m.assignment for m in d.members] == [(TP("t", 0), TP("t", 1)), (TP("t", 2),)]


def test_states_through_a_rebalance_and_generations_grow() -> None:
    cluster = new_cluster()
    m1 = _stable_single(cluster)
    j2 = join(cluster, client_id="c2")
    assert state(cluster) == "PreparingRebalance"
    assert cluster.groups.heartbeat("g", m1, 1) is RebalanceInProgressError
    j1 = join(cluster, member_id=m1, client_id="c1")  # all known members rejoined
    assert j1.done and j2.done and j1.value.generation == 2
    assert state(cluster) == "CompletingRebalance"
    assert cluster.groups.heartbeat("g", m1, 1) is IllegalGenerationError
    assert cluster.groups.heartbeat("g", m1, 2) is None
    transitions = [(e.data["from"], e.data["to"]) for e in cluster.journal
                   if e.kind == "group_state_changed"]
    assert transitions == [("Empty", "PreparingRebalance"),
                           ("PreparingRebalance", "CompletingRebalance"),
                           ("CompletingRebalance", "Stable"),
                           ("Stable", "PreparingRebalance"),
                           ("PreparingRebalance", "CompletingRebalance")]


def test_members_that_do_not_rejoin_are_removed_after_the_rebalance_timeout() -> None:
    cluster = new_cluster()
    m1 = _stable_single(cluster)
    join(cluster, client_id="c2", rebalance_timeout_ms=60000)
    # m1 keeps heartbeating (so no session timeout) but never rejoins
    for _ in range(11):
        cluster.advance(5000)
        cluster.groups.heartbeat("g", m1, 1)
    assert state(cluster) == "PreparingRebalance"
    cluster.advance(5000)
    removed = [e.data for e in cluster.journal if e.kind == "member_removed"]
    assert removed == [{"group": "g", "member_id": m1, "group_instance_id": None,
                        "reason": "rebalance_timeout"}]
    assert state(cluster) == "CompletingRebalance"


def test_session_timeout_removes_a_silent_member() -> None:
    cluster = new_cluster()
    m1 = _stable_single(cluster)
    cluster.advance(9999)
    assert state(cluster) == "Stable"
    cluster.advance(1)  # session.timeout.ms = 10000 after the join completed
    assert [e.data["reason"] for e in cluster.journal if e.kind == "member_removed"] == [
        "session_timeout"]
    assert state(cluster) == "Empty"
    assert cluster.groups.heartbeat("g", m1, 1) is UnknownMemberIdError


def test_heartbeats_keep_a_member_alive() -> None:
    cluster = new_cluster()
    m1 = _stable_single(cluster)
    for _ in range(10):
        cluster.advance(3000)
        assert cluster.groups.heartbeat("g", m1, 1) is None
    assert state(cluster) == "Stable"


def test_leave_group_rebalances_and_the_last_leave_empties_the_group() -> None:
    cluster = new_cluster()
    m1 = _stable_single(cluster)
    assert cluster.groups.leave_group("g", m1) is None
    assert state(cluster) == "Empty"
    started = [e.data for e in cluster.journal if e.kind == "group_generation_started"]
    assert started[-1]["generation"] == 2 and started[-1]["members"] == []
    assert cluster.groups.leave_group("g", m1) is UnknownMemberIdError


def test_pending_sync_expiry_removes_members_that_never_sync() -> None:
    cluster = new_cluster()
    j1, j2 = join(cluster, client_id="c1"), join(cluster, client_id="c2")
    cluster.advance(6000)
    leader = j1.value.member_id
    cluster.groups.sync_group("g", leader, 1, assignments={leader: [TP("t", 0)]})
    for _ in range(12):  # the leader heartbeats, the follower never sends SyncGroup
        cluster.advance(5000)
        cluster.groups.heartbeat("g", leader, 1)
    removed = [e.data["member_id"] for e in cluster.journal if e.kind == "member_removed"]
    assert removed == [j2.value.member_id]


def test_static_member_rejoins_without_a_rebalance() -> None:
    cluster = new_cluster()
    j = join(cluster, client_id="c1", instance="i1")
    cluster.advance(3000)
    old = j.value.member_id
    assert old.startswith("i1-")
    cluster.groups.sync_group("g", old, 1, group_instance_id="i1",
                              assignments={old: [TP("t", 0)]})
    generation_events = len(kinds(cluster, "group_generation_started"))
    again = join(cluster, client_id="c1", instance="i1")  # restarted: unknown member id
    assert again.done and again.value.error is None
    new = again.value.member_id
    assert new != old and again.value.generation == 1
    assert state(cluster) == "Stable"
    assert len(kinds(cluster, "group_generation_started")) == generation_events
    s = cluster.groups.sync_group("g", new, 1, group_instance_id="i1")
    assert s.value.assignment == (TP("t", 0),)
    assert cluster.groups.heartbeat("g", old, 1, "i1") is FencedInstanceIdError
    replaced = kinds(cluster, "static_member_replaced")
    assert replaced == ["static_member_replaced"]


def test_static_member_is_kept_when_it_misses_a_rebalance() -> None:
    cluster = new_cluster()
    j = join(cluster, client_id="c1", instance="i1", rebalance_timeout_ms=10000)
    cluster.advance(3000)
    m1 = j.value.member_id
    cluster.groups.sync_group("g", m1, 1, group_instance_id="i1", assignments={m1: []})
    j2 = join(cluster, client_id="c2", rebalance_timeout_ms=10000)
    for _ in range(2):  # it heartbeats but never rejoins; the rebalance times out
        cluster.advance(5000)
        cluster.groups.heartbeat("g", m1, 1, "i1")
    assert j2.done and m1 in [m[0] for m in j2.value.members]


def test_bad_requests() -> None:
    cluster = new_cluster()
    with pytest.raises(InvalidGroupIdError):
        join(cluster, group="")
    bad = join(cluster, session_timeout_ms=5999)
    assert bad.value.error is InvalidSessionTimeoutError
    _stable_single(cluster)
    other = join(cluster, client_id="c2", protocols=[("roundrobin", None)])
    assert other.value.error is InconsistentGroupProtocolError
    assert cluster.groups.sync_group("g", "nobody", 1).value.error is UnknownMemberIdError


def test_select_protocol_by_vote() -> None:
    cluster = new_cluster()
    from engine.assignors import Subscription

    sub = Subscription(("t",))
    j1 = join(cluster, client_id="c1", protocols=[("range", sub), ("roundrobin", sub)])
    j2 = join(cluster, client_id="c2", protocols=[("roundrobin", sub), ("range", sub)])
    j3 = join(cluster, client_id="c3", protocols=[("roundrobin", sub)])
    cluster.advance(9000)
    assert {j.value.protocol_name for j in (j1, j2, j3)} == {"roundrobin"}


def test_member_uuid_is_a_java_uuid() -> None:
    import random

    text = java_uuid(random.Random(1))
    assert len(text) == 36 and text[14] == "4" and text[19] in "89ab"


def test_a_leaving_leader_passes_on_to_the_first_member_in_hashmap_order() -> None:
    # ClassicGroup.remove: leaderId = members.keySet().iterator().next() (a HashMap).
    from engine.core.java import hash_order, string_hash

    cluster = new_cluster(seed=0)
    joins = [join(cluster, client_id=f"c{i}") for i in range(3)]
    cluster.advance(6000)
    ids = [j.value.member_id for j in joins]
    assert cluster.groups.describe_group("g").leader == ids[0]
    assert cluster.groups.leave_group("g", ids[0]) is None
    expected = hash_order(ids[1:], string_hash, 16)[0]
    assert expected == ids[2]  # not the next in join order
    assert cluster.groups.describe_group("g").leader == expected


def test_leave_and_session_expiry_give_kafkas_rebalance_reasons() -> None:
    cluster = new_cluster()
    j1, j2 = join(cluster, client_id="c1"), join(cluster, client_id="c2")
    cluster.advance(6000)
    m1, m2 = j1.value.member_id, j2.value.member_id
    cluster.groups.sync_group("g", m1, 1, assignments={m1: [TP("t", 0)]})
    cluster.groups.sync_group("g", m2, 1)
    assert cluster.groups.leave_group("g", m1) is None
    reasons = [e.data["reason"] for e in cluster.journal if e.kind == "group_state_changed"]
    assert reasons[-1] == f"explicit `LeaveGroup` request for ({m1}) members."
    single = new_cluster()
    member = _stable_single(single)
    single.advance(11000)  # no heartbeat: the session expires
    reasons = [e.data["reason"] for e in single.journal if e.kind == "group_state_changed"]
    assert f"removing member {member} on heartbeat expiration." in reasons


def test_pending_sync_expiry_names_the_members_as_a_java_set() -> None:
    cluster = new_cluster()
    j1 = join(cluster, client_id="c1", session_timeout_ms=100000, rebalance_timeout_ms=5000)
    j2 = join(cluster, client_id="c2", session_timeout_ms=100000, rebalance_timeout_ms=5000)
    cluster.advance(6000)
    leader, follower = j1.value.member_id, j2.value.member_id
    cluster.groups.sync_group("g", leader, 1, assignments={leader: [TP("t", 0)]})
    cluster.advance(6000)
    reasons = [e.data["reason"] for e in cluster.journal if e.kind == "group_state_changed"]
    # Kafka prints the HashSet of ids with Java's toString: no quotes.
    assert f"Removing [{follower}] on pending sync request expiration" in reasons
