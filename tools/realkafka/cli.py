"""The command line: fetch, start, stop, status, kill, shutdown, restart and tool
(``python3 -m tools.realkafka``).

With ``--name`` (or ``--nodes``), start, stop and status act on a multi-node cluster instead of
the single broker, and kill, shutdown and restart act on one node of it (see ``cluster``).

Progress goes to stderr and the ``export`` line of ``start`` to stdout, so ``eval`` works.
"""

from __future__ import annotations

import argparse
import subprocess
from collections.abc import Sequence

from .broker import start, status, stop
from .clitools import TOOLS, run_tool_process
from .cluster import kill_node, log_status, restart_node, shutdown_node, start_cluster, stop_cluster
from .clusterconfig import CLUSTER_BASE_PORT, LAYOUTS
from .common import RealKafkaError, log
from .maven import fetch
from .settings import DEFAULT_PORT, ENV_BOOTSTRAP, KAFKA_VERSION

DESCRIPTION = (
    "A real single-node Apache Kafka (KRaft mode) built from Maven Central jars, for testing;"
    " with --name, a multi-node cluster."
)


def _config_pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def _add_cluster_options(parser: argparse.ArgumentParser) -> None:
    """``start``'s options for a multi-node cluster."""
    group = parser.add_argument_group("multi-node cluster (any of these selects it)")
    group.add_argument("--name", help="the cluster's name (files in .kafka/clusters/NAME)")
    group.add_argument("--nodes", type=int, help="number of brokers, ids 1..N (default 3)")
    group.add_argument(
        "--layout",
        choices=LAYOUTS,
        help="controllers: one dedicated controller node (default) or every broker a voter",
    )
    group.add_argument(
        "--config",
        action="append",
        type=_config_pair,
        default=[],
        metavar="KEY=VALUE",
        help="a broker config on every node, e.g. broker.session.timeout.ms=6000 (repeatable)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the eight subcommands."""
    parser = argparse.ArgumentParser(prog="python3 -m tools.realkafka", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    fetch_cmd = commands.add_parser("fetch", help="resolve the Kafka jars into .kafka/lib")
    fetch_cmd.add_argument("--kafka-version", default=KAFKA_VERSION)
    fetch_cmd.add_argument("--force", action="store_true", help="resolve again")
    start_cmd = commands.add_parser("start", help="start the broker in the background")
    start_cmd.add_argument(
        "--port",
        type=int,
        help=f"broker port (the controller uses port+1); default {DEFAULT_PORT}, "
        f"or {CLUSTER_BASE_PORT} for broker 1 of a cluster (broker n: port+10*(n-1))",
    )
    start_cmd.add_argument("--timeout", type=float, default=120.0)
    start_cmd.add_argument(
        "--keep-data",
        action="store_true",
        help="keep .kafka/data from the last run instead of starting fresh",
    )
    start_cmd.add_argument("--kafka-version", default=KAFKA_VERSION)
    _add_cluster_options(start_cmd)
    stop_cmd = commands.add_parser("stop", help="stop the broker (or every node of a cluster)")
    stop_cmd.add_argument("--timeout", type=float, default=60.0)
    stop_cmd.add_argument("--name", help="stop this cluster instead of the single broker")
    status_cmd = commands.add_parser(
        "status", help="exit 0 if the broker (or each node of a cluster) accepts connections"
    )
    status_cmd.add_argument("--name", help="report on this cluster instead of the single broker")
    for verb, what in (
        ("kill", "crash one node of a cluster (SIGKILL)"),
        ("shutdown", "stop one node of a cluster (SIGTERM: a controlled shutdown)"),
        ("restart", "start a stopped or killed node of a cluster again, on its data"),
    ):
        node_cmd = commands.add_parser(verb, help=what)
        node_cmd.add_argument("node", type=int, help="the node id (brokers are 1..N)")
        node_cmd.add_argument("--name", required=True, help="the cluster's name")
        node_cmd.add_argument("--timeout", type=float, default=120.0)
    tool_cmd = commands.add_parser("tool", help="run a Kafka CLI tool, e.g. kafka-topics --list")
    tool_cmd.add_argument("name", help=f"one of {', '.join(TOOLS)} or a main class")
    tool_cmd.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    opts = build_parser().parse_args(argv)
    try:
        if opts.command == "fetch":
            fetch(opts.kafka_version, force=opts.force)
        elif opts.command == "start" and (opts.name or opts.nodes or opts.layout or opts.config):
            spec = start_cluster(
                opts.name or "trio",
                brokers=opts.nodes or 3,
                base_port=opts.port or CLUSTER_BASE_PORT,
                layout=opts.layout or "dedicated",
                configs=dict(opts.config),
                timeout=opts.timeout,
                keep_data=opts.keep_data,
                version=opts.kafka_version,
            )
            print(f"export {ENV_BOOTSTRAP}={spec.bootstrap_servers}", flush=True)
        elif opts.command == "start":
            bootstrap = start(opts.port or DEFAULT_PORT, opts.timeout, opts.keep_data,
                              opts.kafka_version)
            print(f"export {ENV_BOOTSTRAP}={bootstrap}", flush=True)
        elif opts.command == "stop":
            if opts.name:
                stop_cluster(opts.name, opts.timeout)
            else:
                stop(opts.timeout)
        elif opts.command == "status":
            return 0 if (log_status(opts.name) if opts.name else status()) else 1
        elif opts.command == "kill":
            return 0 if kill_node(opts.name, opts.node) else 1
        elif opts.command == "shutdown":
            return 0 if shutdown_node(opts.name, opts.node, opts.timeout) else 1
        elif opts.command == "restart":
            restart_node(opts.name, opts.node, opts.timeout)
        elif opts.command == "tool":
            return run_tool_process(opts.name, opts.args, subprocess.call)
    except RealKafkaError as error:
        log(f"error: {error}")
        return 1
    return 0
