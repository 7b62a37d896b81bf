"""Java exceptions as Kafka's tools print them: stack traces, causes, log lines, numbers."""

from __future__ import annotations

import pytest

from engine.cli.java import JavaException, NumberFormat, log_line, stack_trace


def test_stack_trace_with_shared_cause_frames() -> None:
    cause = JavaException("C", "inner", ["c1", "b2", "b3"])
    error = JavaException("B", "outer", ["b1", "b2", "b3"], cause=cause)
    assert stack_trace(error) == ("B: outer\n\tat b1\n\tat b2\n\tat b3\n"
                                  "Caused by: C: inner\n\tat c1\n\t... 2 more\n")


def test_through_adds_frames_to_the_whole_chain() -> None:
    cause = JavaException("C", "inner", ["c1"])
    error = JavaException("B", "outer", ["b1"], cause=cause).through("main")
    assert error.frames == ["b1", "main"]
    assert cause.frames == ["c1", "main"]


def test_broker_error_has_no_frames() -> None:
    error = JavaException("org.apache.kafka.common.errors.TopicExistsException",
                          "Topic 'a' already exists.")
    assert stack_trace(error) == ("org.apache.kafka.common.errors.TopicExistsException: "
                                  "Topic 'a' already exists.\n")


def test_log_line_pattern() -> None:
    assert log_line(1_700_000_000_123, "ERROR", "boom", "x.Y") == (
        "[2023-11-14 22:13:20,123] ERROR boom (x.Y)\n")


@pytest.mark.parametrize(("text", "line"), [
    ("abc", "Integer.parseInt(Integer.java:668)"),
    ("", "Integer.parseInt(Integer.java:678)"),
    ("-", "Integer.parseInt(Integer.java:658)"),
    ("*1", "Integer.parseInt(Integer.java:654)"),
    ("2147483648", "Integer.parseInt(Integer.java:672)"),
    ("99999999999", "Integer.parseInt(Integer.java:668)"),
])
def test_integer_failures_match_openjdk17(text: str, line: str) -> None:
    with pytest.raises(JavaException) as info:
        NumberFormat.parse("Integer", text)
    assert info.value.message == f'For input string: "{text}"'
    assert info.value.frames[1] == f"java.base/java.lang.{line}"


def test_numbers_that_parse() -> None:
    assert NumberFormat.parse("Integer", "-2147483648") == -(2**31)
    assert NumberFormat.parse("Integer", "+7") == 7
    assert NumberFormat.parse("Long", "99999999999") == 99999999999
