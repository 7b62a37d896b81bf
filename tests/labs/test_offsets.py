"""Grading a group's committed offsets: ends, committed offsets, a stopped group, mismatches."""

from __future__ import annotations

import pytest

from engine import Cluster
from engine.core.records import TopicPartition
from engine.labs import Incorrect
from engine.labs.offsets import (
    committed_offsets,
    log_ends,
    require_committed,
    require_group_stopped,
)


@pytest.fixture
def cluster() -> Cluster:
    cluster = Cluster(seed=0)
    cluster.create_topic("t", partitions=2)
    cluster.create_topic("other", partitions=1)
    for i in range(5):
        cluster.produce("t", f"v{i}", partition=0)
    cluster.produce("t", "w", partition=1)
    cluster.groups.alter_offsets("g", {TopicPartition("t", 0): 1,
                                       TopicPartition("other", 0): 0})
    return cluster


def test_ends_and_committed_offsets_of_one_topic(cluster: Cluster) -> None:
    assert log_ends(cluster, "t") == {0: 5, 1: 1}
    assert committed_offsets(cluster, "g", "t") == {0: 1}
    assert committed_offsets(cluster, "nobody", "t") == {}


def test_require_committed_names_each_partition_that_is_off(cluster: Cluster) -> None:
    require_committed(cluster, "g", "t", {0: 1})
    with pytest.raises(Incorrect) as raised:
        require_committed(cluster, "g", "t", {0: 3, 1: 0})
    assert str(raised.value) == (
        "partition 0 is committed at 1, so the next run re-reads 4 records; expected 3 "
        "(2 records); partition 1 has no committed offset.")
    with pytest.raises(Incorrect, match=r"expected 4 \(the last record\)\.$"):
        require_committed(cluster, "g", "t", {0: 4}, "the last record")


def test_require_group_stopped_refuses_a_group_with_a_member(cluster: Cluster) -> None:
    require_group_stopped(cluster, "g", so_that="it restarts")
    require_group_stopped(cluster, "nobody", so_that="it restarts")
    consumer = cluster.consumer("t", group_id="live")
    consumer.poll(5000)
    with pytest.raises(Incorrect, match=r"^the group `live` is Stable, with a consumer still "
                       r"in it: close it, so that it restarts\.$"):
        require_group_stopped(cluster, "live", so_that="it restarts")
