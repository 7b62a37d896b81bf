"""The coordinator when its broker fails: FindCoordinator, NOT_COORDINATOR, timers."""

from __future__ import annotations

import pytest

from engine import Cluster
from engine.core.errors import (
    CoordinatorNotAvailableError,
    KafkaConnectionError,
    NotCoordinatorForGroupError,
)
from tests.group.helpers import join, kinds, new_cluster


def three_brokers() -> Cluster:
    cluster = Cluster(brokers=3, seed=5)
    cluster.create_topic("t", partitions=2, replication_factor=3)
    return cluster


def test_lookup_names_a_crashed_coordinator_until_it_is_fenced() -> None:
    cluster = three_brokers()
    groups = cluster.groups
    first = groups.lookup_coordinator("g")
    assert groups.coordinator_error("g", first) is None
    cluster.kill_broker(first)
    assert groups.lookup_coordinator("g") == first  # metadata still names it
    assert isinstance(groups.coordinator_error("g", first), KafkaConnectionError)
    assert groups.coordinator_down("g")
    cluster.advance(20000)  # fenced: another replica leads the partition
    second = groups.lookup_coordinator("g")
    assert second != first and not groups.coordinator_down("g")
    cluster.restart_broker(first)
    error = groups.coordinator_error("g", first)
    assert isinstance(error, NotCoordinatorForGroupError)
    assert str(error) == ("[Error 16] NotCoordinatorForGroupError: "
                          "This is not the correct coordinator.")


def test_lookup_without_a_leader_or_any_broker() -> None:
    cluster = new_cluster()
    cluster.groups.find_coordinator("g")
    cluster.kill_broker(1)
    with pytest.raises(KafkaConnectionError):
        cluster.groups.lookup_coordinator("g")
    with pytest.raises(CoordinatorNotAvailableError):
        cluster.groups.commit_offsets("g", {("t", 0): 1})


def test_sessions_do_not_expire_while_no_broker_coordinates_the_group() -> None:
    cluster = new_cluster()
    pending = join(cluster, session_timeout_ms=10000)
    cluster.advance(3000)
    member_id = pending.value.member_id
    cluster.groups.sync_group("g", member_id, 1, assignments={member_id: []})
    assert cluster.groups.group_state("g") == "Stable"
    cluster.kill_broker(1)
    cluster.advance(60000)
    assert "member_removed" not in kinds(cluster)
    cluster.restart_broker(1)
    cluster.advance(9000)
    assert "member_removed" not in kinds(cluster)
    cluster.advance(2000)  # the session restarted when the coordinator came back
    (removed,) = [e for e in cluster.journal.of_kind("member_removed")]
    assert removed.data["member_id"] == member_id
    assert removed.data["reason"] == "session_timeout"
