"""The Kafka the Python labs hand to a learner's ``async def``, and how they run it.

Labs 09 and 10 grade ``async def`` functions that take a ``kafka`` backend, as the lessons'
cells do. :class:`LabKafka` is that backend over a lab's engine cluster: the course's
``connect(cluster)`` with the same ``producer()``, ``consumer()`` and ``admin()``; each lab
subclasses it to remember the clients a function made (their settings are graded).
:func:`run_coroutine` runs the function from an ordinary call such as ``check()``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from engine.core.cluster import Cluster


def run_coroutine(make: Callable[[], Awaitable[Any]]) -> Any:
    """Run ``make()`` to completion on a fresh event loop in a worker thread.

    Jupyter runs every cell inside its event loop, so a plain function such as
    ``check()`` cannot ``asyncio.run`` a learner's coroutine there; a thread with its own
    loop can. Exceptions (including the stub's ``NotImplementedError``) are re-raised.
    The engine never waits in real time, so this takes milliseconds.
    """
    outcome: dict[str, Any] = {}

    def main() -> None:
        async def run() -> Any:
            result = await make()
            for _ in range(3):  # let the callbacks of completed futures run
                await asyncio.sleep(0)
            return result

        try:
            outcome["result"] = asyncio.run(run())
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=main, name="lab-coroutine")
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


class LabKafka:
    """The ``kafka`` a learner's function gets: the course's engine backend over a lab
    cluster. Subclasses override :meth:`producer` or :meth:`consumer` to watch clients."""

    kind = "engine"

    def __init__(self, cluster: Cluster) -> None:
        from engine.client import connect

        self.cluster = cluster
        self._backend = connect(cluster)

    @property
    def bootstrap_servers(self) -> str:
        return str(self._backend.bootstrap_servers)

    def producer(self, **config: Any) -> Any:
        return self._backend.producer(**config)

    def consumer(self, *topics: str, **config: Any) -> Any:
        return self._backend.consumer(*topics, **config)

    def admin(self, **config: Any) -> Any:
        return self._backend.admin(**config)


__all__ = ["LabKafka", "run_coroutine"]
