"""Response objects print, compare and convert as aiokafka's protocol responses."""

from __future__ import annotations

import pytest
from aiokafka.protocol.admin import CreateTopicsResponse_v3 as AioCreateTopics
from aiokafka.protocol.admin import DescribeGroupsResponse_v2 as AioDescribeGroups

from engine.admin.responses import CreateTopicsResponse_v3, DescribeGroupsResponse_v2


def test_repr_and_to_object_equal_aiokafkas() -> None:
    fields = {"throttle_time_ms": 0,
              "topic_errors": [("t", 36, "Topic 't' already exists."), ("u", 0, None)]}
    ours, theirs = CreateTopicsResponse_v3(**fields), AioCreateTopics(**fields)
    assert repr(ours) == repr(theirs)
    assert ours.to_object() == theirs.to_object()
    assert ours.topic_errors == theirs.topic_errors


def test_nested_members_print_as_aiokafkas() -> None:
    member = ("m-1", "c", "/127.0.0.1", b"\x00", b"\x01")
    fields = {"throttle_time_ms": 0,
              "groups": [(0, "g", "Stable", "consumer", "range", [member])]}
    ours, theirs = DescribeGroupsResponse_v2(**fields), AioDescribeGroups(**fields)
    assert repr(ours) == repr(theirs)
    assert ours.to_object() == theirs.to_object()
    assert ours == DescribeGroupsResponse_v2(**fields)


def test_missing_fields_are_refused() -> None:
    with pytest.raises(TypeError, match="throttle_time_ms"):
        CreateTopicsResponse_v3(topic_errors=[])
