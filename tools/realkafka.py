#!/usr/bin/env python3
"""A real single-node Apache Kafka (KRaft mode) built from Maven Central jars, for testing.

The course's engine is checked against the real thing. This script gets the real thing without
Docker or a release tarball: Maven resolves the broker and its command-line tools into
``.kafka/lib`` (git-ignored), and the broker runs as one background JVM on 127.0.0.1.

    python tools/realkafka.py fetch                  # resolve the jars (once per version)
    eval "$(python tools/realkafka.py start)"        # prints: export KAFKA_BOOTSTRAP_SERVERS=...
    python tools/realkafka.py tool kafka-topics --bootstrap-server 127.0.0.1:19092 --list
    python tools/realkafka.py status
    python tools/realkafka.py stop

Progress goes to stderr and the ``export`` line to stdout, so ``eval`` works. Standard library
only. Tests import it as ``tools.realkafka`` and use :func:`run_tool` and
:func:`bootstrap_servers`.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

#: The Apache Kafka release that is run: the newest 4.x that Maven Central serves here and that
#: passed ``start`` plus the produce/consume smoke test and tests/real on this machine.
KAFKA_VERSION = "4.4.0"
#: Log4j 2 as resolved by kafka-server 4.4.0 itself (its runtime dependency), plus the SLF4J 1.x
#: binding that Kafka's POMs leave out.
LOG4J_VERSION = "2.25.5"
SLF4J_VERSION = "1.7.36"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

REPO_ROOT = Path(__file__).resolve().parent.parent
POM = REPO_ROOT / "tools" / "kafka" / "pom.xml"
HOME = REPO_ROOT / ".kafka"
LIB = HOME / "lib"
CONFIG = HOME / "config"
DATA = HOME / "data"
LOGS = HOME / "logs"
RUN = HOME / "run"
FETCH_MARKER = LIB / ".fetched.json"
CDS_DIR = LIB / ".cds"
PID_FILE = RUN / "broker.pid"
PORT_FILE = RUN / "broker.port"
BROKER_LOG = LOGS / "broker.out"

HOST = "127.0.0.1"
DEFAULT_PORT = 19092
ENV_BOOTSTRAP = "KAFKA_BOOTSTRAP_SERVERS"
READY_LINE = "Kafka Server started"
BROKER_HEAP = ("-Xms256m", "-Xmx512m")

#: Script name -> main class, as in Kafka's ``bin/*.sh`` (checked against the 4.4.0 jars).
TOOLS: dict[str, str] = {
    "kafka-topics": "org.apache.kafka.tools.TopicCommand",
    "kafka-console-producer": "org.apache.kafka.tools.ConsoleProducer",
    "kafka-console-consumer": "org.apache.kafka.tools.consumer.ConsoleConsumer",
    "kafka-consumer-groups": "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
    "kafka-get-offsets": "org.apache.kafka.tools.GetOffsetShell",
    "kafka-metadata-quorum": "org.apache.kafka.tools.MetadataQuorumCommand",
    "kafka-producer-perf-test": "org.apache.kafka.tools.ProducerPerformance",
    "kafka-consumer-perf-test": "org.apache.kafka.tools.ConsumerPerformance",
    "kafka-configs": "org.apache.kafka.tools.ConfigCommand",
    "kafka-storage": "kafka.tools.StorageTool",
}
#: Tools that measure throughput: they keep the JVM's full JIT compiler.
PERF_TOOLS = frozenset({"kafka-producer-perf-test", "kafka-consumer-perf-test"})
#: Tools that move many records get a bigger heap (as Kafka's own scripts do).
BIG_HEAP_TOOLS = frozenset(
    {
        "kafka-console-producer",
        "kafka-console-consumer",
        "kafka-producer-perf-test",
        "kafka-consumer-perf-test",
    }
)

LOG4J2_BROKER = """\
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
"""

LOG4J2_TOOLS = """\
status = warn
appender.err.type = Console
appender.err.name = ERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = ERR
"""


class RealKafkaError(RuntimeError):
    """A step failed; the message says what to do."""


def log(message: str) -> None:
    """Print a progress line to stderr (stdout is kept for the ``export`` line)."""
    print(f"[realkafka] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def timed(step: str) -> Iterator[None]:
    """Log how long the enclosed step took."""
    began = time.monotonic()
    yield
    log(f"{step}: {time.monotonic() - began:.1f} s")


# ---------------------------------------------------------------------------------- fetch


def java_bin() -> str:
    """The ``java`` to use: ``$JAVA_HOME/bin/java``, else the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise RealKafkaError(
            "java not found: install a JDK 17+ (e.g. apt-get install openjdk-17-jdk)"
        )
    return found


