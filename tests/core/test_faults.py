"""Fault injection: each fault is journaled; bad calls change nothing."""

import pytest

from engine import Cluster
from engine.errors import KafkaError


def _rf3() -> Cluster:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=3, replication_factor=3)
    return c


def test_each_fault_is_journaled() -> None:
    c = _rf3()
    c.kill_broker(1)
    c.restart_broker(1)
    c.shutdown_broker(2)
    c.restart_broker(2)
    c.advance(10_000)
    c.isolate_broker(3)
    c.heal()
    c.cut_link(1, 2)
    c.heal(1)
    kinds = [e.kind for e in c.journal]
    for kind in ("broker_killed", "broker_restarted", "broker_shutdown", "broker_isolated",
                 "network_healed", "link_cut", "broker_registered", "broker_unfenced",
                 "broker_registration_refused"):
        assert kind in kinds, kind


@pytest.mark.parametrize("call", [
    lambda c: c.kill_broker(9),
    lambda c: c.kill_broker("1"),
    lambda c: c.restart_broker(1),
    lambda c: c.cut_link(1, 1),
    lambda c: c.elect_leaders("bogus"),
    lambda c: c.produce("t", "x", acks=2),
    lambda c: c.produce_batch("t", [(None, "x")], acks="none"),
])
def test_bad_calls_leave_the_journal_unchanged(call) -> None:  # type: ignore[no-untyped-def]
    c = _rf3()
    digest = c.journal.digest()
    with pytest.raises((ValueError, TypeError, KafkaError)):
        call(c)
    assert c.journal.digest() == digest


def test_killing_a_dead_broker_is_refused() -> None:
    c = _rf3()
    c.kill_broker(2)
    digest = c.journal.digest()
    with pytest.raises(ValueError, match="broker 2 is not running"):
        c.kill_broker(2)
    assert c.journal.digest() == digest


def test_a_restarted_broker_truncates_its_unreplicated_records_and_catches_up() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=1, replication_factor=3)
    leader = c.describe_topic("t").partitions[0].leader
    c.produce("t", "kept")
    c.produce("t", "never-replicated", acks=1)
    c.kill_broker(leader)
    c.advance(10000)
    c.produce("t", "new")
    c.restart_broker(leader)
    truncated = c.journal.of_kind("replica_truncated")[-1]
    assert truncated.data == {"topic": "t", "partition": 0, "broker": leader,
                              "leader": c.describe_topic("t").partitions[0].leader,
                              "from_offset": 2, "to_offset": 1, "records": 1}
    values = [r.value for r in c.replica_records("t", 0, leader)]
    assert values == [b"kept", b"new"]
    assert leader in c.describe_topic("t").partitions[0].isr


def test_same_calls_same_journal_with_faults() -> None:
    def run() -> str:
        c = _rf3()
        for i in range(20):
            c.produce("t", f"v{i}", acks=1 if i % 2 else "all")
        c.kill_broker(2)
        c.advance(12000)
        c.isolate_broker(3)
        c.produce("t", "x", acks=1)
        c.advance(40000)
        c.heal()
        c.restart_broker(2)
        return c.journal.digest()

    assert run() == run()


def test_an_isolated_leader_keeps_taking_acks_1_writes_that_are_lost_on_heal() -> None:
    c = Cluster(brokers=3, seed=1, controller="dedicated")
    c.create_topic("z", partitions=1, replication_factor=3)
    c.produce("z", "z0")
    old = c.describe_topic("z").partitions[0].leader
    c.isolate_broker(old)
    c.advance(10000)  # fenced and replaced; it has not heard
    assert c.describe_topic("z").partitions[0].leader != old
    assert next(r for r in c.replicas("z", 0) if r.broker == old).believes_leader
    c.produce_batch("z", [(None, "zombie-1"), (None, "zombie-2")], acks=1, via_broker=old)
    c.produce("z", "new")
    assert [r.value for r in c.replica_records("z", 0, old)] == [b"z0", b"zombie-1",
                                                                 b"zombie-2"]
    c.heal()
    assert c.journal.of_kind("replica_truncated")[-1].data["records"] == 2
    assert [r.value for r in c.replica_records("z", 0, old)] == [b"z0", b"new"]
