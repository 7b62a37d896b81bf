"""Versions, locations and fixed numbers of the real Kafka broker.

Everything lives under ``.kafka/`` in the repository (git-ignored). The other modules read the
locations as ``settings.NAME`` at call time, so a test can point them all at a temporary
directory by patching this module.
"""

from __future__ import annotations

from pathlib import Path

#: The Apache Kafka release that is run: the newest 4.x that Maven Central serves here and that
#: passed ``start`` plus the produce/consume smoke test and tests/real on this machine.
KAFKA_VERSION = "4.4.0"
#: Log4j 2 as resolved by kafka-server 4.4.0 itself (its runtime dependency), plus the SLF4J 1.x
#: binding that Kafka's POMs leave out.
LOG4J_VERSION = "2.25.5"
SLF4J_VERSION = "1.7.36"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

REPO_ROOT = Path(__file__).resolve().parents[2]
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
