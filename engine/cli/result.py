"""The outcome of one command line: what it printed on each stream and its exit code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CliResult:
    """``stdout`` and ``stderr`` as the tool printed them, and the process exit code."""

    stdout: str
    stderr: str
    exit_code: int

    @property
    def ok(self) -> bool:
        """True when the command exited with code 0."""
        return self.exit_code == 0

    def __str__(self) -> str:
        return self.stdout + self.stderr
