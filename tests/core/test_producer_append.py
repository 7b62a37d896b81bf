"""append_producer_batch: a producer client's batch appended by the leader, its answer."""

from __future__ import annotations

import pytest

from engine.core import Cluster
from engine.core.errors import InvalidTimestampError
from engine.core.produce import log_timestamp
from engine.core.records import RecordMetadata


def new_cluster(**configs: str) -> Cluster:
    cluster = Cluster(1, seed=3)
    cluster.create_topic("t", 2, configs=configs or None)
    cluster.advance(1_000)
    return cluster


def test_results_give_each_record_its_offset_and_timestamp() -> None:
    cluster = new_cluster()
    cluster.append_records("t", 1, [b"a"], [b"1"], [990], [()], batch_bytes=80, acks=-1)
    pending = cluster.append_records("t", 1, [b"b", None], [b"2", b"3"], [995, 999],
                                     [(), ()], batch_bytes=90, acks=-1)
    assert cluster.acks_reached(pending)
    assert pending.base_offset == 1 and pending.timestamp_type == 0
    assert pending.results == [RecordMetadata("t", 1, 1, 995), RecordMetadata("t", 1, 2, 999)]
    assert [r.timestamp for r in cluster.fetch("t", 1, 0)] == [990, 995, 999]


def test_acks_0_answers_without_offsets() -> None:
    cluster = new_cluster()
    pending = cluster.append_records("t", 0, [b"a", b"b"], [b"1", b"2"], [1000, 1000],
                                     [(), ()], batch_bytes=90, acks=0)
    assert [r.offset for r in pending.results] == [-1, -1]
    assert pending.base_offset == -1 and pending.log_start_offset == -1
    assert len(cluster.fetch("t", 0, 0)) == 2


def test_log_append_time_replaces_every_timestamp() -> None:
    cluster = new_cluster(**{"message.timestamp.type": "LogAppendTime"})
    pending = cluster.append_records("t", 0, [b"a", b"b"], [b"1", b"2"], [5, 6], [(), ()],
                                     batch_bytes=90, acks=1)
    assert pending.timestamp_type == 1
    assert [r.timestamp for r in pending.results] == [cluster.now_ms] * 2


def test_an_out_of_range_timestamp_is_refused_with_kafkas_text_and_nothing_is_written() -> None:
    cluster = new_cluster(**{"message.timestamp.before.max.ms": "100"})
    config = cluster.topic_config("t")
    with pytest.raises(InvalidTimestampError) as raised:
        cluster.append_records("t", 0, [b"a", b"b", b"c"], [b"1", b"2", b"3"],
                               [995, 800, 700], [(), (), ()], batch_bytes=100, acks=-1)
    with pytest.raises(InvalidTimestampError) as expected:
        log_timestamp(config, 800, cluster.now_ms)
    assert str(raised.value) == str(expected.value)
    assert cluster.fetch("t", 0, 0) == []
