"""The consumer under broker failures: leaders and coordinators that crash or vanish."""

from __future__ import annotations

from typing import Any

import pytest

from engine import Cluster
from engine.core.errors import KafkaTimeoutError
from engine.core.records import TopicPartition

T0 = TopicPartition("t", 0)


def events(cluster: Cluster, kind: str, since: int = 0) -> list[dict[str, Any]]:
    return [dict(e.data) for e in cluster.journal.of_kind(kind)][since:]


def poll_values(consumer: Any, rounds: int, timeout_ms: int = 1000) -> list[tuple[int, bytes]]:
    got = []
    for _ in range(rounds):
        for tp, records in consumer.poll(timeout_ms).items():
            got.extend((tp.partition, r.value) for r in records)
    return got


def replicated_cluster(partitions: int = 1) -> Cluster:
    cluster = Cluster(brokers=3, seed=4)
    cluster.create_topic("t", partitions=partitions, replication_factor=3)
    return cluster


def leader(cluster: Cluster, partition: int = 0, topic: str = "t") -> int | None:
    return cluster.describe_topic(topic).partitions[partition].leader


def registration_due_ms(cluster: Cluster, broker: int) -> int:
    """When the controller will accept the restarted ``broker``, as its last refusal says:
    the broker retries every ``broker.heartbeat.interval.ms``, and the first retry after
    the old incarnation's session expired (``session_expires_ms``) is accepted."""
    refused = [e for e in cluster.journal.of_kind("broker_registration_refused")
               if e.data["broker"] == broker][-1]
    interval = int(cluster.broker_config("broker.heartbeat.interval.ms"))
    expires = refused.data["session_expires_ms"]
    return refused.time_ms + ((expires - refused.time_ms) // interval + 1) * interval


def registered_ms(cluster: Cluster, broker: int, after_seq: int) -> int | None:
    """When ``broker`` registered, if it did after journal event ``after_seq``."""
    return next((e.time_ms for e in cluster.journal.since(after_seq)
                 if e.kind == "broker_registered" and e.data["broker"] == broker), None)


def poll_until_registered(cluster: Cluster, consumer: Any,
                          broker: int) -> tuple[list[tuple[int, bytes]], int]:
    """Restart ``broker`` and poll, a second at a time as an application does, until the
    controller accepts its registration: what the polls returned, and when it registered.

    Meanwhile the broker runs but is fenced: it serves no client until it is registered."""
    mark = cluster.journal.last_seq
    cluster.restart_broker(broker)
    got: list[tuple[int, bytes]] = []
    for _ in range(60):
        got += poll_values(consumer, 1)
        back = registered_ms(cluster, broker, mark)
        if back is not None:
            assert [e for e in cluster.journal.since(mark)
                    if e.kind == "broker_registration_refused"], "registered at once"
            return got, back
        assert [(b.running, b.fenced) for b in cluster.describe_brokers()
                if b.broker_id == broker] == [(True, True)]
    raise AssertionError(f"broker {broker} never registered")


def test_killing_the_leader_mid_consume_loses_and_duplicates_nothing() -> None:
    cluster = replicated_cluster()
    for i in range(10):
        cluster.produce("t", f"v{i}", partition=0)
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest",
                                enable_auto_commit=False, max_poll_records=4)
    got = poll_values(consumer, 1, 5000)
    assert [v for _, v in got] == [b"v0", b"v1", b"v2", b"v3"]
    consumer.commit()
    old = leader(cluster)
    assert old is not None
    cluster.kill_broker(old)
    position = consumer.position(T0)
    killed_at = cluster.now_ms
    # The dead leader is not fenced yet: no records, no exception, same position.
    assert consumer.poll(1000) == {}
    assert consumer.position(T0) == position
    failed = events(cluster, "fetch_failed")
    assert failed[0]["error"] == "KafkaConnectionError" and failed[0]["leader"] == old
    assert failed[0]["position"] == position and failed[0]["member_id"] == consumer.member_id
    got += poll_values(consumer, 12)
    new = leader(cluster)
    assert new not in (None, old)
    (resumed,) = events(cluster, "fetch_resumed")
    assert resumed["leader"] == new and resumed["position"] == position
    for i in range(10, 15):
        cluster.produce("t", f"v{i}", partition=0)
    got += poll_values(consumer, 3)
    assert [v for _, v in got] == [f"v{i}".encode() for i in range(15)]
    consumer.commit()
    assert consumer.committed(T0) == 15
    assert cluster.now_ms - killed_at < 60000


