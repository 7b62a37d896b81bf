"""The built-in sticky partitioner and custom partitioners."""

import random

import pytest

from engine import Cluster
from engine.core.errors import IllegalArgumentError, KafkaTimeoutError, MessageSizeTooLargeError
from engine.core.partitioner import (
    StickyPartitioner,
    check_partition,
    custom_partition,
    positive_hash,
)


def test_sticky_stays_until_batch_size_bytes_then_draws_again() -> None:
    sticky = StickyPartitioner(random.Random(0), batch_size=100)
    first = sticky.partition(4)
    assert not sticky.update(60, 4)
    assert sticky.partition(4) == first
    assert sticky.update(40, 4)  # 100 >= batch.size: switch
    assert sticky.produced_bytes == 0


def test_sticky_waits_for_a_full_batch_but_not_past_twice_batch_size() -> None:
    sticky = StickyPartitioner(random.Random(0), batch_size=100)
    sticky.partition(4)
    assert not sticky.update(150, 4, enable_switch=False)
    assert sticky.update(50, 4, enable_switch=False)  # 200 >= 2 * batch.size


def test_sticky_draws_among_available_partitions_only() -> None:
    sticky = StickyPartitioner(random.Random(1), batch_size=1)
    seen = set()
    for _ in range(50):
        seen.add(sticky.partition(6, available=[1, 4]))
        sticky.update(1, 6, available=[1, 4])
    assert seen == {1, 4}


def test_positive_hash_is_murmur2_without_the_sign_bit() -> None:
    assert positive_hash(b"id_3") == 907050291  # murmur2 = -1240433357


class ByRegion:
    """Europe to partition 0, everything else to 1."""

    def partition(self, topic, key, value, num_partitions):
        return 0 if key and key.startswith(b"eu-") else 1


def test_a_custom_partitioner_decides_for_produce_and_produce_batch() -> None:
    c = Cluster()
    c.create_topic("orders", partitions=2)
    assert c.produce("orders", "v", key="eu-1", partitioner=ByRegion()).partition == 0
    metas = c.produce_batch("orders", [("us-1", "a"), ("eu-2", "b")], partitioner=ByRegion())
    assert [m.partition for m in metas] == [1, 0]


@pytest.mark.parametrize(
    ("answer", "error", "text"),
    [
        (-1, IllegalArgumentError,
         "The partitioner generated an invalid partition number: -1. "
         "Partition number should always be non-negative."),
        (5, KafkaTimeoutError,
         "Partition 5 of topic t with partition count 2 is not present in metadata "
         "after 60000 ms."),
        ("0", IllegalArgumentError, "The partitioner returned '0'; a partition must be an int."),
    ],
)
def test_custom_partitioner_answers_are_checked(answer, error, text) -> None:
    class Fixed:
        def partition(self, topic, key, value, num_partitions):
            return answer

    with pytest.raises(error) as info:
        custom_partition(Fixed(), "t", b"k", b"v", 2)
    assert info.value.message == text


def test_check_partition_rejects_bools() -> None:
    with pytest.raises(IllegalArgumentError):
        check_partition("t", True, 3)


def test_a_refused_keyless_record_does_not_move_the_random_source() -> None:
    def run(refuse_first: bool) -> list[int]:
        c = Cluster(seed=9)
        c.create_topic("t", partitions=5, configs={"max.message.bytes": 500})
        if refuse_first:
            with pytest.raises(MessageSizeTooLargeError):
                c.produce("t", "x" * 600)
        return [c.produce("t", "y" * 400).partition for _ in range(200)]

    assert run(True) == run(False)
