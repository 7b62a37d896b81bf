"""Consumer groups on the broker side: the classic group coordinator and offsets store.

``cluster.groups`` is a :class:`GroupCoordinator`. It is built lazily and writes nothing
until a client needs it; the first FindCoordinator creates ``__consumer_offsets``.

Module map:

* :mod:`engine.group.hashing`: Java's ``String.hashCode`` and the group's partition;
* :mod:`engine.group.state`: groups, members, states, offsets (data only);
* :mod:`engine.group.offsets_topic`: the ``__consumer_offsets`` topic and its records;
* :mod:`engine.group.coordinator`: JoinGroup / SyncGroup / Heartbeat / LeaveGroup;
* :mod:`engine.group.offsets`: OffsetCommit / OffsetFetch / retention;
* :mod:`engine.group.admin`: list, describe, lag, delete, alter.

Journal events, for views. Partitions are ``[topic, partition]`` pairs; every consumer
event also carries ``client_id`` and ``group``.

Coordinator (broker side):

========================== ===========================================================
``group_created``          group, partition (of ``__consumer_offsets``), coordinator
``group_state_changed``    group, from, to, generation, reason (Kafka's log wording)
``member_joined``          group, member_id, group_instance_id, client_id, protocols,
                           topics, owned, rejoin
``static_member_replaced`` group, group_instance_id, old_member_id, new_member_id
``group_generation_started`` group, generation, protocol, leader, members (join done)
``group_assignment_set``   group, generation, assignment {member_id: partitions}
``member_removed``         group, member_id, group_instance_id, reason (left,
                           session_timeout, rebalance_timeout, sync_timeout)
``offsets_committed``      group, member_id, generation, client_id, auto,
                           offsets [{topic, partition, offset, metadata}]
``offsets_expired``        group, reason, partitions (``offsets_deleted``: the same, for
                           an OffsetDelete request)
``group_removed``          group, reason (retention emptied it); ``group_deleted``: the
                           same, for a DeleteGroups request
``group_metadata_write_failed`` group
========================== ===========================================================

Consumer (client side, :mod:`engine.consumer`):

========================== ===========================================================
``consumer_created``       group_instance_id, protocol (EAGER/COOPERATIVE), assignors,
                           auto_offset_reset, enable_auto_commit
``consumer_subscribed``    topics, pattern; ``consumer_assigned``: partitions;
                           ``consumer_unsubscribed``
``partitions_revoked``     member_id, generation, protocol, partitions
``partitions_assigned``    member_id, generation, protocol, partitions (added),
                           assignment (all owned now)
``partitions_lost``        member_id, generation, protocol, partitions
``position_committed``     topic, partition, offset (position from the committed offset)
``position_reset``         topic, partition, offset, strategy (auto.offset.reset)
``consumer_seek``          topic, partition, offset
``records_consumed``       member_id, partitions [{topic, partition, from_offset,
                           to_offset (the new position), count}]
``consumer_paused`` / ``consumer_resumed``  partitions
``poll_timeout_expired``   member_id, max_poll_interval_ms
``consumer_left_group``    member_id, reason; ``auto_commit_failed``: error (once per
                           error in a row; retried after ``retry.backoff.ms``)
``consumer_closed`` / ``consumer_crashed``  member_id
``fetch_failed``           member_id, topic, partition, error (``LeaderNotAvailableError``:
                           no leader; ``KafkaConnectionError``: leader crashed, not fenced
                           yet), leader, position; once when a partition starts failing
``fetch_resumed``          member_id, topic, partition, leader (the new one), position
``coordinator_unavailable`` member_id, coordinator (None if never found), error; once per
                           outage (Kafka's "Group coordinator ... is unavailable")
``coordinator_changed``    member_id, previous (None if none was found before),
                           coordinator: found again after an outage
========================== ===========================================================

Under failures the consumer behaves like Kafka's: a partition without a reachable
leader gives no records and is retried ``retry.backoff.ms`` later from the same
position; a lost coordinator is looked up again (no rebalance: the group's state
survives); ``commit()`` retries until ``default.api.timeout.ms`` and then raises
``KafkaTimeoutError``. ``poll()`` raises none of these errors (Kafka only logs them).

A group view gets members, generation and assignment from :meth:`GroupCoordinator.peek_group`
(no side effects) and the rebalance timeline from ``group_state_changed`` plus the
members' ``partitions_revoked``/``partitions_assigned`` times: with the eager protocol
every member owns nothing between its revoke and its assign (the stop-the-world gap);
with the cooperative one only the moving partitions are revoked, then a second
generation follows. An offsets view gets log start and high watermark from
``cluster.describe_topic``, the committed offset from
:meth:`GroupCoordinator.fetch_offsets` (or ``offsets_committed``), each consumer's
position from its last ``records_consumed``/``position_*``/``consumer_seek`` event, and
lag as high watermark minus committed offset (:meth:`GroupCoordinator.lag`).
"""

from engine.group.admin import (
    GroupCoordinator,
    GroupDescription,
    GroupListing,
    MemberDescription,
    PartitionOffsets,
)
from engine.group.hashing import java_abs, java_string_hash, partition_for_group
from engine.group.state import GroupState, OffsetAndMetadata

__all__ = [
    "GroupCoordinator",
    "GroupDescription",
    "GroupListing",
    "GroupState",
    "MemberDescription",
    "OffsetAndMetadata",
    "PartitionOffsets",
    "java_abs",
    "java_string_hash",
    "partition_for_group",
]
