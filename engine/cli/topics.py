"""``kafka-topics``: create, list, describe, alter and delete topics, as Kafka 4.4.0 does.

The options, their checks and their order follow ``org.apache.kafka.tools.TopicCommand``.
Where the real tool prints, this one prints the same bytes on the same stream:

- option and usage errors: the message and the usage table on stderr, exit 1;
- errors thrown before the command runs (parse errors, ``--bootstrap-server must be
  specified``, a bad bootstrap address): the message and the Java stack trace on stderr;
- errors while it runs: ``Error while executing topic command : <message>`` on stdout and
  an ``ERROR`` log line with the stack trace on stderr. Errors that come from the broker
  (topic exists, bad replication factor, ...) have no frames, as in Kafka.

Two orders are Java ``HashMap`` orders, reproduced by :mod:`engine.cli.hashorder`: the
topics of ``--describe`` and the entries of ``Configs:``. ``Configs:`` lists the topic's
overrides and the topic configs whose broker synonym was set when the cluster was made
(:meth:`Cluster.static_broker_configs`), as DescribeConfigs reports both as non-default.

``--topic-id`` describes the topic with that id (through Metadata, so ``Elr: N/A``); an
id that no topic has falls back to describing by name, as Kafka 4.4.0 does.

Not reproduced: ``--command-config`` (no files here; it is accepted and ignored) and
``--replica-assignment`` (accepted by the parser, answered with an error saying the
simulation does not support it).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

from engine.cli.bootstrap import Bootstrap, resolve, socket_text
from engine.cli.hashorder import copied_map_order, hashmap_order
from engine.cli.java import JavaException, stack_trace
from engine.cli.jopt import OptionSet, OptionSpec
from engine.cli.tool import (
    CommandOptions,
    ToolExit,
    ToolIO,
    check_invalid_args,
    check_required_args,
    default_parser,
    maybe_print_help_or_version,
    print_main_exception,
)
from engine.core import Cluster, PartitionDescription
from engine.core.configs import TOPIC_CONFIG_SYNONYMS, TOPIC_CONFIGS, validate_topic_configs
from engine.core.errors import InvalidConfigurationError, KafkaError, TopicNameWarning
from engine.core.names import COLLISION_WARNING, has_collision_chars, is_internal

LOGGER = "org.apache.kafka.tools.TopicCommand"
_CLS = "org.apache.kafka.tools.TopicCommand"
_MAIN = (f"{_CLS}.mainNoExit(TopicCommand.java:90)", f"{_CLS}.main(TopicCommand.java:85)")
_EXECUTE_LINE = {"create": 105, "alter": 107, "list": 109, "describe": 111, "delete": 113}

ALTER_HINT = " (To alter topic configurations, the kafka-configs tool can be used.)"

#: ``LogConfig.nonInternalConfigNames()`` of Kafka 4.4.0, as the ``--config`` help lists it.
HELP_CONFIG_NAMES = (
    "cleanup.policy", "compression.gzip.level", "compression.lz4.level", "compression.type",
    "compression.zstd.level", "delete.retention.ms", "errors.deadletterqueue.group.enable",
    "file.delete.delay.ms", "flush.messages", "flush.ms",
    "follower.replication.throttled.replicas", "index.interval.bytes",
    "leader.replication.throttled.replicas", "local.retention.bytes", "local.retention.ms",
    "max.compaction.lag.ms", "max.decompressed.message.bytes", "max.message.bytes",
    "message.timestamp.after.max.ms", "message.timestamp.before.max.ms",
    "message.timestamp.type", "min.cleanable.dirty.ratio", "min.compaction.lag.ms",
    "min.insync.replicas", "preallocate", "remote.copy.lag.bytes", "remote.copy.lag.ms",
    "remote.log.copy.disable", "remote.log.delete.on.disable", "remote.storage.enable",
    "retention.bytes", "retention.ms", "segment.bytes", "segment.index.bytes",
    "segment.jitter.ms", "segment.ms", "unclean.leader.election.enable",
)

CONFIG_MAP_CAPACITY = 64
"""Table size of the broker's topic-config ``HashMap`` (its iteration order is ``Configs:``)."""

