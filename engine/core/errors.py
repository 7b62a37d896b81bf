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


class IllegalArgumentError(KafkaError, ValueError):
    """A client-side argument is not valid (Java's ``IllegalArgumentException``)."""

    description = "Illegal argument."


class TopicNameWarning(UserWarning):
    """A topic name that works, but may clash with another in metric names."""


__all__ = [
    "CorruptRecordError",
    "IllegalArgumentError",
    "InvalidConfigurationError",
    "InvalidPartitionsError",
    "InvalidReplicationFactorError",
    "InvalidTimestampError",
    "InvalidTopicError",
    "KafkaError",
    "KafkaTimeoutError",
    "MessageSizeTooLargeError",
    "OffsetOutOfRangeError",
    "PolicyViolationError",
    "TopicAlreadyExistsError",
    "TopicDeletionDisabledError",
    "TopicNameWarning",
    "UnknownTopicIdError",
    "UnknownTopicOrPartitionError",
]
