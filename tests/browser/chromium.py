"""Find the headless Chromium for the browser tests, launch it, or skip (or fail) without it.

Without a usable browser the tests are skipped, unless ``COURSE_REQUIRE_BROWSER=1`` (as
in CI), which turns the skip into a failure so that nothing silently goes untested.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

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


def unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it when a browser is required (``COURSE_REQUIRE_BROWSER=1``)."""
    if require_browser():
        pytest.fail(f"{reason} (and COURSE_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


def chromium_or_skip() -> Path:
    """The Chromium to drive; skips (or fails) when it or Playwright is missing."""
    path, reason = find_chromium()
    if path is None:
        unavailable(reason)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        unavailable(f"Playwright is not installed ({exc}); pip install playwright")
    return path


@contextlib.contextmanager
def launched_chromium(executable: Path) -> Iterator[Any]:
    """A headless Chromium at ``executable``, launched by Playwright; closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(executable), args=list(CHROMIUM_ARGS)
        )
        try:
            yield chromium
        finally:
            chromium.close()
