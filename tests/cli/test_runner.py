"""run(): command lines as learners type them."""

from __future__ import annotations

import pytest

from engine.cli import CliResult, run
from engine.cli.runner import tool_name
from engine.core import Cluster


@pytest.mark.parametrize(("word", "name"), [
    ("kafka-topics", "kafka-topics"), ("kafka-topics.sh", "kafka-topics"),
    ("bin/kafka-topics.sh", "kafka-topics"), ("./bin/kafka-console-producer.sh",
                                             "kafka-console-producer"),
])
def test_tool_names(word: str, name: str) -> None:
    assert tool_name(word) == name


def test_quotes_and_sh_suffix() -> None:
    cluster = Cluster()
    cluster.create_topic("a-1")
    cluster.create_topic("b")
    result = run(cluster, "bin/kafka-topics.sh --bootstrap-server localhost:9092 --list "
                          "--topic 'a-.*'")
    assert result == CliResult("a-1\n", "", 0)
    assert result.ok and str(result) == "a-1\n"


def test_prompt_is_skipped() -> None:
    cluster = Cluster()
    assert run(cluster, "$ kafka-topics --bootstrap-server localhost:9092 --list").ok


def test_unknown_command_and_empty_line() -> None:
    cluster = Cluster()
    assert run(cluster, "kafka-server-start.sh config/server.properties") == CliResult(
        "", "kafka-server-start.sh: command not found\n", 127)
    assert run(cluster, "   ") == CliResult("", "", 0)


def test_needs_a_cluster() -> None:
    with pytest.raises(TypeError):
        run("localhost:9092", "kafka-topics --list")  # type: ignore[arg-type]
