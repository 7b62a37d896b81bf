"""Run lessons in a real JupyterLab in headless Chromium and check what the learner sees.

For each lesson in ``LESSONS``: copy ``lessons/`` to a scratch folder (JupyterLab must
never write to the real notebooks), start a private ``jupyter lab`` on it, open the
lesson in Chromium, wait for the kernel, clear the outputs, run all cells, then check

* that every code cell ran and none produced an error or stderr output (except cells
  tagged ``raises-exception``), and that no uncaught JavaScript error happened, and
* that the partition views (``.kc-partition-view``) show the expected partitions and
  records,

and save screenshots of the views under ``artifacts/browser/<lesson>/``.

Run with ``pytest -m browser tests/browser`` (10-20 s for one lesson). Without
Chromium (``/usr/bin/chromium``, or the path in ``$COURSE_CHROMIUM``) the test is skipped,
unless ``COURSE_REQUIRE_BROWSER=1`` (as in CI), which makes it fail instead.
``COURSE_BROWSER_SOURCE=DIR`` takes the lessons from ``DIR/lessons`` instead of the repo.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .chromium import VIEWPORT, chromium_or_skip, launched_chromium
from .labserver import LabServer, copy_course_tree, running_lab
from .notebookpage import NotebookSession
from .pagereports import CellReport, WidgetSnapshot

pytestmark = pytest.mark.browser

#: The lessons checked in the browser: notebook file name in ``lessons/`` -> the
#: partition views it must show after run-all, as ``topic: (partitions, records)``.
#: When a notebook shows several views of one topic, the last one is checked.
LESSONS: dict[str, dict[str, tuple[int, int]]] = {
    "01-topics-partitions-offsets.ipynb": {
        "orders": (3, 13),  # from the current draft of lesson 01; update if it changes
    },
    # The other lessons: every cell runs, no unexpected error or stderr, and every widget
    # (cluster, group, offsets and lag views) displays live rather than as static HTML.
    "02-brokers-and-replication.ipynb": {},
    "03-consumers-and-groups.ipynb": {},
    "04-offsets-and-delivery.ipynb": {},
    "05-discovery-kraft-guarantees.ipynb": {},
    "06-starting-kafka.ipynb": {},
    "07-cli-topics-producer-consumer.ipynb": {},
    "08-cli-consumer-groups.ipynb": {},
    "09-python-producer.ipynb": {},
    "10-python-consumer-and-groups.ipynb": {},
    "11-assign-and-seek.ipynb": {},
}

#: Folders of the course copied next to the lessons (the kernel imports ``engine`` from
#: the venv, where it is installed in editable mode, so ``lessons/`` is enough).
COPIED_FOLDERS: tuple[str, ...] = ("lessons",)
SOURCE_ENV = "COURSE_BROWSER_SOURCE"

KERNEL_TIMEOUT_S = 60.0
RUN_ALL_TIMEOUT_S = 120.0
WIDGETS_TIMEOUT_S = 30.0


@pytest.fixture(scope="module")
def chromium_executable() -> Path:
    """The Chromium to drive; skips (or fails) when it or Playwright is missing."""
    return chromium_or_skip()


@pytest.fixture(scope="module")
def course_source(repo_root: Path) -> Path:
    """The folder whose ``lessons/`` is tested: the repo, or ``$COURSE_BROWSER_SOURCE``."""
    configured = os.environ.get(SOURCE_ENV, "").strip()
    return Path(configured).resolve() if configured else repo_root


@pytest.fixture(scope="module")
def lab_server(
    chromium_executable: Path, course_source: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LabServer]:
    """A private JupyterLab serving a scratch copy of the course, for this module's tests."""
    root = tmp_path_factory.mktemp("course-root")
    copy_course_tree(course_source, root, COPIED_FOLDERS)
    state = tmp_path_factory.mktemp("jupyter-state")
    with running_lab(root, state) as server:
        yield server


@pytest.fixture(scope="module")
def browser(chromium_executable: Path) -> Iterator[Any]:
    """A headless Chromium, launched by Playwright."""
    with launched_chromium(chromium_executable) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def artifacts_root(repo_root: Path) -> Path:
    """Where screenshots and logs go (git-ignored)."""
    return repo_root / "artifacts" / "browser"


def committed_stderr(notebook: Path) -> dict[str, str]:
    """The stderr text each code cell of the committed notebook shows, keyed by source.

    Some cells print to stderr on purpose (Kafka's console tools report there, as in a
    terminal); nbval checks that text, so the browser run may show exactly the same.
    """
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    expected: dict[str, str] = {}
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        text = "".join(
            "".join(out["text"]) if isinstance(out["text"], list) else out["text"]
            for out in cell.get("outputs", [])
            if out.get("output_type") == "stream" and out.get("name") == "stderr"
        )
        if text:
            source = cell["source"]
            expected["".join(source) if isinstance(source, list) else source] = text
    return expected


def stderr_text(cell: CellReport) -> str:
    """All stderr stream text of a cell's outputs after run-all."""
    return "".join(
        "".join(out.get("text", "")) if isinstance(out.get("text"), list)
        else str(out.get("text", ""))
        for out in cell.outputs
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
    )


