"""LagView and LagSeries: lag over simulated time, and its SVG."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import comm
import pytest

import engine
from engine.views import LagView
from engine.views.lagstate import LagSeries, apply_op, nice_ceiling, render_svg
from tests.views.test_partition_view import RecordingComm


@pytest.fixture(autouse=True)
def recording_comm(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    yield


def run(view_factory: Any = LagView) -> tuple[engine.Cluster, Any, Any]:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=2)
    view = view_factory(c, "g")
    a = c.consumer("t", group_id="g", client_id="a", auto_offset_reset="earliest",
                   enable_auto_commit=False, max_poll_records=2)
    for i in range(8):
        c.produce("t", f"v{i}", partition=i % 2)
    for _ in range(6):  # the first 3 s: group.initial.rebalance.delay.ms
        a.poll(1000)
        a.commit()
        c.advance(500)
    return c, view, a


def test_lag_follows_produce_and_commit() -> None:
    c, view, _a = run()
    points = view.points
    assert points[0][1] is None  # nothing committed yet: no lag to draw
    assert view.total_lag == c.groups.total_lag("g")
    totals = [p[1] for p in points if p[1] is not None]
    assert totals[0] == 6 and totals[-1] == c.groups.total_lag("g") < 6
    assert all(len(p[2]) == 2 for p in points)
    times = [p[0] for p in points]
    assert times == sorted(set(times))  # one point per millisecond at most
    before = len(points)
    c.produce("t", "x", partition=0)
    assert len(view.points) == before + 1 and view.total_lag == c.groups.total_lag("g")


def test_deltas_replayed_give_the_state() -> None:
    """What lag.js does: snapshots replace the copy, deltas apply in seq order."""
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=2)
    view = LagView(c, "g")
    changes: list[list[Any]] = []
    view.observe(lambda change: changes.append([change["name"], change["new"]]),
                 names=["snapshot", "delta"])
    mirror = json.loads(json.dumps(view.snapshot))
    a = c.consumer("t", group_id="g", client_id="a", auto_offset_reset="earliest")
    c.produce("t", "v", partition=0)
    a.poll(6000)
    a.commit()
    c.produce("t", "w", partition=1)
    c.advance(1000)
    for name, value in changes:
        if name == "snapshot":
            mirror = json.loads(json.dumps(value))
        elif value["seq"] == mirror["seq"] + 1:
            for op in value["ops"]:
                apply_op(mirror, op)
            mirror["seq"] = value["seq"]
    assert mirror == view.state
    assert view.state["now"] == c.now_ms


def test_svg_is_deterministic_and_integer_only() -> None:
    svg = run()[1].to_svg()
    assert svg == run()[1].to_svg()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="kc-lag-plot"')
    assert svg.count('class="kc-lag-line"') == 2 and svg.count('class="kc-lag-total"') == 1
    for d in re.findall(r' d="([^"]*)"', svg):
        assert re.fullmatch(r"(M\d+ \d+|H\d+|V\d+)+", d), d
    view = run()[1]
    assert view.to_html().count(svg) == 1 and 'class="kc-lag-view kc-static"' in view.to_html()
    empty = render_svg({"group": "g", "partitions": [], "points": [], "now": 0})
    assert "no lag measured yet" in empty


def test_repr_thinning_and_nice_scale() -> None:
    c, view, _ = run()
    assert re.fullmatch(r"LagView\(group='g', partitions=2, points=\d+, total_lag=\d+, "
                        r"peak=\d+\)", repr(view))
    assert [nice_ceiling(v) for v in (1, 3, 7, 11, 51)] == [1, 5, 10, 20, 100]
    series = LagSeries(c, "g", max_points=4)
    assert len(series.points) <= 4
    digest = c.journal.digest()
    LagView(c, "g").to_html()
    assert c.journal.digest() == digest


def test_a_late_view_draws_the_history_from_the_journal() -> None:
    c, early, a = run()
    late = LagView(c, "g")
    assert late.points == early.points and late.state["now"] == c.now_ms
    a.crash()
    c.produce("t", "y", partition=1)
    assert late.points == early.points


def test_lag_with_replication_matches_the_engine() -> None:
    c = engine.Cluster(brokers=3, seed=2)
    c.create_topic("r", partitions=2, replication_factor=3)
    view = LagView(c, "g")
    a = c.consumer("r", group_id="g", client_id="a", auto_offset_reset="earliest",
                   enable_auto_commit=False, max_poll_records=3)
    for i in range(9):
        c.produce("r", f"v{i}", partition=i % 2)
    for _ in range(5):
        a.poll(1000)
        a.commit()
        c.produce("r", "more", partition=0)
        c.advance(300)
    engine_lag = c.groups.lag("g")
    last = view.points[-1]
    assert last[2] == [engine_lag[("r", 0)], engine_lag[("r", 1)]]
    assert last[1] == c.groups.total_lag("g")
    assert LagView(c, "g").points == view.points


def test_offsets_deleted_by_request_leave_the_partition_without_lag() -> None:
    c, view, a = run()
    a.close()
    c.groups.delete_offsets("g", [engine.TopicPartition("t", 0)])
    lags = view.points[-1][2]
    assert lags[0] is None and lags[1] is not None  # as kafka-consumer-groups prints "-"