def fetch_key(version: str = KAFKA_VERSION) -> dict[str, str]:
    """What a resolved ``.kafka/lib`` is keyed on: the versions and the pom's content."""
    pom_hash = hashlib.sha256(POM.read_bytes()).hexdigest()[:16]
    return {"kafka": version, "log4j": LOG4J_VERSION, "slf4j": SLF4J_VERSION, "pom": pom_hash}


def fetched_version() -> str | None:
    """The Kafka version in ``.kafka/lib``, or None if nothing complete is there."""
    try:
        return str(json.loads(FETCH_MARKER.read_text())["kafka"])
    except (OSError, ValueError, KeyError):
        return None


def is_fetched(version: str = KAFKA_VERSION) -> bool:
    """True if ``.kafka/lib`` holds a complete resolution for ``version`` and this pom."""
    try:
        return json.loads(FETCH_MARKER.read_text()) == fetch_key(version)
    except (OSError, ValueError):
        return False


def jar_summary(lib: Path = LIB) -> tuple[int, int]:
    """Number of jars in ``lib`` and their total size in bytes."""
    jars = list(lib.glob("*.jar"))
    return len(jars), sum(j.stat().st_size for j in jars)


def maven_command(version: str, output: Path) -> list[str]:
    """The ``mvn`` command that copies the runtime classpath of the pom into ``output``."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise RealKafkaError("mvn not found: install Maven 3.8+ (e.g. apt-get install maven)")
    return [
        mvn,
        "-B",
        "-q",
        "-f",
        str(POM),
        f"{DEPENDENCY_PLUGIN}:copy-dependencies",
        f"-DoutputDirectory={output}",
        "-DincludeScope=runtime",
        f"-Dkafka.version={version}",
        f"-Dlog4j.version={LOG4J_VERSION}",
        f"-Dslf4j.version={SLF4J_VERSION}",
    ]


def fetch(version: str = KAFKA_VERSION, force: bool = False) -> Path:
    """Resolve Kafka ``version`` into ``.kafka/lib`` with Maven; skip if already there."""
    if not force and is_fetched(version):
        count, size = jar_summary()
        log(f"fetch: Kafka {version} already in {LIB} ({count} jars, {size / 1e6:.1f} MB)")
        return LIB
    staging = HOME / "lib.partial"
    shutil.rmtree(staging, ignore_errors=True)
    with timed(f"fetch: Maven resolved Kafka {version}"):
        done = subprocess.run(maven_command(version, staging), capture_output=True, text=True)
    if done.returncode != 0:
        raise RealKafkaError(
            f"Maven could not resolve Kafka {version}:\n{done.stdout[-4000:]}{done.stderr[-4000:]}"
        )
    needed = [
        f"kafka_2.13-{version}.jar",
        f"kafka-tools-{version}.jar",
        f"log4j-slf4j-impl-{LOG4J_VERSION}.jar",
        f"log4j-core-{LOG4J_VERSION}.jar",
    ]
    missing = [name for name in needed if not (staging / name).is_file()]
    if missing:
        raise RealKafkaError(f"Maven finished but these jars are missing: {missing}")
    (staging / FETCH_MARKER.name).write_text(json.dumps(fetch_key(version)))
    shutil.rmtree(LIB, ignore_errors=True)
    staging.rename(LIB)
    count, size = jar_summary()
    log(f"fetch: {count} jars, {size / 1e6:.1f} MB in {LIB}")
    return LIB


# ------------------------------------------------------------------------------- configs


def kafka_uuid() -> str:
    """A random cluster id in Kafka's ``Uuid`` text form (22 chars of URL-safe base64)."""
    while True:
        raw = uuid.uuid4().bytes
        text = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        if raw not in (bytes(16), bytes(15) + b"\x01") and not text.startswith("-"):
            return text


def server_properties(port: int = DEFAULT_PORT, data_dir: Path = DATA) -> str:
    """``server.properties`` for one combined broker+controller node on 127.0.0.1.

    The controller listens on ``port + 1``; the quorum is a static one-voter set, so the storage
    needs no ``--standalone`` formatting. Internal topics get replication factor 1 and few
    partitions, and the first consumer group joins without the usual 3 s delay.
    """
    controller = port + 1
    settings = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@{HOST}:{controller}",
        "listeners": f"PLAINTEXT://{HOST}:{port},CONTROLLER://{HOST}:{controller}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{port}",
        "inter.broker.listener.name": "PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(data_dir),
        "num.network.threads": "2",
        "num.io.threads": "4",
        "num.partitions": "1",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "4",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "4",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "share.coordinator.state.topic.num.partitions": "4",
        "group.initial.rebalance.delay.ms": "0",
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def write_configs(port: int = DEFAULT_PORT) -> Path:
    """Write the broker and Log4j 2 configs under ``.kafka/config``; return server.properties."""
    CONFIG.mkdir(parents=True, exist_ok=True)
    (CONFIG / "log4j2-broker.properties").write_text(LOG4J2_BROKER)
    (CONFIG / "log4j2-tools.properties").write_text(LOG4J2_TOOLS)
    props = CONFIG / "server.properties"
    props.write_text(server_properties(port))
    return props


