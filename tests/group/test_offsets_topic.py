"""``__consumer_offsets``: created lazily, internal, 50 compacted partitions."""

from engine import Cluster
from engine.core.records import TopicPartition as TP


def test_created_on_first_find_coordinator_only() -> None:
    cluster = Cluster(brokers=3, seed=2)
    before = cluster.journal.digest()
    coordinator = cluster.groups  # building the coordinator writes nothing
    assert cluster.journal.digest() == before
    assert not cluster.has_topic("__consumer_offsets")
    broker = coordinator.find_coordinator("g")
    assert cluster.has_topic("__consumer_offsets")
    description = cluster.describe_topic("__consumer_offsets")
    assert len(description.partitions) == 50
    assert description.replication_factor == 3
    assert description.configs == {"cleanup.policy": "compact", "compression.type": "producer",
                                   "segment.bytes": "104857600"}
    p = coordinator.offsets_topic.partition_for("g")
    assert broker == description.partitions[p].leader
    assert "__consumer_offsets" in cluster.list_topics(include_internal=True)
    assert "__consumer_offsets" not in cluster.list_topics(include_internal=False)
    created = [e.data for e in cluster.journal if e.kind == "topic_created"]
    assert created[-1]["internal"] is True


def test_replication_factor_is_capped_by_the_brokers() -> None:
    cluster = Cluster(brokers=1, seed=2)
    cluster.groups.find_coordinator("g")
    assert cluster.describe_topic("__consumer_offsets").replication_factor == 1


def test_commits_land_in_the_groups_partition() -> None:
    cluster = Cluster(brokers=1, seed=2)
    cluster.create_topic("t")
    cluster.groups.commit_offsets("hello", {TP("t", 0): 1})
    p = 99162322 % 50  # "hello".hashCode() = 99162322
    assert cluster.describe_topic("__consumer_offsets").partitions[p].log_end_offset == 1


def test_the_coordinator_follows_the_partition_leader() -> None:
    cluster = Cluster(brokers=3, seed=4)
    cluster.create_topic("t", partitions=1, replication_factor=3)
    cluster.groups.commit_offsets("g", {TP("t", 0): 0})
    before = cluster.groups.describe_group("g").coordinator
    cluster.kill_broker(before)
    cluster.advance(20000)  # the controller fences it and elects new leaders
    after = cluster.groups.describe_group("g").coordinator
    assert after not in (before, None)
    cluster.groups.commit_offsets("g", {TP("t", 0): 1})
    assert cluster.groups.committed("g")[TP("t", 0)].offset == 1
