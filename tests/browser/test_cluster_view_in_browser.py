"""The live ``ClusterView`` in a real JupyterLab: kill the leader with a click, see it move.

A private JupyterLab runs a notebook that builds lesson 02's cluster (three brokers, a
dedicated KRaft controller, an RF=3 topic) and shows a ``ClusterView``. The test then
works the view's own buttons in Chromium, as a learner would:

* it reads from the page's ``data-*`` attributes which broker leads partition 0, clicks
  that broker's *kill* button, then *+10 s* (fencing waits for
  ``broker.session.timeout.ms``, 9 s); the page must show another leader, the killed
  broker ``down`` and out of the ISR;
* it asks the kernel (``describe_topic``, ``describe_brokers``) and the engine must agree
  with the page: the clicks went through the kernel, not only through the drawing;
* it clicks *produce* (acks=all) on partition 0: the new leader takes the record;
* it clicks *restart* (the old session has expired by then, so the broker registers at
  once) and the broker must come back ``up``, catch up and rejoin the ISR.

Skipped without Chromium or Playwright (failed instead with ``COURSE_REQUIRE_BROWSER=1``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import VIEWPORT, chromium_or_skip
from tests.browser.labserver import LabServer, running_lab
from tests.browser.notebookpage import NotebookSession

pytestmark = pytest.mark.browser

NOTEBOOK = "cluster-view.ipynb"
TOPIC = "payments"

NOTEBOOK_CELLS = [
    "from engine import Cluster\n"
    "from engine.views import ClusterView\n"
    'cluster = Cluster(brokers=3, seed=0, controller="dedicated")\n'
    f'cluster.create_topic("{TOPIC}", partitions=3, replication_factor=3,\n'
    '                     configs={"min.insync.replicas": "2"});',
    "view = ClusterView(cluster)\nview",
]

#: What the engine says, printed by the kernel as one JSON line.
ENGINE_STATE = (
    "import json\n"
    f'_p = cluster.describe_topic("{TOPIC}").partitions[0]\n'
    "print(json.dumps({'leader': _p.leader, 'isr': list(_p.isr), 'hw': _p.high_watermark,\n"
    "                  'now_ms': cluster.now_ms,\n"
    "                  'message': view.message,\n"
    "                  'brokers': {str(b.broker_id): [b.running, b.fenced]\n"
    "                              for b in cluster.describe_brokers()}}))\n"
)

#: Run ``code`` in the notebook's kernel; return the reply status and its stdout.
EXECUTE = """
async ({ path, code }) => {
  for (const widget of window.jupyterapp.shell.widgets('main')) {
    if (widget.context && widget.context.path === path && widget.sessionContext) {
      const future = widget.sessionContext.session.kernel.requestExecute({ code });
      let stdout = '';
      future.onIOPub = (msg) => {
        if (msg.header.msg_type === 'stream' && msg.content.name === 'stdout') {
          stdout += msg.content.text;
        }
      };
      const reply = await future.done;
      return { status: reply.content.status, stdout };
    }
  }
  throw new Error(`no notebook panel for ${path}`);
}
"""

ROOT = ".kc-cluster-view:not(.kc-static)"

#: What the live view shows: brokers, partition 0's row, the status line and the clock.
DRAWN = f"""
() => {{
  const root = document.querySelector('{ROOT}');
  if (!root) return null;
  const row = root.querySelector('.kc-cluster-row[data-topic="{TOPIC}"][data-partition="0"]');
  const message = root.querySelector('.kc-message');
  return {{
    brokers: Object.fromEntries([...root.querySelectorAll('.kc-brokers .kc-broker')]
      .map((b) => [b.dataset.broker, b.dataset.status])),
    leader: row ? row.dataset.leader : null,
    isr: row ? row.dataset.isr : null,
    hw: row ? row.dataset.hw : null,
    health: row ? row.dataset.health : null,
    replicas: row ? [...row.querySelectorAll('.kc-replica')].map((r) => ({{ ...r.dataset }}))
                  : [],
    message: message ? message.textContent : '',
    summary: root.querySelector('.kc-cluster-summary').textContent,
  }};
}}
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
    root = tmp_path_factory.mktemp("cluster-view-root")
    write_notebook(root / NOTEBOOK)
    state = tmp_path_factory.mktemp("cluster-view-jupyter")
    with running_lab(root, state) as server:
        yield server


def engine_state(session: NotebookSession) -> dict[str, Any]:
    """Ask the kernel what the engine holds (partition 0, brokers, the view's status line)."""
    result = session.page.evaluate(EXECUTE, {"path": NOTEBOOK, "code": ENGINE_STATE})
    assert result["status"] == "ok", result
    return dict(json.loads(result["stdout"].strip().splitlines()[-1]))


def wait_for(session: NotebookSession, condition: str, message: str | None = None,
             timeout_ms: int = 20_000) -> None:
    """Wait until ``condition`` (a JS expression on ``root`` and ``row``) holds in the page.

    With ``message``, also wait until the status line shows it. An action's journal events
    reach the page as several deltas, and the status line comes last: waiting for it
    too means the page shows the action's final state, not a step on the way.
    """
    session.page.wait_for_function(
        f"""({{ message }}) => {{
          const root = document.querySelector('{ROOT}');
          if (!root) return false;
          const row = root.querySelector(
            '.kc-cluster-row[data-topic="{TOPIC}"][data-partition="0"]');
          const line = root.querySelector('.kc-message');
          const shown = line ? line.textContent : '';
          return Boolean(row) && (message === null || shown === message) && ({condition});
        }}""",
        arg={"message": message},
        timeout=timeout_ms,
    )


