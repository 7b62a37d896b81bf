"""Consumer-group partition assignors: Kafka's ``range``, ``roundrobin``, ``sticky`` and
``cooperative-sticky``, as pure, deterministic functions.

``get(name).assign(partitions_per_topic, subscriptions)`` returns each member's partitions,
exactly as Kafka's Java client computes them for the same members. Write your own assignor by
subclassing :class:`AbstractPartitionAssignor` (or any object shaped like
:class:`PartitionAssignor`) and hand it to the consumer instead of a name.
"""

from engine.assignors.base import (
    AbstractPartitionAssignor,
    Assignment,
    PartitionAssignor,
    RebalanceProtocol,
)
from engine.assignors.cooperative import reassigned_while_owned, validate_cooperative_assignment
from engine.assignors.ordering import member_sort_key, sorted_members
from engine.assignors.range import RangeAssignor
from engine.assignors.registry import DEFAULT_STRATEGIES, JAVA_CLASS_NAMES, get, get_all, names
from engine.assignors.roundrobin import RoundRobinAssignor
from engine.assignors.sticky import CooperativeStickyAssignor, StickyAssignor, StickyPlan
from engine.assignors.subscription import DEFAULT_GENERATION, Subscription
from engine.core.records import TopicPartition

__all__ = [
    "DEFAULT_GENERATION",
    "DEFAULT_STRATEGIES",
    "JAVA_CLASS_NAMES",
    "AbstractPartitionAssignor",
    "Assignment",
    "CooperativeStickyAssignor",
    "PartitionAssignor",
    "RangeAssignor",
    "RebalanceProtocol",
    "RoundRobinAssignor",
    "StickyAssignor",
    "StickyPlan",
    "Subscription",
    "TopicPartition",
    "get",
    "get_all",
    "member_sort_key",
    "names",
    "reassigned_while_owned",
    "sorted_members",
    "validate_cooperative_assignment",
]
