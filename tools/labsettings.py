"""Write the course's JupyterLab setting overrides into a virtual environment.

Usage::

    python -m tools.labsettings VENV_DIR

JupyterLab reads ``<sys.prefix>/share/jupyter/lab/settings/overrides.json`` as the
default value of its settings, below anything the learner sets in the Settings Editor.
This tool turns off the "Would you like to get notified about official Jupyter news?"
toast and the update check there, so that a learner's first screen is the lesson.
Autosave is deliberately left on: learners want their work saved.

The tool is idempotent. It merges into an existing ``overrides.json`` (other plugins'
settings and other keys are kept) and leaves the file untouched when nothing changes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: The settings this tool manages, by plugin id (see JupyterLab's schemas under
#: ``share/jupyter/lab/schemas/@jupyterlab/``).
COURSE_OVERRIDES: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension:notification": {
        # The schema's type is a string: "true", "false" or "none" (= ask the user).
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def overrides_path(venv_dir: Path) -> Path:
    """Return where JupyterLab installed in ``venv_dir`` looks for ``overrides.json``."""
    return venv_dir / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``base`` updated recursively with ``extra`` (neither argument is modified)."""
    merged: dict[str, Any] = dict(base)
    for key, value in extra.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = merge(current, value)
        else:
            merged[key] = value
    return merged


def write_overrides(venv_dir: Path, overrides: Mapping[str, Any] = COURSE_OVERRIDES) -> bool:
    """Merge ``overrides`` into the venv's ``overrides.json``; return True if it changed.

    Raises ``ValueError`` if an existing file is not a JSON object (it is not overwritten).
    """
    path = overrides_path(venv_dir)
    existing: dict[str, Any] = {}
    if path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8") or "{}")
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path} is not valid JSON ({exc}); fix or delete it") from exc
        if not isinstance(loaded, dict):
            raise ValueError(f"{path} does not hold a JSON object; fix or delete it")
        existing = loaded
    merged = merge(existing, overrides)
    if path.exists() and merged == existing:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.labsettings",
        description="Turn off JupyterLab's news and update notifications in a venv.",
    )
    parser.add_argument("venv_dir", type=Path, help="the virtual environment, e.g. .venv")
    args = parser.parse_args(argv)
    venv_dir: Path = args.venv_dir
    if not (venv_dir / "pyvenv.cfg").is_file():
        parser.error(f"{venv_dir} does not look like a virtual environment (no pyvenv.cfg)")
    try:
        changed = write_overrides(venv_dir)
    except ValueError as exc:
        print(f"labsettings: {exc}", file=sys.stderr)
        return 1
    state = "updated" if changed else "already up to date"
    print(f"labsettings: {overrides_path(venv_dir)} {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
