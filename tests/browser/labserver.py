"""Run a private JupyterLab server for the browser tests, and stop it afterwards.

The server is ``jupyter lab`` (``python -m jupyterlab`` from the running venv) on
127.0.0.1 with an OS-chosen port and a random token; every ``JUPYTER_*`` directory and
``IPYTHONDIR`` point into a scratch folder, and the user settings there turn off
autosave and the news/update toasts.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass
class LabServer:
    """A running private JupyterLab server."""

    base_url: str
    token: str
    log_path: Path
    startup_s: float = 0.0  # from launch until /api/status answered

    def url(self, path: str, **query: str) -> str:
        """Return the URL of ``path`` (relative to the server root), with the token."""
        params = "&".join([f"token={self.token}", *(f"{k}={v}" for k, v in query.items())])
        return f"{self.base_url}{path.lstrip('/')}?{params}"

    def notebook_url(self, relpath: str) -> str:
        """Return the URL that opens the notebook ``relpath`` (relative to the server root)."""
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
    startup_timeout: float = 60.0,
) -> Iterator[LabServer]:
    """Run a private JupyterLab serving ``root_dir``; its state lives in ``state_dir``.

    The server is stopped (SIGTERM, then SIGKILL) when the block exits, however it exits.
    """
    python = Path(sys.executable)
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
    server = LabServer("", token, log_path)
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
