"""Loaded first by every pytest run in this repository.

Lessons run on the built-in engine unless ``$KAFKA_BOOTSTRAP_SERVERS`` names a real broker
(see ``engine.client.connect``). Under pytest, nbval and the browser tests must check the
stored engine outputs, so the variable is moved out of the way before any kernel starts:
its value is kept as ``$COURSE_REAL_KAFKA``, which the real-Kafka tests read
(``tests/real/conftest.py``) and pass on to the clients and kernels they start themselves.
"""

from __future__ import annotations

import os

#: Where the real-Kafka tests find the broker while the suite runs.
REAL_KAFKA_ENV = "COURSE_REAL_KAFKA"


def pytest_configure(config: object) -> None:
    bootstrap = os.environ.pop("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if bootstrap and not os.environ.get(REAL_KAFKA_ENV):
        os.environ[REAL_KAFKA_ENV] = bootstrap
