"""Same seed and same calls: the same journal, byte for byte."""

from engine import Cluster

# 12 without replication, plus replica_fetched and high_watermark_updated for each of
# the six acks=all produce calls to the RF=2 topic.
EXPECTED_EVENTS = 24


def scenario(seed: int) -> Cluster:
    c = Cluster(brokers=3, seed=seed)
    c.create_topic("orders", partitions=3, replication_factor=2)
    for i in range(5):
        c.produce("orders", f"order-{i}", key=f"customer-{i % 2}")
    c.produce_batch("clicks", [(None, f"click-{i}") for i in range(50)])
    c.advance(250)
    c.create_partitions("orders", 6)
    c.produce("orders", "late")
    return c


def test_same_seed_gives_the_same_digest() -> None:
    assert scenario(42).journal.digest() == scenario(42).journal.digest()
    assert scenario(42).journal.to_jsonl() == scenario(42).journal.to_jsonl()


def test_a_different_seed_gives_a_different_journal() -> None:
    assert scenario(1).journal.digest() != scenario(2).journal.digest()


def test_the_journal_records_every_change() -> None:
    kinds = [e.kind for e in scenario(0).journal]
    assert kinds[0] == "cluster_started"
    assert kinds.count("topic_created") == 2
    assert "partitions_created" in kinds and "clock_advanced" in kinds
    assert len(kinds) == EXPECTED_EVENTS
