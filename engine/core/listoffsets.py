"""ListOffsets: a partition's earliest or latest offset, or the first offset at a time.

One answer for every client that asks: the consumer's ``beginning_offsets``,
``end_offsets``, ``offsets_for_times`` and ``by_duration`` resets, and the admin client's
``list_offsets``. "Latest" is the high watermark (what a ``read_uncommitted`` consumer may
read up to); a time search looks only below it, as the broker does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.core.errors import UnknownTopicOrPartitionError
from engine.core.records import OffsetAndTimestamp, TopicPartition

if TYPE_CHECKING:
    from engine.core.cluster import Cluster

#: Records read per step while searching a partition by time.
SEARCH_STEP = 500


def offset_range(cluster: Cluster, tp: TopicPartition) -> tuple[int, int]:
    """(log start offset, high watermark) of a partition."""
    if not cluster.has_topic(tp.topic):
        raise UnknownTopicOrPartitionError()
    partitions = cluster.describe_topic(tp.topic).partitions
    if not 0 <= tp.partition < len(partitions):
        raise UnknownTopicOrPartitionError()
    part = partitions[tp.partition]
    return part.log_start_offset, part.high_watermark


def record_for_time(cluster: Cluster, tp: TopicPartition, timestamp: int
                    ) -> OffsetAndTimestamp | None:
    """The first record below the high watermark whose timestamp is >= ``timestamp``, as
    its offset and timestamp; None when there is none."""
    offset, end = offset_range(cluster, tp)
    while offset < end:
        batch = cluster.fetch(tp.topic, tp.partition, offset, SEARCH_STEP)
        if not batch:
            break
        for record in batch:
            if record.timestamp >= timestamp:
                return OffsetAndTimestamp(record.offset, record.timestamp)
        offset = batch[-1].offset + 1
    return None
