"""A partition's registration and replica logs."""

from engine.core.partition import PartitionState


def test_a_new_partition_is_led_by_its_first_replica_with_every_replica_in_sync() -> None:
    ps = PartitionState("orders", 0, [2, 3, 1])
    assert ps.leader == 2 and ps.replicas[0] == 2
    assert ps.isr == [2, 3, 1] and ps.leader_epoch == 0 and ps.partition_epoch == 0
    assert sorted(ps.logs) == [1, 2, 3]
    assert ps.logs[2].broker == 2
    assert ps.logs[2].epochs == [(0, 0)]
    assert not ps.single and PartitionState("t", 0, [1]).single
    assert ps.belief[3] == (0, 2, (2, 3, 1))
    assert "leader=2" in repr(ps)


def test_a_new_partition_with_fenced_replicas_starts_with_the_active_ones() -> None:
    ps = PartitionState("orders", 0, [2, 3, 1], active=[3, 1])
    assert ps.leader == 3 and ps.isr == [3, 1] and ps.replicas == [2, 3, 1]
    assert ps.belief[2] == (0, 3, (3, 1))
    assert ps.logs[3].epochs == [(0, 0)] and ps.logs[2].epochs == []
    none_active = PartitionState("orders", 0, [2, 3], active=[])
    assert none_active.leader == 2 and none_active.isr == [2, 3]


def test_believes_leader_and_isr_seen_by_read_each_brokers_belief() -> None:
    ps = PartitionState("t", 0, [1, 2])
    assert ps.believes_leader(1) and not ps.believes_leader(2)
    assert not ps.believes_leader(9)
    assert ps.isr_seen_by(2) == [1, 2]
    ps.leader, ps.leader_epoch, ps.isr = 2, 1, [2]
    ps.belief[2] = (1, 2, (2,))
    assert ps.believes_leader(1) and ps.believes_leader(2)  # 1 did not hear: a zombie
    assert ps.isr_seen_by(2) == [2] and ps.isr_seen_by(1) == [1, 2]


def test_only_a_lone_replica_moves_its_high_watermark_on_append() -> None:
    assert PartitionState("t", 0, [1]).logs[1].hw_follows_leo
    assert not PartitionState("t", 0, [1, 2]).logs[1].hw_follows_leo
