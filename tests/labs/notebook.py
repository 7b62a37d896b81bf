"""Run a notebook's code cells in this process, as a kernel would, for fast checker tests.

Each cell is executed in one shared namespace; when its last statement is an
expression, its value is the cell's result (what Jupyter would display). Exceptions
are kept per cell instead of stopping the run, so a generated lab, whose answer cells
raise ``NotImplementedError``, runs to the end like "Run All" with errors allowed.
"""

from __future__ import annotations

import ast
import contextlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat


@dataclass
class CellRun:
    """One executed code cell: its source, result value, printed text and exception."""

    source: str
    result: Any = None
    stdout: str = ""
    error: BaseException | None = None


def code_cells(path: Path) -> list[str]:
    """The sources of a notebook's non-empty code cells, in order."""
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def run_cell(source: str, namespace: dict[str, Any]) -> CellRun:
    """Execute one cell's source in ``namespace``."""
    run = CellRun(source)
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(tree, "<cell>", "exec"), namespace)
            if last is not None:
                expression = ast.Expression(last.value)
                run.result = eval(compile(expression, "<cell>", "eval"), namespace)
    except Exception as error:
        run.error = error
    run.stdout = out.getvalue()
    return run


def run_notebook(path: Path) -> list[CellRun]:
    """Execute every code cell of the notebook at ``path`` in a fresh namespace."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    return [run_cell(source, namespace) for source in code_cells(path)]


def check_runs(runs: list[CellRun]) -> dict[str, CellRun]:
    """The cells that call ``qN.check(...)``, by question name (``"q1"``)."""
    return {r.source.split(".", 1)[0]: r for r in runs
            if r.source.startswith("q") and ".check(" in r.source}
