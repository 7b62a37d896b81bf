"""The acknowledgement history a cluster keeps for the checker."""

from engine import Cluster


def test_record_acks_keeps_every_acknowledgement_in_order() -> None:
    c = Cluster(seed=0)
    c.create_topic("t", partitions=2)
    before = c.produce("t", "not-recorded", key="k")
    history = c.record_acks()
    c.produce("t", "one", key="k", acks=1)
    c.produce_batch("t", [("a", "two"), ("b", "three")])
    assert [(a.value, a.acks) for a in history] == [
        (b"one", 1), (b"two", -1), (b"three", -1)]
    assert history[0].offset == before.offset + 1 and history[0].key == b"k"
