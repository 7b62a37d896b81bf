"""The layout and configs of a real multi-node KRaft cluster on 127.0.0.1.

A cluster has a name (e.g. ``trio``), and everything of it lives under
``.kafka/clusters/<name>/``: ``cluster.json`` (this spec), ``config/``, ``data/node-<id>/``,
``logs/node-<id>.out`` and ``run/node-<id>.pid``. Brokers are nodes 1..N, like the engine's
brokers and Kafka's quickstart ids. Node ``n`` serves clients on ``base_port + 10*(n-1)``.

Two controller layouts:

- ``dedicated`` (the default): one controller-only node, id 0, on ``base_port + 1``, plus N
  broker-only nodes. Brokers can then be killed one after the other while the controller keeps
  fencing them, moving leaders and shrinking ISRs: the quorum never depends on a broker.
- ``combined``: every node is broker and controller (a voter), its controller listener on its
  client port + 1. Killing a majority of nodes then loses the quorum as well.

Both use a static voter set (``controller.quorum.voters``), so formatting needs no
``--standalone``. Heaps and thread pools are small, for a shared 2-core machine.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import settings
from .brokerconfig import LOG4J2_BROKER
from .common import RealKafkaError
from .settings import HOST

#: Client port of broker 1 of a cluster unless told otherwise (the single node uses 19092).
CLUSTER_BASE_PORT = 29092
#: The port step between nodes: node n listens on ``base_port + PORT_STEP * (n - 1)``.
PORT_STEP = 10
#: The node id of the controller-only node in the ``dedicated`` layout.
CONTROLLER_ID = 0
LAYOUTS = ("dedicated", "combined")
BROKER_HEAP = ("-Xms256m", "-Xmx512m")
CONTROLLER_HEAP = ("-Xms128m", "-Xmx256m")


@dataclass(frozen=True)
class NodeSpec:
    """One JVM of the cluster: its id, roles and ports (``None`` where it has no listener)."""

    node_id: int
    roles: str
    port: int | None
    controller_port: int | None

    @property
    def is_broker(self) -> bool:
        return "broker" in self.roles.split(",")

    @property
    def is_controller(self) -> bool:
        return "controller" in self.roles.split(",")

    @property
    def ready_port(self) -> int:
        """The port that opens once the node is up: the client one, else the controller one."""
        port = self.port if self.port is not None else self.controller_port
        assert port is not None
        return port


@dataclass(frozen=True)
class ClusterSpec:
    """A named cluster: its nodes and the broker configs set on top of the defaults below."""

    name: str
    layout: str
    nodes: tuple[NodeSpec, ...]
    configs: dict[str, str] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        return cluster_home(self.name)

    @property
    def brokers(self) -> tuple[NodeSpec, ...]:
        return tuple(n for n in self.nodes if n.is_broker)

    @property
    def broker_ids(self) -> tuple[int, ...]:
        return tuple(n.node_id for n in self.brokers)

    @property
    def controllers(self) -> tuple[NodeSpec, ...]:
        return tuple(n for n in self.nodes if n.is_controller)

    @property
    def bootstrap_servers(self) -> str:
        return ",".join(f"{HOST}:{n.port}" for n in self.brokers)

    @property
    def voters(self) -> str:
        """``controller.quorum.voters``: ``id@host:port`` of every controller."""
        return ",".join(f"{n.node_id}@{HOST}:{n.controller_port}" for n in self.controllers)

    def node(self, node_id: int) -> NodeSpec:
        for node in self.nodes:
            if node.node_id == node_id:
                return node
        known = ", ".join(str(n.node_id) for n in self.nodes)
        raise RealKafkaError(f"cluster {self.name!r} has no node {node_id} (nodes: {known})")

    def data_dir(self, node_id: int) -> Path:
        return self.home / "data" / f"node-{node_id}"

    def props_file(self, node_id: int) -> Path:
        return self.home / "config" / f"node-{node_id}.properties"

    def log_file(self, node_id: int) -> Path:
        return self.home / "logs" / f"node-{node_id}.out"

    def pid_file(self, node_id: int) -> Path:
        return self.home / "run" / f"node-{node_id}.pid"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ClusterSpec:
        raw = json.loads(text)
        nodes = tuple(NodeSpec(**node) for node in raw["nodes"])
        return cls(raw["name"], raw["layout"], nodes, dict(raw.get("configs", {})))


def cluster_home(name: str) -> Path:
    """Where cluster ``name`` keeps its files (read from ``settings`` at call time)."""
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise ValueError(f"a cluster name is letters, digits, '-' and '_', got {name!r}")
    return settings.HOME / "clusters" / name


def cluster_spec(
    name: str,
    brokers: int = 3,
    base_port: int = CLUSTER_BASE_PORT,
    layout: str = "dedicated",
    configs: dict[str, str] | None = None,
) -> ClusterSpec:
    """The spec of a cluster of ``brokers`` brokers (ids 1..N) in the given controller layout."""
    cluster_home(name)  # checks the name
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    if brokers < 1:
        raise ValueError(f"a cluster needs at least one broker, got {brokers}")
    nodes: list[NodeSpec] = []
    if layout == "dedicated":
        nodes.append(NodeSpec(CONTROLLER_ID, "controller", None, base_port + 1))
    for n in range(1, brokers + 1):
        port = base_port + PORT_STEP * (n - 1)
        if layout == "dedicated":
            nodes.append(NodeSpec(n, "broker", port, None))
        else:
            nodes.append(NodeSpec(n, "broker,controller", port, port + 1))
    return ClusterSpec(name, layout, tuple(nodes), dict(configs or {}))


def node_properties(spec: ClusterSpec, node_id: int) -> str:
    """``server.properties`` of one node of the cluster."""
    node = spec.node(node_id)
    replicas = min(3, len(spec.brokers))
    min_isr = min(2, replicas)
    listeners = []
    if node.port is not None:
        listeners.append(f"PLAINTEXT://{HOST}:{node.port}")
    if node.controller_port is not None:
        listeners.append(f"CONTROLLER://{HOST}:{node.controller_port}")
    entries = {
        "process.roles": node.roles,
        "node.id": str(node.node_id),
        "controller.quorum.voters": spec.voters,
        "listeners": ",".join(listeners),
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(spec.data_dir(node_id)),
        "num.network.threads": "2",
        "num.io.threads": "2",
        "background.threads": "2",
        "num.replica.fetchers": "1",
    }
    if node.is_broker:
        entries |= {
            "advertised.listeners": f"PLAINTEXT://{HOST}:{node.port}",
            "inter.broker.listener.name": "PLAINTEXT",
            "num.partitions": "1",
            "offsets.topic.replication.factor": str(replicas),
            "offsets.topic.num.partitions": "4",
            "transaction.state.log.replication.factor": str(replicas),
            "transaction.state.log.min.isr": str(min_isr),
            "transaction.state.log.num.partitions": "4",
            "share.coordinator.state.topic.replication.factor": str(replicas),
            "share.coordinator.state.topic.min.isr": str(min_isr),
            "share.coordinator.state.topic.num.partitions": "4",
            "group.initial.rebalance.delay.ms": "0",
        }
    else:
        entries["advertised.listeners"] = f"CONTROLLER://{HOST}:{node.controller_port}"
    entries |= spec.configs
    return "".join(f"{key}={value}\n" for key, value in entries.items())


def write_cluster_configs(spec: ClusterSpec) -> None:
    """Write ``cluster.json``, the Log4j 2 config and every node's properties."""
    config = spec.home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (spec.home / "cluster.json").write_text(spec.to_json())
    (config / "log4j2-broker.properties").write_text(LOG4J2_BROKER)
    for node in spec.nodes:
        spec.props_file(node.node_id).write_text(node_properties(spec, node.node_id))


def load_spec(name: str) -> ClusterSpec | None:
    """The spec cluster ``name`` was last started with, if any."""
    try:
        return ClusterSpec.from_json((cluster_home(name) / "cluster.json").read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return None
