"""tools/lessonrun.py: the normaliser, the cell comparison, and a run end to end in a kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools import lessonrun
from tools.execute_notebooks import execute_notebook
from tools.lessonrun import (
    CellDifference,
    LessonRunError,
    check_lesson,
    compare_notebooks,
    kafka_lessons,
    kernel_env,
    normalise,
    output_text,
)


# ------------------------------------------------------------------ normalise
@pytest.mark.parametrize(("raw", "expected"), [
    ("member aiokafka-0.14.0-1b4e28ba-2fa1-11d2-883f-0016d3cca427 joined",
     "member <MEMBER-ID> joined"),
    ("consumer-billing-3-6f1c2d3e-0000-4000-8000-000000000001", "<MEMBER-ID>"),
    ("id 1b4e28ba-2fa1-11d2-883f-0016d3cca427", "id <UUID>"),
    ("client aiokafka-0.14.0 and aiokafka-producer-7", "client <CLIENT-ID> and <CLIENT-ID>"),
    ("client consumer-billing-2, producer-1", "client <CLIENT-ID>, <CLIENT-ID>"),
    ("cluster_id='MkU3OEVBNTcwNTJENDM2Qg'", "cluster_id='<ID>'"),
    ("topic id: Xq3_zK9sTQe-rl0vWmYbOA", "topic id: <ID>"),
    ("RecordMetadata(offset=3, timestamp=1732711111111, x=1)",
     "RecordMetadata(offset=3, timestamp=<TS>, x=1)"),
    ("ConsumerRecord(timestamp=5, timestamp_type=0)",
     "ConsumerRecord(timestamp=<TS>, timestamp_type=0)"),
    ("{'timestamp': 42}", "{'timestamp': <TS>}"),
    ("at 1732711111111 ms", "at <TS> ms"),
    ("bootstrap localhost:9092 or 127.0.0.1:19092 or kafka.example.com:9093",
     "bootstrap <HOST:PORT> or <HOST:PORT> or <HOST:PORT>"),
    ("<Foo object at 0x7f3a2b1c9d00>", "<Foo object at 0xADDR>"),
])
def test_normalise_replaces_run_dependent_values(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize("kept", [
    "TopicPartition(topic='orders', partition=2) offset=17",
    "NotEnoughReplicasError: Messages are rejected since there are fewer in-sync replicas",
    "partition 0: [0, 1, 2] lag 12345",
    "ConsumerRebalanceListener on_partitions_assigned",
    "offset 123456789012",  # 12 digits: not an epoch timestamp
])
def test_normalise_keeps_lesson_facts(kept: str) -> None:
    assert normalise(kept) == kept


def test_output_text_keeps_streams_plain_text_and_errors_only() -> None:
    outputs = [
        new_output("stream", name="stdout", text="a\n"),
        new_output("stream", name="stderr", text="warn\n"),
        new_output("execute_result", data={"text/plain": "42", "text/html": "<b>42</b>"},
                   execution_count=1),
        new_output("display_data", data={"image/svg+xml": "<svg/>"}),
        new_output("error", ename="KafkaError", evalue="boom", traceback=["File x.py"]),
    ]
    assert output_text(outputs) == "a\n[stderr] warn\n42\nKafkaError: boom\n"


# ------------------------------------------------------------------ compare_notebooks
def _nb(*cells: tuple[str, list[str], str]) -> nbformat.NotebookNode:
    """A notebook of code cells: (source, tags, stdout text)."""
    built = []
    for source, tags, text in cells:
        cell = new_code_cell(source, metadata={"tags": tags} if tags else {})
        cell.outputs = [new_output("stream", name="stdout", text=text)] if text else []
        built.append(cell)
    return new_notebook(cells=[new_markdown_cell("# t"), *built])


def test_equal_outputs_after_normalising_match() -> None:
    stored = _nb(("print(md)", [], "timestamp=5 at localhost:9092\n"))
    run = _nb(("print(md)", [], "timestamp=1732711111111 at 127.0.0.1:19092\n"))
    assert compare_notebooks(stored, run) == []


def test_a_different_output_is_reported_with_a_readable_diff() -> None:
    stored = _nb(("print(p)", [], "partition 1\nsame\n"))
    run = _nb(("print(p)", [], "partition 2\nsame\n"))
    [difference] = compare_notebooks(stored, run)
    assert isinstance(difference, CellDifference)
    assert difference.index == 1
    text = str(difference)
    assert text.startswith("cell 1: print(p)\n")
    assert "-partition 1\n" in text and "+partition 2\n" in text and " same\n" in text


def test_any_order_compares_lines_as_a_multiset() -> None:
    stored = _nb(("cb()", ["any-order"], "p0\np1\np1\n"))
    assert compare_notebooks(stored, _nb(("cb()", ["any-order"], "p1\np0\np1\n"))) == []
    # a multiset: a missing duplicate is a difference
    assert len(compare_notebooks(stored, _nb(("cb()", ["any-order"], "p1\np0\np0\n")))) == 1
    # without the tag, order matters
    plain = _nb(("cb()", [], "p0\np1\n"))
    assert len(compare_notebooks(plain, _nb(("cb()", [], "p1\np0\n")))) == 1


def test_kafka_differs_and_ignore_output_cells_are_not_compared() -> None:
    stored = _nb(("describe()", ["kafka-differs"], "1 broker\n"),
                 ("# NBVAL_IGNORE_OUTPUT\nsvg()", [], "a\n"),
                 ("x()", [], "same\n"))
    run = _nb(("describe()", ["kafka-differs"], "3 brokers\n"),
              ("# NBVAL_IGNORE_OUTPUT\nsvg()", [], "b\n"),
              ("x()", [], "same\n"))
    assert compare_notebooks(stored, run) == []


def test_a_run_whose_kafka_kind_cell_says_engine_is_not_ok() -> None:
    probe = "print(kafka.kind, kafka.bootstrap_servers)"
    on_kafka = _nb((probe, ["kafka-differs"], "kafka 127.0.0.1:19092\n"), ("x()", [], "s\n"))
    on_engine = _nb((probe, ["kafka-differs"], "engine localhost:9092\n"),
                    ("x()", [], "s\n"))
    assert lessonrun.backend_printed(on_kafka) == ["kafka 127.0.0.1:19092"]
    assert lessonrun.backend_printed(_nb(("x()", [], "s\n"))) == []
    good = lessonrun.LessonReport(Path("l.ipynb"), [], tuple(lessonrun.backend_printed(on_kafka)))
    assert good.ok and "every compared cell matches" in str(good)
    stayed = lessonrun.LessonReport(Path("l.ipynb"), compare_notebooks(on_kafka, on_engine),
                                    tuple(lessonrun.backend_printed(on_engine)))
    assert stayed.differences == [] and not stayed.ok  # the cell itself is not compared
    assert "did not use the real broker" in str(stayed)
    assert "'engine localhost:9092'" in str(stayed)


def test_notebooks_of_different_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="2 and 3 cells"):
        compare_notebooks(_nb(("a", [], "")), _nb(("a", [], ""), ("b", [], "")))


# ------------------------------------------------------------------ environment, discovery
def test_kernel_env_sets_the_bootstrap_and_drops_the_kept_variable() -> None:
    base = {"PATH": "/bin", "COURSE_REAL_KAFKA": "h:1", "KAFKA_BOOTSTRAP_SERVERS": "old:2"}
    assert kernel_env("h:1", base) == {"PATH": "/bin", "KAFKA_BOOTSTRAP_SERVERS": "h:1"}
    assert kernel_env(None, base) == {"PATH": "/bin"}


def _write(path: Path, backends: list[str] | None) -> None:
    nb = new_notebook(cells=[new_code_cell("1")])
    if backends is not None:
        nb.metadata["course"] = {"backends": backends}
    nbformat.write(nb, path)


def test_kafka_lessons_finds_zero_one_or_many(tmp_path: Path) -> None:
    assert kafka_lessons(tmp_path) == []
    _write(tmp_path / "09-a.ipynb", ["engine", "kafka"])
    _write(tmp_path / "10-b.ipynb", ["engine"])
    _write(tmp_path / "11-c.ipynb", None)
    assert kafka_lessons(tmp_path) == [tmp_path / "09-a.ipynb"]
    _write(tmp_path / "12-d.ipynb", ["kafka", "engine"])
    assert kafka_lessons(tmp_path) == [tmp_path / "09-a.ipynb", tmp_path / "12-d.ipynb"]


# ------------------------------------------------------------------ end to end in a kernel
ENGINE_CELL = """\
from engine import Cluster
c = Cluster(seed=1)
c.create_topic("t", partitions=3)
for key in (b"a", b"b", b"c"):
    print(c.produce("t", b"v", key))"""

ORDER_CELL = """\
import os
lines = ["p0", "p1", "p2"]
print("\\n".join(reversed(lines) if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") else lines))"""


def _throwaway(path: Path, *, order_tags: list[str], env_tags: list[str]) -> None:
    """A tiny lesson: engine records, ids and times, an env-dependent order and value."""
    cells = [
        new_markdown_cell("# A throwaway lesson"),
        new_code_cell("from engine import connect\nkafka = connect()  # nothing connects yet"),
        new_code_cell(ENGINE_CELL),
        new_code_cell("import time, uuid\nprint(uuid.uuid4(), time.time_ns() // 1_000_000)"),
        new_code_cell(ORDER_CELL, metadata={"tags": order_tags}),
        new_code_cell("print(os.environ.get('KAFKA_BOOTSTRAP_SERVERS', 'engine'))",
                      metadata={"tags": env_tags}),
        new_code_cell("# NBVAL_RAISES_EXCEPTION\nraise KeyError('x')"),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["course"] = {"backends": ["engine", "kafka"]}
    nbformat.write(nb, path)
    execute_notebook(path)  # stored outputs: the run without a broker, as course.py does


@pytest.fixture(scope="module")
def lesson_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lessons")
    _throwaway(folder / "09-tagged.ipynb", order_tags=["any-order"], env_tags=["kafka-differs"])
    _throwaway(folder / "10-untagged.ipynb", order_tags=[], env_tags=[])
    return folder


def test_a_tagged_lesson_matches_when_run_with_the_variable_set(lesson_dir: Path) -> None:
    path = lesson_dir / "09-tagged.ipynb"
    before = path.read_bytes()
    report = check_lesson(path, "127.0.0.1:19999")
    assert report.ok, str(report)
    assert path.read_bytes() == before  # a copy was run; the file is untouched
    assert "every compared cell matches" in str(report)
    assert report.backend == ("kafka",)  # asked of the lesson's `kafka` after the run


def test_a_run_that_stayed_on_the_engine_is_reported(lesson_dir: Path) -> None:
    report = check_lesson(lesson_dir / "09-tagged.ipynb", None)
    assert report.backend == ("engine",)
    assert not report.ok
    assert "did not use the real broker" in str(report)


def test_an_untagged_lesson_reports_the_order_and_the_value(lesson_dir: Path) -> None:
    report = check_lesson(lesson_dir / "10-untagged.ipynb", "127.0.0.1:19999")
    assert [d.index for d in report.differences] == [4, 5]
    text = str(report)
    assert "2 cell(s) differ" in text
    assert "-engine\n+<HOST:PORT>\n" in text
    order = report.differences[0]
    assert (order.engine, order.kafka) == ("p0\np1\np2\n", "p2\np1\np0\n")
    assert order.diff() in text


def test_a_failing_cell_stops_the_run_with_its_index(tmp_path: Path) -> None:
    nb = new_notebook(cells=[new_code_cell("print(1)"), new_code_cell("1 / 0")])
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(LessonRunError, match="cell 1 raised"):
        lessonrun.run_notebook(path, None)


def test_main_needs_a_bootstrap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.delenv("COURSE_REAL_KAFKA", raising=False)
    with pytest.raises(SystemExit):
        lessonrun.main([])
