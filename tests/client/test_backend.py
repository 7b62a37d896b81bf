"""Kafka 4.x client defaults are applied on both backends; the caller's keywords win."""

from __future__ import annotations

import asyncio

from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor

from engine.client import PRODUCER_DEFAULTS, connect


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


def test_the_defaults_are_kafkas_documented_ones() -> None:
    assert PRODUCER_DEFAULTS == {"acks": "all", "enable_idempotence": True, "linger_ms": 5,
                                 "request_timeout_ms": 30000}


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
