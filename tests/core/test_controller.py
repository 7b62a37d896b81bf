"""The KRaft controller: fencing, elections, leader epochs, the quorum."""

import pytest

from engine import Cluster


def _rf3(controller: str = "dedicated", **configs: object) -> Cluster:
    c = Cluster(brokers=3, seed=0, controller=controller)
    c.create_topic("t", partitions=1, replication_factor=3, configs=configs or None)
    return c


def _part(c: Cluster):  # type: ignore[no-untyped-def]
    return c.describe_topic("t").partitions[0]


def test_a_crashed_leader_is_fenced_9000_ms_after_its_last_heartbeat() -> None:
    c = _rf3()
    leader = _part(c).leader
    c.advance(3000)  # heartbeats at 0 and 2000
    c.kill_broker(leader)
    c.advance(7999)
    assert _part(c).leader == leader  # still registered: clients see the dead leader
    c.advance(1)
    fenced = c.journal.of_kind("broker_fenced")[-1]
    assert fenced.time_ms == 11000 and fenced.data["reason"] == "session_timeout"
    elected = c.journal.of_kind("leader_elected")[-1]
    p = _part(c)
    # the next in-sync replica in assignment order, epoch bumped, dead broker out of the ISR
    assert p.leader == p.replicas[1] and p.leader_epoch == 1 and leader not in p.isr
    assert elected.data["election"] == "fenced" and elected.data["previous_leader"] == leader


def test_without_elr_the_last_isr_member_stays_when_it_is_fenced() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated", eligible_leader_replicas=False)
    c.create_topic("t", partitions=1, replication_factor=3)
    order = list(_part(c).replicas)
    for b in order:
        c.kill_broker(b)
        c.advance(10000)
    p = _part(c)
    assert p.leader is None and p.isr == (order[-1],)
    assert p.unavailable and p.under_min_isr
    c.restart_broker(order[0])  # not in the ISR: no clean election possible
    c.advance(2000)
    assert _part(c).leader is None
    c.restart_broker(order[-1])  # the last ISR member comes back and leads again
    c.advance(2000)
    assert _part(c).leader == order[-1]
    assert _part(c).elr == () and _part(c).last_known_elr == ()


def test_unclean_election_takes_an_out_of_sync_replica_and_loses_records() -> None:
    c = Cluster(brokers=2, seed=0, controller="dedicated")
    c.create_topic("t", partitions=1, replication_factor=2,
                   configs={"unclean.leader.election.enable": "true"})
    leader, follower = _part(c).replicas
    c.produce("t", "committed-on-both")
    c.kill_broker(follower)
    c.advance(10000)
    for i in range(3):
        c.produce("t", f"only-on-leader-{i}")
    c.kill_broker(leader)
    c.restart_broker(follower)
    c.advance(10000)
    event = c.journal.of_kind("leader_elected")[-1]
    assert event.data["election"] == "unclean" and event.data["leader"] == follower
    assert event.data["lost_offsets"] == [1, 4]
    assert _part(c).isr == (follower,)
    assert [r.value for r in c.fetch("t", 0)] == [b"committed-on-both"]


def test_without_unclean_election_the_partition_waits_for_its_isr() -> None:
    c = Cluster(brokers=2, seed=0, controller="dedicated")
    c.create_topic("t", partitions=1, replication_factor=2)
    leader, follower = _part(c).replicas
    c.kill_broker(follower)
    c.advance(10000)
    c.kill_broker(leader)
    c.restart_broker(follower)
    c.advance(10000)
    assert _part(c).leader is None


def test_preferred_election_moves_leadership_back() -> None:
    c = _rf3()
    preferred = _part(c).leader
    c.kill_broker(preferred)
    c.advance(10000)
    c.restart_broker(preferred)
    assert _part(c).leader != preferred and preferred in _part(c).isr
    assert c.elect_leaders("preferred", [("t", 0)]) == {("t", 0): None}
    p = _part(c)
    assert p.leader == preferred and p.leader_epoch == 2
    assert c.journal.of_kind("leader_elected")[-1].data["election"] == "preferred"
    result = c.elect_leaders("preferred", [("t", 0)])
    assert type(result[("t", 0)]).__name__ == "ElectionNotNeededError"


def test_the_controller_rebalances_leaders_after_the_imbalance_interval() -> None:
    c = _rf3()
    preferred = _part(c).leader
    c.kill_broker(preferred)
    c.advance(9000)
    c.restart_broker(preferred)
    c.advance(299_999)
    assert _part(c).leader != preferred
    c.advance(1)
    assert _part(c).leader == preferred


