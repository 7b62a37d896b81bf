"""Widget front ends in a bare Chromium page, without JupyterLab.

``mount`` loads a view's composed ES module (``engine.views.live.front_end``) into the
page with a stand-in anywidget model, replays the trait changes Python made, and returns
the messages the front end sent back. ``record_changes`` collects those changes from a
live view. The ``browser`` and ``page`` fixtures are in ``tests/conftest.py``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from engine.views.live import LiveView, front_end, front_end_css

MOUNT = """
async ({ source, css, initial, changes }) => {
  const style = document.createElement("style");
  style.textContent = css;
  document.head.append(style);
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const widget = (await import(url)).default();
  const attrs = { ...initial };
  const handlers = {};
  const sent = [];
  const model = {
    get: (name) => attrs[name],
    set: (name, value) => {
      attrs[name] = value;
      for (const handler of handlers["change:" + name] || []) handler();
    },
    on: (name, handler) => { (handlers[name] ||= []).push(handler); },
    off: () => {},
    send: (message) => sent.push(message),
    save_changes: () => {},
  };
  await widget.initialize({ model });
  const el = document.createElement("div");
  document.body.append(el);
  widget.render({ model, el });
  for (const [name, value] of changes) model.set(name, value);
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  window.kcModel = model;
  window.kcSent = sent;
  return sent;
}
"""


def record_changes(view: LiveView) -> list[list[Any]]:
    """Every value Python gives the synced traits, in order, as the front end gets them."""
    changes: list[list[Any]] = []
    view.observe(lambda change: changes.append([change["name"], copy.deepcopy(change["new"])]),
                 names=["snapshot", "delta"])
    return changes


def mount(page: Any, module: str, css: str | None, initial: dict[str, Any],
          changes: list[list[Any]]) -> list[Any]:
    """Run ``module`` (e.g. ``"group.js"``) in ``page`` on a stand-in model; return what
    it sent."""
    return page.evaluate(MOUNT, {
        "source": front_end(module),
        "css": front_end_css(css) if css else "",
        "initial": json.loads(json.dumps(initial)),
        "changes": json.loads(json.dumps(changes)),
    })
