"""Drive one notebook of a running JupyterLab in a Playwright page.

What the recipe has to respect (see the project's tooling notes on JupyterLab and
headless Chromium):

* run-all must wait until the kernel really exists (``sessionContext.ready`` and kernel
  ``idle``/``connected``): fired earlier, it clears the outputs and runs nothing;
* the ``notebook:run-all-cells`` promise settles early when a cell raises (even one
  tagged ``raises-exception``), so completion is judged on the notebook model instead;
* the notebook is virtualised (content-visibility), so screenshots scroll to the widget.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import pagescripts
from .labserver import LabServer
from .pagereports import CellReport, WidgetSnapshot


@dataclass
class NotebookSession:
    """One notebook opened in one browser page, with timings of each step."""

    page: Any  # playwright.sync_api.Page; kept untyped so this module imports without it
    server: LabServer
    path: str  # relative to the server root, with forward slashes
    timings: dict[str, float] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)  # uncaught exceptions in the page

    def __post_init__(self) -> None:
        self.page.on("console", lambda msg: self.console.append(f"[{msg.type}] {msg.text}"))
        self.page.on("pageerror", self._on_page_error)

    def _on_page_error(self, error: Any) -> None:
        self.page_errors.append(str(error))
        self.console.append(f"[pageerror] {error}")

    def _timed(self, name: str, started: float) -> None:
        self.timings[name] = round(time.monotonic() - started, 2)

    def dialogs(self) -> list[str]:
        """Texts of the JupyterLab dialogs currently open (e.g. a kernel chooser)."""
        with contextlib.suppress(Exception):
            return list(self.page.evaluate(pagescripts.DIALOGS))
        return []

    def open(self, timeout: float = 60.0) -> None:
        """Load JupyterLab on the notebook and wait until its kernel is idle and connected."""
        started = time.monotonic()
        self.page.goto(self.server.notebook_url(self.path), wait_until="domcontentloaded")
        self.page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell", timeout=timeout * 1000
        )
        self.page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout * 1000)
        self._timed("ui_loaded", started)
        try:
            kernel_name = self.page.evaluate(
                pagescripts.WAIT_FOR_KERNEL, {"path": self.path, "timeoutMs": timeout * 1000}
            )
        except Exception as exc:
            raise AssertionError(
                f"the kernel of {self.path} did not become ready: {exc}\n"
                f"open dialogs: {self.dialogs()}\nserver log:\n{self.server.log_tail()}"
            ) from exc
        self.info["kernel"] = str(kernel_name)
        self._timed("kernel_idle", started)

    def run_all(self, timeout: float = 120.0) -> None:
        """Clear all outputs, run all cells, and wait until no cell is queued or running."""
        started = time.monotonic()
        self.page.evaluate(pagescripts.RUN_ALL, {"path": self.path})
        deadline = started + timeout
        quiet = 0
        state: dict[str, Any] = {}
        while quiet < 3:  # settled, not running and kernel idle on three polls in a row
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"run-all of {self.path} did not finish within {timeout:.0f} s "
                    f"(last state: {state}); open dialogs: {self.dialogs()}"
                )
            time.sleep(0.1)
            state = self.page.evaluate(pagescripts.EXECUTION_STATE, {"path": self.path})
            settled = bool(state["runAll"] and state["runAll"]["done"])
            idle = state["running"] == 0 and state["kernel"] == "idle"
            quiet = quiet + 1 if settled and idle else 0
        self.info["run_all_result"] = str(state["runAll"]["result"])
        self._timed("run_all", started)

    def cells(self) -> list[CellReport]:
        """Report every code cell: execution count, outputs, stderr rendered in the page."""
        raw = self.page.evaluate(pagescripts.CELLS, {"path": self.path})
        return [CellReport.from_js(cell) for cell in raw]

    def widgets(self, timeout: float = 30.0) -> WidgetSnapshot:
        """Wait until widget outputs stop loading and changing; return what they show."""
        started = time.monotonic()
        deadline = started + timeout
        previous: WidgetSnapshot | None = None
        stable = 0
        while True:
            snapshot = WidgetSnapshot.from_js(self.page.evaluate(pagescripts.WIDGETS))
            stable = stable + 1 if snapshot == previous and snapshot.loading == 0 else 0
            if stable >= 3:
                break
            if time.monotonic() > deadline:
                break  # the caller's assertions say what is missing
            previous = snapshot
            time.sleep(0.2)
        self._timed("widgets", started)
        return snapshot

    def hide_side_panels(self) -> None:
        """Collapse JupyterLab's left and right side areas (more room for the notebook)."""
        self.page.evaluate(pagescripts.COLLAPSE_SIDE_PANELS)

    def screenshot_view(self, topic: str, path: Path) -> None:
        """Scroll to the last partition view of ``topic`` and save a screenshot at ``path``."""
        selector = f".kc-partition-view:not(.kc-static)[data-topic={css_string(topic)}]"
        view = self.page.locator(selector).last
        view.wait_for(state="attached")
        # Centre it: scroll_into_view_if_needed() leaves it at the edge, input cut off.
        view.evaluate("(node) => node.scrollIntoView({ block: 'center' })")
        view.wait_for(state="visible")
        self.screenshot(path)

    def screenshot(self, path: Path) -> None:
        """Save a screenshot of the viewport at ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path))

    def shutdown_kernel(self) -> None:
        """Shut the notebook's kernel down (best effort)."""
        with contextlib.suppress(Exception):
            self.page.evaluate(pagescripts.SHUTDOWN, {"path": self.path})


def css_string(value: str) -> str:
    """Quote ``value`` as a CSS string (for attribute selectors)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'