def click(session: NotebookSession, selector: str) -> None:
    """Click the one enabled button that ``selector`` (inside the live view) names."""
    button = session.page.locator(f"{ROOT} {selector}")
    assert button.count() == 1, selector
    assert button.is_enabled(), selector
    button.click()


def test_killing_the_leader_with_a_click_moves_leadership_in_jupyterlab(
    browser: Any, lab_server: LabServer, repo_root: Path
) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    session = NotebookSession(context.new_page(), lab_server, NOTEBOOK)
    out_dir = repo_root / "artifacts" / "browser" / "cluster-view"
    try:
        session.open(timeout=60)
        session.run_all(timeout=120)
        wait_for(session, "root.querySelectorAll('.kc-broker[data-status=\"up\"]').length === 3"
                          " && row.dataset.isr.split(',').length === 3")
        before = session.page.evaluate(DRAWN)
        assert before["brokers"] == {"1": "up", "2": "up", "3": "up"}
        assert before["health"] == "ok"
        leader = before["leader"]
        assert leader in before["brokers"]
        starred = [r["broker"] for r in before["replicas"] if r["leader"] == "true"]
        assert starred == [leader]
        engine = engine_state(session)
        assert str(engine["leader"]) == leader and engine["now_ms"] == 0

        # kill the leader with its own button; until fencing, the leader stays put
        click(session, f'.kc-broker[data-broker="{leader}"] button.kc-kill')
        wait_for(session, f"root.querySelector('.kc-broker[data-broker=\"{leader}\"]')"
                          ".dataset.status === 'down'", f"broker {leader} killed")
        killed = session.page.evaluate(DRAWN)
        assert killed["message"] == f"broker {leader} killed"
        assert killed["leader"] == leader  # not fenced yet: the controller still waits

        # let simulated time pass beyond broker.session.timeout.ms (9 s)
        click(session, 'button.kc-advance:text-is("+10 s")')
        wait_for(session, f"row.dataset.leader !== '{leader}' && row.dataset.leader !== 'none'"
                          " && row.dataset.isr.split(',').length === 2", "10000 ms passed")
        after = session.page.evaluate(DRAWN)
        new_leader = after["leader"]
        assert new_leader != leader and after["brokers"][new_leader] == "up"
        assert after["brokers"][leader] == "down"
        isr = after["isr"].split(",")
        assert leader not in isr and new_leader in isr and len(isr) == 2
        assert after["health"] == "under-replicated"
        assert after["message"] == "10000 ms passed"
        assert "2 of 3 brokers running" in after["summary"] and "t = 10.0s" in after["summary"]
        replicas = {r["broker"]: r for r in after["replicas"]}
        assert replicas[leader]["inIsr"] == "false" and replicas[leader]["leader"] == "false"
        assert replicas[new_leader]["leader"] == "true"

        # the engine, asked through the kernel, agrees with the page
        engine = engine_state(session)
        assert str(engine["leader"]) == new_leader
        assert sorted(map(str, engine["isr"])) == sorted(isr)
        assert engine["brokers"][leader] == [False, True]  # down, and fenced by now
        assert engine["now_ms"] == 10_000 and engine["message"] == "10000 ms passed"

        # the new leader takes a write with acks=all: two in-sync replicas are enough
        click(session, f'.kc-cluster-row[data-topic="{TOPIC}"][data-partition="0"] '
                       "button.kc-produce")
        wait_for(session, "row.dataset.hw === '1'", f"{TOPIC}-0: 'v0' at offset 0 (acks=all)")
        produced = session.page.evaluate(DRAWN)
        assert produced["message"] == f"{TOPIC}-0: 'v0' at offset 0 (acks=all)"
        leos = {r["broker"]: r["leo"] for r in produced["replicas"]}
        assert leos[leader] == "0" and leos[new_leader] == "1"
        assert engine_state(session)["hw"] == 1

        session.hide_side_panels()
        session.page.locator(ROOT).last.evaluate(
            "(node) => node.scrollIntoView({ block: 'center' })")
        session.screenshot(out_dir / "cluster-view-leader-killed.png")

        # restart it: the old session expired at 9 s, so it registers at once and
        # catches up into the ISR; leadership stays with the new leader
        click(session, f'.kc-broker[data-broker="{leader}"] button.kc-restart')
        wait_for(session, f"root.querySelector('.kc-broker[data-broker=\"{leader}\"]')"
                          ".dataset.status === 'up' && row.dataset.isr.split(',').length === 3",
                 f"broker {leader} restarted")
        back = session.page.evaluate(DRAWN)
        assert back["brokers"] == {"1": "up", "2": "up", "3": "up"}
        assert back["leader"] == new_leader and back["health"] == "ok"
        assert back["message"] == f"broker {leader} restarted"
        assert {r["broker"]: r["leo"] for r in back["replicas"]}[leader] == "1"  # caught up
        engine = engine_state(session)
        assert engine["brokers"][leader] == [True, False]  # running, not fenced
        assert sorted(map(str, engine["isr"])) == sorted(back["isr"].split(","))
        assert str(engine["leader"]) == new_leader and engine["hw"] == 1

        assert session.page.locator(".kc-cluster-view.kc-static").count() == 0
        session.screenshot(out_dir / "cluster-view-broker-restarted.png")
        assert session.page_errors == []
    except BaseException:
        session.screenshot(out_dir / "failure.png")
        raise
    finally:
        session.shutdown_kernel()
        context.close()
