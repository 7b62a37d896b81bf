"""Running Kafka's command-line tools (``kafka-topics`` and friends) from ``.kafka/lib``.

There are no ``bin/*.sh`` scripts here: each tool is its main class on the fetched classpath.
Tool JVMs are short-lived, so they start cheaply: the C1 compiler only and, from a tool's
second run on, a class-data (CDS) archive that its first run wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from . import common, settings
from .brokerconfig import write_configs
from .common import RealKafkaError
from .maven import fetched_version, is_fetched
from .settings import KAFKA_VERSION

#: Script name -> main class, as in Kafka's ``bin/*.sh`` (checked against the 4.4.0 jars).
TOOLS: dict[str, str] = {
    "kafka-topics": "org.apache.kafka.tools.TopicCommand",
    "kafka-console-producer": "org.apache.kafka.tools.ConsoleProducer",
    "kafka-console-consumer": "org.apache.kafka.tools.consumer.ConsoleConsumer",
    "kafka-consumer-groups": "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
    "kafka-get-offsets": "org.apache.kafka.tools.GetOffsetShell",
    "kafka-metadata-quorum": "org.apache.kafka.tools.MetadataQuorumCommand",
    "kafka-leader-election": "org.apache.kafka.tools.LeaderElectionCommand",
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


def _cds_enabled() -> bool:
    """Class-data archives are on unless ``REALKAFKA_CDS=0``."""
    return os.environ.get("REALKAFKA_CDS", "1") != "0"


def _cds_archive(name: str) -> Path:
    """Where the class-data archive of tool ``name`` lives, keyed on the JDK it was made by.

    It sits in ``.kafka/lib`` so that fetching other jars discards it.
    """
    java = Path(common.java_bin()).resolve()
    jdk = hashlib.sha256(f"{java}:{java.stat().st_mtime_ns}".encode()).hexdigest()[:12]
    return settings.CDS_DIR / f"{name.rpartition('.')[2]}-{jdk}.jsa"


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
    if not (settings.CONFIG / "log4j2-tools.properties").is_file():
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
        common.java_bin(),
        *jvm,
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={settings.CONFIG / 'log4j2-tools.properties'}",
        f"-Dkafka.logs.dir={settings.LOGS}",
        "-cp",
        str(settings.LIB / "*"),
        main_class,
        *args,
    ]


def _archive_loads(archive: Path) -> bool:
    """True if a JVM starts with ``archive`` (a damaged archive would crash every tool run)."""
    check = [
        common.java_bin(),
        f"-XX:SharedArchiveFile={archive}",
        "-Xshare:on",
        "-Xlog:cds*=off",
        f"-XX:ErrorFile={settings.CDS_DIR / 'hs_err_%p.log'}",
        "-cp",
        str(settings.LIB / "*"),
        "-version",
    ]
    return subprocess.run(check, capture_output=True).returncode == 0


def run_tool_process(name: str, args: Sequence[str], run: Callable[[list[str]], int]) -> int:
    """Run a tool through ``run`` (which returns the exit code).

    The first run of a tool (one at a time) also writes the tool's class-data archive.
    """
    if not is_fetched(fetched_version() or KAFKA_VERSION):
        raise RealKafkaError("Kafka jars not fetched: run `python3 -m tools.realkafka fetch`")
    archive = _cds_archive(name)
    lock = archive.with_suffix(".lock")
    if archive.is_file() or not _cds_enabled():
        return run(tool_command(name, args))
    settings.CDS_DIR.mkdir(exist_ok=True)
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

    run_tool_process(name, args, run)
    if check:
        done[-1].check_returncode()
    return done[-1]
