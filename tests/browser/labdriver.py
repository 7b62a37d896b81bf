"""Drive a real JupyterLab in headless Chromium (Playwright) for the browser tests.

The recipe follows the project's tooling notes (JupyterLab + headless Chromium). In short:

* the server is a private ``jupyter lab`` (``python -m jupyterlab`` from the running
  venv) on 127.0.0.1 with an OS-chosen port and a random token; every ``JUPYTER_*``
  directory and ``IPYTHONDIR`` point into a scratch folder, and the user settings there
  turn off autosave and the news/update toasts;
* run-all must wait until the kernel really exists (``sessionContext.ready`` and kernel
  ``idle``/``connected``): fired earlier, it clears the outputs and runs nothing;
* the ``notebook:run-all-cells`` promise settles early when a cell raises (even one
  tagged ``raises-exception``), so completion is judged on the notebook model instead;
* the notebook is virtualised (content-visibility), so screenshots scroll to the widget.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where Debian's ``chromium`` package puts the browser; ``COURSE_CHROMIUM`` overrides it.
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ENV = "COURSE_CHROMIUM"
#: Set to 1 (as CI does) to turn "no browser here" from a skip into a failure.
REQUIRE_BROWSER_ENV = "COURSE_REQUIRE_BROWSER"

CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT: dict[str, int] = {"width": 1280, "height": 1100}

#: JupyterLab user settings for the test server, by settings file (relative to
#: ``JUPYTERLAB_SETTINGS_DIR``). Autosave is off so that a half-run notebook is never
#: written back; the notification toast would cover part of the screenshots.
TEST_USER_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

STDERR_MIME = "application/vnd.jupyter.stderr"
RAISES_TAGS = frozenset({"raises-exception", "nbval-raises-exception"})
RAISES_MARKER = "NBVAL_RAISES_EXCEPTION"


def require_browser() -> bool:
    """Whether a missing browser must fail the test run instead of skipping it."""
    return os.environ.get(REQUIRE_BROWSER_ENV, "").strip() == "1"


def find_chromium() -> tuple[Path | None, str]:
    """Return the Chromium executable to use, or ``None`` and the reason it is unusable."""
    configured = os.environ.get(CHROMIUM_ENV, "").strip()
    path = Path(configured) if configured else DEFAULT_CHROMIUM
    origin = f"${CHROMIUM_ENV}" if configured else "the default path"
    if not path.is_file():
        hint = "install it with `apt-get install -y chromium`"
        return None, f"Chromium not found at {path} ({origin}); {hint} or set ${CHROMIUM_ENV}"
    if not os.access(path, os.X_OK):
        return None, f"Chromium at {path} ({origin}) is not executable"
    return path, ""


# --------------------------------------------------------------------------- server


@dataclass
class LabServer:
    """A running private JupyterLab server."""

    process: subprocess.Popen[bytes]
    base_url: str
    token: str
    root_dir: Path
    log_path: Path
    startup_s: float = 0.0  # from launch until /api/status answered

    def url(self, path: str, **query: str) -> str:
        """Return the URL of ``path`` (relative to the server root), with the token."""
        params = "&".join([f"token={self.token}", *(f"{k}={v}" for k, v in query.items())])
        return f"{self.base_url}{path.lstrip('/')}?{params}"

    def notebook_url(self, relpath: str) -> str:
        """Return the URL that opens the notebook ``relpath`` (relative to ``root_dir``)."""
        return self.url(f"lab/tree/{relpath}", reset="")

    def log_tail(self, lines: int = 40) -> str:
        """Return the last ``lines`` lines of the server's log."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])


def write_user_settings(settings_dir: Path) -> None:
    """Write ``TEST_USER_SETTINGS`` under ``settings_dir`` (a ``JUPYTERLAB_SETTINGS_DIR``)."""
    for relpath, values in TEST_USER_SETTINGS.items():
        path = settings_dir / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2) + "\n", encoding="utf-8")


def server_environment(state_dir: Path, python: Path) -> dict[str, str]:
    """Return the environment for the server (and its kernels): private Jupyter dirs."""
    env = dict(os.environ)
    for variable in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_PREFER_ENV_PATH"):
        env.pop(variable, None)
    dirs = {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "user-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
        "IPYTHONDIR": "ipython",
    }
    for variable, name in dirs.items():
        path = state_dir / name
        path.mkdir(parents=True, exist_ok=True)
        env[variable] = str(path)
    env["PATH"] = os.pathsep.join([str(python.parent), env.get("PATH", "")])
    return env


