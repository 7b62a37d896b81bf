"""Errors the engine raises, named as in ``aiokafka.errors`` and carrying Kafka's texts.

Every class derives from :class:`KafkaError`. Where Kafka has an error code, the class
carries it as ``errno`` so that a learner can match it with the protocol documentation.
"""

from __future__ import annotations


class KafkaError(Exception):
    """Base class of every error the engine raises."""

    errno: int = -1
    retriable: bool = False
    description: str = ""

    def __init__(self, message: str | None = None) -> None:
        self.message = message if message is not None else self.description
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"[Error {self.errno}] {type(self).__name__}: {self.message}"


class UnknownTopicOrPartitionError(KafkaError):
    """The topic or partition does not exist."""

    errno = 3
    retriable = True
    description = "This server does not host this topic-partition."


class OffsetOutOfRangeError(KafkaError):
    """A fetch asked for an offset outside ``[log_start_offset, log_end_offset]``."""

    errno = 1
    description = (
        "The requested offset is not within the range of offsets maintained by the server."
    )


class CorruptRecordError(KafkaError):
    """A record failed validation."""

    errno = 2
    retriable = True
    description = (
        "This message has failed its CRC checksum, exceeds the valid size, has a null key "
        "for a compacted topic, or is otherwise corrupt."
    )


class MessageSizeTooLargeError(KafkaError):
    """A record batch is larger than ``max.message.bytes``."""

    errno = 10
    description = (
        "The request included a message larger than the max message size the server "
        "will accept."
    )


class InvalidTimestampError(KafkaError):
    """A record's timestamp is outside what the topic accepts."""

    errno = 32
    description = "The timestamp of the message is out of acceptable range."


class InvalidTopicError(KafkaError):
    """The topic name is illegal, or collides with an existing one."""

    errno = 17
    description = "The request attempted to perform an operation on an invalid topic."


class InvalidPartitionsError(KafkaError):
    """A partition count is not valid for this request."""

    errno = 37
    description = "Number of partitions is below 1."


class InvalidReplicationFactorError(KafkaError):
    """The replication factor cannot be met or is not valid."""

    errno = 38
    description = "Replication factor is below 1 or larger than the number of available brokers."


class InvalidConfigurationError(KafkaError):
    """A config name or value is not valid."""

    errno = 40
    description = "Configuration is invalid."


class TopicAlreadyExistsError(KafkaError):
    """A topic with this name exists already."""

    errno = 36
    description = "Topic with this name already exists."


class TopicDeletionDisabledError(KafkaError):
    """Topic deletion is turned off on the cluster (``delete.topic.enable=false``)."""

    errno = 73
    description = "Topic deletion is disabled."


class UnknownTopicIdError(KafkaError):
    """No topic has this id."""

    errno = 100
    description = "This server does not host this topic ID."


class KafkaTimeoutError(KafkaError):
    """An operation did not complete in time (Java's ``TimeoutException``)."""

    errno = 7
    retriable = True
    description = "The request timed out."


class PolicyViolationError(KafkaError):
    """The request breaks a limit or policy of the cluster."""

    errno = 44
    description = "Request parameters do not satisfy the configured policy."


class LeaderNotAvailableError(KafkaError):
    """The partition has no leader at the moment (an election is pending or impossible)."""

    errno = 5
    retriable = True
    description = (
        "There is no leader for this topic-partition as we are in the middle of a leadership "
        "election."
    )


class NotLeaderOrFollowerError(KafkaError):
    """The broker asked is not the partition's leader (aiokafka: ``NotLeaderForPartitionError``)."""

    errno = 6
    retriable = True
    description = (
        "For requests intended only for the leader, this error indicates that the broker is "
        "not the current leader. For requests intended for any replica, this error indicates "
        "that the broker is not a replica of the topic partition."
    )


class RequestTimedOutError(KafkaError):
    """A produce request with ``acks=all`` was not replicated within its timeout."""

    errno = 7
    retriable = True
    description = "The request timed out."


class NotEnoughReplicasError(KafkaError):
    """``acks=all`` and the ISR is smaller than ``min.insync.replicas``: nothing written."""

    errno = 19
    retriable = True
    description = "Messages are rejected since there are fewer in-sync replicas than required."


class NotEnoughReplicasAfterAppendError(KafkaError):
    """The records were written, but the ISR shrank below ``min.insync.replicas``."""

    errno = 20
    retriable = True
    description = "Messages are written to the log, but to fewer in-sync replicas than required."


class KafkaConnectionError(KafkaError):
    """The broker could not be reached (it is down, or cut off from the client)."""

    retriable = True
    description = "The server disconnected before a response was received."


class PreferredLeaderNotAvailableError(KafkaError):
    """A preferred-leader election could not make the preferred replica the leader."""

    errno = 80
    retriable = True
    description = "The preferred leader was not available."


class EligibleLeadersNotAvailableError(KafkaError):
    """An unclean election found no live replica to make the leader."""

    errno = 83
    retriable = True  # InvalidMetadataException in Kafka
    description = "Eligible topic partition leaders are not available."


class ElectionNotNeededError(KafkaError):
    """The partition already has the leader the election asked for."""

    errno = 84
    retriable = True  # InvalidMetadataException in Kafka
    description = "Leader election not needed for topic partition."


NotLeaderForPartitionError = NotLeaderOrFollowerError


class IllegalArgumentError(KafkaError, ValueError):
    """A client-side argument is not valid (Java's ``IllegalArgumentException``)."""

    description = "Illegal argument."


