"""Producer configuration: aiokafka's keyword names with Kafka 4.x's Java defaults.

``AIOKafkaProducer(cluster=c, acks=1, linger_ms=20)`` takes aiokafka's keywords (Kafka's
dotted names work too, ``**{"linger.ms": 20}``). Where aiokafka's default differs from
the Java producer of Kafka 4.x, the engine uses Kafka's (``PRODUCER_DEFAULTS`` maps each
Python name to its Kafka default):

=====================  ===========  ==================
keyword                aiokafka     engine (Kafka 4.x)
=====================  ===========  ==================
``acks``               1            ``"all"``
``enable_idempotence`` False        True
``linger_ms``          0            5 (KIP-1030)
``request_timeout_ms`` 40000        30000
=====================  ===========  ==================

``delivery_timeout_ms`` (120000) and ``retry_backoff_max_ms`` (1000, the ceiling of the
exponential retry backoff of KIP-580) are Java settings aiokafka lacks; the engine takes
them.
``compression_type`` accepts ``gzip``, ``snappy``, ``lz4`` and ``zstd`` and records the
choice, but batch sizes are counted uncompressed (compression is not simulated).
``transactional_id`` is refused: transactions are not modelled yet.

Each setting has its Java type (``INT``, ``LONG`` or ``BOOLEAN`` in ``ProducerConfig``) and
is parsed as ``ConfigDef.parseType`` would: numbers may also be given as text (``"5"``),
booleans as ``"true"``/``"false"``. Bad values raise :class:`InvalidConfigurationError`
with ``ConfigException``'s text (``Not a number of type LONG``); an unknown keyword raises
``TypeError`` as a Python constructor would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.core.acks import parse_acks
from engine.core.args import is_int
from engine.core.configdef import (
    INT_MAX,
    LONG_MAX,
    ConfigType,
    Range,
    ValidString,
    _invalid,
    parse_value,
)
from engine.core.errors import InvalidConfigurationError

PRODUCER_DEFAULTS: dict[str, object] = {
    "acks": "all",
    "enable_idempotence": True,
    "linger_ms": 5,
    "request_timeout_ms": 30000,
    "delivery_timeout_ms": 120000,
    "max_batch_size": 16384,
    "max_request_size": 1048576,
    "retry_backoff_ms": 100,
    "retry_backoff_max_ms": 1000,
    "metadata_max_age_ms": 300000,
    "compression_type": "none",
    "max_in_flight_requests_per_connection": 5,
    "connections_max_idle_ms": 540000,
}
"""Python keyword -> Kafka 4.x's Java producer default (``ProducerConfig``)."""

AIOKAFKA_DEFAULTS: dict[str, object] = {
    "acks": 1, "enable_idempotence": False, "linger_ms": 0, "request_timeout_ms": 40000,
}
"""aiokafka 0.14's defaults where they differ from Kafka's (for the course's tables)."""

KAFKA_NAMES: dict[str, str] = {
    "acks": "acks",
    "enable_idempotence": "enable.idempotence",
    "linger_ms": "linger.ms",
    "request_timeout_ms": "request.timeout.ms",
    "delivery_timeout_ms": "delivery.timeout.ms",
    "max_batch_size": "batch.size",
    "max_request_size": "max.request.size",
    "retry_backoff_ms": "retry.backoff.ms",
    "retry_backoff_max_ms": "retry.backoff.max.ms",
    "metadata_max_age_ms": "metadata.max.age.ms",
    "compression_type": "compression.type",
    "max_in_flight_requests_per_connection": "max.in.flight.requests.per.connection",
    "connections_max_idle_ms": "connections.max.idle.ms",
    "client_id": "client.id",
    "transactional_id": "transactional.id",
}
_DOTTED = {kafka: py for py, kafka in KAFKA_NAMES.items()} | {"batch.size": "max_batch_size"}

_INT_RANGES: dict[str, tuple[ConfigType, Range]] = {
    "linger_ms": (ConfigType.LONG, Range(0)),
    "request_timeout_ms": (ConfigType.INT, Range(0)),
    "delivery_timeout_ms": (ConfigType.INT, Range(0)),
    "max_batch_size": (ConfigType.INT, Range(0)),
    "max_request_size": (ConfigType.INT, Range(0)),
    "retry_backoff_ms": (ConfigType.LONG, Range(0)),
    "retry_backoff_max_ms": (ConfigType.LONG, Range(0)),
    "metadata_max_age_ms": (ConfigType.LONG, Range(0)),
    "max_in_flight_requests_per_connection": (ConfigType.INT, Range(1)),
    "connections_max_idle_ms": (ConfigType.LONG, Range(None)),
}
"""Each numeric setting's Java type and validator (``ProducerConfig``'s ``define``)."""
COMPRESSION_TYPES = ValidString(("none", "gzip", "snappy", "lz4", "zstd"))
_IGNORED = {"bootstrap_servers", "loop", "api_version", "security_protocol", "ssl_context",
            "sasl_mechanism", "sasl_plain_username", "sasl_plain_password",
            "sasl_kerberos_service_name", "sasl_kerberos_domain_name",
            "sasl_oauth_token_provider", "transaction_timeout_ms"}