def test_an_isolated_leader_is_replaced_without_loss_or_duplicates() -> None:
    cluster = replicated_cluster(partitions=2)
    for i in range(10):
        cluster.produce("t", f"v{i}", partition=i % 2)
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest",
                                enable_auto_commit=False, max_poll_records=3)
    got = poll_values(consumer, 4)
    consumer.commit()
    victim = leader(cluster)
    assert victim is not None
    cluster.isolate_broker(victim)
    got += poll_values(consumer, 3)
    consumer.commit()
    for i in range(10, 16):
        cluster.produce("t", f"v{i}", partition=i % 2)
    got += poll_values(consumer, 15)
    assert leader(cluster) != victim
    assert sorted(got) == sorted((i % 2, f"v{i}".encode()) for i in range(16))
    assert len(got) == 16
    consumer.commit()
    assert consumer.committed(T0) == 8


def test_a_partition_with_no_leader_gives_nothing_and_the_others_flow() -> None:
    cluster = Cluster(brokers=3, seed=4)
    cluster.create_topic("t", partitions=3, replication_factor=1)
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest")
    assert poll_values(consumer, 4) == []
    victim = leader(cluster, 0)
    assert victim is not None
    cluster.kill_broker(victim)
    cluster.advance(20000)  # fenced: partition 0 has no leader now
    assert leader(cluster, 0) is None
    for p in (1, 2):
        if leader(cluster, p) is not None:
            cluster.produce("t", f"p{p}", partition=p)
    before = consumer.position(T0)
    got = poll_values(consumer, 5)
    assert got and all(p != 0 for p, _ in got)
    assert consumer.position(T0) == before
    errors = [e["error"] for e in events(cluster, "fetch_failed") if e["partition"] == 0]
    assert errors == ["LeaderNotAvailableError"]  # once per outage, not per retry
    cluster.restart_broker(victim)
    cluster.produce("t", "back", partition=0)
    assert (0, b"back") in poll_values(consumer, 3)
    assert [e["partition"] for e in events(cluster, "fetch_resumed")] == [0]


def test_a_failed_partition_is_retried_after_retry_backoff_ms() -> None:
    cluster = Cluster(brokers=3, seed=4)
    cluster.create_topic("t", partitions=1, replication_factor=1)
    cluster.produce("t", "x", partition=0)
    consumer = cluster.consumer(group_id=None, retry_backoff_ms=250)
    consumer.assign([T0])
    consumer.seek(T0, 0)
    broker = leader(cluster)
    assert broker is not None
    cluster.kill_broker(broker)
    mark = cluster.journal.last_seq
    cluster.restart_broker(broker)  # refused until the crashed incarnation's session ends
    back = registration_due_ms(cluster, broker)
    cluster.advance(back - 125 - cluster.now_ms)  # half a backoff before it is back
    start = cluster.now_ms
    assert consumer.poll(0) == {}
    (failed,) = events(cluster, "fetch_failed")
    assert failed["error"] == "LeaderNotAvailableError"  # old one fenced, new one not yet in
    cluster.advance(back - cluster.now_ms)
    assert registered_ms(cluster, broker, mark) == back
    assert leader(cluster) == broker
    assert consumer.poll(0) == {}  # still backing off: nothing asked yet
    records = consumer.poll(1000)
    assert [r.value for r in records[T0]] == [b"x"]
    assert cluster.now_ms - start == 250


def test_poll_never_raises_when_a_whole_cluster_is_down() -> None:
    cluster = Cluster(brokers=1, seed=2)
    cluster.create_topic("t", partitions=2)
    cluster.produce("t", "a", partition=0)
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest")
    assert poll_values(consumer, 4) == [(0, b"a")]
    cluster.kill_broker(1)
    start = cluster.now_ms
    assert poll_values(consumer, 3) == []
    assert cluster.now_ms - start == 3000
    (lost,) = events(cluster, "coordinator_unavailable")
    assert lost["coordinator"] == 1 and lost["error"] == "KafkaConnectionError"
    got, back = poll_until_registered(cluster, consumer, 1)  # running, not serving yet
    assert got == []
    cluster.produce("t", "b", partition=0)
    assert poll_values(consumer, 2) == [(0, b"b")]
    (found,) = cluster.journal.of_kind("coordinator_changed")
    assert found.data["previous"] == 1 and found.data["coordinator"] == 1
    assert back <= found.time_ms <= back + consumer.config.retry_backoff_ms
    assert cluster.groups.describe_group("g").state == "Stable"