# --------------------------------------------------------------------------------- tools


def _cds_enabled() -> bool:
    """Class-data archives are on unless ``REALKAFKA_CDS=0``."""
    return os.environ.get("REALKAFKA_CDS", "1") != "0"


def _cds_archive(name: str) -> Path:
    """Where the class-data archive of tool ``name`` lives, keyed on the JDK it was made by.

    It sits in ``.kafka/lib`` so that fetching other jars discards it.
    """
    java = Path(java_bin()).resolve()
    jdk = hashlib.sha256(f"{java}:{java.stat().st_mtime_ns}".encode()).hexdigest()[:12]
    return CDS_DIR / f"{name.rpartition('.')[2]}-{jdk}.jsa"


def tool_command(name: str, args: Sequence[str] = (), archive_to: Path | None = None) -> list[str]:
    """The java command line for a Kafka CLI tool (a name from :data:`TOOLS` or a class name).

    Heaps follow Kafka's scripts. Tool JVMs are short-lived, so they run with the C1 compiler
    only (about half the CPU time on 2 cores; the perf tools keep the full JIT) and reuse a
    class-data archive of the tool once one exists (a third less again). ``archive_to`` makes
    the JVM write such an archive when it exits.
    """
    main_class = TOOLS.get(name, name)
    if "." not in main_class:
        raise RealKafkaError(f"unknown tool {name!r}; known: {', '.join(sorted(TOOLS))}")
    if not (CONFIG / "log4j2-tools.properties").is_file():
        write_configs()
    jvm = ["-Xmx512m" if name in BIG_HEAP_TOOLS else "-Xmx256m"]
    if name not in PERF_TOOLS:
        jvm.append("-XX:TieredStopAtLevel=1")
    archive = _cds_archive(name)
    if archive_to is not None:
        jvm += [f"-XX:ArchiveClassesAtExit={archive_to}", "-Xlog:cds*=off"]
    elif _cds_enabled() and archive.is_file():
        jvm += [f"-XX:SharedArchiveFile={archive}", "-Xlog:cds*=off"]
    return [
        java_bin(),
        *jvm,
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={CONFIG / 'log4j2-tools.properties'}",
        f"-Dkafka.logs.dir={LOGS}",
        "-cp",
        str(LIB / "*"),
        main_class,
        *args,
    ]


def _archive_loads(archive: Path) -> bool:
    """True if a JVM starts with ``archive`` (a damaged archive would crash every tool run)."""
    check = [
        java_bin(),
        f"-XX:SharedArchiveFile={archive}",
        "-Xshare:on",
        "-Xlog:cds*=off",
        f"-XX:ErrorFile={CDS_DIR / 'hs_err_%p.log'}",
        "-cp",
        str(LIB / "*"),
        "-version",
    ]
    return subprocess.run(check, capture_output=True).returncode == 0


def _run_tool_process(name: str, args: Sequence[str], run: Callable[[list[str]], int]) -> int:
    """Run a tool through ``run`` (which returns the exit code).

    The first run of a tool (one at a time) also writes the tool's class-data archive.
    """
    if not is_fetched(fetched_version() or KAFKA_VERSION):
        raise RealKafkaError("Kafka jars not fetched: run `python tools/realkafka.py fetch`")
    archive = _cds_archive(name)
    lock = archive.with_suffix(".lock")
    if archive.is_file() or not _cds_enabled():
        return run(tool_command(name, args))
    CDS_DIR.mkdir(exist_ok=True)
    with contextlib.suppress(OSError):
        if time.time() - lock.stat().st_mtime > 600:  # left behind by a killed run
            lock.unlink()
    try:
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:  # another run is writing the archive
        return run(tool_command(name, args))
    partial = archive.with_suffix(f".{os.getpid()}.partial")
    try:
        code = run(tool_command(name, args, archive_to=partial))
        if code == 0 and partial.is_file() and _archive_loads(partial):
            partial.rename(archive)
        return code
    finally:
        partial.unlink(missing_ok=True)
        lock.unlink(missing_ok=True)