_OTHER = {"client_id", "acks", "enable_idempotence", "compression_type", "key_serializer",
          "value_serializer", "partitioner", "transactional_id"}
KNOWN = set(_INT_RANGES) | _IGNORED | _OTHER

IDEMPOTENCE_ACKS = ("Must set acks to all in order to use the idempotent producer. "
                    "Otherwise we cannot guarantee idempotence.")
IDEMPOTENCE_IN_FLIGHT = ("Must set max.in.flight.requests.per.connection to at most 5 to "
                         "use the idempotent producer.")
TRANSACTIONS_NOT_MODELLED = (
    "transactional_id: the engine does not model transactions yet (they come with a later "
    "lesson); leave transactional_id unset, or run this against a real Kafka with "
    "connect('host:port')")


@dataclass(frozen=True)
class ProducerConfig:
    """A producer's validated settings (Python names; Kafka's are in ``KAFKA_NAMES``)."""

    client_id: str
    acks: int
    """Kafka's ``requiredAcks``: -1 (``all``), 0 or 1."""
    enable_idempotence: bool
    linger_ms: int
    request_timeout_ms: int
    delivery_timeout_ms: int
    max_batch_size: int
    max_request_size: int
    retry_backoff_ms: int
    retry_backoff_max_ms: int
    metadata_max_age_ms: int
    compression_type: str
    max_in_flight_requests_per_connection: int
    connections_max_idle_ms: int
    key_serializer: Callable[[Any], bytes] | None
    value_serializer: Callable[[Any], bytes] | None
    partitioner: Callable[[bytes | None, list[int], list[int]], int] | None


def _int(name: str, value: object) -> int:
    """A numeric setting as ``ConfigDef.parseType`` reads it (an int, or its text)."""
    kafka = KAFKA_NAMES[name]
    type_, valid = _INT_RANGES[name]
    if isinstance(value, str):
        value = parse_value(kafka, value, type_)
    limit = INT_MAX if type_ is ConfigType.INT else LONG_MAX
    if not is_int(value) or not -limit - 1 <= value <= limit:  # type: ignore[operator]
        raise _invalid(kafka, value, f"Not a number of type {type_.value}")
    assert isinstance(value, int)
    valid.ensure_valid(kafka, value)
    return value


def _bool(name: str, value: object) -> bool:
    """A boolean setting as ``ConfigDef.parseType`` reads it (a bool, or true/false)."""
    parsed = (parse_value(KAFKA_NAMES[name], value, ConfigType.BOOLEAN)
              if isinstance(value, str) else value)
    if not isinstance(parsed, bool):
        raise _invalid(KAFKA_NAMES[name], value, "Expected value to be either true or false")
    return parsed


def build_config(given: Mapping[str, Any], next_sequence: Callable[[], int]) -> ProducerConfig:
    """Validate keyword arguments into a :class:`ProducerConfig` (nothing else changes)."""
    kwargs = {_DOTTED.get(k, k.replace(".", "_")): v for k, v in given.items()}
    unknown = sorted(set(kwargs) - KNOWN)
    if unknown:
        raise TypeError(f"AIOKafkaProducer.__init__() got an unexpected keyword argument "
                        f"'{unknown[0]}'")
    if kwargs.get("transactional_id") is not None:
        raise NotImplementedError(TRANSACTIONS_NOT_MODELLED)
    ints = {name: _int(name, kwargs[name]) if name in kwargs else int(str(default))
            for name, default in PRODUCER_DEFAULTS.items() if name in _INT_RANGES}
    acks = parse_acks(kwargs.get("acks", "all"))
    idempotence_given = "enable_idempotence" in kwargs
    idempotence = _bool("enable_idempotence", kwargs.get("enable_idempotence", True))
    if acks != -1 or ints["max_in_flight_requests_per_connection"] > 5:
        if idempotence_given and idempotence:
            raise InvalidConfigurationError(
                IDEMPOTENCE_ACKS if acks != -1 else IDEMPOTENCE_IN_FLIGHT)
        idempotence = False  # Kafka turns the default off quietly when it conflicts
    compression = kwargs.get("compression_type")
    compression = "none" if compression is None else compression
    COMPRESSION_TYPES.ensure_valid("compression.type", compression)
    minimum = ints["linger_ms"] + ints["request_timeout_ms"]
    if ints["delivery_timeout_ms"] < minimum:
        if "delivery_timeout_ms" in kwargs:
            raise InvalidConfigurationError(
                "delivery.timeout.ms should be equal to or larger than linger.ms + "
                "request.timeout.ms")
        ints["delivery_timeout_ms"] = minimum  # Java adjusts a default it cannot keep
    for name in ("key_serializer", "value_serializer", "partitioner"):
        value = kwargs.get(name)
        if value is not None and not callable(value):
            raise TypeError(f"{name} must be callable, got {type(value).__name__}")
    client_id = kwargs.get("client_id") or f"producer-{next_sequence()}"
    return ProducerConfig(
        client_id=str(client_id),
        acks=acks,
        enable_idempotence=idempotence,
        compression_type=compression,
        key_serializer=kwargs.get("key_serializer"),
        value_serializer=kwargs.get("value_serializer"),
        partitioner=kwargs.get("partitioner"),
        **ints,
    )
