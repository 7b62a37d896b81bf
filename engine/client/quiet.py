"""Keep aiokafka's log lines and ResourceWarnings out of notebook outputs (real mode).

aiokafka logs through the ``aiokafka`` logger (and older code through ``kafka``); Python's
last-resort handler would print WARNING lines such as "Group Coordinator Request failed"
into a notebook cell. :func:`quiet_logs`, called by each real backend (never for the
engine, whose clients do not log), stops their propagation and collects the records into
one process-wide log of the last ``LOG_LINES`` lines, and ignores the ResourceWarnings of
sockets and transports left for the garbage collector. A backend's ``log`` is its view of
that log: the lines written since it was made (:func:`lines_since`).
"""

from __future__ import annotations

import logging
import warnings
from collections import deque

LOGGERS = ("aiokafka", "kafka")
LOG_LINES = 1000
"""How many of the latest lines the process-wide log keeps."""


class ListHandler(logging.Handler):
    """A handler that keeps each formatted record in ``lines`` (a bounded deque) and
    counts every line it was given in ``total``."""

    def __init__(self, lines: deque[str]) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines
        self.total = 0

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = f"{record.levelname} {record.name}: {record.getMessage()}"
        except Exception:  # a bad format string must not break the client
            line = f"{record.levelname} {record.name}: {record.msg!r}"
        self.lines.append(line)
        self.total += 1


_HANDLER = ListHandler(deque(maxlen=LOG_LINES))


def quiet_logs(level: int = logging.INFO) -> int:
    """Route aiokafka's loggers into the process-wide log and silence ResourceWarnings;
    returns the mark to pass to :func:`lines_since`."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.propagate = False
        if _HANDLER not in logger.handlers:
            logger.addHandler(_HANDLER)
    warnings.filterwarnings("ignore", category=ResourceWarning)
    return _HANDLER.total


def lines_since(mark: int) -> list[str]:
    """The lines logged since ``mark`` (those still kept: at most ``LOG_LINES``)."""
    count = min(_HANDLER.total - mark, len(_HANDLER.lines))
    return list(_HANDLER.lines)[len(_HANDLER.lines) - count:] if count > 0 else []