_ERROR_CLASSES = {
    "TopicAlreadyExistsError": "TopicExistsException",
    "InvalidReplicationFactorError": "InvalidReplicationFactorException",
    "InvalidPartitionsError": "InvalidPartitionsException",
    "InvalidConfigurationError": "InvalidConfigurationException",
    "InvalidTopicError": "InvalidTopicException",
    "PolicyViolationError": "PolicyViolationException",
    "TopicDeletionDisabledError": "TopicDeletionDisabledException",
    "UnknownTopicOrPartitionError": "UnknownTopicOrPartitionException",
    "KafkaTimeoutError": "TimeoutException",
}


def broker_error(error: KafkaError) -> JavaException:
    """An engine error as the admin client raises it: the broker's text, no frames."""
    name = _ERROR_CLASSES.get(type(error).__name__, "KafkaException")
    return JavaException(f"org.apache.kafka.common.errors.{name}", error.message)


# ----------------------------------------------------------------------------- options


class TopicCommandOptions(CommandOptions):
    """``TopicCommand.TopicCommandOptions``: the parser, the parse and ``checkArgs``."""

    def __init__(self, args: list[str], io: ToolIO) -> None:
        self.args = args
        self.io = io
        p = self.parser = default_parser()
        self.bootstrap_server = p.accepts(
            "bootstrap-server", "REQUIRED: The Kafka server to connect to."
        ).with_required_arg().described_as("server to connect to")
        self.command_config = p.accepts(
            "command-config", "Property file containing configs to be passed to Admin Client."
        ).with_required_arg().described_as("command config property file")
        self.list = p.accepts("list", "List all available topics.")
        self.create = p.accepts("create", "Create a new topic.")
        self.delete = p.accepts("delete", "Delete a topic.")
        self.alter = p.accepts(
            "alter", "Alter the number of partitions and replica assignment." + ALTER_HINT)
        self.describe = p.accepts("describe", "List details for the given topics.")
        self.topic = p.accepts(
            "topic", "The topic to create, alter, describe or delete. It also accepts a "
            "regular expression, except for --create option."
        ).with_required_arg().described_as("topic")
        self.topic_id = p.accepts("topic-id", "The topic-id to describe.") \
            .with_required_arg().described_as("topic-id")
        config_names = "\n".join("\t" + n for n in HELP_CONFIG_NAMES)
        self.config = p.accepts(
            "config", "A topic configuration override for the topic being created. The "
            "following is a list of valid configurations: \n" + config_names + "\n"
            "See the Kafka documentation for full details on the topic configs. It is "
            "supported only in combination with --create." + ALTER_HINT
        ).with_required_arg().described_as("name=value")
        self.delete_config = p.accepts(
            "delete-config",
            "This option is no longer supported and has been deprecated since 4.0",
        ).with_required_arg().described_as("name")
        self.partitions = p.accepts(
            "partitions", "The number of partitions for the topic being created or altered. "
            "If not supplied with --create, the topic uses the cluster default. (WARNING: If "
            "partitions are increased for a topic that has a key, the partition logic or "
            "ordering of the messages will be affected)."
        ).with_required_arg().described_as("# of partitions").of_type("Integer")
        self.replication_factor = p.accepts(
            "replication-factor", "The replication factor for each partition in the topic "
            "being created. If not supplied, the topic uses the cluster default."
        ).with_required_arg().described_as("replication factor").of_type("Integer")
        self.replica_assignment = p.accepts(
            "replica-assignment", "A list of manual partition-to-broker assignments for the "
            "topic being created or altered."
        ).with_required_arg().described_as(
            "broker_id_for_part1_replica1 : broker_id_for_part1_replica2 , "
            "broker_id_for_part2_replica1 : broker_id_for_part2_replica2 , ...")
        self.under_replicated = p.accepts(
            "under-replicated-partitions",
            "If set when describing topics, only show under-replicated partitions.")
        self.unavailable = p.accepts(
            "unavailable-partitions",
            "If set when describing topics, only show partitions whose leader is not available.")
        self.under_min_isr = p.accepts(
            "under-min-isr-partitions", "If set when describing topics, only show partitions "
            "whose isr count is less than the configured minimum.")
        self.at_min_isr = p.accepts(
            "at-min-isr-partitions", "If set when describing topics, only show partitions "
            "whose isr count is equal to the configured minimum.")
        self.with_overrides = p.accepts(
            "topics-with-overrides",
            "If set when describing topics, only show topics that have overridden configs.")
        self.if_exists = p.accepts(
            "if-exists", "If set when altering or deleting or describing topics, the action "
            "will only execute if the topic exists.")
        self.if_not_exists = p.accepts(
            "if-not-exists", "If set when creating topics, the create request will not fail "
            "if the topic already exists, but the request will still be sent.")
        self.exclude_internal = p.accepts(
            "exclude-internal", "Exclude internal topics when listing or describing topics. By "
            "default, the internal topics are included.")
        self.partition_size_limit = p.accepts(
            "partition-size-limit-per-response",
            "The maximum partition size to be included in one DescribeTopicPartitions response.",
        ).with_required_arg().described_as("maximum number of partitions per response") \
            .of_type("Integer")
        try:
            self.options: OptionSet = p.parse(args)
        except JavaException as error:
            raise error.through(
                f"{_CLS}$TopicCommandOptions.<init>(TopicCommand.java:795)") from None
        self.actions = (self.create, self.list, self.alter, self.describe, self.delete)
        self.report_opts = (self.under_replicated, self.under_min_isr, self.at_min_isr,
                            self.unavailable)
        self._check_args()

    def value(self, spec: OptionSpec, accessor_line: int) -> object:
        """``valueAsOption``: the value, with the frames of the accessor that reads it."""
        try:
            return self.options.value_of(spec)
        except JavaException as error:
            raise error.through(
                f"{_CLS}$TopicCommandOptions.valueAsOption(TopicCommand.java:808)",
                f"{_CLS}$TopicCommandOptions.{_ACCESSORS[accessor_line]}"
                f"(TopicCommand.java:{accessor_line})",
            ) from None

    def _check_args(self) -> None:
        io, parser, options = self.io, self.parser, self.options
        if not self.args:
            self._usage("Create, delete, describe, or change a topic.")
        maybe_print_help_or_version(io, parser, options, self.args,
                                    "This tool helps to create, delete, describe, or change a "
                                    "topic.")
        if sum(options.has(a) for a in self.actions) != 1:
            self._usage("Command must include exactly one action: --list, --describe, --create, "
                        "--alter or --delete")
        if self.has(self.delete_config):
            io.err("delete-config option is no longer supported and deprecated since version "
                   "4.0. The config will be fully removed in future releases.")
        self._check_required_args()
        self._check_invalid_args()

    def _check_required_args(self) -> None:
        io, parser, options = self.io, self.parser, self.options
        if not self.has(self.bootstrap_server):
            raise JavaException(
                "java.lang.IllegalArgumentException", "--bootstrap-server must be specified",
                [f"{_CLS}$TopicCommandOptions.checkRequiredArgs(TopicCommand.java:924)",
                 f"{_CLS}$TopicCommandOptions.checkArgs(TopicCommand.java:917)",
                 f"{_CLS}$TopicCommandOptions.<init>(TopicCommand.java:800)"],
            )
        if self.has(self.describe) and self.has(self.if_exists):
            if not self.has(self.topic) and not self.has(self.topic_id):
                self._usage("--topic or --topic-id is required to describe a topic")
            if self.has(self.topic) and self.has(self.topic_id):
                io.out("Only topic id will be used when both --topic and --topic-id are "
                       "specified and topicId is not Uuid.ZERO_UUID")
        if not self.has(self.list) and not self.has(self.describe):
            check_required_args(io, parser, options, self.topic)
        if self.has(self.alter):
            # Set.of(bootstrapServerOpt, configOpt): Java's order varies between runs;
            # this is the order Kafka 4.4.0 printed when checked.
            if self.has(self.bootstrap_server) and self.has(self.config):
                self._usage('Option combination "[[config], [bootstrap-server]]" can\'t be '
                            'used with option "[alter]"' + ALTER_HINT)
            check_required_args(io, parser, options, self.partitions)

    def _others(self, *keep: OptionSpec) -> list[OptionSpec]:
        return [a for a in self.actions if a not in keep]

    def _check_invalid_args(self) -> None:
        io, parser, options = self.io, self.parser, self.options

        def invalid(used: OptionSpec, specs: list[OptionSpec]) -> None:
            check_invalid_args(io, parser, options, used, specs)

        invalid(self.config, self._others(self.alter, self.create))
        invalid(self.partitions, self._others(self.alter, self.create))
        invalid(self.replication_factor, self._others(self.create))
        invalid(self.replica_assignment, self._others(self.alter, self.create))
        if self.has(self.create):
            invalid(self.replica_assignment, [self.partitions, self.replication_factor])
        for report in self.report_opts:
            invalid(report, [*self._others(self.describe), self.with_overrides])
        invalid(self.with_overrides, [*self._others(self.describe), *self.report_opts])
        invalid(self.if_exists, self._others(self.alter, self.delete, self.describe))
        invalid(self.if_not_exists, self._others(self.create))
        invalid(self.exclude_internal, self._others(self.list, self.describe))


