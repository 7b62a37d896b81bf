"""PartitionView: synced traits, the deltas it sends, its reprs, static HTML and closing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import comm
import pytest
from comm.base_comm import BaseComm

import engine
from engine.views import PartitionView


class RecordingComm(BaseComm):
    """A comm that keeps every message a widget publishes instead of sending it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.messages: list[tuple[str, Any]] = []
        super().__init__(*args, **kwargs)

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                    buffers: Any = None, **keys: Any) -> None:
        self.messages.append((msg_type, data))


@pytest.fixture(autouse=True)
def recording_comm(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    yield


def updates(view: PartitionView) -> list[dict[str, Any]]:
    """The state updates the widget sent to the front end, oldest first."""
    return [data["state"] for kind, data in view.comm.messages
            if kind == "comm_msg" and data.get("method") == "update"]


def make_orders(seed: int = 0) -> tuple[engine.Cluster, PartitionView]:
    c = engine.Cluster(brokers=3, seed=seed)
    c.create_topic("orders", partitions=3, replication_factor=2)
    view = PartitionView(c, "orders", max_cells=6)
    for i in range(10):
        c.produce("orders", f"order {i}", key=f"id_{i % 4}")
    c.produce("orders", "no key")
    c.produce_batch("orders", [(f"customer-{i % 7}", f"v{i}") for i in range(40)])
    c.create_partitions("orders", 4)
    return c, view


def test_initial_state_is_one_snapshot() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("orders", partitions=3)
    view = PartitionView(c, "orders")
    assert view.snapshot["topic"] == "orders" and len(view.snapshot["partitions"]) == 3
    assert view.delta == {"seq": 0, "ops": []}
    opened = [data for kind, data in view.comm.messages if kind == "comm_open"]
    assert opened and opened[0]["state"]["snapshot"] == view.snapshot
    assert view.partition_count == 3 and view.record_count == 0 and view.exists


def test_each_event_sends_one_small_delta_and_no_snapshot() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("orders", partitions=3)
    view = PartitionView(c, "orders")
    seen: list[int] = []
    view.observe(lambda change: seen.append(change["new"]["seq"]), names="delta")
    for i in range(1000):
        c.produce("orders", f"v{i}", key=f"id_{i % 50}")
    assert seen == list(range(1, 1001))
    sent = updates(view)
    assert len(sent) == 1000 and all(set(s) == {"delta"} for s in sent)
    assert max(len(json.dumps(s)) for s in sent) < 400
    assert view.record_count == 1000 and c.journal.listener_errors == []


def test_produce_batch_create_partitions_and_delete() -> None:
    c, view = make_orders()
    assert view.partition_count == 4 and view.record_count == 51
    state = view.state
    assert sum(len(p["cells"]) for p in state["partitions"]) <= 4 * 6
    assert [p["leo"] for p in state["partitions"]] == [
        d.log_end_offset for d in c.describe_topic("orders").partitions]
    assert updates(view)[-1]["delta"]["ops"][0]["op"] == "add"
    snapshots = len([s for s in updates(view) if "snapshot" in s])
    c.delete_topic("orders")
    assert not view.exists and view.partition_count == 0
    assert view.snapshot["exists"] is False and view.snapshot["partitions"] == []
    assert len([s for s in updates(view) if "snapshot" in s]) == snapshots + 1
    assert repr(view) == "PartitionView(topic='orders', partitions=0, records=0, exists=False)"


def test_deltas_replayed_on_the_snapshot_give_the_current_state() -> None:
    """What the front end does, done in Python: the ops are enough to follow the log."""
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=2, configs={"segment.ms": 1000, "retention.ms": 4000})
    view = PartitionView(c, "t", max_cells=5)
    copy = json.loads(json.dumps(view.snapshot))
    deltas: list[dict[str, Any]] = []
    view.observe(lambda change: deltas.append(change["new"]), names="delta")
    for i in range(8):
        c.produce_batch("t", [(f"k{i}", "x"), (None, "y")])
        c.produce("t", "z", key="k")
        c.advance(1000)
    c.advance(300_000)
    c.create_partitions("t", 3)
    for delta in deltas:
        assert delta["seq"] == copy["seq"] + 1
        for op in delta["ops"]:
            apply_like_the_front_end(copy, op)
        copy["seq"] = delta["seq"]
    assert copy == view.state


