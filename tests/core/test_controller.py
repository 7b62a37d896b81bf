"""The KRaft controller: fencing, elections, leader epochs, the quorum."""

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


def test_the_last_isr_member_stays_when_it_is_fenced_and_the_partition_has_no_leader() -> None:
    c = _rf3()
    order = list(_part(c).replicas)
    for b in order:
        c.kill_broker(b)
        c.advance(10000)
    p = _part(c)
    assert p.leader is None and p.isr == (order[-1],)
    assert p.unavailable and p.under_min_isr
    c.restart_broker(order[0])  # not in the ISR: no clean election possible
    assert _part(c).leader is None
    c.restart_broker(order[-1])  # the last ISR member comes back and leads again
    assert _part(c).leader == order[-1]


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
    kinds = [e.kind for e in c.journal][-4:]
    assert kinds == ["broker_controlled_shutdown", "leader_elected", "broker_fenced",
                     "broker_shutdown"]
    p = _part(c)
    assert p.leader != leader and leader not in p.isr and c.now_ms == 0


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


def test_a_quick_restart_is_handled_as_a_new_incarnation() -> None:
    c = _rf3()
    leader = _part(c).leader
    c.kill_broker(leader)
    c.restart_broker(leader)  # before its session expired
    elected = c.journal.of_kind("leader_elected")[-1]
    assert elected.data["election"] == "restarted" and elected.data["previous_leader"] == leader
    p = _part(c)
    assert p.leader != leader and p.isr[-1] == leader  # rejoined once caught up
