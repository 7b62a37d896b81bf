"""Kafka 4.x client defaults hold on both backends (the engine's clients have them, the real
backend passes them to aiokafka); the caller's keywords win; Java-only keywords are refused
on both."""

from __future__ import annotations

import asyncio
import inspect

import pytest
from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor

from engine.client import PRODUCER_DEFAULTS, backend, connect


def test_the_java_producer_defaults_on_the_engine() -> None:
    async def go() -> tuple:
        kafka = connect()
        default, mine = kafka.producer(), kafka.producer(acks=1, linger_ms=0)
        consumer = kafka.consumer("t")
        await kafka.close()
        return default.sync.config, mine.sync.config, consumer.sync.config

    default, mine, consumer = asyncio.run(go())
    assert (default.acks, default.enable_idempotence, default.linger_ms,
            default.request_timeout_ms) == (-1, True, 5, 30000)
    assert (mine.acks, mine.linger_ms) == (1, 0)
    assert consumer.auto_offset_reset.text == "latest"
    assert consumer.partition_assignment_strategy[0] == "range"


def test_the_java_producer_and_consumer_defaults_on_aiokafka() -> None:
    async def go() -> tuple:
        kafka = connect("127.0.0.1:9")
        default, mine = kafka.producer(), kafka.producer(acks=1, request_timeout_ms=1000)
        consumer = kafka.consumer("t")
        other = kafka.consumer("t", partition_assignment_strategy=(
            RoundRobinPartitionAssignor,), auto_offset_reset="earliest")
        found = (default._sender._acks, default._txn_manager is not None,
                 default._message_accumulator._linger_time, default._request_timeout_ms,
                 mine._sender._acks, mine._request_timeout_ms,
                 consumer._auto_offset_reset,
                 [a.name for a in consumer._partition_assignment_strategy],
                 other._auto_offset_reset, [a.name for a in other._partition_assignment_strategy])
        await kafka.close()
        return found

    assert asyncio.run(go()) == (-1, True, 0.005, 30000, 1, 1000, "latest", ["range"],
                                 "earliest", ["roundrobin"])


def test_acks_other_than_all_turn_the_default_idempotence_off_on_both() -> None:
    async def go() -> tuple:
        engine, real = connect(), connect("127.0.0.1:9")
        found = (engine.producer(acks=1).sync.config.enable_idempotence,
                 real.producer(acks=0)._txn_manager)
        await engine.close()
        await real.close()
        return found

    assert asyncio.run(go()) == (False, None)


def test_the_defaults_are_the_engine_producers_where_aiokafka_differs() -> None:
    from engine.producer import config

    assert set(PRODUCER_DEFAULTS) == set(config.AIOKAFKA_DEFAULTS)
    for name, value in PRODUCER_DEFAULTS.items():
        assert value == config.PRODUCER_DEFAULTS[name]
        assert value != config.AIOKAFKA_DEFAULTS[name], name  # else nothing to apply


def test_aiokafka_defaults_are_aiokafkas_own() -> None:
    from aiokafka import AIOKafkaProducer

    from engine.producer import config

    signature = inspect.signature(AIOKafkaProducer).parameters
    for name, value in config.AIOKAFKA_DEFAULTS.items():
        if name != "acks":  # a sentinel in the signature, resolved in __init__
            assert signature[name].default == value, name

    async def made() -> tuple:
        producer = AIOKafkaProducer()
        return (producer._sender._acks, producer._txn_manager is not None,
                round(producer._message_accumulator._linger_time * 1000),
                producer._request_timeout_ms)

    assert asyncio.run(made()) == tuple(config.AIOKAFKA_DEFAULTS[name] for name in (
        "acks", "enable_idempotence", "linger_ms", "request_timeout_ms"))


def test_the_engine_backend_passes_the_callers_keywords_unchanged() -> None:
    from types import SimpleNamespace

    kafka = connect()
    made = []
    kafka._make_producer = (  # type: ignore[method-assign]
        lambda config: made.append(config) or SimpleNamespace())
    kafka._make_consumer = (  # type: ignore[method-assign]
        lambda topics, config: made.append(config) or SimpleNamespace())
    kafka.producer(acks=1)
    kafka.consumer("t", group_id="g")
    assert made == [{"acks": 1}, {"group_id": "g"}]


