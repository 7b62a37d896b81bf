"""Record sizes follow Kafka's v2 record format."""

from engine.core.recordsize import record_size, size_at_offset_delta, varint_size


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
