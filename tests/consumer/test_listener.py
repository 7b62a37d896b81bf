"""Listener defaults: lost falls back to revoked, as Java's default method does."""

from engine.consumer.listener import ConsumerRebalanceListener, run_now
from engine.core.records import TopicPartition as TP


def test_lost_defaults_to_revoked() -> None:
    seen = []

    class OnlyRevoked(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked):
            seen.append(revoked)

    OnlyRevoked().on_partitions_lost([TP("t", 0)])
    assert seen == [[TP("t", 0)]]


def test_run_now_runs_coroutines_and_passes_values() -> None:
    async def five():
        return 5

    assert run_now(five()) == 5
    assert run_now(7) == 7
