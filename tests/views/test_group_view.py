"""GroupView: synced traits, reprs, static HTML, side by side, and no effect on the engine."""

from __future__ import annotations

import re
from collections.abc import Iterator

import comm
import pytest

import engine
from engine.views import GroupView, SideBySide, compare
from tests.views.group_scenarios import four_on_three, poll_all, static_restart, two_member_group
from tests.views.test_partition_view import RecordingComm


@pytest.fixture(autouse=True)
def recording_comm(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    yield


def test_each_group_event_sends_one_delta() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=3)
    view = GroupView(c, "g")
    assert view.snapshot["header"]["exists"] is False and view.delta == {"seq": 0, "ops": []}
    seen: list[int] = []
    view.observe(lambda change: seen.append(change["new"]["seq"]), names="delta")
    a = c.consumer("t", group_id="g", client_id="a")
    a.poll(5000)
    assert seen == list(range(1, len(seen) + 1)) and seen
    assert view.group_state == "Stable" and view.generation == 1
    assert [m["client"] for m in view.members] == ["a"]
    assert c.journal.listener_errors == []


def test_view_changes_nothing_in_the_engine() -> None:
    c, consumers = two_member_group("range")
    digest = c.journal.digest()
    view = GroupView(c, "g")
    view.to_html()
    repr(view)
    assert c.journal.digest() == digest
    view.close()
    poll_all(consumers, rounds=2)
    view.close()  # twice is harmless


def test_repr_and_static_html_show_the_idle_member() -> None:
    c, _ = four_on_three()
    view = GroupView(c, "g")
    steps = len(view.state["steps"])
    assert repr(view) == ("GroupView(group='g', state=Stable, generation=1, members=4, "
                          f"assigned_partitions=3, idle=1, timeline_steps={steps})")
    assert len(view.idle_members) == 1
    html = view.to_html()
    assert html == GroupView(four_on_three()[0], "g").to_html()  # deterministic
    assert "<script" not in html and "<style" not in html
    assert len(re.findall(r'class="kc-member" data-member-id=', html)) == 4
    assert html.count('data-idle="true"') == 1
    assert len(re.findall(r'class="kc-group-partition" data-topic="t"', html)) == 3
    assert 'class="kc-group-view kc-static" data-group="g" data-state="Stable"' in html


def test_mimebundle_has_widget_static_html_and_text() -> None:
    c, _ = two_member_group("range")
    view = GroupView(c, "g")
    data, _metadata = view._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == view.model_id
    assert data["text/plain"] == repr(view) and data["text/html"] == view.to_html()


def test_compare_puts_eager_and_cooperative_side_by_side() -> None:
    eager_cluster, _ = two_member_group("range")
    coop_cluster, _ = two_member_group("cooperative-sticky")
    side = compare(GroupView(eager_cluster, "g"), GroupView(coop_cluster, "g"))
    assert isinstance(side, SideBySide) and len(side.children) == 2
    text = repr(side)
    assert text.startswith("SideBySide(\n  GroupView(group='g', state=Stable, generation=2")
    assert "generation=3" in text
    html = side.to_html()
    assert html.count('class="kc-group-view kc-static"') == 2
    assert 'data-rebalance="EAGER"' in html and 'data-rebalance="COOPERATIVE"' in html
    eager_html, coop_html = (view.to_html() for view in side.views)
    # eager: a owned everything, then nothing (the gap), then two partitions
    assert eager_html.count('data-gap="true"') == 1
    assert 'data-parts="" data-mode="own" data-gap="true"' in eager_html
    assert coop_html.count('data-gap="true"') == 0  # cooperative: no stop-the-world
    bundle = side._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"] == text and data["text/html"] == html
    assert GroupView.side_by_side(*side.views).views == side.views
    with pytest.raises(ValueError):
        compare()


def test_resync_resends_the_snapshot() -> None:
    c, consumers = two_member_group("range")
    view = GroupView(c, "g")
    consumers[0].close()
    assert view.snapshot["seq"] == 0
    view._on_front_end_message(view, {"kind": "resync", "have": 0}, [])
    assert view.snapshot == view.state and view.snapshot["seq"] > 0


def test_static_html_escapes_client_ids() -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=1)
    a = c.consumer("t", group_id="g", client_id="<b>&x")
    a.poll(5000)
    html = GroupView(c, "g").to_html()
    assert "<b>&x" not in html and "&lt;b&gt;&amp;x" in html


def test_leaving_is_not_drawn_as_a_stop_the_world_gap() -> None:
    c, _ = static_restart()
    html = GroupView(c, "g").to_html()
    assert 'data-gap="true"' not in html  # a closed; b crashed and was replaced
    assert html.count('class="kc-tl-row kc-lane"') == 3
