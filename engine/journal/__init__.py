"""The journal: an append-only record of every change of state in a simulated cluster.

The engine writes to it; views, checkers and tests read it. Nothing outside the engine
needs to reach into the engine's internals to know what happened.
"""

from engine.journal.journal import Event, Journal

__all__ = ["Event", "Journal"]