def test_commits_follow_the_coordinator_when_its_broker_dies() -> None:
    cluster = replicated_cluster(partitions=2)
    for i in range(6):
        cluster.produce("t", f"v{i}", partition=i % 2)
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest",
                                enable_auto_commit=False)
    assert len(poll_values(consumer, 4)) == 6
    coordinator = cluster.groups.find_coordinator("g")
    assert coordinator is not None
    cluster.kill_broker(coordinator)
    start = cluster.now_ms
    consumer.commit()  # blocks (simulated time) until the new coordinator answers
    new = cluster.groups.find_coordinator("g")
    assert new not in (None, coordinator)
    assert 0 < cluster.now_ms - start <= 10000
    (lost,) = events(cluster, "coordinator_unavailable")
    assert lost["coordinator"] == coordinator
    (changed,) = events(cluster, "coordinator_changed")
    assert (changed["previous"], changed["coordinator"]) == (coordinator, new)
    assert consumer.committed(T0) == 3
    # The group did not rebalance: same generation, still Stable, commits keep working.
    assert cluster.groups.describe_group("g").generation == consumer.generation == 1
    cluster.produce("t", "more", partition=0)
    assert poll_values(consumer, 2) == [(0, b"more")]
    consumer.commit()
    assert consumer.committed(T0) == 4
    assert [e["generation"] for e in events(cluster, "offsets_committed")] == [1, 1]


def test_the_heartbeat_thread_rediscovers_the_coordinator_without_poll() -> None:
    cluster = replicated_cluster()
    consumer = cluster.consumer("t", group_id="g")
    poll_values(consumer, 4)
    coordinator = cluster.groups.find_coordinator("g")
    assert coordinator is not None
    cluster.kill_broker(coordinator)
    cluster.advance(30000)
    (changed,) = events(cluster, "coordinator_changed")
    assert changed["previous"] == coordinator
    assert events(cluster, "member_removed") == []
    assert consumer.poll(0) == {} and consumer.membership_state == "STABLE"


def test_commit_times_out_with_kafkas_text_when_no_coordinator_comes_back() -> None:
    cluster = Cluster(brokers=1, seed=2)
    cluster.create_topic("t")
    cluster.produce("t", "a")
    cluster.produce("t", "b")
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest",
                                enable_auto_commit=False)
    poll_values(consumer, 4)
    cluster.kill_broker(1)
    start = cluster.now_ms
    with pytest.raises(KafkaTimeoutError) as info:
        consumer.commit()
    assert info.value.message == (
        "Timeout of 60000ms expired before successfully committing offsets "
        "{t-0=OffsetAndMetadata{offset=2, leaderEpoch=0, metadata=''}}")
    assert cluster.now_ms - start == 60000
    with pytest.raises(KafkaTimeoutError) as info:
        consumer.committed(T0)
    assert info.value.message == (
        "Timeout of 60000ms expired before the last committed offset for partitions [t-0] "
        "could be determined. Try tuning default.api.timeout.ms larger to relax the "
        "threshold.")
    calls: list[Any] = []
    consumer.commit_async(callback=lambda offsets, error: calls.append(error))
    assert type(calls[0]).__name__ == "CoordinatorNotAvailableError"


def test_commit_timeout_is_default_api_timeout_ms() -> None:
    cluster = Cluster(brokers=1, seed=2)
    cluster.create_topic("t")
    consumer = cluster.consumer(group_id="g", default_api_timeout_ms=1500)
    consumer.assign([T0])
    cluster.kill_broker(1)
    start = cluster.now_ms
    with pytest.raises(KafkaTimeoutError, match="Timeout of 1500ms expired"):
        consumer.commit({T0: 7})
    # backoff 100, 200, 400, 800 (retry.backoff.max.ms 1000), cut at the deadline
    assert cluster.now_ms - start == 1500


def test_auto_commit_failures_are_journaled_once_and_retried() -> None:
    cluster = Cluster(brokers=1, seed=2)
    cluster.create_topic("t")
    cluster.produce("t", "a")
    consumer = cluster.consumer(group_id="g", auto_offset_reset="earliest")
    consumer.assign([T0])  # assign() with a group.id auto-commits too
    assert poll_values(consumer, 1) == [(0, b"a")]
    cluster.kill_broker(1)
    poll_values(consumer, 12)
    assert [e["error"] for e in events(cluster, "auto_commit_failed")] == [
        "CoordinatorNotAvailableError"]
    _, back = poll_until_registered(cluster, consumer, 1)
    poll_values(consumer, 1)
    assert len(events(cluster, "auto_commit_failed")) == 1  # still the same failure
    (committed,) = cluster.journal.of_kind("offsets_committed")
    assert committed.data["offsets"] == [
        {"topic": "t", "partition": 0, "offset": 1, "metadata": ""}]
    assert back <= committed.time_ms <= back + consumer.config.retry_backoff_ms


def test_a_group_member_does_not_auto_commit_while_its_coordinator_is_unknown() -> None:
    cluster = Cluster(brokers=1, seed=2)
    cluster.create_topic("t")
    cluster.produce("t", "a")
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest")
    poll_values(consumer, 4)
    cluster.kill_broker(1)
    poll_values(consumer, 12)  # Kafka's poll() waits for the coordinator first
    assert events(cluster, "auto_commit_failed") == []
    poll_until_registered(cluster, consumer, 1)
    assert events(cluster, "auto_commit_failed") == []
    poll_values(consumer, 6)
    assert consumer.committed(T0) == 1


