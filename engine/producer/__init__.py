"""The engine's producer client: batching, partitioning, acks and retries on simulated time.

Two front ends over one core:

* :class:`AIOKafkaProducer` (:mod:`engine.producer.aio`) - aiokafka's asyncio API,
  ``AIOKafkaProducer(cluster=cluster, **config)``, so lesson code runs unchanged against
  a real Kafka through aiokafka;
* :class:`Producer` (:mod:`engine.producer.producer`) - the synchronous core.

Inside, as in Kafka's Java client: :mod:`~engine.producer.config` (aiokafka keywords,
Kafka 4.x defaults: ``acks=all``, idempotence on, ``linger.ms=5``), the
:class:`~engine.producer.accumulator.RecordAccumulator` with its
:class:`~engine.producer.batch.ProducerBatch` queues, partition choice
(:mod:`~engine.producer.partitioning`), and the :class:`~engine.producer.sender.Sender`
that appends batches through the cluster and retries until ``delivery.timeout.ms``.
Every step is journaled (``producer_created``, ``batch_sent``, ``send_retried``,
``send_failed``, ``producer_closed``).
"""

from engine.producer.aio import AIOKafkaProducer
from engine.producer.config import PRODUCER_DEFAULTS, ProducerConfig
from engine.producer.metadata import RecordMetadata
from engine.producer.producer import Producer

__all__ = ["PRODUCER_DEFAULTS", "AIOKafkaProducer", "Producer", "ProducerConfig",
           "RecordMetadata"]
