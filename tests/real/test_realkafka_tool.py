"""Checks of tools/realkafka/ that need neither Java, Maven nor a broker."""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tools import realkafka

POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def _pom() -> ET.Element:
    return ET.parse(realkafka.POM).getroot()


def _properties(text: str) -> dict[str, str]:
    pairs = [line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#")]
    assert len({key for key, _ in pairs}) == len(pairs), "a key is set twice"
    return dict(pairs)


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the tool's state at a temporary ``.kafka`` and its ``java`` at this Python."""
    home = tmp_path / ".kafka"
    paths = {
        "HOME": home,
        "LIB": home / "lib",
        "CONFIG": home / "config",
        "DATA": home / "data",
        "LOGS": home / "logs",
        "RUN": home / "run",
        "FETCH_MARKER": home / "lib" / ".fetched.json",
        "CDS_DIR": home / "lib" / ".cds",
        "PID_FILE": home / "run" / "broker.pid",
        "PORT_FILE": home / "run" / "broker.port",
        "BROKER_LOG": home / "logs" / "broker.out",
    }
    for name, path in paths.items():
        monkeypatch.setattr(realkafka.settings, name, path)
    monkeypatch.setattr(realkafka.common, "java_bin", lambda: sys.executable)
    monkeypatch.delenv(realkafka.ENV_BOOTSTRAP, raising=False)
    return home


def test_sandbox_moves_every_state_path(sandbox: Path) -> None:
    for name, value in vars(realkafka.settings).items():
        if isinstance(value, Path) and name not in {"REPO_ROOT", "POM"}:
            assert value == sandbox or sandbox in value.parents, name


def test_cli_runs_on_the_standard_library_alone() -> None:
    done = subprocess.run(
        [sys.executable, "-S", "-m", "tools.realkafka", "--help"],
        cwd=realkafka.REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "python3 -m tools.realkafka" in done.stdout and "fetch" in done.stdout


def test_version_constants_match_the_pom() -> None:
    props = _pom().find("m:properties", POM_NS)
    assert props is not None
    assert props.findtext("m:kafka.version", namespaces=POM_NS) == realkafka.KAFKA_VERSION
    assert props.findtext("m:log4j.version", namespaces=POM_NS) == realkafka.LOG4J_VERSION
    assert props.findtext("m:slf4j.version", namespaces=POM_NS) == realkafka.SLF4J_VERSION
    assert realkafka.KAFKA_VERSION.split(".")[0] == "4"


def test_pom_lists_broker_tools_and_logging_binding() -> None:
    deps = {
        dep.findtext("m:artifactId", namespaces=POM_NS): dep.findtext(
            "m:version", namespaces=POM_NS
        )
        for dep in _pom().iterfind("m:dependencies/m:dependency", POM_NS)
    }
    assert deps["kafka_2.13"] == deps["kafka-tools"] == "${kafka.version}"
    assert deps["log4j-slf4j-impl"] == deps["log4j-core"] == "${log4j.version}"
    assert deps["slf4j-api"] == "${slf4j.version}"


def test_maven_command_passes_the_versions(sandbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    command = realkafka.maven_command("4.1.1", sandbox / "out")
    assert command[0] == "/usr/bin/mvn"
    assert "-Dkafka.version=4.1.1" in command
    assert f"-Dlog4j.version={realkafka.LOG4J_VERSION}" in command
    assert f"-DoutputDirectory={sandbox / 'out'}" in command
    assert "-DincludeScope=runtime" in command


def test_server_properties_single_local_kraft_node(tmp_path: Path) -> None:
    props = _properties(realkafka.server_properties(port=23000, data_dir=tmp_path / "d"))
    assert props["process.roles"] == "broker,controller"
    assert props["node.id"] == "1"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:23001"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:23000,CONTROLLER://127.0.0.1:23001"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:23000"
    assert props["log.dirs"] == str(tmp_path / "d")
    assert props["group.initial.rebalance.delay.ms"] == "0"
    for key in (
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr",
        "share.coordinator.state.topic.replication.factor",
    ):
        assert props[key] == "1", key
    assert int(props["offsets.topic.num.partitions"]) <= 8


def test_kafka_uuid_has_kafkas_text_form() -> None:
    ids = {realkafka.kafka_uuid() for _ in range(200)}
    assert len(ids) == 200
    for text in ids:
        assert len(text) == 22 and not text.startswith("-")
        assert len(base64.urlsafe_b64decode(text + "==")) == 16


def test_write_configs_logs_tools_to_stderr_at_warn(sandbox: Path) -> None:
    props = realkafka.write_configs(port=23000)
    assert "127.0.0.1:23000" in props.read_text()
    tools_log = (sandbox / "config" / "log4j2-tools.properties").read_text()
    assert "SYSTEM_ERR" in tools_log and "rootLogger.level = WARN" in tools_log
    broker_log = (sandbox / "config" / "log4j2-broker.properties").read_text()
    assert "rootLogger.level = INFO" in broker_log  # start waits for an INFO line


def test_tool_command_maps_names_to_main_classes(sandbox: Path) -> None:
    command = realkafka.tool_command("kafka-topics", ["--list"])
    assert command[0] == sys.executable
    assert command[-2:] == ["org.apache.kafka.tools.TopicCommand", "--list"]
    assert command[command.index("-cp") + 1] == str(sandbox / "lib" / "*")
    assert "-XX:TieredStopAtLevel=1" in command
    assert "-Xmx512m" in realkafka.tool_command("kafka-console-producer")
    perf = realkafka.tool_command("kafka-producer-perf-test")
    assert "-XX:TieredStopAtLevel=1" not in perf
    assert realkafka.tool_command("kafka.tools.StorageTool")[-1] == "kafka.tools.StorageTool"
    with pytest.raises(realkafka.RealKafkaError):
        realkafka.tool_command("kafka-nonsense")


def test_nothing_fetched_or_running_in_an_empty_home(sandbox: Path) -> None:
    assert realkafka.fetched_version() is None
    assert not realkafka.is_fetched()
    assert realkafka.broker_pid() is None
    assert realkafka.stop() is False
    assert realkafka.status() is False
    with pytest.raises(realkafka.RealKafkaError, match="fetch"):
        realkafka.run_tool("kafka-topics", ["--list"])


def test_fetch_key_changes_with_the_version() -> None:
    assert realkafka.fetch_key("4.1.1") != realkafka.fetch_key(realkafka.KAFKA_VERSION)


def test_bootstrap_servers_env_then_last_port(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert realkafka.bootstrap_servers() == f"127.0.0.1:{realkafka.DEFAULT_PORT}"
    realkafka.settings.PORT_FILE.parent.mkdir(parents=True)
    realkafka.settings.PORT_FILE.write_text("29092\n")
    assert realkafka.bootstrap_servers() == "127.0.0.1:29092"
    monkeypatch.setenv(realkafka.ENV_BOOTSTRAP, "broker:9092")
    assert realkafka.bootstrap_servers() == "broker:9092"


def test_cli_passes_tool_arguments_through() -> None:
    opts = realkafka.build_parser().parse_args(["tool", "kafka-topics", "--list", "--topic", "t"])
    assert (opts.name, opts.args) == ("kafka-topics", ["--list", "--topic", "t"])
    opts = realkafka.build_parser().parse_args(["start", "--port", "29092"])
    assert opts.port == 29092 and opts.kafka_version == realkafka.KAFKA_VERSION


def test_bootstrap_reachable_tries_every_address_of_the_list() -> None:
    import socket

    from tools.realkafka import bootstrap_reachable

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        open_port = server.getsockname()[1]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        assert not bootstrap_reachable(f"127.0.0.1:{closed_port}", timeout=0.5)
        assert bootstrap_reachable(f"127.0.0.1:{closed_port},127.0.0.1:{open_port}", 0.5)
        assert not bootstrap_reachable("not-an-address", timeout=0.5)
