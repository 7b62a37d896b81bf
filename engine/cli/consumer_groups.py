"""``kafka-consumer-groups``: list, describe, delete and reset consumer groups (Kafka 4.4.0).

Options, checks, tables and texts follow ``ConsumerGroupCommand`` /
``ConsumerGroupCommandOptions`` / ``OffsetsUtils`` of 4.4.0, over the engine's group
coordinator (``cluster.groups``):

- ``--list`` prints group ids in Kafka's order: the brokers' ListGroups answers (see
  :mod:`engine.group.listorder`) put through the admin client's ``HashMap``, so mostly
  by the ids' hash; ``--list --state [s,...]`` prints the ``GROUP  STATE`` table;
- ``--describe`` (``--offsets`` by default, ``--members [--verbose]``, ``--state
  [--verbose]``) with Kafka's column widths, ``-`` for missing values, ``Consumer group
  'g' has no active members.`` / ``Warning: Consumer group 'g' is rebalancing.`` on
  stderr, and Kafka 4.x's ``GroupIdNotFoundException`` for an unknown group;
- ``--delete`` (an active group: ``GroupNotEmptyException: The group is not empty.``);
- ``--delete-offsets`` (per partition ``Successful`` or ``Error: ...``);
- ``--reset-offsets`` with ``--to-earliest``, ``--to-latest``, ``--to-current``,
  ``--to-offset``, ``--shift-by``, ``--to-datetime``, ``--by-duration`` and
  ``--from-file`` over ``--topic t``, ``--topic t:0,1`` or ``--all-topics``: a dry run
  unless ``--execute``, clamped to the log with Kafka's ``WARN``, refused with ``Error:
  Assignments can only be reset if the group 'g' is inactive, but the current state is
  Stable.`` while the group has members.

Time: ``--to-datetime`` without a zone is UTC, and ``--by-duration`` counts back from
the cluster's simulated clock (record timestamps are simulated milliseconds too).
``--from-file`` takes the CSV text itself from the command's input lines (there are no
files here): the lines after the command in a ``%%kafka`` cell, or ``run(...,
input=...)``; the file name is ignored. ``--export`` prints the plan as Kafka's CSV
(``topic,partition,offset``, with the group first when several groups are given) instead
of the table, which ``--from-file`` reads back. ``--delete-offsets --group g --topic
t[:p,...]`` deletes committed offsets as OffsetDelete does (``Request succeeded for
deleting offsets from group g.`` and the ``TOPIC PARTITION STATUS`` table).
``--validate-regex`` is accepted by the parser but not modelled.

An address where no simulated broker listens fails at once with the admin client's
``TimeoutException`` text (Kafka waits ``--timeout`` first); a malformed or unresolvable
one with ``Failed to create new KafkaAdminClient``. Their stack traces are shortened to
the exception and its cause.
"""

from __future__ import annotations

import datetime as _dt
import re

from engine.cli.bootstrap import BASE_PORT, Bootstrap, resolve
from engine.cli.hashorder import hashmap_order, topic_partition_hash
from engine.cli.java import JavaException, stack_trace
from engine.cli.jopt import OptionSet
from engine.cli.tool import (
    CommandOptions,
    ToolExit,
    ToolIO,
    check_invalid_args,
    check_required_args,
    default_parser,
    maybe_print_help_or_version,
    print_usage_and_exit,
)
from engine.core import Cluster
from engine.core.errors import (
    GroupSubscribedToTopicError,
    KafkaError,
    UnknownTopicOrPartitionError,
)
from engine.core.records import TopicPartition
from engine.group.admin import GroupListing

NL = "\n"
_CMD = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"
_OPTS = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommandOptions"
RESETTER = "org.apache.kafka.tools.GroupOffsetsResetter"

_STATES = {"stable": "Stable", "empty": "Empty", "dead": "Dead",
           "preparingrebalance": "PreparingRebalance",
           "completingrebalance": "CompletingRebalance", "assigning": "Assigning",
           "reconciling": "Reconciling", "unknown": "Unknown"}
_REBALANCING = {"PreparingRebalance", "CompletingRebalance", "Assigning", "Reconciling"}


