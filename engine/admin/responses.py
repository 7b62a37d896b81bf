"""Admin responses shaped like aiokafka's protocol ``Response`` objects.

aiokafka's ``AIOKafkaAdminClient`` returns the broker's raw responses for ``create_topics``,
``delete_topics`` and ``describe_consumer_groups``: objects whose fields are attributes, whose
array fields hold plain tuples, whose ``repr`` names every field and whose ``to_object()``
turns the whole response into dicts. The engine's admin client answers with the classes
below, named after the versions aiokafka 0.14 negotiates with a Kafka 4.x broker, so the
same lesson code (``response.topic_errors``, ``response.to_object()``) works on both.
"""

from __future__ import annotations

from typing import Any, ClassVar

#: A field: its name and, for an array of structs, the sub-schema of each element.
Schema = tuple[tuple[str, "Schema | None"], ...]


def _named(value: Any, schema: Schema | None) -> Any:
    """``value`` with its structs as dicts, following ``schema``."""
    if schema is None:
        return value
    return [{name: _named(v, sub) for (name, sub), v in zip(schema, item, strict=True)}
            for item in value]


def _repr(value: Any, schema: Schema | None) -> str:
    if schema is None:
        return repr(value)
    items = (", ".join(f"{name}={_repr(v, sub)}"
                       for (name, sub), v in zip(schema, item, strict=True))
             for item in value)
    return "[" + ", ".join(f"({text})" for text in items) + "]"


class Response:
    """A response: fields in ``SCHEMA`` order; arrays of structs hold plain tuples."""

    SCHEMA: ClassVar[Schema] = ()

    def __init__(self, **fields: Any) -> None:
        names = [name for name, _ in self.SCHEMA]
        if set(fields) != set(names):
            raise TypeError(f"{type(self).__name__} needs the fields {names}")
        for name in names:
            setattr(self, name, fields[name])

    def to_object(self) -> dict[str, Any]:
        """The response as nested dicts, as aiokafka's ``Response.to_object()``."""
        return {name: _named(getattr(self, name), sub) for name, sub in self.SCHEMA}

    def __repr__(self) -> str:
        body = ", ".join(f"{name}={_repr(getattr(self, name), sub)}" for name, sub in self.SCHEMA)
        return f"{type(self).__name__}({body})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.to_object() == other.to_object()

    __hash__ = None  # type: ignore[assignment]


class CreateTopicsResponse_v3(Response):  # aiokafka's class name
    """CreateTopics: ``topic_errors`` is a list of ``(topic, error_code, error_message)``."""

    SCHEMA = (("throttle_time_ms", None),
              ("topic_errors", (("topic", None), ("error_code", None),
                                ("error_message", None))))


class DeleteTopicsResponse_v3(Response):  # aiokafka's class name
    """DeleteTopics: ``topic_error_codes`` is a list of ``(topic, error_code)``."""

    SCHEMA = (("throttle_time_ms", None),
              ("topic_error_codes", (("topic", None), ("error_code", None))))


MEMBER_SCHEMA: Schema = (("member_id", None), ("client_id", None), ("client_host", None),
                         ("member_metadata", None), ("member_assignment", None))


class DescribeGroupsResponse_v2(Response):  # aiokafka's class name
    """DescribeGroups: ``groups`` is a list of ``(error_code, group, state, protocol_type,
    protocol, members)``, each member ``(member_id, client_id, client_host,
    member_metadata, member_assignment)`` with the consumer protocol's bytes."""

    SCHEMA = (("throttle_time_ms", None),
              ("groups", (("error_code", None), ("group", None), ("state", None),
                          ("protocol_type", None), ("protocol", None),
                          ("members", MEMBER_SCHEMA))))


class CreatePartitionsResponse_v1(Response):  # aiokafka's class name
    """CreatePartitions: ``topic_errors`` is a list of ``(topic, error_code, error_message)``."""

    SCHEMA = (("throttle_time_ms", None),
              ("topic_errors", (("topic", None), ("error_code", None),
                                ("error_message", None))))


CreateTopicsResponse = CreateTopicsResponse_v3
DeleteTopicsResponse = DeleteTopicsResponse_v3
DescribeGroupsResponse = DescribeGroupsResponse_v2
CreatePartitionsResponse = CreatePartitionsResponse_v1
