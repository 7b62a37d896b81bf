#!/usr/bin/env python3
"""The course's one entry point; it needs nothing but Python 3.11 or newer.

    python3 course.py lab     # create .venv if needed, install, open JupyterLab at lesson 1
    python3 course.py test    # the whole test suite: lint, unit tests, notebooks, browser, Kafka

Developer commands:

    python3 course.py bench       # engine throughput and memory (a benchmark, not a test)
    python3 course.py execute     # re-run lessons/, solutions/ so stored outputs match the engine
    python3 course.py labs        # regenerate labs/ from solutions/ (--check: only compare)
    python3 course.py kafka-start # a real Apache Kafka 4.x from Maven Central (needs Java 17)
    python3 course.py kafka-stop

Every command is safe to run again: the environment is only rebuilt when
``pyproject.toml`` or ``requirements/constraints.txt`` change.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
FIRST_LESSON = "lessons/01-topics-partitions-offsets.ipynb"
EXTRAS = {"lab": "lab", "test": "lab,test"}


def run(*args: str | Path, **kwargs: object) -> None:
    """Run a command from the repository root; stop with its exit code if it fails."""
    result = subprocess.run([str(a) for a in args], cwd=ROOT, check=False, **kwargs)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_env(extras: str) -> None:
    """Create .venv and install the course into it, unless that is already done."""
    if sys.version_info < (3, 11):  # noqa: UP036 (this file must run on any python3)
        sys.exit(f"The course needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PY.exists():
        print("Creating the course's Python environment in .venv ...", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception as error:  # Debian/Ubuntu ship venv's pip separately
            sys.exit(f"Could not create .venv ({error}).\nOn Debian or Ubuntu, install "
                     "the venv module first: sudo apt-get install python3-venv")
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "requirements/constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    stamp = VENV / f".installed-{extras.replace(',', '-')}"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    print(f"Installing the course ({extras}) into .venv ...", flush=True)
    if not (BIN / "uv").exists():
        run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip", "uv")
    run(BIN / "uv", "pip", "install", "--quiet", "--compile-bytecode", "-p", PY,
        "-c", "requirements/constraints.txt", "-e", f".[{extras}]")
    run(PY, "-m", "tools.labsettings", VENV)
    stamp.write_text(digest.hexdigest())


def lab(args: list[str]) -> None:
    ensure_env(EXTRAS["lab"])
    run(BIN / "jupyter", "lab", f"--ServerApp.root_dir={ROOT}", FIRST_LESSON, *args)


def test(args: list[str]) -> None:
    ensure_env(EXTRAS["test"])
    run(BIN / "ruff", "check", ".")
    run(PY, "-m", "pytest", "tests", "lessons", "solutions", "--nbval", "--nbval-current-env",
        "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "-p", "no:cacheprovider", *args)


def bench(args: list[str]) -> None:
    ensure_env(EXTRAS["lab"])
    run(PY, "-m", "bench.throughput", *args)
    print(flush=True)
    run(PY, "-m", "bench.aiokafka_vs_engine")


def execute(args: list[str]) -> None:
    ensure_env(EXTRAS["test"])
    notebooks = args or sorted(str(p.relative_to(ROOT)) for folder in ("lessons", "solutions")
                               for p in ROOT.glob(f"{folder}/*.ipynb"))
    run(PY, "-m", "tools.execute_notebooks", *notebooks)


def labs(args: list[str]) -> None:
    ensure_env(EXTRAS["test"])
    run(PY, "-m", "tools.labs", *args)


def kafka_start(args: list[str]) -> None:
    run(sys.executable, "-m", "tools.realkafka", "fetch")
    run(sys.executable, "-m", "tools.realkafka", "start", *args)


def kafka_stop(args: list[str]) -> None:
    run(sys.executable, "-m", "tools.realkafka", "stop", *args)


COMMANDS = {
    "lab": lab,
    "test": test,
    "bench": bench,
    "execute": execute,
    "labs": labs,
    "kafka-start": kafka_start,
    "kafka-stop": kafka_stop,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