def test_controlled_shutdown_moves_leadership_before_stopping() -> None:
    c = _rf3()
    leader = _part(c).leader
    c.shutdown_broker(leader)
    kinds = [e.kind for e in c.journal][-3:]
    assert kinds == ["broker_controlled_shutdown", "leader_elected", "broker_shutdown"]
    p = _part(c)
    assert p.leader != leader and leader not in p.isr and c.now_ms == 0
    assert not c.describe_brokers()[leader - 1].fenced  # in controlled shutdown, not fenced
    c.advance(9000)  # fenced when its session times out, as Kafka 4.4 does
    fenced = c.journal.of_kind("broker_fenced")[-1]
    assert (fenced.time_ms, fenced.data["broker"], fenced.data["reason"]) == (
        9000, leader, "session_timeout")


def test_combined_quorum_elects_a_new_controller_and_loses_it_without_a_majority() -> None:
    c = _rf3(controller="combined")
    assert c.controller_id == 1
    c.kill_broker(1)
    assert c.controller_id is None
    c.advance(2000)
    assert c.controller_id == 2
    assert c.journal.of_kind("controller_elected")[-1].data == {"controller": 2, "epoch": 2}
    c.advance(9000)  # the new controller counts broker 1's session from its own start
    assert c.journal.of_kind("broker_fenced")[-1].time_ms == 11000
    c.kill_broker(2)
    c.advance(60000)
    assert c.controller_id is None  # one voter of three: no quorum, nothing is fenced
    assert {b.broker_id for b in c.describe_brokers() if b.fenced} == {1}


def test_a_quick_restart_waits_for_the_old_session_to_expire() -> None:
    """Kafka refuses the new incarnation's registration (DuplicateBrokerRegistration)
    while the crashed one's session is valid; the broker retries every heartbeat interval."""
    c = _rf3()
    leader = _part(c).leader
    c.advance(1000)
    c.kill_broker(leader)  # last heartbeat at 0 ms: the session ends at 9000 ms
    c.restart_broker(leader)
    refused = c.journal.of_kind("broker_registration_refused")
    assert [e.time_ms for e in refused] == [1000]
    assert refused[0].data == {"broker": leader, "error": "DuplicateBrokerRegistrationException",
                               "registered_epoch": refused[0].data["registered_epoch"],
                               "session_expires_ms": 9000}
    assert _part(c).leader == leader  # still the (dead) leader: nothing was fenced
    assert c.describe_brokers()[leader - 1].fenced  # the new incarnation is not registered
    with pytest.raises(ValueError, match="already running"):
        c.restart_broker(leader)
    c.advance(7999)
    assert _part(c).leader == leader
    assert [e.time_ms for e in c.journal.of_kind("broker_registration_refused")] == [
        1000, 3000, 5000, 7000]
    c.advance(1)
    fenced = c.journal.of_kind("broker_fenced")[-1]
    assert (fenced.time_ms, fenced.data["broker"]) == (9000, leader)
    elected = c.journal.of_kind("leader_elected")[-1]
    assert elected.data["election"] == "fenced" and elected.data["previous_leader"] == leader
    c.advance(2000)  # the retry at 11000 ms is accepted
    registered = c.journal.of_kind("broker_registered")[-1]
    assert (registered.time_ms, registered.data["broker"]) == (11000, leader)
    assert registered.data["clean_shutdown"] is False
    p = _part(c)
    assert p.leader != leader and p.isr[-1] == leader  # rejoined once caught up


def test_a_restart_after_a_controlled_shutdown_also_waits_for_the_session() -> None:
    c = _rf3()
    c.shutdown_broker(2)  # its last heartbeat is the one asking to shut down, at 0 ms
    c.restart_broker(2)
    c.advance(8999)
    assert not c.journal.of_kind("broker_registered")
    c.advance(2000)
    registered = c.journal.of_kind("broker_registered")[-1]
    assert (registered.time_ms, registered.data["clean_shutdown"]) == (10000, True)
    assert not c.describe_brokers()[1].fenced


def test_a_broker_killed_while_registering_stops_retrying() -> None:
    c = _rf3()
    c.kill_broker(3)
    c.restart_broker(3)
    c.kill_broker(3)
    c.advance(20_000)
    assert len(c.journal.of_kind("broker_registration_refused")) == 1
    assert not c.journal.of_kind("broker_registered")


# --- eligible leader replicas (KIP-966), on by default as on a new Kafka 4.4 cluster ---
# Each step below was run on a real Kafka 4.4.0 trio with a dedicated controller (topics
# e3: replicas 1,2,3, min.insync.replicas=2; m1: replicas 1,2,3; solo: replica 3) and
# gave the same Isr/Elr/LastKnownElr, broker ids renamed.


def _elr_cluster() -> tuple[Cluster, dict[int, int]]:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("e3", 1, 3, configs={"min.insync.replicas": 2})
    replicas = c.describe_topic("e3").partitions[0].replicas
    return c, dict(zip((1, 2, 3), replicas, strict=True))  # real id -> engine id


