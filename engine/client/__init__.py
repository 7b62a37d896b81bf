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

Both backends apply the Java client's Kafka 4.x defaults where aiokafka's differ
(producer ``acks="all"``, ``enable_idempotence=True``, ``linger_ms=5``,
``request_timeout_ms=30000``; consumer range assignment), so a lesson sees Kafka's
behaviour on both; a caller's keywords always win. Real-mode failures are short and
clear: :class:`BrokerNotAvailableError` (no broker, or the broker went away while
consuming) and :class:`DockerNotAvailableError`. aiokafka's log lines go to
``backend.log``, not into the notebook. ``backend.observed`` records each acknowledged
send and each consumer's assignment for the side-by-side view.

Modules: ``connect``, ``backend`` (the common part), ``engine_backend``, ``real``
(aiokafka), ``containers`` (Docker), ``observed``, ``quiet``, ``errors``.
"""

from engine.client.backend import CONSUMER_DEFAULTS, PRODUCER_DEFAULTS, Backend
from engine.client.connect import connect
from engine.client.engine_backend import EngineBackend
from engine.client.errors import BrokerNotAvailableError, DockerNotAvailableError
from engine.client.observed import Observed
from engine.client.real import KafkaBackend

__all__ = ["CONSUMER_DEFAULTS", "PRODUCER_DEFAULTS", "Backend", "BrokerNotAvailableError",
           "DockerNotAvailableError", "EngineBackend", "KafkaBackend", "Observed", "connect"]