def run_tool(
    name: str,
    args: Sequence[str] = (),
    input: bytes | str | None = None,
    timeout: float | None = None,
    check: bool = False,
) -> subprocess.CompletedProcess[bytes]:
    """Run a Kafka CLI tool to completion, capturing stdout and stderr (as bytes)."""
    data = input.encode() if isinstance(input, str) else input
    done: list[subprocess.CompletedProcess[bytes]] = []

    def run(command: list[str]) -> int:
        done.append(subprocess.run(command, input=data, capture_output=True, timeout=timeout))
        return done[-1].returncode

    _run_tool_process(name, args, run)
    if check:
        done[-1].check_returncode()
    return done[-1]


# -------------------------------------------------------------------------------- broker


def port_open(port: int, host: str = HOST, timeout: float = 0.5) -> bool:
    """True if something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
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
    """The pid of the broker this script started, if it is still alive."""
    pid = _read_int(PID_FILE)
    return pid if pid is not None and _is_broker(pid) else None


def broker_port() -> int:
    """The port the broker was last started on (default :data:`DEFAULT_PORT`)."""
    return _read_int(PORT_FILE) or DEFAULT_PORT


def bootstrap_servers() -> str:
    """Where tests find the broker: ``$KAFKA_BOOTSTRAP_SERVERS``, else this script's broker."""
    return os.environ.get(ENV_BOOTSTRAP) or f"{HOST}:{broker_port()}"


def _log_tail(lines: int = 60) -> str:
    try:
        return "\n".join(BROKER_LOG.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no broker log)"


def _wait_ready(pid: int, port: int, timeout: float) -> None:
    """Wait until the broker logged its start line and accepts connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _is_broker(pid):
            raise RealKafkaError(f"the broker exited during startup; log tail:\n{_log_tail()}")
        with contextlib.suppress(OSError):
            if READY_LINE in BROKER_LOG.read_text(errors="replace") and port_open(port):
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
        shutil.rmtree(DATA, ignore_errors=True)
    props = write_configs(port)
    with timed("start: formatted storage"):
        format_storage(props)
    LOGS.mkdir(parents=True, exist_ok=True)
    RUN.mkdir(parents=True, exist_ok=True)
    command = [
        java_bin(),
        *BROKER_HEAP,
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={CONFIG / 'log4j2-broker.properties'}",
        f"-Dkafka.logs.dir={LOGS}",
        "-cp",
        str(LIB / "*"),
        "kafka.Kafka",
        str(props),
    ]
    began = time.monotonic()
    with BROKER_LOG.open("wb") as out:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=HOME,
            start_new_session=True,
        )
    PID_FILE.write_text(f"{proc.pid}\n")
    PORT_FILE.write_text(f"{port}\n")
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
        PID_FILE.unlink(missing_ok=True)
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
    PID_FILE.unlink(missing_ok=True)
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


# ----------------------------------------------------------------------------------- CLI


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="realkafka.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fetch_cmd = commands.add_parser("fetch", help="resolve the Kafka jars into .kafka/lib")
    fetch_cmd.add_argument("--kafka-version", default=KAFKA_VERSION)
    fetch_cmd.add_argument("--force", action="store_true", help="resolve again")
    start_cmd = commands.add_parser("start", help="start the broker in the background")
    start_cmd.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="broker port (the controller uses port+1)"
    )
    start_cmd.add_argument("--timeout", type=float, default=120.0)
    start_cmd.add_argument(
        "--keep-data",
        action="store_true",
        help="keep .kafka/data from the last run instead of starting fresh",
    )
    start_cmd.add_argument("--kafka-version", default=KAFKA_VERSION)
    stop_cmd = commands.add_parser("stop", help="stop the broker")
    stop_cmd.add_argument("--timeout", type=float, default=60.0)
    commands.add_parser("status", help="exit 0 if the broker runs and accepts connections")
    tool_cmd = commands.add_parser("tool", help="run a Kafka CLI tool, e.g. kafka-topics --list")
    tool_cmd.add_argument("name", help=f"one of {', '.join(TOOLS)} or a main class")
    tool_cmd.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    opts = _parser().parse_args(argv)
    try:
        if opts.command == "fetch":
            fetch(opts.kafka_version, force=opts.force)
        elif opts.command == "start":
            bootstrap = start(opts.port, opts.timeout, opts.keep_data, opts.kafka_version)
            print(f"export {ENV_BOOTSTRAP}={bootstrap}", flush=True)
        elif opts.command == "stop":
            stop(opts.timeout)
        elif opts.command == "status":
            return 0 if status() else 1
        elif opts.command == "tool":
            return _run_tool_process(opts.name, opts.args, subprocess.call)
    except RealKafkaError as error:
        log(f"error: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
