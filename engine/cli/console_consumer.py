"""``kafka-console-consumer``: print records as Kafka 4.4.0's tool prints them.

Options, checks and texts follow ``ConsoleConsumerOptions`` / ``ConsoleConsumer`` /
``DefaultMessageFormatter`` of 4.4.0: ``--property``/``--consumer-property`` still work
with a deprecation line on stdout (``--formatter-property``/``--command-property``
replace them); without ``--group`` the tool joins the group ``console-consumer-NNNNN``
(a number below 100000, drawn from a generator seeded by the cluster's state, so it is
reproducible) with ``enable.auto.commit=false``; ``auto.offset.reset`` is the given
property, else ``earliest`` with ``--from-beginning``, else ``latest``; ``client.id`` is
``console-consumer``. ``--from-beginning`` only matters when the group has no committed
offset; records of different partitions interleave (order holds within a partition).

How it ends. The real tool reads until ``--max-messages`` records were printed, or until
a poll of ``--timeout-ms`` brings nothing (``ERROR Error processing message,
terminating consumer process:`` with a ``TimeoutException``), or until you press Ctrl-C;
then it closes the consumer (committing, if auto-commit is on) and prints ``Processed a
total of N messages`` on stderr. A notebook cell cannot be interrupted that way, so
without ``--max-messages`` and ``--timeout-ms`` the engine's tool stops, as if Ctrl-C
were pressed, once a poll of :data:`IDLE_MS` simulated milliseconds brings nothing.
Polls move the cluster's simulated clock (joining a group takes
``group.initial.rebalance.delay.ms``).

A bootstrap address where no simulated broker listens reads nothing (one connection
warning, then the end as above, without moving the clock); a malformed or unresolvable one
fails as the consumer's constructor fails (``Failed to construct kafka consumer``, stack
trace shortened to the exception and its cause).
"""

from __future__ import annotations

import random
from typing import Any

from engine.cli.bootstrap import Bootstrap, resolve, socket_text
from engine.cli.java import JavaException, NumberFormat, stack_trace
from engine.cli.jopt import OptionSet, OptionSpec
from engine.cli.tool import (
    CommandOptions,
    ToolExit,
    ToolIO,
    check_required_args,
    default_parser,
    maybe_print_help_or_version,
    parse_key_value_args,
    print_usage_and_exit,
)
from engine.consumer.config import KNOWN
from engine.core import Cluster
from engine.core.errors import KafkaError
from engine.core.records import ConsumerRecord, TopicPartition

IDLE_MS = 10_000
"""Without --max-messages/--timeout-ms: stop after an empty poll of this long (simulated)."""

LOGGER = "org.apache.kafka.tools.consumer.ConsoleConsumer"
_CONSUMER = LOGGER
_OPTIONS = "org.apache.kafka.tools.consumer.ConsoleConsumerOptions"
KIP_848_NOTE = ("The consumer rebalance protocol (KIP-848) is production-ready! Set "
                "group.protocol=consumer to try it out. See "
                "https://kafka.apache.org/documentation/#consumer_rebalance_protocol")

_FORMATTER_HELP = (
    "The properties to initialize the message formatter. Default properties include: \n"
    " print.timestamp=true|false\n print.key=true|false\n print.offset=true|false\n"
    " print.epoch=true|false\n print.partition=true|false\n print.headers=true|false\n"
    " print.value=true|false\n key.separator=<key.separator>\n"
    " line.separator=<line.separator>\n headers.separator=<headers.separator>\n"
    " null.literal=<null.literal>\n key.deserializer=<key.deserializer>\n"
    " value.deserializer=<value.deserializer>\n header.deserializer=<header.deserializer>\n"
    "\nUsers can also pass in customized properties for their formatter; more specifically, "
    "users can pass in properties keyed with 'key.deserializer.', 'value.deserializer.' and "
    "'headers.deserializer.' prefixes to configure their deserializers."
)


