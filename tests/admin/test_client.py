"""The engine's AIOKafkaAdminClient answers as aiokafka's does against Kafka 4.x."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import TopicPartition as AioTopicPartition
from aiokafka.admin import NewPartitions, NewTopic

from engine import Cluster
from engine.admin import AIOKafkaAdminClient, OffsetAndMetadata
from engine.admin.client import AIOKAFKA_ADMIN_KEYWORDS, NodeNotReadyError
from engine.admin.protocol import decode_assignment
from engine.consumer import AIOKafkaConsumer
from engine.core.errors import InvalidPartitionsError
from engine.core.records import TopicPartition


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def admin_for(cluster: Cluster) -> AIOKafkaAdminClient:
    """An admin client of ``cluster``, not started."""
    return AIOKafkaAdminClient(cluster=cluster, bootstrap_servers="ignored:9092")


def started(cluster: Cluster) -> AIOKafkaAdminClient:
    """A started admin client of ``cluster`` (for tests outside a running event loop)."""
    admin = admin_for(cluster)
    run(admin.start())
    return admin


def test_create_topics_returns_a_code_per_topic_and_creates_them() -> None:
    cluster = Cluster(brokers=3)

    async def go() -> Any:
        async with admin_for(cluster) as admin:
            return await admin.create_topics([NewTopic("orders", 3, 2),
                                              NewTopic("audit", 1, 1, topic_configs={
                                                  "cleanup.policy": "compact"})])

    response = run(go())
    assert response.topic_errors == [("orders", 0, None), ("audit", 0, None)]
    assert cluster.describe_topic("orders").replication_factor == 2
    assert cluster.topic_config("audit").overrides == {"cleanup.policy": "compact"}
    assert repr(response) == ("CreateTopicsResponse_v3(throttle_time_ms=0, topic_errors=["
                              "(topic='orders', error_code=0, error_message=None), "
                              "(topic='audit', error_code=0, error_message=None)])")
    assert response.to_object()["topic_errors"][0] == {
        "topic": "orders", "error_code": 0, "error_message": None}


def test_create_topics_reports_errors_with_kafkas_codes_and_texts() -> None:
    cluster = Cluster(brokers=1)
    cluster.create_topic("orders", 1, 1)

    async def go() -> Any:
        admin = admin_for(cluster)
        await admin.start()
        try:
            return await admin.create_topics([
                NewTopic("orders", 3, 1), NewTopic("bad name!", 1, 1),
                NewTopic("none", 0, 1), NewTopic("wide", 1, 5)])
        finally:
            await admin.close()

    errors = run(go()).topic_errors
    assert errors[0] == ("orders", 36, "Topic 'orders' already exists.")
    assert errors[1][:2] == ("bad name!", 17)
    assert "contains one or more characters other than ASCII" in errors[1][2]
    assert errors[2] == ("none", 37,
                         "Number of partitions was set to an invalid non-positive value.")
    assert errors[3][:2] == ("wide", 38)
    assert cluster.list_topics() == ["orders"]
    assert cluster.num_partitions("orders") == 1


def test_validate_only_creates_nothing_but_reports_the_same_codes() -> None:
    cluster = Cluster(brokers=1)
    cluster.create_topic("orders", 1, 1)
    before = len(cluster.journal)
    response = run(started(cluster).create_topics(
        [NewTopic("new", 2, 1), NewTopic("orders", 1, 1), NewTopic("wide", 1, 3)],
        validate_only=True))
    assert [(t, c) for t, c, _ in response.topic_errors] == [("new", 0), ("orders", 36),
                                                             ("wide", 38)]
    assert cluster.list_topics() == ["orders"]
    assert len(cluster.journal) == before


def test_replica_assignments_are_refused_clearly() -> None:
    with pytest.raises(NotImplementedError, match="replica_assignments"):
        run(started(Cluster()).create_topics([NewTopic("t", -1, -1, {0: [1]})]))


def test_delete_topics_codes() -> None:
    cluster = Cluster(brokers=1)
    cluster.create_topic("orders", 1, 1)
    response = run(started(cluster).delete_topics(["orders", "missing"]))
    assert response.topic_error_codes == [("orders", 0), ("missing", 3)]
    assert repr(response).startswith("DeleteTopicsResponse_v3(throttle_time_ms=0, "
                                     "topic_error_codes=[(topic='orders', error_code=0)")
    assert not cluster.has_topic("orders")


def test_create_partitions_grows_and_raises_as_aiokafka() -> None:
    cluster = Cluster(brokers=1)
    cluster.create_topic("orders", 2, 1)
    admin = started(cluster)
    response = run(admin.create_partitions({"orders": NewPartitions(4)}))
    assert response.topic_errors == [("orders", 0, None)]
    assert cluster.num_partitions("orders") == 4
    with pytest.raises(InvalidPartitionsError, match="Could not create partitions for orders"):
        run(admin.create_partitions({"orders": NewPartitions(3)}))
    run(admin.create_partitions({"orders": NewPartitions(6)}, validate_only=True))
    assert cluster.num_partitions("orders") == 4


def test_list_and_describe_topics_as_the_metadata_response() -> None:
    cluster = Cluster(brokers=2)
    cluster.create_topic("orders", 2, 2)
    admin = started(cluster)
    assert run(admin.list_topics()) == ["orders"]
    described = run(admin.describe_topics(["orders", "missing"]))
    assert described[1] == {"error_code": 3, "topic": "missing", "is_internal": False,
                            "partitions": []}
    assert "missing" in run(admin.list_topics())  # auto-created, as Kafka's Metadata does
    orders = described[0]
    assert set(orders) == {"error_code", "topic", "is_internal", "partitions"}
    assert [p["partition"] for p in orders["partitions"]] == [0, 1]
    first = orders["partitions"][0]
    assert set(first) == {"error_code", "partition", "leader", "replicas", "isr",
                          "offline_replicas"}
    expected = cluster.describe_topic("orders").partitions[0]
    assert first["leader"] == expected.leader
    assert first["replicas"] == list(expected.replicas)
    assert first["offline_replicas"] == []


def test_describe_cluster_keys_as_a_kafka_4_broker_answers() -> None:
    cluster = Cluster(brokers=3)
    described = run(started(cluster).describe_cluster())
    assert set(described) == {"throttle_time_ms", "brokers", "cluster_id", "controller_id"}
    assert described["cluster_id"] == cluster.cluster_id
    assert described["brokers"] == [
        {"node_id": b, "host": "localhost", "port": 9092 + i, "rack": None}
        for i, b in enumerate(cluster.brokers)]
    assert described["controller_id"] in cluster.brokers


def consume_and_commit(cluster: Cluster, group: str, topic: str) -> AIOKafkaConsumer:
    async def go() -> AIOKafkaConsumer:
        consumer = AIOKafkaConsumer(topic, cluster=cluster, group_id=group,
                                    auto_offset_reset="earliest")
        await consumer.start()
        await consumer.getmany(timeout_ms=5000)
        await consumer.commit()
        return consumer

    return run(go())


def test_consumer_groups_listed_described_and_their_offsets() -> None:
    cluster = Cluster(brokers=1)
    cluster.create_topic("orders", 3, 1)
    for i in range(5):
        cluster.produce("orders", b"v", key=f"k{i}".encode())
    consumer = consume_and_commit(cluster, "billing", "orders")
    admin = started(cluster)
    assert run(admin.list_consumer_groups()) == [("billing", "consumer")]

    responses = run(admin.describe_consumer_groups(["billing", "nobody"]))
    assert len(responses) == 1
    billing, nobody = responses[0].groups
    assert nobody == (0, "nobody", "Dead", "", "", [])
    error_code, group, state, protocol_type, protocol, members = billing
    assert (error_code, group, state, protocol_type, protocol) == (
        0, "billing", "Stable", "consumer", "range")
    (member_id, client_id, host, metadata, assignment), = members
    assert member_id == consumer.sync.member_id
    assert host == "/127.0.0.1"
    assert metadata == b"\x00\x00\x00\x00\x00\x01\x00\x06orders\x00\x00\x00\x00"
    assert set(decode_assignment(assignment)) == consumer.assignment()
    obj = responses[0].to_object()
    assert obj["groups"][0]["members"][0]["client_id"] == client_id

    offsets = run(admin.list_consumer_group_offsets("billing"))
    ends = {tp: p.high_watermark for tp, p in
            ((TopicPartition("orders", p.partition), p)
             for p in cluster.describe_topic("orders").partitions)}
    assert offsets == {tp: OffsetAndMetadata(end, "") for tp, end in ends.items()}
    asked = run(admin.list_consumer_group_offsets(
        "billing", partitions=[AioTopicPartition("orders", 0), TopicPartition("other", 0)]))
    assert asked[TopicPartition("other", 0)] == OffsetAndMetadata(-1, "")
    assert asked[AioTopicPartition("orders", 0)].offset == ends[TopicPartition("orders", 0)]
    assert run(admin.list_consumer_group_offsets("nobody")) == {}
    assert run(admin.find_coordinator("billing")) == 1
    (offsets_topic,) = run(admin.describe_topics(["__consumer_offsets"]))
    assert offsets_topic["is_internal"] is True
    assert "__consumer_offsets" in run(admin.list_topics())


def test_members_report_no_bytes_while_the_group_is_not_stable() -> None:
    cluster = Cluster(brokers=1)
    cluster.create_topic("orders", 2, 1)
    consume_and_commit(cluster, "billing", "orders")
    cluster.groups.join_group("billing", "", group_instance_id=None, client_id="c",
                              client_host="/10.0.0.1", session_timeout_ms=45000,
                              rebalance_timeout_ms=300000,
                              protocol_type="consumer", protocols=[("range", None)])
    (group,) = run(started(cluster).describe_consumer_groups(["billing"]))[0].groups
    assert group[2] == "PreparingRebalance"
    assert group[4] == ""
    assert all(m[3] == b"" and m[4] == b"" for m in group[5])


def test_describing_a_missing_topic_auto_creates_it_as_kafka_does() -> None:
    cluster = Cluster(brokers=1)
    admin = started(cluster)
    first = run(admin.describe_topics(["fresh", "bad name!"]))
    assert [(d["topic"], d["error_code"]) for d in first] == [("fresh", 3), ("bad name!", 17)]
    assert cluster.list_topics() == ["fresh"]
    assert len(cluster.describe_topic("fresh").partitions) == int(
        cluster.broker_config("num.partitions"))
    (again,) = run(admin.describe_topics(["fresh"]))
    assert again["error_code"] == 0 and again["partitions"][0]["leader"] in cluster.brokers


def test_describing_a_missing_topic_creates_nothing_when_auto_creation_is_off() -> None:
    cluster = Cluster(brokers=1, configs={"auto.create.topics.enable": "false"})
    described = run(started(cluster).describe_topics(["fresh", "bad name!"]))
    assert [d["error_code"] for d in described] == [3, 3]
    assert cluster.list_topics() == []


REQUESTS = {
    "create_topics": lambda a: a.create_topics([NewTopic("u", 1, 1)]),
    "delete_topics": lambda a: a.delete_topics(["t"]),
    "create_partitions": lambda a: a.create_partitions({"t": NewPartitions(2)}),
    "list_topics": lambda a: a.list_topics(),
    "describe_topics": lambda a: a.describe_topics(["t"]),
    "describe_cluster": lambda a: a.describe_cluster(),
    "find_coordinator": lambda a: a.find_coordinator("g"),
    "list_consumer_groups": lambda a: a.list_consumer_groups(),
    "describe_consumer_groups": lambda a: a.describe_consumer_groups(["g"]),
    "list_consumer_group_offsets": lambda a: a.list_consumer_group_offsets("g"),
}


@pytest.mark.parametrize("method", sorted(REQUESTS))
def test_every_request_before_start_raises_aiokafkas_node_not_ready(method: str) -> None:
    import aiokafka.errors

    cluster = Cluster(brokers=1)
    cluster.create_topic("t", 1, 1)
    admin = AIOKafkaAdminClient(cluster=cluster)
    with pytest.raises(NodeNotReadyError) as raised:
        run(REQUESTS[method](admin))
    assert str(raised.value) == str(aiokafka.errors.NodeNotReadyError(
        "Attempt to send a request to node which is not ready (node id None)."))
    assert cluster.list_topics() == ["t"]  # nothing happened
    assert len(cluster.describe_topic("t").partitions) == 1
    run(admin.start())
    run(REQUESTS[method](admin))


def test_after_close_the_client_still_answers_as_aiokafkas_does() -> None:
    cluster = Cluster(brokers=1)
    admin = started(cluster)
    run(admin.close())
    assert run(admin.list_topics()) == []


def test_only_aiokafkas_keywords_are_taken() -> None:
    import inspect

    from aiokafka.admin import AIOKafkaAdminClient as Real

    assert set(inspect.signature(Real).parameters) == AIOKAFKA_ADMIN_KEYWORDS
    AIOKafkaAdminClient(cluster=Cluster(), **{"retry_backoff_ms": 50, "loop": None})
    with pytest.raises(TypeError, match="unexpected keyword argument 'default_api_timeout_ms'"):
        AIOKafkaAdminClient(cluster=Cluster(), default_api_timeout_ms=1000)


def test_list_offsets_answers_earliest_latest_and_by_time() -> None:
    cluster = Cluster(brokers=1)
    cluster.create_topic("t", partitions=2)
    for i in range(3):
        cluster.produce("t", f"v{i}", partition=0, timestamp_ms=1000 * (i + 1))
    admin = started(cluster)
    tp0, tp1 = TopicPartition("t", 0), AioTopicPartition("t", 1)

    async def ask(spec: Any) -> dict[Any, int]:
        return await admin.list_offsets({tp0: spec, tp1: spec})

    assert asyncio.run(ask("earliest")) == {tp0: 0, tp1: 0}
    assert asyncio.run(ask("latest")) == {tp0: 3, tp1: 0}
    assert asyncio.run(ask(1500)) == {tp0: 1, tp1: -1}  # first record at or after 1500 ms
    assert asyncio.run(ask(9999)) == {tp0: -1, tp1: -1}
    with pytest.raises(ValueError, match="not 'earliest', 'latest' or a timestamp"):
        asyncio.run(ask(-1))
    with pytest.raises(NodeNotReadyError):
        asyncio.run(AIOKafkaAdminClient(cluster=cluster).list_offsets({tp0: "latest"}))