def apply_like_the_front_end(state: dict[str, Any], op: dict[str, Any]) -> None:
    """A Python transcription of applyOp in partitions.js."""
    if op["op"] == "add":
        state["partitions"].extend(op["partitions"])
        return
    part = state["partitions"][op["p"]]
    part.update(start=op["start"], hw=op["hw"], leo=op["leo"])
    part["cells"] = [cell for cell in part["cells"] if cell[0] >= op["start"]]
    part["segments"] = [s for s in part["segments"] if s > op["start"]]
    if op["op"] == "append":
        part["cells"] = (part["cells"] + op["cells"])[-state["max_cells"]:]
    elif op["op"] == "roll" and op["base"] > part["start"] and op["base"] not in part["segments"]:
        part["segments"].append(op["base"])


def test_resync_request_resends_the_current_snapshot() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=1)
    view = PartitionView(c, "t")
    c.produce("t", "v", key="k")
    assert view.snapshot["seq"] == 0
    view._on_front_end_message(view, {"kind": "resync", "have": 0}, [])
    assert view.snapshot == view.state and view.snapshot["seq"] == 1
    before = len(updates(view))
    view._on_front_end_message(view, {"kind": "resync", "have": 1}, [])  # same value again
    assert len(updates(view)) == before + 1 and "snapshot" in updates(view)[-1]
    view._on_front_end_message(view, {"kind": "something else"}, [])
    assert len(updates(view)) == before + 1


def test_repr_is_deterministic() -> None:
    _, view = make_orders()
    assert repr(view) == "PartitionView(topic='orders', partitions=4, records=51)"
    assert repr(PartitionView(engine.Cluster(seed=0), "nope")) == (
        "PartitionView(topic='nope', partitions=0, records=0, exists=False)")


def test_mimebundle_has_widget_static_html_and_text() -> None:
    _, view = make_orders()
    data, _metadata = view._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == view.model_id
    assert data["text/plain"] == repr(view)
    assert data["text/html"] == view.to_html()


def test_static_html_is_deterministic_and_countable() -> None:
    html = make_orders(seed=7)[1].to_html()
    assert html == make_orders(seed=7)[1].to_html()
    assert "<script" not in html and "<style" not in html
    assert not re.search(r"\b[0-9a-f]{32}\b", html)  # no model ids or uuids
    assert 'class="kc-partition-view kc-static" data-topic="orders" data-partitions="4" ' \
           'data-records="51"' in html
    assert len(re.findall(r'class="kc-partition" data-partition="\d+"', html)) == 4
    view = make_orders(seed=7)[1]
    cells = sum(len(p["cells"]) for p in view.state["partitions"])
    assert len(re.findall(r'class="kc-record[^"]*" data-offset="\d+"', html)) == cells


def test_static_html_escapes_keys_and_values() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=1)
    view = PartitionView(c, "t")
    c.produce("t", '<img src=x onerror="alert(1)">', key="<b>&")
    html = view.to_html()
    assert "<b>&" not in html and "&lt;b&gt;&amp;" in html
    assert "<img" not in html


def test_close_unsubscribes_from_the_journal() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=1)
    view = PartitionView(c, "t")
    seen: list[int] = []
    view.observe(lambda change: seen.append(change["new"]["seq"]), names="delta")
    c.produce("t", "v")
    view.close()
    c.produce("t", "v")
    c.delete_topic("t")
    assert seen == [1] and view.record_count == 1 and view.exists
    view.close()  # closing twice is harmless
