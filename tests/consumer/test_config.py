"""Consumer configs: Kafka's defaults, aiokafka's names, ConfigDef's error texts."""

from __future__ import annotations

import re

import pytest

from engine.consumer.config import build_config
from engine.core.errors import InvalidConfigurationError, KafkaError
from tests.consumer.helpers import new_cluster


def _seq():
    return 1


def test_kafka_defaults() -> None:
    config = build_config({"group_id": "g"}, _seq)
    assert config.client_id == "consumer-g-1"
    assert str(config.auto_offset_reset) == "latest"
    assert config.enable_auto_commit is True and config.auto_commit_interval_ms == 5000
    assert config.max_poll_records == 500 and config.max_poll_interval_ms == 300000
    assert config.session_timeout_ms == 45000 and config.heartbeat_interval_ms == 3000
    assert config.partition_assignment_strategy == ("range", "cooperative-sticky")
    assert config.isolation_level == "read_uncommitted"
    assert config.rebalance_timeout_ms == 300000


def test_client_id_forms() -> None:
    assert build_config({}, _seq).client_id == "consumer-null-1"
    assert build_config({}, _seq).enable_auto_commit is False
    assert build_config({"group_id": "g", "group_instance_id": "i"}, _seq).client_id == (
        "consumer-g-i")
    assert build_config({"group.id": "g", "client.id": "me"}, _seq).client_id == "me"


@pytest.mark.parametrize(("given", "text"), [
    ({"max_poll_records": 0},
     "Invalid value 0 for configuration max.poll.records: Value must be at least 1"),
    ({"auto_offset_reset": "smallest"},
     "Invalid value smallest for configuration auto.offset.reset: Invalid value `smallest` "
     "for configuration auto.offset.reset. The value must be either 'earliest', 'latest', "
     "'none' or of the format 'by_duration:<PnDTnHnMn.nS.>'."),
    ({"enable_auto_commit": True},
     "enable.auto.commit cannot be set to true when default group id (null) is used."),
    ({"isolation_level": "READ_COMMITTED"},
     "Invalid value READ_COMMITTED for configuration isolation.level: String must be one "
     "of: read_committed, read_uncommitted"),
    ({"group_id": "g", "group_instance_id": "bad id"},
     "Group instance id is invalid: 'bad id' contains one or more characters other than "
     "ASCII alphanumerics, '.', '_' and '-'"),
    ({"session_timeout_ms": "10"},
     "Invalid value 10 for configuration session.timeout.ms: Not a number of type INT"),
])
def test_bad_values(given, text) -> None:
    with pytest.raises(InvalidConfigurationError, match=re.escape(text)):
        build_config(given, _seq)


def test_unknown_keyword_and_strategy() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'grup_id'"):
        build_config({"grup_id": "g"}, _seq)
    cluster = new_cluster()
    digest = cluster.journal.digest()
    with pytest.raises(KafkaError, match="ClassNotFoundException"):
        cluster.consumer(group_id="g", partition_assignment_strategy=["nope"])
    with pytest.raises(InvalidConfigurationError):
        cluster.consumer(group_id="g", max_poll_records=-1)
    assert cluster.journal.digest() == digest


def test_assignors_decide_the_protocol() -> None:
    cluster = new_cluster()
    assert cluster.consumer(group_id="g").rebalance_protocol == "EAGER"
    assert cluster.consumer(group_id="g", partition_assignment_strategy="cooperative-sticky"
                            ).rebalance_protocol == "COOPERATIVE"


def test_every_int_config_is_a_named_field() -> None:
    from engine.consumer.config import _INT_CONFIGS, build_config

    config = build_config({"retry_backoff_ms": 250}, lambda: 1)
    assert config.retry_backoff_ms == 250
    assert {name: getattr(config, name) for name in _INT_CONFIGS}["default_api_timeout_ms"] == (
        60000)


def test_every_aiokafka_consumer_keyword_is_taken() -> None:
    import inspect

    from aiokafka import AIOKafkaConsumer

    from engine.consumer.config import KNOWN

    theirs = set(inspect.signature(AIOKafkaConsumer.__init__).parameters) - {"self", "topics"}
    assert theirs - KNOWN == set()
