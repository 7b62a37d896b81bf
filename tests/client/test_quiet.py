"""aiokafka's log lines are collected into a real backend's log instead of reaching the
output; the engine backend installs nothing."""

from __future__ import annotations

import logging
import warnings

from engine.client import connect, quiet
from engine.client.quiet import lines_since, quiet_logs


def test_aiokafka_warnings_go_to_the_backend_log_not_stderr(capsys) -> None:
    kafka = connect("127.0.0.1:9")
    logging.getLogger("aiokafka.consumer.group_coordinator").warning(
        "Group Coordinator Request failed: %s", "[Error 15]")
    logging.getLogger("kafka").error("old-style logger")
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    assert kafka.log == [
        "WARNING aiokafka.consumer.group_coordinator: Group Coordinator Request failed: "
        "[Error 15]",
        "ERROR kafka: old-style logger"]
    assert not logging.getLogger("aiokafka").propagate
    later = connect("127.0.0.1:9")
    logging.getLogger("aiokafka").warning("after the second backend")
    assert later.log == ["WARNING aiokafka: after the second backend"]  # its own view
    assert kafka.log[-1] == "WARNING aiokafka: after the second backend"  # process-wide


def test_the_engine_backend_has_no_log_and_installs_no_filter() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # as a notebook that shows every warning
        kafka = connect()
        warnings.warn("unclosed <socket>", ResourceWarning, stacklevel=1)
    assert kafka.log == []
    assert [w.category for w in caught] == [ResourceWarning]


def test_resource_warnings_are_ignored_after_a_real_connect() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # as a notebook that shows every warning
        connect("127.0.0.1:9")
        warnings.warn("unclosed <socket>", ResourceWarning, stacklevel=1)
    assert caught == []


def test_the_log_keeps_only_the_latest_lines() -> None:
    mark = quiet_logs()
    logger = logging.getLogger("aiokafka")
    for i in range(quiet.LOG_LINES + 5):
        logger.warning("line %d", i)
    lines = lines_since(mark)
    assert len(lines) == quiet.LOG_LINES == len(quiet._HANDLER.lines)
    assert lines[0] == "WARNING aiokafka: line 5"
    assert lines[-1] == f"WARNING aiokafka: line {quiet.LOG_LINES + 4}"
    assert lines_since(quiet_logs()) == []
