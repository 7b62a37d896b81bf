"""kafka-consumer-groups on the engine: tables, states, delete and every reset scenario."""

from __future__ import annotations

import pytest

from engine.cli import run
from engine.cli.consumer_groups import parse_datetime, parse_duration
from engine.core import Cluster, TopicPartition

G = "kafka-consumer-groups --bootstrap-server localhost:9092"


@pytest.fixture
def cluster() -> Cluster:
    cluster = Cluster(configs={"group.initial.rebalance.delay.ms": "0"})
    cluster.create_topic("t", partitions=2)
    for n in range(6):
        cluster.produce("t", f"v{n}", partition=n % 2)
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest")
    consumer.poll(1000)
    consumer.commit()
    consumer.close()
    return cluster


def test_describe_empty_group(cluster: Cluster) -> None:
    result = run(cluster, f"{G} --describe --group g")
    assert result.stdout.splitlines() == [
        "",
        "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG       "
        "      CONSUMER-ID     HOST            CLIENT-ID",
        "g               t               0          3               3               0         "
        "      -               -               -",
        "g               t               1          3               3               0         "
        "      -               -               -",
    ]
    assert result.stderr == "\nConsumer group 'g' has no active members.\n"


def test_describe_active_group_and_reset_refused(cluster: Cluster) -> None:
    consumer = cluster.consumer("t", group_id="g", client_id="app")
    consumer.poll(1000)
    members = run(cluster, f"{G} --describe --group g --members --verbose").stdout
    assert "CURRENT-ASSIGNMENT" in members and "t:0,1" in members and " app " in members
    state = run(cluster, f"{G} --describe --group g --state").stdout.splitlines()[2]
    assert state.split()[:5] == ["g", "localhost:9092", "(1)", "range", "Stable"]
    digest = cluster.journal.digest()
    refused = run(cluster, f"{G} --reset-offsets --group g --topic t --to-earliest --execute")
    # Kafka still prints the table's header: the group is in the result, with no offsets
    assert refused.stdout == ("\nError: Assignments can only be reset if the group 'g' is "
                              "inactive, but the current state is Stable.\n"
                              "\nGROUP           TOPIC           PARTITION  NEW-OFFSET\n")
    assert cluster.journal.digest() == digest
    deleted = run(cluster, f"{G} --delete --group g")
    assert deleted.stdout.endswith("* Group 'g' could not be deleted due to: org.apache.kafka."
                                   "common.errors.GroupNotEmptyException: The group is not "
                                   "empty.\n")


def test_unknown_group(cluster: Cluster) -> None:
    result = run(cluster, f"{G} --describe --group nope")
    assert result.stdout == ("\nError: Executing consumer group command failed due to org.apache"
                             ".kafka.common.errors.GroupIdNotFoundException: Group nope not "
                             "found.\n")
    assert result.stderr.splitlines()[-1] == ("Caused by: org.apache.kafka.common.errors."
                                              "GroupIdNotFoundException: Group nope not found.")


def committed(cluster: Cluster) -> dict[int, int]:
    return {tp.partition: om.offset for tp, om in cluster.groups.committed("g").items()}


@pytest.mark.parametrize(("scenario", "expected"), [
    ("--to-earliest", {0: 0, 1: 0}),
    ("--to-latest", {0: 3, 1: 3}),
    ("--to-current", {0: 3, 1: 3}),
    ("--to-offset 1", {0: 1, 1: 1}),
    ("--shift-by -2", {0: 1, 1: 1}),
    ("--to-datetime 1970-01-01T00:00:00.000", {0: 0, 1: 0}),
    ("--by-duration PT1H", {0: 0, 1: 0}),
])
def test_reset_scenarios(cluster: Cluster, scenario: str, expected: dict[int, int]) -> None:
    dry = run(cluster, f"{G} --reset-offsets --group g --topic t {scenario}")
    assert dry.stderr.startswith("WARN: No action will be performed")
    assert committed(cluster) == {0: 3, 1: 3}
    done = run(cluster, f"{G} --reset-offsets --group g --topic t {scenario} --execute")
    assert done.stdout.startswith("\nGROUP           TOPIC           PARTITION  NEW-OFFSET\n")
    assert committed(cluster) == expected


def test_reset_clamps_with_warning_and_partition_scope(cluster: Cluster) -> None:
    result = run(cluster, f"{G} --reset-offsets --group g --topic t:1 --to-offset 99 --execute")
    assert "WARN New offset (99) is higher than latest offset for topic partition t-1. Value "\
           "will be set to 3. (org.apache.kafka.tools.GroupOffsetsResetter)" in result.stderr
    assert result.stdout.splitlines()[-1].split() == ["g", "t", "1", "3"]


def test_reset_from_file_reads_input_lines(cluster: Cluster) -> None:
    run(cluster, f"{G} --reset-offsets --group g --from-file plan.csv --execute",
        input=["t,0,2", "t,1,1"])
    assert committed(cluster) == {0: 2, 1: 1}


def test_delete_and_list(cluster: Cluster) -> None:
    assert run(cluster, f"{G} --list").stdout == "g\n"
    listed = run(cluster, f"{G} --list --state").stdout.splitlines()
    assert listed[1].split() == ["g", "Empty"]
    assert run(cluster, f"{G} --delete --group g").stdout == (
        "Deletion of requested consumer groups ('g') was successful.\n")
    assert cluster.groups.committed("g") == {}


