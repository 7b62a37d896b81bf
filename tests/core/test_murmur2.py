"""murmur2 and the key partitioner against golden values from Kafka's own tests."""

import random

import pytest

from engine import murmur2, partition_for_key, to_positive

# apache/kafka clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java
UTILS_TEST_VECTORS = {
    b"21": -973932308,
    b"foobar": -790332482,
    b"a-little-bit-long-string": -985981536,
    b"a-little-bit-longer-string": -1486304829,
    b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
    b"abc": 479470107,
}

# kafka-python test/test_partitioner.py: partitions out of 1000, from Kafka's Java partitioner
KAFKA_PYTHON_VECTORS = {
    b"": 681,
    b"a": 524,
    b"ab": 434,
    b"abc": 107,
    b"123456789": 566,
    b"\x00 ": 742,
}


@pytest.mark.parametrize(("data", "expected"), UTILS_TEST_VECTORS.items())
def test_murmur2_matches_java(data: bytes, expected: int) -> None:
    assert murmur2(data) == expected


@pytest.mark.parametrize(("data", "expected"), KAFKA_PYTHON_VECTORS.items())
def test_partition_for_key_matches_java_partitioner(data: bytes, expected: int) -> None:
    assert partition_for_key(data, 1000) == expected


def test_lesson_keys_land_where_real_kafka_puts_them() -> None:
    keys = [f"id_{i}".encode() for i in range(10)]
    assert [partition_for_key(k, 3) for k in keys] == [1, 0, 2, 0, 2, 2, 0, 2, 1, 2]


def test_result_is_a_signed_32_bit_int() -> None:
    values = [murmur2(bytes([i]) * n) for i in range(256) for n in range(1, 9)]
    assert all(-(2**31) <= v < 2**31 for v in values)
    assert any(v < 0 for v in values)


def test_to_positive_masks_the_sign_bit_rather_than_taking_abs() -> None:
    assert to_positive(-1) == 2147483647
    assert to_positive(-(2**31)) == 0
    assert to_positive(5) == 5


def test_partition_count_must_be_positive() -> None:
    with pytest.raises(ValueError):
        partition_for_key(b"k", 0)


def _reference_murmur2(data: bytes) -> int:
    """A line-by-line transcription of Java's loop, to check the optimised version."""
    mask, m = 0xFFFFFFFF, 0x5BD1E995
    length = len(data)
    h = (0x9747B28C ^ length) & mask
    for i in range(length // 4):
        k = int.from_bytes(data[4 * i : 4 * i + 4], "little")
        k = (k * m) & mask
        k ^= k >> 24
        k = (k * m) & mask
        h = (h * m) & mask
        h ^= k
    rest = length % 4
    base = length & ~3
    if rest >= 3:
        h ^= data[base + 2] << 16
    if rest >= 2:
        h ^= data[base + 1] << 8
    if rest >= 1:
        h ^= data[base]
        h = (h * m) & mask
    h ^= h >> 13
    h = (h * m) & mask
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def test_matches_a_plain_transcription_for_all_lengths() -> None:
    rng = random.Random(2024)
    for length in range(0, 300):
        for _ in range(5):
            data = rng.randbytes(length)
            assert murmur2(data) == _reference_murmur2(data), length
