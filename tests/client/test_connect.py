"""connect() picks the backend: engine by default, real Kafka by address or env var."""

from __future__ import annotations

import time

import pytest

from engine import Cluster
from engine.client import EngineBackend, KafkaBackend, connect
from engine.client.errors import DockerNotAvailableError


def test_no_target_and_no_env_var_is_a_fresh_deterministic_engine(monkeypatch) -> None:
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    first, second = connect(), connect(None)
    assert isinstance(first, EngineBackend)
    assert first.kind == "engine" and first.bootstrap_servers == "localhost:9092"
    assert first.cluster is not second.cluster
    assert first.cluster.brokers == (1,)
    assert first.cluster.cluster_id == second.cluster.cluster_id


def test_the_env_var_selects_real_kafka(monkeypatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", " broker-a:9092,broker-b:9093 ")
    backend = connect()
    assert isinstance(backend, KafkaBackend)
    assert backend.kind == "kafka"
    assert backend.bootstrap_servers == "broker-a:9092,broker-b:9093"
    assert backend.cluster is None


def test_a_blank_env_var_is_ignored(monkeypatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "  ")
    assert connect().kind == "engine"


def test_a_cluster_is_used_as_is(monkeypatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "broker:9092")
    cluster = Cluster(brokers=3)
    assert connect(cluster).cluster is cluster


def test_an_address_is_real_kafka_even_with_the_env_var(monkeypatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "other:1")
    backend = connect("localhost:19092")
    assert backend.kind == "kafka" and backend.bootstrap_servers == "localhost:19092"


@pytest.mark.parametrize("bad", ["localhost", "localhost:port", ":9092", "a:1,b"])
def test_a_bad_address_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="is not host:port"):
        connect(bad)


def test_other_targets_are_refused() -> None:
    with pytest.raises(TypeError, match="connect\\(\\) takes None, an engine Cluster"):
        connect(9092)


def test_testcontainers_without_a_docker_daemon_fails_within_a_second(monkeypatch,
                                                                      tmp_path) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/docker.sock")
    began = time.monotonic()
    with pytest.raises(DockerNotAvailableError) as raised:
        connect("testcontainers")
    assert time.monotonic() - began < 1.0
    assert "connect()" in str(raised.value) and "Docker" in str(raised.value)
