"""Replica placement: apache/kafka's StripedReplicaPlacerTest vectors, invariants, texts."""

import random
from collections import Counter

import pytest

from engine.core.errors import InvalidPartitionsError, InvalidReplicationFactorError
from engine.core.placement import (
    place_replicas,
    place_replicas_with,
    python_next_int,
    validate_new_partition_count,
)

_M64 = (1 << 64) - 1


def _int32(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x & 0x80000000 else x


class MockRandom:
    """A port of ``org.apache.kafka.server.util.MockRandom`` (default state 17) with
    ``java.util.Random.nextInt(bound)`` on top, to replay Kafka's placer tests."""

    def __init__(self, state: int = 17) -> None:
        self.state = state

    def next(self, bits: int) -> int:
        self.state = (self.state * 2862933555777941757 + 3037000493) & _M64
        return _int32(self.state >> (64 - bits))

    def next_int(self, bound: int) -> int:
        r = self.next(31)
        m = bound - 1
        if bound & m == 0:
            return _int32((bound * r) >> 31)
        u = r
        while True:
            r = u % bound
            if _int32(u - r + m) >= 0:
                return r
            u = self.next(31)


# --- apache/kafka metadata/src/test/.../placement/StripedReplicaPlacerTest.java -------


def test_successful_placement_matches_kafka() -> None:  # testSuccessfulPlacement
    assert place_replicas_with([0, 3, 2, 1], 5, 3, MockRandom().next_int) == [
        [2, 3, 0], [3, 0, 1], [0, 1, 2], [1, 2, 3], [1, 0, 2]]


def test_even_distribution_matches_kafka() -> None:  # testEvenDistribution
    placement = place_replicas_with([0, 1, 2, 3], 200, 2, MockRandom().next_int)
    counts = Counter(tuple(r) for r in placement)
    assert counts == {
        (0, 1): 14, (0, 2): 22, (0, 3): 14, (1, 0): 17, (1, 2): 17, (1, 3): 16,
        (2, 0): 13, (2, 1): 17, (2, 3): 20, (3, 0): 20, (3, 1): 19, (3, 2): 11,
    }


def test_avoid_fenced_replica_matches_kafka() -> None:
    # testAvoidFencedReplicaIfPossibleOnSingleRack
    assert place_replicas_with([3, 1, 0, 4, 2], 5, 4, MockRandom().next_int, fenced={1}) == [
        [3, 4, 0, 2], [4, 0, 2, 3], [0, 2, 3, 4], [2, 3, 4, 0], [0, 4, 3, 2]]


def test_placement_on_fenced_replica_matches_kafka() -> None:
    # testPlacementOnFencedReplicaOnSingleRack: a fenced broker is used, never as leader
    assert place_replicas_with([3, 1, 2], 4, 3, MockRandom().next_int, fenced={1}) == [
        [3, 2, 1], [2, 3, 1], [3, 2, 1], [2, 3, 1]]


def test_single_unfenced_broker_matches_kafka() -> None:
    # testMultiPartitionTopicPlacementOnSingleUnfencedBroker
    assert place_replicas_with([0, 1], 3, 1, MockRandom().next_int, fenced={1}) == [
        [0], [0], [0]]


@pytest.mark.parametrize(
    ("brokers", "rf", "fenced", "message"),
    [
        ([11, 10], 1, {11, 10}, "All brokers are currently fenced, or have all their log "
                                "directories cordoned."),
        ([11, 10], 3, set(), "The target replication factor of 3 cannot be reached because "
                             "only 2 broker(s) are registered or some brokers have all their "
                             "log directories cordoned."),
        ([11, 10], 0, set(), "Invalid replication factor 0: the replication factor must be "
                             "positive."),
    ],
)
def test_placer_texts_match_kafka(brokers: list[int], rf: int, fenced: set[int],
                                  message: str) -> None:
    with pytest.raises(InvalidReplicationFactorError) as info:
        place_replicas_with(brokers, 1, rf, MockRandom().next_int, fenced=fenced)
    assert info.value.message == message


# --- the engine's entry point -------------------------------------------------------


def test_same_seed_same_placement() -> None:
    a = place_replicas([1, 2, 3, 4, 5], 20, 3, random.Random(7))
    b = place_replicas([1, 2, 3, 4, 5], 20, 3, random.Random(7))
    assert a == b
    assert any(place_replicas([1, 2, 3, 4, 5], 20, 3, random.Random(s)) != a
               for s in range(1, 5))


def test_golden_placement_for_seed_0() -> None:
    # Pins the rng mapping (one rng.random() per Java nextInt) so that it cannot drift.
    assert place_replicas([1, 2, 3], 6, 2, random.Random(0)) == [
        [3, 1], [1, 2], [2, 3], [2, 3], [3, 1], [1, 2]]


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize(("brokers", "rf"), [([1], 1), ([1, 2, 3], 3), ([5, 1, 9, 3], 2),
                                              (list(range(1, 7)), 3)])
def test_invariants(seed: int, brokers: list[int], rf: int) -> None:
    rounds = 4
    placement = place_replicas(brokers, rounds * len(brokers), rf, random.Random(seed))
    assert len(placement) == rounds * len(brokers)
    for replicas in placement:
        assert len(replicas) == rf == len(set(replicas))
        assert set(replicas) <= set(brokers)
    # Each round of len(brokers) partitions gives every broker exactly one leadership.
    for r in range(rounds):
        leaders = [p[0] for p in placement[r * len(brokers):(r + 1) * len(brokers)]]
        assert sorted(leaders) == sorted(brokers)


def test_rf_equal_to_broker_count_uses_every_broker() -> None:
    for replicas in place_replicas([1, 2, 3], 10, 3, random.Random(1)):
        assert sorted(replicas) == [1, 2, 3]


def test_draws_follow_java_calls() -> None:
    calls: list[int] = []

    def next_int(bound: int) -> int:
        calls.append(bound)
        return 0

    place_replicas_with([1, 2, 3], 3, 1, next_int)
    assert calls == [3, 1]  # unfenced start offset, then the one rack's offset
    calls.clear()
    place_replicas_with([1, 2, 3], 7, 1, next_int)
    assert calls == [3, 1, 3, 2, 3, 2]  # plus a shuffle (nextInt(3), nextInt(2)) per round
    calls.clear()
    place_replicas_with([1, 2, 3], 2, 2, next_int, fenced={3})
    assert calls == [1, 2, 1]  # fenced list first, then unfenced, then racks


def test_python_next_int_uses_one_random_draw() -> None:
    rng = random.Random(3)
    expected = random.Random(3)
    draw = python_next_int(rng)
    for bound in (1, 2, 7, 1000):
        assert draw(bound) == int(expected.random() * bound)


# --- CreateTopics / CreatePartitions texts ------------------------------------------


def test_rf_larger_than_brokers_create_topics_text() -> None:
    with pytest.raises(InvalidReplicationFactorError) as info:
        place_replicas([1], 1, 3, random.Random(0))
    assert info.value.message == (
        "Unable to replicate the partition 3 time(s): The target replication factor of 3 "
        "cannot be reached because only 1 broker(s) are registered or some brokers have "
        "all their log directories cordoned.")
    assert info.value.errno == 38


def test_all_fenced_create_topics_text() -> None:
    with pytest.raises(InvalidReplicationFactorError) as info:
        place_replicas([1, 2], 1, 1, random.Random(0), fenced={1, 2})
    assert info.value.message == ("Unable to replicate the partition 1 time(s): "
                                  "All brokers are currently fenced, or have all their "
                                  "log directories cordoned.")


@pytest.mark.parametrize("rf", [0, -2, -5])
def test_non_positive_rf_text(rf: int) -> None:
    with pytest.raises(InvalidReplicationFactorError) as info:
        place_replicas([1, 2, 3], 0, rf, random.Random(0))  # rf is checked first
    assert info.value.message == ("Replication factor must be larger than 0, or -1 to use "
                                  "the default value.")


@pytest.mark.parametrize("partitions", [0, -5])
def test_non_positive_partitions_text(partitions: int) -> None:
    with pytest.raises(InvalidPartitionsError) as info:
        place_replicas([1, 2, 3], partitions, 1, random.Random(0))
    assert info.value.message == "Number of partitions was set to an invalid non-positive value."
    assert info.value.errno == 37


def test_create_partitions_gets_the_placers_text_unwrapped() -> None:
    with pytest.raises(InvalidReplicationFactorError) as info:
        place_replicas([1, 2], 2, 3, random.Random(0), starting_partition=4)
    assert info.value.message == ("The target replication factor of 3 cannot be reached "
                                  "because only 2 broker(s) are registered or some "
                                  "brokers have all their log directories cordoned.")


def test_starting_partition_does_not_change_placement() -> None:
    assert (place_replicas([1, 2, 3], 4, 2, random.Random(5), starting_partition=6)
            == place_replicas([1, 2, 3], 4, 2, random.Random(5)))
    with pytest.raises(ValueError):
        place_replicas([1, 2, 3], 1, 1, random.Random(0), starting_partition=-1)


def test_failed_checks_draw_nothing() -> None:
    rng = random.Random(9)
    state = rng.getstate()
    for partitions, rf in [(1, 4), (0, 1), (1, 0)]:
        with pytest.raises((InvalidReplicationFactorError, InvalidPartitionsError)):
            place_replicas([1, 2, 3], partitions, rf, rng)
    assert rng.getstate() == state


def test_new_partition_count_texts() -> None:
    validate_new_partition_count(3, 4, "orders")
    with pytest.raises(InvalidPartitionsError) as same:
        validate_new_partition_count(3, 3, "orders")
    assert same.value.message == "Topic already has 3 partition(s)."
    with pytest.raises(InvalidPartitionsError) as fewer:
        validate_new_partition_count(4, 1, "orders")
    assert fewer.value.message == ("The topic orders currently has 4 partition(s); "
                                   "1 would not be an increase.")