class ConsumerGroupCommandOptions(CommandOptions):
    """``ConsumerGroupCommandOptions`` of Kafka 4.4.0."""

    def __init__(self, args: list[str], io: ToolIO) -> None:
        self.io = io
        self.args = args
        p = self.parser = default_parser()
        self.bootstrap_server = p.accepts(
            "bootstrap-server", "The server(s) to connect to. REQUIRED for all options except "
            "for --validate-regex.").with_required_arg().described_as("server to connect to")
        self.group = p.accepts("group", "The consumer group id.").with_required_arg() \
            .described_as("group id")
        self.topic = p.accepts(
            "topic", "The topic whose offset information should be deleted or reset. In "
            "`reset-offsets` case, partitions can be specified using this format: "
            "`topic:0,1,2`, where 0,1,2 are the partitions to be included. Reset-offsets also "
            "supports multiple topics.").with_required_arg().described_as("topic")
        self.all_topics = p.accepts("all-topics", "Apply to all topics.")
        self.list = p.accepts("list", "List all consumer groups.")
        self.describe = p.accepts(
            "describe", "Describe consumer group and list offset lag (number of messages not "
            "yet processed) related to given group.")
        self.all_groups = p.accepts("all-groups", "Apply to all consumer groups.")
        self.delete = p.accepts(
            "delete", "Delete topic partition offsets and ownership information for one or more "
            "consumer groups.")
        self.timeout = p.accepts(
            "timeout", "The timeout that can be set for some use cases. For example, it can be "
            "used when describing the group to specify the maximum amount of time in "
            "milliseconds to wait before the group stabilizes (when the group is just created, "
            "or is going through some changes).").with_required_arg() \
            .described_as("timeout (ms)").of_type("Long").defaults_to(30000)
        self.command_config = p.accepts(
            "command-config", "Property file containing configs to be passed to Admin Client "
            "and Consumer.").with_required_arg().described_as("command config property file")
        self.reset_offsets = p.accepts(
            "reset-offsets", "Reset offsets of consumer group. Supports one consumer group at a "
            "time, and instances should be inactive" + NL + "Has 2 execution options: "
            "--dry-run (the default) to plan which offsets to reset, and --execute to update "
            "the offsets." + NL + "Additionally, the --export option can be used to generate "
            "the offsets in CSV format for export to a file." + NL + "You must choose one of "
            "the following reset specifications: --to-datetime, --by-duration, --to-earliest, "
            "--to-latest, --shift-by, --from-file, --to-current, --to-offset." + NL + "To "
            "define the scope, use --all-topics or --topic. The scope must be specified unless "
            "you use --from-file.")
        self.delete_offsets = p.accepts(
            "delete-offsets", "Delete offsets of consumer group. Supports one consumer group at "
            "a time, and multiple topics.")
        self.dry_run = p.accepts(
            "dry-run", "Output offset reset information without executing the operation. "
            "Supported operation: reset-offsets.")
        self.execute = p.accepts(
            "execute", "Execute the offset reset operation. Supported operation: "
            "reset-offsets.")
        self.export = p.accepts(
            "export", "Generate offset reset information in CSV format for export to a file. "
            "Supported operation: reset-offsets.")
        self.to_offset = p.accepts("to-offset", "Reset offsets to a specific offset.") \
            .with_required_arg().described_as("offset").of_type("Long")
        self.from_file = p.accepts("from-file", "Reset offsets to values defined in CSV file.") \
            .with_required_arg().described_as("path to CSV file")
        self.to_datetime = p.accepts(
            "to-datetime", "Reset offsets to offset from datetime. Format: "
            "'YYYY-MM-DDThh:mm:ss.sss'").with_required_arg().described_as("datetime")
        self.by_duration = p.accepts(
            "by-duration", "Reset offsets by duration from current timestamp. Format: "
            "'PnDTnHnMnS'").with_required_arg().described_as("duration")
        self.to_earliest = p.accepts("to-earliest", "Reset offsets to earliest offset.")
        self.to_latest = p.accepts("to-latest", "Reset offsets to latest offset.")
        self.to_current = p.accepts("to-current", "Reset offsets to current offset.")
        self.shift_by = p.accepts(
            "shift-by", "Reset offsets shifting current offset by 'n', where 'n' can be "
            "positive or negative.").with_required_arg().described_as("number-of-offsets") \
            .of_type("Long")
        self.members = p.accepts(
            "members", "Describe members of the group. This option may be used with the "
            "--describe option only." + NL + "Example: --bootstrap-server localhost:9092 "
            "--describe --group group1 --members")
        self.verbose = p.accepts(
            "verbose", "Provide additional information, if any, when describing the group. "
            "This option may be used with the --describe option only.")
        self.offsets = p.accepts(
            "offsets", "Describe the group and list all topic partitions in the group along "
            "with their offset lag. This is the default sub-action of and may be used with the "
            "--describe option only." + NL + "Example: --bootstrap-server localhost:9092 "
            "--describe --group group1 --offsets")
        self.state = p.accepts(
            "state", "When specified with --describe, it displays the state of the group." + NL
            + "Example: --bootstrap-server localhost:9092 --describe --group group1 --state" + NL
            + "When specified with --list, it displays the states of the groups. It can also "
            "be used to list groups with specific states." + NL + "Example: "
            "--bootstrap-server localhost:9092 --list --state stable,empty" + NL + "This option "
            "may be used with --describe and --list options only.").with_optional_arg()
        self.type = p.accepts(
            "type", "When specified with --list, it displays the types of the groups. It can "
            "also be used to list groups with specific types." + NL + "Example: "
            "--bootstrap-server localhost:9092 --list --type classic,consumer" + NL + "This "
            "option may be used with the --list option only.").with_optional_arg()
        self.validate_regex = p.accepts(
            "validate-regex", "Validate the syntax of the regular expression according to the "
            "RE2 format.").with_required_arg().described_as("regex")
        self.scenarios = [self.to_offset, self.to_datetime, self.by_duration, self.to_earliest,
                          self.to_latest, self.to_current, self.shift_by, self.from_file]
        try:
            self.options: OptionSet = p.parse(args)
        except JavaException as error:  # thrown before main's try: the JVM reports it
            error.through(
                f"{_OPTS}.<init>(ConsumerGroupCommandOptions.java:204)",
                f"{_OPTS}.fromArgs(ConsumerGroupCommandOptions.java:117)",
                f"{_CMD}.main(ConsumerGroupCommand.java:85)")
            io.err('Exception in thread "main" ' + stack_trace(error), end="")
            raise ToolExit(1) from None
        self._check_args()

    def _check_args(self) -> None:
        io, parser, options = self.io, self.parser, self.options
        maybe_print_help_or_version(io, parser, options, self.args,
                                    "This tool helps to list, describe, delete and manage the "
                                    "offsets of consumer groups.")
        if not self.has(self.validate_regex):
            check_required_args(io, parser, options, self.bootstrap_server)
        scope = "[group], [all-groups]"
        if self.has(self.describe):
            if not self.has(self.group) and not self.has(self.all_groups):
                self._usage(f"Option [describe] takes one of these options: {scope}")
            if sum(self.has(s) for s in (self.members, self.offsets, self.state)) > 1:
                self._usage("Option [describe] takes at most one of these options: [members], "
                            "[offsets], [state]")
            if self.has(self.state) and options.value_of(self.state) is not None:
                self._usage("Option [describe] does not take a value for [state]")
        if self.has(self.delete):
            if not self.has(self.group) and not self.has(self.all_groups):
                self._usage(f"Option [delete] takes one of these options: {scope}")
            if self.has(self.topic):
                self._usage("The consumer does not support topic-specific offset deletion from "
                            "a consumer group.")
        if self.has(self.delete_offsets) and not (self.has(self.group) and self.has(self.topic)):
            self._usage("Option [delete-offsets] takes the following options: [topic], [group]")
        if self.has(self.reset_offsets):
            if self.has(self.dry_run) and self.has(self.execute):
                self._usage("Option [reset-offsets] only accepts one of [execute] and [dry-run]")
            if not self.has(self.dry_run) and not self.has(self.execute):
                io.err("WARN: No action will be performed as the --execute option is missing. In "
                       "version 5.0, this command will require either --dry-run or --execute to "
                       "be specified. You should add the --dry-run option explicitly if you are "
                       "scripting this command and want to keep the current default behavior "
                       "without prompting.")
            if not self.has(self.group) and not self.has(self.all_groups):
                self._usage(f"Option [reset-offsets] takes one of these options: {scope}")
            for used in self.scenarios:
                check_invalid_args(io, parser, options, used,
                                   [s for s in self.scenarios if s is not used])
        check_invalid_args(io, parser, options, self.group, [self.all_groups])
        group_level = [self.list, self.describe, self.delete, self.reset_offsets]
        check_invalid_args(io, parser, options, self.group,
                           [s for s in group_level if s not in (self.describe, self.delete,
                                                                self.reset_offsets)])
        check_invalid_args(io, parser, options, self.topic,
                           [s for s in group_level if s not in (self.delete,
                                                                self.reset_offsets)])


