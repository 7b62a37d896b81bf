"""Resolving the broker and its command-line tools from Maven Central into ``.kafka/lib``.

``tools/kafka/pom.xml`` lists the runtime classpath; Maven's dependency plugin copies it into
a staging directory, which replaces ``.kafka/lib`` only once it is complete. A marker file
records what the jars were resolved for, so a second ``fetch`` costs nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from . import settings
from .common import RealKafkaError, log, timed
from .settings import KAFKA_VERSION, LOG4J_VERSION, SLF4J_VERSION


def fetch_key(version: str = KAFKA_VERSION) -> dict[str, str]:
    """What a resolved ``.kafka/lib`` is keyed on: the versions and the pom's content."""
    pom_hash = hashlib.sha256(settings.POM.read_bytes()).hexdigest()[:16]
    return {"kafka": version, "log4j": LOG4J_VERSION, "slf4j": SLF4J_VERSION, "pom": pom_hash}


def fetched_version() -> str | None:
    """The Kafka version in ``.kafka/lib``, or None if nothing complete is there."""
    try:
        return str(json.loads(settings.FETCH_MARKER.read_text())["kafka"])
    except (OSError, ValueError, KeyError):
        return None


def is_fetched(version: str = KAFKA_VERSION) -> bool:
    """True if ``.kafka/lib`` holds a complete resolution for ``version`` and this pom."""
    try:
        return json.loads(settings.FETCH_MARKER.read_text()) == fetch_key(version)
    except (OSError, ValueError):
        return False


def jar_summary(lib: Path = settings.LIB) -> tuple[int, int]:
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
        str(settings.POM),
        f"{settings.DEPENDENCY_PLUGIN}:copy-dependencies",
        f"-DoutputDirectory={output}",
        "-DincludeScope=runtime",
        f"-Dkafka.version={version}",
        f"-Dlog4j.version={LOG4J_VERSION}",
        f"-Dslf4j.version={SLF4J_VERSION}",
    ]


def fetch(version: str = KAFKA_VERSION, force: bool = False) -> Path:
    """Resolve Kafka ``version`` into ``.kafka/lib`` with Maven; skip if already there."""
    lib = settings.LIB
    if not force and is_fetched(version):
        count, size = jar_summary(lib)
        log(f"fetch: Kafka {version} already in {lib} ({count} jars, {size / 1e6:.1f} MB)")
        return lib
    staging = settings.HOME / "lib.partial"
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
    (staging / settings.FETCH_MARKER.name).write_text(json.dumps(fetch_key(version)))
    shutil.rmtree(lib, ignore_errors=True)
    staging.rename(lib)
    count, size = jar_summary(lib)
    log(f"fetch: {count} jars, {size / 1e6:.1f} MB in {lib}")
    return lib
