"""Topic configs: Kafka 4.1's table, ConfigDef's parsing and the controller's texts."""

import pytest

from engine.core.configs import (
    BROKER_DEFAULTS,
    QUICKSTART_SERVER_PROPERTIES,
    REMOVED_TOPIC_CONFIGS,
    TOPIC_CONFIGS,
    ConfigType,
    TopicConfig,
    java_double_str,
    parse_value,
    topic_defaults,
    validate_topic_configs,
)
from engine.core.errors import InvalidConfigurationError


def error_of(configs: dict[str, object]) -> str:
    with pytest.raises(InvalidConfigurationError) as info:
        validate_topic_configs(configs)
    assert info.value.errno == 40
    return info.value.message


# ------------------------------------------------------------------- the table


def test_table_lists_every_41_topic_config_in_logconfig_order() -> None:
    assert list(TOPIC_CONFIGS) == [
        "segment.bytes", "segment.ms", "segment.jitter.ms", "segment.index.bytes",
        "flush.messages", "flush.ms", "retention.bytes", "retention.ms", "max.message.bytes",
        "index.interval.bytes", "delete.retention.ms", "min.compaction.lag.ms",
        "max.compaction.lag.ms", "file.delete.delay.ms", "min.cleanable.dirty.ratio",
        "cleanup.policy", "unclean.leader.election.enable", "min.insync.replicas",
        "compression.type", "compression.gzip.level", "compression.lz4.level",
        "compression.zstd.level", "preallocate", "message.timestamp.type",
        "message.timestamp.before.max.ms", "message.timestamp.after.max.ms",
        "leader.replication.throttled.replicas", "follower.replication.throttled.replicas",
        "remote.storage.enable", "local.retention.ms", "local.retention.bytes",
        "remote.log.copy.disable", "remote.log.delete.on.disable", "internal.segment.bytes",
    ]
    assert [n for n, k in TOPIC_CONFIGS.items() if k.internal] == ["internal.segment.bytes"]


@pytest.mark.parametrize(
    ("name", "type_", "default", "valid"),
    [
        ("segment.bytes", ConfigType.INT, "1073741824", "[1048576,...]"),
        ("segment.ms", ConfigType.LONG, "604800000", "[1,...]"),
        ("retention.ms", ConfigType.LONG, "604800000", "[-1,...]"),
        ("retention.bytes", ConfigType.LONG, "-1", "None"),
        ("max.message.bytes", ConfigType.INT, "1048588", "[0,...]"),
        ("min.insync.replicas", ConfigType.INT, "1", "[1,...]"),
        ("cleanup.policy", ConfigType.LIST, "delete", "[compact, delete]"),
        ("min.cleanable.dirty.ratio", ConfigType.DOUBLE, "0.5", "[0,...,1]"),
        ("max.compaction.lag.ms", ConfigType.LONG, "9223372036854775807", "[1,...]"),
        ("message.timestamp.type", ConfigType.STRING, "CreateTime",
         "[CreateTime, LogAppendTime]"),
        ("message.timestamp.after.max.ms", ConfigType.LONG, "3600000", "[0,...]"),
        ("message.timestamp.before.max.ms", ConfigType.LONG, "9223372036854775807", "[0,...]"),
        ("compression.type", ConfigType.STRING, "producer",
         "[uncompressed, zstd, lz4, snappy, gzip, producer]"),
        ("compression.gzip.level", ConfigType.INT, "-1", "[1,...,9] or -1"),
        ("compression.zstd.level", ConfigType.INT, "3", "[-131072,...,22]"),
        ("local.retention.ms", ConfigType.LONG, "-2", "[-2,...]"),
        ("leader.replication.throttled.replicas", ConfigType.LIST, "",
         "[partitionId]:[brokerId],[partitionId]:[brokerId],..."),
        ("unclean.leader.election.enable", ConfigType.BOOLEAN, "false", "None"),
    ],
)
def test_types_defaults_and_valid_values(name: str, type_: ConfigType, default: str,
                                         valid: str) -> None:
    key = TOPIC_CONFIGS[name]
    assert (key.type, key.default, str(key.validator)) == (type_, default, valid)


def test_removed_configs_are_unknown() -> None:
    assert {"message.format.version", "message.downconversion.enable",
            "message.timestamp.difference.max.ms"} == REMOVED_TOPIC_CONFIGS
    for name in REMOVED_TOPIC_CONFIGS:
        assert error_of({name: "1"}) == f"Unknown topic config name: {name}"


def test_broker_defaults() -> None:
    expected = {
        "num.partitions": "1", "default.replication.factor": "1",
        "auto.create.topics.enable": "true", "delete.topic.enable": "true",
        "log.retention.check.interval.ms": "300000", "log.retention.hours": "168",
        "log.roll.hours": "168", "log.segment.bytes": "1073741824", "min.insync.replicas": "1",
        "offsets.topic.num.partitions": "50", "offsets.topic.replication.factor": "3",
        "transaction.state.log.replication.factor": "3", "transaction.state.log.min.isr": "2",
        "message.max.bytes": "1048588", "log.message.timestamp.after.max.ms": "3600000",
        "group.initial.rebalance.delay.ms": "3000", "replica.lag.time.max.ms": "30000",
    }
    assert {k: BROKER_DEFAULTS[k] for k in expected} == expected
    assert QUICKSTART_SERVER_PROPERTIES["offsets.topic.replication.factor"] == "1"


