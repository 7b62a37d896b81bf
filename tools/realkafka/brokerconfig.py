"""The files the broker and the tool JVMs read: ``server.properties`` and Log4j 2 configs."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

from . import settings
from .settings import DEFAULT_PORT, HOST

LOG4J2_BROKER = """\
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
"""

LOG4J2_TOOLS = """\
status = warn
appender.err.type = Console
appender.err.name = ERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = ERR
"""


def kafka_uuid() -> str:
    """A random cluster id in Kafka's ``Uuid`` text form (22 chars of URL-safe base64)."""
    while True:
        raw = uuid.uuid4().bytes
        text = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        if raw not in (bytes(16), bytes(15) + b"\x01") and not text.startswith("-"):
            return text


def server_properties(port: int = DEFAULT_PORT, data_dir: Path = settings.DATA) -> str:
    """``server.properties`` for one combined broker+controller node on 127.0.0.1.

    The controller listens on ``port + 1``; the quorum is a static one-voter set, so the storage
    needs no ``--standalone`` formatting. Internal topics get replication factor 1 and few
    partitions, and the first consumer group joins without the usual 3 s delay.
    """
    controller = port + 1
    entries = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@{HOST}:{controller}",
        "listeners": f"PLAINTEXT://{HOST}:{port},CONTROLLER://{HOST}:{controller}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{port}",
        "inter.broker.listener.name": "PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(data_dir),
        "num.network.threads": "2",
        "num.io.threads": "4",
        "num.partitions": "1",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "4",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "4",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "share.coordinator.state.topic.num.partitions": "4",
        "group.initial.rebalance.delay.ms": "0",
    }
    return "".join(f"{key}={value}\n" for key, value in entries.items())


def write_configs(port: int = DEFAULT_PORT) -> Path:
    """Write the broker and Log4j 2 configs under ``.kafka/config``; return server.properties."""
    config = settings.CONFIG
    config.mkdir(parents=True, exist_ok=True)
    (config / "log4j2-broker.properties").write_text(LOG4J2_BROKER)
    (config / "log4j2-tools.properties").write_text(LOG4J2_TOOLS)
    props = config / "server.properties"
    props.write_text(server_properties(port, settings.DATA))
    return props
