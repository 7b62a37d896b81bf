"""What ``--bootstrap-server`` reaches: the engine has no network, so the CLI decides.

The decision, made once for every tool:

- The simulated cluster listens where a local Kafka would: the broker listed first at
  ``localhost:9092``, the next at ``localhost:9093``, and so on (also as ``127.0.0.1``
  and ``[::1]``), like the quickstart and the usual three-broker Docker set-ups.
- A bootstrap list reaches the cluster if any of its entries is one of those addresses
  and that broker's process is running (a crashed broker does not answer).
- An entry that is not ``host:port`` fails as Kafka's client fails
  (``Invalid url in bootstrap.servers: x``); an empty list fails with ``You must set
  either bootstrap.servers or bootstrap.controllers``.
- A host name other than ``localhost`` or an IP literal does not resolve (there is no DNS
  here): Kafka warns ``Couldn't resolve server ...`` and, when no entry resolves, fails
  with ``No resolvable bootstrap urls given in bootstrap.servers``.
- A resolvable address where no simulated broker listens behaves as an unreachable
  broker: the tool prints what Kafka prints when its request times out. The cluster's
  clock does **not** move (a failed command leaves the cluster unchanged), and Kafka's
  repeated ``Connection to node -1 ... could not be established`` warnings, whose count
  depends on wall-clock timing, are printed once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.core import Cluster

BASE_PORT = 9092
"""The port of the cluster's first broker."""

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0:0:0:0:0:0:0:1"})

# ClientUtils.getHost / getPort (Utils.HOST_PORT_PATTERN)
HOST_PORT = re.compile(r".*?\[?([0-9a-zA-Z\-%._:]*)\]?:([0-9]+)")
_IPV4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")


@dataclass(frozen=True)
class Bootstrap:
    """The outcome of resolving a bootstrap list.

    ``problem`` is ``None`` (usable), ``"empty"``, ``"invalid"`` (``detail`` is the bad
    entry), ``"unresolvable"`` or ``"unreachable"``; ``unresolved`` lists the entries
    whose host did not resolve (Kafka warns about each).
    """

    problem: str | None
    detail: str = ""
    unresolved: tuple[tuple[str, str], ...] = ()
    first_address: str = ""


def listeners(cluster: Cluster) -> list[tuple[str, int]]:
    """``(host, port)`` of each broker's listener, in broker order."""
    return [("localhost", BASE_PORT + n) for n in range(len(cluster.brokers))]


def listening_ports(cluster: Cluster) -> set[int]:
    """The ports where a broker process is running (a crashed broker does not answer)."""
    running = set(getattr(cluster, "live_brokers", cluster.brokers))
    return {BASE_PORT + n for n, broker in enumerate(cluster.brokers) if broker in running}


def resolve(cluster: Cluster, servers: str | None) -> Bootstrap:
    """Check a ``bootstrap.servers`` value as Kafka's client does, against the cluster."""
    entries = [e.strip() for e in (servers or "").split(",")]
    entries = [e for e in entries if e]
    if not entries:
        return Bootstrap("empty")
    ports = listening_ports(cluster)
    unresolved: list[tuple[str, str]] = []
    resolved: list[tuple[str, int]] = []
    for entry in entries:
        match = HOST_PORT.fullmatch(entry)
        if match is None or not match.group(1):
            return Bootstrap("invalid", entry)
        host, port = match.group(1), int(match.group(2))
        if host in LOCAL_HOSTS or _IPV4.fullmatch(host):
            resolved.append((host, port))
        else:
            unresolved.append((entry, host))
    if not resolved:
        return Bootstrap("unresolvable", unresolved=tuple(unresolved))
    first = resolved[0]
    address = f"{'localhost' if first[0] == 'localhost' else first[0]}:{first[1]}"
    if any(host in LOCAL_HOSTS and port in ports for host, port in resolved):
        return Bootstrap(None, unresolved=tuple(unresolved), first_address=address)
    return Bootstrap("unreachable", unresolved=tuple(unresolved), first_address=address)


def socket_text(address: str) -> str:
    """How Java prints the resolved socket address in the connection warning."""
    host, _, port = address.rpartition(":")
    if host == "localhost":
        return f"localhost/127.0.0.1:{port}"
    return f"/{host}:{port}"
