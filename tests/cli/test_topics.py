"""kafka-topics on the engine: outputs as Kafka 4.4.0 prints them, state untouched on errors.

The byte-for-byte comparison with the real tool is tests/real/test_cli_vs_kafka.py; these
tests pin the same texts without a broker.
"""

from __future__ import annotations

import pytest

from engine.cli import run
from engine.core import Cluster

K = "kafka-topics --bootstrap-server localhost:9092"


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(brokers=3, seed=7)


def test_create_list_describe(cluster: Cluster) -> None:
    created = run(cluster, f"{K} --create --topic orders --partitions 3 --replication-factor 2")
    assert (created.stdout, created.stderr, created.exit_code) == ("Created topic orders.\n",
                                                                   "", 0)
    run(cluster, f"{K} --create --topic audit --config retention.ms=1000")
    assert run(cluster, f"{K} --list").stdout == "audit\norders\n"
    lines = run(cluster, f"{K} --describe --topic orders").stdout.splitlines()
    topic_id = cluster.describe_topic("orders").topic_id
    assert lines[0] == (f"Topic: orders\tTopicId: {topic_id}\tPartitionCount: 3\t"
                        "ReplicationFactor: 2\tConfigs: ")
    p0 = cluster.describe_topic("orders").partitions[0]
    replicas = ",".join(map(str, p0.replicas))
    assert lines[1] == (f"\tTopic: orders\tPartition: 0\tLeader: {p0.leader}\tReplicas: "
                        f"{replicas}\tIsr: {replicas}\tElr: \tLastKnownElr: ")
    audit = run(cluster, f"{K} --describe --topic audit").stdout
    assert "\tConfigs: retention.ms=1000\n" in audit


def test_static_broker_configs_show_in_configs() -> None:
    cluster = Cluster(configs={"min.insync.replicas": "1", "log.segment.bytes": "1073741824"})
    run(cluster, f"{K} --create --topic t")
    first = run(cluster, f"{K} --describe --topic t").stdout.splitlines()[0]
    assert first.endswith("\tConfigs: min.insync.replicas=1,segment.bytes=1073741824")


def test_internal_topics_listed_unless_excluded(cluster: Cluster) -> None:
    run(cluster, f"{K} --create --topic orders")
    consumer = cluster.consumer("orders", group_id="g")
    consumer.poll()
    assert "__consumer_offsets" in cluster.list_topics()
    assert run(cluster, f"{K} --list").stdout == "__consumer_offsets\norders\n"
    assert run(cluster, f"{K} --list --exclude-internal").stdout == "orders\n"


def test_collision_warning_and_if_not_exists(cluster: Cluster) -> None:
    out = run(cluster, f"{K} --create --topic a.b_c").stdout
    assert out.startswith("WARNING: Due to limitations in metric names, topics with a period")
    assert out.endswith("Created topic a.b_c.\n")
    again = run(cluster, f"{K} --create --topic a.b_c --if-not-exists")
    assert again.exit_code == 0 and "Created" not in again.stdout


def test_alter_and_delete(cluster: Cluster) -> None:
    run(cluster, f"{K} --create --topic t --partitions 2")
    assert run(cluster, f"{K} --alter --topic t --partitions 4").stdout == ""
    assert cluster.num_partitions("t") == 4
    assert run(cluster, f"{K} --delete --topic t").exit_code == 0
    assert not cluster.has_topic("t")


ERRORS = [
    (f"{K} --create --topic t", 1,
     "Error while executing topic command : Topic 't' already exists.\n", "stdout"),
    (f"{K} --alter --topic t --partitions 1", 1,
     "Error while executing topic command : The topic t currently has 2 partition(s); 1 "
     "would not be an increase.\n", "stdout"),
    (f"{K} --create --topic x --replication-factor 4", 1,
     "Error while executing topic command : Unable to replicate the partition 4 time(s): The "
     "target replication factor of 4 cannot be reached because only 3 broker(s) are "
     "registered or some brokers have all their log directories cordoned.\n", "stdout"),
    (f"{K} --create --topic x --partitions 0", 1,
     "Error while executing topic command : The partitions must be greater than 0\n", "stdout"),
    (f"{K} --create --topic x --partitions abc", 1,
     "Error while executing topic command : Cannot parse argument 'abc' of option "
     "partitions\n", "stdout"),
    (f"{K} --create --topic x --config foo=bar", 1,
     "Error while executing topic command : Unknown topic config name: foo\n", "stdout"),
    (f"{K} --describe --topic nope", 1,
     "Error while executing topic command : Topic 'nope' does not exist as expected\n",
     "stdout"),
    (f"{K} --lis", 1, "lis is not a recognized option\n", "stderr-first"),
    ("kafka-topics --list", 1, "--bootstrap-server must be specified\n", "stderr-first"),
    (f"{K} --create", 1, 'Missing required argument "[topic]"\n', "stderr-first"),
    (f"{K} --describe --partitions 3", 1,
     'Option "[partitions]" can\'t be used with option "[describe]"\n', "stderr-first"),
    (f"{K} --list --describe", 1, "Command must include exactly one action: --list, "
     "--describe, --create, --alter or --delete\n", "stderr-first"),
    (f"{K} --alter --topic t", 1, 'Missing required argument "[partitions]"\n',
     "stderr-first"),
]


@pytest.mark.parametrize(("command", "code", "text", "where"), ERRORS,
                         ids=[e[0].replace(K, "K") for e in ERRORS])