def _jlen(text: str) -> int:
    """``String.length()``: UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def _fmt(text: object, width: int) -> str:
    """``%-<width>s``: pad to ``width`` Java chars."""
    value = str(text)
    return value + " " * max(width - _jlen(value), 0)


class ConsumerGroupService:
    """``ConsumerGroupCommand.ConsumerGroupService`` over ``cluster.groups``."""

    def __init__(self, cluster: Cluster, opts: ConsumerGroupCommandOptions, io: ToolIO) -> None:
        self.cluster = cluster
        self.groups = cluster.groups
        self.opts = opts
        self.io = io
        # getGroupOffsetsResetterOptions: the numbers are converted here, for every action
        where = [f"{_CMD}$ConsumerGroupService.<init>(ConsumerGroupCommand.java:195)",
                 f"{_CMD}.run(ConsumerGroupCommand.java:121)",
                 f"{_CMD}.main(ConsumerGroupCommand.java:109)"]
        reads = ((opts.to_offset, 201, False), (opts.shift_by, 205, True),
                 (opts.timeout, 206, True))
        for spec, line, single in reads:
            try:
                if single:
                    opts.options.value_of(spec)
                else:
                    opts.options.values_of(spec)
            except JavaException as error:
                raise error.through(
                    f"{_CMD}$ConsumerGroupService.getGroupOffsetsResetterOptions("
                    f"ConsumerGroupCommand.java:{line})", *where) from None

    def _error(self, message: str) -> None:
        """``printError``: a blank line and ``Error: ...`` on stdout."""
        self.io.out(f"\nError: {message}")

    def group_ids(self) -> list[str]:
        if self.opts.has(self.opts.all_groups):
            return [g.group_id for g in self.listed_groups()]
        return [str(v) for v in self.opts.options.values_of(self.opts.group)]

    # ------------------------------------------------------------------------ list
    def listed_groups(self, states: list[str] | None = None) -> list[GroupListing]:
        """``Admin.listGroups``: the brokers' answers (in their order, see
        :mod:`engine.group.listorder`) passed through the admin client's ``HashMap``."""
        listings = self.groups.list_groups(states, response_order=True)
        by_id = {g.group_id: g for g in listings}
        return [by_id[g] for g in hashmap_order(list(by_id))]

    def list_groups(self) -> None:
        opts = self.opts
        include_type, include_state = opts.has(opts.type), opts.has(opts.state)
        if not include_type and not include_state:
            for listing in self.listed_groups():
                self.io.out(listing.group_id)
            return
        raw = opts.options.value_of(opts.state) if include_state else None
        states = None
        if raw:
            parsed = [s.strip() for s in str(raw).split(",")]
            unknown = [s for s in parsed if s.lower() not in _STATES]
            if unknown:
                raise ValueError(f"Invalid state list '{raw}'. Valid states are: Unknown, "
                                 "PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, "
                                 "Assigning, Reconciling")
            states = parsed
        listings = self.listed_groups(states)
        width = max([15, *(_jlen(g.group_id) for g in listings)]) + 10
        header = [_fmt("GROUP", width)]
        if include_type:
            header.append(_fmt("TYPE", 20))
        if include_state:
            header.append(_fmt("STATE", 20))
        self.io.out(" ".join(header))
        for g in listings:
            row = [_fmt(g.group_id, width)]
            if include_type:
                row.append(_fmt(g.type.capitalize() if g.type else "Unknown", 20))
            if include_state:
                row.append(_fmt(g.state, 20))
            self.io.out(" ".join(row))

    # -------------------------------------------------------------------- describe
    def _described(self, group: str) -> object:
        description = self.groups.describe_group(group)  # FindCoordinator first, as Kafka
        if self.groups.peek_group(group) is None:
            raise JavaException(
                "java.util.concurrent.ExecutionException",
                f"org.apache.kafka.common.errors.GroupIdNotFoundException: Group {group} not "
                "found.",
                ["java.base/java.util.concurrent.CompletableFuture.reportGet("
                 "CompletableFuture.java:396)",
                 "java.base/java.util.concurrent.CompletableFuture.get("
                 "CompletableFuture.java:2073)",
                 "org.apache.kafka.common.internals.KafkaFutureImpl.get("
                 "KafkaFutureImpl.java:155)",
                 f"{_CMD}$ConsumerGroupService.describeConsumerGroups("
                 "ConsumerGroupCommand.java:815)"],
                cause=JavaException("org.apache.kafka.common.errors.GroupIdNotFoundException",
                                    f"Group {group} not found.", stackless=True))
        return description

    def _member_state_ok(self, group: str, state: str, rows: int | None) -> bool:
        """``shouldPrintMemberState``."""
        if rows is None:
            self._error(f"The consumer group '{group}' does not exist.")
            return False
        if state == "Dead":
            self._error(f"Consumer group '{group}' does not exist.")
        elif state == "Empty":
            self.io.err(f"\nConsumer group '{group}' has no active members.")
        elif state in _REBALANCING:
            self.io.err(f"\nWarning: Consumer group '{group}' is rebalancing.")
        return state != "Dead" and rows > 0

    def describe_groups(self) -> None:
        opts = self.opts
        ids = sorted(set(self.group_ids()))
        descriptions = {}
        for group in ids:
            descriptions[group] = self._described(group)
        verbose = opts.has(opts.verbose)
        if opts.has(opts.members) and not opts.has(opts.offsets):
            for group in ids:
                self._print_members(group, descriptions[group], verbose)
        elif opts.has(opts.state) and not opts.has(opts.offsets):
            for group in ids:
                self._print_state(group, descriptions[group], verbose)
        else:
            for group in ids:
                self._print_offsets(group, descriptions[group], verbose)

    def _offset_rows(self, group: str, description: object) -> list[list[str]]:
        rows_by_tp = {(r.topic, r.partition): r for r in self.groups.describe_offsets(group)}
        members = sorted((m for m in getattr(description, "members", ()) if m.assignment),
                         key=lambda m: -len(m.assignment))
        rows: list[list[str]] = []
        assigned: set[tuple[str, int]] = set()

        def dash(value: object) -> str:
            return "-" if value is None else str(value)

        epochs = {(tp.topic, tp.partition): om.leader_epoch
                   for tp, om in self.groups.committed(group).items()}

        def row(topic: str, partition: int, owner: tuple[str, str, str]) -> list[str]:
            r = rows_by_tp.get((topic, partition))
            committed = r.current_offset if r else None
            end = r.log_end_offset if r else self._log_end(topic, partition)
            lag = None if committed is None or end is None else end - committed
            epoch = epochs.get((topic, partition), -1)
            return [group, topic, str(partition), dash(committed), dash(end), dash(lag), *owner,
                    dash(epoch if epoch >= 0 else None)]

        for member in members:
            tps = sorted((tp.topic, tp.partition) for tp in member.assignment)
            assigned.update(tps)
            owner = (member.member_id, member.host, member.client_id)
            rows.extend(row(t, p, owner) for t, p in tps)
        committed = sorted(tp for tp, r in rows_by_tp.items()
                           if r.current_offset is not None and tp not in assigned)
        rows.extend(row(t, p, ("-", "-", "-")) for t, p in committed)
        return rows  # [group, topic, partition, offset, end, lag, id, host, client, epoch]

    def _log_end(self, topic: str, partition: int) -> int | None:
        if not self.cluster.has_topic(topic):
            return None
        parts = self.cluster.describe_topic(topic).partitions
        return parts[partition].high_watermark if partition < len(parts) else None

    def _print_offsets(self, group: str, description: object, verbose: bool) -> None:
        rows = self._offset_rows(group, description)
        state = getattr(description, "state", "Dead")
        if not self._member_state_ok(group, state, len(rows)):
            return
        g = max([15, *(_jlen(r[0]) for r in rows)])
        t = max([15, *(_jlen(r[1]) for r in rows)])
        c = max([15, *(_jlen(r[6]) for r in rows)])
        h = max([15, *(_jlen(r[7]) for r in rows)])

        def line(v: list[str]) -> str:
            if verbose:
                return (f"\n{_fmt(v[0], g)} {_fmt(v[1], t)} {_fmt(v[2], 10)} {_fmt(v[9], 15)} "
                        f"{_fmt(v[3], 15)} {_fmt(v[4], 15)} {_fmt(v[5], 15)} {_fmt(v[6], c)} "
                        f"{_fmt(v[7], h)} {v[8]}")
            return (f"\n{_fmt(v[0], g)} {_fmt(v[1], t)} {_fmt(v[2], 10)} {_fmt(v[3], 15)} "
                    f"{_fmt(v[4], 15)} {_fmt(v[5], 15)} {_fmt(v[6], c)} {_fmt(v[7], h)} {v[8]}")

        header = ["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                  "CONSUMER-ID", "HOST", "CLIENT-ID", "LEADER-EPOCH"]
        text = line(header)
        for r in rows:
            text += line(r)
        self.io.out(text, end="")
        self.io.out()

    def _print_members(self, group: str, description: object, verbose: bool) -> None:
        state = getattr(description, "state", "Dead")
        members = list(getattr(description, "members", ()))
        g, c, i, h, cl, cur, tgt = 15, 15, 17, 15, 15, 20, 20
        with_instance = False
        shown = self._member_state_ok(group, state, len(members))
        if shown:
            for m in members:
                g = max(g, _jlen(group))
                c = max(c, _jlen(m.member_id))
                i = max(i, _jlen(m.group_instance_id or ""))
                h = max(h, _jlen(m.host))
                cl = max(cl, _jlen(m.client_id))
                with_instance = with_instance or bool(m.group_instance_id)
                cur = max(cur, _jlen(_assignment_text(m.assignment)))

        def row(values: list[str]) -> str:
            if with_instance:
                return (f"{_fmt(values[0], g)} {_fmt(values[1], c)} {_fmt(values[2], i)} "
                        f"{_fmt(values[3], h)} {_fmt(values[4], cl)} {_fmt(values[5], 15)} ")
            return (f"{_fmt(values[0], g)} {_fmt(values[1], c)} {_fmt(values[3], h)} "
                    f"{_fmt(values[4], cl)} {_fmt(values[5], 15)} ")

        def extra(values: list[str]) -> str:
            return f"{_fmt(values[0], 15)} {_fmt(values[1], cur)} {_fmt(values[2], 15)} " \
                   f"{_fmt(values[3], tgt)}"

        text = "\n" + row(["GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID",
                           "#PARTITIONS"])
        if verbose:
            text += extra(["CURRENT-EPOCH", "CURRENT-ASSIGNMENT", "TARGET-EPOCH",
                           "TARGET-ASSIGNMENT"])
        self.io.out(text)
        for m in members:
            line = row([group, m.member_id, m.group_instance_id or "", m.host, m.client_id,
                        str(len(m.assignment))])
            if verbose:
                line += extra(["-", _assignment_text(m.assignment), "-", "-"])
            self.io.out(line)

    def _print_state(self, group: str, description: object, verbose: bool) -> None:
        state = getattr(description, "state", "Dead")
        if not self._member_state_ok(group, state, 1):
            return
        coordinator_id = getattr(description, "coordinator", -1)
        position = list(self.cluster.brokers).index(coordinator_id) \
            if coordinator_id in self.cluster.brokers else 0
        coordinator = f"localhost:{BASE_PORT + position}  ({coordinator_id})"
        cw = max(25, _jlen(coordinator))
        gw = max(15, _jlen(group))
        strategy = getattr(description, "protocol", "") or "-"
        members = len(getattr(description, "members", ()))
        if verbose:
            head = (f"\n{_fmt('GROUP', gw)} {_fmt('COORDINATOR (ID)', cw)} "
                    f"{_fmt('ASSIGNMENT-STRATEGY', 20)} {_fmt('STATE', 20)} "
                    f"{_fmt('GROUP-EPOCH', 15)} {_fmt('TARGET-ASSIGNMENT-EPOCH', 25)} #MEMBERS")
            body = (f"\n{_fmt(group, gw)} {_fmt(coordinator, cw)} {_fmt(strategy, 20)} "
                    f"{_fmt(state, 20)} {_fmt('-', 15)} {_fmt('-', 25)} {members}")
        else:
            head = (f"\n{_fmt('GROUP', gw)} {_fmt('COORDINATOR (ID)', cw)} "
                    f"{_fmt('ASSIGNMENT-STRATEGY', 20)} {_fmt('STATE', 20)} #MEMBERS")
            body = (f"\n{_fmt(group, gw)} {_fmt(coordinator, cw)} {_fmt(strategy, 20)} "
                    f"{_fmt(state, 20)} {members}")
        self.io.out(head + body, end="")
        self.io.out()

    # ---------------------------------------------------------------------- delete
    def delete_groups(self) -> None:
        failed: dict[str, str] = {}
        ids = self.group_ids()
        for group in ids:
            state = self.groups.group_state(group)
            if self.groups.peek_group(group) is None:
                failed[group] = ("org.apache.kafka.common.errors.GroupIdNotFoundException: The "
                                 "group id does not exist.")
            elif state != "Empty":
                failed[group] = ("org.apache.kafka.common.errors.GroupNotEmptyException: The "
                                 "group is not empty.")
        for group in ids:
            if group not in failed:
                self.groups.delete_group(group)
        # both outcomes are HashMaps in Kafka: printed in their iteration order
        succeeded = hashmap_order([g for g in dict.fromkeys(ids) if g not in failed])
        failed = {g: failed[g] for g in hashmap_order(list(failed))}
        if not failed:
            listed = ", ".join(f"'{g}'" for g in succeeded)
            self.io.out(f"Deletion of requested consumer groups ({listed}) was successful.")
            return
        self._error("Deletion of some consumer groups failed:")
        for group, reason in failed.items():
            self.io.out(f"* Group '{group}' could not be deleted due to: {reason}")
        if succeeded:
            listed = ", ".join(f"'{g}'" for g in succeeded)
            self.io.out(f"\nThese consumer groups were deleted successfully: {listed}")

    # ----------------------------------------------------------------------- reset
    # --------------------------------------------------------------- delete-offsets
    def delete_offsets(self) -> None:
        """``deleteOffsets``: the partitions of ``--topic t`` (all of them, found with
        DescribeTopics) or ``--topic t:0,1``, one OffsetDelete, then the result table."""
        group = str(self.opts.options.value_of(self.opts.group))
        topics = [str(t) for t in self.opts.options.values_of(self.opts.topic)]
        results: dict[TopicPartition, str | None] = {}
        partitions: set[TopicPartition] = set()
        for topic in topics:
            if ":" in topic:
                partitions.update(_topic_partitions(topic))
            elif self.cluster.has_topic(topic):
                partitions.update(TopicPartition(topic, p)
                                  for p in range(self.cluster.num_partitions(topic)))
            else:
                results[TopicPartition(topic, -1)] = _exception_text(
                    UnknownTopicOrPartitionError())
        top_level: KafkaError | None = None
        try:
            answers = self.groups.delete_offsets(group, sorted(partitions))
        except KafkaError as error:
            top_level = error
            answers = dict.fromkeys(partitions, error)
        for tp, answer in answers.items():
            results[tp] = None if answer is None else _exception_text(answer)
        if top_level is None:
            top_level = next((a for _, a in sorted(answers.items()) if a is not None), None)
        if top_level is None:
            self.io.out(f"Request succeeded for deleting offsets from group {group}.")
        elif isinstance(top_level, (UnknownTopicOrPartitionError,
                                    GroupSubscribedToTopicError)):
            self._error("Encountered some partition-level error, see the follow-up details.")
        else:
            self._error(top_level.message)
        width = max([15, *(len(tp.topic) for tp in results)])

        def line(values: list[object]) -> str:
            return f"\n{_fmt(values[0], width)} {_fmt(values[1], 10)} {_fmt(values[2], 15)}"

        text = line(["TOPIC", "PARTITION", "STATUS"])
        for tp in sorted(results, key=lambda tp: tp.topic + str(tp.partition)):
            error = results[tp]
            text += line([tp.topic, tp.partition if tp.partition >= 0 else "-",
                          "Successful" if error is None else f"Error: {error}"])
        self.io.out(text)

    def reset_offsets(self) -> dict[str, dict[TopicPartition, int]]:
        result: dict[str, dict[TopicPartition, int]] = {}
        for group in self.group_ids():
            self.groups.describe_group(group)
            state = self.groups.group_state(group)
            if state in ("Empty", "Dead"):
                result[group] = self._reset_inactive(group)
            else:
                self._error(f"Assignments can only be reset if the group '{group}' is inactive, "
                            f"but the current state is {state}.")
                result[group] = {}
        return result

    def _committed(self, group: str) -> dict[TopicPartition, int]:
        return {tp: om.offset for tp, om in self.groups.committed(group).items()}

    def _partitions_to_reset(self, group: str) -> list[TopicPartition]:
        opts = self.opts
        if opts.has(opts.all_topics):
            return list(self._committed(group))
        if opts.has(opts.topic):
            with_parts: list[TopicPartition] = []
            whole: list[str] = []
            for arg in (str(v) for v in opts.options.values_of(opts.topic)):
                if ":" in arg:
                    with_parts.extend(_topic_partitions(arg))
                else:
                    whole.append(arg)
            for topic in whole:
                if not self.cluster.has_topic(topic):
                    raise JavaException(
                        "java.util.concurrent.ExecutionException",
                        "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This "
                        "server does not host this topic-partition.")
                for p in range(self.cluster.num_partitions(topic)):
                    with_parts.append(TopicPartition(topic, p))
            return with_parts
        if not opts.has(opts.from_file):
            print_usage_and_exit(self.io, opts.parser, "One of the reset scopes should be "
                                 "defined: --all-topics, --topic.")
        return []

    def _bounds(self, tp: TopicPartition) -> tuple[int, int]:
        part = self.cluster.describe_topic(tp.topic).partitions[tp.partition]
        return part.log_start_offset, part.high_watermark

    def _check_range(self, requested: dict[TopicPartition, int]) -> dict[TopicPartition, int]:
        """``checkOffsetsRange``: clamp to [log start, log end] with Kafka's warnings."""
        out: dict[TopicPartition, int] = {}
        for tp, offset in requested.items():
            start, end = self._bounds(tp)
            name = f"{tp.topic}-{tp.partition}"
            if offset > end:
                self.io.log("WARN", f"New offset ({offset}) is higher than latest offset for "
                            f"topic partition {name}. Value will be set to {end}.", RESETTER)
                out[tp] = end
            elif offset < start:
                self.io.log("WARN", f"New offset ({offset}) is lower than earliest offset for "
                            f"topic partition {name}. Value will be set to {start}.", RESETTER)
                out[tp] = start
            else:
                out[tp] = offset
        return out

    def _offset_for_time(self, tp: TopicPartition, timestamp: int) -> int:
        for record in self.cluster.fetch(tp.topic, tp.partition, 0, max_records=10**9):
            if record.timestamp >= timestamp:
                return record.offset
        self.io.out(f"\nWarn: Partition {tp.partition} from topic {tp.topic} is empty. Falling "
                    "back to latest known offset.")
        return self._bounds(tp)[1]

    def _reset_inactive(self, group: str) -> dict[TopicPartition, int]:
        opts = self.opts
        options = opts.options
        partitions = self._partitions_to_reset(group)
        missing = [tp for tp in partitions if not self.cluster.has_topic(tp.topic)
                   or tp.partition >= self.cluster.num_partitions(tp.topic)
                   or tp.partition < 0]
        if missing:
            text = ",".join(f"{tp.topic}-{tp.partition}" for tp in missing)
            raise JavaException("org.apache.kafka.common.errors.UnknownTopicOrPartitionException",
                                f'The partitions "{text}" do not exist')
        if opts.has(opts.to_offset):
            target = int(str(options.value_of(opts.to_offset)))
            prepared = self._check_range(dict.fromkeys(partitions, target))
        elif opts.has(opts.to_earliest):
            prepared = {tp: self._bounds(tp)[0] for tp in partitions}
        elif opts.has(opts.to_latest):
            prepared = {tp: self._bounds(tp)[1] for tp in partitions}
        elif opts.has(opts.shift_by):
            shift = int(str(options.value_of(opts.shift_by)))
            current = self._committed(group)
            for tp in partitions:
                if tp not in current:
                    raise ValueError(f"Cannot shift offset for partition {tp.topic}-"
                                     f"{tp.partition} since there is no current committed offset")
            prepared = self._check_range({tp: current[tp] + shift for tp in partitions})
        elif opts.has(opts.to_datetime):
            stamp = parse_datetime(str(options.values_of(opts.to_datetime)[0]))
            prepared = {tp: self._offset_for_time(tp, stamp) for tp in partitions}
        elif opts.has(opts.by_duration):
            stamp = self.cluster.now_ms - parse_duration(str(options.value_of(opts.by_duration)))
            prepared = {tp: self._offset_for_time(tp, stamp) for tp in partitions}
        elif opts.has(opts.from_file):
            plan = parse_reset_plan(self.io.input_lines, self.group_ids())
            if group not in plan:
                self._error(f"No reset plan for group {group} found")
                return {}
            prepared = self._check_range(plan[group])
        elif opts.has(opts.to_current):
            current = self._committed(group)
            prepared = {tp: current[tp] if tp in current else self._bounds(tp)[1]
                        for tp in partitions}
        else:
            print_usage_and_exit(
                self.io, opts.parser, "Option '[reset-offsets]' requires one of the following "
                "scenarios: [[by-duration], [to-latest], [to-current], [to-earliest], "
                "[to-offset], [shift-by], [from-file], [to-datetime]]")
            return {}
        if opts.has(opts.execute) and not opts.has(opts.dry_run):
            self.groups.alter_offsets(group, dict(prepared))
        return prepared


def _assignment_text(assignment: tuple[TopicPartition, ...]) -> str:
    """``getAssignmentString``: ``topic:0,1;other:2`` (``-`` when empty)."""
    if not assignment:
        return "-"
    by_topic: dict[str, list[int]] = {}
    for tp in assignment:
        by_topic.setdefault(tp.topic, []).append(tp.partition)
    return ";".join(sorted(f"{t}:{','.join(str(p) for p in sorted(ps))}"
                           for t, ps in by_topic.items()))


_JAVA_ERRORS = "org.apache.kafka.common.errors."


def _exception_text(error: KafkaError) -> str:
    """``ExecutionException.getMessage()``: the cause's class and message."""
    name = type(error).__name__.removesuffix("Error") + "Exception"
    return f"{_JAVA_ERRORS}{name}: {error.message}"


def _topic_partitions(arg: str) -> list[TopicPartition]:
    """``parseTopicsWithPartitions``: ``topic:0,1,2``."""
    parts = [p for p in arg.split(":")]
    while parts and parts[-1] == "":
        parts.pop()
    if len(parts) != 2:
        raise ValueError(f"Invalid topic arg '{arg}', expected topic name and partitions")
    topic, partitions = parts
    out = []
    for item in partitions.split(","):
        try:
            out.append(TopicPartition(topic, int(item)))
        except ValueError:
            raise ValueError(f"Invalid partition '{item}' specified in topic arg "
                             f"'{arg}''") from None
    return out


_DATETIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})(Z|[+-]\d\d:?\d\d)?")