class ConsoleConsumerOptions(CommandOptions):
    """``ConsoleConsumerOptions`` of Kafka 4.4.0."""

    def __init__(self, args: list[str], io: ToolIO, cluster: Cluster) -> None:
        self.io = io
        self.args = args
        p = self.parser = default_parser()
        self.topic = p.accepts("topic", "The topic to consume from.").with_required_arg() \
            .described_as("topic")
        self.include = p.accepts(
            "include", "Regular expression specifying list of topics to include for "
            "consumption.").with_required_arg().described_as("Java regex (String)")
        self.partition = p.accepts(
            "partition", "The partition to consume from. Consumption starts from the end of "
            "the partition unless '--offset' is specified.").with_required_arg() \
            .described_as("partition").of_type("Integer")
        self.offset = p.accepts(
            "offset", "The offset to consume from (a non-negative number), or 'earliest' "
            "which means from beginning, or 'latest' which means from end"
        ).with_required_arg().described_as("consume offset").defaults_to("latest")
        self.consumer_property = p.accepts(
            "consumer-property", "(DEPRECATED) Consumer config properties in the form "
            "key=value. This option will be removed in a future version. Use "
            "--command-property instead.").with_required_arg().described_as("consumer_prop")
        self.command_property = p.accepts(
            "command-property", "Consumer config properties in the form key=value."
        ).with_required_arg().described_as("consumer_prop")
        self.consumer_config = p.accepts(
            "consumer.config", "(DEPRECATED) Consumer config properties file. Note that "
            "[command-property] takes precedence over this config. This option will be "
            "removed in a future version. Use --command-config instead."
        ).with_required_arg().described_as("config file")
        self.command_config = p.accepts(
            "command-config", "Consumer config properties file. Note that [command-property] "
            "takes precedence over this config.").with_required_arg() \
            .described_as("config file")
        self.formatter = p.accepts(
            "formatter", "The name of a class to use for formatting kafka messages for "
            "display.").with_required_arg().described_as("class") \
            .defaults_to("org.apache.kafka.tools.consumer.DefaultMessageFormatter")
        self.property = p.accepts(
            "property", "(DEPRECATED) " + _FORMATTER_HELP + " \nThis option will be removed "
            "in a future version. Use --formatter-property instead."
        ).with_required_arg().described_as("prop")
        self.formatter_property = p.accepts("formatter-property", _FORMATTER_HELP) \
            .with_required_arg().described_as("prop")
        self.formatter_config = p.accepts(
            "formatter-config", "Config properties file to initialize the message formatter. "
            "Note that [formatter-property] takes precedence over this config."
        ).with_required_arg().described_as("config file")
        self.from_beginning = p.accepts(
            "from-beginning", "If the consumer does not already have an established offset "
            "to consume from, start with the earliest message present in the log rather than "
            "the latest message.")
        self.max_messages = p.accepts(
            "max-messages", "The maximum number of messages to consume before exiting. If "
            "not set, consumption is continual.").with_required_arg() \
            .described_as("num_messages").of_type("Integer")
        self.timeout_ms = p.accepts(
            "timeout-ms", "If specified, exit if no message is available for consumption for "
            "the specified interval.").with_required_arg().described_as("timeout_ms") \
            .of_type("Long")
        self.skip_message_on_error = p.accepts(
            "skip-message-on-error", "If there is an error when processing a message, skip "
            "it instead of halt.")
        self.bootstrap_server = p.accepts(
            "bootstrap-server", "REQUIRED: The server(s) to connect to."
        ).with_required_arg().described_as("server to connect to")
        self.key_deserializer = p.accepts(
            "key-deserializer", "The name of the class to use for deserializing keys."
        ).with_required_arg().described_as("deserializer for keys")
        self.value_deserializer = p.accepts(
            "value-deserializer", "The name of the class to use for deserializing values."
        ).with_required_arg().described_as("deserializer for values")
        self.enable_systest_events = p.accepts(
            "enable-systest-events", "Log lifecycle events of the consumer in addition to "
            "logging consumed messages. (This is specific for system tests.)")
        self.isolation_level = p.accepts(
            "isolation-level", "Set to read_committed in order to filter out transactional "
            "messages which are not committed. Set to read_uncommitted to read all messages."
        ).with_required_arg().defaults_to("read_uncommitted")
        self.group = p.accepts("group", "The consumer group id of the consumer.") \
            .with_required_arg().described_as("consumer group id")
        try:
            self.options: OptionSet = p.parse(args)
        except JavaException as error:
            print_usage_and_exit(io, p, str(error.message))
        self._check(cluster)

    def _check(self, cluster: Cluster) -> None:
        io, options = self.io, self.options
        maybe_print_help_or_version(io, self.parser, options, self.args,
                                    "This tool helps to read data from Kafka topics and "
                                    "outputs it to standard output.")
        if sum(options.has(s) for s in (self.topic, self.include)) != 1:
            self._usage("Exactly one of the following arguments is required: [topic], "
                        "[include]")
        self.partition_id = self._int(
            self.partition, "partitionArg(ConsoleConsumerOptions.java:415)",
            "checkRequiredArgs(ConsoleConsumerOptions.java:239)",
            "<init>(ConsoleConsumerOptions.java:208)")
        if self.partition_id is not None:
            if not self.has(self.topic):
                self._usage("The topic is required when partition is specified.")
            if self.has(self.from_beginning) and self.has(self.offset):
                self._usage("Options from-beginning and offset cannot be specified together.")
        elif self.has(self.offset):
            self._usage("The partition is required when offset is specified.")
        check_required_args(io, self.parser, options, self.bootstrap_server)
        for new, old, new_name, old_name in (
                (self.command_property, self.consumer_property, "--command-property",
                 "--consumer-property"),
                (self.command_config, self.consumer_config, "--command-config",
                 "--consumer.config")):
            if self.has(new) and self.has(old):
                self._usage(f"Options {old_name} and {new_name} cannot be specified together.")
        property_opt = self.command_property
        if self.has(self.consumer_property):
            io.out("Option --consumer-property is deprecated and will be removed in a future "
                   "version. Use --command-property instead.")
            property_opt = self.consumer_property
        if self.has(self.consumer_config):
            io.out("Option --consumer.config is deprecated and will be removed in a future "
                   "version. Use --command-config instead.")
        extra = parse_key_value_args(str(v) for v in options.values_of(property_opt))
        groups = []
        if self.has(self.group):
            groups.append(str(options.value_of(self.group)))
        if "group.id" in extra and extra["group.id"] not in groups:
            groups.append(extra["group.id"])
        if len(groups) > 1:
            self._usage("The group ids provided in different places (directly using '--group', "
                        "via '--consumer-property', or via '--consumer.config') do not match. "
                        "Detected group ids: " + ", ".join(f"'{g}'" for g in groups))
        if groups and self.partition_id is not None:
            self._usage("Options group and partition cannot be specified together.")
        self.props = self._consumer_props(extra, groups, cluster)
        self.start_offset = self._parse_offset()
        timeout = self._int(self.timeout_ms, "parseTimeoutMs(ConsoleConsumerOptions.java:366)",
                            "<init>(ConsoleConsumerOptions.java:231)")
        self.timeout = timeout if timeout is not None and timeout >= 0 else None
        self.formatter_props = self._formatter_props()

    def _int(self, spec: OptionSpec, *frames: str) -> int | None:
        """A number option; a bad one escapes ``main`` as in Kafka (``frames``: where)."""
        try:
            value = self.options.value_of(spec)
        except JavaException as error:  # read in the constructor, outside main's try
            error.through(*(f"{_OPTIONS}.{frame}" for frame in frames),
                          f"{_CONSUMER}.main(ConsoleConsumer.java:60)")
            self.io.err('Exception in thread "main" ' + stack_trace(error), end="")
            raise ToolExit(1) from None
        return None if value is None else int(str(value))

    def _consumer_props(self, extra: dict[str, str], groups: list[str],
                        cluster: Cluster) -> dict[str, str]:
        props = dict(extra)
        if "auto.offset.reset" in props:
            if self.has(self.from_beginning) and props["auto.offset.reset"] != "earliest":
                self.io.err("Can't simultaneously specify --from-beginning and "
                            f"'auto.offset.reset={props['auto.offset.reset']}', please remove "
                            "one option")
                raise ToolExit(1)
        else:
            props["auto.offset.reset"] = "earliest" if self.has(self.from_beginning) \
                else "latest"
        props["bootstrap.servers"] = str(self.options.value_of(self.bootstrap_server))
        props.setdefault("client.id", "console-consumer")
        if self.has(self.isolation_level) or "isolation.level" not in props:
            props["isolation.level"] = str(self.options.value_of(self.isolation_level))
        if not groups:
            seed = cluster.journal.digest()
            props["group.id"] = f"console-consumer-{random.Random(seed).randrange(100000)}"
            props.setdefault("enable.auto.commit", "false")
        else:
            props["group.id"] = groups[0]
        return props

    def _parse_offset(self) -> str | int:
        if self.has(self.offset):
            raw = str(self.options.value_of(self.offset))
            if raw.lower() in ("earliest", "latest"):
                return raw.lower()
            value = NumberFormat.parse_or_none("Long", raw)
            if value is None or value < 0:
                self._usage(f"The provided offset value '{raw}' is incorrect. Valid values are "
                            "'earliest', 'latest', or a non-negative long.")
            return value
        return "earliest" if self.has(self.from_beginning) else "latest"

    def _formatter_props(self) -> dict[str, str]:
        if self.has(self.formatter_property) and self.has(self.property):
            self._usage("Options --property and --formatter-property cannot be specified "
                        "together.")
        spec = self.formatter_property
        if self.has(self.property):
            self.io.out("Option --property is deprecated and will be removed in a future "
                        "version. Use --formatter-property instead.")
            spec = self.property
        return parse_key_value_args(str(v) for v in self.options.values_of(spec))


