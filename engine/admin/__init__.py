"""The engine's admin client: aiokafka's ``AIOKafkaAdminClient`` over a simulated cluster.

``AIOKafkaAdminClient(cluster=cluster)`` creates, deletes and describes topics, describes
the cluster, lists and describes consumer groups and their committed offsets, answering with
the same shapes as aiokafka against a Kafka 4.x broker (see :mod:`engine.admin.client`).
``responses`` holds the response objects, ``protocol`` the consumer protocol's bytes.
"""

from engine.admin.client import AIOKafkaAdminClient, OffsetAndMetadata
from engine.admin.responses import (
    CreatePartitionsResponse,
    CreateTopicsResponse,
    DeleteTopicsResponse,
    DescribeGroupsResponse,
    Response,
)

__all__ = ["AIOKafkaAdminClient", "CreatePartitionsResponse", "CreateTopicsResponse",
           "DeleteTopicsResponse", "DescribeGroupsResponse", "OffsetAndMetadata", "Response"]