def parse_datetime(text: str) -> int:
    """``Utils.getDateTime``: ``YYYY-MM-DDTHH:mm:SS.sss`` with an optional zone; UTC if none."""
    match = _DATETIME.fullmatch(text.strip())
    if match is None:
        raise JavaException(
            "java.lang.RuntimeException",
            f"java.text.ParseException: Unparseable date: \"{text}\"")
    zone = match.group(2) or "Z"
    if zone != "Z" and ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    stamp = _dt.datetime.fromisoformat(match.group(1) + ("+00:00" if zone == "Z" else zone))
    return int(stamp.timestamp() * 1000)


_DURATION = re.compile(r"([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?"
                       r"(?:([-+]?\d+)(?:\.(\d{1,9}))?S)?)?", re.IGNORECASE)


def parse_duration(text: str) -> int:
    """``java.time.Duration.parse`` in milliseconds (``PnDTnHnMn.nS``)."""
    match = _DURATION.fullmatch(text.strip())
    if match is None or text.strip().upper().endswith("T") or not any(match.groups()[1:]):
        raise JavaException("java.time.format.DateTimeParseException",
                            "Text cannot be parsed to a Duration")
    sign, days, hours, minutes, seconds, fraction = match.groups()
    total = (int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60
             + int(seconds or 0)) * 1000 + int((fraction or "0").ljust(3, "0")[:3])
    return -total if sign == "-" else total


