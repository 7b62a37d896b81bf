"""partitions.js in real Chromium, driven by a stand-in for the widget model.

No JupyterLab here: the page imports the module from a blob URL (as anywidget does),
calls ``initialize`` and ``render`` with a small fake model, and replays the snapshot
and delta values that the Python widget set. The drawing must then match the Python
state, and the static HTML must read the same. Skipped without Chromium or Playwright.
"""

from __future__ import annotations

from typing import Any

import pytest

import engine
from engine.views import PartitionView
from tests.browser.standalone import mount as mount_view
from tests.browser.standalone import record_changes

pytestmark = pytest.mark.browser

DRAWN = """
() => {
  const root = document.querySelector(".kc-partition-view:not(.kc-static)");
  const rows = [...root.querySelectorAll(".kc-partition")].map((row) => ({
    partition: Number(row.dataset.partition),
    offsets: [...row.querySelectorAll(".kc-record")].map((c) => Number(c.dataset.offset)),
    leo: Number(row.dataset.leo),
  }));
  return { topic: root.dataset.topic, records: Number(root.dataset.records), rows,
           text: root.textContent };
}
"""


def mount(page: Any, initial: dict[str, Any], changes: list[list[Any]]) -> list[Any]:
    return mount_view(page, "partitions.js", "partitions.css", initial, changes)


def static_text(page: Any, html: str) -> str:
    return page.evaluate(
        "(html) => { const t = document.createElement('template'); t.innerHTML = html;"
        " return t.content.firstElementChild.textContent; }", html)


def expected_rows(view: PartitionView) -> list[dict[str, Any]]:
    return [{"partition": p["partition"], "offsets": [c[0] for c in p["cells"]],
             "leo": p["leo"]} for p in view.state["partitions"]]


def test_replayed_deltas_draw_the_python_state(page: Any) -> None:
    c = engine.Cluster(brokers=2, seed=3)
    c.create_topic("orders", partitions=2, configs={"segment.ms": 1000, "retention.ms": 4000})
    view = PartitionView(c, "orders", max_cells=6)
    initial = {"snapshot": view.snapshot, "delta": view.delta}
    changes = record_changes(view)
    for i in range(6):
        c.produce("orders", f"v{i}", key=f"id_{i % 3}")
        c.produce_batch("orders", [(None, "x"), ("<b>", "y")])
        c.advance(1000)
    c.advance(300_000)
    c.create_partitions("orders", 3)
    c.produce("orders", "late", key="id_9")
    assert mount(page, initial, changes) == []  # no resync needed
    drawn = page.evaluate(DRAWN)
    assert drawn["topic"] == "orders" and drawn["records"] == view.record_count
    assert drawn["rows"] == expected_rows(view)
    assert drawn["text"] == static_text(page, view.to_html())


def test_a_gap_in_deltas_asks_for_a_snapshot(page: Any) -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=2)
    view = PartitionView(c, "t")
    stale = {"snapshot": view.snapshot, "delta": view.delta}
    for i in range(5):
        c.produce("t", "v", key=f"k{i}")
    # A reloaded page gets the first snapshot and only the newest delta.
    sent = mount(page, {**stale, "delta": view.delta}, [])
    assert sent == [{"kind": "resync", "have": 0}]
    view._on_front_end_message(view, sent[0], [])  # Python answers with a snapshot
    page.evaluate("(s) => window.kcModel.set('snapshot', s)", view.snapshot)
    page.evaluate("() => new Promise((d) => requestAnimationFrame(() => d()))")
    assert page.evaluate(DRAWN)["rows"] == expected_rows(view)


def test_deleted_topic_is_drawn_as_missing(page: Any) -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=2)
    view = PartitionView(c, "t")
    initial = {"snapshot": view.snapshot, "delta": view.delta}
    changes = record_changes(view)
    c.produce("t", "v", key="k")
    c.delete_topic("t")
    mount(page, initial, changes)
    drawn = page.evaluate(DRAWN)
    assert drawn["rows"] == [] and drawn["records"] == 0
    assert drawn["text"] == static_text(page, view.to_html())
