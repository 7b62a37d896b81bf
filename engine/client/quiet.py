"""Keep aiokafka's log lines and ResourceWarnings out of notebook outputs.

aiokafka logs through the ``aiokafka`` logger (and older code through ``kafka``); Python's
last-resort handler would print WARNING lines such as "Group Coordinator Request failed"
into a notebook cell. :func:`quiet_logs` stops their propagation and collects the records
into a list instead (a backend exposes it as ``.log``), and ignores the ResourceWarnings of
sockets and transports left for the garbage collector.
"""

from __future__ import annotations

import logging
import warnings

LOGGERS = ("aiokafka", "kafka")


class ListHandler(logging.Handler):
    """A handler that keeps each formatted record in ``lines``."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(f"{record.levelname} {record.name}: {record.getMessage()}")
        except Exception:  # a bad format string must not break the client
            self.lines.append(f"{record.levelname} {record.name}: {record.msg!r}")


_LINES: list[str] = []
_HANDLER = ListHandler(_LINES)


def quiet_logs(level: int = logging.INFO) -> list[str]:
    """Route aiokafka's loggers into a list (returned) and silence ResourceWarnings."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.propagate = False
        if _HANDLER not in logger.handlers:
            logger.addHandler(_HANDLER)
    warnings.filterwarnings("ignore", category=ResourceWarning)
    return _LINES
