"""Kafka's command-line tools on the simulated cluster, with Kafka 4.4.0's output.

``run(cluster, "kafka-topics --bootstrap-server localhost:9092 --list")`` returns a
:class:`CliResult` with the tool's stdout, stderr and exit code. The tools:
``kafka-topics``, ``kafka-console-producer``, ``kafka-console-consumer`` and
``kafka-consumer-groups`` (each also as ``....sh``). In a notebook, ``%load_ext
engine.cli`` adds the ``%kafka`` and ``%%kafka`` magics; they run against the cluster
given to :func:`use` (see :mod:`engine.cli.magic` for the cell syntax).

What "the same as Kafka" means here: Kafka 4.4.0's tools (the version of the course's
real broker) are the judge. Each tool prints the same bytes on the same stream with the
same exit code, including joptsimple's usage table and messages, and the Java stack
traces Kafka prints (those of ``kafka-tools-4.4.0.jar`` on OpenJDK 17).
``tests/real/test_cli_vs_kafka.py`` checks this against the real tools. Decisions the
engine has to make for itself are documented where they are made:
``--bootstrap-server`` (which addresses reach the cluster) in :mod:`engine.cli.bootstrap`;
how the console consumer ends in :mod:`engine.cli.console_consumer`; files
(``--from-file``) in :mod:`engine.cli.consumer_groups`. A failing command leaves the
cluster as it was. Options that older Kafka had (``--zookeeper``, ``--broker-list``) fail
as in 4.x, followed by one stderr line starting with ``[course hint]``. In the magics a
failed command is followed by one stderr line ``[course] exit code N`` (a notebook cell
has no ``$?``; see :mod:`engine.cli.magic`).

Modules, one job each: ``jopt`` (joptsimple's parser and help table), ``java`` (Java
exceptions, stack traces, log lines), ``tool`` (streams, exit, ``CommandLineUtils``),
``bootstrap`` (what ``--bootstrap-server`` reaches), ``hashorder`` (Java ``HashMap``
order), one module per tool, ``runner`` (the command line) and ``magic`` (IPython).
"""

from __future__ import annotations

from typing import Any

from engine.cli.result import CliResult
from engine.cli.runner import run
from engine.core import Cluster

_current: Cluster | None = None


def use(cluster: Cluster) -> Cluster:
    """Make ``cluster`` the one the ``%kafka`` magics talk to; returns it."""
    global _current
    if not isinstance(cluster, Cluster):
        raise TypeError(f"use() needs an engine Cluster, got {type(cluster).__name__}")
    _current = cluster
    return cluster


def current() -> Cluster | None:
    """The cluster given to :func:`use`, or ``None``."""
    return _current


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext engine.cli``: register the magics (IPython is imported only here)."""
    from engine.cli.magic import load_ipython_extension as load

    load(ipython)


__all__ = ["CliResult", "current", "load_ipython_extension", "run", "use"]
