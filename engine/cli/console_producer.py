"""``kafka-console-producer``: one record per input line, as Kafka 4.4.0's tool sends them.

Options, checks, warnings and usage follow ``org.apache.kafka.tools.ConsoleProducer`` of
4.4.0 (``--property`` and ``--producer-property`` still work there, with a deprecation
warning on stdout; ``--reader-property`` and ``--command-property`` replace them).
Input lines come from ``run(..., input=[...])`` or from the lines under the command in a
``%%kafka`` cell; standard input is not a terminal there, so no ``>`` prompt is printed,
as with ``echo ... | kafka-console-producer``.

The producer's settings are the tool's, built as ``producerProps()`` builds them:
``acks=-1`` (all), ``linger.ms=1000``, ``batch.size=16384``, ``client.id=console-producer``
unless set by ``--command-property``/``--producer-property``; an explicit flag
(``--request-required-acks``, ``--timeout``, ...) always wins. The lines are read to the
end and sent through the producer's accumulator: records are partitioned as Kafka's
producer does (keys by murmur2, keyless records sticky) and packed per partition into
batches of at most ``batch.size`` bytes, which is what the real tool does when the lines
arrive faster than ``linger.ms``. The records are sent with the tool's ``acks``: with
``acks=all`` (the default) a partition whose ISR is below ``min.insync.replicas`` rejects
them, and the tool logs Kafka's ``ErrorLoggingCallback`` error for each record (after
the producer's retries in Kafka; at once here). A bad ``acks`` fails as the producer's
constructor does. Files
(``--command-config``, ``--reader-config``) do not exist here and are ignored.
"""

from __future__ import annotations

from engine.cli.bootstrap import HOST_PORT, resolve
from engine.cli.java import JavaException, stack_trace
from engine.cli.jopt import OptionSet
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
from engine.core import Cluster
from engine.core.acks import parse_acks
from engine.core.errors import KafkaError, KafkaTimeoutError

_READER_HELP = (
    "A mechanism to pass user-defined properties in the form key=value to the message "
    "reader. This allows custom configuration for a user-defined message reader.\n"
    "Default properties include:\n parse.key=false\n parse.headers=false\n"
    " ignore.error=false\n key.separator=\\t\n headers.delimiter=\\t\n headers.separator=,\n"
    " headers.key.separator=:\n null.marker=   When set, any fields (key, value and headers) "
    "equal to this will be replaced by null\nDefault parsing pattern when:\n"
    " parse.headers=true and parse.key=true:\n  \"h1:v1,h2:v2...\\tkey\\tvalue\"\n"
    " parse.key=true:\n  \"key\\tvalue\"\n parse.headers=true:\n  \"h1:v1,h2:v2...\\tvalue\""
)
_PRODUCER = "org.apache.kafka.tools.ConsoleProducer"


