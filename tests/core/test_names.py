"""Topic name rules and texts, checked against Kafka 4.x's ``Topic`` and controller."""

import pytest

from engine.core.errors import InvalidTopicError
from engine.core.names import (
    COLLISION_WARNING,
    INTERNAL_TOPICS,
    MAX_NAME_LENGTH,
    colliding_topic,
    collision_error,
    has_collision_chars,
    invalid_reason,
    is_internal,
    is_valid_topic_name,
    unify_collision_chars,
    validate_topic_name,
)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Topic name is invalid: the empty string is not allowed"),
        (".", "Topic name is invalid: '.' is not allowed"),
        ("..", "Topic name is invalid: '..' is not allowed"),
        ("a" * 250, "Topic name is invalid: the length of '" + "a" * 250
         + "' is longer than the max allowed length 249"),
        ("my topic", "Topic name is invalid: 'my topic' contains one or more characters "
         "other than ASCII alphanumerics, '.', '_' and '-'"),
        ("caf\u00e9", "Topic name is invalid: 'caf\u00e9' contains one or more characters "
         "other than ASCII alphanumerics, '.', '_' and '-'"),
        ("a/b", "Topic name is invalid: 'a/b' contains one or more characters "
         "other than ASCII alphanumerics, '.', '_' and '-'"),
    ],
)
def test_invalid_names_raise_kafkas_text(name: str, message: str) -> None:
    with pytest.raises(InvalidTopicError) as info:
        validate_topic_name(name)
    assert info.value.message == message
    assert info.value.errno == 17
    assert not is_valid_topic_name(name)


@pytest.mark.parametrize("name", ["orders", "a", "...", "a.b_c-D9", "__consumer_offsets",
                                  "x" * MAX_NAME_LENGTH, "-", "_"])
def test_valid_names(name: str) -> None:
    validate_topic_name(name)
    assert invalid_reason(name) is None


def test_length_counts_utf16_units_like_java() -> None:
    # 125 emoji are 250 UTF-16 code units: Java reports the length before the characters.
    name = "\U0001f600" * 125
    assert invalid_reason(name) == (f"the length of '{name}' is longer than the max "
                                    "allowed length 249")
    assert "contains one or more" in (invalid_reason("\U0001f600" * 124) or "")


def test_internal_topics() -> None:
    assert frozenset({"__consumer_offsets", "__transaction_state",
                      "__share_group_state"}) == INTERNAL_TOPICS
    assert is_internal("__consumer_offsets")
    assert not is_internal("__cluster_metadata")
    assert not is_internal("orders")


def test_collision_chars() -> None:
    assert has_collision_chars("a.b")
    assert has_collision_chars("a_b")
    assert not has_collision_chars("a-b")
    assert unify_collision_chars("a.b_c.d") == "a_b_c_d"


def test_colliding_topic() -> None:
    assert colliding_topic("a.b", ["a_b", "x"]) == "a_b"
    assert colliding_topic("a_b", ["a.b"]) == "a.b"
    assert colliding_topic("a_b", ["a_b"]) is None  # same name: "already exists" instead
    assert colliding_topic("ab", ["ab", "a.b"]) is None
    assert colliding_topic("a.b.c", ["a_b.c", "a.b_c"]) == "a.b_c"  # smallest, deterministic


def test_collision_error_text() -> None:
    error = collision_error("metrics.cpu", "metrics_cpu")
    assert isinstance(error, InvalidTopicError)
    assert error.message == "Topic 'metrics.cpu' collides with existing topic: metrics_cpu"
    assert error.errno == 17


def test_collision_warning_text() -> None:
    assert COLLISION_WARNING == (
        "WARNING: Due to limitations in metric names, topics with a period ('.') or "
        "underscore ('_') could collide. To avoid issues it is best to use either, "
        "but not both."
    )
