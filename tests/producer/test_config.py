"""Producer config: aiokafka keywords, Kafka 4.x defaults, ConfigException texts."""

from __future__ import annotations

import itertools

import pytest

from engine.core.errors import InvalidConfigurationError
from engine.producer.config import AIOKAFKA_DEFAULTS, PRODUCER_DEFAULTS, build_config


def build(**kwargs: object):
    counter = itertools.count(1)
    return build_config(kwargs, lambda: next(counter))


def test_defaults_are_kafkas_java_producers() -> None:
    cfg = build()
    assert (cfg.acks, cfg.enable_idempotence, cfg.linger_ms) == (-1, True, 5)
    assert (cfg.request_timeout_ms, cfg.delivery_timeout_ms) == (30000, 120000)
    assert (cfg.max_batch_size, cfg.max_request_size, cfg.retry_backoff_ms) == (
        16384, 1048576, 100)
    assert cfg.compression_type == "none"
    assert cfg.client_id == "producer-1"
    for name, aiokafka_default in AIOKAFKA_DEFAULTS.items():
        assert PRODUCER_DEFAULTS[name] != aiokafka_default


def test_keywords_and_dotted_names_are_taken() -> None:
    cfg = build(acks=1, linger_ms=20, client_id="app", **{"batch.size": 100})
    assert (cfg.acks, cfg.linger_ms, cfg.client_id, cfg.max_batch_size) == (1, 20, "app", 100)
    assert cfg.enable_idempotence is False  # quietly off: acks=1 was asked for


@pytest.mark.parametrize("given", [2, "ALL", "none"])
def test_bad_acks_gets_the_config_exception_text(given: object) -> None:
    with pytest.raises(InvalidConfigurationError) as info:
        build(acks=given)
    assert info.value.message == (f"Invalid value {given} for configuration acks: "
                                  "String must be one of: all, -1, 0, 1")


def test_idempotence_with_acks_1_is_refused_with_kafkas_text() -> None:
    with pytest.raises(InvalidConfigurationError) as info:
        build(acks=1, enable_idempotence=True)
    assert info.value.message == (
        "Must set acks to all in order to use the idempotent producer. "
        "Otherwise we cannot guarantee idempotence.")


def test_negative_linger_is_refused() -> None:
    with pytest.raises(InvalidConfigurationError) as info:
        build(linger_ms=-1)
    assert info.value.message == (
        "Invalid value -1 for configuration linger.ms: Value must be at least 0")


def test_delivery_timeout_must_cover_linger_and_request_timeout() -> None:
    with pytest.raises(InvalidConfigurationError, match=r"delivery\.timeout\.ms should be"):
        build(delivery_timeout_ms=1000)
    assert build(request_timeout_ms=200000).delivery_timeout_ms == 200005


def test_unknown_keyword_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'lingr_ms'"):
        build(lingr_ms=5)


@pytest.mark.parametrize("codec", ["gzip", "snappy", "lz4", "zstd"])
def test_compression_types_are_recorded(codec: str) -> None:
    assert build(compression_type=codec).compression_type == codec


def test_unknown_compression_type_is_refused() -> None:
    with pytest.raises(InvalidConfigurationError, match=r"compression\.type"):
        build(compression_type="brotli")


def test_transactions_are_not_modelled_yet() -> None:
    with pytest.raises(NotImplementedError, match="transactions"):
        build(transactional_id="tx-1")


def test_bootstrap_servers_is_ignored() -> None:
    assert build(bootstrap_servers="localhost:9092").acks == -1


def test_each_setting_has_its_java_type() -> None:
    cfg = build(**{"linger.ms": "20", "batch.size": " 100 ", "enable.idempotence": "FALSE",
                   "acks": "1", "retry.backoff.max.ms": "5000"})
    assert (cfg.linger_ms, cfg.max_batch_size, cfg.enable_idempotence) == (20, 100, False)
    assert cfg.retry_backoff_max_ms == 5000 and build().retry_backoff_max_ms == 1000
    # LONG settings take what does not fit an INT
    assert build(metadata_max_age_ms=2**40).metadata_max_age_ms == 2**40


@pytest.mark.parametrize(("name", "value", "message"), [
    ("linger_ms", "soon", "Invalid value soon for configuration linger.ms: "
                          "Not a number of type LONG"),
    ("retry_backoff_ms", 1.5, "Invalid value 1.5 for configuration retry.backoff.ms: "
                              "Not a number of type LONG"),
    ("metadata_max_age_ms", True, "Invalid value true for configuration "
                                  "metadata.max.age.ms: Not a number of type LONG"),
    ("connections_max_idle_ms", "9223372036854775808",
     "Invalid value 9223372036854775808 for configuration connections.max.idle.ms: "
     "Not a number of type LONG"),
    ("request_timeout_ms", 2**31, "Invalid value 2147483648 for configuration "
                                  "request.timeout.ms: Not a number of type INT"),
    ("max_batch_size", "1e3", "Invalid value 1e3 for configuration batch.size: "
                              "Not a number of type INT"),
    ("retry_backoff_max_ms", "-1", "Invalid value -1 for configuration "
                                   "retry.backoff.max.ms: Value must be at least 0"),
    ("enable_idempotence", "yes", "Invalid value yes for configuration enable.idempotence: "
                                  "Expected value to be either true or false"),
    ("enable_idempotence", 1, "Invalid value 1 for configuration enable.idempotence: "
                              "Expected value to be either true or false"),
])
def test_bad_typed_values_get_config_exception_texts(name: str, value: object,
                                                     message: str) -> None:
    with pytest.raises(InvalidConfigurationError) as info:
        build(**{name: value})
    assert info.value.message == message