class ConsoleProducerOptions(CommandOptions):
    """``ConsoleProducer.ConsoleProducerOptions`` of Kafka 4.4.0."""

    def __init__(self, args: list[str], io: ToolIO) -> None:
        self.io = io
        self.args = args
        p = self.parser = default_parser()
        self.topic = p.accepts("topic", "REQUIRED: The topic name to produce messages to.") \
            .with_required_arg().described_as("topic")
        self.bootstrap_server = p.accepts(
            "bootstrap-server", "REQUIRED: The server(s) to connect to. The broker list string "
            "in the form HOST1:PORT1,HOST2:PORT2.").with_required_arg() \
            .described_as("server to connect to")
        self.sync = p.accepts("sync", "If set message send requests to the brokers are "
                              "synchronously, one at a time as they arrive.")
        self.compression_codec = p.accepts(
            "compression-codec", "The compression codec: either 'none', 'gzip', 'snappy', "
            "'lz4', or 'zstd'.If specified without value, then it defaults to 'gzip'"
        ).with_optional_arg().described_as("compression-codec")
        self.batch_size = p.accepts(
            "batch-size", "The buffer size in bytes allocated for a partition. When records "
            "are received which are smaller than this size the producer will attempt to "
            "optimistically group them together until this size is reached. This is the "
            "option to control batch.size in producer configs. Please note that this option "
            "will be replaced if max-partition-memory-bytes is also set."
        ).with_required_arg().described_as("size").of_type("Integer").defaults_to(16384)
        self.message_send_max_retries = p.accepts(
            "message-send-max-retries", "Brokers can fail receiving the message for multiple "
            "reasons, and being unavailable transiently is just one of them. This property "
            "specifies the number of retries before the producer give up and drop this "
            "message. This is the option to control `retries` in producer configs."
        ).with_required_arg().of_type("Integer").defaults_to(3)
        self.retry_backoff_ms = p.accepts(
            "retry-backoff-ms", "Before each retry, the producer refreshes the metadata of "
            "relevant topics. Since leader election takes a bit of time, this property "
            "specifies the amount of time that the producer waits before refreshing the "
            "metadata. This is the option to control `retry.backoff.ms` in producer configs."
        ).with_required_arg().of_type("Long").defaults_to(100)
        self.timeout = p.accepts(
            "timeout", "If set and the producer is running in asynchronous mode, this gives "
            "the maximum amount of time a message will queue awaiting sufficient batch size. "
            "The value is given in ms. This is the option to control `linger.ms` in producer "
            "configs."
        ).with_required_arg().described_as("timeout_ms").of_type("Long").defaults_to(1000)
        self.request_required_acks = p.accepts(
            "request-required-acks", "The required `acks` of the producer requests"
        ).with_required_arg().described_as("request required acks").defaults_to("-1")
        self.request_timeout_ms = p.accepts(
            "request-timeout-ms", "The ack timeout of the producer requests. Value must be "
            "non-negative and non-zero."
        ).with_required_arg().described_as("request timeout ms").of_type("Integer") \
            .defaults_to(1500)
        self.metadata_expiry_ms = p.accepts(
            "metadata-expiry-ms", "The period of time in milliseconds after which we force a "
            "refresh of metadata even if we haven't seen any leadership changes. This is the "
            "option to control `metadata.max.age.ms` in producer configs."
        ).with_required_arg().described_as("metadata expiration interval").of_type("Long") \
            .defaults_to(300000)
        self.max_block_ms = p.accepts(
            "max-block-ms", "The max time that the producer will block for during a send "
            "request."
        ).with_required_arg().described_as("max block on send").of_type("Long") \
            .defaults_to(60000)
        self.max_memory_bytes = p.accepts(
            "max-memory-bytes", "The total memory used by the producer to buffer records "
            "waiting to be sent to the server. This is the option to control `buffer.memory` "
            "in producer configs."
        ).with_required_arg().described_as("total memory in bytes").of_type("Long") \
            .defaults_to(33554432)
        self.max_partition_memory_bytes = p.accepts(
            "max-partition-memory-bytes", "(Deprecated) The buffer size in bytes allocated for "
            "a partition. When records are received which are smaller than this size the "
            "producer will attempt to optimistically group them together until this size is "
            "reached. This is the option to control batch.size in producer configs. This "
            "option will be removed in Apache Kafka 5.0. Use --batch-size instead."
        ).with_required_arg().described_as("memory in bytes per partition") \
            .of_type("Integer").defaults_to(16384)
        self.line_reader = p.accepts(
            "line-reader", "The class name of the class to use for reading lines from "
            "standard in. By default each line is read as a separate message."
        ).with_required_arg().described_as("reader_class") \
            .defaults_to("org.apache.kafka.tools.LineMessageReader")
        self.socket_buffer_size = p.accepts(
            "socket-buffer-size", "The size of the tcp RECV size. This is the option to "
            "control `send.buffer.bytes` in producer configs."
        ).with_required_arg().described_as("size").of_type("Integer").defaults_to(102400)
        self.property = p.accepts(
            "property", "(DEPRECATED) " + _READER_HELP + "\n This option will be removed in a "
            "future version. Use --reader-property instead."
        ).with_required_arg().described_as("prop")
        self.reader_property = p.accepts("reader-property", _READER_HELP) \
            .with_required_arg().described_as("prop")
        self.reader_config = p.accepts(
            "reader-config", "Config properties file for the message reader. Note that "
            "[reader-property] takes precedence over this config."
        ).with_required_arg().described_as("config file")
        self.producer_property = p.accepts(
            "producer-property", "(DEPRECATED) Producer config properties in the form "
            "key=value. This option will be removed in a future version. Use "
            "--command-property instead."
        ).with_required_arg().described_as("producer_prop")
        self.command_property = p.accepts(
            "command-property", "Producer config properties in the form key=value."
        ).with_required_arg().described_as("producer_prop")
        self.producer_config = p.accepts(
            "producer.config", "(DEPRECATED) Producer config properties file. Note that "
            "[command-property] takes precedence over this config. This option will be "
            "removed in a future version. Use --command-config instead."
        ).with_required_arg().described_as("config file")
        self.command_config = p.accepts(
            "command-config", "Producer config properties file. Note that [command-property] "
            "takes precedence over this config."
        ).with_required_arg().described_as("config file")
        try:
            self.options: OptionSet = p.parse(args)
        except JavaException as error:
            print_usage_and_exit(io, p, str(error.message))
        self._check_args()

    def _check_args(self) -> None:
        io, options = self.io, self.options
        maybe_print_help_or_version(io, self.parser, options, self.args,
                                    "This tool helps to read data from standard input and "
                                    "publish it to Kafka.")
        check_required_args(io, self.parser, options, self.topic)
        pairs = ((self.command_config, self.producer_config, "--command-config",
                  "--producer.config"),
                 (self.command_property, self.producer_property, "--command-property",
                  "--producer-property"),
                 (self.reader_property, self.property, "--reader-property", "--property"))
        for new, old, new_name, old_name in pairs:
            if self.has(new) and self.has(old):
                self._usage(f"Options {new_name} and {old_name} cannot be specified together.")
        self.command_property_opt = self.command_property
        self.reader_property_opt = self.reader_property
        if self.has(self.producer_property):
            io.out("Warning: --producer-property is deprecated and will be removed in a future "
                   "version. Use --command-property instead.")
            self.command_property_opt = self.producer_property
        if self.has(self.producer_config):
            io.out("Warning: --producer.config is deprecated and will be removed in a future "
                   "version. Use --command-config instead.")
        if self.has(self.property):
            io.out("Warning: --property is deprecated and will be removed in a future version. "
                   "Use --reader-property instead.")
            self.reader_property_opt = self.property
        if self.has(self.max_partition_memory_bytes):
            io.out("Warning: --max-partition-memory-bytes is deprecated and will be removed in "
                   "Apache Kafka 5.0. Use --batch-size instead.")
        servers = options.value_of(self.bootstrap_server)
        if servers is None or not str(servers).strip():
            self._usage("Error while validating the bootstrap address\n")
        entries = str(servers).split(",")
        if not all(_has_port(e) for e in entries):
            self._usage("Please provide valid host:port like host1:9091,host2:9092\n")

    def producer_props(self) -> dict[str, str]:
        """``producerProps()``: the properties the tool's ``KafkaProducer`` gets."""
        options = self.options
        props = parse_key_value_args(str(v) for v in options.values_of(self.command_property_opt))
        props["bootstrap.servers"] = str(options.value_of(self.bootstrap_server))
        if self.has(self.compression_codec):
            codec = options.value_of(self.compression_codec)
            props["compression.type"] = "gzip" if not codec else str(codec)
        else:
            props["compression.type"] = "none"
        props.setdefault("client.id", "console-producer")
        props["key.serializer"] = "org.apache.kafka.common.serialization.ByteArraySerializer"
        props["value.serializer"] = "org.apache.kafka.common.serialization.ByteArraySerializer"
        merges = (("linger.ms", self.timeout), ("acks", self.request_required_acks),
                  ("request.timeout.ms", self.request_timeout_ms),
                  ("retries", self.message_send_max_retries),
                  ("retry.backoff.ms", self.retry_backoff_ms),
                  ("send.buffer.bytes", self.socket_buffer_size),
                  ("buffer.memory", self.max_memory_bytes), ("batch.size", self.batch_size),
                  ("batch.size", self.max_partition_memory_bytes),
                  ("metadata.max.age.ms", self.metadata_expiry_ms),
                  ("max.block.ms", self.max_block_ms))
        for key, spec in merges:  # CommandLineUtils.maybeMergeOptions
            if self.has(spec) or key not in props:
                value = options.value_of(spec)
                if value is None:
                    props.pop(key, None)
                else:
                    props[key] = str(value)
        return props

    def reader_props(self) -> dict[str, str]:
        props = {"topic": str(self.options.value_of(self.topic))}
        props.update(parse_key_value_args(
            str(v) for v in self.options.values_of(self.reader_property_opt)))
        return props


