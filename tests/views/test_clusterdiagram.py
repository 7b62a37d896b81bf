"""The cluster diagram's DOT text: brokers, replica roles, offsets, faults, controller."""

from __future__ import annotations

import pytest

from engine import Cluster
from engine.views.clusterdiagram import cluster_diagram
from engine.views.diagram import Diagram, find_renderer


def make_cluster() -> Cluster:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("ledger", partitions=2, replication_factor=3,
                   configs={"min.insync.replicas": "2"})
    c.produce("ledger", value="a", partition=0)
    c.produce("ledger", value="b", partition=0, acks=1)  # on the leader only, for now
    return c


def test_draws_every_broker_and_replica_with_its_role_and_offsets() -> None:
    c = make_cluster()
    d = cluster_diagram(c, "ledger")
    assert isinstance(d, Diagram) and repr(d) == "Diagram('cluster ledger')"
    src = d.source
    assert 'label="topic ledger · controller 0"' in src
    for b in (1, 2, 3):
        assert f'label="Broker {b}";' in src
    leader = c.describe_topic("ledger").partitions[0].leader
    assert f'p0_b{leader} [label="ledger-0\\nleader\\nLEO 2 · HW 1"' in src
    assert src.count("follower, in ISR\\nLEO 1 · HW") == 2
    assert src.count("[style=invis]") == 3  # one column per broker: 2 replicas, 1 edge each


def test_marks_a_crashed_broker_and_its_replicas() -> None:
    c = make_cluster()
    c.kill_broker(2)
    src = cluster_diagram(c, "ledger").source
    assert 'label="Broker 2 (down)"' in src and 'color="#d1242f"' in src
    assert 'style="rounded,filled,dashed"' in src
    c.advance(10_000)
    src = cluster_diagram(c, "ledger").source
    assert "Broker 2 (down)" in src  # down wins over fenced
    assert "follower, not in ISR" in src


def test_names_an_isolated_broker_as_the_cluster_view_does() -> None:
    c = make_cluster()
    c.isolate_broker(3)
    src = cluster_diagram(c, "ledger").source
    assert 'label="Broker 3 (isolated)"' in src and "cut off" not in src


def test_says_when_there_is_no_active_controller() -> None:
    c = Cluster(brokers=3, seed=0)
    c.create_topic("t", partitions=1, replication_factor=3)
    c.kill_broker(1)
    c.kill_broker(2)
    assert 'label="topic t · no active controller"' in cluster_diagram(c, "t").source


def test_a_partition_without_leader_says_so() -> None:
    c = Cluster(brokers=3, seed=0, controller="dedicated")
    c.create_topic("t", partitions=1, replication_factor=2)
    for b in c.describe_topic("t").partitions[0].replicas:
        c.kill_broker(b)
    c.advance(10_000)
    src = cluster_diagram(c, "t").source
    assert "no leader, in ELR" in src and "no leader, not in ISR" in src
    c = Cluster(brokers=3, seed=0, controller="dedicated", eligible_leader_replicas=False)
    c.create_topic("t", partitions=1, replication_factor=2)
    for b in c.describe_topic("t").partitions[0].replicas:
        c.kill_broker(b)
    c.advance(10_000)
    src = cluster_diagram(c, "t").source
    assert "no leader, in ISR" in src and "no leader, not in ISR" in src


def test_a_broker_without_replicas_of_the_topic_gets_an_empty_box() -> None:
    c = Cluster(brokers=3, seed=0)
    c.create_topic("t", partitions=1, replication_factor=1)
    src = cluster_diagram(c, "t").source
    assert src.count("style=invis];") == 2


def test_same_cluster_same_dot() -> None:
    assert cluster_diagram(make_cluster(), "ledger").source == \
        cluster_diagram(make_cluster(), "ledger").source


@pytest.mark.skipif(find_renderer() is None, reason="no Graphviz renderer")
def test_renders_to_svg() -> None:
    svg = cluster_diagram(make_cluster(), "ledger").svg
    assert "</svg>" in svg and "Broker 1" in svg