_ACCESSORS = {840: "topic", 848: "partitions", 852: "replicationFactor",
              897: "partitionSizeLimitPerResponse"}


# ----------------------------------------------------------------------------- service


class TopicService:
    """``TopicCommand.TopicService`` over the simulated cluster instead of an Admin client."""

    def __init__(self, cluster: Cluster, opts: TopicCommandOptions, io: ToolIO) -> None:
        self.cluster = cluster
        self.opts = opts
        self.io = io
        self.bootstrap: Bootstrap = resolve(
            cluster, str(opts.options.value_of(opts.bootstrap_server)))
        self._check_admin_client()

    def _check_admin_client(self) -> None:
        """``Admin.create``: fails on an empty, malformed or unresolvable bootstrap list."""
        boot = self.bootstrap
        for entry, host in boot.unresolved:
            self.io.log("WARN", f"Couldn't resolve server {entry} from bootstrap.servers as DNS "
                        f"resolution failed for {host}", "org.apache.kafka.clients.ClientUtils")
        admin = "org.apache.kafka.clients.admin.KafkaAdminClient"
        outer = [f"{admin}.createInternal(KafkaAdminClient.java:637)",
                 f"{admin}.createInternal(KafkaAdminClient.java:563)",
                 "org.apache.kafka.clients.admin.Admin.create(Admin.java:136)",
                 f"{_CLS}$TopicService.<init>(TopicCommand.java:429)",
                 f"{_CLS}.execute(TopicCommand.java:101)"]
        utils = "org.apache.kafka.clients.ClientUtils.parseAndValidateAddresses"
        if boot.problem == "empty":
            cause = JavaException(
                "org.apache.kafka.common.config.ConfigException",
                "You must set either bootstrap.servers or bootstrap.controllers",
                [f"{admin}.determineBootstrapType(KafkaAdminClient.java:545)",
                 f"{admin}.createInternal(KafkaAdminClient.java:582)", *outer[1:]])
        elif boot.problem == "invalid":
            cause = JavaException(
                "org.apache.kafka.common.config.ConfigException",
                f"Invalid url in bootstrap.servers: {boot.detail}",
                [f"{utils}(ClientUtils.java:170)", f"{utils}(ClientUtils.java:118)",
                 f"{admin}.createInternal(KafkaAdminClient.java:598)", *outer[1:]])
        elif boot.problem == "unresolvable":
            cause = JavaException(
                "org.apache.kafka.common.config.ConfigException",
                "No resolvable bootstrap urls given in bootstrap.servers",
                [f"{utils}(ClientUtils.java:182)", f"{utils}(ClientUtils.java:118)",
                 f"{admin}.createInternal(KafkaAdminClient.java:598)", *outer[1:]])
        else:
            return
        raise JavaException("org.apache.kafka.common.KafkaException",
                            "Failed to create new KafkaAdminClient", outer, cause=cause)

    def _reach(self, call: str) -> None:
        """An admin call: times out (after the warning) when no broker listens there."""
        if self.bootstrap.problem == "unreachable":
            self.io.log(
                "WARN", f"[AdminClient clientId=adminclient-1] Connection to node -1 "
                f"({socket_text(self.bootstrap.first_address)}) could not be established. "
                "Node may not be available.", "org.apache.kafka.clients.NetworkClient")
            raise JavaException("org.apache.kafka.common.errors.TimeoutException",
                                f"Timed out waiting for a node assignment. Call: {call}")

    # ---------------------------------------------------------------------- helpers
    def topics(self, action: str) -> list[str]:
        """``getTopics``: sorted names, internal ones unless excluded, filtered by regex."""
        self._reach("listTopics")
        exclude = self.opts.has(self.opts.exclude_internal)
        names = self.cluster.list_topics(include_internal=not exclude)
        if not self.opts.has(self.opts.topic):
            return [n for n in names if not (is_internal(n) and exclude)]
        raw = str(self.opts.value(self.opts.topic, 840))
        regex = raw.strip().replace(",", "|").replace(" ", "")
        regex = re.sub(r"""^["']+""", "", regex)
        regex = re.sub(r"""["']+$""", "", regex)
        try:
            pattern = re.compile(regex)
        except re.error:
            caller = {"list": ("listTopics", 474), "describe": ("describeTopic", 540),
                      "alter": ("alterTopic", 480), "delete": ("deleteTopic", 625)}[action]
            raise JavaException(
                "java.lang.RuntimeException", f"{regex} is an invalid regex.",
                ["org.apache.kafka.tools.filter.TopicFilter.<init>(TopicFilter.java:41)",
                 "org.apache.kafka.tools.filter.TopicFilter$IncludeList.<init>"
                 "(TopicFilter.java:59)",
                 f"{_CLS}.doGetTopics(TopicCommand.java:213)",
                 f"{_CLS}$TopicService.getTopics(TopicCommand.java:639)",
                 f"{_CLS}$TopicService.{caller[0]}(TopicCommand.java:{caller[1]})"]) from None
        return [n for n in names
                if pattern.fullmatch(n) and not (is_internal(n) and exclude)]

    def ensure_exists(self, found: list[str], method: str, line: int) -> None:
        opts = self.opts
        if opts.has(opts.if_exists) or found or not opts.has(opts.topic):
            return
        requested = str(opts.options.value_of(opts.topic))
        if requested:
            raise JavaException(
                "java.lang.IllegalArgumentException",
                f"Topic '{requested}' does not exist as expected",
                [f"{_CLS}.ensureTopicExists(TopicCommand.java:207)",
                 f"{_CLS}$TopicService.{method}(TopicCommand.java:{line})"])

    # ---------------------------------------------------------------------- actions
    def create_topic(self) -> None:
        opts = self.opts
        name = str(opts.value(opts.topic, 840))
        frames = (f"{_CLS}$CommandTopicPartition.<init>(TopicCommand.java:{{}})",
                  f"{_CLS}$TopicService.createTopic(TopicCommand.java:437)")

        def read(spec: OptionSpec, accessor: int, line: int) -> object:
            try:
                return opts.value(spec, accessor)
            except JavaException as error:
                raise error.through(frames[0].format(line), frames[1]) from None

        partitions = read(opts.partitions, 848, 253)
        replication_factor = read(opts.replication_factor, 852, 254)
        configs = self._configs_to_add(frames)
        if has_collision_chars(name):
            self.io.out(COLLISION_WARNING)
        create = f"{_CLS}$TopicService.createTopic(TopicCommand.java:{{}})"
        outer = f"{_CLS}$TopicService.createTopic(TopicCommand.java:442)"
        if replication_factor is not None and not 1 <= int(str(replication_factor)) <= 32767:
            raise JavaException("java.lang.IllegalArgumentException",
                                "The replication factor must be between 1 and 32767 inclusive",
                                [create.format(447), outer])
        if partitions is not None and int(str(partitions)) < 1:
            raise JavaException("java.lang.IllegalArgumentException",
                                "The partitions must be greater than 0",
                                [create.format(450), outer])
        if opts.has(opts.replica_assignment):
            raise JavaException("java.lang.UnsupportedOperationException",
                                "--replica-assignment is not supported by the simulation")
        self._reach("createTopics")
        try:
            with warnings.catch_warnings():  # the tool prints its own WARNING line
                warnings.simplefilter("ignore", TopicNameWarning)
                self.cluster.create_topic(
                    name,
                    partitions=None if partitions is None else int(str(partitions)),
                    replication_factor=None if replication_factor is None
                    else int(str(replication_factor)),
                    configs=configs or None,
                )
        except KafkaError as error:
            if type(error).__name__ == "TopicAlreadyExistsError" and opts.has(
                    opts.if_not_exists):
                return
            raise broker_error(error) from None
        self.io.out(f"Created topic {name}.")

    def _configs_to_add(self, frames: tuple[str, str]) -> dict[str, str]:
        """``parseTopicConfigsToBeAdded``: ``k=v`` pairs, then ``LogConfig.validate``."""
        opts = self.opts
        raw = [str(v) for v in opts.options.values_of(opts.config)]
        where = [frames[0].format(256), frames[1]]
        pairs = [_java_split_equals(item) for item in raw]
        if not all(len(pair) == 2 for pair in pairs):
            raise JavaException(
                "java.lang.IllegalArgumentException",
                'requirement failed: Invalid topic config: all configs to be added must be in '
                'the format "key=val".',
                [f"{_CLS}.parseTopicConfigsToBeAdded(TopicCommand.java:165)", *where])
        props = {pair[0].strip(): pair[1].strip() for pair in pairs}
        known = {k: v for k, v in props.items() if k in TOPIC_CONFIGS}
        try:
            validate_topic_configs(known)
        except InvalidConfigurationError as error:
            config_def = "org.apache.kafka.common.config.ConfigDef"
            log_config = "org.apache.kafka.storage.internals.log.LogConfig"
            raise JavaException(
                "org.apache.kafka.common.config.ConfigException", error.message,
                [f"{config_def}.parseType(ConfigDef.java:789)",
                 f"{config_def}.parseValue(ConfigDef.java:536)",
                 f"{config_def}.parse(ConfigDef.java:529)",
                 f"{log_config}.validate(LogConfig.java:681)",
                 f"{log_config}.validate(LogConfig.java:672)",
                 f"{_CLS}.parseTopicConfigsToBeAdded(TopicCommand.java:170)", *where],
            ) from None
        return props

    def list_topics(self) -> None:
        self.io.out("\n".join(self.topics("list")))

    def alter_topic(self) -> None:
        opts = self.opts
        name_frames = (f"{_CLS}$CommandTopicPartition.<init>(TopicCommand.java:{{}})",
                       f"{_CLS}$TopicService.alterTopic(TopicCommand.java:477)")
        try:
            opts.value(opts.topic, 840)
            partitions = opts.value(opts.partitions, 848)
            opts.value(opts.replication_factor, 852)
        except JavaException as error:
            raise error.through(name_frames[0].format(253), name_frames[1]) from None
        self._configs_to_add(name_frames)
        topics = self.topics("alter")
        self.ensure_exists(topics, "alterTopic", 481)
        if not topics:
            return
        total = int(str(partitions))
        try:
            for topic in topics:
                self.cluster.create_partitions(topic, total)
        except KafkaError as error:
            raise broker_error(error) from None

    def describe_topic(self) -> None:
        opts = self.opts
        by_id = None
        if opts.has(opts.topic_id):
            wanted = parse_uuid(str(opts.options.value_of(opts.topic_id)))
            if wanted != ZERO_UUID:
                names = self.cluster.list_topics(
                    include_internal=not opts.has(opts.exclude_internal))
                by_id = [n for n in names if self.cluster.describe_topic(n).topic_id == wanted]
        if by_id:  # found by id: described through Metadata, which has no ELR
            self._reach("listTopics")
            live = registered_brokers(self.cluster)
            self._describe_one(by_id[0], not any(opts.has(s) for s in opts.report_opts),
                               not opts.has(opts.with_overrides), live, elr=False)
            return
        topics = self.topics("describe")
        self.ensure_exists(topics, "describeTopic", 547)
        if opts.has(opts.partition_size_limit):
            opts.value(opts.partition_size_limit, 897)
        report = [opts.has(s) for s in opts.report_opts]
        describe_configs = not any(report)
        describe_partitions = not opts.has(opts.with_overrides)
        live = registered_brokers(self.cluster)
        for name in copied_map_order(topics):
            self._describe_one(name, describe_configs, describe_partitions, live)

    def _describe_one(self, name: str, describe_configs: bool, describe_partitions: bool,
                      live: set[int], elr: bool = True) -> None:
        opts = self.opts
        description = self.cluster.describe_topic(name)
        configs = non_default_configs(self.cluster, name)
        partitions = sorted(description.partitions, key=lambda p: p.partition)
        if describe_configs and (not opts.has(opts.with_overrides) or configs):
            line = f"Topic: {name}"
            if description.topic_id and description.topic_id != "AAAAAAAAAAAAAAAAAAAAAA":
                line += f"\tTopicId: {description.topic_id}"
            line += f"\tPartitionCount: {len(partitions)}"
            line += f"\tReplicationFactor: {len(partitions[0].replicas)}"
            line += "\tConfigs: " + ",".join(f"{k}={v}" for k, v in configs.items())
            self.io.out(line)
        if not describe_partitions:
            return
        for partition in partitions:
            if describe_configs or self._reported(partition, live):
                self.io.out(partition_line(name, partition, elr=elr))

    def _reported(self, partition: PartitionDescription, live: set[int]) -> bool:
        """Whether a partition passes the ``--*-partitions`` filters given. Unavailable is
        TopicCommand's own test: no leader, or a leader that is not a live broker."""
        opts = self.opts
        leader = _leader(partition)
        checks: list[tuple[OptionSpec, Callable[[], bool]]] = [
            (opts.under_replicated, lambda: partition.under_replicated),
            (opts.unavailable, lambda: leader is None or leader not in live),
            (opts.under_min_isr, lambda: partition.under_min_isr),
            (opts.at_min_isr, lambda: partition.at_min_isr),
        ]
        return any(opts.has(spec) and test() for spec, test in checks)

    def delete_topic(self) -> None:
        topics = self.topics("delete")
        self.ensure_exists(topics, "deleteTopic", 626)
        try:
            for topic in topics:  # DeleteTopics checks every topic before deleting any
                self.cluster.describe_topic(topic)
            for topic in topics:
                self.cluster.delete_topic(topic)
        except KafkaError as error:
            raise broker_error(error) from None


