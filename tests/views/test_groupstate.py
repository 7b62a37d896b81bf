"""GroupViewState: members, owners and the rebalance timeline folded from the journal."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

import engine
from engine.views.groupstate import GroupViewState, apply_op
from engine.views.live import RESET
from tests.views.group_scenarios import (
    four_on_three,
    poll_all,
    static_restart,
    two_member_group,
)


def lane(state: dict[str, Any], client: str) -> dict[str, Any]:
    return next(lane for lane in state["lanes"] if lane["client"] == client)


def owned_over_time(state: dict[str, Any], client: str) -> list[list[str]]:
    return [[f"{t}-{p}" for t, p in seg[2]] for seg in lane(state, client)["segs"]]


def test_three_partitions_four_consumers_leaves_one_idle() -> None:
    c, _ = four_on_three()
    state = GroupViewState(c, "g").snapshot()
    assert state["header"]["state"] == "Stable" and len(state["members"]) == 4
    owned = sorted(len(m["owned"]) for m in state["members"])
    assert owned == [0, 1, 1, 1]
    assert all(p["owner"] for p in state["partitions"])
    assert len({p["owner"] for p in state["partitions"]}) == 3
    assert [m["instance"] for m in state["members"]] == ["i0", "i1", "i2", "i3"]
    assert [m["colour"] for m in state["members"]] == [0, 1, 2, 3]


def test_eager_revokes_everything_before_the_new_assignment() -> None:
    c, _ = two_member_group("range")
    state = GroupViewState(c, "g").snapshot()
    assert state["header"]["rebalance"] == "EAGER" and state["header"]["generation"] == 2
    # a: nothing, then all three, then nothing (the stop-the-world gap), then two.
    assert owned_over_time(state, "a") == [[], ["t-0", "t-1", "t-2"], [], ["t-0", "t-1"]]
    assert owned_over_time(state, "b") == [[], ["t-2"]]
    marks = [kind for _, kind in lane(state, "a")["marks"]]
    assert marks.index("revoked") < marks.index("rejoined") < len(marks) - 1
    generations = [s["gen"] for s in state["steps"] if s["kind"] == "group_state_changed"]
    assert max(generations) == 2


def test_cooperative_revokes_only_the_moving_partition_then_rebalances_again() -> None:
    c, _ = two_member_group("cooperative-sticky")
    state = GroupViewState(c, "g").snapshot()
    assert state["header"]["rebalance"] == "COOPERATIVE"
    assert state["header"]["generation"] == 3  # the second rebalance hands t-2 over
    # a never owns nothing after its first assignment: only t-2 moves.
    assert owned_over_time(state, "a") == [[], ["t-0", "t-1", "t-2"], ["t-0", "t-1"]]
    assert owned_over_time(state, "b") == [[], ["t-2"]]
    revokes = [s for s in state["steps"] if s["kind"] == "partitions_revoked"]
    assert [s["text"] for s in revokes] == ["a revokes t-2"]


def test_crash_keeps_the_partitions_until_the_session_times_out() -> None:
    c, (a, b) = two_member_group("range")
    b.crash()
    crashed = GroupViewState(c, "g").snapshot()
    member_b = next(m for m in crashed["members"] if m["client"] == "b")
    assert member_b["crashed"] and member_b["owned"] == [["t", 2]]
    assert lane(crashed, "b")["segs"][-1][3] == "crashed"
    while any(m.client_id == "b" for m in c.groups.describe_group("g").members):
        a.poll(1000)  # until session.timeout.ms expires b
    poll_all([a], rounds=50)
    after = GroupViewState(c, "g").snapshot()
    assert [m["client"] for m in after["members"]] == ["a"]
    assert after["members"][0]["owned"] == [["t", 0], ["t", 1], ["t", 2]]
    assert lane(after, "b")["segs"][-1][1] is not None  # b's lane ended
    assert "removed" in [kind for _, kind in lane(after, "b")["marks"]]


def test_live_ops_replayed_on_the_first_snapshot_give_the_final_state() -> None:
    """What group.js does, done in Python: the ops are enough to follow the group."""
    c = engine.Cluster(seed=1)
    c.create_topic("t", partitions=3)
    live = GroupViewState(c, "g")
    mirror = copy.deepcopy(live.snapshot())
    changes: list[Any] = []
    c.journal.subscribe(lambda e: changes.append(live.apply(e)))
    a = c.consumer("t", group_id="g", client_id="a",
                   partition_assignment_strategy=["cooperative-sticky"])
    a.poll(5000)
    b = c.consumer("t", group_id="g", client_id="b",
                   partition_assignment_strategy=["cooperative-sticky"])
    poll_all([a, b])
    b.close()
    poll_all([a], rounds=10)
    for change in changes:
        if change is None:
            continue
        assert change != RESET
        for op in change:
            apply_op(mirror, json.loads(json.dumps(op)))
        mirror["seq"] += 1
    assert mirror == live.snapshot()
    # and a fresh fold of the whole journal draws the same group
    assert GroupViewState(c, "g").snapshot() == {**live.snapshot(), "seq": 0}


def test_timeline_is_trimmed_with_a_reset() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=2)
    state = GroupViewState(c, "g", max_steps=6)
    changes: list[Any] = []
    c.journal.subscribe(lambda e: changes.append(state.apply(e)))
    a = c.consumer("t", group_id="g", client_id="a")
    a.poll(5000)
    b = c.consumer("t", group_id="g", client_id="b")
    poll_all([a, b])
    assert RESET in changes
    snap = state.snapshot()
    assert len(snap["steps"]) <= 6
    first = snap["steps"][0]["i"]
    assert all(s[1] is None or s[1] > first for ln in snap["lanes"] for s in ln["segs"])


def test_an_unknown_group_has_no_members_and_no_steps() -> None:
    c = engine.Cluster(seed=0)
    digest = c.journal.digest()
    state = GroupViewState(c, "nobody").snapshot()
    assert state["header"]["exists"] is False and state["members"] == []
    assert state["steps"] == [] and state["lanes"] == []
    assert c.journal.digest() == digest
    with pytest.raises(ValueError):
        GroupViewState(c, "g", max_steps=2)


def test_static_member_replacement_and_close() -> None:
    c, _ = static_restart()
    state = GroupViewState(c, "g").snapshot()
    assert [ln["client"] for ln in state["lanes"]] == ["a", "b", "b2"]
    old, new = state["lanes"][1], state["lanes"][2]
    assert old["instance"] == new["instance"] == "i-b" and old["colour"] == new["colour"]
    assert old["segs"][-1][3] == "crashed" and old["segs"][-1][1] is not None
    assert [kind for _, kind in old["marks"]][-1] == "replaced"
    assert owned_over_time(state, "b2")[-1] == ["t-2", "t-3"]
    # a static member sends no LeaveGroup on close: it stays until its session expires
    assert [m["client"] for m in state["members"]] == ["a", "b2"]
    assert state["members"][0]["closed"] and state["members"][0]["owned"] == []
    assert lane(state, "a")["segs"][-1][3] == "closed"
