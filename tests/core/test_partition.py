"""A partition's registration and replica logs."""

from engine.core.partition import PartitionState


def test_a_new_partition_is_led_by_its_first_replica_with_every_replica_in_sync() -> None:
    ps = PartitionState("orders", 0, [2, 3, 1])
    assert ps.leader == 2 and ps.preferred_leader == 2
    assert ps.isr == [2, 3, 1] and ps.leader_epoch == 0 and ps.partition_epoch == 0
    assert sorted(ps.logs) == [1, 2, 3]
    assert ps.leader_log is ps.log_of(2) and ps.log_of(2).broker == 2
    assert ps.log_of(2).epochs == [(0, 0)]
    assert not ps.single and PartitionState("t", 0, [1]).single
    assert ps.belief[3] == (0, 2, (2, 3, 1))
    assert "leader=2" in repr(ps)


def test_only_a_lone_replica_moves_its_high_watermark_on_append() -> None:
    assert PartitionState("t", 0, [1]).log_of(1).hw_follows_leo
    assert not PartitionState("t", 0, [1, 2]).log_of(1).hw_follows_leo
