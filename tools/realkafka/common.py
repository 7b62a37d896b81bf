"""What every step shares: the error type, progress logging and finding ``java``."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path


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
