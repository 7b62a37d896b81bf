"""auto.offset.reset values and Java's Duration.parse syntax."""

import pytest

from engine.consumer.reset import parse_iso_duration_ms, parse_reset_strategy
from engine.core.errors import InvalidConfigurationError


@pytest.mark.parametrize(("text", "ms"), [
    ("PT1H", 3600000), ("P1D", 86400000), ("P1DT2H3M4.5S", 93784500), ("PT0.5S", 500),
    ("pt15m", 900000), ("PT0S", 0),
])
def test_durations(text, ms) -> None:
    assert parse_iso_duration_ms(text) == ms


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "1H", "PT1H30", "P1W"])
def test_bad_durations(text) -> None:
    with pytest.raises(ValueError):
        parse_iso_duration_ms(text)


def test_strategies() -> None:
    assert parse_reset_strategy("earliest").type == "earliest"
    by = parse_reset_strategy("by_duration:PT1H")
    assert (by.type, by.duration_ms, str(by)) == ("by_duration", 3600000, "by_duration:PT1H")
    for bad in ("by_duration", "by_duration:-PT1H", "by_duration:xyz", "Earliest", None):
        with pytest.raises(InvalidConfigurationError):
            parse_reset_strategy(bad)
