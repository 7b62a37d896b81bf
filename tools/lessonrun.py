"""Run a lesson on real Kafka and compare its outputs with the stored (engine) ones.

Programming lessons whose notebook metadata says ``"course": {"backends": ["engine",
"kafka"]}`` must behave the same on the built-in engine and on a real broker. Their
stored outputs come from the engine (``python3 course.py execute``). This module runs a
copy of such a notebook in a fresh kernel whose environment has
``KAFKA_BOOTSTRAP_SERVERS`` set, so the lesson's ``connect(KAFKA)`` with ``KAFKA = None``
talks to the real broker, and compares every code cell's outputs with the stored ones.

What is compared, per code cell: stream text (stdout and stderr), the ``text/plain`` of
results and displays, and the name and message of an error (never the traceback, which
names files). Rich outputs (HTML, SVG) are not compared: views store a ``text/plain``
line made from the same data. Before comparing, :func:`normalise` replaces what differs
from run to run on any backend: uuids and Kafka's 22-character ids, member ids, default
client ids, cluster ids, timestamps (13-digit epoch milliseconds, and any value printed
after ``timestamp=``), ``host:port`` addresses and object addresses.

A cell that prints ``kafka.kind`` (lesson 09's ``print(kafka.kind,
kafka.bootstrap_servers)``) must print ``kafka ...`` in the run: a run that silently stayed
on the engine fails, even though that cell's output is not compared.

Cell tags (and nbval's markers):

* ``kafka-differs``: outputs are not compared (the lesson's markdown says why);
* ``any-order``: output lines are compared as a sorted multiset;
* ``# NBVAL_SKIP`` / ``nbval-skip``: not run; ``# NBVAL_IGNORE_OUTPUT``: not compared.

Usage: ``python -m tools.lessonrun --bootstrap 127.0.0.1:19092 lessons/09-*.ipynb``.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

from tools.execute_notebooks import (
    KERNELSPEC,
    CurrentEnvKernelManager,
    cell_tags,
    code_cells_to_run,
    comment_markers,
    may_raise,
    normalize,
)

ENV_BOOTSTRAP: Final = "KAFKA_BOOTSTRAP_SERVERS"
"""The variable ``connect(None)`` reads, set in the kernel's environment."""
ENV_KEPT: Final = "COURSE_REAL_KAFKA"
"""Where the test process keeps the broker's address (not passed on to the kernel)."""
CELL_TIMEOUT: Final = 120
"""Seconds allowed per cell."""
BACKEND_PROBE: Final = "print(kafka.kind"
#: The extra cell run after a lesson, and where its answer is kept in the run's metadata.
KIND_PROBE: Final = "print(kafka.kind if 'kafka' in globals() else 'no backend named kafka')"
KIND_KEY: Final = "course_backend_after_run"
"""The start of a cell line that prints which backend the lesson's ``kafka`` is."""
TAG_DIFFERS: Final = "kafka-differs"
TAG_ANY_ORDER: Final = "any-order"
IGNORE_OUTPUT_MARKER: Final = "NBVAL_IGNORE_OUTPUT"

# ------------------------------------------------------------------ normalising
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
#: (pattern, replacement), applied in this order.
RULES: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    # A member id is the client id, a dash and a uuid: the whole thing goes.
    (re.compile(r"[\w.-]*-" + _UUID), "<MEMBER-ID>"),
    (re.compile(_UUID), "<UUID>"),
    # aiokafka's default client id, Java's numbered ones.
    (re.compile(r"\baiokafka-(?:producer-\d+|\d+\.\d+\.\d+\w*)"), "<CLIENT-ID>"),
    (re.compile(r"\b(?:consumer|producer|adminclient)-[\w.-]*?-?\d+\b(?!\.)"), "<CLIENT-ID>"),
    # Values printed after a label that names an id.
    (re.compile(r"(\b(?:cluster_id|clusterId|cluster-id|ClusterId|topic_id|topicId|TopicId)"
                r"['\"]?\s*[:=]\s*['\"]?)[A-Za-z0-9_-]{22}\b"), r"\1<ID>"),
    # Kafka's ids: 22 characters of url-safe base64 with upper, lower and a digit or -/_.
    (re.compile(r"(?<![\w-])(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[a-z])"
                r"(?=[A-Za-z0-9_-]*[0-9_-])[A-Za-z0-9_-]{22}(?![\w-])"), "<ID>"),
    # Any value after timestamp= or 'timestamp': (the engine's small clock values too).
    (re.compile(r"(\btimestamp(?:_ms)?['\"]?\s*[=:]\s*)(?:None|-?\d+)"), r"\1<TS>"),
    (re.compile(r"(?<!\d)1\d{12}(?!\d)"), "<TS>"),
    (re.compile(r"\b(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
                r":\d{2,5}\b"), "<HOST:PORT>"),
    (re.compile(r"\bat 0x[0-9a-fA-F]+"), "at 0xADDR"),
    (re.compile(r"\b0x[0-9a-fA-F]{6,}\b"), "0xADDR"),
    (re.compile(r"\b[0-9a-f]{32}\b"), "<MODEL-ID>"),
)