def registered_brokers(cluster: Cluster) -> set[int]:
    """``describeCluster().nodes()``: the brokers that are registered and not fenced."""
    describe = getattr(cluster, "describe_brokers", None)
    if describe is None:
        return set(cluster.brokers)
    return {b.broker_id for b in describe() if not b.fenced}


def _leader(partition: object) -> int | None:
    leader = getattr(partition, "leader", None)
    return None if leader is None or leader < 0 else int(leader)


def partition_line(topic: str, partition: PartitionDescription, elr: bool = True) -> str:
    """One ``--describe`` partition line (it starts with a tab); ``elr=False`` prints
    ``N/A`` for the ELR fields, as a describe by topic id does."""
    leader = _leader(partition)

    def ids(name: str) -> str:
        return ",".join(str(i) for i in (getattr(partition, name, None) or ()))

    line = (f"\tTopic: {topic}\tPartition: {partition.partition}"
            f"\tLeader: {'none' if leader is None else leader}"
            f"\tReplicas: {ids('replicas')}\tIsr: {ids('isr')}")
    adding = getattr(partition, "adding_replicas", None)
    removing = getattr(partition, "removing_replicas", None)
    if adding or removing:
        line += f"\tAdding Replicas: {ids('adding_replicas')}"
        line += f"\tRemoving Replicas: {ids('removing_replicas')}"
    if not elr:
        return line + "\tElr: N/A\tLastKnownElr: N/A"
    line += f"\tElr: {ids('elr')}\tLastKnownElr: {ids('last_known_elr')}"
    return line


ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA"
_BASE64URL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def parse_uuid(text: str) -> str:
    """``Uuid.fromString``: URL-safe base64 of 16 bytes, or Kafka's error."""
    where = [f"{_CLS}$TopicService.describeTopic(TopicCommand.java:530)"]
    for ch in text.rstrip("="):
        if ch not in _BASE64URL:
            raise JavaException("java.lang.IllegalArgumentException",
                                f"Illegal base64 character {ord(ch):x}",
                                ["java.base/java.util.Base64$Decoder.decode0(Base64.java:848)",
                                 "java.base/java.util.Base64$Decoder.decode(Base64.java:566)",
                                 "java.base/java.util.Base64$Decoder.decode(Base64.java:589)",
                                 "org.apache.kafka.common.Uuid.fromString(Uuid.java:140)",
                                 "java.base/java.util.Optional.map(Optional.java:260)", *where])
    size = len(text.rstrip("=")) * 3 // 4
    if size != 16:
        raise JavaException(
            "java.lang.IllegalArgumentException",
            f"Input string `{text}` decoded as {size} bytes, which is not equal to the expected "
            "16 bytes of a base64-encoded UUID",
            ["org.apache.kafka.common.Uuid.fromString(Uuid.java:143)",
             "java.base/java.util.Optional.map(Optional.java:260)", *where])
    return text


