"""The engine's consumer client (classic group protocol) and its asyncio facade.

* :class:`Consumer` (``cluster.consumer(*topics, **config)``): synchronous, Kafka's
  behaviour with aiokafka's names; see :mod:`engine.consumer.consumer` for how
  ``poll(timeout_ms)`` moves the simulated clock;
* :class:`AIOKafkaConsumer`: the same client behind aiokafka's async API;
* :class:`ConsumerRebalanceListener`: the callbacks and their order;
* broker failures: a partition without a reachable leader gives no records and is
  retried after ``retry.backoff.ms``; a lost coordinator is found again; ``commit()``
  retries until ``default.api.timeout.ms`` (events ``fetch_failed``, ``fetch_resumed``,
  ``coordinator_unavailable``, ``coordinator_changed``; see ``consumer`` and
  ``membership``);
* modules: ``config`` (configs, defaults, texts), ``reset`` (``auto.offset.reset``),
  ``subscription`` (positions, pauses), ``membership`` (JoinGroup/SyncGroup/heartbeats,
  callbacks, commits), ``consumer``, ``aio``.
"""

from engine.consumer.aio import AIOKafkaConsumer
from engine.consumer.consumer import Consumer
from engine.consumer.listener import ConsumerRebalanceListener
from engine.group.state import OffsetAndMetadata

__all__ = ["AIOKafkaConsumer", "Consumer", "ConsumerRebalanceListener", "OffsetAndMetadata"]