def normalise(text: str) -> str:
    """``text`` with run-dependent values (ids, timestamps, addresses) replaced by markers."""
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text


# ------------------------------------------------------------------ outputs of a cell
def output_text(outputs: Iterable[Mapping[str, Any]]) -> str:
    """The comparable text of a cell's outputs: streams, ``text/plain``, error name+message."""
    parts: list[str] = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            text = _joined(output.get("text", ""))
            parts.append(text if output.get("name") != "stderr" else _prefixed("[stderr] ", text))
        elif kind in ("execute_result", "display_data"):
            plain = output.get("data", {}).get("text/plain")
            if plain is not None:
                parts.append(_joined(plain) + "\n")
        elif kind == "error":
            parts.append(f"{output.get('ename', '')}: {output.get('evalue', '')}\n")
    return "".join(parts)


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _prefixed(prefix: str, text: str) -> str:
    return "".join(prefix + line for line in text.splitlines(keepends=True))


# ------------------------------------------------------------------ comparing notebooks
@dataclass(frozen=True)
class CellDifference:
    """One code cell whose normalised outputs differ between the engine and Kafka."""

    index: int
    source: str
    engine: str
    kafka: str
    any_order: bool

    def diff(self) -> str:
        """A unified diff, engine (stored) to Kafka (this run), after normalising."""
        engine, kafka = _lines(self.engine, self.any_order), _lines(self.kafka, self.any_order)
        return "".join(difflib.unified_diff(engine, kafka, "engine (stored)", "kafka (run)"))

    def __str__(self) -> str:
        first = self.source.strip().splitlines()[0] if self.source.strip() else ""
        order = " (any-order: sorted lines)" if self.any_order else ""
        return f"cell {self.index}: {first}{order}\n{self.diff()}"


def _lines(text: str, any_order: bool) -> list[str]:
    lines = [line if line.endswith("\n") else line + "\n"
             for line in text.splitlines(keepends=True)]
    return sorted(lines) if any_order else lines


def compared(cell: NotebookNode) -> bool:
    """Whether a code cell's outputs are compared at all (not skipped or exempted)."""
    tags = cell_tags(cell)
    markers = comment_markers(cell.source)
    return (TAG_DIFFERS not in tags and IGNORE_OUTPUT_MARKER not in markers
            and "NBVAL_SKIP" not in markers and "nbval-skip" not in tags)


def compare_notebooks(stored: NotebookNode, run: NotebookNode) -> list[CellDifference]:
    """The code cells whose outputs differ after normalising (cells are matched by index)."""
    if len(stored.cells) != len(run.cells):
        raise ValueError(f"the notebooks have {len(stored.cells)} and {len(run.cells)} cells")
    differences = []
    for index, (old, new) in enumerate(zip(stored.cells, run.cells, strict=True)):
        if old.cell_type != "code" or not compared(old):
            continue
        any_order = TAG_ANY_ORDER in cell_tags(old)
        engine = normalise(output_text(old.get("outputs", [])))
        kafka = normalise(output_text(new.get("outputs", [])))
        if _lines(engine, any_order) != _lines(kafka, any_order):
            differences.append(CellDifference(index, old.source, engine, kafka, any_order))
    return differences


# ------------------------------------------------------------------ running a notebook
class LessonRunError(Exception):
    """A cell failed in the run (raised without being allowed to, timed out, killed)."""


