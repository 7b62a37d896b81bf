"""A topic inside the engine: its id, config, replica placement and partition logs."""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass, field

from engine.core.configs import TopicConfig
from engine.core.log import PartitionLog
from engine.core.partition import PartitionState
from engine.core.partitioner import StickyPartitioner


@dataclass
class Topic:
    """A topic's metadata and its partitions' logs (engine-internal).

    ``sticky`` is the built-in partitioner's state for keyless records to this topic:
    Kafka's producer keeps one per topic, and the engine's ``produce`` plays the
    producer. ``partitions`` holds each partition's replication state; ``logs[p]`` is
    always the log of partition ``p``'s leader (its last leader while it has none).
    """

    name: str
    topic_id: str
    config: TopicConfig
    replicas: list[list[int]]
    logs: list[PartitionLog]
    sticky: StickyPartitioner
    internal: bool = False
    partitions: list[PartitionState] = field(default_factory=list)


def new_uuid(rng: random.Random) -> str:
    """A Kafka ``Uuid``: a random version-4 UUID in URL-safe base64 without padding.

    Like ``Uuid.randomUuid()``, it never returns an id whose text starts with ``-``.
    """
    while True:
        raw = bytearray(rng.getrandbits(128).to_bytes(16, "big"))
        raw[6] = (raw[6] & 0x0F) | 0x40  # the version and variant bits of java.util.UUID
        raw[8] = (raw[8] & 0x3F) | 0x80
        text = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        if not text.startswith("-"):
            return text
