"""``connect(target=None)``: one call that picks the backend a lesson runs on.

========================  ==========================================================
``connect()``             ``$KAFKA_BOOTSTRAP_SERVERS`` if set (real Kafka), else a
                          fresh engine ``Cluster(brokers=1)``, the same every run
``connect(cluster)``      that engine cluster
``connect("host:port")``  a real Kafka cluster, through aiokafka (comma-separated list
                          accepted)
``connect("testcontainers")``  Kafka started in Docker, stopped by ``close()``
========================  ==========================================================
"""

from __future__ import annotations

import os
from typing import Any

from engine.client.backend import Backend
from engine.client.engine_backend import EngineBackend
from engine.client.real import KafkaBackend, addresses

ENV_BOOTSTRAP = "KAFKA_BOOTSTRAP_SERVERS"
TESTCONTAINERS = "testcontainers"
#: The fresh engine's clock starts at 2026-01-01T00:00:00Z, so timestamps read like a real
#: producer's (still the same on every run).
ENGINE_START_MS = 1_767_225_600_000


def connect(target: Any = None) -> Backend:
    """The backend for ``target`` (see the module's table); no client is started yet."""
    from engine.core.cluster import Cluster

    if target is None:
        env = os.environ.get(ENV_BOOTSTRAP, "").strip()
        if env:
            return KafkaBackend(env)
        return EngineBackend(Cluster(brokers=1, start_ms=ENGINE_START_MS))
    if isinstance(target, Cluster):
        return EngineBackend(target)
    if isinstance(target, str):
        text = target.strip()
        if text.lower() == TESTCONTAINERS:
            from engine.client.containers import container_spec, start_kafka

            spec = container_spec()  # start_kafka checks Docker before anything runs
            return KafkaBackend(spec.bootstrap_servers, container=start_kafka(spec))
        addresses(text)
        return KafkaBackend(text)
    raise TypeError("connect() takes None, an engine Cluster, \"host:port\" or "
                    f"\"testcontainers\", got {type(target).__name__}")
