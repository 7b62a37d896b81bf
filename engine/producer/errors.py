"""Errors only the producer client raises (aiokafka's names)."""

from __future__ import annotations

from engine.core.errors import IllegalStateError, KafkaError

NOT_STARTED = "AIOKafkaProducer is not started: await producer.start() first"


class ProducerClosed(KafkaError):
    """A send after the producer was stopped (aiokafka's ``ProducerClosed``)."""

    description = "The producer is closed: create and start a new one to send again."


class ProducerNotStartedError(IllegalStateError):
    """A send before ``await producer.start()``."""

    description = NOT_STARTED
