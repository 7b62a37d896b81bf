"""Rebalances as consumers see them: callbacks, protocols, timeouts, static members."""

from __future__ import annotations

import pytest

from engine.core.errors import FencedInstanceIdError, InvalidSessionTimeoutError, KafkaError
from engine.core.records import TopicPartition as TP
from tests.consumer.helpers import Recorder, drive, new_cluster, parts


def _two(cluster, log, **config):
    c1 = cluster.consumer(group_id="g", client_id="c1", **config)
    c1.subscribe(["t"], listener=Recorder("c1", log))
    c1.poll(3000)
    c2 = cluster.consumer(group_id="g", client_id="c2", **config)
    c2.subscribe(["t"], listener=Recorder("c2", log))
    return c1, c2


def test_eager_revokes_everything_before_rejoining() -> None:
    cluster = new_cluster()
    log: list = []
    c1, c2 = _two(cluster, log)
    assert c1.rebalance_protocol == "EAGER"
    c2.poll(0)       # c2 joins: the group starts rebalancing
    c1.poll(3000)    # c1 hears it on its next heartbeat, revokes all, rejoins, leads
    c2.poll(0)       # c2 syncs
    assert log == [("assigned", "c1", [0, 1, 2]),
                   ("revoked", "c1", [0, 1, 2]),
                   ("assigned", "c1", [0, 1]),
                   ("assigned", "c2", [2])]
    assert parts(c1) == [0, 1] and parts(c2) == [2]
    assert c1.generation == c2.generation == 2


def test_cooperative_revokes_only_what_moves_then_rebalances_again() -> None:
    cluster = new_cluster()
    log: list = []
    c1, c2 = _two(cluster, log, partition_assignment_strategy=["cooperative-sticky"])
    assert c1.rebalance_protocol == "COOPERATIVE"
    drive([c2, c1], rounds=3, timeout_ms=3000)
    assert log == [("assigned", "c1", [0, 1, 2]),
                   ("revoked", "c1", [2]),      # only the partition that moves
                   ("assigned", "c1", []),      # always called, even with nothing new
                   ("assigned", "c1", []),      # the follow-up rebalance
                   ("assigned", "c2", [2])]
    assert parts(c1) == [0, 1] and parts(c2) == [2]
    generations = [e.data["generation"] for e in cluster.journal
                   if e.kind == "group_generation_started"]
    assert generations == [1, 2, 3]


def _third_joins(strategy):
    cluster = new_cluster(partitions=4)
    c1, c2 = (cluster.consumer("t", group_id="g", client_id=f"c{i}", auto_offset_reset="earliest",
                               partition_assignment_strategy=strategy) for i in (1, 2))
    drive([c1, c2], rounds=3, timeout_ms=2000)
    owned = parts(c1)
    c3 = cluster.consumer("t", group_id="g", client_id="c3", partition_assignment_strategy=strategy)
    c3.poll(0)
    c1.poll(3000)  # c1 hears of the rebalance and rejoins; c2 has not rejoined yet
    assert cluster.groups.group_state("g") == "PreparingRebalance"
    cluster.produce("t", "x", partition=owned[0])
    return cluster, c1, owned


def test_eager_stops_the_world() -> None:
    _, c1, _ = _third_joins(["range"])
    assert parts(c1) == []     # everything was revoked before the rejoin
    assert c1.poll(0) == {}    # so nothing is read until the rebalance completes


def test_cooperative_keeps_consuming_during_the_rebalance() -> None:
    _, c1, owned = _third_joins(["cooperative-sticky"])
    assert parts(c1) == owned  # it keeps its partitions while rejoining
    got = c1.poll(0)
    assert [r.value for r in got[TP("t", owned[0])]] == [b"x"]


def test_more_consumers_than_partitions_leaves_one_idle() -> None:
    cluster = new_cluster(partitions=3)
    consumers = [cluster.consumer("t", group_id="g", client_id=f"c{i}") for i in range(4)]
    drive(consumers, rounds=3, timeout_ms=2000)
    assignments = [parts(c) for c in consumers]
    assert sorted(len(a) for a in assignments) == [0, 1, 1, 1]
    assert sorted(p for a in assignments for p in a) == [0, 1, 2]
    description = cluster.groups.describe_group("g")
    assert description.state == "Stable" and len(description.members) == 4


