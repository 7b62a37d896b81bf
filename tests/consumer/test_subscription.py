"""SubscriptionState: modes, positions kept across reassignment."""

import re

import pytest

from engine.consumer.subscription import SubscriptionState
from engine.core.errors import IllegalStateError
from engine.core.records import TopicPartition as TP


def test_positions_survive_for_partitions_that_stay() -> None:
    state = SubscriptionState()
    state.set_assignment([TP("t", 0), TP("t", 1)])
    state.assignment[TP("t", 0)].position = 5
    state.set_assignment([TP("t", 0), TP("t", 2)])
    assert state.consumed() == {TP("t", 0): 5}
    assert state.assigned() == [TP("t", 0), TP("t", 2)]


def test_modes_are_exclusive_and_patterns_match_whole_names() -> None:
    state = SubscriptionState()
    state.mode, state.pattern = "pattern", re.compile("a.*")
    assert state.subscribed_topics(["ab", "ba", "a"]) == ["ab", "a"]
    with pytest.raises(IllegalStateError, match="mutually exclusive"):
        state.check_mode("manual")
