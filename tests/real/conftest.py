"""Fixtures for tests against a real Apache Kafka broker (see tools/realkafka/).

Without a broker these tests skip, unless ``COURSE_REQUIRE_REAL_KAFKA=1`` (as in CI), where a
missing broker is a failure rather than a silent skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from conftest import REAL_KAFKA_ENV
from tools import realkafka

HOW_TO_START = (
    "run `python3 -m tools.realkafka fetch && python3 -m tools.realkafka start` and set "
    f"{realkafka.ENV_BOOTSTRAP}={realkafka.HOST}:{realkafka.DEFAULT_PORT}"
)


def _unavailable(reason: str) -> None:
    """Skip the test, or fail it when the run requires real Kafka."""
    message = f"no real Kafka: {reason}; {HOW_TO_START}"
    if os.environ.get("COURSE_REQUIRE_REAL_KAFKA") == "1":
        pytest.fail(f"{message} (COURSE_REQUIRE_REAL_KAFKA=1)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def real_kafka() -> str:
    """The bootstrap servers of a reachable real Kafka: ``$KAFKA_BOOTSTRAP_SERVERS`` when the
    run started (the root ``conftest.py`` keeps it as ``$COURSE_REAL_KAFKA``)."""
    bootstrap = (os.environ.get(REAL_KAFKA_ENV, "")
                 or os.environ.get(realkafka.ENV_BOOTSTRAP, "")).strip()
    if not bootstrap:
        _unavailable(f"{realkafka.ENV_BOOTSTRAP} is not set")
    elif not realkafka.bootstrap_reachable(bootstrap):
        _unavailable(f"{realkafka.ENV_BOOTSTRAP}={bootstrap} is not reachable")
    return bootstrap


@pytest.fixture(scope="session")
def kafka_tools() -> None:
    """Kafka's own Java CLI tools (from ``.kafka/lib``) are there to run."""
    version = realkafka.fetched_version()
    if version is None or not realkafka.is_fetched(version):
        _unavailable("the Kafka jars are not in .kafka/lib")
    try:
        realkafka.java_bin()
    except realkafka.RealKafkaError as error:
        _unavailable(str(error))


#: The 3-broker cluster tests start for themselves: its name and broker 1's port (broker n
#: listens on port + 10*(n-1), the dedicated controller on port + 1), clear of the single broker.
CLUSTER_NAME = "pytest-trio"
CLUSTER_PORT = 39092


@pytest.fixture(scope="session")
def real_kafka_cluster(kafka_tools: None) -> Iterator[realkafka.clusterconfig.ClusterSpec]:
    """A real 3-broker KRaft cluster (brokers 1-3 and a dedicated controller, node 0), started
    fresh for the session and stopped after it. Tests that kill or stop a broker restart it.
    """
    realkafka.cluster.stop_cluster(CLUSTER_NAME)  # one left behind by an interrupted session
    try:
        spec = realkafka.cluster.start_cluster(CLUSTER_NAME, brokers=3, base_port=CLUSTER_PORT)
    except realkafka.RealKafkaError as error:
        pytest.fail(f"the real 3-broker cluster did not start: {error}", pytrace=False)
    yield spec
    realkafka.cluster.stop_cluster(CLUSTER_NAME, timeout=20.0)
