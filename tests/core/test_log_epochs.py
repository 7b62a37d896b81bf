"""The log's replication side: leader-epoch cache, truncation, follower copies."""

from engine.core.log import PartitionLog
from engine.core.replication import divergence_offset


def _log(epochs_and_counts: list[tuple[int, int]]) -> PartitionLog:
    log = PartitionLog("t", 0)
    for epoch, count in epochs_and_counts:
        log.assign_epoch(epoch, log.log_end_offset)
        for i in range(count):
            log.append_batch([None], [f"e{epoch}-{i}".encode()], 0, 70)
    return log


def test_epoch_cache_answers_like_leader_epoch_file_cache() -> None:
    log = _log([(0, 3), (2, 2), (5, 1)])
    assert log.epochs == [(0, 0), (2, 3), (5, 5)]
    assert log.latest_epoch == 5 and log.epoch_at(4) == 2
    assert log.end_offset_for_epoch(0) == (0, 3)
    assert log.end_offset_for_epoch(1) == (0, 3)
    assert log.end_offset_for_epoch(2) == (2, 5)
    assert log.end_offset_for_epoch(7) == (5, 6)
    assert PartitionLog("t", 0).end_offset_for_epoch(3) == (-1, -1)


def test_truncate_drops_the_tail_records_epochs_and_bytes() -> None:
    log = _log([(0, 3), (1, 3)])
    log.high_watermark = 6
    assert log.truncate_to(4) == 2
    assert log.log_end_offset == 4 and log.high_watermark == 4
    assert log.values[-1] == b"e1-0" and log.epochs == [(0, 0), (1, 3)]
    assert log.active_segment.size_bytes == 4 * 70
    assert log.truncate_to(9) == 0


def test_a_follower_copies_records_segments_and_epochs() -> None:
    leader = _log([(0, 2)])
    leader.roll()
    leader.assign_epoch(3, 2)
    leader.append_batch([b"k"], [b"v"], 5, 80, [(("h", b"1"),)])
    follower = PartitionLog("t", 0)
    assert follower.copy_from(leader, leader.log_end_offset) == 3
    assert follower.values == leader.values and follower.headers == {2: (("h", b"1"),)}
    assert [s.base_offset for s in follower.segments] == [0, 2]
    assert [s.size_bytes for s in follower.segments] == [140, 80]
    assert follower.epochs == [(0, 0), (3, 2)]
    assert follower.copy_from(leader, 3) == 0


def test_divergence_truncates_records_of_an_epoch_the_leader_never_had() -> None:
    old_leader = _log([(0, 3), (1, 2)])  # wrote offsets 3, 4 in epoch 1, never replicated
    new_leader = _log([(0, 3), (2, 1)])
    assert divergence_offset(old_leader, new_leader) == 3
    caught_up = _log([(0, 3)])
    assert divergence_offset(caught_up, new_leader) == 3
    assert divergence_offset(PartitionLog("t", 0), new_leader) == 0


def test_restart_at_empties_the_log_at_an_offset() -> None:
    log = _log([(0, 3)])
    log.restart_at(10)
    assert (log.log_start_offset, log.log_end_offset, len(log)) == (10, 10, 0)
