"""``EngineBackend``: the backend over an engine :class:`~engine.core.cluster.Cluster`.

Its clients are the engine's own: ``engine.producer.AIOKafkaProducer``,
``engine.consumer.AIOKafkaConsumer`` and ``engine.admin.AIOKafkaAdminClient``, each bound to
the cluster and wrapped to note what it saw into ``observed``. Nothing waits in real time:
topic operations take effect at once.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from engine.admin import AIOKafkaAdminClient
from engine.admin.client import BASE_PORT, HOST, error_class
from engine.client.backend import Backend, ObservedConsumer, ObservedProducer
from engine.consumer import AIOKafkaConsumer

if TYPE_CHECKING:
    from engine.core.cluster import Cluster


class EngineConsumer(ObservedConsumer, AIOKafkaConsumer):
    """The engine's AIOKafkaConsumer, noting its assignment into ``observed``."""


@functools.cache
def _producer_class() -> type:
    from engine.producer import AIOKafkaProducer

    class EngineProducer(ObservedProducer, AIOKafkaProducer):
        """The engine's AIOKafkaProducer, noting each acknowledged send."""

    return EngineProducer


class EngineBackend(Backend):
    """Clients over an engine cluster (``connect()`` or ``connect(cluster)``)."""

    kind = "engine"
    settles_in_real_time = False

    def __init__(self, cluster: Cluster) -> None:
        super().__init__()
        self._cluster = cluster
        self.bootstrap_servers = f"{HOST}:{BASE_PORT}"

    @property
    def cluster(self) -> Cluster:
        return self._cluster

    def _make_producer(self, config: dict[str, Any]) -> Any:
        return _producer_class()(cluster=self._cluster, **config)

    def _make_consumer(self, topics: tuple[str, ...], config: dict[str, Any]) -> Any:
        return EngineConsumer(*topics, cluster=self._cluster, **config)

    def _make_admin(self, config: dict[str, Any]) -> Any:
        return AIOKafkaAdminClient(cluster=self._cluster, **config)

    def _error_class(self, code: int) -> type[Exception]:
        return error_class(code)
