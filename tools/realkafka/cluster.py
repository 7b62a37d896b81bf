"""The life of a real multi-node KRaft cluster: format, start, crash, stop and restart nodes.

Each node is one background JVM (``kafka.Kafka``); its pid is kept in the cluster's ``run/``
directory so that later commands find it (see :mod:`tools.realkafka.clusterconfig` for the
layout). Failures are real ones:

- :func:`kill_node` sends SIGKILL, a crash: the controller fences the broker once its
  heartbeats stop for ``broker.session.timeout.ms`` (9000 ms by default);
- :func:`shutdown_node` sends SIGTERM, a controlled shutdown: the broker asks the controller
  to move its leaderships away first, then exits;
- :func:`restart_node` starts the node again on its old data; it catches up and rejoins.

The single-node broker of :mod:`tools.realkafka.broker` is left alone: clusters use their own
ports (29092 and up by default) and directories.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterable

from . import common, settings
from .broker import _is_broker, _read_int, port_open
from .brokerconfig import kafka_uuid
from .clitools import tool_command
from .clusterconfig import (
    BROKER_HEAP,
    CLUSTER_BASE_PORT,
    CONTROLLER_HEAP,
    ClusterSpec,
    NodeSpec,
    cluster_spec,
    load_spec,
    write_cluster_configs,
)
from .common import RealKafkaError, log, timed
from .maven import fetch, fetched_version
from .settings import HOST, KAFKA_VERSION, READY_LINE

#: Marks a (re)start in a node's log; readiness is looked for after the last one.
START_MARK = "=== realkafka: node starting ==="


def node_pid(spec: ClusterSpec, node_id: int) -> int | None:
    """The pid of a node of the cluster if it is alive."""
    pid = _read_int(spec.pid_file(node_id))
    return pid if pid is not None and _is_broker(pid) else None


def _since_last_start(spec: ClusterSpec, node_id: int) -> str:
    try:
        text = spec.log_file(node_id).read_text(errors="replace")
    except OSError:
        return ""
    return text.rpartition(START_MARK)[2]


def node_ready(spec: ClusterSpec, node_id: int) -> bool:
    """True if the node runs, logged that it started, and accepts connections."""
    node = spec.node(node_id)
    return (
        node_pid(spec, node_id) is not None
        and READY_LINE in _since_last_start(spec, node_id)
        and port_open(node.ready_port)
    )


def _log_tail(spec: ClusterSpec, node_id: int, lines: int = 40) -> str:
    tail = _since_last_start(spec, node_id).splitlines()[-lines:]
    return "\n".join(tail) or "(no log)"


def _wait_ready(spec: ClusterSpec, node_ids: Iterable[int], timeout: float) -> None:
    waiting = list(node_ids)
    deadline = time.monotonic() + timeout
    while waiting:
        for node_id in list(waiting):
            if node_pid(spec, node_id) is None:
                raise RealKafkaError(
                    f"node {node_id} of cluster {spec.name!r} exited during startup; "
                    f"log tail:\n{_log_tail(spec, node_id)}"
                )
            if node_ready(spec, node_id):
                waiting.remove(node_id)
        if not waiting:
            return
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- node {n}:\n{_log_tail(spec, n)}" for n in waiting)
            raise RealKafkaError(
                f"nodes {waiting} of cluster {spec.name!r} not ready within {timeout:.0f} s\n"
                f"{tails}"
            )
        time.sleep(0.2)


def _format(spec: ClusterSpec) -> None:
    """Format every node's log directory with one fresh cluster id, in parallel."""
    cluster_id = kafka_uuid()
    running = [
        subprocess.Popen(
            tool_command(
                "kafka-storage",
                ["format", "-t", cluster_id, "-c", str(spec.props_file(n.node_id))],
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for n in spec.nodes
    ]
    failures = []
    for node, proc in zip(spec.nodes, running, strict=True):
        out, _ = proc.communicate()
        if proc.returncode != 0:
            failures.append(f"node {node.node_id}: {out.decode(errors='replace')}")
    if failures:
        raise RealKafkaError("kafka-storage format failed:\n" + "\n".join(failures))


def _launch(spec: ClusterSpec, node: NodeSpec) -> int:
    """Start one node's JVM in the background; return its pid."""
    heap = BROKER_HEAP if node.is_broker else CONTROLLER_HEAP
    command = [
        common.java_bin(),
        *heap,
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Xss512k",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={spec.home / 'config' / 'log4j2-broker.properties'}",
        f"-Dkafka.logs.dir={spec.home / 'logs'}",
        "-cp",
        str(settings.LIB / "*"),
        "kafka.Kafka",
        str(spec.props_file(node.node_id)),
    ]
    log_file = spec.log_file(node.node_id)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    spec.pid_file(node.node_id).parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as out:
        out.write(f"{START_MARK}\n".encode())
        out.flush()
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=spec.home,
            start_new_session=True,
        )
    spec.pid_file(node.node_id).write_text(f"{proc.pid}\n")
    return proc.pid


def _running_spec(name: str) -> ClusterSpec:
    spec = load_spec(name)
    if spec is None:
        raise RealKafkaError(f"no cluster named {name!r}: start it with `start --name {name}`")
    return spec


def start_cluster(
    name: str,
    brokers: int = 3,
    base_port: int = CLUSTER_BASE_PORT,
    layout: str = "dedicated",
    configs: dict[str, str] | None = None,
    timeout: float = 180.0,
    keep_data: bool = False,
    version: str = KAFKA_VERSION,
) -> ClusterSpec:
    """Start cluster ``name`` in the background, wait until every node is ready, return it.

    If the same cluster already runs, it is reused. Unless ``keep_data``, the data directories
    are wiped first, so every start is a fresh cluster.
    """
    spec = cluster_spec(name, brokers, base_port, layout, configs)
    old = load_spec(name)
    alive = [n.node_id for n in old.nodes if node_pid(old, n.node_id)] if old else []
    if old is not None and alive:
        if old != spec or len(alive) != len(old.nodes):
            raise RealKafkaError(
                f"cluster {name!r} is running (nodes {alive}) with another setup or not all "
                f"nodes; stop it first: python3 -m tools.realkafka stop --name {name}"
            )
        _wait_ready(spec, alive, timeout)
        log(f"start: cluster {name!r} already running on {spec.bootstrap_servers}")
        return spec
    busy = [
        port
        for n in spec.nodes
        for port in (n.port, n.controller_port)
        if port is not None and port_open(port)
    ]
    if busy:
        raise RealKafkaError(f"ports {busy} on {HOST} are already in use")
    fetch(version)
    if not keep_data:
        shutil.rmtree(spec.home / "data", ignore_errors=True)
        shutil.rmtree(spec.home / "logs", ignore_errors=True)
    write_cluster_configs(spec)
    began = time.monotonic()
    if not keep_data:
        with timed(f"start: formatted {len(spec.nodes)} nodes"):
            _format(spec)
    for node in spec.nodes:
        _launch(spec, node)
    try:
        _wait_ready(spec, [n.node_id for n in spec.nodes], timeout)
    except RealKafkaError:
        stop_cluster(name, timeout=10.0)
        raise
    log(
        f"start: cluster {name!r} ({layout}, Kafka {fetched_version()}) ready on "
        f"{spec.bootstrap_servers} in {time.monotonic() - began:.1f} s"
    )
    return spec


def _signal_and_wait(
    spec: ClusterSpec, node_ids: Iterable[int], sig: signal.Signals, timeout: float
) -> list[int]:
    """Send ``sig`` to the live nodes among ``node_ids``, wait for them to exit (SIGKILL after
    ``timeout``); return the ids that were running."""
    pids = {n: p for n in node_ids if (p := node_pid(spec, n)) is not None}
    for pid in pids.values():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while any(_is_broker(p) for p in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.1)
    for node_id, pid in pids.items():
        if _is_broker(pid):
            log(f"node {node_id} did not exit after {timeout:.0f} s: SIGKILL")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            while _is_broker(pid):
                time.sleep(0.05)
    # A killed JVM's main thread turns zombie before its other threads have closed the sockets.
    ports = [p for n in pids for p in (spec.node(n).port, spec.node(n).controller_port) if p]
    deadline = time.monotonic() + 10.0
    while any(port_open(p, timeout=0.2) for p in ports) and time.monotonic() < deadline:
        time.sleep(0.05)
    for node_id in pids:
        spec.pid_file(node_id).unlink(missing_ok=True)
    return sorted(pids)


def kill_node(name: str, node_id: int) -> bool:
    """Crash a node with SIGKILL (no controlled shutdown). True if it was running."""
    spec = _running_spec(name)
    spec.node(node_id)
    killed = _signal_and_wait(spec, [node_id], signal.SIGKILL, 10.0)
    log(f"kill: node {node_id} of cluster {name!r} " + ("killed" if killed else "was not running"))
    return bool(killed)


def shutdown_node(name: str, node_id: int, timeout: float = 60.0) -> bool:
    """Stop a node with SIGTERM (a controlled shutdown). True if it was running."""
    spec = _running_spec(name)
    spec.node(node_id)
    began = time.monotonic()
    stopped = _signal_and_wait(spec, [node_id], signal.SIGTERM, timeout)
    state = f"stopped in {time.monotonic() - began:.1f} s" if stopped else "was not running"
    log(f"shutdown: node {node_id} of cluster {name!r} {state}")
    return bool(stopped)


def restart_node(name: str, node_id: int, timeout: float = 120.0) -> None:
    """Start a stopped or killed node again on its data and wait until it is ready."""
    spec = _running_spec(name)
    node = spec.node(node_id)
    if node_pid(spec, node_id) is not None:
        raise RealKafkaError(f"node {node_id} of cluster {name!r} is still running")
    began = time.monotonic()
    _launch(spec, node)
    _wait_ready(spec, [node_id], timeout)
    log(f"restart: node {node_id} of cluster {name!r} ready in {time.monotonic() - began:.1f} s")


def stop_cluster(name: str, timeout: float = 60.0) -> bool:
    """Stop every node: the brokers (SIGTERM, together), then the controllers.

    True if any node was running.
    """
    spec = load_spec(name)
    if spec is None:
        log(f"stop: no cluster named {name!r}")
        return False
    began = time.monotonic()
    brokers_only = [n.node_id for n in spec.nodes if not n.is_controller]
    stopped = _signal_and_wait(spec, brokers_only, signal.SIGTERM, timeout)
    stopped += _signal_and_wait(
        spec, [n.node_id for n in spec.controllers], signal.SIGTERM, timeout
    )
    if stopped:
        log(
            f"stop: cluster {name!r} nodes {sorted(stopped)} stopped in "
            f"{time.monotonic() - began:.1f} s"
        )
    else:
        log(f"stop: cluster {name!r} was not running")
    return bool(stopped)


def cluster_status(name: str) -> dict[int, str]:
    """Each node's state: ``ready``, ``starting`` (alive, not yet serving) or ``down``."""
    spec = _running_spec(name)
    states = {}
    for node in spec.nodes:
        if node_pid(spec, node.node_id) is None:
            states[node.node_id] = "down"
        else:
            states[node.node_id] = "ready" if node_ready(spec, node.node_id) else "starting"
    return states


def log_status(name: str) -> bool:
    """Log each node's state; True if every node is ready."""
    spec = load_spec(name)
    if spec is None:
        log(f"status: no cluster named {name!r}")
        return False
    states = cluster_status(name)
    for node in spec.nodes:
        port = node.port if node.port is not None else node.controller_port
        log(
            f"status: {name} node {node.node_id} ({node.roles}, {HOST}:{port}): "
            f"{states[node.node_id]}"
        )
    return all(state == "ready" for state in states.values())