def parse_reset_plan(lines: list[str], groups: list[str]) -> dict[str, dict[TopicPartition, int]]:
    """A ``--from-file`` CSV: ``topic,partition,offset`` (one group) or with the group first."""
    plan: dict[str, dict[TopicPartition, int]] = {}
    rows = [line.strip().split(",") for line in lines if line.strip()]
    single = len(groups) == 1 and all(len(r) == 3 for r in rows)
    for r in rows:
        if single:
            group, topic, partition, offset = groups[0], r[0], r[1], r[2]
        elif len(r) == 4:
            group, topic, partition, offset = r
        else:
            raise ValueError(f"Invalid reset plan line: '{','.join(r)}'")
        plan.setdefault(group, {})[TopicPartition(topic, int(partition))] = int(offset)
    return plan


def _plan_rows(plan: dict[str, dict[TopicPartition, int]]) -> list[tuple[str, TopicPartition,
                                                                          int]]:
    """The plan's (group, partition, offset) rows in Kafka's ``HashMap`` order."""
    rows = []
    for group in hashmap_order(list(plan)):
        assignment = plan[group]
        order = hashmap_order(list(assignment),
                              hash_code=lambda tp: topic_partition_hash(tp.topic, tp.partition))
        rows.extend((group, tp, assignment[tp]) for tp in order)
    return rows


