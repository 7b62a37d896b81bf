"""The group leader's check of a cooperative assignment (Kafka's ``ConsumerCoordinator``).

With the cooperative protocol a partition may not go straight from one member to another:
its owner must first revoke it, and only the next rebalance may give it away. When the
chosen assignor supports ``COOPERATIVE``, Kafka's leader checks every assignment it computes,
except the built-in ``cooperative-sticky`` one (which handles generations itself), and fails
the rebalance if a partition still owned by one member is given to another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from engine.core.errors import IllegalStateError
from engine.core.records import TopicPartition

#: Kafka's text when a cooperative assignor hands over a partition that is still owned.
VIOLATION = "Assignor supporting the COOPERATIVE protocol violates its requirements"


def transferring_ownership(
    owned: Mapping[str, Iterable[TopicPartition]],
    assignment: Mapping[str, Iterable[TopicPartition]],
) -> dict[TopicPartition, str]:
    """Partitions given to a member while another member still owns them, each with the
    member it goes to (Kafka's ``computePartitionsTransferringOwnership``)."""
    added: dict[TopicPartition, str] = {}
    revoked: set[TopicPartition] = set()
    for member, partitions in assignment.items():
        mine, given = list(owned.get(member, ())), list(partitions)
        mine_set, given_set = set(mine), set(given)
        added.update((tp, member) for tp in given if tp not in mine_set)
        revoked.update(tp for tp in mine if tp not in given_set)
    return {tp: member for tp, member in added.items() if tp in revoked}


def reassigned_while_owned(
    owned: Mapping[str, Iterable[TopicPartition]],
    assignment: Mapping[str, Iterable[TopicPartition]],
) -> list[TopicPartition]:
    """Partitions given to a member while another member still owns them (sorted)."""
    return sorted(transferring_ownership(owned, assignment))


def validate_cooperative_assignment(
    assignor_name: str,
    owned: Mapping[str, Iterable[TopicPartition]],
    assignment: Mapping[str, Iterable[TopicPartition]],
) -> None:
    """Raise :class:`~engine.core.errors.IllegalStateError` as Kafka's leader does when a
    cooperative assignment reassigns owned partitions directly (skipped for
    ``cooperative-sticky``, as in Kafka)."""
    if assignor_name == "cooperative-sticky":
        return
    if reassigned_while_owned(owned, assignment):
        raise IllegalStateError(VIOLATION)