def _read_server_info(runtime_dir: Path) -> dict[str, Any] | None:
    """Return the content of the server's ``jpserver-*.json`` runtime file, once written."""
    for info_file in runtime_dir.glob("jpserver-*.json"):
        with contextlib.suppress(OSError, json.JSONDecodeError):
            info = json.loads(info_file.read_text(encoding="utf-8"))
            if isinstance(info, dict) and info.get("port"):
                return info
    return None


def _answers(url: str) -> bool:
    """Whether an HTTP GET of ``url`` returns 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def stop_process(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """Stop ``process``: SIGTERM, then SIGKILL if it is still running after ``grace`` s."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait(timeout=grace)


@contextlib.contextmanager
def running_lab(
    root_dir: Path,
    state_dir: Path,
    *,
    python: Path | None = None,
    startup_timeout: float = 60.0,
) -> Iterator[LabServer]:
    """Run a private JupyterLab serving ``root_dir``; its state lives in ``state_dir``.

    The server is stopped (SIGTERM, then SIGKILL) when the block exits, however it exits.
    """
    python = python or Path(sys.executable)
    env = server_environment(state_dir, python)
    write_user_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]))
    runtime_dir = Path(env["JUPYTER_RUNTIME_DIR"])
    token = secrets.token_urlsafe(24)
    command = [
        str(python),
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        "--port=0",  # the OS picks a free port; it is read back from the runtime file
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log_path = state_dir / "jupyterlab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the terminal reaches pytest only
        )
    server = LabServer(process, "", token, root_dir, log_path)
    started = time.monotonic()
    try:
        deadline = started + startup_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with code {process.returncode}:\n{server.log_tail()}"
                )
            info = _read_server_info(runtime_dir)
            if info is not None:
                server.base_url = f"http://127.0.0.1:{info['port']}{info.get('base_url', '/')}"
                if _answers(server.url("api/status")):
                    server.startup_s = round(time.monotonic() - started, 2)
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"jupyter lab did not answer within {startup_timeout:.0f} s:\n"
                    f"{server.log_tail()}"
                )
            time.sleep(0.1)
        yield server
    finally:
        stop_process(process)


def copy_course_tree(source_root: Path, dest_root: Path, folders: tuple[str, ...]) -> None:
    """Copy ``folders`` of ``source_root`` into ``dest_root`` (no checkpoints or caches)."""
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")
    for folder in folders:
        shutil.copytree(source_root / folder, dest_root / folder, ignore=ignore)


# --------------------------------------------------------------------------- page

_JS_HELPERS = """
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const findPanel = (app, path) => {
  for (const widget of app.shell.widgets('main')) {
    if (widget.context && widget.context.path === path && widget.sessionContext
        && widget.content && widget.content.model) {
      return widget;
    }
  }
  return null;
};
"""

_JS_WAIT_FOR_KERNEL = (
    "async ({ path, timeoutMs }) => {"
    + _JS_HELPERS
    + """
  const app = window.jupyterapp;
  const deadline = Date.now() + timeoutMs;
  let panel = findPanel(app, path);
  while (!panel) {
    if (Date.now() > deadline) throw new Error(`no notebook panel for ${path}`);
    await sleep(100);
    panel = findPanel(app, path);
  }
  const ready = Promise.all([panel.context.ready, panel.sessionContext.ready]);
  const timeout = sleep(Math.max(0, deadline - Date.now())).then(() => {
    throw new Error('the notebook context/session did not become ready');
  });
  await Promise.race([ready, timeout]);
  for (;;) {
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    if (kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected') {
      app.shell.activateById(panel.id);
      return kernel.name;
    }
    if (Date.now() > deadline) {
      throw new Error(`kernel not ready: status=${kernel && kernel.status}, `
                      + `connection=${kernel && kernel.connectionStatus}`);
    }
    await sleep(100);
  }
}"""
)

