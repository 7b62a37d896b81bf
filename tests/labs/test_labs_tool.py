"""The generator tools/labs.py: stubs, stripping, byte stability, and labs/ up to date."""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools import labs
from tools.labs import MarkerError, clear_solutions, generate, make_lab, stale

ROOT = Path(__file__).resolve().parents[2]


def test_labs_folder_is_what_the_generator_makes_from_solutions() -> None:
    assert stale() == [], "run `python3 course.py labs` and commit labs/"
    assert sorted(p.name for p in (ROOT / "labs").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "solutions").glob("*.ipynb"))


def test_region_becomes_an_indented_stub_with_the_task() -> None:
    source = textwrap.dedent("""\
        def f(x):
            \"\"\"Doc.\"\"\"
            ### BEGIN SOLUTION double x
            y = 2 * x
            return y
            ### END SOLUTION

        print(f(2))""")
    cleared, regions = clear_solutions(source)
    assert regions == 1
    assert cleared == textwrap.dedent("""\
        def f(x):
            \"\"\"Doc.\"\"\"
            raise NotImplementedError("double x")

        print(f(2))""")


def test_a_region_without_task_gets_the_default_and_quotes_are_escaped() -> None:
    cleared, _ = clear_solutions("a = 1\n# BEGIN SOLUTION\nb = 2\n# END SOLUTION")
    assert cleared == f'a = 1\nraise NotImplementedError("{labs.DEFAULT_TASK}")'
    cleared, _ = clear_solutions('### BEGIN SOLUTION: say "hi" \\o/\nx\n### END SOLUTION')
    assert cleared == 'raise NotImplementedError("say \\"hi\\" \\\\o/")'
    exec_namespace: dict[str, object] = {}
    with pytest.raises(NotImplementedError, match=r'say "hi" \\o/'):
        exec(cleared, exec_namespace)


def test_several_regions_and_code_between_them() -> None:
    source = "### BEGIN SOLUTION one\na\n### END SOLUTION\nkeep\n### BEGIN SOLUTION two\nb\n"
    source += "### END SOLUTION"
    cleared, regions = clear_solutions(source)
    assert regions == 2
    assert cleared == ('raise NotImplementedError("one")\nkeep\n'
                       'raise NotImplementedError("two")')


@pytest.mark.parametrize(("source", "message"), [
    ("### BEGIN SOLUTION\nx", "BEGIN SOLUTION without END SOLUTION"),
    ("x\n### END SOLUTION", "line 2: END SOLUTION without BEGIN"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "line 2: BEGIN SOLUTION "
     "inside a region"),
    ("### BEGIN SOLUTION " + "x" * 90 + "\n### END SOLUTION", "shorten the task"),
])
def test_bad_markers_are_errors(source: str, message: str) -> None:
    with pytest.raises(MarkerError, match=message):
        clear_solutions(source, "nb, cell 3")


def sample_solution() -> nbformat.NotebookNode:
    code = new_code_cell("### BEGIN SOLUTION add\nx = 1 + 1\n### END SOLUTION\nx",
                         execution_count=3, outputs=[new_output("execute_result",
                                                                {"text/plain": "2"},
                                                                execution_count=3)])
    code.metadata["execution"] = {"iopub.execute_input": "2026-01-01"}
    code.metadata["tags"] = ["keep-me"]
    notes = new_markdown_cell("only for readers of the solution")
    notes.metadata["tags"] = ["solution-only"]
    nb = new_notebook(cells=[new_markdown_cell("# Lab"), code, notes])
    nb.metadata["widgets"] = {"state": {}}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    return nb


def test_lab_has_no_outputs_counts_timings_widgets_or_solution_only_cells() -> None:
    solution = sample_solution()
    lab = make_lab(solution)
    assert [c.id for c in lab.cells] == ["c0", "c1"]
    code = lab.cells[1]
    assert code.outputs == [] and code.execution_count is None
    assert code.metadata == {"tags": ["keep-me"]}
    assert code.source == 'raise NotImplementedError("add")\nx'
    assert "widgets" not in lab.metadata
    assert solution.cells[1].outputs and len(solution.cells) == 3  # input unchanged


def test_generation_is_byte_stable(tmp_path: Path) -> None:
    path = tmp_path / "01-x.ipynb"
    nbformat.write(sample_solution(), path)
    first = generate(path)
    assert first == generate(path)
    assert first.endswith(b"}\n")
    assert nbformat.reads(first.decode(), as_version=4).cells[1].outputs == []


def test_stale_reports_missing_edited_and_orphan_labs(tmp_path: Path) -> None:
    solutions, lab_dir = tmp_path / "solutions", tmp_path / "labs"
    solutions.mkdir()
    lab_dir.mkdir()
    nbformat.write(sample_solution(), solutions / "01-x.ipynb")
    assert stale(solutions, lab_dir) == ["01-x.ipynb: missing from labs/"]
    (lab_dir / "01-x.ipynb").write_bytes(generate(solutions / "01-x.ipynb"))
    assert stale(solutions, lab_dir) == []
    (lab_dir / "01-x.ipynb").write_bytes(generate(solutions / "01-x.ipynb") + b" ")
    (lab_dir / "02-y.ipynb").write_text("{}")
    assert stale(solutions, lab_dir) == [
        "01-x.ipynb: differs from what solutions/01-x.ipynb generates",
        "02-y.ipynb: in labs/ but not in solutions/",
    ]


def test_check_mode_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    solutions, lab_dir = tmp_path / "solutions", tmp_path / "labs"
    solutions.mkdir()
    nbformat.write(sample_solution(), solutions / "01-x.ipynb")
    monkeypatch.setattr(labs, "SOLUTIONS", solutions)
    monkeypatch.setattr(labs, "LABS", lab_dir)
    assert labs.main(["--check"]) == 1
    assert "01-x.ipynb: missing from labs/" in capsys.readouterr().err
    assert labs.main([]) == 0
    assert labs.main(["--check"]) == 0
    assert labs.main([]) == 0
    assert "unchanged" in capsys.readouterr().out


def test_bad_markers_fail_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    nb = sample_solution()
    nb.cells[1].source = "### BEGIN SOLUTION\nx = 1"
    nbformat.write(nb, tmp_path / "01-x.ipynb")
    monkeypatch.setattr(labs, "SOLUTIONS", tmp_path)
    monkeypatch.setattr(labs, "LABS", tmp_path / "labs")
    assert labs.main([]) == 2
    assert "01-x.ipynb, cell 1: BEGIN SOLUTION without END SOLUTION" in capsys.readouterr().err
