"""Generate the learners' labs (``labs/``) from their single source (``solutions/``).

Usage::

    python -m tools.labs            # write labs/NN-x.ipynb for every solutions/NN-x.ipynb
    python -m tools.labs --check    # change nothing; exit 1 if labs/ is not up to date

For each solution notebook the lab notebook is the same notebook with:

* every solution region of a code cell, the lines from ``### BEGIN SOLUTION`` to
  ``### END SOLUTION``, replaced by one line at the region's indentation,
  ``raise NotImplementedError("<task>")``, where ``<task>`` is the text after
  ``BEGIN SOLUTION`` on the marker line (``### BEGIN SOLUTION create the topic``), or
  a general "write your answer here" when there is none;
* cells tagged ``solution-only`` left out (notes for those reading the solutions);
* no outputs, no execution counts, no ``execution`` timings, no ``metadata.widgets``.

The output is byte-stable: the same solutions give the same bytes, so ``--check``
(run by the test suite) fails whenever ``labs/`` was edited by hand or not
regenerated. Markers that do not pair up are an error, reported with cell and line.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
LABS = ROOT / "labs"

BEGIN = re.compile(r"^(?P<indent>[ \t]*)#+\s*BEGIN SOLUTION\b[ \t:]*(?P<task>.*?)\s*$")
END = re.compile(r"^[ \t]*#+\s*END SOLUTION\s*$")
SOLUTION_ONLY_TAG = "solution-only"
DEFAULT_TASK = "write your answer here, then run the check below"
MAX_LINE = 100


class MarkerError(ValueError):
    """Solution markers that do not pair up, or a stub line that would be too long."""


def stub(indent: str, task: str) -> str:
    """The line that stands for a solution region in the lab."""
    text = (task or DEFAULT_TASK).replace("\\", "\\\\").replace('"', '\\"')
    return f'{indent}raise NotImplementedError("{text}")'


def clear_solutions(source: str, where: str = "cell") -> tuple[str, int]:
    """``source`` with each solution region replaced by its stub; and the region count."""
    out: list[str] = []
    inside = False
    regions = 0
    for number, line in enumerate(source.split("\n"), 1):
        begin = BEGIN.match(line)
        if begin:
            if inside:
                raise MarkerError(f"{where}, line {number}: BEGIN SOLUTION inside a region")
            inside = True
            regions += 1
            line = stub(begin["indent"], begin["task"])
            if len(line) > MAX_LINE:
                raise MarkerError(f"{where}, line {number}: the stub would be {len(line)} "
                                  f"characters (at most {MAX_LINE}); shorten the task")
            out.append(line)
        elif END.match(line):
            if not inside:
                raise MarkerError(f"{where}, line {number}: END SOLUTION without BEGIN")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"{where}: BEGIN SOLUTION without END SOLUTION")
    return "\n".join(out), regions


def make_lab(solution: NotebookNode, name: str = "notebook") -> NotebookNode:
    """The lab notebook for a solution notebook (a new object; the input is unchanged)."""
    lab = nbformat.from_dict(solution)
    lab.metadata.pop("widgets", None)
    cells = []
    for index, cell in enumerate(lab.cells):
        if SOLUTION_ONLY_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code":
            cell.source, _ = clear_solutions(cell.source, f"{name}, cell {index}")
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    lab.cells = cells
    return lab


def render(nb: NotebookNode) -> bytes:
    """A notebook's bytes as the repository stores it (nbformat's JSON, final newline)."""
    text = nbformat.writes(nb, version=4)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def generate(solution_path: Path) -> bytes:
    """The bytes of the lab generated from the solution notebook at ``solution_path``."""
    nb = nbformat.reads(solution_path.read_text(encoding="utf-8"), as_version=4)
    return render(make_lab(nb, solution_path.name))


def plan(solutions: Path | None = None, labs: Path | None = None) -> dict[Path, bytes | None]:
    """Every lab file and its expected bytes; ``None`` for a lab with no solution source."""
    solutions = SOLUTIONS if solutions is None else solutions
    labs = LABS if labs is None else labs
    expected: dict[Path, bytes | None] = {
        labs / path.name: generate(path) for path in sorted(solutions.glob("*.ipynb"))
    }
    for path in sorted(labs.glob("*.ipynb")):
        expected.setdefault(path, None)
    return expected


def stale(solutions: Path | None = None, labs: Path | None = None) -> list[str]:
    """Why ``labs/`` is not what the generator makes (empty when it is up to date)."""
    problems = []
    for path, want in plan(solutions, labs).items():
        if want is None:
            problems.append(f"{path.name}: in labs/ but not in solutions/")
        elif not path.exists():
            problems.append(f"{path.name}: missing from labs/")
        elif path.read_bytes() != want:
            problems.append(f"{path.name}: differs from what solutions/{path.name} generates")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m tools.labs", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if labs/ is not up to date")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = stale()
            for problem in problems:
                print(f"labs/{problem}", file=sys.stderr)
            if problems:
                print("Run `python3 course.py labs` to regenerate labs/.", file=sys.stderr)
                return 1
            print("labs/ is up to date with solutions/")
            return 0
        LABS.mkdir(exist_ok=True)
        for path, want in plan().items():
            if want is None:
                print(f"labs/{path.name}: no solutions/{path.name}; remove it by hand")
                continue
            if path.exists() and path.read_bytes() == want:
                print(f"labs/{path.name}: unchanged")
            else:
                path.write_bytes(want)
                print(f"labs/{path.name}: written")
    except MarkerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