class CoordinatorNotAvailableError(KafkaError):
    """The group coordinator is not available (aiokafka: ``GroupCoordinatorNotAvailableError``)."""

    errno = 15
    retriable = True
    description = "The coordinator is not available."


class NotCoordinatorForGroupError(KafkaError):
    """The broker asked is not the group's coordinator (Java: ``NotCoordinatorException``)."""

    errno = 16
    retriable = True
    description = "This is not the correct coordinator."


NotCoordinatorError = NotCoordinatorForGroupError


class IllegalGenerationError(KafkaError):
    """A group request carried a generation that is not the group's current one."""

    errno = 22
    description = "Specified group generation id is not valid."


class InconsistentGroupProtocolError(KafkaError):
    """A member's protocols do not match the group's."""

    errno = 23
    description = (
        "The group member's supported protocols are incompatible with those of existing "
        "members or first group member tried to join with empty protocol type or empty "
        "protocol list."
    )


class InvalidGroupIdError(KafkaError):
    """The group id is not valid (or a group API was used without one)."""

    errno = 24
    description = "The configured groupId is invalid."


class UnknownMemberIdError(KafkaError):
    """The group coordinator does not know this member id."""

    errno = 25
    description = "The coordinator is not aware of this member."


class InvalidSessionTimeoutError(KafkaError):
    """``session.timeout.ms`` is outside the broker's allowed range."""

    errno = 26
    description = (
        "The session timeout is not within the range allowed by the broker (as configured "
        "by group.min.session.timeout.ms and group.max.session.timeout.ms)."
    )


class RebalanceInProgressError(KafkaError):
    """The group is rebalancing."""

    errno = 27
    description = "The group is rebalancing, so a rejoin is needed."


class GroupNotEmptyError(KafkaError):
    """The group still has members (aiokafka: ``NonEmptyGroup``)."""

    errno = 68
    description = "The group is not empty."


class GroupIdNotFoundError(KafkaError):
    """No group has this id (aiokafka: ``GroupIdNotFound``)."""

    errno = 69
    description = "The group id does not exist."


class GroupSubscribedToTopicError(KafkaError):
    """OffsetDelete for a topic the group's members subscribe to."""

    errno = 86
    description = ("Deleting offsets of a topic is forbidden while the consumer group is "
                   "actively subscribed to it.")


class FencedInstanceIdError(KafkaError):
    """Another consumer with the same ``group.instance.id`` took over this member."""

    errno = 82
    description = (
        "The broker rejected this static consumer since another consumer with the same "
        "group.instance.id has registered with a different member.id."
    )


class CommitFailedError(KafkaError):
    """A synchronous commit failed for good: the group moved on without this member."""

    description = (
        "Commit cannot be completed since the group has already rebalanced and assigned the "
        "partitions to another member. This means that the time between subsequent calls to "
        "poll() was longer than the configured max.poll.interval.ms, which typically implies "
        "that the poll loop is spending too much time message processing. You can address "
        "this either by increasing max.poll.interval.ms or by reducing the maximum size of "
        "batches returned in poll() with max.poll.records."
    )


class NoOffsetForPartitionError(KafkaError):
    """No committed offset and ``auto.offset.reset=none``."""

    description = "Undefined offset with no reset policy for partitions"


class IllegalStateError(KafkaError):
    """A client call made in the wrong state (Java's ``IllegalStateException``)."""

    description = "Illegal state."


class ConsumerStoppedError(KafkaError):
    """The consumer was closed (aiokafka's ``ConsumerStoppedError``)."""

    description = "Consumer already closed"


NonEmptyGroup = GroupNotEmptyError
GroupIdNotFound = GroupIdNotFoundError
GroupCoordinatorNotAvailableError = CoordinatorNotAvailableError


class TopicNameWarning(UserWarning):
    """A topic name that works, but may clash with another in metric names."""


__all__ = [
    "CommitFailedError",
    "ConsumerStoppedError",
    "CoordinatorNotAvailableError",
    "CorruptRecordError",
    "ElectionNotNeededError",
    "EligibleLeadersNotAvailableError",
    "FencedInstanceIdError",
    "GroupCoordinatorNotAvailableError",
    "GroupIdNotFound",
    "GroupIdNotFoundError",
    "GroupNotEmptyError",
    "IllegalArgumentError",
    "IllegalGenerationError",
    "IllegalStateError",
    "InconsistentGroupProtocolError",
    "InvalidConfigurationError",
    "InvalidGroupIdError",
    "InvalidPartitionsError",
    "InvalidReplicationFactorError",
    "InvalidSessionTimeoutError",
    "InvalidTimestampError",
    "InvalidTopicError",
    "KafkaConnectionError",
    "KafkaError",
    "KafkaTimeoutError",
    "LeaderNotAvailableError",
    "MessageSizeTooLargeError",
    "NoOffsetForPartitionError",
    "NonEmptyGroup",
    "NotCoordinatorError",
    "NotCoordinatorForGroupError",
    "NotEnoughReplicasAfterAppendError",
    "NotEnoughReplicasError",
    "NotLeaderForPartitionError",
    "NotLeaderOrFollowerError",
    "OffsetOutOfRangeError",
    "PolicyViolationError",
    "PreferredLeaderNotAvailableError",
    "RebalanceInProgressError",
    "RequestTimedOutError",
    "TopicAlreadyExistsError",
    "TopicDeletionDisabledError",
    "TopicNameWarning",
    "UnknownMemberIdError",
    "UnknownTopicIdError",
    "UnknownTopicOrPartitionError",
]
