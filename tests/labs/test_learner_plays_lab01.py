"""A learner's session in a real kernel: open the generated lab 01, fail a check, ask
for hints, fill in the answers, and see the checks pass.

The notebook is executed cell by cell with nbclient, as JupyterLab would run it; the
learner's edits replace the stub lines of the answer cells, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode

from tools.execute_notebooks import CurrentEnvKernelManager

LAB = Path(__file__).resolve().parents[2] / "labs" / "01-topics-partitions-offsets.ipynb"


class Learner:
    """Runs cells of one notebook in one kernel and reads what JupyterLab would show."""

    def __init__(self, client: NotebookClient, nb: NotebookNode) -> None:
        self.client = client
        self.nb = nb

    def index(self, startswith: str) -> int:
        """The first code cell whose source starts with ``startswith``."""
        for i, cell in enumerate(self.nb.cells):
            if cell.cell_type == "code" and cell.source.startswith(startswith):
                return i
        raise LookupError(startswith)

    def run(self, index: int, source: str | None = None) -> str:
        """Run cell ``index`` (after replacing its source); return its shown text."""
        cell = self.nb.cells[index]
        if source is not None:
            cell.source = source
        self.client.execute_cell(cell, index)
        shown = []
        for out in cell.outputs:
            if out.output_type == "stream":
                shown.append(out.text)
            elif out.output_type == "error":
                shown.append(f"{out.ename}: {out.evalue}")
            else:
                shown.append(out.data.get("text/plain", ""))
        return "\n".join(shown)

    def answer(self, stub_task: str, code: str) -> int:
        """Replace the stub line that says ``stub_task`` with ``code``; return the cell."""
        stub = f'raise NotImplementedError("{stub_task}")'
        for i, cell in enumerate(self.nb.cells):
            if stub in cell.source:
                indent = cell.source.split(stub)[0].rsplit("\n", 1)[-1]
                cell.source = cell.source.replace(
                    stub, code.replace("\n", "\n" + indent))
                return i
        raise LookupError(stub)


@pytest.fixture
def learner() -> Iterator[Learner]:
    nb = nbformat.read(LAB, as_version=4)
    client = NotebookClient(nb, timeout=60, kernel_name="python3",
                            kernel_manager_class=CurrentEnvKernelManager,
                            allow_errors=True, resources={"metadata": {"path": str(LAB.parent)}})
    with client.setup_kernel(cwd=str(LAB.parent)):
        yield Learner(client, nb)


def test_a_learner_fails_asks_for_hints_and_passes(learner: Learner) -> None:
    setup = learner.index("from engine.labs import lab01")
    assert "topics: ['account-events', 'orders-by-region']" in learner.run(setup)

    # The untouched answer cell says what to do; the check says "not attempted".
    q1_answer = learner.index('raise NotImplementedError("create the topic payments')
    assert "NotImplementedError: create the topic payments" in learner.run(q1_answer)
    q1_check = learner.index("q1.check()")
    assert "… q1 · not attempted" in learner.run(q1_check)

    # A first try, off the spec: the check says what is wrong and by how much.
    learner.run(q1_answer, 'cluster.create_topic("payments", partitions=3)')
    shown = learner.run(q1_check)
    assert "✘ q1 · incorrect" in shown
    assert "`payments` has 3 partitions, expected 6" in shown

    # Hints, one rung at a time, then where the solution is.
    hints = learner.index("# q1.hint()")
    assert "hint 1 of 3" in learner.run(hints, "q1.hint()")
    assert "hint 2 of 3" in learner.run(hints)
    assert "section “Question 1 · Create a topic to a spec”" in learner.run(hints, "q1.solution()")

    # Partitions cannot shrink: start again, then answer to the spec.
    learner.run(setup)
    learner.run(q1_answer, 'cluster.create_topic("payments", partitions=6, '
                'replication_factor=3, configs={"retention.ms": 3 * 24 * 60 * 60 * 1000})')
    assert "✔ q1 · correct" in learner.run(q1_check)

    # Question 4: a partitioner of the learner's own, run through the engine.
    q4_class = learner.answer(
        "return the partition of the key's region",
        'region = key.decode().split(":")[0] if key and b":" in key else None\n'
        "return lab01.REGION_PARTITIONS.get(region, lab01.OTHER_PARTITION)")
    learner.run(q4_class)
    q4_check = learner.index("q4.check(RegionPartitioner)")
    shown = learner.run(q4_check)
    assert "✘ q4 · incorrect" in shown and "Now produce" in shown
    q4_produce = learner.answer(
        "produce lab01.REGION_ORDERS through RegionPartitioner",
        "for key, value in lab01.REGION_ORDERS:\n"
        '    cluster.produce("orders-by-region", value, key=key, '
        "partitioner=RegionPartitioner())")
    learner.run(q4_produce)
    assert "✔ q4 · correct" in learner.run(q4_check)

    progress = learner.run(learner.index("lab01.progress()"))
    assert "Lab 01 · 2 of 4 questions passed" in progress