class MessageFormatter:
    """``DefaultMessageFormatter``: the fields a record is printed with."""

    def __init__(self, props: dict[str, str]) -> None:
        def flag(name: str, default: bool) -> bool:
            return props[name].strip().lower() == "true" if name in props else default

        self.timestamp = flag("print.timestamp", False)
        self.key = flag("print.key", False)
        self.offset = flag("print.offset", False)
        self.epoch = flag("print.epoch", False)
        self.partition = flag("print.partition", False)
        self.headers = flag("print.headers", False)
        self.value = flag("print.value", True)
        self.key_separator = props.get("key.separator", "\t")
        self.line_separator = props.get("line.separator", "\n")
        self.headers_separator = props.get("headers.separator", ",")
        self.null_literal = props.get("null.literal", "null")

    def _text(self, data: bytes | None) -> str:
        return self.null_literal if data is None else data.decode("utf-8", errors="replace")

    def format(self, record: ConsumerRecord, leader_epoch: int | None = None) -> str:
        fields: list[str] = []
        if self.timestamp:
            kind = "LogAppendTime" if record.timestamp_type == 1 else "CreateTime"
            fields.append(f"{kind}:{record.timestamp}")
        if self.partition:
            fields.append(f"Partition:{record.partition}")
        if self.offset:
            fields.append(f"Offset:{record.offset}")
        if self.epoch:
            fields.append("Epoch:NOT_PRESENT" if leader_epoch is None else f"Epoch:{leader_epoch}")
        if self.headers:
            headers = list(record.headers or ())
            fields.append(self.headers_separator.join(
                f"{k}:{self._text(v)}" for k, v in headers) if headers else "NO_HEADERS")
        if self.key:
            fields.append(self._text(record.key))
        if self.value:
            return self.key_separator.join([*fields, self._text(record.value)]) + \
                self.line_separator
        return self.key_separator.join(fields) + (self.key_separator if fields else "")


