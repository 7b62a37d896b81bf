"""The consumer-group views in real Chromium: group.js, offsets.js and lag.js.

Two levels:

* without JupyterLab, each module is imported from a blob URL (as anywidget does) and
  driven by a stand-in for the widget model that replays the snapshot and delta values
  the Python widget set (as ``tests/views/test_partitions_js.py`` does for partitions);
  the drawing must then read like the static HTML, and the lag plot's SVG must be the
  very same SVG as the static one;
* in a private JupyterLab, a notebook shows a live ``GroupView``; the test then adds a
  consumer from Python, through the notebook's kernel, and waits until the page shows
  the rebalance: a new member and lane, and a partition that moved to it.

Skipped without Chromium or Playwright (failed instead with ``COURSE_REQUIRE_BROWSER=1``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import engine
from engine.views import GroupView, LagView, OffsetsView
from engine.views.live import LiveView
from tests.browser.chromium import VIEWPORT, chromium_or_skip
from tests.browser.labserver import LabServer, running_lab
from tests.browser.notebookpage import NotebookSession
from tests.browser.standalone import mount, record_changes
from tests.views.group_scenarios import poll_all

pytestmark = pytest.mark.browser

VIEWS = Path(engine.__file__).parent / "views"

STATIC_TEXT = """
(html) => { const t = document.createElement('template'); t.innerHTML = html;
  return t.content.firstElementChild.textContent; }