def kernel_env(bootstrap: str | None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The kernel's environment: ``base`` (default ``os.environ``) without the course's
    variables, plus ``KAFKA_BOOTSTRAP_SERVERS=bootstrap`` when given."""
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if k not in (ENV_BOOTSTRAP, ENV_KEPT)}
    if bootstrap:
        env[ENV_BOOTSTRAP] = bootstrap
    return env


async def _run_cells(client: NotebookClient, nb: NotebookNode, cwd: Path,
                     env: dict[str, str]) -> None:
    client.reset_execution_trackers()
    async with client.async_setup_kernel(cwd=str(cwd), env=env):
        for index, cell in code_cells_to_run(nb):
            client.allow_errors = may_raise(cell)
            try:
                await client.async_execute_cell(
                    cell, index, execution_count=client.code_cells_executed + 1)
            except CellExecutionError as exc:
                raise LessonRunError(f"cell {index} raised:\n{exc}") from exc
            except CellTimeoutError as exc:
                raise LessonRunError(f"cell {index} timed out: {exc}") from exc
            except DeadKernelError as exc:
                raise LessonRunError(f"the kernel died in cell {index}") from exc
        # every lesson names its backend `kafka`: ask it, in the same kernel, what it was
        probe = nbformat.v4.new_code_cell(KIND_PROBE)
        nb.cells.append(probe)
        try:
            await client.async_execute_cell(probe, len(nb.cells) - 1,
                                            execution_count=client.code_cells_executed + 1)
        finally:
            nb.cells.pop()
        nb.metadata[KIND_KEY] = output_text(probe.get("outputs", [])).strip()


def run_notebook(path: Path, bootstrap: str | None, *, timeout: int = CELL_TIMEOUT,
                 env: Mapping[str, str] | None = None) -> NotebookNode:
    """Execute a copy of the notebook at ``path`` (the file is never written) in its folder,
    with ``KAFKA_BOOTSTRAP_SERVERS=bootstrap`` in the kernel; return the executed copy."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    for _, cell in code_cells_to_run(nb):
        cell.outputs = []
    client = NotebookClient(nb, timeout=timeout, kernel_name=KERNELSPEC["name"],
                            kernel_manager_class=CurrentEnvKernelManager,
                            store_widget_state=False, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    asyncio.run(_run_cells(client, nb, path.parent, kernel_env(bootstrap, env)))
    normalize(nb)
    return nb


def backend_printed(run: NotebookNode) -> list[str]:
    """What the run's cells that print ``kafka.kind`` printed (first line of each), and
    what ``kafka.kind`` was at the end of the run (asked by an extra cell)."""
    printed = [run.metadata[KIND_KEY]] if KIND_KEY in run.metadata else []
    for cell in run.cells:
        if cell.cell_type == "code" and any(line.strip().startswith(BACKEND_PROBE)
                                            for line in cell.source.splitlines()):
            text = output_text(cell.get("outputs", [])).strip()
            printed.append(text.splitlines()[0] if text else "")
    return printed


@dataclass(frozen=True)
class LessonReport:
    """The result of one lesson's run on Kafka: the differing cells, if any, and what
    the cells printing ``kafka.kind`` printed (each must start with ``kafka``)."""

    path: Path
    differences: list[CellDifference]
    backend: tuple[str, ...] = ()

    @property
    def on_engine(self) -> list[str]:
        """Backend lines that do not say ``kafka``: the run stayed on the engine."""
        return [line for line in self.backend if not line.startswith("kafka")]

    @property
    def ok(self) -> bool:
        return not self.differences and not self.on_engine

    def __str__(self) -> str:
        if self.ok:
            return f"{self.path}: every compared cell matches"
        parts = []
        if self.on_engine:
            parts.append(f"{self.path}: the run did not use the real broker: "
                         f"`{BACKEND_PROBE}...)` printed {self.on_engine[0]!r}")
        if self.differences:
            parts.append(f"{self.path}: {len(self.differences)} cell(s) differ from the "
                         "stored outputs")
            parts += map(str, self.differences)
        return "\n\n".join(parts)


def check_lesson(path: Path, bootstrap: str | None, *, timeout: int = CELL_TIMEOUT,
                 env: Mapping[str, str] | None = None) -> LessonReport:
    """Run the lesson at ``path`` against ``bootstrap`` and compare it with its stored outputs."""
    stored = nbformat.read(path, as_version=4)
    run = run_notebook(path, bootstrap, timeout=timeout, env=env)
    return LessonReport(path, compare_notebooks(stored, run), tuple(backend_printed(run)))


def backends(nb: NotebookNode) -> list[str]:
    """The notebook's ``metadata.course.backends`` (``[]`` if absent or malformed)."""
    course = nb.metadata.get("course", {})
    value = course.get("backends", []) if isinstance(course, Mapping) else []
    return [str(b) for b in value] if isinstance(value, list) else []


def kafka_lessons(folder: Path) -> list[Path]:
    """The notebooks in ``folder`` whose metadata lists the ``kafka`` backend, sorted."""
    return [path for path in sorted(folder.glob("*.ipynb"))
            if "kafka" in backends(nbformat.read(path, as_version=4))]


def main(argv: list[str] | None = None) -> int:
    """Command line: run each notebook on the broker, print a report, exit 1 on a difference."""
    parser = argparse.ArgumentParser(prog="python -m tools.lessonrun", description=__doc__
                                     .splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, metavar="NB",
                        help="default: every lesson marked for the kafka backend")
    parser.add_argument("--bootstrap", default=os.environ.get(ENV_KEPT)
                        or os.environ.get(ENV_BOOTSTRAP), help="host:port of the real broker")
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="seconds per cell")
    args = parser.parse_args(argv)
    if not args.bootstrap:
        parser.error(f"give --bootstrap or set {ENV_BOOTSTRAP}")
    paths = args.notebooks or kafka_lessons(Path(__file__).resolve().parent.parent / "lessons")
    failures = 0
    for path in paths:
        try:
            report = check_lesson(path, args.bootstrap, timeout=args.timeout)
        except LessonRunError as exc:
            print(f"{path}: FAILED: {exc}")
            failures += 1
            continue
        print(report)
        failures += not report.ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
