"""What --bootstrap-server reaches on the simulated cluster."""

from __future__ import annotations

from engine.cli.bootstrap import listeners, resolve
from engine.core import Cluster


def test_listeners_follow_broker_order() -> None:
    assert listeners(Cluster(brokers=3)) == [("localhost", 9092), ("localhost", 9093),
                                             ("localhost", 9094)]


def test_reachable_addresses() -> None:
    cluster = Cluster(brokers=3)
    for servers in ("localhost:9092", "127.0.0.1:9094", "[::1]:9093",
                    "localhost:9999,localhost:9093", " localhost:9092 , "):
        assert resolve(cluster, servers).problem is None, servers


def test_problems() -> None:
    cluster = Cluster()
    assert resolve(cluster, "").problem == "empty"
    assert resolve(cluster, " , ").problem == "empty"
    bad = resolve(cluster, "foo")
    assert (bad.problem, bad.detail) == ("invalid", "foo")
    dns = resolve(cluster, "kafka:9092")
    assert dns.problem == "unresolvable" and dns.unresolved == (("kafka:9092", "kafka"),)
    assert resolve(cluster, "localhost:9093").problem == "unreachable"
    mixed = resolve(cluster, "kafka:9092,localhost:9092")
    assert mixed.problem is None and mixed.unresolved == (("kafka:9092", "kafka"),)