def test_datetime_and_duration_parsing() -> None:
    assert parse_datetime("1970-01-01T00:00:01.500") == 1500
    assert parse_datetime("1970-01-01T01:00:00.000+01:00") == 0
    assert parse_duration("PT1H") == 3_600_000
    assert parse_duration("P1DT0.5S") == 86_400_500


def test_partition_order_follows_kafkas_hash_map() -> None:
    from engine.cli.hashorder import hashmap_order, topic_partition_hash
    tps = [TopicPartition("t", p) for p in range(3)]
    order = hashmap_order(tps, hash_code=lambda tp: topic_partition_hash(tp.topic,
                                                                         tp.partition))
    assert sorted(order) == tps


def test_rebalancing_warning() -> None:
    cluster = Cluster(configs={"group.initial.rebalance.delay.ms": "0"})
    cluster.create_topic("t", partitions=2)
    first = cluster.consumer("t", group_id="g")
    first.poll(1000)
    second = cluster.consumer("t", group_id="g")
    second.poll(0)  # joins; the group waits for the first member to rejoin
    result = run(cluster, f"{G} --describe --group g")
    assert result.stderr == "\nWarning: Consumer group 'g' is rebalancing.\n"


def test_unreachable_bootstrap_changes_nothing(cluster: Cluster) -> None:
    digest = cluster.journal.digest()
    result = run(cluster, "kafka-consumer-groups --bootstrap-server localhost:9999 --list")
    assert "TimeoutException: Timed out waiting for a node assignment. Call: listGroups" in (
        result.stdout)
    assert cluster.journal.digest() == digest


def test_parse_errors_escape_main_as_in_kafka(cluster: Cluster) -> None:
    result = run(cluster, f"{G} --lis")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith('Exception in thread "main" joptsimple.'
                                    "UnrecognizedOptionException: lis is not a recognized option\n")
    bad_number = run(cluster, f"{G} --reset-offsets --group g --topic t --to-offset x --dry-run")
    assert bad_number.exit_code == 0
    assert bad_number.stdout == ("\nError: Executing consumer group command failed due to Cannot "
                                 "parse argument 'x' of option to-offset\n")


def test_reset_offsets_export_prints_kafkas_csv(cluster: Cluster) -> None:
    result = run(cluster, f"{G} --reset-offsets --group g --topic t --to-earliest --export "
                          "--dry-run")
    assert result.stdout == "t,1,0\nt,0,0\n\n" and result.exit_code == 0  # HashMap order
    several = run(cluster, f"{G} --reset-offsets --group g --group h --topic t:1 --to-latest "
                           "--export --dry-run")
    assert several.stdout == "g,t,1,3\nh,t,1,3\n\n"


def test_reset_offsets_export_execute_commits(cluster: Cluster) -> None:
    result = run(cluster, f"{G} --reset-offsets --group g --topic t:0 --to-offset 1 --export "
                          "--execute")
    assert result.stdout == "t,0,1\n\n"
    assert cluster.groups.committed("g")[TopicPartition("t", 0)].offset == 1


def test_delete_offsets_of_a_partition(cluster: Cluster) -> None:
    result = run(cluster, f"{G} --delete-offsets --group g --topic t:0")
    assert result.stdout == ("Request succeeded for deleting offsets from group g.\n\n"
                             "TOPIC           PARTITION  STATUS         \n"
                             "t               0          Successful     \n")
    assert result.exit_code == 0
    assert list(cluster.groups.committed("g")) == [TopicPartition("t", 1)]
    (event,) = cluster.journal.of_kind("offsets_deleted")
    assert event.data["group"] == "g"


def test_delete_offsets_errors(cluster: Cluster) -> None:
    digest = cluster.journal.digest()
    missing = run(cluster, f"{G} --delete-offsets --group nope --topic t:0")
    assert missing.stdout == (
        "\nError: The group id does not exist.\n\n"
        "TOPIC           PARTITION  STATUS         \n"
        "t               0          Error: org.apache.kafka.common.errors."
        "GroupIdNotFoundException: The group id does not exist.\n")
    unknown = run(cluster, f"{G} --delete-offsets --group g --topic t:7 --topic other")
    assert unknown.stdout.splitlines() == [
        "", "Error: Encountered some partition-level error, see the follow-up details.", "",
        "TOPIC           PARTITION  STATUS         ",
        "other           -          Error: org.apache.kafka.common.errors."
        "UnknownTopicOrPartitionException: This server does not host this topic-partition.",
        "t               7          Error: org.apache.kafka.common.errors."
        "UnknownTopicOrPartitionException: This server does not host this topic-partition."]
    assert len(cluster.groups.committed("g")) == 2
    assert cluster.journal.digest() == digest  # nothing was deleted
    usage = run(cluster, f"{G} --delete-offsets --group g")
    assert usage.exit_code == 1 and usage.stderr.startswith(
        "Option [delete-offsets] takes the following options: [topic], [group]\n")


def test_delete_offsets_of_a_subscribed_topic_is_refused() -> None:
    cluster = Cluster(configs={"group.initial.rebalance.delay.ms": "0"})
    cluster.create_topic("t")
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest")
    consumer.poll(1000)
    consumer.commit({TopicPartition("t", 0): 0})
    result = run(cluster, f"{G} --delete-offsets --group g --topic t")
    assert result.stdout.splitlines()[1] == ("Error: Encountered some partition-level error, "
                                             "see the follow-up details.")
    assert result.stdout.splitlines()[-1].endswith(
        "GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the "
        "consumer group is actively subscribed to it.")
    assert TopicPartition("t", 0) in cluster.groups.committed("g")
