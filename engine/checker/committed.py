"""Reading a partition's committed records: from its log start to its high watermark.

That is what any consumer can read now. The checkers read every partition this way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.core.cluster import Cluster
    from engine.core.records import ConsumerRecord, PartitionDescription

READ_CHUNK = 10_000
"""Records asked for per fetch."""


def committed_records(
    cluster: Cluster, topic: str, partition: PartitionDescription
) -> list[ConsumerRecord]:
    """Every record of ``partition`` (as ``describe_topic`` described it) from its log
    start offset up to its high watermark; raises what ``Cluster.fetch`` raises (no
    leader, leader down)."""
    out: list[ConsumerRecord] = []
    offset = partition.log_start_offset
    while offset < partition.high_watermark:
        batch = cluster.fetch(topic, partition.partition, offset,
                              min(READ_CHUNK, partition.high_watermark - offset))
        if not batch:
            break
        out.extend(batch)
        offset = batch[-1].offset + 1
    return out
