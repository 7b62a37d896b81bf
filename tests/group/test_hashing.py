"""Java's String.hashCode, Utils.abs and the group's __consumer_offsets partition."""

from engine.group.hashing import java_abs, java_string_hash, partition_for_group


def test_java_string_hash_known_values() -> None:
    # Values printed by Java's "...".hashCode().
    assert java_string_hash("") == 0
    assert java_string_hash("a") == 97
    assert java_string_hash("foo") == 101574
    assert java_string_hash("hello") == 99162322
    assert java_string_hash("Hello, World!") == 1498789909
    assert java_string_hash("polygenelubricants") == -(2**31)  # Integer.MIN_VALUE


def test_hash_counts_utf16_code_units() -> None:
    # U+1F600 is the surrogate pair D83D DE00 in Java: 31 * 0xD83D + 0xDE00.
    assert java_string_hash("\U0001F600") == 31 * 0xD83D + 0xDE00


def test_utils_abs_maps_min_value_to_zero() -> None:
    assert java_abs(-(2**31)) == 0
    assert java_abs(-5) == 5
    assert partition_for_group("polygenelubricants") == 0


def test_partition_for_some_group_ids() -> None:
    assert partition_for_group("foo", 10) == 101574 % 10
    assert partition_for_group("hello") == 99162322 % 50
    # a negative hash: abs first, then modulo
    h = java_string_hash("my-group")
    assert partition_for_group("my-group") == abs(h) % 50
    assert partition_for_group("g") == 103 % 50  # "g".hashCode() == 103


# (group id, String.hashCode(), partition of 50), printed by a JVM (jshell, Java 17+).
JVM_VECTORS = [
    ("g", 103, 3), ("billing", -109829509, 9), ("console-consumer-1", 35782224, 24),
    ("my-group", -1906497762, 12), ("app", 96801, 1), ("hello", 99162322, 22),
    ("orders-service", 23943117, 17), ("\u00e9t\u00e9", 227742, 42),
    ("\U0001F600grp", 1276929186, 36),
]


def test_jvm_vectors() -> None:
    for group, hash_code, partition in JVM_VECTORS:
        assert java_string_hash(group) == hash_code, group
        assert partition_for_group(group) == partition, group
