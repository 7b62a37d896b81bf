"""engine.assignors.get/get_all/names and the default strategy list."""

from __future__ import annotations

import pytest

import engine.assignors as assignors
from engine.assignors import (
    AbstractPartitionAssignor,
    CooperativeStickyAssignor,
    PartitionAssignor,
    RangeAssignor,
    RoundRobinAssignor,
    StickyAssignor,
    TopicPartition,
    sorted_members,
)
from engine.core.errors import KafkaError
from tests.assignors.helpers import sub


class FirstTakesAll(AbstractPartitionAssignor):
    name = "first-takes-all"

    def assign_partitions(self, partitions_per_topic, subscriptions):
        first = sorted_members(subscriptions)[0]
        return {
            first: [
                TopicPartition(t, p)
                for t in subscriptions[first].topics
                for p in range(partitions_per_topic.get(t, 0))
            ]
        }


def test_names_and_defaults() -> None:
    assert assignors.names() == ("range", "roundrobin", "sticky", "cooperative-sticky")
    assert assignors.DEFAULT_STRATEGIES == ("range", "cooperative-sticky")


@pytest.mark.parametrize(
    ("name", "kind", "protocols"),
    [
        ("range", RangeAssignor, ("EAGER",)),
        ("roundrobin", RoundRobinAssignor, ("EAGER",)),
        ("sticky", StickyAssignor, ("EAGER",)),
        ("cooperative-sticky", CooperativeStickyAssignor, ("COOPERATIVE", "EAGER")),
    ],
)
def test_get_by_name_and_by_kafka_class_name(name, kind, protocols) -> None:
    assignor = assignors.get(name)
    assert isinstance(assignor, kind)
    assert isinstance(assignor, PartitionAssignor)
    assert assignor.name == name
    assert assignor.supported_protocols == protocols
    assert isinstance(assignors.get(assignors.JAVA_CLASS_NAMES[name]), kind)


def test_unknown_name_gets_kafkas_text() -> None:
    with pytest.raises(KafkaError, match=r"nope ClassNotFoundException exception occurred$") as e:
        assignors.get("nope")
    assert e.value.message == "nope ClassNotFoundException exception occurred"


def test_custom_assignor_object_or_class() -> None:
    mine = FirstTakesAll()
    assert assignors.get(mine) is mine
    assert isinstance(assignors.get(FirstTakesAll), FirstTakesAll)
    result = mine.assign({"t": 2, "u": 1}, {"b": sub("t"), "a": sub("t", "u")})
    assert result == {
        "a": [TopicPartition("t", 0), TopicPartition("t", 1), TopicPartition("u", 0)],
        "b": [],
    }


def test_not_an_assignor() -> None:
    with pytest.raises(KafkaError, match=r"is not an instance of org\.apache\.kafka\.clients"):
        assignors.get(object())


def test_get_all_refuses_two_assignors_with_one_name() -> None:
    class Impostor(RangeAssignor):
        pass

    found = assignors.get_all(["range", "cooperative-sticky"])
    assert [a.name for a in found] == ["range", "cooperative-sticky"]
    assert [a.name for a in assignors.get_all("range, roundrobin")] == ["range", "roundrobin"]
    with pytest.raises(KafkaError) as error:
        assignors.get_all(["range", Impostor])
    assert error.value.message == (
        "The assignor name: 'range' is used in more than one assignor: "
        "org.apache.kafka.clients.consumer.RangeAssignor, "
        f"{Impostor.__module__}.{Impostor.__qualname__}"
    )


def test_subscriptions_may_be_plain_topic_lists() -> None:
    assert assignors.get("range").assign({"t": 2}, {"a": ["t"], "b": ("t",)}) == {
        "a": [TopicPartition("t", 0)],
        "b": [TopicPartition("t", 1)],
    }


def test_bad_input_is_refused() -> None:
    with pytest.raises(KafkaError, match="Invalid partition count"):
        assignors.get("range").assign({"t": -1}, {"a": sub("t")})
    with pytest.raises(KafkaError, match="not a str"):
        assignors.get("range").assign({"t": 1}, {"a": "t"})
    with pytest.raises(KafkaError, match="Invalid member id"):
        assignors.get("range").assign({"t": 1}, {"": sub("t")})


def test_aiokafka_assignor_classes_stand_for_the_built_ins() -> None:
    from aiokafka.coordinator.assignors.range import RangePartitionAssignor
    from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
    from aiokafka.coordinator.assignors.sticky.sticky_assignor import StickyPartitionAssignor

    assert isinstance(assignors.get(RangePartitionAssignor), RangeAssignor)
    assert isinstance(assignors.get(RoundRobinPartitionAssignor), RoundRobinAssignor)
    assert isinstance(assignors.get(StickyPartitionAssignor), StickyAssignor)
    found = assignors.get_all((RoundRobinPartitionAssignor, "cooperative-sticky"))
    assert [a.name for a in found] == ["roundrobin", "cooperative-sticky"]


def test_a_comma_separated_strategy_list_is_split_as_kafka_lists_are() -> None:
    from engine.assignors.registry import split_strategies
    from engine.consumer.config import DEFAULT_ASSIGNMENT_STRATEGY

    assert split_strategies(" range , ,cooperative-sticky ") == ["range", "cooperative-sticky"]
    assert DEFAULT_ASSIGNMENT_STRATEGY == ("range", "cooperative-sticky")
