"""ClusterView: brokers, leaders, ISRs and replica log ends, live; its buttons; its outputs.

The Python half needs no browser. The last tests load ``cluster.js`` into real Chromium
with a stand-in widget model (as ``test_partitions_js`` does), replay what Python sent,
click the buttons and feed Python's answers back: the leader moves on the page.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import comm
import pytest

import engine
from engine.views.cluster import ClusterView, header_text, render_html, row_text
from engine.views.clusterstate import apply_op, broker_status, row_health
from tests.browser.standalone import mount as mount_view
from tests.browser.standalone import record_changes
from tests.views.test_partition_view import RecordingComm


@pytest.fixture(autouse=True)
def recording_comm(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    yield


def make(seed: int = 0, **configs: Any) -> tuple[engine.Cluster, ClusterView]:
    c = engine.Cluster(brokers=3, seed=seed, controller="dedicated")
    c.create_topic("t", partitions=3, replication_factor=3,
                   configs={"min.insync.replicas": "2", **configs})
    return c, ClusterView(c)


def replay(initial: dict[str, Any], changes: list[list[Any]]) -> dict[str, Any]:
    """What the front end ends up with (the rules of cluster.js, via ``apply_op``)."""
    state = copy.deepcopy(initial)
    for name, value in changes:
        if name == "snapshot":
            state = copy.deepcopy(value)
        elif value["seq"] == state["seq"] + 1:
            for op in value["ops"]:
                apply_op(state, op)
            state["seq"] = value["seq"]
        else:
            raise AssertionError(f"a gap in deltas: {state['seq']} -> {value['seq']}")
    return state


def leader_of(view: ClusterView, partition: int) -> int | None:
    return view.rows[partition]["leader"]


def test_initial_state_matches_describe_topic() -> None:
    c, view = make()
    described = c.describe_topic("t").partitions
    assert [r["leader"] for r in view.rows] == [p.leader for p in described]
    assert [[x["broker"] for x in r["replicas"]] for r in view.rows] == [
        list(p.replicas) for p in described]
    assert all(r["health"] == "ok" and r["min_isr"] == 2 for r in view.rows)
    assert view.brokers == [{"id": b, "status": "up", "leads": 1} for b in (1, 2, 3)]
    assert view.state["controller"] == 0
    assert repr(view) == ("ClusterView(brokers=3, running=3, controller=0, partitions=3, "
                          "under_replicated=0, offline=0)")


def test_crash_then_fencing_moves_the_leader_and_shrinks_the_isr() -> None:
    c, view = make()
    victim = leader_of(view, 0)
    assert victim is not None
    assert view.kill(victim) == f"broker {victim} killed"
    assert leader_of(view, 0) == victim  # not fenced yet
    assert {b["id"]: b["status"] for b in view.brokers}[victim] == "down"
    view.advance(9000)
    row = view.rows[0]
    assert row["leader"] != victim and row["health"] == "under-replicated"
    assert victim not in [x["broker"] for x in row["replicas"] if x["in_isr"]]
    assert [p.leader for p in c.describe_topic("t").partitions] == [
        r["leader"] for r in view.rows]
    assert "under_replicated=3" in repr(view)


def test_produce_buttons_report_acks_outcomes() -> None:
    c, view = make()
    assert view.produce("t", 1) == "t-1: 'v0' at offset 0 (acks=all)"
    assert view.rows[1]["hw"] == 1
    assert all(x["leo"] == 1 for x in view.rows[1]["replicas"])
    first = leader_of(view, 1)
    assert first is not None
    view.kill(first)
    view.advance(9000)
    second = leader_of(view, 1)
    assert second is not None
    view.kill(second)
    view.advance(9000)
    before = c.journal.digest()
    message = view.produce("t", 1, "all")
    assert message.startswith("[Error 19] NotEnoughReplicasError: The size of the current ISR")
    assert view.message == message
    assert c.journal.digest() == before  # nothing appended
    assert view.produce("t", 1, "0") == "t-1: 'v2' at offset -1 (acks=0)"
    assert view.rows[1]["health"] == "under-min-isr"


def test_restart_rejoins_the_isr() -> None:
    _, view = make()
    view.kill(2)
    view.advance(10_000)
    assert view.restart(2) == "broker 2 restarted"
    view.advance(2000)
    assert all(r["health"] == "ok" for r in view.rows)
    assert {b["id"]: b["status"] for b in view.brokers}[2] == "up"


def test_controlled_shutdown_moves_leadership_at_once() -> None:
    _, view = make()
    leader = leader_of(view, 0)
    view.shutdown(leader)
    assert leader_of(view, 0) != leader


def test_errors_become_the_status_line_and_change_nothing() -> None:
    c, view = make()
    before = c.journal.digest()
    assert view.kill(9).startswith("ValueError: ")
    assert view.produce("t", 7).startswith("[Error 7] KafkaTimeoutError: Partition 7 of topic t")
    assert c.journal.digest() == before
    assert "kc-message" in view.to_html()


def test_front_end_messages_drive_the_engine() -> None:
    _, view = make()
    leader = leader_of(view, 0)
    view._on_front_end_message(view, {"kind": "kill", "broker": leader}, [])
    view._on_front_end_message(view, {"kind": "advance", "ms": 10_000}, [])
    assert leader_of(view, 0) != leader
    view._on_front_end_message(view, {"kind": "produce", "topic": "t", "partition": 2,
                                      "acks": "1"}, [])
    assert view.message.endswith("(acks=1)")
    view._on_front_end_message(view, {"kind": "restart", "broker": "1"}, [])  # ignored
    view._on_front_end_message(view, {"kind": "produce", "topic": "t", "partition": 0,
                                      "acks": "2"}, [])  # ignored
    assert view.message.endswith("(acks=1)")


def test_deltas_replay_to_the_current_state() -> None:
    c, view = make()
    initial = {"snapshot": copy.deepcopy(view.snapshot)}
    changes = record_changes(view)
    view.produce("t", 0)
    view.kill(1)
    view.advance(9000)
    view.produce("t", 0, "1")
    c.create_topic("u", partitions=1, replication_factor=2)  # new rows: a fresh snapshot
    view.restart(1)
    view.advance(3000)
    assert any(name == "snapshot" for name, _ in changes)
    assert replay(initial["snapshot"], changes) == view.state


def test_skipping_events_it_does_not_draw_misses_nothing() -> None:
    # the view skips re-reading the cluster for client events and for log events of
    # topics it does not show; after every event it must still hold what a read gives
    c = engine.Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=2, replication_factor=3)
    c.create_topic("u", partitions=2, replication_factor=3)
    view = ClusterView(c, topics=["t"])
    state = view._state
    initial = copy.deepcopy(view.snapshot)
    changes = record_changes(view)
    kinds: list[str] = []

    def check(event: Any) -> None:
        kinds.append(event.kind)
        assert state._current == state._read(), event.kind

    c.journal.subscribe(check)
    c.produce("u", value="x", partition=0)
    consumer = c.consumer("u", group_id="g", auto_offset_reset="earliest")
    while "records_consumed" not in kinds:
        consumer.poll(1000)
    consumer.commit()
    leader = c.describe_topic("u").partitions[0].leader
    c.kill_broker(leader)
    c.advance(10_000)  # fenced: leaders of "u" move, and the brokers' lead counts with them
    c.produce("t", value="y", partition=1)
    consumer.close()
    assert {"records_appended", "records_consumed", "offsets_committed",
            "leader_elected"} <= set(kinds)
    assert replay(initial, changes) == view.state


def test_follows_only_the_given_topics() -> None:
    c = engine.Cluster(brokers=3, seed=0)
    view = ClusterView(c, topics=["b"])
    assert view.rows == [] and "No topics yet." in view.to_html()
    c.create_topic("a", partitions=1)
    c.create_topic("b", partitions=2)
    assert [r["topic"] for r in view.rows] == ["b", "b"]


def test_static_html_is_deterministic() -> None:
    _, one = make(seed=4)
    _, two = make(seed=4)
    for view in (one, two):
        view.kill(3)
        view.advance(9500)
        view.produce("t", 0)
    html = one.to_html()
    assert html == two.to_html()
    assert "<script" not in html and "<style" not in html
    assert 'class="kc-cluster-view kc-static"' in html
    assert 'data-status="down"' in html and 'class="kc-broker-status"' in html
    assert header_text(one.state) in html
    for row in one.rows:
        assert row_text(row) in html
    bundle = one._repr_mimebundle_()
    assert bundle is not None
    data, _ = bundle
    assert data["text/plain"] == repr(one)
    assert data["text/html"] == render_html(one.state)


def test_words_for_states() -> None:
    assert broker_status(False, True, False) == "down"
    assert broker_status(True, True, False) == "fenced"
    assert broker_status(True, False, True) == "isolated"
    assert broker_status(True, False, False) == "up"
    assert row_health(None, 3, 1, 2) == "offline"
    assert row_health(1, 3, 1, 2) == "under-min-isr"
    assert row_health(1, 1, 1, 2) == "ok"  # min.insync is capped at the replication factor
    assert row_health(1, 3, 2, 2) == "under-replicated"


def test_close_stops_following() -> None:
    c, view = make()
    view.close()
    c.kill_broker(1)
    assert view.brokers[0]["status"] == "up"


def test_a_lost_quorum_shows_no_active_controller() -> None:
    c = engine.Cluster(brokers=3, seed=0)  # every broker is also a controller voter
    c.create_topic("t", partitions=1, replication_factor=3)
    view = ClusterView(c)
    view.kill(1)
    view.kill(2)
    view.advance(20_000)
    assert view.state["controller"] is None
    assert "no active controller" in header_text(view.state)
    assert 'data-controller="none"' in view.to_html()
    assert "controller=None" in repr(view)


# --- cluster.js in Chromium ---------------------------------------------------------------

DRAWN = """
() => {
  const root = document.querySelector(".kc-cluster-view:not(.kc-static)");
  return {
    controller: root.dataset.controller,
    summary: root.querySelector(".kc-cluster-summary").textContent,
    brokers: [...root.querySelectorAll(".kc-broker")].map((b) => [Number(b.dataset.broker),
      b.dataset.status]),
    rows: [...root.querySelectorAll(".kc-cluster-row")].map((r) => ({
      leader: r.dataset.leader, isr: r.dataset.isr, text: r.querySelector(".kc-row-text")
        .textContent, replicas: [...r.querySelectorAll(".kc-replica")].map((x) => x.textContent),
    })),
    message: root.querySelector(".kc-message")?.textContent ?? "",
  };
}
"""


def expected(view: ClusterView) -> dict[str, Any]:
    state = view.state
    return {
        "controller": str(state["controller"]),
        "summary": header_text(state),
        "brokers": [[b["id"], b["status"]] for b in state["brokers"]],
        "rows": [{
            "leader": "none" if r["leader"] is None else str(r["leader"]),
            "isr": ",".join(str(x["broker"]) for x in r["replicas"] if x["in_isr"]),
            "text": row_text(r),
            "replicas": [f"b{x['broker']}{' ★' if x['leader'] else ''}LEO {x['leo']}"
                         for x in r["replicas"]],
        } for r in state["rows"]],
        "message": state["message"],
    }


def mount(page: Any, initial: dict[str, Any], changes: list[list[Any]]) -> list[Any]:
    return mount_view(page, "cluster.js", "cluster.css", initial, changes)


def settle(page: Any) -> None:
    page.evaluate("() => new Promise((d) => requestAnimationFrame(() => requestAnimationFrame(d)))")


@pytest.mark.browser
def test_js_draws_the_replayed_python_state(page: Any) -> None:
    _, view = make(seed=2)
    initial = {"snapshot": view.snapshot, "delta": view.delta}
    changes = record_changes(view)
    view.produce("t", 0)
    view.kill(2)
    view.advance(9000)
    view.produce("t", 1, "1")
    assert mount(page, initial, changes) == []  # no resync needed
    assert page.evaluate(DRAWN) == expected(view)


@pytest.mark.browser
def test_clicking_kill_then_time_moves_the_leader(page: Any) -> None:
    _, view = make(seed=1)
    assert mount(page, {"snapshot": view.snapshot, "delta": view.delta}, []) == []
    leader = leader_of(view, 0)
    page.click(f'.kc-broker[data-broker="{leader}"] .kc-kill')
    page.click(".kc-advance >> text='+10 s'")
    sent = page.evaluate("() => window.kcSent")
    assert sent == [{"kind": "kill", "broker": leader}, {"kind": "advance", "ms": 10000}]
    changes = record_changes(view)
    for message in sent:  # what the kernel does with the clicks
        view._on_front_end_message(view, message, [])
    for name, value in changes:
        page.evaluate("([n, v]) => window.kcModel.set(n, v)", [name, value])
    settle(page)
    drawn = page.evaluate(DRAWN)
    assert drawn == expected(view)
    assert drawn["rows"][0]["leader"] not in (str(leader), "none")
    assert [b for b in drawn["brokers"] if b[0] == leader] == [[leader, "down"]]
    page.select_option(".kc-acks", "0")
    page.click('.kc-cluster-row[data-partition="1"] .kc-produce')
    assert page.evaluate("() => window.kcSent")[-1] == {
        "kind": "produce", "topic": "t", "partition": 1, "acks": "0"}
    restart = page.locator(f'.kc-broker[data-broker="{leader}"] .kc-restart')
    assert restart.is_enabled()
    assert not page.locator(f'.kc-broker[data-broker="{leader}"] .kc-kill').is_enabled()

