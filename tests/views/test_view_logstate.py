"""TopicLogState: the partition view's state and the small changes it derives from events."""

from __future__ import annotations

import json

import pytest

import engine
from engine.views.logstate import RESET, TopicLogState
from engine.views.palette import NULL_KEY, PALETTE_SIZE, key_colour, key_label, record_tip


def follow(cluster: engine.Cluster, topic: str, max_cells: int = 20):
    """A state subscribed to the journal, and the list of everything ``apply`` returned."""
    state = TopicLogState(cluster, topic, max_cells)
    changes: list[object] = []

    def listener(event: engine.Event) -> None:
        change = state.apply(event)
        if change is not None:
            changes.append(change)

    cluster.journal.subscribe(listener)
    return state, changes


def offsets(part: dict) -> list[int]:
    return [cell[0] for cell in part["cells"]]


def test_snapshot_of_a_new_topic_has_empty_rows() -> None:
    c = engine.Cluster(brokers=3, seed=0)
    c.create_topic("orders", partitions=3, replication_factor=2)
    snap = TopicLogState(c, "orders", 20).snapshot()
    assert snap["exists"] is True and snap["seq"] == 0 and snap["max_cells"] == 20
    assert [p["partition"] for p in snap["partitions"]] == [0, 1, 2]
    described = c.describe_topic("orders").partitions
    assert [p["leader"] for p in snap["partitions"]] == [d.leader for d in described]
    assert [p["replicas"] for p in snap["partitions"]] == [list(d.replicas) for d in described]
    assert all(p["cells"] == [] and p["leo"] == 0 for p in snap["partitions"])
    json.dumps(snap)  # JSON-ready, as a synced trait must be


def test_produce_appends_one_cell_per_record_with_key_colour_and_tip() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("orders", partitions=3)
    state, changes = follow(c, "orders")
    metas = [c.produce("orders", f"v{i}", key=f"id_{i}") for i in range(6)]
    assert len(changes) == 6 and state.seq == 6 and state.record_count == 6
    for meta, change in zip(metas, changes, strict=True):
        (op,) = change
        assert op["op"] == "append" and op["p"] == meta.partition
        assert op["leo"] == op["hw"] == meta.offset + 1
        (cell,) = op["cells"]
        key = f"id_{metas.index(meta)}".encode()
        assert cell[:3] == [meta.offset, key.decode(), key_colour(key)]
        assert cell[3] == record_tip(meta.offset, key, f"v{metas.index(meta)}".encode(), 0)
    fresh = TopicLogState(c, "orders", 20).snapshot()
    assert state.snapshot() == {**fresh, "seq": 6}


def test_only_the_newest_max_cells_records_are_kept() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=1)
    state, _changes = follow(c, "t", max_cells=5)
    for i in range(12):
        c.produce("t", "v", key=f"k{i}")
    part = state.partitions[0]
    assert offsets(part) == [7, 8, 9, 10, 11]
    assert part["start"] == 0 and part["leo"] == 12
    assert TopicLogState(c, "t", 5).partitions[0]["cells"] == part["cells"]


def test_produce_batch_sends_few_small_changes() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("big", partitions=3)
    state, changes = follow(c, "big", max_cells=8)
    before = len(c.journal)
    c.produce_batch("big", [(f"k{i}", "x" * 20) for i in range(200_000)])
    appended = [e for e in c.journal.since(before - 1) if e.kind == "records_appended"]
    assert len(changes) == len(appended) < 1000
    assert all(len(op["cells"]) <= 8 for ops in changes for op in ops)
    assert max(len(json.dumps(ops)) for ops in changes) < 2000
    assert state.record_count == 200_000
    assert [p["leo"] for p in state.partitions] == [
        d.log_end_offset for d in c.describe_topic("big").partitions]


def test_create_partitions_adds_rows() -> None:
    c = engine.Cluster(brokers=2, seed=0)
    c.create_topic("t", partitions=2)
    state, changes = follow(c, "t")
    c.create_partitions("t", 4)
    (ops,) = changes
    assert [op["op"] for op in ops] == ["add"]
    assert [p["partition"] for p in ops[0]["partitions"]] == [2, 3]
    assert len(state.partitions) == 4
    c.produce("t", "v", partition=3)
    assert offsets(state.partitions[3]) == [0]


def test_retention_moves_log_start_and_drops_cells() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("clicks", partitions=1, configs={"segment.ms": 1000, "retention.ms": 5000})
    state, changes = follow(c, "clicks", max_cells=50)
    for _ in range(10):
        c.produce_batch("clicks", [("a", "x"), (None, "y")])
        c.advance(1000)
    rolls = [op for ops in changes for op in ops if op["op"] == "roll"]
    assert rolls and state.partitions[0]["segments"]
    c.advance(300_000)
    part = state.partitions[0]
    described = c.describe_topic("clicks").partitions[0]
    assert part["start"] == described.log_start_offset > 0
    assert offsets(part) == list(range(part["start"], described.log_end_offset))
    assert all(s > part["start"] for s in part["segments"])
    assert any(op["op"] == "offsets" for ops in changes for op in ops)
    assert [c[2] for c in part["cells"]].count(NULL_KEY) == len(part["cells"]) // 2
    assert TopicLogState(c, "clicks", 50).snapshot() == {**state.snapshot(), "seq": 0}