def test_session_timeout_of_a_crashed_member_rebalances_the_rest() -> None:
    cluster = new_cluster()
    log: list = []
    c1, c2 = _two(cluster, log)
    drive([c2, c1], rounds=2, timeout_ms=3000)
    assert parts(c2) == [2]
    c2.crash()
    drive([c1], rounds=50, timeout_ms=1000)
    removed = [e for e in cluster.journal if e.kind == "member_removed"]
    assert [e.data["reason"] for e in removed] == ["session_timeout"]
    assert parts(c1) == [0, 1, 2]
    assert log[-2:] == [("revoked", "c1", [0, 1]), ("assigned", "c1", [0, 1, 2])]


def test_poll_interval_expiry_leaves_the_group_and_loses_partitions() -> None:
    cluster = new_cluster()
    log: list = []
    c1, c2 = _two(cluster, log, max_poll_interval_ms=10000)
    drive([c2, c1], rounds=2, timeout_ms=3000)
    assert parts(c2) == [2]
    drive([c1], rounds=20, timeout_ms=1000)  # c2 stops calling poll()
    expired = [e.data for e in cluster.journal if e.kind == "poll_timeout_expired"]
    assert [e["client_id"] for e in expired] == ["c2"]
    assert parts(c1) == [0, 1, 2]
    c2.poll(0)  # it finds out it is no longer a member
    assert ("lost", "c2", [2]) in log


def test_static_member_restart_gets_its_partitions_back_without_rebalance() -> None:
    cluster = new_cluster()
    a = cluster.consumer("t", group_id="g", group_instance_id="a")
    b = cluster.consumer("t", group_id="g", group_instance_id="b")
    drive([a, b], rounds=3, timeout_ms=2000)
    assert a.client_id == "consumer-g-a"
    before = parts(b)
    generation = cluster.groups.describe_group("g").generation
    b.close()  # a static member does not send LeaveGroup
    assert cluster.groups.group_state("g") == "Stable"
    b2 = cluster.consumer("t", group_id="g", group_instance_id="b")
    b2.poll(0)
    assert parts(b2) == before
    assert cluster.groups.describe_group("g").generation == generation
    assert [e.kind for e in cluster.journal if e.kind == "static_member_replaced"]


def test_first_poll_waits_for_the_initial_rebalance_delay() -> None:
    cluster = new_cluster()
    cluster.produce("t", "v", partition=0)
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest")
    assert consumer.poll(2999) == {}
    got = consumer.poll(5000)
    assert cluster.now_ms == 3000 and got[TP("t", 0)][0].value == b"v"


def test_auto_commit_happens_inside_poll_at_the_interval() -> None:
    cluster = new_cluster(partitions=1)
    for i in range(3):
        cluster.produce("t", f"v{i}")
    consumer = cluster.consumer("t", group_id="g", auto_offset_reset="earliest")
    assert len(consumer.poll(3000)[TP("t", 0)]) == 3   # at 3000: assigned and read
    assert consumer.committed(TP("t", 0)) is None
    consumer.poll(4999)                                 # until 7999: not yet due
    assert consumer.committed(TP("t", 0)) is None
    consumer.poll(1)                                    # 8000 = 3000 + 5000
    assert consumer.committed(TP("t", 0)) == 3
    commits = [e for e in cluster.journal if e.kind == "offsets_committed"]
    assert [(e.time_ms, e.data["auto"]) for e in commits] == [(8000, True)]


def test_close_commits_and_leaves() -> None:
    cluster = new_cluster(partitions=1)
    cluster.produce("t", "v")
    log: list = []
    consumer = cluster.consumer(group_id="g", auto_offset_reset="earliest")
    consumer.subscribe(["t"], listener=Recorder("c", log))
    consumer.poll(5000)
    consumer.close()
    assert consumer.closed and log[-1] == ("revoked", "c", [0])
    assert cluster.groups.committed("g")[TP("t", 0)].offset == 1
    assert cluster.groups.group_state("g") == "Empty"


def test_same_seed_same_journal() -> None:
    def run(seed):
        cluster = new_cluster(seed=seed)
        for i in range(10):
            cluster.produce("t", f"v{i}", key=f"k{i}")
        consumers = [cluster.consumer("t", group_id="g", auto_offset_reset="earliest")
                     for _ in range(2)]
        drive(consumers, rounds=4, timeout_ms=2000)
        consumers[0].close()
        drive(consumers[1:], rounds=2, timeout_ms=2000)
        return cluster.journal.digest(), consumers[1].member_id

    assert run(5) == run(5)
    assert run(5)[1] != run(6)[1]


