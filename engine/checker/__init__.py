"""A checker for what producers were promised, like Jepsen's and maelstrom's.

Record acknowledgements with ``history = cluster.record_acks()``, run a scenario, then
``check(cluster, history)`` compares the promises with what the logs hold now.
"""

from engine.checker.checker import Anomaly, CheckReport, check
from engine.checker.history import AckHistory, Acknowledged

__all__ = ["AckHistory", "Acknowledged", "Anomaly", "CheckReport", "check"]
