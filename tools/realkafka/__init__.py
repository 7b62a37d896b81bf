"""A real single-node Apache Kafka (KRaft mode) built from Maven Central jars, for testing.

The course's engine is checked against the real thing. This package gets the real thing
without Docker or a release tarball: Maven resolves the broker and its command-line tools into
``.kafka/lib`` (git-ignored), and the broker runs as one background JVM on 127.0.0.1. Run it
from the repository root with any ``python3`` (standard library only):

    python3 -m tools.realkafka fetch                 # resolve the jars (once per version)
    eval "$(python3 -m tools.realkafka start)"       # prints: export KAFKA_BOOTSTRAP_SERVERS=...
    python3 -m tools.realkafka tool kafka-topics --bootstrap-server 127.0.0.1:19092 --list
    python3 -m tools.realkafka status
    python3 -m tools.realkafka stop

Tests import it as ``tools.realkafka`` and use :func:`run_tool` and :func:`bootstrap_servers`.
The modules, one job each:

- ``settings``: versions, locations under ``.kafka/``, host and port;
- ``common``: the error type, progress logging, finding ``java``;
- ``maven``: resolving the jars from Maven Central (``fetch``);
- ``brokerconfig``: ``server.properties`` and the Log4j 2 configs;
- ``clitools``: running Kafka's CLI tools, with class-data archives;
- ``broker``: formatting, starting, stopping and checking the broker;
- ``clusterconfig`` and ``cluster``: a multi-node cluster (``start --name trio --nodes 3``)
  and crashing, stopping and restarting one node of it (``kill|shutdown|restart --name trio 2``);
- ``cli``: the command line (``__main__`` runs it).

The names below are re-exported from those modules. The locations (``LIB``, ``PORT_FILE``, ...)
are copies: to move them, patch ``settings`` (and ``common.java_bin``), which the code reads.
"""

from __future__ import annotations

from . import broker, brokerconfig, cli, clitools, cluster, clusterconfig, common, maven, settings
from .broker import (
    bootstrap_reachable,
    bootstrap_servers,
    broker_pid,
    broker_port,
    format_storage,
    port_open,
    start,
    status,
    stop,
)
from .brokerconfig import LOG4J2_BROKER, LOG4J2_TOOLS, kafka_uuid, server_properties, write_configs
from .cli import build_parser, main
from .clitools import BIG_HEAP_TOOLS, PERF_TOOLS, TOOLS, run_tool, run_tool_process, tool_command
from .common import RealKafkaError, java_bin, log, timed
from .maven import fetch, fetch_key, fetched_version, is_fetched, jar_summary, maven_command
from .settings import (
    BROKER_HEAP,
    BROKER_LOG,
    CDS_DIR,
    CONFIG,
    DATA,
    DEFAULT_PORT,
    DEPENDENCY_PLUGIN,
    ENV_BOOTSTRAP,
    FETCH_MARKER,
    HOME,
    HOST,
    KAFKA_VERSION,
    LIB,
    LOG4J_VERSION,
    LOGS,
    PID_FILE,
    POM,
    PORT_FILE,
    READY_LINE,
    REPO_ROOT,
    RUN,
    SLF4J_VERSION,
)

__all__ = [
    "BIG_HEAP_TOOLS",
    "BROKER_HEAP",
    "BROKER_LOG",
    "CDS_DIR",
    "CONFIG",
    "DATA",
    "DEFAULT_PORT",
    "DEPENDENCY_PLUGIN",
    "ENV_BOOTSTRAP",
    "FETCH_MARKER",
    "HOME",
    "HOST",
    "KAFKA_VERSION",
    "LIB",
    "LOG4J2_BROKER",
    "LOG4J2_TOOLS",
    "LOG4J_VERSION",
    "LOGS",
    "PERF_TOOLS",
    "PID_FILE",
    "POM",
    "PORT_FILE",
    "READY_LINE",
    "REPO_ROOT",
    "RUN",
    "SLF4J_VERSION",
    "TOOLS",
    "RealKafkaError",
    "bootstrap_reachable",
    "bootstrap_servers",
    "broker",
    "broker_pid",
    "broker_port",
    "brokerconfig",
    "build_parser",
    "cli",
    "clitools",
    "cluster",
    "clusterconfig",
    "common",
    "fetch",
    "fetch_key",
    "fetched_version",
    "format_storage",
    "is_fetched",
    "jar_summary",
    "java_bin",
    "kafka_uuid",
    "log",
    "main",
    "maven",
    "maven_command",
    "port_open",
    "run_tool",
    "run_tool_process",
    "server_properties",
    "settings",
    "start",
    "status",
    "stop",
    "timed",
    "tool_command",
    "write_configs",
]