def test_topic_defaults_come_from_broker_synonyms() -> None:
    assert topic_defaults() == {n: k.default for n, k in TOPIC_CONFIGS.items()}
    assert topic_defaults({"log.retention.hours": "1"})["retention.ms"] == "3600000"
    assert topic_defaults({"log.retention.minutes": "5"})["retention.ms"] == "300000"
    assert topic_defaults({"log.retention.ms": "7", "log.retention.minutes": "5"})[
        "retention.ms"] == "7"
    assert topic_defaults({"log.roll.hours": "2"})["segment.ms"] == "7200000"
    assert topic_defaults({"message.max.bytes": "2000"})["max.message.bytes"] == "2000"
    assert topic_defaults({"log.cleanup.policy": "compact"})["cleanup.policy"] == "compact"


# ------------------------------------------------------------- error texts


@pytest.mark.parametrize(
    ("configs", "message"),
    [
        ({"retention.ms": "abc"},
         "Invalid value abc for configuration retention.ms: Not a number of type LONG"),
        ({"segment.bytes": "1.5"},
         "Invalid value 1.5 for configuration segment.bytes: Not a number of type INT"),
        ({"segment.bytes": "3000000000"},
         "Invalid value 3000000000 for configuration segment.bytes: Not a number of type INT"),
        ({"min.cleanable.dirty.ratio": "half"},
         "Invalid value half for configuration min.cleanable.dirty.ratio: "
         "Not a number of type DOUBLE"),
        ({"preallocate": "yes"},
         "Invalid value yes for configuration preallocate: "
         "Expected value to be either true or false"),
        ({"retention.ms": -5},
         "Invalid value -5 for configuration retention.ms: Value must be at least -1"),
        ({"segment.bytes": 1000},
         "Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576"),
        ({"segment.bytes": "+0010"},
         "Invalid value 10 for configuration segment.bytes: Value must be at least 1048576"),
        ({"min.insync.replicas": 0},
         "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"),
        ({"min.cleanable.dirty.ratio": "2"},
         "Invalid value 2.0 for configuration min.cleanable.dirty.ratio: "
         "Value must be no more than 1"),
        ({"min.cleanable.dirty.ratio": -0.5},
         "Invalid value -0.5 for configuration min.cleanable.dirty.ratio: "
         "Value must be at least 0"),
        ({"compression.lz4.level": 18},
         "Invalid value 18 for configuration compression.lz4.level: "
         "Value must be no more than 17"),
        ({"compression.gzip.level": 0},
         "Invalid value 0 for configuration compression.gzip.level: "
         "Value must be between 1 and 9 or equal to -1"),
        ({"cleanup.policy": "compact,foo"},
         "Invalid value foo for configuration cleanup.policy: "
         "String must be one of: compact, delete"),
        ({"compression.type": "GZIP"},
         "Invalid value GZIP for configuration compression.type: "
         "String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer"),
        ({"message.timestamp.type": "createtime"},
         "Invalid value createtime for configuration message.timestamp.type: "
         "String must be one of: CreateTime, LogAppendTime"),
        ({"leader.replication.throttled.replicas": "0:1,x"},
         "Invalid value [0:1, x] for configuration leader.replication.throttled.replicas: "
         "leader.replication.throttled.replicas must be the literal '*' or a list of replicas "
         "in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],..."),
        ({"retention.mss": "1"}, "Unknown topic config name: retention.mss"),
        ({"retention.ms": None, "segment.ms": None},
         "Null value not supported for topic configs: retention.ms,segment.ms"),
        ({"min.compaction.lag.ms": 10, "max.compaction.lag.ms": 5},
         "conflict topic config setting min.compaction.lag.ms (10) > "
         "max.compaction.lag.ms (5)"),
        ({"remote.storage.enable": True},
         "Tiered Storage functionality is disabled in the broker. "
         "Topic cannot be configured with remote log storage."),
        ({"retention.ms": "1" * 40000},
         "The configuration value cannot be added because it exceeds the maximum value "
         "size of 32767 bytes."),
    ],
)
def test_error_texts(configs: dict[str, object], message: str) -> None:
    assert error_of(configs) == message


def test_checks_run_in_kafkas_order() -> None:
    # null values first, then unknown names, then values in LogConfig order
    assert error_of({"nope": "1", "retention.ms": None}).startswith("Null value")
    assert error_of({"retention.ms": "x", "nope": "1"}) == "Unknown topic config name: nope"
    assert "segment.bytes" in error_of({"retention.ms": "x", "segment.bytes": "y"})