def test_manual_assignment_with_a_group_auto_commits_as_a_standalone_consumer() -> None:
    cluster = new_cluster(partitions=1)
    cluster.produce("t", "a")
    consumer = cluster.consumer(group_id="solo", auto_offset_reset="earliest")
    consumer.assign([TP("t", 0)])
    consumer.poll(0)
    consumer.poll(5000)
    assert cluster.groups.committed("solo")[TP("t", 0)].offset == 1
    listing = cluster.groups.list_groups()
    assert [(g.group_id, g.protocol_type, g.state) for g in listing] == [("solo", "", "Empty")]


def test_a_custom_assignor_object_runs_in_the_leader() -> None:
    class EverythingToTheFirst:
        name = "first-takes-all"
        supported_protocols = ("EAGER",)

        def assign(self, partitions_per_topic, subscriptions):
            members = sorted(subscriptions)
            every = [TP(t, p) for t, n in sorted(partitions_per_topic.items()) for p in range(n)]
            return {m: (every if i == 0 else []) for i, m in enumerate(members)}

    cluster = new_cluster()
    consumers = [cluster.consumer("t", group_id="g", client_id=f"c{i}",
                                  partition_assignment_strategy=[EverythingToTheFirst()])
                 for i in range(2)]
    drive(consumers, rounds=3, timeout_ms=2000)
    first = min(consumers, key=lambda c: c.member_id)
    assert parts(first) == [0, 1, 2]
    assert cluster.groups.describe_group("g").protocol == "first-takes-all"


def test_eager_sticky_keeps_partitions_when_a_member_leaves() -> None:
    # StickyAssignor javadoc example 1, run through the real group protocol.
    cluster = new_cluster()
    topics = ["t0", "t1", "t2", "t3"]
    for topic in topics:
        cluster.create_topic(topic, partitions=2)
    consumers = [cluster.consumer(*topics, group_id="g", group_instance_id=f"C{i}",
                                  partition_assignment_strategy="sticky") for i in range(3)]
    drive(consumers, rounds=3, timeout_ms=2000)

    def owned(consumer):
        return sorted((tp.topic, tp.partition) for tp in consumer.assignment())

    first = [owned(c) for c in consumers]
    assert first == [[("t0", 0), ("t1", 1), ("t3", 0)], [("t0", 1), ("t2", 0), ("t3", 1)],
                     [("t1", 0), ("t2", 1)]]
    leaving = consumers[1]
    member_id = leaving.member_id
    leaving.close()  # static: no LeaveGroup; remove it as an admin would
    cluster.groups.leave_group("g", member_id, "C1")
    drive([consumers[0], consumers[2]], rounds=3, timeout_ms=2000)
    after = [owned(consumers[0]), owned(consumers[2])]
    assert set(first[0]) <= set(after[0]) and set(first[2]) <= set(after[1])
    assert sorted(after[0] + after[1]) == sorted(first[0] + first[1] + first[2])


def test_changing_the_subscription_rebalances() -> None:
    cluster = new_cluster()
    cluster.create_topic("u", partitions=1)
    log: list = []
    consumer = cluster.consumer(group_id="g", partition_assignment_strategy="cooperative-sticky")
    consumer.subscribe(["t", "u"], listener=Recorder("c", log))
    consumer.poll(3000)
    assert consumer.assignment() == {TP("t", 0), TP("t", 1), TP("t", 2), TP("u", 0)}
    consumer.subscribe(["t"], listener=Recorder("c", log))
    consumer.poll(0)
    assert consumer.assignment() == {TP("t", 0), TP("t", 1), TP("t", 2)}
    assert log[-2:] == [("revoked", "c", [0]), ("assigned", "c", [])]  # only u-0 went


def test_commit_inside_on_partitions_revoked() -> None:
    cluster = new_cluster(partitions=2)
    for p in (0, 1):
        cluster.produce("t", "v", partition=p)
    holder: dict = {}

    class CommitOnRevoke(Recorder):
        def on_partitions_revoked(self, revoked):
            super().on_partitions_revoked(revoked)
            holder["c"].commit()

    log: list = []
    c1 = cluster.consumer(group_id="g", enable_auto_commit=False, auto_offset_reset="earliest")
    holder["c"] = c1
    c1.subscribe(["t"], listener=CommitOnRevoke("c1", log))
    assert sum(len(r) for r in c1.poll(3000).values()) == 2
    c2 = cluster.consumer("t", group_id="g", enable_auto_commit=False)
    drive([c2, c1], rounds=2, timeout_ms=3000)
    assert ("revoked", "c1", [0, 1]) in log
    assert {tp.partition: om.offset for tp, om in cluster.groups.committed("g").items()} == {
        0: 1, 1: 1}


