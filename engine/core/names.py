"""Topic name rules, as Kafka's ``org.apache.kafka.common.internals.Topic`` applies them.

A name is legal when it is 1 to 249 characters of ASCII letters, digits, ``.``, ``_`` and
``-``, and is neither ``.`` nor ``..``. Because metric names turn ``.`` into ``_``, two
names that differ only there (``a.b`` and ``a_b``) collide: the KRaft controller refuses
the second one, and ``kafka-topics --create`` warns about any name with ``.`` or ``_``.
All texts below are Kafka 4.x's (identical in 4.0.0 and 4.1.0).
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.core.errors import InvalidTopicError

MAX_NAME_LENGTH = 249
"""The longest legal topic name (``Topic.MAX_NAME_LENGTH``)."""

GROUP_METADATA_TOPIC_NAME = "__consumer_offsets"
TRANSACTION_STATE_TOPIC_NAME = "__transaction_state"
SHARE_GROUP_STATE_TOPIC_NAME = "__share_group_state"
CLUSTER_METADATA_TOPIC_NAME = "__cluster_metadata"
"""KRaft's metadata log. It is not a regular topic: it is never listed nor described."""

INTERNAL_TOPICS = frozenset(
    {GROUP_METADATA_TOPIC_NAME, TRANSACTION_STATE_TOPIC_NAME, SHARE_GROUP_STATE_TOPIC_NAME}
)
"""The topics Kafka flags as internal (``isInternal`` in metadata, hidden by
``--exclude-internal``)."""

COLLISION_WARNING = (
    "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore "
    "('_') could collide. To avoid issues it is best to use either, but not both."
)
"""What ``kafka-topics --create`` prints (on stdout, before creating) for a name that
contains a ``.`` or a ``_`` -- either one is enough."""

_LEGAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def _java_length(name: str) -> int:
    """``String.length()`` in Java: UTF-16 code units, so a character outside the BMP
    counts twice."""
    return len(name) + sum(1 for c in name if ord(c) > 0xFFFF)


def invalid_reason(name: str) -> str | None:
    """Why ``name`` is not a legal topic name, in Kafka's words, or ``None`` if it is."""
    if name == "":
        return "the empty string is not allowed"
    if name == ".":
        return "'.' is not allowed"
    if name == "..":
        return "'..' is not allowed"
    if _java_length(name) > MAX_NAME_LENGTH:
        return f"the length of '{name}' is longer than the max allowed length {MAX_NAME_LENGTH}"
    if not _LEGAL.issuperset(name):
        return (f"'{name}' contains one or more characters other than "
                "ASCII alphanumerics, '.', '_' and '-'")
    return None


def is_valid_topic_name(name: str) -> bool:
    """Whether ``name`` is a legal topic name."""
    return invalid_reason(name) is None


def validate_topic_name(name: str) -> None:
    """Raise :class:`InvalidTopicError` with the controller's text if ``name`` is illegal.

    The text is ``"Topic name is invalid: <reason>"``, e.g.
    ``Topic name is invalid: '..' is not allowed``.
    """
    reason = invalid_reason(name)
    if reason is not None:
        raise InvalidTopicError(f"Topic name is invalid: {reason}")


def is_internal(name: str) -> bool:
    """Whether ``name`` is one of Kafka's internal topics."""
    return name in INTERNAL_TOPICS


def has_collision_chars(name: str) -> bool:
    """Whether ``name`` contains a ``.`` or a ``_`` (either may collide with the other)."""
    return "." in name or "_" in name


def unify_collision_chars(name: str) -> str:
    """The form used to detect collisions: every ``.`` replaced by ``_``."""
    return name.replace(".", "_")


def colliding_topic(name: str, existing: Iterable[str]) -> str | None:
    """The existing topic that ``name`` collides with, or ``None``.

    As in the controller, only names with collision characters are compared, and a name
    equal to ``name`` itself is not a collision (that is "already exists"). Kafka picks an
    arbitrary one if several collide; we pick the smallest, to stay deterministic.
    """
    if not has_collision_chars(name):
        return None
    unified = unify_collision_chars(name)
    hits = [t for t in existing
            if t != name and has_collision_chars(t) and unify_collision_chars(t) == unified]
    return min(hits) if hits else None


def collision_error(name: str, existing: str) -> InvalidTopicError:
    """The controller's error for a new topic ``name`` that collides with ``existing``."""
    return InvalidTopicError(f"Topic '{name}' collides with existing topic: {existing}")


__all__ = [
    "CLUSTER_METADATA_TOPIC_NAME",
    "COLLISION_WARNING",
    "GROUP_METADATA_TOPIC_NAME",
    "INTERNAL_TOPICS",
    "MAX_NAME_LENGTH",
    "SHARE_GROUP_STATE_TOPIC_NAME",
    "TRANSACTION_STATE_TOPIC_NAME",
    "colliding_topic",
    "collision_error",
    "has_collision_chars",
    "invalid_reason",
    "is_internal",
    "is_valid_topic_name",
    "unify_collision_chars",
    "validate_topic_name",
]