_JS_RUN_ALL = (
    "async ({ path }) => {"
    + _JS_HELPERS
    + """
  const app = window.jupyterapp;
  const panel = findPanel(app, path);
  app.shell.activateById(panel.id);
  await app.commands.execute('notebook:clear-all-cell-outputs');
  // Not awaited: it settles as soon as one cell raises. Completion is polled for.
  window.__courseRunAll = { done: false, result: null };
  app.commands.execute('notebook:run-all-cells').then(
    (result) => { window.__courseRunAll = { done: true, result: String(result) }; },
    (error) => { window.__courseRunAll = { done: true, result: `error: ${error}` }; },
  );
  return true;
}"""
)

_JS_EXECUTION_STATE = (
    "({ path }) => {"
    + _JS_HELPERS
    + """
  const panel = findPanel(window.jupyterapp, path);
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  let running = 0;
  for (const cell of panel.content.model.cells) {
    if (cell.type === 'code' && cell.executionState === 'running') running += 1;
  }
  return {
    runAll: window.__courseRunAll || null,
    running,
    kernel: kernel ? kernel.status : 'none',
  };
}"""
)

_JS_CELLS = (
    "({ path, stderrMime }) => {"
    + _JS_HELPERS
    + """
  const panel = findPanel(window.jupyterapp, path);
  const report = [];
  panel.content.widgets.forEach((widget, index) => {
    const cell = widget.model;
    if (cell.type !== 'code') return;
    const selector = `.jp-OutputArea-output[data-mime-type="${stderrMime}"]`;
    report.push({
      index,
      executionCount: cell.executionCount,
      source: cell.sharedModel.getSource(),
      tags: cell.getMetadata('tags') || [],
      outputs: cell.outputs.toJSON(),
      domStderr: widget.node.querySelectorAll(selector).length,
    });
  });
  return report;
}"""
)

_JS_WIDGETS = """() => {
  const outputs = [...document.querySelectorAll('.jp-OutputArea-output')];
  const texts = outputs.map((node) => node.textContent.trim());
  const attr = (node, name) => (node.dataset[name] === undefined ? null : node.dataset[name]);
  return {
    loading: texts.filter((t) => t.startsWith('Loading widget')).length,
    errors: texts.filter((t) => t.startsWith('Error displaying widget')),
    static: document.querySelectorAll('.kc-partition-view.kc-static').length,
    views: [...document.querySelectorAll('.kc-partition-view:not(.kc-static)')].map((view) => ({
      topic: attr(view, 'topic'),
      records: attr(view, 'records'),
      partitionsAttr: attr(view, 'partitions'),
      exists: attr(view, 'exists'),
      rows: [...view.querySelectorAll('.kc-partition')].map((row) => ({
        partition: attr(row, 'partition'),
        records: attr(row, 'records'),
        cells: row.querySelectorAll('.kc-record').length,
      })),
      recordCells: view.querySelectorAll('.kc-record').length,
    })),
  };
}"""

_JS_SHUTDOWN = (
    "async ({ path }) => {"
    + _JS_HELPERS
    + """
  const panel = findPanel(window.jupyterapp, path);
  if (panel) await panel.sessionContext.shutdown();
  return true;
}"""
)

_JS_DIALOGS = """() => [...document.querySelectorAll('.jp-Dialog')]
  .map((dialog) => dialog.textContent.trim().replace(/\\s+/g, ' '))"""


@dataclass(frozen=True)
class CellReport:
    """One code cell of the notebook after run-all, as JupyterLab's model holds it."""

    index: int
    execution_count: int | None
    source: str
    tags: tuple[str, ...]
    outputs: tuple[dict[str, Any], ...]
    dom_stderr: int

    @property
    def may_raise(self) -> bool:
        """Whether the cell is marked (tag or nbval comment) as expected to raise."""
        marked = any(
            line.strip().startswith("#") and line.strip().lstrip("#").strip() == RAISES_MARKER
            for line in self.source.splitlines()
        )
        return marked or bool(RAISES_TAGS & set(self.tags))

    @property
    def raised(self) -> bool:
        """Whether the cell has an error output (an exception reached the notebook)."""
        return any(output.get("output_type") == "error" for output in self.outputs)

    def problems(self) -> list[str]:
        """Error and stderr outputs of the cell, one short description each."""
        found: list[str] = []
        for output in self.outputs:
            if output.get("output_type") == "error":
                found.append(f"{output.get('ename')}: {output.get('evalue')}")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                text = output.get("text", "")
                text = "".join(text) if isinstance(text, list) else str(text)
                found.append(f"stderr: {text.strip()[:500]}")
        if self.dom_stderr and not found:
            found.append(f"{self.dom_stderr} stderr/error output(s) rendered in the page")
        return found