def test_delete_and_recreate_reset_the_state() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=2)
    state, changes = follow(c, "t")
    c.produce("t", "v", key="k")
    c.delete_topic("t")
    assert changes[-1] == RESET and not state.exists and state.partitions == []
    assert state.record_count == 0
    c.create_topic("t", partitions=1)
    assert changes[-1] == RESET and state.exists and len(state.partitions) == 1


def test_a_missing_topic_appears_when_produced_to() -> None:
    c = engine.Cluster(seed=0)
    state, changes = follow(c, "auto")
    assert not state.exists and state.snapshot()["partitions"] == []
    c.produce("auto", "v", key="k")  # auto.create.topics.enable is true by default
    assert changes[0] == RESET and state.exists and state.record_count == 1


def test_other_topics_are_ignored() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("mine", partitions=1)
    state, changes = follow(c, "mine")
    c.create_topic("other", partitions=1)
    c.produce("other", "v")
    c.advance(10)
    assert changes == [] and state.seq == 0


def test_max_cells_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_cells"):
        TopicLogState(engine.Cluster(seed=0), "t", 0)


def test_key_colours_and_labels_are_stable() -> None:
    assert key_colour(None) == NULL_KEY
    assert key_colour(b"id_1") == key_colour(b"id_1")
    assert {key_colour(f"k{i}".encode()) for i in range(200)} == set(range(PALETTE_SIZE))
    assert key_label(None) is None and key_label(b"") == '""'
    assert key_label(b"customer-000123") == "customer-…"
    assert key_label(b"\xff\x00") == "\\xff\x00"


# ------------------------------------------------------------------ replication and failures


def replicated(**kwargs: object) -> engine.Cluster:
    c = engine.Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("orders", partitions=1, replication_factor=3, **kwargs)  # type: ignore[arg-type]
    return c


def test_with_replication_a_record_is_drawn_when_the_high_watermark_passes_it() -> None:
    c = replicated()
    state, changes = follow(c, "orders")
    c.produce("orders", "a", key="k")
    appends = [op for change in changes for op in change if op["op"] == "append"]
    assert [op["hw"] for op in appends] == [0, 1]  # at records_appended, then at the HW
    assert [offsets({"cells": op["cells"]}) for op in appends] == [[], [0]]
    assert state.snapshot() == {**TopicLogState(c, "orders", 20).snapshot(), "seq": state.seq}


def test_acks_1_records_are_drawn_only_once_replicated() -> None:
    c = replicated()
    state, _ = follow(c, "orders")
    c.produce("orders", "safe")
    c.produce("orders", "pending", acks=1)
    part = state.partitions[0]
    assert offsets(part) == [0] and part["hw"] == 1 and part["leo"] == 2
    c.advance(0)  # followers copy it, the high watermark moves
    assert offsets(state.partitions[0]) == [0, 1]


def test_a_new_leader_resets_the_view_and_keeps_the_committed_records() -> None:
    c = replicated()
    state, changes = follow(c, "orders")
    for i in range(3):
        c.produce("orders", f"v{i}")
    old = state.partitions[0]["leader"]
    c.kill_broker(old)
    c.advance(20000)
    assert RESET in changes
    part = state.partitions[0]
    assert part["leader"] not in (None, old) and offsets(part) == [0, 1, 2]
    c.produce("orders", "v3")
    assert offsets(state.partitions[0]) == [0, 1, 2, 3]
    assert state.snapshot() == {**TopicLogState(c, "orders", 20).snapshot(), "seq": state.seq}


def test_with_no_leader_the_last_known_state_stays_without_raising() -> None:
    c = engine.Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("orders", partitions=1, replication_factor=1)
    state, _ = follow(c, "orders")
    c.produce("orders", "a")
    c.produce("orders", "b")
    broker = state.partitions[0]["leader"]
    c.kill_broker(broker)
    c.advance(20000)
    part = state.partitions[0]
    assert part["leader"] is None and offsets(part) == [0, 1] and part["hw"] == 2
    fresh = TopicLogState(c, "orders", 20).snapshot()  # a view opened during the outage
    assert offsets(fresh["partitions"][0]) == [0, 1]
    assert fresh["partitions"][0]["leader"] is None


def test_an_unclean_election_redraws_the_new_leaders_log() -> None:
    c = replicated()
    state, _ = follow(c, "orders")
    for i in range(3):
        c.produce("orders", f"v{i}")
    leader = state.partitions[0]["leader"]
    followers = [b for b in (1, 2, 3) if b != leader]
    for b in followers:
        c.kill_broker(b)
    c.advance(20000)
    c.produce("orders", "only-on-the-leader")  # committed with the ISR = [leader]
    assert offsets(state.partitions[0]) == [0, 1, 2, 3]
    c.kill_broker(leader)
    c.advance(20000)
    c.restart_broker(followers[0])
    c.advance(5000)
    c.elect_leaders("unclean")
    part = state.partitions[0]
    assert part["leader"] == followers[0] and offsets(part) == [0, 1, 2] and part["hw"] == 3
