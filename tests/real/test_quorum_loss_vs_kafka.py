"""Differential test: losing the KRaft quorum, on the engine and on a real 3-node Kafka.

The engine's default cluster runs a controller on every broker (``process.roles=
broker,controller``, three voters), so two crashed brokers also take the controller quorum
with them. This file checks that case against a real cluster in the same layout (its own,
started for this module: ``start --layout combined``), with one script:

1. create a topic with 3 partitions, replication factor 3 and ``min.insync.replicas=2``;
2. crash the two brokers that do not lead partition 0 and wait past the session timeout:
   with no quorum, nobody fences them -- leaders and ISRs stay exactly as they were;
3. produce to partition 0 through the survivor: ``acks=all`` times out
   (RequestTimedOutError, not NotEnoughReplicasError: the ISR still looks whole, so the
   leader appends and waits for followers that never come), ``acks=1`` succeeds at the next
   offset;
4. restart both; the quorum returns, the followers catch up, and both records are committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from engine.core.cluster import Cluster
from engine.core.errors import KafkaError as EngineKafkaError
from tests.real.test_replication_vs_kafka import (
    SESSION_TIMEOUT_MS,
    RealCluster,
    Snapshot,
    _advance_until,
    _engine_views,
    _whole,
)
from tools import realkafka
from tools.realkafka import cluster as realcluster
from tools.realkafka.clusterconfig import ClusterSpec

pytestmark = pytest.mark.realkafka

CLUSTER_NAME = "pytest-combined"
CLUSTER_PORT = 39292
PARTITIONS = 3
#: How long the outage is watched: past the session timeout, when fencing would happen.
WATCH_MS = SESSION_TIMEOUT_MS + 3000


@dataclass
class Outage:
    """What one cluster showed; brokers are compared by role (the survivor leads p0)."""

    created: Snapshot = ()
    during: tuple[Snapshot, ...] = ()
    """The distinct snapshots seen while two brokers were down."""
    acks_all: str = ""
    acks_one: int | str = -1
    recovered_hw: int = -1


@pytest.fixture(scope="module")
def combined_cluster(kafka_tools: None) -> Iterator[ClusterSpec]:
    """A real 3-node cluster of combined broker+controller nodes, for this module only."""
    realcluster.stop_cluster(CLUSTER_NAME)
    try:
        spec = realcluster.start_cluster(
            CLUSTER_NAME, brokers=3, base_port=CLUSTER_PORT, layout="combined"
        )
    except realkafka.RealKafkaError as error:
        pytest.fail(f"the combined 3-node cluster did not start: {error}", pytrace=False)
    yield spec
    realcluster.stop_cluster(CLUSTER_NAME, timeout=20.0)


async def _produce(bootstrap: str, topic: str, acks: int | str) -> int | str:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=acks, request_timeout_ms=4000)
    await producer.start()
    try:
        return (await producer.send_and_wait(topic, b"v", partition=0)).offset
    except KafkaError as error:
        return type(error).__name__
    finally:
        await producer.stop()


async def _real_script(spec: ClusterSpec, topic: str, down: set[int]) -> Outage:
    admin = AIOKafkaAdminClient(bootstrap_servers=spec.bootstrap_servers, request_timeout_ms=5000)
    await admin.start()
    real = RealCluster(spec, admin)
    out = Outage()
    try:
        await real.create(topic, PARTITIONS)
        out.created = await real.wait_for(topic, lambda s: all(p.leader for p in s))
        survivor = out.created[0].leader
        assert survivor is not None
        victims = [b for b in spec.broker_ids if b != survivor]
        for broker in victims:
            await asyncio.to_thread(realcluster.kill_node, spec.name, broker)
            down.add(broker)
        crashed_at = time.monotonic()
        seen: list[Snapshot] = []
        while (time.monotonic() - crashed_at) * 1000 < WATCH_MS:
            snapshot = await real.describe(topic)
            if not seen or snapshot != seen[-1]:
                seen.append(snapshot)
            await asyncio.sleep(0.5)
        out.during = tuple(seen)
        only_survivor = f"{realkafka.HOST}:{spec.node(survivor).port}"
        logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # connection errors
        out.acks_all = str(await _produce(only_survivor, topic, "all"))
        out.acks_one = await _produce(only_survivor, topic, 1)
        await asyncio.gather(
            *(asyncio.to_thread(realcluster.restart_node, spec.name, b) for b in victims)
        )
        down.clear()
        await real.wait_for(topic, _whole, timeout=60)
        deadline = time.monotonic() + 20
        while True:  # the followers fetch the two records, then the HW moves
            out.recovered_hw = (await real.high_watermarks(topic))[0]
            if out.recovered_hw >= 2 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
    finally:
        await admin.close()
    return out


@pytest.fixture(scope="module")
def real_outage(combined_cluster: ClusterSpec) -> Iterator[Outage]:
    down: set[int] = set()
    try:
        yield asyncio.run(_real_script(combined_cluster, f"quorum-{time.time_ns()}", down))
    finally:
        for broker in sorted(down):
            with contextlib.suppress(Exception):
                realcluster.restart_node(combined_cluster.name, broker)


def engine_script(seed: int) -> tuple[Outage, Cluster]:
    cluster = Cluster(brokers=3, seed=seed)  # the default: every broker a controller voter
    out = Outage()
    cluster.create_topic("t", PARTITIONS, 3, configs={"min.insync.replicas": "2"})
    out.created = _engine_views(cluster, "t")
    survivor = out.created[0].leader
    victims = [b for b in cluster.brokers if b != survivor]
    for broker in victims:
        cluster.kill_broker(broker)
    seen: list[Snapshot] = []
    for _ in range(WATCH_MS // 500):
        snapshot = _engine_views(cluster, "t")
        if not seen or snapshot != seen[-1]:
            seen.append(snapshot)
        cluster.advance(500)
    out.during = tuple(seen)
    for acks in ("all", 1):
        try:
            result: int | str = cluster.produce("t", b"v", partition=0, acks=acks).offset
        except EngineKafkaError as error:
            result = type(error).__name__
        if acks == "all":
            out.acks_all = str(result)
        else:
            out.acks_one = result
    for broker in victims:
        cluster.restart_broker(broker)

    def recovered() -> bool:
        brokers = cluster.describe_brokers()
        p0 = cluster.describe_topic("t").partitions[0]
        return (
            cluster.controller_id is not None
            and all(b.running and not b.fenced for b in brokers)
            and p0.high_watermark == p0.log_end_offset
        )

    _advance_until(cluster, recovered)
    out.recovered_hw = cluster.describe_topic("t").partitions[0].high_watermark
    return out, cluster


@pytest.fixture(scope="module", params=range(3), ids=lambda seed: f"seed{seed}")
def engine_outage(request: pytest.FixtureRequest) -> tuple[Outage, Cluster]:
    return engine_script(request.param)


def test_without_a_quorum_nothing_is_fenced(
    real_outage: Outage, engine_outage: tuple[Outage, Cluster]
) -> None:
    """Past the session timeout, leaders and ISRs still name the dead brokers."""
    engine, cluster = engine_outage
    for out in (real_outage, engine):
        assert out.during == (out.created,)
    assert cluster.controller_id is not None  # back after the restarts


def test_acks_all_times_out_and_acks_one_is_appended(
    real_outage: Outage, engine_outage: tuple[Outage, Cluster]
) -> None:
    """acks=all is appended by the leader but never acknowledged; acks=1 lands after it."""
    engine, _ = engine_outage
    assert real_outage.acks_all == engine.acks_all == "RequestTimedOutError"
    assert real_outage.acks_one == engine.acks_one == 1


def test_both_records_are_committed_after_recovery(
    real_outage: Outage, engine_outage: tuple[Outage, Cluster]
) -> None:
    engine, _ = engine_outage
    assert real_outage.recovered_hw == engine.recovered_hw == 2