@dataclass(frozen=True)
class PartitionRow:
    """One ``.kc-partition`` row of a partition view."""

    partition: str | None  # data-partition
    records_attr: str | None  # data-records (records in the partition's log), if shown
    record_cells: int  # .kc-record cells drawn (the view may draw only the newest ones)


@dataclass(frozen=True)
class PartitionView:
    """What one live (not ``.kc-static``) ``.kc-partition-view`` shows."""

    topic: str | None
    records_attr: str | None  # data-records
    partitions_attr: str | None  # data-partitions, if the view sets it
    exists_attr: str | None  # data-exists, if the view sets it
    rows: tuple[PartitionRow, ...]
    record_cells: int


@dataclass(frozen=True)
class WidgetSnapshot:
    """The widget outputs of the page at one moment."""

    loading: int  # outputs still saying "Loading widget..."
    errors: tuple[str, ...]  # "Error displaying widget..." texts
    static_views: int  # static HTML fallbacks shown instead of a live widget
    views: tuple[PartitionView, ...]

    @classmethod
    def from_js(cls, raw: dict[str, Any]) -> WidgetSnapshot:
        """Build a snapshot from the ``_JS_WIDGETS`` result."""
        views = tuple(
            PartitionView(
                topic=view["topic"],
                records_attr=view["records"],
                partitions_attr=view["partitionsAttr"],
                exists_attr=view["exists"],
                rows=tuple(
                    PartitionRow(row["partition"], row["records"], int(row["cells"]))
                    for row in view["rows"]
                ),
                record_cells=int(view["recordCells"]),
            )
            for view in raw["views"]
        )
        return cls(int(raw["loading"]), tuple(raw["errors"]), int(raw["static"]), views)

    def last_view(self, topic: str) -> PartitionView | None:
        """The last live view of ``topic`` in document order, if any."""
        matching = [view for view in self.views if view.topic == topic]
        return matching[-1] if matching else None


@dataclass
class NotebookSession:
    """One notebook opened in one browser page, with timings of each step."""

    page: Any  # playwright.sync_api.Page; kept untyped so this module imports without it
    server: LabServer
    path: str  # relative to the server's root_dir, with forward slashes
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
            return list(self.page.evaluate(_JS_DIALOGS))
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
                _JS_WAIT_FOR_KERNEL, {"path": self.path, "timeoutMs": timeout * 1000}
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
        self.page.evaluate(_JS_RUN_ALL, {"path": self.path})
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
            state = self.page.evaluate(_JS_EXECUTION_STATE, {"path": self.path})
            settled = bool(state["runAll"] and state["runAll"]["done"])
            idle = state["running"] == 0 and state["kernel"] == "idle"
            quiet = quiet + 1 if settled and idle else 0
        self.info["run_all_result"] = str(state["runAll"]["result"])
        self._timed("run_all", started)

    def cells(self) -> list[CellReport]:
        """Report every code cell: execution count, outputs, stderr rendered in the page."""
        raw = self.page.evaluate(_JS_CELLS, {"path": self.path, "stderrMime": STDERR_MIME})
        return [
            CellReport(
                index=int(cell["index"]),
                execution_count=cell["executionCount"],
                source=str(cell["source"]),
                tags=tuple(cell["tags"]),
                outputs=tuple(cell["outputs"]),
                dom_stderr=int(cell["domStderr"]),
            )
            for cell in raw
        ]

    def widgets(self, timeout: float = 30.0) -> WidgetSnapshot:
        """Wait until widget outputs stop loading and changing; return what they show."""
        started = time.monotonic()
        deadline = started + timeout
        previous: WidgetSnapshot | None = None
        stable = 0
        while True:
            snapshot = WidgetSnapshot.from_js(self.page.evaluate(_JS_WIDGETS))
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
        self.page.evaluate(
            "() => { window.jupyterapp.shell.collapseLeft();"
            " window.jupyterapp.shell.collapseRight(); }"
        )

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
            self.page.evaluate(_JS_SHUTDOWN, {"path": self.path})


def css_string(value: str) -> str:
    """Quote ``value`` as a CSS string (for attribute selectors)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'
