"""The scaffolding every lab's checker tests share (``tests/labs/test_labNN.py``).

* ``cluster = lab_cluster(labNN)``: a fixture giving the lab's fresh cluster, and
  forgetting it afterwards so the next test starts from "not started";
* :func:`verdict`: a check's outcome, and fragments its message must contain;
* :func:`run_solution` and :func:`run_generated_lab`: run a notebook's cells in this
  process; the solution passes every check, the generated lab says "not attempted" to
  every one and raises nothing but its stubs' ``NotImplementedError``;
* :func:`assert_solution_pointers`, :func:`assert_hint_ladders`: every question's
  ``solution()`` names a section of the solution notebook, and it has two hints or more;
* :func:`assert_quick_passes`: checks that pass, each well under a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import nbformat
import pytest

from engine import Cluster
from engine.labs import Feedback, Lab, Outcome

from .notebook import CellRun, check_runs, run_notebook

ROOT = Path(__file__).resolve().parents[2]


def lab_cluster(module: ModuleType) -> Any:
    """A ``cluster`` fixture for the lab module ``module`` (``engine.labs.labNN``)."""

    @pytest.fixture
    def cluster() -> Iterator[Cluster]:
        yield module.start()
        module.lab._cluster = None  # the next test starts from "not started"

    return cluster


def verdict(feedback: Feedback, outcome: Outcome, *fragments: str) -> None:
    """Assert the outcome, and that the message (shown capitalised) holds each fragment."""
    assert feedback.outcome is outcome, str(feedback)
    message = feedback.message[:1].lower() + feedback.message[1:]
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{feedback}"


def _checks(runs: list[CellRun], questions: tuple[str, ...]) -> dict[str, CellRun]:
    checks = check_runs(runs)
    assert sorted(checks) == list(questions)
    for name, run in checks.items():
        assert run.error is None, (name, run.source, run.error)
        assert isinstance(run.result, Feedback), name
    return checks


def _progress_title(runs: list[CellRun]) -> str:
    result = runs[-1].result
    assert isinstance(result, Feedback) and result.outcome is Outcome.PROGRESS, result
    return result.title


def run_solution(lab: Lab, *questions: str) -> str:
    """Run the solution notebook: no cell raises and every check of ``questions``
    (``"q1", "q2"``, all the notebook checks) passes. Returns the progress title."""
    runs = run_notebook(ROOT / lab.solution_path)
    assert [(r.source, r.error) for r in runs if r.error is not None] == []
    for name, run in _checks(runs, questions).items():
        assert run.result.passed, (name, str(run.result))
    return _progress_title(runs)


def run_generated_lab(lab: Lab, *questions: str) -> str:
    """Run the generated lab: only the stubs raise (``NotImplementedError``), and every
    check of ``questions`` runs and says "not attempted". Returns the progress title."""
    runs = run_notebook(ROOT / lab.lab_path)
    raised = [r.error for r in runs if r.error is not None]
    assert raised and all(isinstance(e, NotImplementedError) for e in raised), raised
    for run in _checks(runs, questions).values():
        verdict(run.result, Outcome.NOT_ATTEMPTED)
    return _progress_title(runs)


def solution_headings(lab: Lab) -> set[str]:
    """The ``## `` headings of the lab's solution notebook."""
    nb = nbformat.read(ROOT / lab.solution_path, as_version=4)
    return {line[3:].strip() for c in nb.cells if c.cell_type == "markdown"
            for line in c.source.splitlines() if line.startswith("## ")}


def assert_solution_pointers(lab: Lab) -> None:
    """Every question's ``solution()`` points at a heading of the solution notebook,
    names the notebook, links to it and shows no code."""
    headings = solution_headings(lab)
    for q in lab.questions:
        feedback = q.solution()
        assert q.heading in headings
        assert lab.solution_path in feedback.message
        assert "```" not in feedback.message
        assert feedback.link is not None and feedback.link[1].startswith("../solutions/")


def assert_hint_ladders(lab: Lab) -> None:
    """Every question has at least two hints, all different."""
    for q in lab.questions:
        assert len(q.hints) >= 2
        assert len(set(q.hints)) == len(q.hints)


def assert_quick_passes(*calls: Callable[[], Feedback]) -> None:
    """Each call's check passes, and answers well under a second."""
    for call in calls:
        started = time.perf_counter()
        assert call().passed
        assert time.perf_counter() - started < 0.5
