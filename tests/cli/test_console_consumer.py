"""kafka-console-consumer on the engine: formats, groups, offsets, how it ends."""

from __future__ import annotations

import pytest

from engine.cli import run
from engine.cli.console_consumer import KIP_848_NOTE, MessageFormatter
from engine.core import Cluster, ConsumerRecord

C = "kafka-console-consumer --bootstrap-server localhost:9092"


@pytest.fixture
def cluster() -> Cluster:
    cluster = Cluster(configs={"group.initial.rebalance.delay.ms": "0"})
    cluster.create_topic("t")
    for n in range(3):
        cluster.produce("t", f"v{n}", key=f"k{n}")
    return cluster


def test_from_beginning_with_max_messages(cluster: Cluster) -> None:
    result = run(cluster, f"{C} --topic t --from-beginning --max-messages 2")
    assert result.stdout == "v0\nv1\n"
    assert result.stderr == f"{KIP_848_NOTE}\nProcessed a total of 2 messages\n"
    assert result.exit_code == 0


def test_print_properties_and_timeout(cluster: Cluster) -> None:
    result = run(cluster, f"{C} --topic t --from-beginning --timeout-ms 1000 "
                          "--formatter-property print.key=true "
                          "--formatter-property print.offset=true "
                          "--formatter-property print.partition=true")
    assert result.stdout == ("Partition:0\tOffset:0\tk0\tv0\nPartition:0\tOffset:1\tk1\tv1\n"
                             "Partition:0\tOffset:2\tk2\tv2\n")
    assert result.stderr.endswith(
        "ERROR Error processing message, terminating consumer process:  "
        "(org.apache.kafka.tools.consumer.ConsoleConsumer)\n"
        "org.apache.kafka.common.errors.TimeoutException\nProcessed a total of 3 messages\n")


def test_group_offsets_win_over_from_beginning(cluster: Cluster) -> None:
    first = run(cluster, f"{C} --topic t --from-beginning --group g --max-messages 3")
    assert first.stdout == "v0\nv1\nv2\n"
    again = run(cluster, f"{C} --topic t --from-beginning --group g --timeout-ms 500")
    assert again.stdout == ""
    assert "Processed a total of 0 messages" in again.stderr
    assert cluster.groups.committed("g")


def test_without_group_a_console_consumer_group_and_no_commit(cluster: Cluster) -> None:
    run(cluster, f"{C} --topic t --from-beginning --max-messages 1")
    groups = [g.group_id for g in cluster.groups.list_groups()]
    assert len(groups) == 1 and groups[0].startswith("console-consumer-")
    number = int(groups[0].rsplit("-", 1)[1])
    assert 0 <= number < 100000
    assert cluster.groups.committed(groups[0]) == {}


def test_partition_and_offset(cluster: Cluster) -> None:
    result = run(cluster, f"{C} --topic t --partition 0 --offset 1 --max-messages 5 "
                          "--property print.key=true --property key.separator=:")
    assert result.stdout.splitlines() == [
        "Option --property is deprecated and will be removed in a future version. Use "
        "--formatter-property instead.", "k1:v1", "k2:v2"]
    assert KIP_848_NOTE not in result.stderr


def test_an_offset_is_read_as_java_reads_a_long(cluster: Cluster) -> None:
    # Long.parseLong takes a leading '+' and the largest long
    result = run(cluster, f"{C} --topic t --partition 0 --offset +2 --max-messages 5")
    assert result.exit_code == 0 and result.stdout == "v2\n"
    result = run(cluster, f"{C} --topic t --partition 0 --offset 9223372036854775807 "
                          "--max-messages 1 --timeout-ms 100")
    assert "non-negative long" not in result.stderr


def test_without_limits_it_stops_when_idle(cluster: Cluster) -> None:
    start = cluster.now_ms
    result = run(cluster, f"{C} --topic t --from-beginning")
    assert result.stdout == "v0\nv1\nv2\n"
    assert cluster.now_ms > start  # polling moved the simulated clock


@pytest.mark.parametrize(("args", "message"), [
    ("--topic t --group x --partition 0", "Options group and partition cannot be specified "
                                          "together."),
    ("--topic t --offset 1", "The partition is required when offset is specified."),
    ("--topic t --partition 0 --offset foo", "The provided offset value 'foo' is incorrect. "
     "Valid values are 'earliest', 'latest', or a non-negative long."),
    *((f"--topic t --partition 0 --offset {raw}", f"The provided offset value '{raw}' is "
       "incorrect. Valid values are 'earliest', 'latest', or a non-negative long.")
      for raw in ("-1", "+", "9223372036854775808", "1_0")),
    ("", "Exactly one of the following arguments is required: [topic], [include]"),
])
def test_usage_errors(cluster: Cluster, args: str, message: str) -> None:
    digest = cluster.journal.digest()
    result = run(cluster, f"{C} {args}")
    assert result.exit_code == 1
    assert result.stderr.startswith(message + "\nOption ")
    assert cluster.journal.digest() == digest


def test_formatter_headers_and_nulls() -> None:
    record = ConsumerRecord("t", 0, 5, 7, 0, None, b"v", None, -1, 1, (("h", b"x"),))
    formatter = MessageFormatter({"print.headers": "true", "print.key": "true",
                                  "print.timestamp": "true"})
    assert formatter.format(record) == "CreateTime:7\th:x\tnull\tv\n"


def test_include_pattern(cluster: Cluster) -> None:
    cluster.create_topic("other")
    cluster.produce("other", "o0")
    result = run(cluster, f"{C} --include 't|other' --from-beginning --max-messages 4 "
                          "--group pattern")
    assert sorted(result.stdout.splitlines()) == ["o0", "v0", "v1", "v2"]
