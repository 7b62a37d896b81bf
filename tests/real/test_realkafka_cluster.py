"""tools/realkafka's multi-node cluster: its layout and configs, and a real cluster's life.

The first tests need neither Java nor a broker. The last ones crash, stop and restart brokers
of the session's real 3-broker cluster (the ``real_kafka_cluster`` fixture) and leave it whole.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from tools import realkafka
from tools.realkafka import cluster
from tools.realkafka.clusterconfig import ClusterSpec, cluster_spec, node_properties


def _properties(text: str) -> dict[str, str]:
    pairs = [line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#")]
    assert len({key for key, _ in pairs}) == len(pairs), "a key is set twice"
    return dict(pairs)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(realkafka.settings, "HOME", tmp_path / ".kafka")
    return tmp_path / ".kafka"


def test_dedicated_layout_has_one_controller_and_broker_only_nodes(home: Path) -> None:
    spec = cluster_spec("trio", brokers=3, base_port=31000)
    assert [(n.node_id, n.roles, n.port, n.controller_port) for n in spec.nodes] == [
        (0, "controller", None, 31001),
        (1, "broker", 31000, None),
        (2, "broker", 31010, None),
        (3, "broker", 31020, None),
    ]
    assert spec.broker_ids == (1, 2, 3)
    assert spec.bootstrap_servers == "127.0.0.1:31000,127.0.0.1:31010,127.0.0.1:31020"
    assert spec.voters == "0@127.0.0.1:31001"
    assert spec.home == home / "clusters" / "trio"
    assert spec.data_dir(2) == home / "clusters" / "trio" / "data" / "node-2"


def test_combined_layout_makes_every_broker_a_voter(home: Path) -> None:
    spec = cluster_spec("c", brokers=3, base_port=31000, layout="combined")
    assert spec.broker_ids == (1, 2, 3) and len(spec.nodes) == 3
    assert spec.voters == "1@127.0.0.1:31001,2@127.0.0.1:31011,3@127.0.0.1:31021"
    props = _properties(node_properties(spec, 2))
    assert props["process.roles"] == "broker,controller"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:31010,CONTROLLER://127.0.0.1:31011"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:31010"


def test_broker_and_controller_properties(home: Path) -> None:
    spec = cluster_spec("trio", base_port=31000, configs={"broker.session.timeout.ms": "6000"})
    broker = _properties(node_properties(spec, 3))
    assert broker["process.roles"] == "broker"
    assert broker["node.id"] == "3"
    assert broker["controller.quorum.voters"] == "0@127.0.0.1:31001"
    assert broker["listeners"] == broker["advertised.listeners"] == "PLAINTEXT://127.0.0.1:31020"
    assert broker["log.dirs"] == str(spec.data_dir(3))
    assert broker["offsets.topic.replication.factor"] == "3"
    assert broker["transaction.state.log.min.isr"] == "2"
    assert broker["broker.session.timeout.ms"] == "6000"  # extra configs go to every node
    controller = _properties(node_properties(spec, 0))
    assert controller["process.roles"] == "controller"
    assert controller["listeners"] == "CONTROLLER://127.0.0.1:31001"
    assert "inter.broker.listener.name" not in controller
    # Kafka's own defaults stay untouched where the tests compare behaviour.
    for key in ("min.insync.replicas", "unclean.leader.election.enable", "replica.lag.time.max.ms"):
        assert key not in broker, key


def test_small_clusters_lower_internal_replication(home: Path) -> None:
    props = _properties(node_properties(cluster_spec("one", brokers=1), 1))
    assert props["offsets.topic.replication.factor"] == "1"
    assert props["transaction.state.log.min.isr"] == "1"


def test_spec_round_trips_through_json_and_is_saved(home: Path) -> None:
    spec = cluster_spec("trio", configs={"a.b": "1"})
    assert ClusterSpec.from_json(spec.to_json()) == spec
    realkafka.clusterconfig.write_cluster_configs(spec)
    assert realkafka.clusterconfig.load_spec("trio") == spec
    assert realkafka.clusterconfig.load_spec("other") is None
    assert spec.props_file(1).read_text() == node_properties(spec, 1)


def test_bad_names_layouts_and_nodes_are_refused(home: Path) -> None:
    with pytest.raises(ValueError, match="cluster name"):
        cluster_spec("../x")
    with pytest.raises(ValueError, match="layout"):
        cluster_spec("x", layout="zookeeper")
    with pytest.raises(ValueError, match="at least one broker"):
        cluster_spec("x", brokers=0)
    with pytest.raises(realkafka.RealKafkaError, match="no node 7"):
        cluster_spec("x").node(7)


def test_node_commands_on_an_unknown_cluster_say_how_to_start_it(home: Path) -> None:
    with pytest.raises(realkafka.RealKafkaError, match="start --name nope"):
        cluster.kill_node("nope", 1)
    assert cluster.stop_cluster("nope") is False


def test_cli_cluster_options() -> None:
    parse = realkafka.build_parser().parse_args
    opts = parse(["start", "--nodes", "3", "--name", "trio", "--config", "a.b=c=d"])
    assert (opts.nodes, opts.name, opts.config, opts.port) == (3, "trio", [("a.b", "c=d")], None)
    opts = parse(["kill", "2", "--name", "trio"])
    assert (opts.command, opts.node, opts.name) == ("kill", 2, "trio")
    assert parse(["restart", "2", "--name", "t"]).command == "restart"
    assert parse(["shutdown", "1", "--name", "t"]).command == "shutdown"
    assert parse(["stop", "--name", "trio"]).name == "trio"
    assert parse(["stop"]).name is None
    with pytest.raises(SystemExit):
        parse(["kill", "2"])  # the cluster must be named


async def _live_brokers(bootstrap: str, expected: set[int], timeout: float = 15.0) -> set[int]:
    """The brokers in the cluster's metadata, polled until they are ``expected`` (brokers learn
    of a broker's registration a moment after it does)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            described = await admin.describe_cluster()
            live = {broker["node_id"] for broker in described["brokers"]}
            if live == expected or asyncio.get_running_loop().time() > deadline:
                return live
            await asyncio.sleep(0.2)
    finally:
        await admin.close()


