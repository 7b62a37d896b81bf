"""OffsetsView: committed offset, positions, high watermark and lag per partition."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import comm
import pytest

import engine
from engine.views import OffsetsView
from engine.views.offsetsstate import apply_op
from tests.views.test_partition_view import RecordingComm


@pytest.fixture(autouse=True)
def recording_comm(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    yield


def scenario() -> tuple[engine.Cluster, OffsetsView, Any]:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=2)
    view = OffsetsView(c, "g")
    for i in range(10):
        c.produce("t", f"v{i}", partition=i % 2)
    a = c.consumer("t", group_id="g", client_id="a", auto_offset_reset="earliest",
                   enable_auto_commit=False, max_poll_records=3)
    return c, view, a


def test_commit_then_lag() -> None:
    c, view, a = scenario()
    assert [r["committed"] for r in view.rows] == [None, None]
    a.poll(5000)  # reads 3 records of one partition
    a.commit()
    rows = view.rows
    assert [r["hw"] for r in rows] == [5, 5]
    assert sorted(r["committed"] for r in rows) == [0, 3]
    assert sorted(r["lag"] for r in rows) == [2, 5]
    assert view.total_lag == 7 == c.groups.total_lag("g")
    c.produce("t", "more", partition=0)
    assert view.rows[0]["hw"] == 6
    assert view.total_lag == c.groups.total_lag("g")
    positions = {(r["partition"], p[0]): p[2] for r in view.rows for p in r["positions"]}
    assert sorted(positions.values()) == [0, 3] and all(k[1] == "a" for k in positions)


def test_crash_forgets_positions_but_keeps_the_committed_offsets() -> None:
    _c, view, a = scenario()
    a.poll(5000)
    a.commit()
    a.poll(0)
    a.crash()
    assert all(r["positions"] == [] for r in view.rows)
    assert sorted(r["committed"] for r in view.rows) == [0, 3]
    assert repr(view) == "OffsetsView(group='g', partitions=2, committed=2, total_lag=7)"


def test_deltas_replayed_give_the_state_and_the_engine_is_untouched() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=2)
    view = OffsetsView(c, "g")
    mirror = json.loads(json.dumps(view.snapshot))
    deltas: list[dict[str, Any]] = []
    view.observe(lambda change: deltas.append(change["new"]), names="delta")
    a = c.consumer("t", group_id="g", client_id="a", auto_offset_reset="earliest")
    for i in range(6):
        c.produce("t", f"v{i}", key=f"k{i}")
        a.poll(1000)
    a.commit()
    c.create_partitions("t", 3)
    for delta in deltas:
        assert delta["seq"] == mirror["seq"] + 1
        for op in delta["ops"]:
            apply_op(mirror, op)
        mirror["seq"] = delta["seq"]
    assert mirror == view.state and len(view.rows) == 3
    digest = c.journal.digest()
    view.to_html()
    OffsetsView(c, "g").to_html()
    assert c.journal.digest() == digest


def test_static_html_is_deterministic_with_data_attributes() -> None:
    html = scenario()[1].to_html()
    assert 'class="kc-offsets-view kc-static" data-group="g" data-partitions="2"' in html
    assert html.count('class="kc-offsets-row"') == 2 and 'data-committed="-"' in html
    assert "<script" not in html
    _c, view, a = scenario()
    a.poll(5000)
    a.commit()
    html = view.to_html()
    assert html == view.to_html() and 'class="kc-committed-mark"' in html
    assert 'class="kc-position-mark" data-client-id="a"' in html
    empty = OffsetsView(engine.Cluster(seed=0), "nobody")
    assert "No partitions yet" in empty.to_html()
    assert repr(empty) == "OffsetsView(group='nobody', partitions=0, committed=0, total_lag=0)"
