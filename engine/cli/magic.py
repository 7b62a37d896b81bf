"""The ``%kafka`` and ``%%kafka`` IPython magics: Kafka's CLI in a notebook cell.

Load them and bind them to a cluster, explicitly::

    %load_ext engine.cli
    import engine.cli
    cluster = engine.cli.use(Cluster(brokers=3))     # the magics talk to this cluster

A line magic runs one command::

    %kafka kafka-topics --bootstrap-server localhost:9092 --list

A cell magic runs one command per line, in order, like a shell script without
``set -e`` (a failing command does not stop the next one)::

    %%kafka
    kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3
    kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders \\
        --property parse.key=true --property key.separator=:
    >alice:first order
    >bob:second order
    kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic orders

The cell syntax:

- A **command line** starts with a tool name (``kafka-topics``, ``bin/kafka-topics.sh``,
  ..., optionally after a ``$`` prompt); a line ending in ``\\`` continues on the next
  line, as in a shell.
- Every other line is an **input line** of the command above it (what you would type
  into the console producer). A leading ``>`` (the producer's prompt, as a terminal
  shows it) is removed: ``>hello`` and ``hello`` are the same record, ``>`` alone is an
  empty record, and ``>kafka-topics`` sends the text ``kafka-topics``.
- Blank lines and lines starting with ``#`` are skipped.

What the tools print goes to the cell's stdout and stderr (stderr shows in red).

Exit codes: in a terminal a learner can ask the shell (``echo $?``); a cell cannot. So
after a command that exits with a code other than 0 the magics add one line to stderr,
``[course] exit code 1``, after everything the tool printed. The ``[course]`` mark says
that the line is the course's, not Kafka's (like the ``[course hint]`` after a legacy
flag); a successful command adds nothing, so what a cell shows for it stays exactly what
Kafka prints. :func:`engine.cli.run` never adds the line: its :class:`CliResult` carries
the code itself.

The results of the last call are kept in :data:`last_results`. Registering the magics
needs only the shell object IPython passes in: nothing here imports IPython.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from engine.cli.result import CliResult
from engine.cli.runner import TOOLS, run, tool_name

last_results: list[CliResult] = []
"""The results of the commands of the last ``%kafka``/``%%kafka`` call."""

def exit_code_line(exit_code: int) -> str:
    """The course's line after a failed command (empty for exit code 0)."""
    return "" if exit_code == 0 else f"[course] exit code {exit_code}\n"


NO_CLUSTER = ("No cluster for %kafka: call engine.cli.use(cluster) first, e.g.\n"
              "    from engine import Cluster\n    import engine.cli\n"
              "    cluster = engine.cli.use(Cluster())\n")


@dataclass(frozen=True)
class CellCommand:
    """One command of a ``%%kafka`` cell and the input lines under it."""

    command: str
    input: tuple[str, ...] = ()


def is_command(line: str) -> bool:
    """Whether ``line`` starts with the name of a tool (``kafka-...``, with ``.sh``)."""
    words = line.split()
    if words[:1] == ["$"]:
        words = words[1:]
    return bool(words) and (tool_name(words[0]) in TOOLS or
                            tool_name(words[0]).startswith("kafka-"))


def parse_cell(cell: str) -> list[CellCommand]:
    """Split a ``%%kafka`` cell into its commands and their input lines."""
    commands: list[tuple[str, list[str]]] = []
    pending = ""
    for raw in cell.splitlines():
        if pending:
            line = pending + raw.strip()
            pending = ""
        else:
            line = raw
        stripped = line.strip()
        if not stripped.startswith(">") and stripped.endswith("\\"):
            pending = stripped[:-1].rstrip() + " "
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith(">"):
            record = line.lstrip()[1:]
        elif is_command(stripped):
            commands.append((stripped, []))
            continue
        else:
            record = line
        if not commands:
            raise ValueError(f"input line before any command: {line!r}")
        commands[-1][1].append(record)
    if pending:
        commands.append((pending.strip(), []))
    return [CellCommand(command, tuple(lines)) for command, lines in commands]


def run_cell(cell: str) -> list[CliResult]:
    """Run every command of a cell against the cluster given to ``engine.cli.use``."""
    from engine.cli import current

    cluster = current()
    if cluster is None:
        sys.stderr.write(NO_CLUSTER)
        return []
    results = []
    for item in parse_cell(cell):
        result = run(cluster, item.command, input=item.input)
        sys.stdout.write(result.stdout)
        sys.stdout.flush()
        sys.stderr.write(result.stderr + exit_code_line(result.exit_code))
        sys.stderr.flush()
        results.append(result)
    last_results[:] = results
    return results


def kafka_line(line: str) -> None:
    """``%kafka <command>``."""
    run_cell(line)


def kafka_cell(line: str, cell: str) -> None:
    """``%%kafka``: the first line may hold a command too."""
    run_cell((line + "\n" if line.strip() else "") + cell)


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%kafka`` and ``%%kafka`` with ``ipython``."""
    ipython.register_magic_function(kafka_line, magic_kind="line", magic_name="kafka")
    ipython.register_magic_function(kafka_cell, magic_kind="cell", magic_name="kafka")