def print_offsets_to_reset(io: ToolIO, plan: dict[str, dict[TopicPartition, int]]) -> None:
    """``OffsetsUtils.printOffsetsToReset``, rows in Kafka's ``HashMap`` order."""
    g = max([15, *(_jlen(k) for k in plan)])
    t = max([15, *(len(tp.topic) for a in plan.values() for tp in a)])

    def line(values: list[object]) -> str:
        return f"\n{_fmt(values[0], g)} {_fmt(values[1], t)} {_fmt(values[2], 10)} {values[3]}"

    text = line(["GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"]) if plan else ""
    for group, tp, offset in _plan_rows(plan):
        text += line([group, tp.topic, tp.partition, offset])
    io.out(text)


def _csv_field(value: object) -> str:
    """A CSV field as Jackson's ``CsvMapper`` writes it: quoted only when it must be."""
    text = str(value)
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def export_offsets_to_csv(plan: dict[str, dict[TopicPartition, int]], single_group: bool
                          ) -> str:
    """``exportOffsetsToCsv``: ``topic,partition,offset`` lines (``group,...`` first when
    several groups were asked for), in the table's order; the tool prints the text with
    ``println``, so a blank line follows."""
    return "".join(
        ",".join(_csv_field(v) for v in ((tp.topic, tp.partition, offset) if single_group
                                         else (group, tp.topic, tp.partition, offset))) + "\n"
        for group, tp, offset in _plan_rows(plan))