def _has_port(entry: str) -> bool:
    """``Utils.getPort(hostPort) != null``."""
    return HOST_PORT.fullmatch(entry) is not None


class LineReader:
    """``LineMessageReader``: a line is ``[headers<TAB>][key<TAB>]value``."""

    def __init__(self, props: dict[str, str]) -> None:
        self.topic = props["topic"]
        self.parse_key = props.get("parse.key", "false").strip().lower() == "true"
        self.key_separator = props.get("key.separator", "\t")
        self.parse_headers = props.get("parse.headers", "false").strip().lower() == "true"
        self.headers_delimiter = props.get("headers.delimiter", "\t")
        self.headers_separator = props.get("headers.separator", ",")
        self.headers_key_separator = props.get("headers.key.separator", ":")
        self.ignore_error = props.get("ignore.error", "false").strip().lower() == "true"
        self.null_marker = props.get("null.marker")
        checks = (
            (self.headers_delimiter == self.headers_separator,
             "headers.delimiter and headers.separator may not be equal"),
            (self.headers_delimiter == self.headers_key_separator,
             "headers.delimiter and headers.key.separator may not be equal"),
            (self.headers_separator == self.headers_key_separator,
             "headers.separator and headers.key.separator may not be equal"),
            (self.key_separator == self.null_marker,
             "null.marker and key.separator may not be equal"),
            (self.headers_separator == self.null_marker,
             "null.marker and headers.separator may not be equal"),
            (self.headers_delimiter == self.null_marker,
             "null.marker and headers.delimiter may not be equal"),
            (self.headers_key_separator == self.null_marker,
             "null.marker and headers.key.separator may not be equal"),
        )
        for failed, message in checks:
            if failed:
                raise JavaException("org.apache.kafka.common.KafkaException", message, [
                    "org.apache.kafka.tools.LineMessageReader.configure(LineMessageReader.java:101)",
                    f"{_PRODUCER}.messageReader(ConsoleProducer.java:84)",
                    f"{_PRODUCER}.start(ConsoleProducer.java:63)",
                    f"{_PRODUCER}.main(ConsoleProducer.java:60)"])

    def _cut(self, enabled: bool, line: str, start: int, marker: str, name: str,
             number: int) -> str | None:
        if not enabled:
            return None
        index = line.find(marker, start)
        if index == -1:
            if self.ignore_error:
                return None
            raise JavaException(
                "org.apache.kafka.common.KafkaException",
                f"No {name} found on line number {number}: '{line}'",
                ["org.apache.kafka.tools.LineMessageReader.parse(LineMessageReader.java:177)",
                 "org.apache.kafka.tools.LineMessageReader$1.hasNext(LineMessageReader.java:132)",
                 f"{_PRODUCER}.loopReader(ConsoleProducer.java:99)",
                 f"{_PRODUCER}.start(ConsoleProducer.java:71)",
                 f"{_PRODUCER}.main(ConsoleProducer.java:60)"])
        return line[start:index]

    def record(self, line: str, number: int) -> tuple[str | None, str | None,
                                                      list[tuple[str, str | None]]]:
        """``(key, value, headers)`` of one line (``None``: the null marker or no key)."""
        headers = self._cut(self.parse_headers, line, 0, self.headers_delimiter,
                            "headers delimiter", number)
        header_offset = 0 if headers is None else len(headers) + len(self.headers_delimiter)
        key = self._cut(self.parse_key, line, header_offset, self.key_separator,
                        "key separator", number)
        key_offset = 0 if key is None else len(key) + len(self.key_separator)
        value: str | None = line[header_offset + key_offset:]
        if key == self.null_marker:
            key = None
        if value == self.null_marker:
            value = None
        parsed: list[tuple[str, str | None]] = []
        if headers is not None and headers != self.null_marker:
            for pair in headers.split(self.headers_separator):
                i = pair.find(self.headers_key_separator)
                if i == -1:
                    parsed.append((pair, None))
                    continue
                item = pair[i + len(self.headers_key_separator):]
                parsed.append((pair[:i], None if item == self.null_marker else item))
        return key, value, parsed


