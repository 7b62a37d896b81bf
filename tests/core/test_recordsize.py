"""Record sizes follow Kafka's v2 record format."""

from engine.core.recordsize import (
    SIZE_BOUND_EXTRA,
    length_size,
    record_body_size,
    record_size,
    size_at_offset_delta,
    size_upper_bound,
    varint_size,
)


def test_varint_sizes() -> None:
    assert [varint_size(v) for v in (0, 1, -1, 63, 64, -64, -65, 8191, 8192)] == [
        1, 1, 1, 1, 2, 1, 2, 2, 3,
    ]


def test_small_record() -> None:
    # attributes, ts delta, offset delta, key len+3, value len+5, header count = 12 + prefix
    assert record_size(b"abc", b"hello") == 1 + 1 + 1 + 1 + 3 + 1 + 5 + 1 + 1


def test_null_key_costs_one_byte() -> None:
    assert record_size(None, b"v") == record_size(b"", b"v")


def test_size_at_offset_delta_matches_the_full_formula() -> None:
    for delta in (0, 63, 64, 8191, 8192):
        for value in (b"x", b"y" * 100):
            body0 = record_size(b"k", value) - 1 - (1 if record_size(b"k", value) > 65 else 0)
            assert size_at_offset_delta(body0, delta) == record_size(
                b"k", value, offset_delta=delta
            )


def test_length_size_is_the_varint_size_of_a_length() -> None:
    for n in (0, 1, 63, 64, 100, 8191, 8192, 2**20, 2**21 - 1, 2**21, 2**31 - 1):
        assert length_size(n) == varint_size(n)


def test_the_size_upper_bound_is_kafkas_batch_header_plus_max_record_overhead() -> None:
    # AbstractRecords.estimateSizeInBytesUpperBound: 61 + 21 + key, value and headers
    assert SIZE_BOUND_EXTRA == 79
    body = record_body_size(b"k" * 10, b"v" * 1000, [("h", b"x")])
    fields = (1 + 10) + (2 + 1000) + 1 + (1 + 1 + 1 + 1)  # key, value, count, header
    assert size_upper_bound(body) == 61 + 21 + fields