def test_consumers_see_only_replicated_records() -> None:
    cluster = replicated_cluster()
    cluster.produce("t", "safe", partition=0)
    consumer = cluster.consumer(group_id=None)
    consumer.assign([T0])
    consumer.seek(T0, 0)
    assert [r.value for r in consumer.poll(0)[T0]] == [b"safe"]
    cluster.produce("t", "pending", partition=0, acks=1)  # on the leader only
    assert consumer.poll(0) == {}
    assert consumer.highwater(T0) == 1
    cluster.advance(0)  # the followers copy it; the high watermark moves
    assert [r.value for r in consumer.poll(0)[T0]] == [b"pending"]


def test_unreplicated_acks_1_records_die_with_their_leader_unseen() -> None:
    cluster = replicated_cluster()
    cluster.produce("t", "safe", partition=0)
    consumer = cluster.consumer(group_id=None)
    consumer.assign([T0])
    consumer.seek(T0, 0)
    cluster.produce("t", "doomed", partition=0, acks=1)
    old = leader(cluster)
    assert old is not None
    cluster.kill_broker(old)
    seen = [r.value for records in [consumer.poll(1000) for _ in range(15)]
            for r in records.get(T0, [])]
    assert seen == [b"safe"]
    assert leader(cluster) not in (None, old)


def failure_scenario(seed: int) -> tuple[str, list[tuple[int, bytes]]]:
    cluster = Cluster(brokers=3, seed=seed)
    cluster.create_topic("t", partitions=2, replication_factor=3)
    for i in range(8):
        cluster.produce("t", f"v{i}", partition=i % 2)
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest",
                                max_poll_records=3)
    got = poll_values(consumer, 2)
    victim = cluster.groups.find_coordinator("g")
    assert victim is not None
    cluster.kill_broker(victim)
    got += poll_values(consumer, 4)
    consumer.commit()
    got += poll_values(consumer, 12)
    cluster.restart_broker(victim)
    got += poll_values(consumer, 3)
    consumer.close()
    return cluster.journal.digest(), got


def test_failures_are_deterministic() -> None:
    first, second = failure_scenario(9), failure_scenario(9)
    assert first == second
    assert sorted(first[1]) == sorted({(i % 2, f"v{i}".encode()) for i in range(8)})


def test_a_consumer_started_while_the_cluster_is_down_waits_without_raising() -> None:
    cluster = Cluster(brokers=1, seed=2)
    cluster.create_topic("t")
    cluster.produce("t", "a")
    cluster.kill_broker(1)
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest")
    assert poll_values(consumer, 3) == []
    (lost,) = events(cluster, "coordinator_unavailable")
    assert lost["coordinator"] is None and lost["member_id"] == ""
    got, back = poll_until_registered(cluster, consumer, 1)
    assert got == []
    assert poll_values(consumer, 5) == [(0, b"a")]
    (found,) = cluster.journal.of_kind("coordinator_changed")
    assert found.data["previous"] is None and found.data["coordinator"] == 1
    assert back <= found.time_ms <= back + consumer.config.retry_backoff_ms


def test_a_controlled_shutdown_and_a_preferred_election_move_the_coordinator() -> None:
    cluster = Cluster(brokers=3, seed=4)
    cluster.create_topic("t", partitions=3, replication_factor=3)
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest")
    poll_values(consumer, 4)
    home = cluster.groups.find_coordinator("g")
    assert home is not None
    cluster.shutdown_broker(home)  # leaderships move at once: no waiting for fencing
    start = cluster.now_ms
    consumer.commit({T0: 0})
    assert cluster.now_ms == start
    away = cluster.groups.find_coordinator("g")
    mark = cluster.journal.last_seq
    cluster.restart_broker(home)  # refused while the stopped incarnation's session lasts
    back = registration_due_ms(cluster, home)
    cluster.advance(back - cluster.now_ms)
    assert registered_ms(cluster, home, mark) == back
    (created,) = events(cluster, "group_created")
    offsets = cluster.describe_topic("__consumer_offsets").partitions[created["partition"]]
    assert offsets.replicas[0] == home and home in offsets.isr  # caught up at once
    cluster.elect_leaders("preferred")
    consumer.commit({T0: 0})
    assert [(e["coordinator"], e["error"]) for e in events(cluster, "coordinator_unavailable")
            ] == [(home, "KafkaConnectionError"), (away, "NotCoordinatorForGroupError")]
    assert [(e["previous"], e["coordinator"]) for e in events(cluster, "coordinator_changed")
            ] == [(home, away), (away, home)]