def main(cluster: Cluster, args: list[str], io: ToolIO) -> int:
    """Run ``kafka-console-producer`` with ``args`` over ``io.input_lines``."""
    try:
        opts = ConsoleProducerOptions(args, io)
    except ToolExit as done:
        return done.code
    try:
        reader = LineReader(opts.reader_props())
    except JavaException as error:
        io.err(stack_trace(error), end="")
        return 1
    props = opts.producer_props()
    try:
        parse_acks(props.get("acks", "-1"))
    except KafkaError as error:  # the KafkaProducer constructor's ConfigException
        config = "org.apache.kafka.common.config"
        io.err(stack_trace(JavaException(f"{config}.ConfigException", error.message, [
            f"{config}.ConfigDef$ValidString.ensureValid(ConfigDef.java:1116)",
            f"{config}.ConfigDef.parseValue(ConfigDef.java:553)",
            f"{config}.ConfigDef.parse(ConfigDef.java:529)",
            f"{config}.AbstractConfig.<init>(AbstractConfig.java:120)",
            f"{config}.AbstractConfig.<init>(AbstractConfig.java:138)",
            "org.apache.kafka.clients.producer.ProducerConfig.<init>(ProducerConfig.java:744)",
            "org.apache.kafka.clients.producer.KafkaProducer.<init>(KafkaProducer.java:320)",
            "org.apache.kafka.clients.producer.KafkaProducer.<init>(KafkaProducer.java:347)",
            "org.apache.kafka.clients.producer.KafkaProducer.<init>(KafkaProducer.java:332)",
            f"{_PRODUCER}.start(ConsoleProducer.java:67)",
            f"{_PRODUCER}.main(ConsoleProducer.java:60)"])), end="")
        return 1
    topic = str(opts.options.value_of(opts.topic))
    boot = resolve(cluster, props["bootstrap.servers"])
    records: list[tuple[str | None, str | None, list[tuple[str, str | None]]]] = []
    failure: JavaException | None = None
    for number, line in enumerate(io.input_lines, start=1):
        try:
            records.append(reader.record(line, number))
        except JavaException as error:
            failure = error
            break
    if records and boot.problem is None:
        _send(cluster, topic, records, props, io)
    elif records:
        _unreachable(topic, records, props, io)
    if failure is not None:
        io.err(stack_trace(failure), end="")
        return 1
    return 0


