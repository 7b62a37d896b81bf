"""What every tool shares: its two output streams, exiting, and ``CommandLineUtils``.

A tool is a function ``main(cluster, args, io) -> exit code``. It writes to
:class:`ToolIO` and leaves early by raising :class:`ToolExit`, as Kafka's tools call
``Exit.exit``. The helpers below reproduce ``org.apache.kafka.server.util.CommandLineUtils``:
the usage text goes to stderr after the message, and the exit code is 1.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.cli.java import JavaException, log_line, stack_trace
from engine.cli.jopt import OptionParser, OptionSet, OptionSpec

KAFKA_VERSION = "4.4.0"
"""The Kafka release whose tools the CLI reproduces (``--version`` prints it)."""


class ToolExit(Exception):
    """``Exit.exit(code)``: the tool stops here with ``code``."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class ToolIO:
    """A tool's stdout and stderr, its input lines, and the clock for log lines."""

    def __init__(self, now_ms: int = 0, input_lines: Iterable[str] = ()) -> None:
        self._out: list[str] = []
        self._err: list[str] = []
        self.now_ms = now_ms
        self.input_lines = list(input_lines)

    def out(self, text: str = "", end: str = "\n") -> None:
        """``System.out.println`` (or ``print`` with ``end=""``)."""
        self._out.append(text + end)

    def err(self, text: str = "", end: str = "\n") -> None:
        """``System.err.println``."""
        self._err.append(text + end)

    def log(self, level: str, message: str, logger: str) -> None:
        """A Log4j event on stderr (the tools' Log4j config writes to stderr)."""
        self._err.append(log_line(self.now_ms, level, message, logger))

    @property
    def stdout(self) -> str:
        return "".join(self._out)

    @property
    def stderr(self) -> str:
        return "".join(self._err)


def print_usage_and_exit(io: ToolIO, parser: OptionParser, message: str) -> None:
    """``CommandLineUtils.printUsageAndExit``: message and usage on stderr, exit 1."""
    io.err(message)
    io.err(parser.format_help(), end="")
    raise ToolExit(1)


class CommandOptions:
    """What a tool's options class shares (Kafka's ``CommandDefaultOptions``): its
    parser, the parsed options and the stream usage errors go to."""

    io: ToolIO
    parser: OptionParser
    options: OptionSet

    def has(self, spec: OptionSpec) -> bool:
        return self.options.has(spec)

    def _usage(self, message: str) -> None:
        print_usage_and_exit(self.io, self.parser, message)


def print_version_and_exit(io: ToolIO) -> None:
    io.out(KAFKA_VERSION)
    raise ToolExit(0)


def maybe_print_help_or_version(io: ToolIO, parser: OptionParser, options: OptionSet,
                                args: list[str], message: str) -> None:
    """``CommandLineUtils.maybePrintHelpOrVersion``."""
    specs = parser.specs
    if not args or options.has(specs["help"]):
        print_usage_and_exit(io, parser, message)
    if options.has(specs["version"]):
        print_version_and_exit(io)


def check_required_args(io: ToolIO, parser: OptionParser, options: OptionSet,
                        *required: OptionSpec) -> None:
    for spec in required:
        if not options.has(spec):
            print_usage_and_exit(io, parser, f'Missing required argument "{spec}"')


def check_invalid_args(io: ToolIO, parser: OptionParser, options: OptionSet,
                       used: OptionSpec, invalid: Iterable[OptionSpec]) -> None:
    if options.has(used):
        for spec in invalid:
            if options.has(spec):
                print_usage_and_exit(
                    io, parser, f'Option "{used}" can\'t be used with option "{spec}"')


def default_parser() -> OptionParser:
    """``CommandDefaultOptions``: a parser with ``--help`` and ``--version``."""
    parser = OptionParser()
    parser.accepts("help", "Print usage information.").for_help = True
    parser.accepts("version", "Display Kafka version.").for_help = True
    return parser


def print_main_exception(io: ToolIO, error: JavaException) -> None:
    """``System.err.println(e.getMessage()); System.err.println(Utils.stackTrace(e))``."""
    io.err(str(error.message))
    io.err(stack_trace(error))


def parse_key_value_args(values: Iterable[str]) -> dict[str, str]:
    """``CommandLineUtils.parseKeyValueArgs``: ``k=v`` pairs; a missing value is ``""``."""
    props: dict[str, str] = {}
    for arg in values:
        key, _, value = arg.partition("=")
        props[key] = value
    return props
