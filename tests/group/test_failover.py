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


def outage_of_the_only_coordinator(session_timeout_ms: int) -> tuple[Cluster, str, int]:
    """A Stable one-member group whose only broker crashes for a minute and restarts: the
    cluster, the member id, and when the coordinator was back (its broker led the group's
    ``__consumer_offsets`` partition again, when Kafka loads the group). Meanwhile no
    member may have been removed."""
    cluster = new_cluster()
    pending = join(cluster, session_timeout_ms=session_timeout_ms)
    cluster.advance(3000)
    member_id = pending.value.member_id
    cluster.groups.sync_group("g", member_id, 1, assignments={member_id: []})
    assert cluster.groups.group_state("g") == "Stable"
    (created,) = cluster.journal.of_kind("group_created")
    cluster.kill_broker(1)
    cluster.advance(60000)
    assert "member_removed" not in kinds(cluster)
    mark = cluster.journal.last_seq
    cluster.restart_broker(1)  # runs, but registers only once its old session has ended
    interval = int(cluster.broker_config("broker.heartbeat.interval.ms"))
    for _ in range(30):
        back = [e.time_ms for e in cluster.journal.since(mark)
                if e.kind == "leader_elected" and e.data["leader"] == 1
                and (e.data["topic"], e.data["partition"])
                == ("__consumer_offsets", created.data["partition"])]
        if back:
            break
        assert cluster.groups.coordinator_down("g")
        cluster.advance(interval)
    else:
        raise AssertionError("the coordinator never came back")
    assert "broker_registration_refused" in kinds(cluster)
    assert "member_removed" not in kinds(cluster)
    return cluster, member_id, back[0]


def test_sessions_do_not_expire_while_no_broker_coordinates_the_group() -> None:
    cluster, member_id, back = outage_of_the_only_coordinator(session_timeout_ms=10000)
    cluster.advance(back + 10000 - cluster.now_ms)
    (removed,) = cluster.journal.of_kind("member_removed")
    assert removed.data["member_id"] == member_id
    assert removed.data["reason"] == "session_timeout"
    assert back < removed.time_ms <= back + 10000


def test_a_returning_coordinator_restarts_every_session() -> None:
    """Kafka's onLoaded restarts every member's session when the new coordinator loads
    the group, so expiry is one session timeout after the coordinator's return."""
    cluster, _, back = outage_of_the_only_coordinator(session_timeout_ms=10000)
    cluster.advance(back + 10000 - 1 - cluster.now_ms)
    assert "member_removed" not in kinds(cluster)
    cluster.advance(1)
    (removed,) = cluster.journal.of_kind("member_removed")
    assert removed.time_ms == back + 10000
