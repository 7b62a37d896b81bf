"""The command line: fetch, start, stop, status and tool (``python3 -m tools.realkafka``).

Progress goes to stderr and the ``export`` line of ``start`` to stdout, so ``eval`` works.
"""

from __future__ import annotations

import argparse
import subprocess
from collections.abc import Sequence

from .broker import start, status, stop
from .clitools import TOOLS, run_tool_process
from .common import RealKafkaError, log
from .maven import fetch
from .settings import DEFAULT_PORT, ENV_BOOTSTRAP, KAFKA_VERSION

DESCRIPTION = (
    "A real single-node Apache Kafka (KRaft mode) built from Maven Central jars, for testing."
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the five subcommands."""
    parser = argparse.ArgumentParser(prog="python3 -m tools.realkafka", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    fetch_cmd = commands.add_parser("fetch", help="resolve the Kafka jars into .kafka/lib")
    fetch_cmd.add_argument("--kafka-version", default=KAFKA_VERSION)
    fetch_cmd.add_argument("--force", action="store_true", help="resolve again")
    start_cmd = commands.add_parser("start", help="start the broker in the background")
    start_cmd.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="broker port (the controller uses port+1)"
    )
    start_cmd.add_argument("--timeout", type=float, default=120.0)
    start_cmd.add_argument(
        "--keep-data",
        action="store_true",
        help="keep .kafka/data from the last run instead of starting fresh",
    )
    start_cmd.add_argument("--kafka-version", default=KAFKA_VERSION)
    stop_cmd = commands.add_parser("stop", help="stop the broker")
    stop_cmd.add_argument("--timeout", type=float, default=60.0)
    commands.add_parser("status", help="exit 0 if the broker runs and accepts connections")
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
        elif opts.command == "start":
            bootstrap = start(opts.port, opts.timeout, opts.keep_data, opts.kafka_version)
            print(f"export {ENV_BOOTSTRAP}={bootstrap}", flush=True)
        elif opts.command == "stop":
            stop(opts.timeout)
        elif opts.command == "status":
            return 0 if status() else 1
        elif opts.command == "tool":
            return run_tool_process(opts.name, opts.args, subprocess.call)
    except RealKafkaError as error:
        log(f"error: {error}")
        return 1
    return 0
