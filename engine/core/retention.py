"""Time- and size-based retention, run on the broker's check interval.

Every ``log.retention.check.interval.ms`` (5 minutes), for each topic whose
``cleanup.policy`` includes ``delete``, whole closed segments are deleted while they
are older than ``retention.ms`` or the log is over ``retention.bytes``. The active
segment is never deleted, so a quiet topic keeps its newest records past retention.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.core.topic import Topic
from engine.journal import Journal


def apply_retention(topics: Mapping[str, Topic], now_ms: int, journal: Journal) -> None:
    """Delete what retention allows in every topic, in name order; journal each step."""
    for name in sorted(topics):
        t = topics[name]
        if "delete" not in t.config.cleanup_policy:
            continue
        for log in t.logs:
            cutoff = log.retention_cutoff(now_ms, t.config.retention_ms, t.config.retention_bytes)
            if cutoff > log.log_start_offset:
                before = log.log_start_offset
                log.delete_segments_before(cutoff)
                journal.record(
                    now_ms, "segments_deleted",
                    {"topic": name, "partition": log.partition,
                     "from_offset": before, "log_start_offset": cutoff},
                )
