"""``run(cluster, command)``: one command line, as a learner types it, against a cluster.

The line is split as a POSIX shell would (``shlex``), so quotes work. The first word
names the tool, with or without ``.sh`` and with or without a ``bin/`` path:
``kafka-topics``, ``kafka-console-producer``, ``kafka-console-consumer`` and
``kafka-consumer-groups``; a leading ``$`` (a prompt copied along) is skipped. Another
first word fails as a shell does: ``<name>: command not found`` on stderr, exit code 127.

Options that older Kafka had (``--zookeeper``, ``--broker-list``) fail exactly as Kafka
4.x fails; then one more stderr line, starting with ``[course hint]``, names what replaced
them. That line is the course's, not Kafka's.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable

from engine.cli import console_consumer, console_producer, consumer_groups, topics
from engine.cli.result import CliResult
from engine.cli.tool import ToolIO
from engine.core import Cluster

Tool = Callable[[Cluster, list[str], ToolIO], int]

TOOLS: dict[str, Tool] = {
    "kafka-topics": topics.main,
    "kafka-console-producer": console_producer.main,
    "kafka-console-consumer": console_consumer.main,
    "kafka-consumer-groups": consumer_groups.main,
}
"""Tool name -> its ``main``; more tools register themselves in :func:`register`."""

LEGACY_HINTS = {
    "zookeeper": "[course hint] --zookeeper is gone: Kafka 3.0 removed it from kafka-topics "
                 "and Kafka 4.0 removed ZooKeeper; use --bootstrap-server localhost:9092.",
    "broker-list": "[course hint] --broker-list is gone: Kafka 4.0 removed it; use "
                   "--bootstrap-server localhost:9092.",
}


def register(name: str, main: Tool) -> None:
    """Make ``name`` (without ``.sh``) run ``main``."""
    TOOLS[name] = main


def tool_name(word: str) -> str:
    """``bin/kafka-topics.sh`` -> ``kafka-topics``."""
    base = word.rsplit("/", 1)[-1]
    return base[:-3] if base.endswith(".sh") else base


def input_lines(data: str | Iterable[str] | None) -> list[str]:
    """The producer's input lines: a string is split at line ends."""
    if data is None:
        return []
    if isinstance(data, str):
        return data.splitlines()
    return [str(line) for line in data]


def run(cluster: Cluster, command: str, input: str | Iterable[str] | None = None) -> CliResult:
    """Run one Kafka CLI command line against ``cluster``.

    ``input`` holds the lines a tool reads from standard input (the console producer's
    records): a list of lines or one string. Returns what the tool printed on stdout and
    stderr, and its exit code.
    """
    if not isinstance(cluster, Cluster):
        raise TypeError(f"cluster must be an engine Cluster, got {type(cluster).__name__}")
    try:
        words = shlex.split(command, comments=True)
    except ValueError as error:
        return CliResult("", f"syntax error: {error}\n", 2)
    if words[:1] == ["$"]:  # a shell prompt copied along with the command
        words = words[1:]
    if not words:
        return CliResult("", "", 0)
    name = tool_name(words[0])
    main = TOOLS.get(name)
    if main is None:
        return CliResult("", f"{words[0]}: command not found\n", 127)
    io = ToolIO(now_ms=cluster.now_ms, input_lines=input_lines(input))
    args = words[1:]
    code = main(cluster, args, io)
    stderr = io.stderr
    if code != 0:
        for option, hint in LEGACY_HINTS.items():
            if f"{option} is not a recognized option" in stderr:
                stderr += hint + "\n"
    return CliResult(io.stdout, stderr, code)
