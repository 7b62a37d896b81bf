"""Java HashMap iteration order, checked against orders Kafka 4.4.0 printed."""

from __future__ import annotations

from engine.cli.hashorder import capacity, copied_map_order, copy_capacity, string_hash


def test_string_hash_is_javas() -> None:
    assert string_hash("hello") == 99162322  # "hello".hashCode()
    assert string_hash("") == 0
    assert string_hash("polygenelubricants") == (-2147483648) & 0xFFFFFFFF


def test_capacities() -> None:
    assert capacity(12) == 16 and capacity(13) == 32
    assert capacity(3, 3) == 4 and capacity(2, 2) == 4
    assert copy_capacity(3) == 8 and copy_capacity(2) == 4 and copy_capacity(6) == 16


def test_describe_orders_seen_from_kafka() -> None:
    # kafka-topics --describe printed these orders (Kafka 4.4.0)
    assert copied_map_order(["cli-a", "cli-b", "cli.d_e"]) == ["cli-b", "cli-a", "cli.d_e"]
    assert copied_map_order(["cli-a", "cli-b"]) == ["cli-b", "cli-a"]
    assert copied_map_order(["cli-cfg", "cli-orders", "cli.mixed_name"]) == [
        "cli.mixed_name", "cli-orders", "cli-cfg"]
