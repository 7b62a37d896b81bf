"""Consumer configuration: aiokafka's keyword names, Kafka 4.x's defaults and error texts.

``cluster.consumer(group_id="g", auto_offset_reset="earliest")`` takes the keyword
spellings aiokafka uses; Kafka's dotted names work too (``**{"group.id": "g"}``). The
defaults are Kafka's Java consumer's (not aiokafka's, where they differ):
``session.timeout.ms`` 45000, ``heartbeat.interval.ms`` 3000, ``max.poll.records`` 500,
``partition.assignment.strategy`` ``[range, cooperative-sticky]``, ``client.id``
``consumer-<group.id>-<n>`` (or ``consumer-<group.id>-<group.instance.id>``).
Bad values raise :class:`InvalidConfigurationError` with ConfigDef's text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.assignors.registry import DEFAULT_STRATEGIES, split_strategies
from engine.consumer.reset import ResetStrategy, parse_reset_strategy
from engine.core.args import is_int
from engine.core.configdef import Range, ValidString, _invalid
from engine.core.errors import InvalidConfigurationError
from engine.core.names import invalid_reason

DEFAULT_ASSIGNMENT_STRATEGY = DEFAULT_STRATEGIES

_INT_CONFIGS: dict[str, tuple[str, int, Range | None]] = {
    # python name: (Kafka name, default, validator)
    "auto_commit_interval_ms": ("auto.commit.interval.ms", 5000, Range(0)),
    "max_poll_records": ("max.poll.records", 500, Range(1)),
    "session_timeout_ms": ("session.timeout.ms", 45000, None),
    "heartbeat_interval_ms": ("heartbeat.interval.ms", 3000, None),
    "max_poll_interval_ms": ("max.poll.interval.ms", 300000, Range(1)),
    "fetch_min_bytes": ("fetch.min.bytes", 1, Range(0)),
    "fetch_max_wait_ms": ("fetch.max.wait.ms", 500, Range(0)),
    "fetch_max_bytes": ("fetch.max.bytes", 52428800, Range(0)),
    "max_partition_fetch_bytes": ("max.partition.fetch.bytes", 1048576, Range(0)),
    "metadata_max_age_ms": ("metadata.max.age.ms", 300000, Range(0)),
    "request_timeout_ms": ("request.timeout.ms", 30000, Range(0)),
    "retry_backoff_ms": ("retry.backoff.ms", 100, Range(0)),
    "retry_backoff_max_ms": ("retry.backoff.max.ms", 1000, Range(0)),
    "default_api_timeout_ms": ("default.api.timeout.ms", 60000, Range(0)),
}
_IGNORED = {"bootstrap_servers", "loop", "api_version", "security_protocol", "ssl_context",
            "connections_max_idle_ms", "check_crcs", "sasl_mechanism", "sasl_plain_username",
            "sasl_plain_password", "client_rack", "sasl_kerberos_service_name",
            "sasl_kerberos_domain_name", "sasl_oauth_token_provider",
            # how often aiokafka's background fetch task wakes; the engine has none
            "consumer_timeout_ms"}
_OTHER = {"group_id", "client_id", "group_instance_id", "auto_offset_reset",
          "enable_auto_commit", "partition_assignment_strategy", "isolation_level",
          "key_deserializer", "value_deserializer", "allow_auto_create_topics",
          "exclude_internal_topics", "rebalance_timeout_ms", "group_protocol", "client_host"}
KNOWN = set(_INT_CONFIGS) | _IGNORED | _OTHER


@dataclass(frozen=True)
class ConsumerConfig:
    """A consumer's validated settings (Python names; Kafka's are in the docstrings)."""

    group_id: str | None
    client_id: str
    group_instance_id: str | None
    auto_offset_reset: ResetStrategy
    enable_auto_commit: bool
    auto_commit_interval_ms: int
    max_poll_records: int
    session_timeout_ms: int
    heartbeat_interval_ms: int
    max_poll_interval_ms: int
    rebalance_timeout_ms: int
    partition_assignment_strategy: tuple[Any, ...]
    isolation_level: str
    metadata_max_age_ms: int
    allow_auto_create_topics: bool
    exclude_internal_topics: bool
    key_deserializer: Callable[[bytes], Any] | None
    value_deserializer: Callable[[bytes], Any] | None
    client_host: str
    fetch_min_bytes: int
    fetch_max_wait_ms: int
    fetch_max_bytes: int
    max_partition_fetch_bytes: int
    request_timeout_ms: int
    retry_backoff_ms: int
    retry_backoff_max_ms: int
    default_api_timeout_ms: int


def _check_int(py_name: str, value: object) -> int:
    kafka_name, _, validator = _INT_CONFIGS[py_name]
    if not is_int(value):
        raise _invalid(kafka_name, value, "Not a number of type INT")
    if validator is not None:
        validator.ensure_valid(kafka_name, value)
    return value


def _check_bool(kafka_name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _invalid(kafka_name, value, "Expected value to be either true or false")
    return value


def _check_instance_id(instance_id: object) -> str | None:
    if instance_id is None:
        return None
    if not isinstance(instance_id, str):
        raise _invalid("group.instance.id", instance_id, "Expected value to be a string")
    reason = invalid_reason(instance_id)
    if reason is not None:
        raise InvalidConfigurationError(f"Group instance id is invalid: {reason}")
    return instance_id


def _strategies(value: object) -> tuple[Any, ...]:
    items: Sequence[Any]
    if isinstance(value, str):
        items = split_strategies(value)
    elif isinstance(value, Sequence):
        items = list(value)
    else:
        items = [value]
    if not items:
        raise _invalid("partition.assignment.strategy", value,
                       "Expected value to be a non-empty list")
    return tuple(items)


def build_config(given: Mapping[str, Any], next_sequence: Callable[[], int]) -> ConsumerConfig:
    """Validate keyword arguments into a :class:`ConsumerConfig` (nothing else changes)."""
    kwargs = {k.replace(".", "_"): v for k, v in given.items()}
    unknown = sorted(set(kwargs) - KNOWN)
    if unknown:
        raise TypeError(f"consumer() got an unexpected keyword argument '{unknown[0]}'")
    group_id = kwargs.get("group_id")
    if group_id is not None and not isinstance(group_id, str):
        raise _invalid("group.id", group_id, "Expected value to be a string")
    ints = {name: _check_int(name, kwargs[name]) if name in kwargs else default
            for name, (_, default, _) in _INT_CONFIGS.items()}
    reset = parse_reset_strategy(kwargs.get("auto_offset_reset", "latest"))
    if "enable_auto_commit" in kwargs:
        auto_commit = _check_bool("enable.auto.commit", kwargs["enable_auto_commit"])
        if auto_commit and group_id is None:
            raise InvalidConfigurationError(
                "enable.auto.commit cannot be set to true when default group id (null) is used.")
    else:
        auto_commit = group_id is not None
    isolation = kwargs.get("isolation_level", "read_uncommitted")
    ValidString(("read_committed", "read_uncommitted")).ensure_valid("isolation.level", isolation)
    protocol = kwargs.get("group_protocol", "classic")
    if str(protocol).lower() != "classic":
        raise InvalidConfigurationError(
            f"group.protocol={protocol} (KIP-848) is not modelled by the engine's consumer; "
            "use the classic protocol")
    instance_id = _check_instance_id(kwargs.get("group_instance_id"))
    client_id = kwargs.get("client_id")
    if not client_id:
        part = instance_id if instance_id is not None else str(next_sequence())
        client_id = f"consumer-{'null' if group_id is None else group_id}-{part}"
    rebalance_timeout = kwargs.get("rebalance_timeout_ms")
    if rebalance_timeout is None:
        rebalance_timeout = ints["max_poll_interval_ms"]
    return ConsumerConfig(
        group_id=group_id,
        client_id=str(client_id),
        group_instance_id=instance_id,
        auto_offset_reset=reset,
        enable_auto_commit=auto_commit,
        rebalance_timeout_ms=int(rebalance_timeout),
        partition_assignment_strategy=_strategies(
            kwargs.get("partition_assignment_strategy", DEFAULT_ASSIGNMENT_STRATEGY)),
        isolation_level=isolation,
        allow_auto_create_topics=_check_bool(
            "allow.auto.create.topics", kwargs.get("allow_auto_create_topics", True)),
        exclude_internal_topics=_check_bool(
            "exclude.internal.topics", kwargs.get("exclude_internal_topics", True)),
        key_deserializer=kwargs.get("key_deserializer"),
        value_deserializer=kwargs.get("value_deserializer"),
        client_host=str(kwargs.get("client_host", "/127.0.0.1")),
        **ints,
    )