"""

GROUP_DRAWN = """
() => {
  const root = document.querySelector(".kc-group-view:not(.kc-static)");
  const attrs = (node) => ({ ...node.dataset });
  return {
    root: attrs(root),
    members: [...root.querySelectorAll(".kc-member")].map(attrs),
    partitions: [...root.querySelectorAll(".kc-group-partition")].map(attrs),
    lanes: [...root.querySelectorAll(".kc-lane")].map((lane) => ({
      client: lane.dataset.clientId,
      segs: [...lane.querySelectorAll(".kc-seg")].map((s) => s.dataset.parts),
    })),
    steps: root.querySelectorAll(".kc-step").length,
    text: root.textContent,
  };
}
"""


def start(view: LiveView) -> tuple[dict[str, Any], list[list[Any]]]:
    return {"snapshot": view.snapshot, "delta": view.delta}, record_changes(view)


# ------------------------------------------------------------ without JupyterLab
def test_group_js_draws_a_rebalance_like_the_static_html(page: Any) -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=3)
    view = GroupView(c, "g")
    initial, changes = start(view)
    a = c.consumer("t", group_id="g", client_id="a",
                   partition_assignment_strategy=["cooperative-sticky"])
    a.poll(5000)
    b = c.consumer("t", group_id="g", client_id="b",
                   partition_assignment_strategy=["cooperative-sticky"])
    poll_all([a, b])
    assert mount(page, "group.js", "group.css", initial, changes) == []  # no resync
    drawn = page.evaluate(GROUP_DRAWN)
    state = view.state
    assert drawn["root"]["generation"] == "3" and drawn["root"]["rebalance"] == "COOPERATIVE"
    assert [m["clientId"] for m in drawn["members"]] == ["a", "b"]
    assert [m["partitions"] for m in drawn["members"]] == ["t-0 t-1", "t-2"]
    assert [p["owner"] for p in drawn["partitions"]] == [
        p["owner"] for p in state["partitions"]]
    assert drawn["lanes"] == [
        {"client": "a", "segs": ["", "t-0 t-1 t-2", "t-0 t-1"]},
        {"client": "b", "segs": ["", "t-2"]},
    ]
    assert drawn["steps"] == len(state["steps"])
    assert drawn["text"] == page.evaluate(STATIC_TEXT, view.to_html())


def test_group_js_draws_crash_replacement_and_close_like_the_static_html(page: Any) -> None:
    c = engine.Cluster(seed=3)
    view = GroupView(c, "g")
    initial, changes = start(view)
    c.create_topic("t", partitions=4)
    a = c.consumer("t", group_id="g", client_id="a", group_instance_id="i-a")
    b = c.consumer("t", group_id="g", client_id="b", group_instance_id="i-b")
    poll_all([a, b], rounds=50)
    b.crash()
    b2 = c.consumer("t", group_id="g", client_id="b2", group_instance_id="i-b")
    poll_all([a, b2], rounds=50)
    a.close()
    poll_all([b2], rounds=20)
    assert mount(page, "group.js", "group.css", initial, changes) == []
    drawn = page.evaluate(GROUP_DRAWN)
    assert [ln["client"] for ln in drawn["lanes"]] == ["a", "b", "b2"]
    assert drawn["text"] == page.evaluate(STATIC_TEXT, view.to_html())
    gaps = page.evaluate("() => document.querySelectorAll("
                         "'.kc-group-view:not(.kc-static) .kc-seg[data-gap=\"true\"]').length")
    assert gaps == 0 and view.to_html().count('data-gap="true"') == 0


def test_group_js_asks_for_a_snapshot_after_a_gap(page: Any) -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=2)
    view = GroupView(c, "g")
    stale = {"snapshot": view.snapshot, "delta": view.delta}
    a = c.consumer("t", group_id="g", client_id="a")
    a.poll(5000)
    sent = mount(page, "group.js", "group.css", {**stale, "delta": view.delta}, [])
    assert sent == [{"kind": "resync", "have": 0}]
    view._on_front_end_message(view, sent[0], [])
    page.evaluate("(s) => window.kcModel.set('snapshot', s)", view.snapshot)
    page.evaluate("() => new Promise((d) => requestAnimationFrame(() => d()))")
    drawn = page.evaluate(GROUP_DRAWN)
    assert [m["clientId"] for m in drawn["members"]] == ["a"]
    assert drawn["text"] == page.evaluate(STATIC_TEXT, view.to_html())


def test_offsets_js_draws_like_the_static_html(page: Any) -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("t", partitions=2)
    view = OffsetsView(c, "g")
    initial, changes = start(view)
    for i in range(10):
        c.produce("t", f"v{i}", partition=i % 2)
    a = c.consumer("t", group_id="g", client_id="a", auto_offset_reset="earliest",
                   enable_auto_commit=False, max_poll_records=3)
    a.poll(5000)
    a.commit()
    a.poll(0)
    assert mount(page, "offsets.js", "offsets.css", initial, changes) == []
    drawn = page.evaluate("""() => {
      const root = document.querySelector(".kc-offsets-view:not(.kc-static)");
      return { root: { ...root.dataset }, text: root.textContent,
               rows: [...root.querySelectorAll(".kc-offsets-row")].map((r) => ({ ...r.dataset })),
               marks: root.querySelectorAll(".kc-position-mark").length };
    }""")
    assert drawn["root"]["totalLag"] == str(view.total_lag)
    assert [r["committed"] for r in drawn["rows"]] == [
        str(r["committed"]) for r in view.rows]
    assert [r["lag"] for r in drawn["rows"]] == [str(r["lag"]) for r in view.rows]
    assert drawn["marks"] == sum(len(r["positions"]) for r in view.rows) > 0
    assert drawn["text"] == page.evaluate(STATIC_TEXT, view.to_html())


def test_lag_js_draws_the_same_svg_as_the_static_fallback(page: Any) -> None:
    c = engine.Cluster(seed=0)
    c.create_topic("lag-t1", partitions=2)
    view = LagView(c, "g")
    initial, changes = start(view)
    a = c.consumer("lag-t1", group_id="g", client_id="a", auto_offset_reset="earliest",
                   enable_auto_commit=False, max_poll_records=2)
    for i in range(8):
        c.produce("lag-t1", f"v{i}", partition=i % 2)
    for _ in range(6):
        a.poll(1000)
        a.commit()
        c.advance(700)
    assert mount(page, "lag.js", None, initial, changes) == []
    live = page.evaluate("() => document.querySelector('.kc-lag-view:not(.kc-static) "
                         ".kc-lag-svg').innerHTML")
    static = page.evaluate(
        "(html) => { const t = document.createElement('template'); t.innerHTML = html;"
        " return t.content.querySelector('.kc-lag-svg').innerHTML; }", view.to_html())
    assert live == static and live.count("kc-lag-line") == 2
    text = page.evaluate("() => document.querySelector('.kc-lag-view:not(.kc-static)')"
                         ".textContent")
    assert text == page.evaluate(STATIC_TEXT, view.to_html())


# --------------------------------------------------------------- in JupyterLab
NOTEBOOK_CELLS = [
    "import engine\n"
    "from engine.views import GroupView\n"
    "cluster = engine.Cluster(seed=0)\n"
    'cluster.create_topic("orders", partitions=3)\n'
    'first = cluster.consumer("orders", group_id="billing", client_id="first")\n'
    "first.poll(5000)",
    'view = GroupView(cluster, "billing")\nview',
    "from engine.views import LagView, OffsetsView\n"
    'offsets = OffsetsView(cluster, "billing")\noffsets',
    'lag = LagView(cluster, "billing")\nlag',
]

ADD_CONSUMER = (
    'second = cluster.consumer("orders", group_id="billing", client_id="second")\n'
    "for _ in range(40):\n"
    "    first.poll(100)\n"
    "    second.poll(100)\n"
    "second.commit()\n"
    'cluster.produce("orders", "late", partition=2)\n'
)

EXECUTE = """
async ({ path, code }) => {
  for (const widget of window.jupyterapp.shell.widgets('main')) {
    if (widget.context && widget.context.path === path && widget.sessionContext) {
      const future = widget.sessionContext.session.kernel.requestExecute({ code });
      const reply = await future.done;
      return reply.content.status;
    }
  }
  throw new Error(`no notebook panel for ${path}`);
}
"""

LIVE_GROUP = """
() => {
  const root = document.querySelector('.kc-group-view:not(.kc-static)[data-group="billing"]');
  if (!root) return null;
  return {
    generation: root.dataset.generation,
    members: [...root.querySelectorAll(".kc-member")].map((m) => [m.dataset.clientId,
                                                                   m.dataset.partitions]),
    lanes: [...root.querySelectorAll(".kc-lane")].map((l) => l.dataset.clientId),
  };
}
"""


def write_notebook(path: Path) -> None:
    cells = [{"cell_type": "code", "execution_count": None, "id": f"cell-{k}",
              "metadata": {}, "outputs": [], "source": source}
             for k, source in enumerate(NOTEBOOK_CELLS)]
    notebook = {"cells": cells, "metadata": {"kernelspec": {
        "display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook, indent=1) + "\n")


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    chromium_or_skip()
    root = tmp_path_factory.mktemp("group-views-root")
    write_notebook(root / "group-view.ipynb")
    state = tmp_path_factory.mktemp("group-views-jupyter")
    with running_lab(root, state) as server:
        yield server


def test_live_group_view_shows_a_rebalance_in_jupyterlab(
    browser: Any, lab_server: LabServer, repo_root: Path
) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    session = NotebookSession(context.new_page(), lab_server, "group-view.ipynb")
    out_dir = repo_root / "artifacts" / "browser" / "group-views"
    try:
        session.open(timeout=60)
        session.run_all(timeout=120)
        session.page.wait_for_function(
            "() => { const r = document.querySelector("
            "'.kc-group-view:not(.kc-static)[data-group=\"billing\"]');"
            " return r && r.querySelectorAll('.kc-member').length === 1; }", timeout=30_000)
        before = session.page.evaluate(LIVE_GROUP)
        assert before == {"generation": "1", "members": [["first", "orders-0 orders-1 orders-2"]],
                          "lanes": ["first"]}
        status = session.page.evaluate(EXECUTE, {"path": "group-view.ipynb",
                                                 "code": ADD_CONSUMER})
        assert status == "ok"
        session.page.wait_for_function(
            "() => { const r = document.querySelector("
            "'.kc-group-view:not(.kc-static)[data-group=\"billing\"]');"
            " return r && r.dataset.generation === '2'"
            " && r.querySelectorAll('.kc-member[data-idle=\"false\"]').length === 2; }",
            timeout=30_000)
        after = session.page.evaluate(LIVE_GROUP)
        assert after["lanes"] == ["first", "second"]
        owned = dict(after["members"])
        assert owned == {"first": "orders-0 orders-1", "second": "orders-2"}
        # the offsets and lag views followed too: second committed orders-2, then one
        # more record arrived there
        session.page.wait_for_function(
            "() => { const r = document.querySelector("
            "'.kc-offsets-view:not(.kc-static) .kc-offsets-row[data-partition=\"2\"]');"
            " return r && r.dataset.lag === '1'; }", timeout=30_000)
        lag = session.page.evaluate(
            "() => document.querySelector('.kc-lag-view:not(.kc-static)').dataset.totalLag")
        assert lag == "1"
        assert session.page.locator(".kc-offsets-view.kc-static, .kc-group-view.kc-static, "
                                    ".kc-lag-view.kc-static").count() == 0
        session.hide_side_panels()
        view = session.page.locator(".kc-group-view:not(.kc-static)").last
        view.evaluate("(node) => node.scrollIntoView({ block: 'center' })")
        session.screenshot(out_dir / "group-view-rebalance.png")
        assert session.page_errors == []
    except BaseException:
        session.screenshot(out_dir / "failure.png")
        raise
    finally:
        session.shutdown_kernel()
        context.close()