def non_default_configs(cluster: Cluster, topic: str) -> dict[str, str]:
    """The entries of DescribeConfigs that are not defaults, in the broker's map order.

    Topic overrides, and topic configs whose broker synonym was set statically.
    """
    config = cluster.topic_config(topic)
    static = cluster.static_broker_configs()
    chosen: dict[str, str] = {}
    for name, key in TOPIC_CONFIGS.items():
        if key.internal:
            continue
        synonyms = [s for s, _ in TOPIC_CONFIG_SYNONYMS.get(name, ((key.synonym, 1),)) if s]
        if not config.is_default(name) or any(s in static for s in synonyms):
            value = config.get_string(name)
            chosen[name] = "null" if value is None else value
    order = hashmap_order(TOPIC_CONFIGS, table_size=CONFIG_MAP_CAPACITY)
    return {name: chosen[name] for name in order if name in chosen}


def _java_split_equals(text: str) -> list[str]:
    """``s.split("\\\\s*=\\\\s*")``: Java drops trailing empty strings."""
    parts = re.split(r"\s*=\s*", text)
    while parts and parts[-1] == "":
        parts.pop()
    return parts or [""]


# -------------------------------------------------------------------------------- main


def main(cluster: Cluster, args: list[str], io: ToolIO) -> int:
    """Run ``kafka-topics`` with ``args``; returns the exit code."""
    try:
        opts = TopicCommandOptions(args, io)
    except JavaException as error:  # thrown outside execute's try: message and stack trace
        print_main_exception(io, error.through(f"{_CLS}.execute(TopicCommand.java:100)", *_MAIN))
        return 1
    except ToolExit as done:
        return done.code
    try:
        service = TopicService(cluster, opts, io)
    except JavaException as error:  # Admin.create failed (its frames include execute's)
        print_main_exception(io, error.through(*_MAIN))
        return 1
    action = next(a for a in ("create", "alter", "list", "describe", "delete")
                  if opts.has(getattr(opts, a)))
    run = {"create": service.create_topic, "alter": service.alter_topic,
           "list": service.list_topics, "describe": service.describe_topic,
           "delete": service.delete_topic}[action]
    try:
        run()
    except JavaException as error:
        if error.frames:
            error.through(f"{_CLS}.execute(TopicCommand.java:{_EXECUTE_LINE[action]})", *_MAIN)
        io.out(f"Error while executing topic command : {error.message}")
        io.log("ERROR", stack_trace(error), LOGGER)
        return 1
    return 0
