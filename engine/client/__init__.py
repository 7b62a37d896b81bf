"""One API, two backends: the course's lessons run on the engine or on real Kafka.

``kafka = connect(KAFKA)`` returns a backend; lesson code then asks it for aiokafka's
clients and uses them exactly as aiokafka documents them::

    from aiokafka.admin import NewTopic
    from engine.client import connect

    kafka = connect()                       # the built-in engine
    await kafka.fresh_topics(NewTopic("orders", 3, 1))
    producer = kafka.producer()
    await producer.start()
    await producer.send_and_wait("orders", b"v", key=b"k")
    consumer = kafka.consumer("orders", group_id="billing", auto_offset_reset="earliest")
    await consumer.start()
    ...
    await kafka.close()                     # stops every client it made

Switching backends changes one value, never the lesson code:

* ``connect()`` or ``connect(None)``: the engine, a fresh ``Cluster(brokers=1)`` with the
  same results every run; unless ``$KAFKA_BOOTSTRAP_SERVERS`` is set, then that Kafka;
* ``connect(cluster)``: an engine cluster you built (more brokers, faults, views);
* ``connect("127.0.0.1:19092")``: your own Kafka (``python3 course.py kafka-start``
  listens there);
* ``connect("testcontainers")``: Kafka in Docker, removed again by ``close()``.

Both backends give the Java client's Kafka 4.x defaults where aiokafka's differ
(producer ``acks="all"``, ``enable_idempotence=True``, ``linger_ms=5``,
``request_timeout_ms=30000``; consumer range assignment): the engine's clients have them
built in, the real backend passes them to aiokafka; a caller's keywords always win. A
keyword only the Java client knows (``delivery_timeout_ms``, ``group_protocol``, dotted
names such as ``"linger.ms"``) is refused on both with a ``TypeError``, since aiokafka
would not take it. Real-mode failures are short and clear:
:class:`BrokerNotAvailableError` (no broker, or the broker went away while consuming),
:class:`GroupJoinTimeoutError` (the broker answers but the group does not finish joining)
and :class:`DockerNotAvailableError`; in real mode the first two are also aiokafka
errors (``except aiokafka.errors.KafkaError`` catches them). aiokafka's log lines go to
``backend.log``, not into the notebook. ``backend.observed`` records each acknowledged
send and each consumer's assignment for the side-by-side view.

Modules: ``connect``, ``backend`` (the common part), ``engine_backend``, ``real``
(aiokafka), ``containers`` (Docker), ``observed``, ``quiet``, ``errors``.
"""

from engine.client.backend import CONSUMER_DEFAULTS, PRODUCER_DEFAULTS, Backend
from engine.client.connect import connect
from engine.client.engine_backend import EngineBackend
from engine.client.errors import (
    BrokerNotAvailableError,
    DockerNotAvailableError,
    GroupJoinTimeoutError,
)
from engine.client.observed import Observed
from engine.client.real import KafkaBackend

__all__ = ["CONSUMER_DEFAULTS", "PRODUCER_DEFAULTS", "Backend", "BrokerNotAvailableError",
           "DockerNotAvailableError", "EngineBackend", "GroupJoinTimeoutError", "KafkaBackend",
           "Observed", "connect"]