def cell_failures(cells: list[CellReport], expected_stderr: dict[str, str] | None = None
                  ) -> list[str]:
    """Describe every cell that did not run, or produced an error or unexpected stderr.

    stderr is expected only where the committed notebook shows the same text.
    """
    failures: list[str] = []
    first_raise: int | None = None
    for cell in cells:
        if not cell.source.strip():
            continue
        problems = cell.problems()
        expected = (expected_stderr or {}).get(cell.source)
        if expected is not None and stderr_text(cell) == expected:
            problems = [p for p in problems if not p.startswith("stderr")
                        and "rendered in the page" not in p]
        if cell.raised and first_raise is None:
            first_raise = cell.index
        if problems and not cell.may_raise:
            failures.append(f"cell {cell.index}: " + "; ".join(problems))
        elif cell.may_raise and "raises-exception" not in cell.tags:
            failures.append(
                f"cell {cell.index} is marked NBVAL_RAISES_EXCEPTION but not tagged "
                "raises-exception: JupyterLab's run-all stops at it; add the tag"
            )
        if cell.execution_count is None:
            after = f" (after cell {first_raise} raised)" if first_raise is not None else ""
            failures.append(f"cell {cell.index} did not run{after}")
    return failures


def view_failures(snapshot: WidgetSnapshot, expected: dict[str, tuple[int, int]]) -> list[str]:
    """Describe every difference between the partition views shown and ``expected``.

    ``data-records`` of the view (and of its rows, when they carry it) must equal the
    expected records; the ``.kc-record`` cells drawn may be fewer (a view may draw only
    the newest records of each partition) but never more, and not zero if records exist.
    """
    failures = [f"a widget failed to display: {error}" for error in snapshot.errors]
    if snapshot.loading:
        failures.append(f"{snapshot.loading} widget(s) still loading")
    if snapshot.static_views:
        failures.append(f"{snapshot.static_views} static HTML view(s) shown instead of widgets")
    for topic, (partitions, records) in expected.items():
        view = snapshot.last_view(topic)
        if view is None:
            shown = sorted({str(v.topic) for v in snapshot.views}) or "none"
            failures.append(f"no partition view of topic {topic!r} (views shown: {shown})")
            continue
        where = f"topic {topic!r}"
        if view.exists_attr not in (None, "true"):
            failures.append(f"{where}: data-exists={view.exists_attr!r}")
        ids = [row.partition for row in view.rows]
        if ids != [str(p) for p in range(partitions)]:
            failures.append(f"{where}: partition rows {ids}, expected 0..{partitions - 1}")
        if view.partitions_attr not in (None, str(partitions)):
            failures.append(f"{where}: data-partitions={view.partitions_attr!r}, not {partitions}")
        if view.records_attr != str(records):
            failures.append(f"{where}: data-records={view.records_attr!r}, expected {records}")
        row_records = [row.records_attr for row in view.rows]
        if None not in row_records and sum(int(r) for r in row_records if r) != records:
            failures.append(f"{where}: rows' data-records {row_records} do not add up to {records}")
        if view.record_cells > records or (records > 0) != (view.record_cells > 0):
            failures.append(f"{where}: {view.record_cells} .kc-record cells for {records} records")
    return failures


@pytest.mark.parametrize("notebook", sorted(LESSONS))
def test_lesson_runs_in_browser(
    notebook: str, course_source: Path, artifacts_root: Path, request: pytest.FixtureRequest
) -> None:
    """Run all cells of ``notebook`` in JupyterLab and check cells and partition views."""
    if not (course_source / "lessons" / notebook).is_file():
        pytest.fail(f"lessons/{notebook} does not exist (listed in LESSONS)", pytrace=False)
    # Requested only now, so that a missing lesson fails without starting anything.
    lab_server: LabServer = request.getfixturevalue("lab_server")
    browser: Any = request.getfixturevalue("browser")
    expected = LESSONS[notebook]
    out_dir = artifacts_root / Path(notebook).stem
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)

    started = time.monotonic()
    context = browser.new_context(viewport=VIEWPORT)
    session = NotebookSession(context.new_page(), lab_server, f"lessons/{notebook}")
    try:
        session.open(timeout=KERNEL_TIMEOUT_S)
        session.run_all(timeout=RUN_ALL_TIMEOUT_S)
        cells = session.cells()
        snapshot = session.widgets(timeout=WIDGETS_TIMEOUT_S)
        session.hide_side_panels()
        for topic in expected:
            if snapshot.last_view(topic) is not None:
                session.screenshot_view(topic, out_dir / f"{topic}.png")
        expected_stderr = committed_stderr(course_source / "lessons" / notebook)
        failures = cell_failures(cells, expected_stderr) + view_failures(snapshot, expected)
        failures += [f"uncaught error in the page: {error}" for error in session.page_errors]
        assert not failures, f"{notebook} in JupyterLab:\n  " + "\n  ".join(failures)
    except BaseException:
        with contextlib.suppress(Exception):
            session.screenshot(out_dir / "failure.png")
        raise
    finally:
        session.shutdown_kernel()
        (out_dir / "console.log").write_text("\n".join(session.console) + "\n")
        session.timings["lesson_total"] = round(time.monotonic() - started, 2)
        session.timings["server_startup"] = lab_server.startup_s
        report = {"timings_s": session.timings, **session.info}
        (out_dir / "run.json").write_text(json.dumps(report, indent=2) + "\n")
        print(f"{notebook}: {report}")
        context.close()