def test_raw_value_is_printed_untrimmed_for_parse_errors() -> None:
    assert error_of({"retention.ms": " 1 2 "}) == (
        "Invalid value  1 2  for configuration retention.ms: Not a number of type LONG")


# --------------------------------------------------------- accepted values


def test_valid_configs_come_back_as_strings_in_order() -> None:
    given = {"retention.ms": 60000, "cleanup.policy": ["compact", "delete"],
             "preallocate": True, "min.cleanable.dirty.ratio": 0.25,
             "compression.type": "zstd"}
    assert validate_topic_configs(given) == {
        "retention.ms": "60000", "cleanup.policy": "compact,delete", "preallocate": "true",
        "min.cleanable.dirty.ratio": "0.25", "compression.type": "zstd"}
    assert validate_topic_configs(None) == {}
    assert validate_topic_configs({}) == {}


@pytest.mark.parametrize(
    ("raw", "type_", "value"),
    [
        (" 42 ", ConfigType.INT, 42), ("-1", ConfigType.LONG, -1),
        ("9223372036854775807", ConfigType.LONG, 2**63 - 1), ("TRUE", ConfigType.BOOLEAN, True),
        (" false", ConfigType.BOOLEAN, False), ("1e-3", ConfigType.DOUBLE, 0.001),
        (".5d", ConfigType.DOUBLE, 0.5), ("compact , delete", ConfigType.LIST,
                                          ["compact", "delete"]),
        ("", ConfigType.LIST, []), (" gzip ", ConfigType.STRING, "gzip"),
    ],
)
def test_parse_value_like_configdef(raw: str, type_: ConfigType, value: object) -> None:
    assert parse_value("x", raw, type_) == value


def test_empty_cleanup_policy_is_accepted_in_41() -> None:
    assert TopicConfig({"cleanup.policy": ""}).cleanup_policy == []


@pytest.mark.parametrize(
    ("x", "text"),
    [(0.5, "0.5"), (2.0, "2.0"), (1e10, "1.0E10"), (1e-4, "1.0E-4"), (1.5e-5, "1.5E-5"),
     (123456789.0, "1.23456789E8"), (1e7, "1.0E7"), (9999999.0, "9999999.0"),
     (0.001, "0.001"), (float("nan"), "NaN"), (float("inf"), "Infinity"), (-0.0, "-0.0")],
)
def test_java_double_str(x: float, text: str) -> None:
    assert java_double_str(x) == text


# ------------------------------------------------------------- TopicConfig


def test_topic_config_defaults() -> None:
    config = TopicConfig()
    assert config.overrides == {}
    assert (config.retention_ms, config.retention_bytes, config.segment_bytes,
            config.segment_ms, config.max_message_bytes, config.min_insync_replicas,
            config.cleanup_policy, config.message_timestamp_type) == (
        604800000, -1, 1073741824, 604800000, 1048588, 1, ["delete"], "CreateTime")
    assert config.get("min.cleanable.dirty.ratio") == 0.5
    assert config.get("unclean.leader.election.enable") is False
    assert config.get("internal.segment.bytes") is None
    assert config.get_string("flush.ms") == "9223372036854775807"
    assert "internal.segment.bytes" not in config.effective()
    assert list(config.effective()) == sorted(config.effective())


def test_topic_config_overrides() -> None:
    config = TopicConfig({"retention.ms": 60000, "cleanup.policy": "compact,delete",
                          "max.message.bytes": "2000000"})
    assert config.overrides == {"retention.ms": "60000", "cleanup.policy": "compact,delete",
                                "max.message.bytes": "2000000"}
    assert config.retention_ms == 60000
    assert config.cleanup_policy == ["compact", "delete"]
    assert config.max_message_bytes == 2000000
    assert not config.is_default("retention.ms") and config.is_default("segment.ms")
    with pytest.raises(InvalidConfigurationError, match="Unknown topic config name: foo"):
        config.get("foo")


def test_topic_config_rejects_like_create_topics() -> None:
    with pytest.raises(InvalidConfigurationError, match="Value must be at least 1048576"):
        TopicConfig({"segment.bytes": 1024})


def test_internal_segment_bytes_overrides_segment_bytes() -> None:
    assert TopicConfig({"internal.segment.bytes": 1024}).segment_bytes == 1024


def test_with_overrides_returns_a_new_config() -> None:
    base = TopicConfig({"retention.ms": 1000})
    changed = base.with_overrides({"segment.ms": 500}, remove=["retention.ms"])
    assert base.overrides == {"retention.ms": "1000"}
    assert changed.overrides == {"segment.ms": "500"}
    assert changed.retention_ms == 604800000 and changed.segment_ms == 500
    assert base.with_overrides({"retention.ms": 1000}) == base


def test_broker_configs_change_the_defaults() -> None:
    config = TopicConfig(broker_configs={"log.retention.hours": "1"})
    assert config.retention_ms == 3600000
    assert config.with_overrides({"segment.ms": 5}).retention_ms == 3600000