def _consumer_config(props: dict[str, str]) -> dict[str, Any]:
    """The tool's properties that the engine's consumer takes (others are ignored)."""
    config: dict[str, Any] = {}
    for key, value in props.items():
        name = key.replace(".", "_")
        if name not in KNOWN or name == "bootstrap_servers":
            continue
        if name in ("enable_auto_commit", "allow_auto_create_topics", "exclude_internal_topics"):
            config[name] = value.strip().lower() == "true"
        elif value.strip().lstrip("-").isdigit():
            config[name] = int(value)
        else:
            config[name] = value
    return config


def _no_cluster(boot: Bootstrap, opts: ConsoleConsumerOptions, io: ToolIO) -> int:
    """What the tool prints when its bootstrap address does not lead to the cluster."""
    for entry, host in boot.unresolved:
        io.log("WARN", f"Couldn't resolve server {entry} from bootstrap.servers as DNS "
               f"resolution failed for {host}", "org.apache.kafka.clients.ClientUtils")
    if boot.problem != "unreachable":
        problem = {"empty": "You must set either bootstrap.servers or bootstrap.controllers",
                   "invalid": f"Invalid url in bootstrap.servers: {boot.detail}"}.get(
            str(boot.problem), "No resolvable bootstrap urls given in bootstrap.servers")
        io.log("ERROR", "Unknown error when running consumer: ", LOGGER)
        io.err("org.apache.kafka.common.KafkaException: Failed to construct kafka consumer\n"
               f"Caused by: org.apache.kafka.common.config.ConfigException: {problem}")
        return 1
    if opts.partition_id is None:
        io.err(KIP_848_NOTE)
    io.log("WARN", f"[Consumer clientId={opts.props['client.id']}, groupId="
           f"{opts.props['group.id']}] Connection to node -1 ({socket_text(boot.first_address)}) "
           "could not be established. Node may not be available.",
           "org.apache.kafka.clients.NetworkClient")
    if opts.timeout is not None:
        io.log("ERROR", "Error processing message, terminating consumer process: ", LOGGER)
        io.err("org.apache.kafka.common.errors.TimeoutException")
    io.err("Processed a total of 0 messages")
    return 0


