"""kafka-console-producer on the engine: records, keys, the tool's defaults and errors."""

from __future__ import annotations

from engine.cli import run
from engine.cli.console_producer import ConsoleProducerOptions, LineReader
from engine.cli.tool import ToolIO
from engine.core import Cluster, partition_for_key

P = "kafka-console-producer --bootstrap-server localhost:9092"


def test_plain_lines_are_records_and_nothing_is_printed() -> None:
    cluster = Cluster()
    cluster.create_topic("t")
    result = run(cluster, f"{P} --topic t", input=["hello", "world"])
    assert (result.stdout, result.stderr, result.exit_code) == ("", "", 0)
    assert [r.value for r in cluster.fetch("t", 0)] == [b"hello", b"world"]


def test_input_as_one_string() -> None:
    cluster = Cluster()
    cluster.create_topic("t")
    run(cluster, f"{P} --topic t", input="a\nb\n")
    assert [r.value for r in cluster.fetch("t", 0)] == [b"a", b"b"]


def test_keys_go_to_their_partition_and_deprecation_warning() -> None:
    cluster = Cluster()
    cluster.create_topic("t", partitions=3)
    result = run(cluster, f"{P} --topic t --property parse.key=true --property key.separator=:",
                 input=["alice:1", "bob:2", "alice:3"])
    assert result.stdout == ("Warning: --property is deprecated and will be removed in a "
                             "future version. Use --reader-property instead.\n")
    p = partition_for_key(b"alice", 3)
    alice = [r.value for r in cluster.fetch("t", p) if r.key == b"alice"]
    assert alice == [b"1", b"3"]


def test_missing_separator_stops_after_earlier_lines() -> None:
    cluster = Cluster()
    cluster.create_topic("t")
    result = run(cluster, f"{P} --topic t --reader-property parse.key=true",
                 input=["k\tv", "oops"])
    assert result.exit_code == 1
    assert result.stderr.startswith("org.apache.kafka.common.KafkaException: No key separator "
                                    "found on line number 2: 'oops'\n\tat ")
    assert [r.value for r in cluster.fetch("t", 0)] == [b"v"]


def test_auto_create_warns_once() -> None:
    cluster = Cluster()
    result = run(cluster, f"{P} --topic fresh", input=["x"])
    assert result.stderr == (
        "[1970-01-01 00:00:00,000] WARN [Producer clientId=console-producer] The metadata "
        "response from the cluster reported a recoverable issue with correlation id 1 : "
        "{fresh=UNKNOWN_TOPIC_OR_PARTITION} (org.apache.kafka.clients.NetworkClient)\n")
    assert cluster.has_topic("fresh")


def test_tool_defaults_and_overrides() -> None:
    io = ToolIO()
    opts = ConsoleProducerOptions(["--bootstrap-server", "localhost:9092", "--topic", "t"], io)
    props = opts.producer_props()
    assert (props["acks"], props["linger.ms"], props["client.id"], props["batch.size"]) == (
        "-1", "1000", "console-producer", "16384")
    opts = ConsoleProducerOptions(["--bootstrap-server", "localhost:9092", "--topic", "t",
                                   "--producer-property", "acks=1",
                                   "--producer-property", "client.id=me", "--timeout", "5"], io)
    props = opts.producer_props()
    assert (props["acks"], props["client.id"], props["linger.ms"]) == ("1", "me", "5")


def test_errors_and_usage() -> None:
    cluster = Cluster()
    digest = cluster.journal.digest()
    legacy = run(cluster, "kafka-console-producer --broker-list localhost:9092 --topic t",
                 input=["x"])
    assert legacy.exit_code == 1
    assert legacy.stderr.startswith("broker-list is not a recognized option\nOption ")
    assert legacy.stderr.splitlines()[-1].startswith("[course hint] --broker-list is gone")
    missing = run(cluster, f"{P}")
    assert missing.stderr.startswith('Missing required argument "[topic]"\n')
    no_bootstrap = run(cluster, "kafka-console-producer --topic t")
    assert no_bootstrap.stderr.startswith("Error while validating the bootstrap address\n\n")
    assert cluster.journal.digest() == digest


def test_line_reader_headers_and_null_marker() -> None:
    reader = LineReader({"topic": "t", "parse.key": "true", "parse.headers": "true",
                         "null.marker": "NULL"})
    assert reader.record("h1:v1,h2:NULL\tk\tNULL", 1) == ("k", None, [("h1", "v1"),
                                                                      ("h2", None)])


def test_acks_all_default_rejects_below_min_isr() -> None:
    cluster = Cluster(brokers=3, configs={"min.insync.replicas": "2"})
    cluster.create_topic("t", replication_factor=2)
    follower = cluster.describe_topic("t").partitions[0].replicas[1]
    cluster.kill_broker(follower)
    cluster.advance(40_000)
    servers = "localhost:9092,localhost:9093,localhost:9094"
    rejected = run(cluster, f"kafka-console-producer --bootstrap-server {servers} --topic t",
                   input=["x"])
    assert rejected.stderr.endswith(
        "with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\n"
        "org.apache.kafka.common.errors.NotEnoughReplicasException: Messages are rejected "
        "since there are fewer in-sync replicas than required.\n")
    assert cluster.describe_topic("t").partitions[0].log_end_offset == 0
    accepted = run(cluster, f"kafka-console-producer --bootstrap-server {servers} --topic t "
                            "--command-property acks=1", input=["y"])
    assert accepted.stderr == ""
    assert cluster.describe_topic("t").partitions[0].log_end_offset == 1


def test_bad_acks_fails_like_the_producer_constructor() -> None:
    result = run(Cluster(), f"{P} --topic t --command-property acks=2", input=["x"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "org.apache.kafka.common.config.ConfigException: Invalid value 2 for configuration acks: "
        "String must be one of: all, -1, 0, 1\n\tat org.apache.kafka.common.config.ConfigDef$")
