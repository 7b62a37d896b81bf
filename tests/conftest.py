"""Fixtures shared by the whole test suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The root of the course repository (the folder holding ``lessons/`` and ``engine/``)."""
    return REPO_ROOT


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, or a skip (a failure when COURSE_REQUIRE_BROWSER=1, as in CI)."""
    from tests.browser.chromium import chromium_or_skip, launched_chromium

    with launched_chromium(chromium_or_skip()) as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page in ``browser``; the test fails if the page raised a JavaScript error."""
    opened = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    opened.close()
    assert errors == []