def _config_problem(boot: Bootstrap) -> str:
    if boot.problem == "empty":
        return "You must set either bootstrap.servers or bootstrap.controllers"
    if boot.problem == "invalid":
        return f"Invalid url in bootstrap.servers: {boot.detail}"
    return "No resolvable bootstrap urls given in bootstrap.servers"


def main(cluster: Cluster, args: list[str], io: ToolIO) -> int:
    """Run ``kafka-consumer-groups`` with ``args``."""
    try:
        opts = ConsumerGroupCommandOptions(args, io)
        actions = [opts.list, opts.describe, opts.delete, opts.reset_offsets,
                   opts.delete_offsets, opts.validate_regex]
        if sum(opts.has(a) for a in actions) != 1:
            print_usage_and_exit(io, opts.parser, "Command must include exactly one action: "
                                 "--list, --describe, --delete, --reset-offsets, "
                                 "--delete-offsets, --validate-regex")
    except ToolExit as done:
        return done.code
    boot = resolve(cluster, str(opts.options.value_of(opts.bootstrap_server)))
    try:
        service = ConsumerGroupService(cluster, opts, io)
        if boot.problem == "unreachable":
            call = ("listGroups" if opts.has(opts.list) else
                    "deleteConsumerGroups" if opts.has(opts.delete) else
                    "describeConsumerGroups")
            raise JavaException(
                "java.util.concurrent.ExecutionException",
                "org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node "
                f"assignment. Call: {call}",
                cause=JavaException("org.apache.kafka.common.errors.TimeoutException",
                                    f"Timed out waiting for a node assignment. Call: {call}",
                                    stackless=True))
        if boot.problem is not None:
            raise JavaException("org.apache.kafka.common.KafkaException",
                                "Failed to create new KafkaAdminClient",
                                cause=JavaException("org.apache.kafka.common.config."
                                                    "ConfigException", _config_problem(boot),
                                                    stackless=True))
        if opts.has(opts.list):
            service.list_groups()
        elif opts.has(opts.describe):
            service.describe_groups()
        elif opts.has(opts.delete):
            service.delete_groups()
        elif opts.has(opts.reset_offsets):
            plan = service.reset_offsets()
            if opts.has(opts.export):
                io.out(export_offsets_to_csv(plan, len(service.group_ids()) == 1))
            else:
                print_offsets_to_reset(io, plan)
        elif opts.has(opts.delete_offsets):
            service.delete_offsets()
        else:
            io.err("[course] --validate-regex is not modelled")
            return 1
    except ToolExit as done:
        return done.code
    except ValueError as error:  # IllegalArgumentException -> usage
        try:
            print_usage_and_exit(io, opts.parser, str(error))
        except ToolExit as done:
            return done.code
    except JavaException as error:
        io.out(f"\nError: Executing consumer group command failed due to {error.message}")
        if error.java_class == "java.util.concurrent.ExecutionException" and error.frames \
                and opts.has(opts.describe):
            if opts.has(opts.members) and not opts.has(opts.offsets):
                collect, line, at = "collectGroupsMembers", 883, 552
            elif opts.has(opts.state) and not opts.has(opts.offsets):
                collect, line, at = "collectGroupsState", 912, 555
            else:
                collect, line, at = "collectGroupsOffsets", 831, 548
            error.through(f"{_CMD}$ConsumerGroupService.{collect}(ConsumerGroupCommand.java:"
                          f"{line})",
                          f"{_CMD}$ConsumerGroupService.describeGroups("
                          f"ConsumerGroupCommand.java:{at})",
                          f"{_CMD}.run(ConsumerGroupCommand.java:125)",
                          f"{_CMD}.main(ConsumerGroupCommand.java:109)")
        if error.frames or error.cause is not None:
            io.err(stack_trace(error), end="")
        return 0
    return 0
