"""Reading a partition's committed records."""

import pytest

from engine import Cluster
from engine.checker import committed
from engine.checker.committed import committed_records
from engine.errors import LeaderNotAvailableError


def test_committed_records_stop_at_the_high_watermark_in_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(committed, "READ_CHUNK", 2)
    c = Cluster(brokers=2, seed=0, controller="dedicated")
    c.create_topic("t", partitions=1, replication_factor=2)
    for i in range(5):
        c.produce("t", f"v{i}")
    follower = c.describe_topic("t").partitions[0].replicas[1]
    c.kill_broker(follower)
    c.produce("t", "above", acks=1)  # waits for the follower: above the high watermark
    p = c.describe_topic("t").partitions[0]
    assert (p.high_watermark, p.log_end_offset) == (5, 6)
    assert [r.value for r in committed_records(c, "t", p)] == [f"v{i}".encode() for i in range(5)]


def test_committed_records_raise_what_fetch_raises() -> None:
    c = Cluster(brokers=1, seed=0, controller="dedicated")
    c.create_topic("t", partitions=1, replication_factor=1)
    c.produce("t", "a")
    c.kill_broker(1)
    c.advance(10_000)
    p = c.describe_topic("t").partitions[0]
    assert p.leader is None
    with pytest.raises(LeaderNotAvailableError):
        committed_records(c, "t", p._replace(leader=1))