def _signature(cls: type) -> set[str]:
    return set(inspect.signature(cls).parameters) - {"topics"}


def test_the_java_only_keywords_are_the_engines_minus_aiokafkas() -> None:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    from engine.consumer import config as consumer_config
    from engine.producer import config as producer_config

    assert set(backend.AIOKAFKA_PRODUCER_KEYWORDS) == _signature(AIOKafkaProducer)
    assert set(backend.AIOKAFKA_CONSUMER_KEYWORDS) == _signature(AIOKafkaConsumer)
    producer_only = set(producer_config.KNOWN) - _signature(AIOKafkaProducer)
    consumer_only = set(consumer_config.KNOWN) - _signature(AIOKafkaConsumer)
    assert backend.java_only_producer_keywords() == producer_only
    assert backend.java_only_consumer_keywords() == consumer_only
    assert {"delivery_timeout_ms", "max_in_flight_requests_per_connection"} <= producer_only
    assert consumer_only == {"allow_auto_create_topics", "client_host",
                             "default_api_timeout_ms", "group_protocol",
                             "retry_backoff_max_ms"}


CASES = [("producer", "delivery_timeout_ms", 120000),
         ("producer", "max_in_flight_requests_per_connection", 5),
         ("producer", "retry_backoff_max_ms", 1000),
         ("consumer", "group_protocol", "classic"),
         ("consumer", "allow_auto_create_topics", False),
         ("consumer", "client_host", "/10.0.0.1"),
         ("consumer", "default_api_timeout_ms", 60000),
         ("consumer", "retry_backoff_max_ms", 1000)]


@pytest.mark.parametrize("kind", ["engine", "kafka"])
@pytest.mark.parametrize(("client", "name", "value"), CASES)
def test_java_only_keywords_are_refused_on_both_backends(kind: str, client: str, name: str,
                                                         value: object) -> None:
    kafka = connect() if kind == "engine" else connect("127.0.0.1:9")
    make = kafka.producer if client == "producer" else kafka.consumer
    with pytest.raises(TypeError) as raised:
        make(**{name: value})
    text = str(raised.value)
    assert f"unexpected keyword argument '{name}'" in text
    assert "Java client setting that aiokafka" in text
    assert kafka._clients == []


@pytest.mark.parametrize("kind", ["engine", "kafka"])
def test_dotted_names_and_admin_keywords_are_refused_on_both(kind: str) -> None:
    kafka = connect() if kind == "engine" else connect("127.0.0.1:9")
    with pytest.raises(TypeError, match=r"'linger\.ms': dotted names .* write 'linger_ms'"):
        kafka.producer(**{"linger.ms": 5})
    with pytest.raises(TypeError, match=r"'group\.id': dotted names"):
        kafka.consumer("t", **{"group.id": "g"})
    with pytest.raises(TypeError, match="'default_api_timeout_ms': aiokafka's admin client"):
        kafka.admin(default_api_timeout_ms=1000)

    async def made() -> None:  # aiokafka's own keywords are fine
        kafka.admin(request_timeout_ms=5000, client_id="me")
        await kafka.close()

    asyncio.run(made())


def test_repr_names_the_kind_and_address() -> None:
    assert repr(connect()) == "<EngineBackend kind='engine' at localhost:9092>"
    assert repr(connect("h:1")) == "<KafkaBackend kind='kafka' at h:1>"


def test_an_engine_producer_notes_its_sends_without_a_wrapper() -> None:
    from engine.client.backend import ObservedProducer
    from engine.client.engine_backend import _producer_class
    from engine.producer import AIOKafkaProducer

    assert _producer_class().send is AIOKafkaProducer.send

    class Plain:
        async def send(self, topic: str, value: object = None, key: object = None) -> object:
            return (topic, value, key)

    class Noting(ObservedProducer, Plain):
        pass

    assert Noting.send is ObservedProducer.send  # a client that does not note sends itself
