"""``RecordMetadata`` as the producer client returns it: aiokafka's fields, in its order.

The engine's cluster API (``Cluster.produce``) answers with the four-field
:class:`engine.core.records.RecordMetadata`. A producer client answers with this one, which
has every field of aiokafka's ``RecordMetadata`` (and compares equal to it), so lesson code
reads ``timestamp_type`` or ``log_start_offset`` the same way on both backends.
"""

from __future__ import annotations

from typing import NamedTuple

from engine.core.records import TopicPartition


class RecordMetadata(NamedTuple):
    """Where a sent record landed.

    ``offset`` is -1 with ``acks=0``; ``timestamp_type`` is 0 for ``CreateTime`` and 1 for
    ``LogAppendTime`` (the broker's clock); ``log_start_offset`` is the partition's log start
    offset in the broker's answer (-1 with ``acks=0``).
    """

    topic: str
    partition: int
    topic_partition: TopicPartition
    offset: int
    timestamp: int
    timestamp_type: int
    log_start_offset: int