def test_errors_leave_the_cluster_unchanged(cluster: Cluster, command: str, code: int,
                                            text: str, where: str) -> None:
    run(cluster, f"{K} --create --topic t --partitions 2")
    digest = cluster.journal.digest()
    result = run(cluster, command)
    assert result.exit_code == code
    if where == "stdout":
        assert result.stdout.endswith(text)
        assert result.stderr.startswith("[1970-01-01 00:00:00,000] ERROR ")
        assert result.stderr.endswith(" (org.apache.kafka.tools.TopicCommand)\n")
    else:
        assert result.stdout == ""
        assert result.stderr.startswith(text)
    assert cluster.journal.digest() == digest


def test_parse_error_prints_stack_trace(cluster: Cluster) -> None:
    result = run(cluster, "kafka-topics --zookeeper localhost:2181 --list")
    assert result.stderr.splitlines()[:3] == [
        "zookeeper is not a recognized option",
        "joptsimple.UnrecognizedOptionException: zookeeper is not a recognized option",
        "\tat joptsimple.OptionException.unrecognizedOption(OptionException.java:108)",
    ]
    assert result.stderr.splitlines()[-1].startswith("[course hint] --zookeeper is gone")


def test_usage_and_version(cluster: Cluster) -> None:
    usage = run(cluster, "kafka-topics")
    assert usage.exit_code == 1
    assert usage.stderr.startswith("Create, delete, describe, or change a topic.\nOption ")
    assert "--zookeeper" not in usage.stderr
    assert run(cluster, "kafka-topics --version").stdout == "4.4.0\n"


def test_replica_state_filters() -> None:
    cluster = Cluster(brokers=3, seed=3, configs={"min.insync.replicas": "2"})
    # all three listeners, so that a dead broker does not make the bootstrap unreachable
    k = "kafka-topics --bootstrap-server localhost:9092,localhost:9093,localhost:9094"
    run(cluster, f"{k} --create --topic t --partitions 3 --replication-factor 3")
    run(cluster, f"{k} --create --topic solo --partitions 1 --replication-factor 1")
    assert run(cluster, f"{k} --describe --under-replicated-partitions").stdout == ""
    solo_broker = cluster.describe_topic("solo").partitions[0].leader
    assert solo_broker is not None
    cluster.kill_broker(solo_broker)
    cluster.advance(40_000)
    under = run(cluster, f"{k} --describe --under-replicated-partitions").stdout.splitlines()
    # every partition of t lost a replica; solo's single replica may or may not stay in
    # its ISR, depending on how the engine models ELR (KIP-966)
    assert sum(line.startswith("\tTopic: t\t") for line in under) == 3
    assert all(line.startswith(("\tTopic: t\t", "\tTopic: solo\t")) for line in under)
    unavailable = run(cluster, f"{k} --describe --unavailable-partitions").stdout
    assert unavailable.startswith("\tTopic: solo\tPartition: 0\tLeader: none\t")
    at_min = run(cluster, f"{k} --describe --at-min-isr-partitions --topic t").stdout
    assert len(at_min.splitlines()) == 3
    under_min = run(cluster, f"{k} --describe --under-min-isr-partitions").stdout
    assert unavailable in under_min and "\tTopic: t\t" not in under_min


def test_dead_bootstrap_broker_is_unreachable() -> None:
    cluster = Cluster(brokers=2)
    cluster.kill_broker(1)
    result = run(cluster, f"{K} --list")
    assert result.exit_code == 1 and "Timed out waiting for a node assignment" in result.stdout
    assert run(cluster, "kafka-topics --bootstrap-server localhost:9093 --list").exit_code == 0


def test_unreachable_and_unresolvable_bootstrap(cluster: Cluster) -> None:
    digest = cluster.journal.digest()
    far = run(cluster, "kafka-topics --bootstrap-server localhost:9999 --create --topic t")
    assert far.stdout == ("Error while executing topic command : Timed out waiting for a node "
                          "assignment. Call: createTopics\n")
    assert "Connection to node -1 (localhost/127.0.0.1:9999) could not be established" in (
        far.stderr)
    dns = run(cluster, "kafka-topics --bootstrap-server kafka:9092 --list")
    assert dns.stderr.splitlines()[1] == "Failed to create new KafkaAdminClient"
    assert "No resolvable bootstrap urls given in bootstrap.servers" in dns.stderr
    assert cluster.journal.digest() == digest and cluster.now_ms == 0


def test_describe_by_topic_id(cluster: Cluster) -> None:
    run(cluster, f"{K} --create --topic a")
    run(cluster, f"{K} --create --topic b")
    topic_id = cluster.describe_topic("b").topic_id
    by_id = run(cluster, f"{K} --describe --topic-id {topic_id}").stdout.splitlines()
    assert by_id[0].startswith(f"Topic: b\tTopicId: {topic_id}\t")
    assert by_id[1].endswith("\tElr: N/A\tLastKnownElr: N/A")
    unknown = run(cluster, f"{K} --describe --topic-id AAAAAAAAAAAAAAAAAAAAAB").stdout
    assert unknown.count("\nTopic: ") + unknown.startswith("Topic: ") == 2  # falls back
    bad = run(cluster, f"{K} --describe --topic-id notauuid")
    assert bad.stdout == ("Error while executing topic command : Input string `notauuid` "
                          "decoded as 6 bytes, which is not equal to the expected 16 bytes of a "
                          "base64-encoded UUID\n")
