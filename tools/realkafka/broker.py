"""The broker's life: format its storage, start it in the background, wait, stop, report.

The broker is one JVM (``kafka.Kafka``, broker and controller in one) on 127.0.0.1. Its pid
and port are kept in ``.kafka/run`` so that a later command finds it again; its output goes
to ``.kafka/logs/broker.out``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from . import common, settings
from .brokerconfig import kafka_uuid, write_configs
from .clitools import tool_command
from .common import RealKafkaError, log, timed
from .maven import fetch, fetched_version
from .settings import DEFAULT_PORT, ENV_BOOTSTRAP, HOST, KAFKA_VERSION, READY_LINE


def port_open(port: int, host: str = HOST, timeout: float = 0.5) -> bool:
    """True if something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def bootstrap_reachable(bootstrap: str, timeout: float = 2.0) -> bool:
    """True if any ``host:port`` of a bootstrap list accepts a TCP connection."""
    for address in bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        if not port.isdigit():
            continue
        if port_open(int(port), host.strip("[]"), timeout):
            return True
    return False


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _is_broker(pid: int) -> bool:
    """True if ``pid`` is a live (not zombie) process running our ``kafka.Kafka``."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our own exited child
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    proc = Path(f"/proc/{pid}")
    if not proc.is_dir():
        return True  # no /proc: trust the pid file
    try:
        cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    # Right after fork/exec the cmdline can briefly read empty: trust the pid file then.
    return state != "Z" and (cmdline == [b""] or b"kafka.Kafka" in cmdline)


def broker_pid() -> int | None:
    """The pid of the broker this tool started, if it is still alive."""
    pid = _read_int(settings.PID_FILE)
    return pid if pid is not None and _is_broker(pid) else None


def broker_port() -> int:
    """The port the broker was last started on (default :data:`DEFAULT_PORT`)."""
    return _read_int(settings.PORT_FILE) or DEFAULT_PORT


def bootstrap_servers() -> str:
    """Where tests find the broker: ``$KAFKA_BOOTSTRAP_SERVERS``, else this tool's broker."""
    return os.environ.get(ENV_BOOTSTRAP) or f"{HOST}:{broker_port()}"


def _log_tail(lines: int = 60) -> str:
    try:
        return "\n".join(settings.BROKER_LOG.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no broker log)"


def _wait_ready(pid: int, port: int, timeout: float) -> None:
    """Wait until the broker logged its start line and accepts connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _is_broker(pid):
            raise RealKafkaError(f"the broker exited during startup; log tail:\n{_log_tail()}")
        with contextlib.suppress(OSError):
            if READY_LINE in settings.BROKER_LOG.read_text(errors="replace") and port_open(port):
                return
        time.sleep(0.2)
    raise RealKafkaError(
        f"the broker was not ready within {timeout:.0f} s; log tail:\n{_log_tail()}"
    )


def format_storage(props: Path) -> None:
    """Format the KRaft log directory with a fresh cluster id (no-op if already formatted)."""
    done = subprocess.run(
        tool_command(
            "kafka-storage", ["format", "-t", kafka_uuid(), "-c", str(props), "--ignore-formatted"]
        ),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RealKafkaError(f"kafka-storage format failed:\n{done.stdout}{done.stderr}")


def start(
    port: int = DEFAULT_PORT,
    timeout: float = 120.0,
    keep_data: bool = False,
    version: str = KAFKA_VERSION,
) -> str:
    """Start the broker in the background (idempotent) and return its bootstrap address.

    Unless ``keep_data``, the log directory is wiped first, so every start is a fresh cluster.
    """
    pid = broker_pid()
    if pid is not None:
        running = broker_port()
        if running != port:
            raise RealKafkaError(f"a broker is already running on port {running}; stop it first")
        _wait_ready(pid, running, timeout)
        log(f"start: already running (pid {pid}, Kafka {fetched_version()}) on {HOST}:{port}")
        return f"{HOST}:{port}"
    if port_open(port) or port_open(port + 1):
        raise RealKafkaError(f"port {port} or {port + 1} on {HOST} is already in use")
    fetch(version)
    if not keep_data:
        shutil.rmtree(settings.DATA, ignore_errors=True)
    props = write_configs(port)
    with timed("start: formatted storage"):
        format_storage(props)
    settings.LOGS.mkdir(parents=True, exist_ok=True)
    settings.RUN.mkdir(parents=True, exist_ok=True)
    command = [
        common.java_bin(),
        *settings.BROKER_HEAP,
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={settings.CONFIG / 'log4j2-broker.properties'}",
        f"-Dkafka.logs.dir={settings.LOGS}",
        "-cp",
        str(settings.LIB / "*"),
        "kafka.Kafka",
        str(props),
    ]
    began = time.monotonic()
    with settings.BROKER_LOG.open("wb") as out:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=settings.HOME,
            start_new_session=True,
        )
    settings.PID_FILE.write_text(f"{proc.pid}\n")
    settings.PORT_FILE.write_text(f"{port}\n")
    try:
        _wait_ready(proc.pid, port, timeout)
    except RealKafkaError:
        stop()
        raise
    log(
        f"start: Kafka {version} ready on {HOST}:{port} (pid {proc.pid}) "
        f"in {time.monotonic() - began:.1f} s"
    )
    return f"{HOST}:{port}"


def stop(timeout: float = 60.0) -> bool:
    """Stop the broker: SIGTERM (controlled shutdown), then SIGKILL. True if one was running."""
    pid = broker_pid()
    if pid is None:
        settings.PID_FILE.unlink(missing_ok=True)
        log("stop: no broker running")
        return False
    began = time.monotonic()
    os.kill(pid, signal.SIGTERM)
    deadline = began + timeout
    while _is_broker(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _is_broker(pid):
        log(f"stop: no exit after {timeout:.0f} s, sending SIGKILL")
        os.kill(pid, signal.SIGKILL)
        while _is_broker(pid):
            time.sleep(0.1)
    settings.PID_FILE.unlink(missing_ok=True)
    log(f"stop: broker (pid {pid}) stopped in {time.monotonic() - began:.1f} s")
    return True


def status() -> bool:
    """Log whether the broker runs and answers; True if it is healthy."""
    pid = broker_pid()
    port = broker_port()
    if pid is None:
        log(f"status: not running (jars: Kafka {fetched_version() or 'not fetched'})")
        return False
    healthy = port_open(port)
    state = "running" if healthy else "started but not accepting connections"
    log(f"status: {state}: pid {pid}, Kafka {fetched_version()}, bootstrap {HOST}:{port}")
    return healthy
