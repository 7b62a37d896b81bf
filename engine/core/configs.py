"""Topic configs with Kafka's names, types, defaults, validators and error texts.

The table follows ``LogConfig`` of Apache Kafka 4.1 (storage module), in its definition
order, which is also the order Kafka validates values in. Differences from 4.0.0: there,
``segment.bytes`` only had to be at least 14 (the 1 MiB minimum of KIP-1030 was enforced
on the broker's ``log.segment.bytes`` only) and ``internal.segment.bytes`` did not exist.
4.0 removed ``message.format.version``, ``message.downconversion.enable`` and
``message.timestamp.difference.max.ms``; a 4.x controller answers them with
``Unknown topic config name: ...``.

Values travel as strings, as in a CreateTopics request; Python values are turned into
the string a client would send (``True`` -> ``"true"``, ``[a, b]`` -> ``"a,b"``). Parsing
and the error texts follow Java's ``ConfigDef`` (``Invalid value X for configuration Y:
...``), including its quirks: numbers are Java ints/longs, text is trimmed, and a range
error prints the parsed number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import cast

from engine.core.brokerconfigs import (
    BROKER_CONFIGS_WITHOUT_DEFAULT,
    BROKER_DEFAULTS,
    QUICKSTART_SERVER_PROPERTIES,
)
from engine.core.configdef import (
    LONG_MAX,
    ConfigType,
    GzipLevel,
    Range,
    ThrottledReplicaList,
    Validator,
    ValidList,
    ValidString,
    java_double_str,
    parse_value,
)
from engine.core.errors import InvalidConfigurationError

KAFKA_VERSION = "4.1"
"""The Kafka release whose topic-config table this module reproduces."""

# -------------------------------------------------------------------------- table


@dataclass(frozen=True)
class ConfigKey:
    """One topic config: ``default`` is the string ``kafka-configs --describe --all``
    shows on a broker with default settings (``None``: no value); ``synonym`` is the
    broker config that supplies the default (``ServerTopicConfigSynonyms``)."""

    name: str
    type: ConfigType
    default: str | None
    validator: Validator | None = None
    synonym: str | None = None
    internal: bool = False


_T = ConfigType
_LONG_MAX = str(LONG_MAX)

TOPIC_CONFIGS: dict[str, ConfigKey] = {k.name: k for k in (
    ConfigKey("segment.bytes", _T.INT, "1073741824", Range(1048576), "log.segment.bytes"),
    ConfigKey("segment.ms", _T.LONG, "604800000", Range(1), "log.roll.ms"),
    ConfigKey("segment.jitter.ms", _T.LONG, "0", Range(0), "log.roll.jitter.ms"),
    ConfigKey("segment.index.bytes", _T.INT, "10485760", Range(4), "log.index.size.max.bytes"),
    ConfigKey("flush.messages", _T.LONG, _LONG_MAX, Range(1), "log.flush.interval.messages"),
    ConfigKey("flush.ms", _T.LONG, _LONG_MAX, Range(0), "log.flush.interval.ms"),
    ConfigKey("retention.bytes", _T.LONG, "-1", None, "log.retention.bytes"),
    ConfigKey("retention.ms", _T.LONG, "604800000", Range(-1), "log.retention.ms"),
    ConfigKey("max.message.bytes", _T.INT, "1048588", Range(0), "message.max.bytes"),
    ConfigKey("index.interval.bytes", _T.INT, "4096", Range(0), "log.index.interval.bytes"),
    ConfigKey("delete.retention.ms", _T.LONG, "86400000", Range(0),
              "log.cleaner.delete.retention.ms"),
    ConfigKey("min.compaction.lag.ms", _T.LONG, "0", Range(0),
              "log.cleaner.min.compaction.lag.ms"),
    ConfigKey("max.compaction.lag.ms", _T.LONG, _LONG_MAX, Range(1),
              "log.cleaner.max.compaction.lag.ms"),
    ConfigKey("file.delete.delay.ms", _T.LONG, "60000", Range(0), "log.segment.delete.delay.ms"),
    ConfigKey("min.cleanable.dirty.ratio", _T.DOUBLE, "0.5", Range(0, 1),
              "log.cleaner.min.cleanable.ratio"),
    ConfigKey("cleanup.policy", _T.LIST, "delete", ValidList(("compact", "delete")),
              "log.cleanup.policy"),
    ConfigKey("unclean.leader.election.enable", _T.BOOLEAN, "false", None,
              "unclean.leader.election.enable"),
    ConfigKey("min.insync.replicas", _T.INT, "1", Range(1), "min.insync.replicas"),
    ConfigKey("compression.type", _T.STRING, "producer",
              ValidString(("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer")),
              "compression.type"),
    ConfigKey("compression.gzip.level", _T.INT, "-1", GzipLevel(), "compression.gzip.level"),
    ConfigKey("compression.lz4.level", _T.INT, "9", Range(1, 17), "compression.lz4.level"),
    ConfigKey("compression.zstd.level", _T.INT, "3", Range(-131072, 22),
              "compression.zstd.level"),
    ConfigKey("preallocate", _T.BOOLEAN, "false", None, "log.preallocate"),
    ConfigKey("message.timestamp.type", _T.STRING, "CreateTime",
              ValidString(("CreateTime", "LogAppendTime")), "log.message.timestamp.type"),
    ConfigKey("message.timestamp.before.max.ms", _T.LONG, _LONG_MAX, Range(0),
              "log.message.timestamp.before.max.ms"),
    ConfigKey("message.timestamp.after.max.ms", _T.LONG, "3600000", Range(0),
              "log.message.timestamp.after.max.ms"),
    ConfigKey("leader.replication.throttled.replicas", _T.LIST, "", ThrottledReplicaList()),
    ConfigKey("follower.replication.throttled.replicas", _T.LIST, "", ThrottledReplicaList()),
    ConfigKey("remote.storage.enable", _T.BOOLEAN, "false"),
    ConfigKey("local.retention.ms", _T.LONG, "-2", Range(-2), "log.local.retention.ms"),
    ConfigKey("local.retention.bytes", _T.LONG, "-2", Range(-2), "log.local.retention.bytes"),
    ConfigKey("remote.log.copy.disable", _T.BOOLEAN, "false"),
    ConfigKey("remote.log.delete.on.disable", _T.BOOLEAN, "false"),
    # 4.1: "The maximum size of a single log file. This should be used for testing only."
    # It bypasses segment.bytes' 1 MiB minimum; Kafka accepts it in CreateTopics.
    ConfigKey("internal.segment.bytes", _T.INT, None, internal=True),
)}
"""Every topic config a Kafka 4.1 controller accepts, in ``LogConfig`` order."""

REMOVED_TOPIC_CONFIGS = frozenset(
    {"message.format.version", "message.downconversion.enable",
     "message.timestamp.difference.max.ms"}
)
"""Topic configs of Kafka 3.x that 4.0 removed (now ``Unknown topic config name``)."""

TOPIC_CONFIG_SYNONYMS: dict[str, tuple[tuple[str, int], ...]] = {
    "segment.ms": (("log.roll.ms", 1), ("log.roll.hours", 3_600_000)),
    "segment.jitter.ms": (("log.roll.jitter.ms", 1), ("log.roll.jitter.hours", 3_600_000)),
    "flush.ms": (("log.flush.interval.ms", 1), ("log.flush.scheduler.interval.ms", 1)),
    "retention.ms": (("log.retention.ms", 1), ("log.retention.minutes", 60_000),
                     ("log.retention.hours", 3_600_000)),
}
"""Topic configs whose default comes from one of several broker configs, first set one
wins, with the factor that turns its unit into milliseconds. The others use
``ConfigKey.synonym`` as is."""

def topic_defaults(broker_configs: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """Each topic config's default on a broker with ``broker_configs`` (over Kafka's
    defaults), resolved through the broker synonyms as ``KafkaConfig`` does."""
    broker = {**BROKER_DEFAULTS, **(broker_configs or {})}
    defaults: dict[str, str | None] = {}
    for name, key in TOPIC_CONFIGS.items():
        value = key.default
        for synonym, factor in TOPIC_CONFIG_SYNONYMS.get(name, ((key.synonym, 1),)):
            if synonym is not None and broker.get(synonym) is not None:
                raw = broker[synonym]
                value = raw if factor == 1 else str(int(raw) * factor)
                break
        defaults[name] = value
    return defaults


_DEFAULTS = topic_defaults()

# --------------------------------------------------------------------- validation

MAX_VALUE_LENGTH = 2**15 - 1


def _wire(value: object) -> str | None:
    """The string a Python client sends for ``value`` (``None`` stays ``None``)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(_wire(v)) for v in value)
    return str(value)