def test_a_failing_listener_does_not_stop_the_rebalance() -> None:
    cluster = new_cluster()

    class Broken(Recorder):
        def on_partitions_assigned(self, assigned):
            raise RuntimeError("bug in user code")

    consumer = cluster.consumer(group_id="g")
    consumer.subscribe(["t"], listener=Broken("c", []))
    with pytest.raises(KafkaError, match="User rebalance callback throws an error"):
        consumer.poll(3000)
    assert parts(consumer) == [0, 1, 2]
    assert consumer.poll(0) == {}


def test_a_session_timeout_outside_the_brokers_range_is_refused() -> None:
    cluster = new_cluster()
    consumer = cluster.consumer("t", group_id="g", session_timeout_ms=1000)
    with pytest.raises(InvalidSessionTimeoutError, match=r"group\.min\.session\.timeout\.ms"):
        consumer.poll(0)


def test_a_second_consumer_with_the_same_instance_id_fences_the_first() -> None:
    cluster = new_cluster()
    first = cluster.consumer("t", group_id="g", group_instance_id="a")
    first.poll(3000)
    second = cluster.consumer("t", group_id="g", group_instance_id="a")
    second.poll(0)
    assert parts(second) == [0, 1, 2]
    cluster.advance(3000)  # the first one's next heartbeat is refused
    with pytest.raises(FencedInstanceIdError):
        first.poll(0)


def test_the_leader_rejects_a_cooperative_assignor_that_moves_an_owned_partition() -> None:
    # ConsumerCoordinator.validateCooperativeAssignment: an owned partition may not go
    # straight to another member.
    from engine.core.errors import IllegalStateError

    class Rotate:
        name = "rotate"
        supported_protocols = ("COOPERATIVE",)

        def assign(self, partitions_per_topic, subscriptions):
            members = sorted(subscriptions)
            every = [TP(t, p) for t, n in sorted(partitions_per_topic.items()) for p in range(n)]
            if all(not subscriptions[m].owned_partitions for m in members):
                return {m: (every if i == 0 else []) for i, m in enumerate(members)}
            return {m: (every if i == len(members) - 1 else []) for i, m in enumerate(members)}

    cluster = new_cluster()
    first = cluster.consumer("t", group_id="g", client_id="c0",
                             partition_assignment_strategy=[Rotate()])
    first.poll(3000)
    assert parts(first) == [0, 1, 2]
    second = cluster.consumer("t", group_id="g", client_id="c1",
                              partition_assignment_strategy=[Rotate()])
    text = "Assignor supporting the COOPERATIVE protocol violates its requirements"
    with pytest.raises(IllegalStateError, match=text):
        drive([second, first], rounds=3, timeout_ms=2000)


def test_assignors_without_a_common_protocol_are_named_as_a_java_set() -> None:
    # ConsumerCoordinator: Collectors.toSet() of the names, printed without quotes.
    class OnlyCooperative:
        name = "only-cooperative"
        supported_protocols = ("COOPERATIVE",)

        def assign(self, partitions_per_topic, subscriptions):
            return {}

    from engine.core.errors import IllegalArgumentError

    cluster = new_cluster()
    with pytest.raises(IllegalArgumentError,
                       match=r"Specified assignors \[range, only-cooperative\] do not have "
                             "commonly supported rebalance protocol"):
        cluster.consumer("t", group_id="g",
                         partition_assignment_strategy=["range", OnlyCooperative()])


def test_commit_timeout_text_prints_offsets_as_a_java_map() -> None:
    from engine.consumer.membership import java_offsets
    from engine.group.state import OffsetAndMetadata

    text = java_offsets({TP("t", 1): 7, ("t", 0): (3, "m"),
                         TP("u", 0): OffsetAndMetadata(5, "", 0, 2)})
    assert text == (
        "{t-0=OffsetAndMetadata{offset=3, leaderEpoch=null, metadata='m'}, "
        "t-1=OffsetAndMetadata{offset=7, leaderEpoch=null, metadata=''}, "
        "u-0=OffsetAndMetadata{offset=5, leaderEpoch=2, metadata=''}}")
