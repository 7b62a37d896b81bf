"""The acks setting and the leader's answers about min.insync.replicas."""

import pytest

from engine.core.acks import (
    enough_replicas_reached,
    not_enough_replicas,
    parse_acks,
    scala_set,
)
from engine.core.partition import PartitionState
from engine.errors import (
    InvalidConfigurationError,
    NotEnoughReplicasAfterAppendError,
    NotLeaderOrFollowerError,
)


@pytest.mark.parametrize(("given", "expected"), [
    ("all", -1), (-1, -1), ("-1", -1), (0, 0), ("0", 0), (1, 1), ("1", 1)])
def test_acks_takes_the_producer_configs_values(given: object, expected: int) -> None:
    assert parse_acks(given) == expected


@pytest.mark.parametrize(("given", "shown"), [(2, "2"), ("ALL", "ALL"), (True, "true")])
def test_other_acks_values_get_the_producers_text(given: object, shown: str) -> None:
    with pytest.raises(InvalidConfigurationError) as info:
        parse_acks(given)
    assert info.value.message == (
        f"Invalid value {shown} for configuration acks: String must be one of: all, -1, 0, 1")


def test_the_not_enough_replicas_text_is_kafka_4_1s() -> None:
    error = not_enough_replicas("orders", 0, [2], 2)
    assert error.errno == 19 and error.retriable
    assert error.message == (
        "The size of the current ISR : 1 is insufficient to satisfy the min.isr requirement "
        "of 2 for partition orders-0, live replica(s) broker.id are : Set(2)")
    assert scala_set([3, 1]) == "Set(3, 1)"


def test_an_acks_all_request_completes_when_the_high_watermark_passes_it() -> None:
    ps = PartitionState("t", 0, [1, 2])
    log = ps.logs[1]
    log.append_batch([None], [b"a"], 0, 70)
    assert not enough_replicas_reached(ps, 1, 1, 2)
    log.high_watermark = 1
    assert enough_replicas_reached(ps, 1, 1, 2)
    ps.isr = [1]
    with pytest.raises(NotEnoughReplicasAfterAppendError):
        enough_replicas_reached(ps, 1, 1, 2)
    with pytest.raises(NotLeaderOrFollowerError):
        enough_replicas_reached(ps, 2, 1, 2)