def validate_topic_configs(configs: Mapping[str, object] | None) -> dict[str, str]:
    """Check topic configs as the KRaft controller does for CreateTopics.

    Returns them as strings, in the order given. Raises
    :class:`InvalidConfigurationError` with Kafka's text, checking in Kafka's order:
    ``None`` values (``Null value not supported for topic configs: a,b``), overlong
    values, unknown names (``Unknown topic config name: x``), then every value in
    ``LogConfig`` order (``Invalid value x for configuration y: ...``), then
    ``min.compaction.lag.ms`` against ``max.compaction.lag.ms``, then tiered storage,
    which this cluster does not have.
    """
    if not configs:
        return {}
    wire = {str(name): _wire(value) for name, value in configs.items()}
    nulls = [name for name, value in wire.items() if value is None]
    if nulls:
        raise InvalidConfigurationError(
            "Null value not supported for topic configs: " + ",".join(nulls))
    strings = {name: value for name, value in wire.items() if value is not None}
    if any(len(v.encode("utf-16-le")) // 2 > MAX_VALUE_LENGTH for v in strings.values()):
        raise InvalidConfigurationError(
            "The configuration value cannot be added because it exceeds the maximum value "
            f"size of {MAX_VALUE_LENGTH} bytes.")
    for name in strings:
        if name not in TOPIC_CONFIGS:
            raise InvalidConfigurationError(f"Unknown topic config name: {name}")
    parsed = {name: _parse(name, strings.get(name, _DEFAULTS[name])) for name in TOPIC_CONFIGS}
    min_lag, max_lag = parsed["min.compaction.lag.ms"], parsed["max.compaction.lag.ms"]
    assert isinstance(min_lag, int) and isinstance(max_lag, int)
    if min_lag > max_lag:
        raise InvalidConfigurationError(
            f"conflict topic config setting min.compaction.lag.ms ({min_lag}) > "
            f"max.compaction.lag.ms ({max_lag})")
    if parsed["remote.storage.enable"]:
        raise InvalidConfigurationError(
            "Tiered Storage functionality is disabled in the broker. "
            "Topic cannot be configured with remote log storage.")
    return strings


def _parse(name: str, raw: str | None) -> object:
    """Parse and validate one value (``ConfigDef.parseValue``)."""
    key = TOPIC_CONFIGS[name]
    if raw is None:
        return None
    value = parse_value(name, raw, key.type)
    if key.validator is not None:
        key.validator.ensure_valid(name, value)
    return value


# --------------------------------------------------------------------- TopicConfig


class TopicConfig:
    """A topic's configuration: its overrides over the broker's defaults.

    ``TopicConfig({"retention.ms": 60000})`` validates like CreateTopics does.
    ``overrides`` holds what was set (Kafka's "dynamic topic configs"), ``get(name)`` the
    effective typed value. ``broker_configs`` (broker config strings) changes the defaults,
    e.g. ``{"log.retention.hours": "1"}`` gives ``retention.ms`` 3600000.
    """

    __slots__ = (
        "_broker_configs", "_defaults", "_overrides", "_values", "cleanup_policy",
        "max_message_bytes", "message_timestamp_after_max_ms",
        "message_timestamp_before_max_ms", "message_timestamp_type", "min_insync_replicas",
        "retention_bytes", "retention_ms", "segment_bytes", "segment_ms",
    )

    def __init__(
        self,
        overrides: Mapping[str, object] | None = None,
        *,
        broker_configs: Mapping[str, str] | None = None,
    ) -> None:
        self._overrides = validate_topic_configs(overrides)
        self._broker_configs = dict(broker_configs or {})
        self._defaults = topic_defaults(broker_configs) if broker_configs else _DEFAULTS
        self._values = {name: _parse(name, self._overrides.get(name, self._defaults[name]))
                        for name in TOPIC_CONFIGS}
        values = self._values
        internal_segment = values["internal.segment.bytes"]
        # LogConfig.segmentSize() (4.1): internal.segment.bytes wins when set.
        self.segment_bytes = cast(int, internal_segment if internal_segment is not None
                                  else values["segment.bytes"])
        self.segment_ms = cast(int, values["segment.ms"])
        self.retention_ms = cast(int, values["retention.ms"])
        self.retention_bytes = cast(int, values["retention.bytes"])
        self.max_message_bytes = cast(int, values["max.message.bytes"])
        self.min_insync_replicas = cast(int, values["min.insync.replicas"])
        self.cleanup_policy = cast(list[str], values["cleanup.policy"])
        self.message_timestamp_type = cast(str, values["message.timestamp.type"])
        self.message_timestamp_before_max_ms = cast(
            int, values["message.timestamp.before.max.ms"])
        self.message_timestamp_after_max_ms = cast(
            int, values["message.timestamp.after.max.ms"])

    @property
    def overrides(self) -> dict[str, str]:
        """The configs set on the topic, as strings, in the order they were set."""
        return dict(self._overrides)

    def get(self, name: str) -> object:
        """The effective value: ``int``, ``float``, ``bool``, ``str``, ``list[str]`` or
        ``None`` (``internal.segment.bytes`` when unset)."""
        if name not in self._values:
            raise InvalidConfigurationError(f"Unknown topic config name: {name}")
        value = self._values[name]
        return list(value) if isinstance(value, list) else value

    def get_string(self, name: str) -> str | None:
        """The effective value as ``kafka-configs --describe`` prints it."""
        if name not in self._values:
            raise InvalidConfigurationError(f"Unknown topic config name: {name}")
        return self._overrides.get(name, self._defaults[name])

    def is_default(self, name: str) -> bool:
        """Whether ``name`` is not overridden on the topic."""
        return name not in self._overrides

    def effective(self) -> dict[str, str | None]:
        """Every non-internal config with its effective string value, sorted by name."""
        return {name: self.get_string(name) for name in sorted(TOPIC_CONFIGS)
                if not TOPIC_CONFIGS[name].internal}

    def with_overrides(
        self, changes: Mapping[str, object] | None = None, *, remove: Iterable[str] = ()
    ) -> TopicConfig:
        """A new config with ``changes`` set and the ``remove`` overrides deleted."""
        removed = set(remove)
        merged: dict[str, object] = {k: v for k, v in self._overrides.items()
                                     if k not in removed}
        merged.update(changes or {})
        return TopicConfig(merged, broker_configs=self._broker_configs)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, TopicConfig) and self._overrides == other._overrides
                and self._defaults == other._defaults)

    def __hash__(self) -> int:
        return hash(tuple(self._overrides.items()))

    def __repr__(self) -> str:
        return f"TopicConfig({self._overrides!r})"


__all__ = [
    "BROKER_CONFIGS_WITHOUT_DEFAULT",
    "BROKER_DEFAULTS",
    "KAFKA_VERSION",
    "QUICKSTART_SERVER_PROPERTIES",
    "REMOVED_TOPIC_CONFIGS",
    "TOPIC_CONFIGS",
    "TOPIC_CONFIG_SYNONYMS",
    "ConfigKey",
    "ConfigType",
    "GzipLevel",
    "Range",
    "ThrottledReplicaList",
    "TopicConfig",
    "ValidList",
    "ValidString",
    "Validator",
    "java_double_str",
    "parse_value",
    "topic_defaults",
    "validate_topic_configs",
]
