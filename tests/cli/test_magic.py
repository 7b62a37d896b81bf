"""The %kafka / %%kafka magics: cell syntax, and registration with an IPython shell."""

from __future__ import annotations

import pytest

import engine.cli
from engine.cli import magic
from engine.cli.magic import CellCommand, parse_cell
from engine.core import Cluster


def test_parse_cell_commands_inputs_and_continuations() -> None:
    cell = """
# make a topic
kafka-topics.sh --bootstrap-server localhost:9092 --create \\
    --topic t
kafka-console-producer.sh --bootstrap-server localhost:9092 --topic t
>hello
world
>
>kafka-topics is just text here

kafka-topics --bootstrap-server localhost:9092 --list
"""
    assert parse_cell(cell) == [
        CellCommand("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t"),
        CellCommand("kafka-console-producer.sh --bootstrap-server localhost:9092 --topic t",
                    ("hello", "world", "", "kafka-topics is just text here")),
        CellCommand("kafka-topics --bootstrap-server localhost:9092 --list"),
    ]


def test_input_before_a_command_is_an_error() -> None:
    with pytest.raises(ValueError, match="input line before any command"):
        parse_cell("hello\nkafka-topics --list")


def test_run_cell_prints_and_keeps_results(capsys: pytest.CaptureFixture[str]) -> None:
    cluster = engine.cli.use(Cluster())
    results = magic.run_cell("kafka-topics --bootstrap-server localhost:9092 --create "
                             "--topic t\nkafka-topics --bootstrap-server localhost:9092 --lis")
    out, err = capsys.readouterr()
    assert out == "Created topic t.\n"
    assert err.startswith("lis is not a recognized option\n")
    assert err.endswith("\n[course] exit code 1\n") and err.count("[course] exit code") == 1
    assert [r.exit_code for r in results] == [0, 1] and magic.last_results == results
    assert cluster.has_topic("t")


def test_without_a_cluster(capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine.cli, "_current", None)
    assert magic.run_cell("kafka-topics --list") == []
    assert "engine.cli.use(cluster)" in capsys.readouterr().err


def test_use_rejects_other_objects() -> None:
    with pytest.raises(TypeError):
        engine.cli.use("localhost:9092")  # type: ignore[arg-type]


class FakeShell:
    def __init__(self) -> None:
        self.magics: dict[tuple[str, str], object] = {}

    def register_magic_function(self, func: object, magic_kind: str, magic_name: str) -> None:
        self.magics[(magic_kind, magic_name)] = func


def test_load_extension_registers_line_and_cell_magics() -> None:
    shell = FakeShell()
    engine.cli.load_ipython_extension(shell)
    assert set(shell.magics) == {("line", "kafka"), ("cell", "kafka")}


def test_with_a_real_ipython_shell(capsys: pytest.CaptureFixture[str]) -> None:
    globalipapp = pytest.importorskip("IPython.testing.globalipapp")
    shell = globalipapp.start_ipython()
    shell.run_line_magic("load_ext", "engine.cli")
    engine.cli.use(Cluster())
    shell.run_cell("%%kafka\nkafka-topics --bootstrap-server localhost:9092 --create --topic z")
    shell.run_line_magic("kafka", "kafka-topics --bootstrap-server localhost:9092 --list")
    assert capsys.readouterr().out.endswith("Created topic z.\nz\n")


def test_prompted_command_lines() -> None:
    assert parse_cell("$ kafka-topics --list\n$ kafka-console-producer --topic t\n>a") == [
        CellCommand("$ kafka-topics --list"),
        CellCommand("$ kafka-console-producer --topic t", ("a",)),
    ]


def test_exit_code_line_only_after_a_failure() -> None:
    assert magic.exit_code_line(0) == ""
    assert magic.exit_code_line(1) == "[course] exit code 1\n"


def test_a_successful_cell_shows_no_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    engine.cli.use(Cluster())
    magic.run_cell("kafka-topics --bootstrap-server localhost:9092 --create --topic t\n"
                   "kafka-topics --bootstrap-server localhost:9092 --list")
    out, err = capsys.readouterr()
    assert out == "Created topic t.\nt\n" and "exit code" not in err


def test_the_exit_code_line_follows_each_failed_command(
        capsys: pytest.CaptureFixture[str]) -> None:
    engine.cli.use(Cluster())
    magic.run_cell("kafka-topics --bootstrap-server localhost:9092 --describe --topic nope\n"
                   "kafka-topics --bootstrap-server localhost:9092 --create --topic t\n"
                   "kafka-topics --zookeeper localhost:2181 --list")
    err = capsys.readouterr().err
    assert err.count("[course] exit code 1\n") == 2
    assert err.index("[course] exit code") > err.index("Topic 'nope' does not exist")
    hint, code = err.rstrip("\n").splitlines()[-2:]
    assert hint.startswith("[course hint]") and code == "[course] exit code 1"
