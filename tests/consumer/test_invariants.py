"""Random schedules of consumers joining, polling, committing, closing and crashing.

After every step: no partition is assigned twice by the coordinator; with the
cooperative protocol no two current members ever own the same partition (members the
coordinator already removed are zombies until their next poll, as in Kafka). At the
end, once every live consumer has polled for a while, the group is ``Stable`` with
every partition assigned. Every journal event is JSON, and the same seed gives the
same journal.
"""

from __future__ import annotations

import contextlib
import json
import random

import pytest

from engine import Cluster
from engine.core.errors import CommitFailedError, FencedInstanceIdError, RebalanceInProgressError
from engine.core.records import TopicPartition as TP

STRATEGIES = [["range"], ["roundrobin"], ["sticky"], ["cooperative-sticky"],
              ["range", "cooperative-sticky"]]
EXPECTED = (CommitFailedError, RebalanceInProgressError)


def _member_ids(cluster: Cluster) -> set[str]:
    group = cluster.groups.peek_group("g")
    return set() if group is None else {m.member_id for m in group.members}


def _check(cluster: Cluster, live: list, cooperative: bool) -> None:
    group = cluster.groups.peek_group("g")
    if group is None:
        return
    assigned = [tp for m in group.members for tp in m.assignment]
    assert len(assigned) == len(set(assigned))
    if cooperative:
        members = _member_ids(cluster)
        owners: dict[TP, str] = {}
        for consumer in live:
            if consumer.generation < 0 or consumer.member_id not in members:
                continue
            for tp in consumer.assignment():
                assert tp not in owners, (tp, owners[tp], consumer.client_id)
                owners[tp] = consumer.client_id


def _run(seed: int, steps: int = 80) -> str:
    rng = random.Random(seed)
    cluster = Cluster(brokers=rng.choice([1, 3]), seed=seed)
    cluster.create_topic("t", partitions=rng.randint(1, 6))
    strategy = rng.choice(STRATEGIES)
    cooperative = strategy == ["cooperative-sticky"]
    live: list = []
    for step in range(steps):
        op = rng.random()
        if op < 0.15 and len(live) < 6:
            config = dict(group_id="g", partition_assignment_strategy=strategy,
                          auto_offset_reset="earliest", session_timeout_ms=10000,
                          max_poll_interval_ms=rng.choice([20000, 300000]))
            instance = f"i{rng.randint(0, 3)}"
            if rng.random() < 0.3 and all(c.config.group_instance_id != instance for c in live):
                config["group_instance_id"] = instance
            live.append(cluster.consumer("t", **config))
        elif op < 0.2 and live:
            leaving = live.pop(rng.randrange(len(live)))
            leaving.close() if rng.random() < 0.5 else leaving.crash()
        elif op < 0.3:
            cluster.produce("t", f"v{step}", key=f"k{rng.randint(0, 50)}")
        elif op < 0.35:
            cluster.advance(rng.randint(0, 20000))
        elif live:
            consumer = rng.choice(live)
            try:
                consumer.poll(rng.choice([0, 500, 3000]))
                if rng.random() < 0.2:
                    consumer.commit()
            except EXPECTED:
                pass
            except FencedInstanceIdError:
                live.remove(consumer)
                consumer.crash()
        _check(cluster, live, cooperative)
    for _ in range(30):
        for consumer in live:
            with contextlib.suppress(*EXPECTED):
                consumer.poll(1000)
    group = cluster.groups.peek_group("g")
    if live and group is not None and group.members:
        assert group.state == "Stable"
        assigned = sorted(tp for m in group.members for tp in m.assignment)
        assert assigned == [TP("t", p) for p in range(cluster.num_partitions("t"))]
    for event in cluster.journal:
        json.dumps(dict(event.data))
    return cluster.journal.digest()


@pytest.mark.parametrize("seed", range(12))
def test_random_schedules_keep_the_invariants(seed: int) -> None:
    _run(seed)


def test_random_schedule_is_deterministic() -> None:
    assert _run(3) == _run(3)