@pytest.mark.realkafka
def test_cluster_runs_three_brokers_and_a_controller(
    real_kafka_cluster: realkafka.clusterconfig.ClusterSpec,
) -> None:
    spec = real_kafka_cluster
    port = spec.brokers[0].port
    assert port is not None
    assert cluster.cluster_status(spec.name) == {0: "ready", 1: "ready", 2: "ready", 3: "ready"}
    assert asyncio.run(_live_brokers(spec.bootstrap_servers, {1, 2, 3})) == {1, 2, 3}
    done = subprocess.run(
        [sys.executable, "-m", "tools.realkafka", "status", "--name", spec.name],
        cwd=realkafka.REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert f"node 0 (controller, 127.0.0.1:{port + 1}): ready" in done.stderr
    # Starting the same cluster again finds it running; another setup under its name is refused.
    assert cluster.start_cluster(spec.name, brokers=3, base_port=port) == spec
    with pytest.raises(realkafka.RealKafkaError, match="another setup"):
        cluster.start_cluster(spec.name, brokers=2, base_port=port)


@pytest.mark.realkafka
def test_kill_then_restart_a_broker(
    real_kafka_cluster: realkafka.clusterconfig.ClusterSpec,
) -> None:
    spec = real_kafka_cluster
    assert cluster.kill_node(spec.name, 3) is True
    try:
        assert cluster.node_pid(spec, 3) is None
        assert cluster.cluster_status(spec.name)[3] == "down"
        assert not realkafka.port_open(spec.node(3).ready_port)
        assert cluster.kill_node(spec.name, 3) is False  # already down
        with pytest.raises(realkafka.RealKafkaError, match="still running"):
            cluster.restart_node(spec.name, 2)
    finally:
        cluster.restart_node(spec.name, 3)
    assert cluster.cluster_status(spec.name)[3] == "ready"
    assert asyncio.run(_live_brokers(spec.bootstrap_servers, {1, 2, 3})) == {1, 2, 3}


@pytest.mark.realkafka
def test_shutdown_is_a_controlled_shutdown(
    real_kafka_cluster: realkafka.clusterconfig.ClusterSpec,
) -> None:
    spec = real_kafka_cluster
    assert cluster.shutdown_node(spec.name, 2) is True
    try:
        assert cluster.cluster_status(spec.name)[2] == "down"
        last_run = spec.log_file(2).read_text().rpartition(cluster.START_MARK)[2]
        assert "Beginning controlled shutdown" in last_run
    finally:
        cluster.restart_node(spec.name, 2)
    assert cluster.cluster_status(spec.name)[2] == "ready"