def main(cluster: Cluster, args: list[str], io: ToolIO) -> int:
    """Run ``kafka-console-consumer`` with ``args``."""
    try:
        opts = ConsoleConsumerOptions(args, io, cluster)
    except ToolExit as done:
        return done.code
    boot = resolve(cluster, opts.props["bootstrap.servers"])
    if boot.problem is not None:
        return _no_cluster(boot, opts, io)
    try:  # opts.maxMessages() is read once the consumer has subscribed, inside run()
        max_messages = opts.options.value_of(opts.max_messages)
    except JavaException as error:
        if opts.partition_id is None:
            io.err(KIP_848_NOTE)
        io.err("Processed a total of 0 messages")
        error.through(f"{_OPTIONS}.maxMessages(ConsoleConsumerOptions.java:425)",
                      f"{_CONSUMER}.run(ConsoleConsumer.java:81)",
                      f"{_CONSUMER}.main(ConsoleConsumer.java:62)")
        io.log("ERROR", "Unknown error when running consumer: ", LOGGER)
        io.err(stack_trace(error), end="")
        return 1
    try:
        consumer = cluster.consumer(**_consumer_config(opts.props))
        if opts.partition_id is not None:
            tp = TopicPartition(str(opts.options.value_of(opts.topic)), opts.partition_id)
            consumer.assign([tp])
            if opts.start_offset == "earliest":
                consumer.seek_to_beginning(tp)
            elif opts.start_offset == "latest":
                consumer.seek_to_end(tp)
            else:
                consumer.seek(tp, int(opts.start_offset))
        else:
            io.err(KIP_848_NOTE)
            if opts.has(opts.topic):
                consumer.subscribe([str(opts.options.value_of(opts.topic))])
            else:
                consumer.subscribe(pattern=str(opts.options.value_of(opts.include)))
    except KafkaError as error:
        io.log("ERROR", "Unknown error when running consumer: ", LOGGER)
        io.err(f"org.apache.kafka.common.KafkaException: {error.message}")
        io.err("Processed a total of 0 messages")
        return 1
    formatter = MessageFormatter(opts.formatter_props)
    limit = None if max_messages is None else int(str(max_messages))
    count = 0
    pending: list[ConsumerRecord] = []
    try:
        while limit is None or limit < 0 or count < limit:
            if not pending:
                wait = opts.timeout if opts.timeout is not None else IDLE_MS
                batches = consumer.poll(timeout_ms=wait)
                pending = [r for records in batches.values() for r in records]
                if not pending:
                    if opts.timeout is not None:
                        io.now_ms = cluster.now_ms
                        io.log("ERROR", "Error processing message, terminating consumer process: "
                               "", LOGGER)
                        io.err("org.apache.kafka.common.errors.TimeoutException")
                    break
            record = pending.pop(0)
            count += 1
            io.out(formatter.format(record), end="")
    finally:
        consumer.close()
    io.err(f"Processed a total of {count} messages")
    return 0