_CLIENT_TEXTS = {
    # what the producer's client knows of a broker error: the error code's own message
    "NotEnoughReplicasError": ("NotEnoughReplicasException", "Messages are rejected since "
                               "there are fewer in-sync replicas than required."),
    "NotEnoughReplicasAfterAppendError": ("NotEnoughReplicasAfterAppendException",
                                          "Messages are written to the log, but to fewer "
                                          "in-sync replicas than required."),
}


def _send(cluster: Cluster, topic: str, records: list[tuple[str | None, str | None,
          list[tuple[str, str | None]]]], props: dict[str, str], io: ToolIO) -> None:
    """Send through the accumulator with the tool's ``acks``; a missing topic is
    auto-created (with the client's warning) or times out."""
    client = props["client.id"]
    acks = props.get("acks", "-1")
    if not cluster.has_topic(topic) and cluster.broker_config("auto.create.topics.enable") == \
            "true":
        io.log("WARN", f"[Producer clientId={client}] The metadata response from the cluster "
               f"reported a recoverable issue with correlation id 1 : "
               f"{{{topic}=UNKNOWN_TOPIC_OR_PARTITION}}", "org.apache.kafka.clients.NetworkClient")
    try:
        if any(headers for _, _, headers in records):
            for key, value, headers in records:
                cluster.produce(topic, value, key=key, headers=headers, acks=acks)
        else:
            cluster.produce_batch(topic, [(key, value) for key, value, _ in records], acks=acks)
    except KafkaTimeoutError as error:
        for key, value, _ in records:
            _log_send_error(io, topic, key, value, "org.apache.kafka.common.errors."
                            "TimeoutException", error.message)
    except KafkaError as error:
        name, text = _CLIENT_TEXTS.get(
            type(error).__name__,
            (f"{type(error).__name__.removesuffix('Error')}Exception", error.message))
        for key, value, _ in records:
            _log_send_error(io, topic, key, value, f"org.apache.kafka.common.errors.{name}",
                            text)


def _unreachable(topic: str, records: list[tuple[str | None, str | None,
                 list[tuple[str, str | None]]]], props: dict[str, str], io: ToolIO) -> None:
    block = props.get("max.block.ms", "60000")
    for key, value, _ in records:
        _log_send_error(io, topic, key, value, "org.apache.kafka.common.errors.TimeoutException",
                        f"Topic {topic} not present in metadata after {block} ms.")


def _log_send_error(io: ToolIO, topic: str, key: str | None, value: str | None,
                    java_class: str, message: str) -> None:
    """``ErrorLoggingCallback``: one ERROR line per failed record."""
    def size(data: str | None) -> str:
        return "null" if data is None else f"{len(data.encode())} bytes"

    io.log("ERROR", f"Error when sending message to topic {topic} with key: {size(key)}, value: "
           f"{size(value)} with error:",
           "org.apache.kafka.clients.producer.internals.ErrorLoggingCallback")
    io.err(f"{java_class}: {message}")


__all__ = ["ConsoleProducerOptions", "LineReader", "main"]
