"""aiokafka's log lines are collected into backend.log instead of reaching the output."""

from __future__ import annotations

import logging
import warnings

from engine.client import connect


def test_aiokafka_warnings_go_to_the_backend_log_not_stderr(capsys) -> None:
    kafka = connect()
    logging.getLogger("aiokafka.consumer.group_coordinator").warning(
        "Group Coordinator Request failed: %s", "[Error 15]")
    logging.getLogger("kafka").error("old-style logger")
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    assert kafka.log[-2:] == [
        "WARNING aiokafka.consumer.group_coordinator: Group Coordinator Request failed: "
        "[Error 15]",
        "ERROR kafka: old-style logger"]
    assert not logging.getLogger("aiokafka").propagate


def test_resource_warnings_are_ignored() -> None:
    connect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.filterwarnings("ignore", category=ResourceWarning)
        warnings.warn("unclosed <socket>", ResourceWarning, stacklevel=1)
    assert caught == []
    assert any(f[0] == "ignore" and f[2] is ResourceWarning for f in warnings.filters)