def _state(c: Cluster, topic: str, real: dict[int, int]) -> tuple[object, ...]:
    back = {e: r for r, e in real.items()}
    p = c.describe_topic(topic).partitions[0]
    return (None if p.leader is None else back[p.leader], sorted(back[b] for b in p.isr),
            [back[b] for b in p.elr], [back[b] for b in p.last_known_elr])


def test_replicas_leaving_an_isr_below_min_insync_become_eligible_leaders() -> None:
    c, real = _elr_cluster()
    c.kill_broker(real[3])
    c.advance(13_000)
    assert _state(c, "e3", real) == (1, [1, 2], [], [])  # at min.insync.replicas: no ELR
    c.kill_broker(real[1])
    c.advance(13_000)
    assert _state(c, "e3", real) == (2, [2], [1], [])
    c.kill_broker(real[2])
    c.advance(12_000)
    assert _state(c, "e3", real) == (None, [], [1, 2], [2])  # the ISR is empty
    elected = c.journal.of_kind("leader_elected")[-1].data
    assert (elected["elr"], elected["last_known_elr"]) == (sorted([real[1], real[2]]),
                                                           [real[2]])
    c.restart_broker(real[3])  # never in the ELR: nothing to elect
    c.advance(4000)
    assert _state(c, "e3", real) == (None, [], [1, 2], [2])
    c.restart_broker(real[2])  # after a crash: it leaves the ELR when it registers
    c.advance(4000)
    assert _state(c, "e3", real) == (None, [], [1], [2])
    c.restart_broker(real[1])  # the ELR empties: the last known leader, 2, takes over
    c.advance(6000)
    assert _state(c, "e3", real) == (2, [1, 2, 3], [], [])
    unclean = [e.data for e in c.journal.of_kind("leader_elected")
               if e.data["election"] == "unclean"]
    assert [(d["leader"], d["isr"], d["lost_offsets"]) for d in unclean] == [
        (real[2], [real[2]], None)]


def test_a_clean_shutdown_below_min_insync_keeps_the_broker_eligible() -> None:
    c, real = _elr_cluster()
    c.shutdown_broker(real[3])
    c.advance(2000)
    c.shutdown_broker(real[2])
    c.advance(2000)
    assert _state(c, "e3", real) == (1, [1], [2], [])
    c.restart_broker(real[2])  # a clean restart stays in the ELR until it catches up
    c.advance(4000)
    assert _state(c, "e3", real) == (1, [1], [2], [])
    c.advance(6000)
    assert _state(c, "e3", real) == (1, [1, 2], [], [])  # back at min.insync: ELR cleared


def test_an_eligible_leader_replica_is_elected_when_the_isr_is_empty() -> None:
    c, real = _elr_cluster()
    c.shutdown_broker(real[3])
    c.shutdown_broker(real[2])  # ISR [1], ELR [2] (a clean shutdown)
    c.kill_broker(real[1])
    c.advance(10_000)
    assert _state(c, "e3", real) == (None, [], [1, 2], [1])
    c.restart_broker(real[2])
    c.advance(10_000)  # registered (clean), unfenced: elected from the ELR, cleanly
    assert _state(c, "e3", real) == (2, [2], [1], [])  # 1 stays eligible
    elected = c.journal.of_kind("leader_elected")[-1].data
    assert (elected["leader"], elected["election"]) == (real[2], "unfenced")


def test_a_single_replica_partition_empties_its_isr_when_its_broker_dies() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("solo", 1, 1)
    (b,) = c.describe_topic("solo").partitions[0].replicas
    c.kill_broker(b)
    c.advance(13_000)
    p = c.describe_topic("solo").partitions[0]
    assert (p.leader, p.isr, p.elr, p.last_known_elr) == (None, (), (b,), (b,))
    c.restart_broker(b)
    c.advance(1000)
    p = c.describe_topic("solo").partitions[0]
    assert (p.leader, p.isr, p.elr, p.last_known_elr) == (b, (b,), (), ())


def test_elr_off_keeps_every_elr_empty() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated", eligible_leader_replicas=False)
    c.create_topic("e3", 1, 3, configs={"min.insync.replicas": 2})
    for b in c.describe_topic("e3").partitions[0].replicas:
        c.kill_broker(b)
        c.advance(10_000)
    p = c.describe_topic("e3").partitions[0]
    assert p.leader is None and len(p.isr) == 1 and p.elr == () == p.last_known_elr
    assert "elr" not in c.journal.of_kind("leader_elected")[-1].data


def test_eligible_leader_replicas_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="eligible_leader_replicas must be True or False"):
        Cluster(brokers=3, eligible_leader_replicas="no")  # type: ignore[arg-type]
